"""The panel beside the work-orders list: one work order, its facts, the moves this user
may make now, its history and its internal notes.

The buttons come from ``WorkOrderDetail.actions`` (the service asks the domain's
transition table with the signed-in user), so a technician sees Start / Pause / Submit on
their own work orders and nothing on others', and a supervisor sees Approve and Cancel.
Assigning asks for the technician and, optionally, the booked start; pausing asks why;
cancelling and approving ask first. A move made meanwhile by someone else is refused by
the service, which names who did it (through the error mapper), and the panel reloads.
Everything people typed is shown as plain text.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.work_orders import NOTE_MAX, Action, PauseReason
from tuffops_desktop.files import whole_file
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.work_orders import TechnicianInfo, WorkOrderDetail
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import date_time_text, number_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.invoices.work_order_card import WorkOrderInvoiceCard
from tuffops_desktop.ui.pages.work_orders.columns import (
    action_label,
    pause_label,
    status_colour,
    status_label,
    type_label,
)
from tuffops_desktop.ui.pages.work_orders.items import WorkOrderItemsSection
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.forms import facts_grid
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.swatch import tag_style

ASKS_FIRST = {
    Action.CANCEL: (
        N_("Cancel this work order?"),
        N_("A cancelled work order stays on record but can never be worked on again."),
        N_("Cancel work order"),
    ),
    Action.APPROVE: (
        N_("Approve and complete?"),
        N_("The work is accepted as done and the unit's dates move to today."),
        N_("Approve"),
    ),
    Action.BILL: (N_("Mark as billed?"), N_("A billed work order can no longer change."), N_("Mark as billed")),
}


class AssignDialog(FormDialog):
    """Pick the technician and, if known, when the job is booked."""

    def __init__(self, technicians: list[TechnicianInfo], current: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Assign a technician"))
        self.technician = QComboBox()
        for tech in technicians:
            self.technician.addItem(tech.full_name or tech.username, tech.id)
        if current is not None and self.technician.findData(current) >= 0:
            self.technician.setCurrentIndex(self.technician.findData(current))
        self.book = QCheckBox(_("&Book a start time"))
        self.start = QDateTimeEdit(QDateTime.currentDateTime().addSecs(3600))
        self.start.setCalendarPopup(True)
        self.start.setEnabled(False)
        self.book.toggled.connect(self.start.setEnabled)
        form = QFormLayout()
        label = QLabel(_("&Technician"))
        label.setBuddy(self.technician)
        form.addRow(label, self.technician)
        form.addRow(self.book, self.start)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Assign"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if not technicians:
            layout.addWidget(
                plain_label(_("There is no active technician. Add one in Users and roles."), role="warning", wrap=True)
            )
            buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout.addWidget(buttons)

    def technician_id(self) -> int | None:
        value = self.technician.currentData()
        return int(value) if value is not None else None

    def scheduled_start(self) -> datetime | None:
        if not self.book.isChecked():
            return None
        return self.start.dateTime().toPython().astimezone(UTC)


class PauseDialog(FormDialog):
    """Why the work stops (the rules require a reason)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Pause the work"))
        self.reason = QComboBox()
        for reason in PauseReason:
            self.reason.addItem(pause_label(reason.value), reason.value)
        form = QFormLayout()
        label = QLabel(_("&Why"))
        label.setBuddy(self.reason)
        form.addRow(label, self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Pause"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def chosen(self) -> str:
        return str(self.reason.currentData())


class WorkOrderEditor(QFrame):
    """Shows one work order and the moves the signed-in user may make.

    Signals:
        saved(object): the work order changed here (or was found changed elsewhere).
        open_record(str, int): show this record (``unit``, ``customer``, ``customer_request``).
        job_sheet_saved(str): the job sheet PDF was written to this path.
    """

    saved = Signal(object)
    open_record = Signal(str, int)
    job_sheet_saved = Signal(str)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPanel")
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self.detail: WorkOrderDetail | None = None
        can_note = services.ctx.actor.can("work_orders.edit") or services.ctx.actor.can("work_orders.supervise")

        self.empty = plain_label(_("Select a work order to see it, move it on and add notes."), role="hint", wrap=True)
        self.number = plain_label(role="title", selectable=True)
        self.status_tag = plain_label()
        self.type_tag = plain_label()
        tags = QHBoxLayout()
        tags.setSpacing(6)
        tags.addWidget(self.status_tag)
        tags.addWidget(self.type_tag)
        tags.addStretch(1)

        self.facts, self.values = facts_grid(
            [
                ("unit", _("Unit")),
                ("customer", _("Customer")),
                ("technician", _("Technician")),
                ("due", _("Due")),
                ("booked", _("Booked")),
                ("window", _("Preferred time")),
                ("estimate", _("Estimate")),
                ("on_site", _("Time on site")),
                ("created", _("Created")),
            ]
        )
        links = QHBoxLayout()
        self.open_unit = QPushButton(_("Open &unit"))
        self.open_customer = QPushButton(_("Open c&ustomer"))
        self.open_request = QPushButton(_("Open &request"))
        for button, kind in (
            (self.open_unit, "unit"),
            (self.open_customer, "customer"),
            (self.open_request, "customer_request"),
        ):
            button.setFlat(True)
            button.setProperty("link", True)
            button.clicked.connect(lambda _checked=False, kind=kind: self._open(kind))
            links.addWidget(button)
        links.addStretch(1)
        self.job_sheet_button = QPushButton(_("&Job sheet…"))
        self.job_sheet_button.setToolTip(_("Save the technician's job sheet as a PDF to print"))
        self.job_sheet_button.clicked.connect(self.save_job_sheet)
        links.addWidget(self.job_sheet_button)

        self.requests_text = QPlainTextEdit()
        self.requests_text.setReadOnly(True)
        self.requests_text.setMaximumHeight(110)
        self.items = WorkOrderItemsSection(services, ops, prompts)
        self.invoice_card = WorkOrderInvoiceCard(services, ops)  # issue invoice (#11): billed, then the invoice opens
        self.invoice_card.issued.connect(lambda invoice: (self._reload(), self.open_record.emit("invoice", invoice.id)))
        self.invoice_card.open_record.connect(self.open_record)

        self.actions_row = QHBoxLayout()
        self.actions_row.setSpacing(6)
        self.action_buttons: dict[str, QPushButton] = {}
        for action in Action:
            button = QPushButton(action_label(action.value))
            button.clicked.connect(lambda _checked=False, action=action: self.take(action))
            button.setVisible(False)
            self.actions_row.addWidget(button)
            self.action_buttons[action.value] = button
        self.actions_row.addStretch(1)

        self.history = QPlainTextEdit()
        self.history.setReadOnly(True)
        self.history.setMaximumHeight(130)
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setMaximumHeight(110)
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(NOTE_MAX)
        self.note_edit.setPlaceholderText(_("Internal note (never shown to the customer)"))
        self.add_note_button = QPushButton(_("Add &note"))
        self.add_note_button.clicked.connect(self.add_note)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.add_note_button)
        self.note_edit.setVisible(can_note)
        self.add_note_button.setVisible(can_note)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        body.addWidget(self.number)
        body.addLayout(tags)
        body.addLayout(self.actions_row)
        body.addWidget(self.invoice_card)
        body.addLayout(self.facts)
        body.addLayout(links)
        body.addWidget(plain_label(_("What the customer asked for"), role="subtitle", wrap=True))
        body.addWidget(self.requests_text)
        body.addWidget(self.items)
        body.addWidget(plain_label(_("History"), role="subtitle", wrap=True))
        body.addWidget(self.history)
        body.addWidget(plain_label(_("Internal notes"), role="subtitle", wrap=True))
        body.addWidget(self.notes)
        body.addLayout(note_row)
        body.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addWidget(self.empty)
        layout.addWidget(self.body)
        self.show_work_order(None)

    # ----------------------------------------------------------------- showing
    def work_order_id(self) -> int | None:
        return self.detail.id if self.detail else None

    def show_work_order(self, detail: WorkOrderDetail | None) -> None:
        self.detail = detail
        self.items.show_work_order(detail.id if detail else None)
        self.invoice_card.show_work_order(detail)
        self.empty.setVisible(detail is None)
        self.body.setVisible(detail is not None)
        if detail is None:
            return
        self.number.setText(detail.number)
        self.status_tag.setText(status_label(detail.status))
        self.status_tag.setStyleSheet(tag_style(status_colour(detail.status)))
        self.type_tag.setText(type_label(detail.work_type))
        self.type_tag.setStyleSheet(tag_style("#475569"))
        hours = number_text(detail.estimated_hours, 1)
        on_site_minutes = int(detail.time_on_site.total_seconds() // 60)
        values = {
            "unit": detail.unit_label,
            "customer": detail.customer_name or _("(stock: no customer yet)"),
            "technician": detail.technician or _("Unassigned"),
            "due": date_time_text(detail.due_at, _("No service level")),
            "booked": date_time_text(detail.scheduled_start, _("Not booked")),
            "window": detail.time_window or _("Any time"),
            "estimate": _("{hours} h").format(hours=hours),
            "on_site": _("{h} h {m:02d} min").format(h=on_site_minutes // 60, m=on_site_minutes % 60),
            "created": _("{when} by {who}").format(when=date_time_text(detail.created_at), who=detail.created_by),
        }
        for key, text in values.items():
            self.values[key].setText(text)
        self.open_customer.setEnabled(detail.customer_id is not None)
        self.open_request.setVisible(detail.request_id is not None)
        self.requests_text.setPlainText(detail.customer_requests)
        for action, button in self.action_buttons.items():
            button.setVisible(action in detail.actions)
            button.setProperty("primary", action == (detail.actions[0] if detail.actions else None))
        self.history.setPlainText(
            "\n".join(
                "{when} · {who} · {move}{why}".format(
                    when=date_time_text(h.at),
                    who=h.by,
                    move=status_label(h.to_status)
                    if h.from_status is None
                    else f"{status_label(h.from_status)} → {status_label(h.to_status)}",
                    why=f" ({pause_label(h.reason)})" if h.reason else "",
                )
                for h in reversed(detail.history)
            )
        )
        self.notes.setPlainText(
            "\n".join(f"{date_time_text(n.created_at)} · {n.author}: {n.body}" for n in detail.notes)
        )

    # ----------------------------------------------------------------- moves
    def take(self, action: Action) -> None:
        detail = self.detail
        if detail is None:
            return
        kwargs: dict[str, object] = {}
        if action in (Action.ASSIGN, Action.REASSIGN):
            technicians = self._ops.call(self._services.work_orders.technicians, parent=self)
            if not technicians.ok:
                return
            dialog = AssignDialog(technicians.value, detail.technician_id, self)
            if not dialog.exec() or dialog.technician_id() is None:
                return
            kwargs = {"technician_id": dialog.technician_id(), "scheduled_start": dialog.scheduled_start()}
        elif action is Action.PAUSE:
            pause = PauseDialog(self)
            if not pause.exec():
                return
            kwargs = {"reason": pause.chosen()}
        elif action in ASKS_FIRST:
            title, text, verb = ASKS_FIRST[action]
            if not self._prompts.confirm(self, _(title), _(text), _(verb)):
                return
        result = self._ops.call(
            self._services.work_orders.act, detail.id, action.value, detail.version, parent=self, **kwargs
        )
        if result.ok:
            self.show_work_order(result.value)
            self.saved.emit(result.value)
        else:  # refused (the message was shown): show the work order as it is now
            self._reload()

    def save_job_sheet(self) -> None:
        """Write the job sheet PDF in the background (the whole file or none)."""
        detail = self.detail
        if detail is None:
            return
        path = self._prompts.save_file(self, _("Save the job sheet"), f"{detail.number}.pdf", _("PDF files (*.pdf)"))
        if path is None:
            return
        work_orders = self._services.work_orders

        def write() -> Path:
            with whole_file(path) as temp, open(temp, "wb") as out:
                work_orders.job_sheet(detail.id, out)
            return path

        self._ops.run(write, parent=self, on_done=lambda saved: self.job_sheet_saved.emit(str(saved)))

    def add_note(self) -> None:
        detail = self.detail
        if detail is None or not self.note_edit.text().strip():
            return
        result = self._ops.call(self._services.work_orders.add_note, detail.id, self.note_edit.text(), parent=self)
        if result.ok:
            self.note_edit.clear()
            self.show_work_order(result.value)
            self.saved.emit(result.value)

    def _reload(self) -> None:
        if self.detail is None:
            return
        result = self._ops.call(self._services.work_orders.get, self.detail.id, parent=self)
        self.show_work_order(result.value if result.ok else None)
        self.saved.emit(result.value if result.ok else None)

    def _open(self, kind: str) -> None:
        detail = self.detail
        if detail is None:
            return
        target = {"unit": detail.unit_id, "customer": detail.customer_id, "customer_request": detail.request_id}[kind]
        if target is not None:
            self.open_record.emit(kind, target)
