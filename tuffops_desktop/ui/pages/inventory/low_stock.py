"""The low-stock list: what to reorder, per part and location.

A part is low at a location when what the location can count on — on hand − reserved +
incoming (ordered from a supplier, not yet delivered) — is below its minimum, or below
zero (``domain.stock_control``). Each row suggests how much to order, in whole reorder
quantities. The office picks rows and orders the suggested quantities in one go (one
supplier order per row), exports the list as CSV, or changes a part's minimum there.
The list follows the change feed: a receipt, reservation or order anywhere updates it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.stock_control import SUPPLIER_MAX
from tuffops_desktop.i18n import _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.dto.inventory import LocationInfo
from tuffops_desktop.services.dto.stock_control import LowStockRow, StockOrderInfo
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.models.columns import RIGHT, Column
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inventory.levels_dialog import LevelsDialog
from tuffops_desktop.ui.pages.inventory.stock_views import (
    LiveView,
    LocationFilter,
    RowsModel,
    export_report,
    fit_columns,
    quantity_cell,
    rows_view,
    selected_rows,
)
from tuffops_desktop.ui.pages.invoices.dialogs import FieldsDialog, read_only_table, table_item
from tuffops_desktop.ui.theme import ERROR_TEXT
from tuffops_desktop.ui.widgets.forms import action_buttons
from tuffops_desktop.ui.widgets.labels import plain_label

STRETCH = 1  # the part's name takes the spare width
SUGGESTED = 9


def low_stock_columns() -> list[Column[LowStockRow]]:
    def short(r: LowStockRow) -> str | None:
        return ERROR_TEXT if r.on_hand < r.reserved else None

    return [
        Column(_("Part"), lambda r: r.part_number),
        Column(_("Name"), lambda r: r.part_name, tooltip=lambda r: r.part_name),
        Column(_("Location"), lambda r: r.location_name),
        Column(_("Bin"), lambda r: r.bin),
        Column(_("On hand"), lambda r: quantity_cell(r.on_hand), align=RIGHT),
        Column(
            _("Reserved"),
            lambda r: quantity_cell(r.reserved),
            align=RIGHT,
            foreground=short,
            tooltip=lambda r: _("More is reserved for work orders than is on hand.") if short(r) else "",
        ),
        Column(_("Incoming"), lambda r: quantity_cell(r.incoming), align=RIGHT),
        Column(_("Available"), lambda r: quantity_cell(r.available), align=RIGHT),
        Column(_("Minimum"), lambda r: quantity_cell(r.minimum), align=RIGHT),
        Column(_("Suggested"), lambda r: quantity_cell(r.suggested), align=RIGHT),
        Column(_("Unit"), lambda r: r.unit),
    ]


class LowStockView(LiveView):
    """The low-stock table with its location filter, Order suggested and Export CSV.

    Attributes:
        rows: the rows shown, in order.
    """

    def __init__(self, services: Services, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self._services = services
        self._can_edit = services.ctx.actor.can(P.INVENTORY_EDIT)
        self.rows: list[LowStockRow] = []
        self._locations_stale = True
        self.location = LocationFilter()
        self.location.currentIndexChanged.connect(lambda _i: self.refresh())
        self.summary = plain_label(role="hint")
        self.order_button = QPushButton(_("Order suggested…"))
        self.order_button.setToolTip(_("Order the suggested quantity of each selected row from a supplier"))
        self.order_button.clicked.connect(self.order_selected)
        self.levels_button = QPushButton(_("Minimum and bin…"))
        self.levels_button.setToolTip(_("Change the chosen part's minimum, reorder quantity and bin at its location"))
        self.levels_button.clicked.connect(self.edit_levels)
        self.export_button = QPushButton(_("Export CSV…"))
        self.export_button.clicked.connect(self.export)
        for button in (self.order_button, self.levels_button):
            button.setVisible(self._can_edit)
        top = QHBoxLayout()
        top.addWidget(plain_label(_("Location"), role="fieldname"))
        top.addWidget(self.location)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)
        top.addWidget(self.levels_button)
        top.addWidget(self.order_button)
        top.addWidget(self.export_button)
        self.model: RowsModel[LowStockRow] = RowsModel(low_stock_columns(), bold=frozenset({SUGGESTED}))
        self.table = rows_view(self.model, stretch=STRETCH, multi=True)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.table.doubleClicked.connect(lambda _i: self.edit_levels())
        self.note = plain_label(
            _(
                "A part is low when on hand − reserved + incoming is below its minimum, or below zero "
                "(more is promised to work orders than is there and on order). Suggested: enough whole "
                "reorder quantities to reach the minimum again."
            ),
            role="hint",
            wrap=True,
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self._update_buttons()

    # ----------------------------------------------------------------- data
    def load(self) -> None:
        if self._locations_stale:  # the filter's locations (first time, or one was added or renamed)
            self._locations_stale = False
            self._ops.run(self._services.inventory.locations, parent=self, on_done=self._locations, report=False)
        self._task = self._ops.run(
            self._services.stock_control.low_stock, self.location.location_id(), parent=self, on_done=self.show_rows
        )

    def apply_changes(self, changes: Sequence[Change]) -> None:
        if any(c.entity in ("stock_location", "*") for c in changes):
            self._locations_stale = True
        super().apply_changes(changes)

    def _locations(self, locations: Sequence[LocationInfo]) -> None:
        self.location.set_locations(locations)

    def show_rows(self, rows: list[LowStockRow]) -> None:
        self.loaded()
        keep = {row.key for row in self.selected()}
        self.rows = rows
        self.model.set_rows(rows)
        fit_columns(self.table, STRETCH)
        selection = self.table.selectionModel()
        for index, row in enumerate(rows):
            if row.key in keep:
                selection.select(
                    self.model.index(index, 0),
                    QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
                )
        where = self.location.currentText() if self.location.location_id() is not None else ""
        if not rows:
            text = _("Nothing is low at {where}.").format(where=where) if where else _("Nothing is low.")
        elif len(rows) == 1:
            text = _("1 part is low.")
        else:
            text = _("{count} parts are low.").format(count=count_text(len(rows)))
        self.summary.setText(text)
        self._update_buttons()

    # ----------------------------------------------------------------- actions
    def selected(self) -> list[LowStockRow]:
        return [self.rows[r] for r in selected_rows(self.table) if r < len(self.rows)]

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.order_button.setEnabled(bool(chosen))
        self.levels_button.setEnabled(len(chosen) == 1)
        self.export_button.setEnabled(bool(self.rows))

    def order_selected(self) -> OrderSuggestedDialog | None:
        chosen = self.selected()
        if not chosen or not self._can_edit:
            return None
        dialog = OrderSuggestedDialog(self._services, self._ops, chosen, self)
        dialog.setModal(True)
        dialog.finished.connect(lambda _r: self.refresh() if dialog.placed else None)
        dialog.open()
        return dialog

    def edit_levels(self) -> LevelsDialog | None:
        chosen = self.selected()
        if len(chosen) != 1 or not self._can_edit:
            return None
        dialog = LevelsDialog(self._services, self._ops, chosen[0].part_id, chosen[0].location_id, self)
        dialog.setModal(True)
        dialog.finished.connect(lambda _r: self.refresh() if dialog.saved is not None else None)
        dialog.open()
        return dialog

    def export(self) -> object:
        where = self.location.location_id()
        name = self.location.currentText() if where is not None else _("all locations")
        return export_report(
            self._ops,
            self,
            title=_("Export the low-stock list"),
            suggested=_("low stock {where}.csv").format(where=name),
            produce=lambda: self._services.stock_control.low_stock_csv(where),
            finished_text=_("{count} low-stock rows were written to {file}."),
        )


class OrderSuggestedDialog(FieldsDialog):
    """Order the suggested quantities of the chosen low-stock rows from one supplier: one
    order per row, all in one go. If another workstation ordered or received one of them
    meanwhile, nothing is ordered and the dialog names the rows no longer low.

    Attributes:
        placed: the orders, once placed.
    """

    def __init__(
        self, services: Services, ops: Ops, rows: Sequence[LowStockRow], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._rows = list(rows)
        self.placed: list[StockOrderInfo] | None = None
        self.setWindowTitle(_("Order suggested quantities"))
        self.setMinimumWidth(560)
        self.lines = read_only_table([_("Part"), _("Location"), _("Order"), _("Unit")], {2}, stretch=0)
        for row in self._rows:
            at = self.lines.rowCount()
            self.lines.insertRow(at)
            self.lines.setItem(at, 0, table_item(f"{row.part_number} · {row.part_name}"))
            self.lines.setItem(at, 1, table_item(row.location_name))
            self.lines.setItem(at, 2, table_item(quantity_cell(row.suggested), right=True))
            self.lines.setItem(at, 3, table_item(row.unit))
        self.lines.setMaximumHeight(min(60 + 28 * len(self._rows), 260))
        self.supplier = QLineEdit()
        self.supplier.setMaxLength(SUPPLIER_MAX)
        self.supplier.setPlaceholderText(_("e.g. Cool Supply Ltd."))
        self.add_field("supplier", _("Supplier"), self.supplier, _("Optional; the same for every order here."))
        action = (
            _("Place the order")
            if len(self._rows) == 1
            else _("Place {count} orders").format(count=count_text(len(self._rows)))
        )
        self.buttons = action_buttons(self, action, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("These quantities will be on order (incoming) until received:"), wrap=True))
        layout.addWidget(self.lines)
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def save(self) -> bool:
        self.errors.clear()
        result = self._ops.call(
            self._services.stock_control.order_suggested,
            [row.key for row in self._rows],
            self.supplier.text(),
            parent=self,
            form=self.errors,
        )
        if not result.ok or result.value is None:
            return False
        self.placed = result.value
        self.accept()
        return True
