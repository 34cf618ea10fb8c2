"""A table header whose sort arrow points the way Windows Explorer's does.

Qt hands the style ``SortDown`` for an ascending sort (and Fusion draws ``▼``); Explorer
shows ``▲`` for ascending (A→Z, oldest first) and ``▼`` for descending. The header flips
the indicator in the style option it paints from, so only the arrow changes: the sort
itself (``sortIndicatorOrder``, the SQL ``ORDER BY``) is untouched.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QStyleOptionHeader, QWidget

_FLIPPED = {
    QStyleOptionHeader.SortIndicator.SortDown: QStyleOptionHeader.SortIndicator.SortUp,
    QStyleOptionHeader.SortIndicator.SortUp: QStyleOptionHeader.SortIndicator.SortDown,
}


class ExplorerHeader(QHeaderView):
    """A horizontal header drawing ``▲`` for ascending and ``▼`` for descending."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)  # as the header QTableView makes itself

    def initStyleOptionForIndex(self, option: QStyleOptionHeader, logical_index: int) -> None:  # noqa: N802
        super().initStyleOptionForIndex(option, logical_index)
        option.sortIndicator = _FLIPPED.get(option.sortIndicator, option.sortIndicator)
