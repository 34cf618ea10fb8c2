"""What the stock-control views of the Inventory page share: quantities as text, the
location filter, CSV export of a report, and following the change feed.

A view reads its report in the background (``Ops.run``) and reads it again when the
change feed says stock, orders or locations changed — at once when it is on screen,
else the next time it is shown, so hidden tabs cost nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QTableWidget, QWidget

from tuffops_desktop.i18n import _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.dto.inventory import LocationInfo
from tuffops_desktop.ui.csv_transfer import export_csv
from tuffops_desktop.ui.formatting import number_text
from tuffops_desktop.ui.ops import Ops, ProgressJob
from tuffops_desktop.ui.tasks import Task

# Change-feed entities that alter stock, orders or where stock is kept.
STOCK_ENTITIES = ("part", "stock_order", "stock_location", "*")


def quantity_cell(value: Decimal | None) -> str:
    """A quantity as the locale writes it, without trailing zeros; empty for None."""
    return "" if value is None else number_text(value)


def kind_text(kind: str) -> str:
    return {"warehouse": _("Warehouse"), "van": _("Van")}.get(kind, kind)


def selected_rows(table: QTableWidget) -> list[int]:
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
