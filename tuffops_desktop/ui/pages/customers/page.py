"""Customers: whoever the company bills, searchable across 20,000+ records.

Search, type filter and sort run in SQL (``CustomerService.list_ids``); the table fetches
rows lazily. Buttons follow the user's permissions, and when an external system owns
customers (``customer_integration_enabled``) adding and importing are off.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QCheckBox, QPushButton, QWidget

from tuffops_desktop.domain.customers import CustomerType
from tuffops_desktop.i18n import _
from tuffops_desktop.services.listing import ListQuery, any_of
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.csv_transfer import export_csv, import_csv
from tuffops_desktop.ui.ops import Ops, ProgressJob
from tuffops_desktop.ui.pages.customers.columns import NAME_COLUMN, customer_columns
from tuffops_desktop.ui.pages.customers.detail import CustomerDetailPanel
from tuffops_desktop.ui.pages.customers.dialogs import CustomerDialog
from tuffops_desktop.ui.pages.list_page import ListPage
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.stickers.sources import StickerActions
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.swatch import type_icon

log = logging.getLogger(__name__)


class CustomersPage(ListPage):
    """The customers list with its detail panel and actions."""

    entities = ("customer",)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(
            services,
            ops,
            prompts,
            title=_("Customers"),
            search_hint=_("Search name, phone, e-mail, address, city…"),
            count_text=(_("1 customer"), _("{count} customers")),
            columns=customer_columns(),
            fetch_rows=services.customers.rows,
            list_ids=services.customers.list_ids,
            query=ListQuery(sort="name"),
            muted=lambda r: not r.active,
            stretch_column=NAME_COLUMN,
            parent=parent,
        )
        actor = services.ctx.actor
        integration = ops.call(services.customers.integration_enabled, parent=self)
        self._integration = bool(integration.value) if integration.ok else False

        self.new_button = QPushButton(_("New customer"))
        self.new_button.setProperty("primary", True)
        self.import_button = QPushButton(_("Import CSV…"))
        self.export_button = QPushButton(_("Export CSV…"))
        self.edit_button = QPushButton(_("Edit…"))
        self.deactivate_button = QPushButton(_("Deactivate"))
        self.stickers = StickerActions(
            services, ops, prompts, self, current_customer=self._selected_customer, customer_only=True
        )
        self.stickers_button = self.stickers.button
        self.integration_note = plain_label(_("Customer data is managed by an external system."), role="note")
        self.type_filter = self.filter_combo(
            [(_("All types"), "", {"type": None})]
            + [(_(kind.label), kind.value, {"type": any_of(kind.value)}) for kind in CustomerType],
            icons=[None] + [type_icon(kind.colour) for kind in CustomerType],
        )
        self.show_inactive = QCheckBox(_("Show deactivated"))
        self.detail = CustomerDetailPanel(services, ops, self)
        self.detail.open_unit.connect(lambda unit_id: self.open_record_requested.emit("unit", unit_id))
        self.build(
            detail=self.detail,
            header=[self.import_button, self.export_button, self.new_button],
            notes=[self.integration_note],
            filters=[self.type_filter, self.show_inactive],
            actions=[self.stickers_button, self.edit_button, self.deactivate_button],
        )

        can_create = actor.can("customers.create") and not self._integration
        self.new_button.setVisible(can_create)
        self.import_button.setVisible(can_create)
        self.export_button.setVisible(actor.can("customers.view"))
        self.edit_button.setVisible(actor.can("customers.edit") or actor.can("customers.view"))
        if not actor.can("customers.edit"):
            self.edit_button.setText(_("Open…"))
        self.deactivate_button.setVisible(actor.can("customers.delete"))
        self.integration_note.setVisible(self._integration)

        self.show_inactive.toggled.connect(lambda on: self.controller.update(include_inactive=on))
        self.inactive_toggle = self.show_inactive
        self.table.open_requested.connect(self.open_customer)
        self.new_button.clicked.connect(self.new_customer)
        self.edit_button.clicked.connect(lambda: self.open_customer(self.table.selected_id()))
        self.deactivate_button.clicked.connect(self.toggle_active)
        self.import_button.clicked.connect(self.import_csv)
        self.export_button.clicked.connect(self.export_csv)
        self._current_active: bool | None = None
        self._update_buttons()
        self.controller.refresh()

    # ----------------------------------------------------------------- actions
    def new_customer(self) -> None:
        dialog = CustomerDialog(self._ops, self._services.customers, None, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self.after_change(dialog.saved.id)

    def open_customer(self, customer_id: int | None) -> None:
        if customer_id is None:
            return
        result = self._ops.call(self._services.customers.get, customer_id, parent=self)
        if not result.ok:
            return
        dialog = CustomerDialog(
            self._ops,
            self._services.customers,
            result.value,
            can_edit=self._services.ctx.actor.can("customers.edit"),
            integration=self._integration,
            parent=self,
        )
        if dialog.exec() and dialog.saved is not None:
            self.after_change(dialog.saved.id)

    def toggle_active(self) -> None:
        customer_id = self.table.selected_id()
        if customer_id is None:
            return
        result = self._ops.call(self._services.customers.get, customer_id, parent=self)
        if not result.ok or result.value is None:
            return
        detail = result.value
        if detail.active:
            question = _(
                "Deactivate “{name}”? They disappear from lists and pickers; their history, "
                "units and invoices are kept."
            ).format(name=detail.display_name)
            if not self._prompts.confirm(self, _("Deactivate customer"), question, _("Deactivate")):
                return
        saved = self._ops.call(
            self._services.customers.set_active,
            detail.id,
            not detail.active,
            detail.version,
            parent=self,
            on_reload=lambda _current: self.refresh(),
        )
        if saved.ok:
            self.after_change(detail.id)

    def deactivate_selected(self) -> None:
        """Del: deactivate the selected customer (asks first; needs the permission)."""
        if self._current_active and not self.deactivate_button.isHidden() and self.deactivate_button.isEnabled():
            self.toggle_active()

    def import_csv(self) -> ProgressJob | None:
        """Import a CSV on the runner (all or nothing; Cancel imports nothing)."""
        return import_csv(
            self._ops,
            self._prompts,
            self,
            title=_("Import customers"),
            load=self._services.csv.import_customers,
            finished_text=_("Imported {count} customers from {file}."),
            on_imported=lambda _count: self.refresh(),
        )

    def export_csv(self) -> ProgressJob | None:
        """Export every customer on the runner (Cancel leaves no file)."""
        return export_csv(
            self._ops,
            self._prompts,
            self,
            title=_("Export customers"),
            suggested="customers.csv",
            export=self._services.csv.export_customers,
            finished_text=_("Exported {count} customers to {file}."),
        )

    # ----------------------------------------------------------------- helpers
    def show_current(self, customer_id: object) -> None:
        detail = None
        if isinstance(customer_id, int):
            result = self._ops.call(self._services.customers.get, customer_id, parent=self)
            detail = result.value if result.ok else None
        self.detail.show_customer(detail)
        self._current_active = detail.active if detail is not None else None
        self._update_buttons()

    def _selected_customer(self) -> tuple[int, str, str] | None:
        customer_id = self.table.selected_id()
        row = self.model.row_data(self.model.row_of_id(customer_id) or 0) if customer_id is not None else None
        return (row.id, row.display_name, row.customer_type) if row is not None else None

    def _update_buttons(self) -> None:
        has = self._current_active is not None
        actor = self._services.ctx.actor
        self.edit_button.setEnabled(has)
        self.stickers_button.setEnabled(bool(self._current_active))
        if self._current_active is False:
            self.deactivate_button.setText(_("Reactivate"))
            self.deactivate_button.setEnabled(actor.can("customers.edit"))
        else:
            self.deactivate_button.setText(_("Deactivate"))
            self.deactivate_button.setEnabled(has and actor.can("customers.delete"))
