"""Sections of a panel side by side, or the last one under the others when narrow.

The units panel and the inbox editor show three sections in a row at 1600 px. At a
1024 px window there is no room for three: rather than squeezing the buttons ("ave
statu") or scrolling sideways, the last section moves under the first ones (the panel
then scrolls vertically if it must).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLayout, QWidget


class ColumnsBox(QWidget):
    """Lays ``sections`` (layout, stretch) side by side while the box is at least
    ``wrap_below`` pixels wide, else puts the last section under the others.

    Attributes:
        wrapped: True while the last section is under the others.
    """

    def __init__(
        self,
        sections: Sequence[tuple[QLayout, int]],
        *,
        wrap_below: int,
        spacing: int = 24,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._wrap_below = wrap_below
        self._stretches = [stretch for _layout, stretch in sections]
        self._holders: list[QWidget] = []
        for section, _stretch in sections:
            holder = QWidget()
            section.setContentsMargins(0, 0, 0, 0)
            holder.setLayout(section)
            self._holders.append(holder)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(spacing)
        self._grid.setVerticalSpacing(spacing // 2)
        self.wrapped: bool | None = None
        self._arrange(wrapped=False)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        wrapped = len(self._holders) > 1 and event.size().width() < self._wrap_below
        if wrapped != self.wrapped:
            self._arrange(wrapped)

    def _arrange(self, wrapped: bool) -> None:
        self.wrapped = wrapped
        for holder in self._holders:
            self._grid.removeWidget(holder)
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 0)
        for row in range(self._grid.rowCount()):
            self._grid.setRowStretch(row, 0)
        count = len(self._holders)
        if not wrapped:
            for column, holder in enumerate(self._holders):
                self._grid.addWidget(holder, 0, column)
                self._grid.setColumnStretch(column, self._stretches[column])
            self._grid.setRowStretch(0, 1)
            return
        *top, last = self._holders
        for column, holder in enumerate(top):
            self._grid.addWidget(holder, 0, column)
            self._grid.setColumnStretch(column, self._stretches[column])
        self._grid.addWidget(last, 1, 0, 1, count - 1)
        self._grid.setRowStretch(0, 1)
        self._grid.setRowStretch(1, 1)
