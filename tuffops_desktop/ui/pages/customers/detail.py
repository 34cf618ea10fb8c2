"""The right-hand panel of the customers page: who the customer is, their units
(double-click or Enter on a unit opens it on the Units page: ``open_unit``) and the
e-mails the business sent or queued to them (when, subject, status; the latest
``CUSTOMER_MESSAGES``, read in the background from the outbox)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.phones import format_phone
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.customers import CustomerDetail
from tuffops_desktop.services.dto.outbox import OutboxRow
from tuffops_desktop.services.listing import ListQuery, Ref
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, date_text, date_time_text, formats
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.columns import type_colour, type_label
from tuffops_desktop.ui.pages.outbox.columns import status_colour, status_label, subject_text
from tuffops_desktop.ui.pages.units.columns import compact_unit_columns
from tuffops_desktop.ui.widgets.data_table import DataTable
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.swatch import tag_style


class CustomerDetailPanel(QFrame):
    """Shows one customer read-only, with the units they own.

    Signals:
        open_unit(int): the user asked to open this unit (double-click or Enter).
    """

    open_unit = Signal(int)

    def __init__(self, services: Services, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPanel")
        self._services = services
        self._ops = ops
        self._can_see_units = services.ctx.actor.can("units.view")

        self.empty = plain_label(_("Select a customer to see their details and units."), role="hint", wrap=True)
        self.name = plain_label(role="title", wrap=True, selectable=True)
        self.type_tag = QLabel()
        self.inactive_tag = plain_label(_("Deactivated"))
        self.inactive_tag.setStyleSheet(tag_style("#6b7280"))
        tags = QHBoxLayout()
        tags.setSpacing(6)
        tags.addWidget(self.type_tag)
        tags.addWidget(self.inactive_tag)
        tags.addStretch(1)

        self._values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(5)
        for row, (key, caption) in enumerate(
            [
                ("phones", _("Phones")),
                ("emails", _("E-mails")),
                ("address", _("Address")),
                ("discount", _("Discount")),
                ("sla", _("Default SLA")),
                ("terms", _("Payment terms")),
                ("remote_id", _("Remote id")),
                ("notes", _("Notes")),
            ]
        ):
            grid.addWidget(plain_label(caption, role="fieldname"), row, 0)
            value = plain_label(wrap=True, selectable=True)
            grid.addWidget(value, row, 1)
            self._values[key] = value
        grid.setColumnStretch(1, 1)

        self.units_title = plain_label(_("Units"), role="subtitle")
        self.units_model = IdTableModel(
            compact_unit_columns(), services.units.rows, muted=lambda r: not r.active, ops=ops, parent=self
        )
        self.units_table = DataTable(self.units_model, self, stretch_column=0)
        self.units_table.setMinimumHeight(160)
        self.units_table.setToolTip(_("Double-click a unit (or press Enter) to open it on the Units page"))
        self.units_table.open_requested.connect(self.open_unit)

        # The e-mails sent (or waiting to go) to this customer, newest first.
        self._messages = services.outbox_listing
        self._messages_for: int | None = None
        self.messages_title = plain_label(_("E-mails"), role="subtitle")
        self.messages_note = plain_label(role="hint", wrap=True)
        self.messages_table = QTableWidget(0, 3)
        self.messages_table.setHorizontalHeaderLabels([_("When"), _("Subject"), _("Status")])
        self.messages_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.messages_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.messages_table.setTabKeyNavigation(False)
        self.messages_table.setShowGrid(False)
        self.messages_table.setAlternatingRowColors(True)
        self.messages_table.verticalHeader().hide()
        self.messages_table.verticalHeader().setDefaultSectionSize(24)
        self.messages_table.setMinimumHeight(110)
        self.messages_table.setMaximumHeight(190)
        header = self.messages_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        body.addWidget(self.name)
        body.addLayout(tags)
        body.addLayout(grid)
        body.addSpacing(6)
        body.addWidget(self.units_title)
        body.addWidget(self.units_table, 1)
        body.addSpacing(6)
        body.addWidget(self.messages_title)
        body.addWidget(self.messages_note)
        body.addWidget(self.messages_table)
        self.units_title.setVisible(self._can_see_units)
        self.units_table.setVisible(self._can_see_units)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        self.show_customer(None)

    def show_customer(self, detail: CustomerDetail | None) -> None:
        self.empty.setVisible(detail is None)
        self.body.setVisible(detail is not None)
        if detail is None:
            self.units_model.set_ids([])
            self._messages_for = None
            self.messages_table.setRowCount(0)
            return
        self.show_messages(detail.id, opted_out=detail.notify_opt_out)
        self.name.setText(detail.display_name)
        colour = type_colour(detail.customer_type) or "#6b7280"
        self.type_tag.setText(type_label(detail.customer_type))
        self.type_tag.setStyleSheet(tag_style(colour))
        self.inactive_tag.setVisible(not detail.active)
        place = " ".join(p for p in (detail.postcode, detail.city) if p)
        self._values["phones"].setText("\n".join(format_phone(p) for p in detail.phones) or "—")
        self._values["emails"].setText("\n".join(detail.emails) or "—")
        self._values["address"].setText("\n".join(p for p in (detail.address, place, detail.country) if p) or "—")
        self._values["discount"].setText(formats().percent(detail.discount_rate) if detail.discount_rate else "—")
        self._values["sla"].setText(
            _("{hours} h").format(hours=formats().number(detail.default_sla_hours)) if detail.default_sla_hours else "—"
        )
        self._values["terms"].setText(
            _("company default")
            if detail.payment_terms_days is None
            else _("due on receipt")
            if detail.payment_terms_days == 0
            else _("net {days} days").format(days=formats().number(detail.payment_terms_days))
        )
        self._values["remote_id"].setText(detail.remote_id or "—")
        self._values["notes"].setText(detail.notes or "—")
        if self._can_see_units:
            result = self._ops.call(
                self._services.units.list_ids,
                ListQuery(sort="label", filters={"customer": Ref(detail.id)}),
                parent=self,
            )
            ids = result.value if result.ok and result.value is not None else []
            self.units_model.set_ids(ids)
            self.units_title.setText(_("Units ({count})").format(count=count_text(len(ids))))

    # ----------------------------------------------------------------- e-mails
    def show_messages(self, customer_id: int, *, opted_out: bool = False) -> None:
        """List the customer's latest e-mails (in the background; an answer for a
        customer no longer shown is dropped)."""
        self._messages_for = customer_id
        self.messages_note.setText(_("This customer is never e-mailed (opted out).") if opted_out else _("Loading…"))
        self.messages_note.setVisible(True)
        self._ops.run(
            self._messages.for_customer,
            customer_id,
            parent=self,
            report=False,
            on_done=lambda rows: self._fill_messages(customer_id, rows, opted_out),
            on_failed=lambda _exc: self._messages_failed(customer_id),
        )

    def _fill_messages(self, customer_id: int, rows: Sequence[OutboxRow], opted_out: bool) -> None:
        if customer_id != self._messages_for:
            return
        table = self.messages_table
        table.setRowCount(len(rows))
        for n, row in enumerate(rows):
            when = row.sent_at or row.created_at
            status = QTableWidgetItem(status_label(row.status, row.gave_up))
            status.setForeground(QColor(status_colour(row.status, row.gave_up)))
            status.setToolTip(row.last_error)
            subject = QTableWidgetItem(subject_text(row))
            subject.setToolTip(_("To: {to}").format(to=", ".join(row.recipients)))
            day = QTableWidgetItem(date_text(when.astimezone().date()))
            day.setToolTip(date_time_text(when))
            for column, item in enumerate((day, subject, status)):
                table.setItem(n, column, item)
        self.messages_title.setText(
            _("E-mails ({count})").format(count=count_text(len(rows))) if rows else _("E-mails")
        )
        if opted_out:
            self.messages_note.setText(_("This customer is never e-mailed (opted out)."))
        elif not rows:
            self.messages_note.setText(_("No e-mails to this customer yet."))
        self.messages_note.setVisible(opted_out or not rows)
        table.setVisible(bool(rows))

    def _messages_failed(self, customer_id: int) -> None:
        if customer_id == self._messages_for:
            self.messages_note.setText(_("The e-mails could not be read just now."))
            self.messages_table.setRowCount(0)
