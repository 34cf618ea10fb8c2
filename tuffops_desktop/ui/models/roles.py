"""Custom item-data roles shared by the list models, views and delegates."""

from PySide6.QtCore import Qt

RowIdRole = Qt.ItemDataRole.UserRole + 1
"""The database id of the row's record (int)."""

SortKeyRole = Qt.ItemDataRole.UserRole + 2
"""The raw value a column sorts by (date, int, str), for code that needs it unformatted."""

TagColourRole = Qt.ItemDataRole.UserRole + 3
"""Hex colour of a tag pill drawn by ``TagDelegate`` (customer type, warranty state)."""
