"""What the stock-control views of the Inventory page share: quantities as text, the
location filter, CSV export of a report, and following the change feed.

A view reads its report in the background (``Ops.run``) and reads it again when the
change feed says stock, orders or locations changed — at once when it is on screen,
else the next time it is shown, so hidden tabs cost nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QTableView,
    QTableWidget,
    QWidget,
)

from tuffops_desktop.i18n import _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.dto.inventory import LocationInfo
from tuffops_desktop.ui.csv_transfer import export_csv
from tuffops_desktop.ui.formatting import number_text
from tuffops_desktop.ui.models.columns import LEFT, Column
from tuffops_desktop.ui.ops import Ops, ProgressJob
from tuffops_desktop.ui.tasks import Task

# Change-feed entities that alter stock, orders or where stock is kept.
STOCK_ENTITIES = ("part", "stock_order", "stock_location", "*")
R = TypeVar("R")
FIT_ROWS = 200  # columns fit the header and this many rows (Qt's default, 1000, is slow on long lists)
Index = QModelIndex | QPersistentModelIndex


def quantity_cell(value: Decimal | None) -> str:
    """A quantity as the locale writes it, without trailing zeros; empty for None."""
    return "" if value is None else number_text(value)


def kind_text(kind: str) -> str:
    return {"warehouse": _("Warehouse"), "van": _("Van")}.get(kind, kind)


def selected_rows(table: QTableWidget | QTableView) -> list[int]:
    """The selected rows of a whole-row table, top to bottom."""
    model = table.selectionModel()
    return sorted(index.row() for index in model.selectedRows()) if model is not None else []


class LiveView(QWidget):
    """A report view that keeps itself current from the change feed.

    Subclasses implement ``load()`` (start reading in the background; the task goes in
    ``self._task``)."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._task: Task | None = None
        self._stale = True

    def refresh(self) -> None:
        """Read the report again now (F5, after an action here)."""
        self._stale = False
        if self._task is not None:
            self._task.cancel()
        self.load()

    def load(self) -> None:  # pragma: no cover - every view has its own
        raise NotImplementedError

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Stock, an order or a location changed somewhere: read again (now if shown)."""
        if any(c.entity in STOCK_ENTITIES for c in changes):
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def loaded(self) -> None:
        self._task = None


class LocationFilter(QComboBox):
    """ "All locations" and each active location (warehouses first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem(_("All locations"), None)
        self.setMinimumContentsLength(16)

    def set_locations(self, locations: Sequence[LocationInfo]) -> None:
        chosen = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(_("All locations"), None)
        for where in sorted(locations, key=lambda x: (x.kind != "warehouse", x.name.casefold())):
            if where.active:
                self.addItem(where.name, where.id)
        index = self.findData(chosen)
        self.setCurrentIndex(index if index >= 0 else 0)
        self.blockSignals(False)
        if self.currentData() != chosen:
            self.currentIndexChanged.emit(self.currentIndex())

    def location_id(self) -> int | None:
        value = self.currentData()
        return int(value) if value is not None else None


def export_report(
    ops: Ops, parent: QWidget, *, title: str, suggested: str, produce: Callable[[], str], finished_text: str
) -> ProgressJob | None:
    """Ask where to save, then write the CSV text ``produce()`` returns (on the runner,
    the file whole or not at all). ``finished_text`` is formatted with ``count`` (rows)
    and ``file``."""

    def write(out: Any, _progress: Any) -> int:
        text = produce()
        out.write(text)
        return max(len(text.splitlines()) - 1, 0)

    return export_csv(
        ops,
        ops.mapper.prompts,
        parent,
        title=title,
        suggested=suggested,
        export=write,
        finished_text=finished_text,
    )


class RowsModel(QAbstractTableModel, Generic[R]):
    """A report's rows (DTOs, already in order) shown through ``Column`` specs.

    Only the rows on screen are ever turned into text, so a list of ten thousand low
    parts or a count sheet of a whole warehouse shows at once. ``bold`` columns are
    drawn bold (the figure the user acts on)."""

    def __init__(self, columns: Sequence[Column[R]], *, bold: frozenset[int] = frozenset()) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows: list[R] = []
        self._bold = bold

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def text(self, row: int, column: int) -> str:
        """What the cell shows (tests and copy)."""
        return self.columns[column].value(self.rows[row])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        column, row = self.columns[index.column()], self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.value(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row) or None
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            colour = column.foreground(row)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.FontRole and index.column() in self._bold:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.columns[section].align)
        if role == Qt.ItemDataRole.ToolTipRole and self.columns[section].header_tooltip:
            return self.columns[section].header_tooltip
        return None


def rows_view(model: QAbstractTableModel, *, stretch: int, multi: bool = False) -> QTableView:
    """A read-only table over ``model``: whole rows selected (several with ``multi``),
    column ``stretch`` taking the spare width, the others as wide as their header."""
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection if multi else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setDefaultAlignment(LEFT)
    header.setResizeContentsPrecision(FIT_ROWS)
    for column in range(model.columnCount()):
        header.setSectionResizeMode(
            column, QHeaderView.ResizeMode.Stretch if column == stretch else QHeaderView.ResizeMode.Interactive
        )
    return view


def fit_columns(view: QTableView, stretch: int) -> None:
    """Size every column but ``stretch`` to its header and the rows on screen (cheap at
    any row count: Qt measures only what it shows)."""
    for column in range(view.model().columnCount()):
        if column != stretch:
            view.resizeColumnToContents(column)
