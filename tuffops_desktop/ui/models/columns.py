"""Column specs: what one column of a list shows, and how it sorts in SQL.

A page declares its columns once (``pages/<feature>/columns.py``); the generic
``IdTableModel`` turns them into Qt roles. ``sort_key`` is the name the service's
``ListQuery.sort`` understands; an empty key means the column cannot be sorted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt

R = TypeVar("R")

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a list.

    Attributes:
        header: the header text.
        value: the cell text for a row DTO (always plain text).
        sort_key: ``ListQuery.sort`` name; "" = not sortable.
        align: text alignment.
        tooltip: tooltip text (default: none).
        swatch: hex colour of a small square before the text (e.g. the customer's type).
        tag: hex colour of a pill drawn around the text (with ``TagDelegate``).
        foreground: hex text colour.
        sort_value: raw value for ``SortKeyRole`` (default: the text).
        width: initial width in pixels (None = fit the header).
        monospace: show in a fixed-pitch font (codes, serials).
        decoration: an icon for the row (overrides ``swatch``), e.g. the link-group chain.
        header_tooltip: what the header's tooltip explains (e.g. what a swatch's colours mean).
        fit: the widest text the column must show whole (a date in the user's locale); the
            column starts at least that wide.
    """

    header: str
    value: Callable[[R], str]
    sort_key: str = ""
    align: Qt.AlignmentFlag = LEFT
    tooltip: Callable[[R], str] | None = None
    swatch: Callable[[R], str | None] | None = None
    tag: Callable[[R], str | None] | None = None
    foreground: Callable[[R], str | None] | None = None
    sort_value: Callable[[R], Any] | None = None
    width: int | None = None
    monospace: bool = False
    decoration: Callable[[R], Any] | None = None
    header_tooltip: str = ""
    fit: Callable[[], str] | None = None
