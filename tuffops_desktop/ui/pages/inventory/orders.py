"""Parts on order: supplier orders not yet delivered (the "incoming" of the low-stock list).

When the delivery arrives, Receive books the quantity delivered into the order's
location (a receive movement "Order <reference>") and closes the order; a short delivery
is received as it is, and the low-stock list then suggests ordering the rest. Cancel
calls an order off. Both check that nobody received or cancelled the order meanwhile.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.stock_control import quantity_text
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.stock_control import StockOrderInfo
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, date_time_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inventory.stock_views import LiveView, quantity_cell, selected_rows
from tuffops_desktop.ui.pages.invoices.dialogs import FieldsDialog, read_only_table, table_item
from tuffops_desktop.ui.widgets.forms import action_buttons
from tuffops_desktop.ui.widgets.labels import plain_label

ORDER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = (
    N_("Ordered"),
    N_("Part"),
    N_("Name"),
    N_("Location"),
    N_("Quantity"),
    N_("Unit"),
    N_("Supplier"),
    N_("Reference"),
    N_("By"),
)


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
        self.table = read_only_table([_(c) for c in COLUMNS], {4}, stretch=2)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.receive_selected())
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
        self.table.setRowCount(0)
        for order in orders:
            at = self.table.rowCount()
            self.table.insertRow(at)
            cells = [
                table_item(date_time_text(order.ordered_at)),
                table_item(order.part_number),
                table_item(order.part_name, tooltip=order.part_name),
                table_item(order.location_name),
                table_item(quantity_cell(order.quantity), right=True),
                table_item(order.unit),
                table_item(order.supplier, tooltip=order.supplier),
                table_item(order.reference),
                table_item(order.ordered_by),
            ]
            for column, cell in enumerate(cells):
                cell.setData(ORDER_ID_ROLE, order.id)
                self.table.setItem(at, column, cell)
            if chosen is not None and order.id == chosen.id:
                self.table.selectRow(at)
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
