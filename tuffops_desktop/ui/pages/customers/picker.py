"""Choosing a customer among tens of thousands: a search dialog, never a giant combo box.

``CustomerPicker`` shows the chosen customer (or "Stock") with a Choose… button that opens
``CustomerSearchDialog``: the same SQL search as the customers page, lazily listed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.i18n import _
from tuffops_desktop.services.customers import CustomerService
from tuffops_desktop.services.dto.customers import CustomerRow
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.columns import customer_columns, type_colour
from tuffops_desktop.ui.pages.list_query import ListController
from tuffops_desktop.ui.widgets.data_table import DataTable
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.search_box import SearchBox
from tuffops_desktop.ui.widgets.swatch import type_icon


class CustomerSearchDialog(QDialog):
    """Search active customers and pick one.

    Attributes:
        chosen: the picked row, after Accept.
    """

    def __init__(
        self,
        ops: Ops,
        customers: CustomerService,
        parent: QWidget | None = None,
        *,
        title: str = "",
        exclude_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or _("Choose a customer"))
        self.resize(820, 520)
        self._exclude_id = exclude_id
        self.chosen: CustomerRow | None = None
        self.search = SearchBox(_("Type part of a name, phone, e-mail or address…"))
        columns = [c for c in customer_columns() if c.sort_key in ("type", "name", "phones", "city")]
        self.model = IdTableModel(columns, customers.rows, ops=ops, parent=self)
        self.table = DataTable(self.model, self, stretch_column=1)
        self.controller = ListController(ops, self, self.model, self.table, customers.list_ids, ListQuery(sort="name"))
        self.count = plain_label(role="hint")
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(_("Choose"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setProperty("primary", True)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._choose)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.search.search_changed.connect(lambda text: self.controller.update(text=text))
        self.controller.listed.connect(lambda n: self.count.setText(_("{count} customers").format(count=count_text(n))))
        self.table.current_id_changed.connect(lambda _id: self._update_ok())
        self.table.open_requested.connect(lambda _id: self._choose())
        self.controller.refresh()
        self._update_ok()
        self.search.setFocus()

    def _update_ok(self) -> None:
        selected = self.table.selected_id()
        self.ok_button.setEnabled(selected is not None and selected != self._exclude_id)

    def _choose(self) -> None:
        selected = self.table.selected_id()
        if selected is None or selected == self._exclude_id:
            return
        row = self.model.row_data(self.model.row_of_id(selected) or 0)
        if row is None:
            return
        self.chosen = row
        self.accept()


class CustomerPicker(QWidget):
    """A customer field: the chosen name, Choose…, and (optionally) Stock.

    Signals:
        changed(): another customer (or stock) was chosen.
    """

    changed = Signal()

    def __init__(
        self,
        ops: Ops,
        customers: CustomerService,
        parent: QWidget | None = None,
        *,
        allow_stock: bool = True,
        exclude_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._customers = customers
        self._exclude_id = exclude_id
        self._customer_id: int | None = None
        self.display = QLineEdit()
        self.display.setReadOnly(True)
        self.display.setMinimumWidth(150)
        self.choose_button = QPushButton(_("Choose…"))
        self.stock_button = QPushButton(_("Stock"))
        self.stock_button.setToolTip(_("No customer yet: the unit is in stock"))
        self.stock_button.setVisible(allow_stock)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.display, 1)
        layout.addWidget(self.choose_button)
        layout.addWidget(self.stock_button)
        self.choose_button.clicked.connect(self.choose)
        self.stock_button.clicked.connect(lambda: self.set_customer(None, "", ""))
        self.set_customer(None, "", "")

    def customer_id(self) -> int | None:
        return self._customer_id

    def set_customer(self, customer_id: int | None, name: str, customer_type: str) -> None:
        changed = customer_id != self._customer_id
        self._customer_id = customer_id
        self.display.setText(name if customer_id is not None else _("Stock (no customer)"))
        self.display.setCursorPosition(0)
        colour = type_colour(customer_type) if customer_type else None
        for action in self.display.actions():
            self.display.removeAction(action)
        if colour:
            self.display.addAction(type_icon(colour), QLineEdit.ActionPosition.LeadingPosition)
        if changed:
            self.changed.emit()

    def choose(self) -> None:
        dialog = CustomerSearchDialog(self._ops, self._customers, self, exclude_id=self._exclude_id)
        if dialog.exec() and dialog.chosen is not None:
            row = dialog.chosen
            self.set_customer(row.id, row.display_name, row.customer_type)
