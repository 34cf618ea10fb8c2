"""A removable chip saying which report figure a list is filtered to ("Filtered: …  ×")."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from tuffops_desktop.i18n import _
from tuffops_desktop.ui.theme import ACCENT
from tuffops_desktop.ui.widgets.labels import plain_label

CHIP_STYLE = f"""
QFrame#FilterChip {{ background: #eef2ff; border: 1px solid #c7d2fe; border-radius: 12px; }}
QFrame#FilterChip QLabel {{ color: #3730a3; font-weight: 600; }}
QFrame#FilterChip QToolButton {{ border: none; background: transparent; color: {ACCENT}; font-weight: 700;
                                 padding: 0 4px; }}
QFrame#FilterChip QToolButton:hover {{ color: #1d4ed8; }}
"""


class FilterChip(QFrame):
    """Hidden until ``show_title``; its × button (click, or Space when focused) removes the filter.

    Signals:
        removed: the user removed the filter (the chip has hidden itself).
    """

    removed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("FilterChip")
        self.setStyleSheet(CHIP_STYLE)
        self.label = plain_label()
        self.remove_button = QToolButton()
        self.remove_button.setText("×")
        self.remove_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove_button.clicked.connect(self.remove)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 2, 4, 2)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        layout.addWidget(self.remove_button)
        self.hide()

    def title(self) -> str:
        return self.label.text()

    def show_title(self, title: str) -> None:
        self.label.setText(_("Filtered: {title}").format(title=title))
        self.remove_button.setToolTip(_("Remove this filter and list as before"))
        self.remove_button.setAccessibleName(_("Remove the filter “{title}”").format(title=title))
        self.show()

    def remove(self) -> None:
        if self.isVisible():
            self.hide()
            self.removed.emit()
