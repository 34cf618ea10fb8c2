"""Parts on order: supplier orders not yet delivered (the "incoming" of the low-stock list).

When the delivery arrives, Receive books the quantity delivered into the order's
location (a receive movement "Order <reference>") and closes the order; a short delivery
is received as it is, and the low-stock list then suggests ordering the rest. Cancel
calls an order off. Both check that nobody received or cancelled the order meanwhile.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.stock_control import quantity_text
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.stock_control import StockOrderInfo
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, date_time_text
from tuffops_desktop.ui.models.columns import RIGHT, Column
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inventory.stock_views import (
    LiveView,
    RowsModel,
    fit_columns,
    quantity_cell,
    rows_view,
    selected_rows,
)
from tuffops_desktop.ui.pages.invoices.dialogs import FieldsDialog
from tuffops_desktop.ui.widgets.forms import action_buttons
from tuffops_desktop.ui.widgets.labels import plain_label

STRETCH = 2  # the part's name takes the spare width


def order_columns() -> list[Column[StockOrderInfo]]:
    return [
        Column(_("Ordered"), lambda o: date_time_text(o.ordered_at)),
        Column(_("Part"), lambda o: o.part_number),
        Column(_("Name"), lambda o: o.part_name, tooltip=lambda o: o.part_name),
        Column(_("Location"), lambda o: o.location_name),
        Column(_("Quantity"), lambda o: quantity_cell(o.quantity), align=RIGHT),
        Column(_("Unit"), lambda o: o.unit),
        Column(_("Supplier"), lambda o: o.supplier, tooltip=lambda o: o.supplier),
        Column(_("Reference"), lambda o: o.reference),
        Column(_("By"), lambda o: o.ordered_by),
    ]


class OnOrderView(LiveView):
    """The open supplier orders, oldest first, with Receive and Cancel.

    Attributes:
        orders: the orders shown, in order.
    """

    def __init__(self, services: Services, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self._services = services
        self._can_edit = services.ctx.actor.can(P.INVENTORY_EDIT)
        self.orders: list[StockOrderInfo] = []
        self.summary = plain_label(role="hint")
        self.receive_button = QPushButton(_("Receive…"))
        self.receive_button.setToolTip(_("The delivery arrived: book it into stock and close the order"))
        self.receive_button.clicked.connect(self.receive_selected)
        self.cancel_button = QPushButton(_("Cancel order…"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        for button in (self.receive_button, self.cancel_button):
            button.setVisible(self._can_edit)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.receive_button)
        top.addWidget(self.cancel_button)
        self.model: RowsModel[StockOrderInfo] = RowsModel(order_columns())
        self.table = rows_view(self.model, stretch=STRETCH)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.table.doubleClicked.connect(lambda _i: self.receive_selected())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    def load(self) -> None:
        self._task = self._ops.run(self._services.stock_control.open_orders, parent=self, on_done=self.show_orders)

    def show_orders(self, orders: list[StockOrderInfo]) -> None:
        self.loaded()
        chosen = self.selected()
        self.orders = orders
        self.model.set_rows(orders)
        fit_columns(self.table, STRETCH)
        if chosen is not None and chosen.id in [o.id for o in orders]:
            self.table.selectRow([o.id for o in orders].index(chosen.id))
        if not orders:
            self.summary.setText(_("Nothing is on order."))
        elif len(orders) == 1:
            self.summary.setText(_("1 order is waiting for delivery."))
        else:
            self.summary.setText(_("{count} orders are waiting for delivery.").format(count=count_text(len(orders))))
        self._update_buttons()

    def selected(self) -> StockOrderInfo | None:
        rows = selected_rows(self.table)
        return self.orders[rows[0]] if rows and rows[0] < len(self.orders) else None

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        self.receive_button.setEnabled(chosen)
        self.cancel_button.setEnabled(chosen)

    def receive_selected(self) -> ReceiveOrderDialog | None:
        order = self.selected()
        if order is None or not self._can_edit:
            return None
        dialog = ReceiveOrderDialog(self._services, self._ops, order, self)
        dialog.setModal(True)
        dialog.finished.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog

    def cancel_selected(self) -> bool:
        order = self.selected()
        if order is None or not self._can_edit:
            return False
        question = _("Cancel {order}: {quantity} {unit} of {part} for {location}? It will no longer count as incoming.")
        if not self._ops.mapper.prompts.confirm(
            self,
            _("Cancel the order"),
            question.format(
                order=order.label,
                quantity=quantity_text(order.quantity),
                unit=order.unit,
                part=order.part_number,
                location=order.location_name,
            ),
            _("Cancel the order"),
        ):
            return False
        result = self._ops.call(
            self._services.stock_control.cancel_order,
            order.id,
            order.version,
            parent=self,
            on_reload=lambda _c: self.refresh(),
        )
        self.refresh()
        return result.ok


class ReceiveOrderDialog(FieldsDialog):
    """The delivery of one order: the quantity delivered (as ordered unless changed).

    Attributes:
        received: the order, once received.
    """

    def __init__(self, services: Services, ops: Ops, order: StockOrderInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self.order = order
        self.received: StockOrderInfo | None = None
        self.setWindowTitle(_("Receive an order"))
        self.setMinimumWidth(460)
        heading = _("{order}: {part} · {name}").format(order=order.label, part=order.part_number, name=order.part_name)
        self.quantity = QLineEdit(quantity_text(order.quantity))
        self.quantity.setMaximumWidth(140)
        self.add_field(
            "quantity",
            _("Delivered ({unit})").format(unit=order.unit),
            self.quantity,
            _("Ordered: {quantity}. If less came, receive what came; the low-stock list suggests the rest.").format(
                quantity=quantity_text(order.quantity)
            ),
        )
        self.buttons = action_buttons(
            self, _("Receive into {location}").format(location=order.location_name), self.save
        )
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(heading, role="subtitle", wrap=True))
        if order.supplier:
            layout.addWidget(plain_label(_("From {supplier}").format(supplier=order.supplier), role="hint"))
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def save(self) -> bool:
        self.errors.clear()
        if not self.quantity.text().strip():
            self.errors.show_field_errors({"quantity": _("Enter the quantity delivered.")})
            return False
        result = self._ops.call(
            self._services.stock_control.receive_order,
            self.order.id,
            self.order.version,
            self.quantity.text().strip(),
            parent=self,
            form=self.errors,
            on_reload=lambda _c: self.reject(),
        )
        if not result.ok or result.value is None:
            return False
        self.received = result.value
        self.accept()
        return True
