"""The panel under the inbox list: one request, read and triaged in place.

Three columns, like the units panel: what the customer wrote (verbatim, plain text, in a
read-only text box) and how to reach them; the unit and its customer; triage (status,
convert to a work order, internal notes). Every text a customer or a colleague typed is
shown as plain text, never as rich text: a request reading ``<b>bold</b><img …>`` shows
exactly those characters.

Closing is final, so saving the status Closed and converting to a work order ask first; once closed the status is
locked and says how it ended (converted to a work order, or resolved). When another
workstation converted or closed the request first, the service's ``AlreadyConverted``
names who did it (through the error mapper) and the panel reloads. "Open unit" and
"Open customer" show the record on its own page (``open_record``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.phones import format_phone
from tuffops_desktop.domain.requests import NOTE_MAX, RequestStatus
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.requests import RequestDetail
from tuffops_desktop.services.registry import Services
from tuffops_desktop.services.requests import AlreadyConverted, work_order_number
from tuffops_desktop.ui.formatting import count_text, date_time_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inbox.columns import (
    preferred_text,
    source_label,
    status_colour,
    status_label,
    verified_colour,
    verified_label,
    verified_tooltip,
)
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.theme import MUTED_TEXT
from tuffops_desktop.ui.widgets.columns_box import ColumnsBox
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.forms import facts_grid
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.swatch import tag_style

WRAP_BELOW = 1000  # px: narrower than this, the triage column goes under the others

WORK_TYPES = (
    ("repair", N_("Repair")),
    ("installation", N_("Installation")),
    ("maintenance", N_("Maintenance")),
    ("service", N_("Service")),
    ("other", N_("Other")),
)
SOURCE_COLOUR = "#475569"


def closed_outcome(detail: RequestDetail) -> str:
    """How a closed request ended: ``Converted → WO-000123`` or ``Resolved``."""
    if detail.work_order_id:
        return _("Converted → {number}").format(number=work_order_number(detail.work_order_id))
    return _("Resolved")


def _link_button(text: str, tooltip: str) -> QPushButton:
    """A small flat button that reads like a link (opens a record elsewhere)."""
    button = QPushButton(text)
    button.setFlat(True)
    button.setProperty("link", True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setToolTip(tooltip)
    return button


def _titled(title: QLabel, action: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(8)
    row.addWidget(title)
    row.addStretch(1)
    row.addWidget(action)
    return row


class RequestEditor(QFrame):
    """Shows one request and its triage actions.

    Signals:
        saved(object): the request changed here (status, note, conversion) or was found
            changed by someone else; the page lists again and the badge updates.
        open_record(str, int): show this record (``unit`` / ``customer``, id) on its page.
    """

    saved = Signal(object)
    open_record = Signal(str, int)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPanel")
        self._services = services
        self._ops = ops
        self._prompts = prompts
        actor = services.ctx.actor
        self.can_edit = actor.can("customer_requests.edit")
        self.can_convert = self.can_edit and actor.can("work_orders.create")
        self.detail: RequestDetail | None = None

        self.empty = plain_label(_("Select a request to read it, add notes and triage it."), role="hint", wrap=True)

        # ---- first column: what the customer wrote
        self.ticket = plain_label(role="title", selectable=True)
        self.status_tag = plain_label()
        self.verified_tag = plain_label()
        self.source_tag = plain_label()
        self.source_tag.setStyleSheet(tag_style(SOURCE_COLOUR))
        tags = QHBoxLayout()
        tags.setSpacing(6)
        for tag in (self.status_tag, self.verified_tag, self.source_tag):
            tags.addWidget(tag)
        tags.addStretch(1)
        facts, self.values = facts_grid(
            [
                ("contact", _("Contact")),
                ("preferred", _("Preferred")),
                ("received", _("Received")),
            ]
        )
        self.request_text = QPlainTextEdit()
        self.request_text.setReadOnly(True)
        self.request_text.setTabChangesFocus(True)
        self.request_text.setMinimumHeight(70)
        first = QVBoxLayout()
        first.setSpacing(6)
        first.addWidget(self.ticket)
        first.addLayout(tags)
        first.addLayout(facts)
        first.addWidget(plain_label(_("Request"), role="fieldname"))
        first.addWidget(self.request_text, 1)

        # ---- second column: the unit and its customer
        unit_facts, unit_values = facts_grid(
            [
                ("unit", _("Unit")),
                ("model", _("Model")),
                ("serial", _("Serial")),
                ("site", _("Site")),
            ]
        )
        customer_facts, customer_values = facts_grid(
            [
                ("customer", _("Name")),
                ("phones", _("Phones")),
                ("emails", _("E-mails")),
            ]
        )
        self.values.update(unit_values)
        self.values.update(customer_values)
        self.open_unit_button = _link_button(_("Open unit"), _("Show this unit on the Units page"))
        self.open_customer_button = _link_button(_("Open customer"), _("Show this customer on the Customers page"))
        self.open_unit_button.setVisible(actor.can("units.view"))
        self.open_customer_button.setVisible(actor.can("customers.view"))
        second = QVBoxLayout()
        second.setSpacing(6)
        second.addLayout(_titled(plain_label(_("Unit"), role="subtitle"), self.open_unit_button))
        second.addLayout(unit_facts)
        second.addSpacing(8)
        second.addLayout(_titled(plain_label(_("Customer"), role="subtitle"), self.open_customer_button))
        second.addLayout(customer_facts)
        second.addStretch(1)

        # ---- third column: triage and internal notes
        self.flash = plain_label(role="note", wrap=True)
        self.flash.hide()
        status_error = plain_label(role="error", wrap=True)
        self.status_errors = FormErrors(status_error)
        self.status = QComboBox()
        self.status.setMinimumWidth(190)
        self.status.setToolTip(_("Open → Ongoing → Closed. Closing is final."))
        self.apply_status = QPushButton(_("Save status"))
        self.close_note = QLineEdit()
        self.close_note.setPlaceholderText(_("Closing note (optional, kept with the internal notes)"))
        self.close_note.setMaxLength(NOTE_MAX)
        close_note_box, close_note_error = field_box(self.close_note)
        self.close_note_box = close_note_box
        self.status_errors.bind("note", self.close_note, close_note_error)
        self.status_errors.bind("status", self.status, close_note_error)
        self.closed_info = plain_label(role="hint", wrap=True)
        status_row = QHBoxLayout()
        status_row.setSpacing(6)
        status_row.addWidget(plain_label(_("Status"), role="fieldname"))
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.apply_status)

        self.work_type = QComboBox()
        for value, title in WORK_TYPES:
            self.work_type.addItem(_(title), value)
        self.convert_button = QPushButton(_("Convert to work order"))
        self.convert_button.setProperty("primary", True)
        self.convert_button.setToolTip(
            _("Create an unassigned work order for this unit with the request's text; the request closes.")
        )
        self.convert_row = QWidget()
        convert_row = QHBoxLayout(self.convert_row)
        convert_row.setContentsMargins(0, 0, 0, 0)
        convert_row.setSpacing(6)
        convert_row.addWidget(plain_label(_("Work type"), role="fieldname"))
        convert_row.addWidget(self.work_type, 1)
        convert_row.addWidget(self.convert_button)

        self.notes_title = plain_label(_("Internal notes"), role="subtitle")
        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(60)
        notes_error = plain_label(role="error", wrap=True)
        self.note_errors = FormErrors(notes_error)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(_("Add an internal note…"))
        self.note_edit.setMaxLength(NOTE_MAX)
        self.note_edit.setToolTip(_("Internal: the customer never sees notes."))
        self.add_note_button = QPushButton(_("Add note"))
        note_box, note_error = field_box(self.note_edit)
        self.note_errors.bind("note", self.note_edit, note_error)
        self.note_row = QWidget()
        note_row = QHBoxLayout(self.note_row)
        note_row.setContentsMargins(0, 0, 0, 0)
        note_row.setSpacing(6)
        note_row.addWidget(note_box, 1)
        note_row.addWidget(self.add_note_button)

        third = QVBoxLayout()
        third.setSpacing(6)
        third.addWidget(plain_label(_("Triage"), role="subtitle"))
        third.addWidget(self.flash)
        third.addWidget(status_error)
        third.addLayout(status_row)
        third.addWidget(self.close_note_box)
        third.addWidget(self.closed_info)
        third.addWidget(self.convert_row)
        third.addSpacing(4)
        third.addWidget(self.notes_title)
        third.addWidget(self.notes, 1)
        third.addWidget(notes_error)
        third.addWidget(self.note_row)

        # Triage goes under the request and the unit when the editor is narrow (1024 px window).
        self.body = ColumnsBox([(first, 5), (second, 4), (third, 5)], wrap_below=WRAP_BELOW)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.empty)
        layout.addWidget(self.body, 1)

        self.apply_status.setVisible(self.can_edit)
        self.convert_row.setVisible(self.can_convert)
        self.note_row.setVisible(self.can_edit)
        self.status.currentIndexChanged.connect(lambda _i: self._update_status_controls())
        self.apply_status.clicked.connect(self.save_status)
        self.convert_button.clicked.connect(self.convert)
        self.add_note_button.clicked.connect(self.add_note)
        self.note_edit.returnPressed.connect(self.add_note)
        self.open_unit_button.clicked.connect(lambda: self._open("unit", self.detail.unit_id if self.detail else None))
        self.open_customer_button.clicked.connect(
            lambda: self._open("customer", self.detail.customer_id if self.detail else None)
        )
        self.show_request(None)

    # ----------------------------------------------------------------- showing
    def request_id(self) -> int | None:
        return self.detail.id if self.detail is not None else None

    def show_request(self, detail: RequestDetail | None) -> None:
        """Show ``detail``; a draft note survives a reload of the same request."""
        if detail is not None and detail == self.detail:
            return
        same = detail is not None and self.detail is not None and detail.id == self.detail.id
        self.detail = detail
        self.empty.setVisible(detail is None)
        self.body.setVisible(detail is not None)
        if not same:
            self.note_edit.clear()
            self.close_note.clear()
            self.flash.hide()
            self.note_errors.clear()
            self.status_errors.clear()
            self.work_type.setCurrentIndex(0)
        if detail is None:
            return
        self.ticket.setText(detail.ticket)
        self.status_tag.setText(status_label(detail.status))
        self.status_tag.setStyleSheet(tag_style(status_colour(detail.status)))
        self.verified_tag.setText(verified_label(detail.verified))
        self.verified_tag.setStyleSheet(tag_style(verified_colour(detail.verified)))
        self.verified_tag.setToolTip(verified_tooltip(detail.verified))
        self.source_tag.setText(source_label(detail.source, long=True))
        self.values["contact"].setText(detail.contact_info or "—")
        self.values["preferred"].setText(preferred_text(detail.schedule_at, detail.schedule_time))
        received = date_time_text(detail.created_at)
        if detail.created_by and detail.source == "office":
            received = _("{time} · by {user}").format(time=received, user=detail.created_by)
        self.values["received"].setText(received)
        if self.request_text.toPlainText() != detail.request:
            self.request_text.setPlainText(detail.request)

        self.values["unit"].setText(detail.unit_label)
        self.values["model"].setText(detail.unit_model or "—")
        self.values["serial"].setText(detail.unit_serial or "—")
        self.values["site"].setText(detail.unit_address or "—")
        self.values["customer"].setText(detail.customer_name or _("Stock (no customer)"))
        self.open_customer_button.setEnabled(detail.customer_id is not None)
        self.values["phones"].setText("\n".join(format_phone(p) for p in detail.customer_phones) or "—")
        self.values["emails"].setText("\n".join(detail.customer_emails) or "—")

        self._show_status(detail)
        self._show_notes(detail)

    def reload(self) -> None:
        """Fetch the shown request again (after someone else changed it)."""
        if self.detail is None:
            return
        result = self._ops.call(self._services.requests.get, self.detail.id, parent=self)
        if result.ok and result.value is not None:
            self.show_request(result.value)

    # ----------------------------------------------------------------- actions
    def save_status(self) -> bool:
        """Save the status chosen in the dropdown (closing asks first: it is final)."""
        detail = self.detail
        target = self.status.currentData()
        if detail is None or not target or target == detail.status:
            return False
        self.status_errors.clear()
        note = self.close_note.text() if target == RequestStatus.CLOSED.value else ""
        if target == RequestStatus.CLOSED.value:
            question = _(
                "Close {ticket} as resolved? Closing is final: the request cannot be reopened or "
                "converted to a work order afterwards."
            ).format(ticket=detail.ticket)
            if not self._prompts.confirm(self, _("Close request"), question, _("Close request")):
                return False
        result = self._ops.call(
            self._services.requests.set_status,
            detail.id,
            target,
            detail.version,
            note,
            parent=self,
            form=self.status_errors,
            on_reload=self._reload_with,
        )
        if result.ok and result.value is not None:
            self.close_note.clear()
            self.show_request(result.value)
            self.saved.emit(result.value)
            return True
        if isinstance(result.error, AlreadyConverted):
            self._someone_else_closed()
        return False

    def convert(self) -> bool:
        """Create a work order from this request (it closes in the same transaction, for
        good: asks first)."""
        detail = self.detail
        if detail is None:
            return False
        question = _(
            "Create a work order ({type}) from {ticket}? The request closes for good: it cannot be "
            "reopened or converted again."
        ).format(type=self.work_type.currentText(), ticket=detail.ticket)
        if not self._prompts.confirm(self, _("Convert to work order"), question, _("Convert")):
            return False
        work_type = self.work_type.currentData()
        result = self._ops.call(self._services.requests.convert, detail.id, work_type, parent=self)
        if not result.ok or result.value is None:
            if isinstance(result.error, AlreadyConverted):
                self._someone_else_closed()
            return False
        self.reload()
        self._flash(_("Work order {number} created.").format(number=result.value.number))
        self.saved.emit(self.detail)
        return True

    def add_note(self) -> bool:
        detail = self.detail
        if detail is None:
            return False
        self.note_errors.clear()
        result = self._ops.call(
            self._services.requests.add_note, detail.id, self.note_edit.text(), parent=self, form=self.note_errors
        )
        if not result.ok or result.value is None:
            return False
        self.note_edit.clear()
        self.show_request(result.value)
        self.saved.emit(result.value)
        return True

    # ----------------------------------------------------------------- helpers
    def _show_status(self, detail: RequestDetail) -> None:
        closed = detail.status == RequestStatus.CLOSED.value
        blocked = self.status.blockSignals(True)
        self.status.clear()
        if closed:
            self.status.addItem(closed_outcome(detail), detail.status)
        else:
            for status in RequestStatus:
                self.status.addItem(_(status.label), status.value)
            self.status.setCurrentIndex(max(self.status.findData(detail.status), 0))
        self.status.blockSignals(blocked)
        self.status.setEnabled(self.can_edit and not closed)
        self.convert_button.setEnabled(not closed)
        self.work_type.setEnabled(not closed)
        if closed:
            when = date_time_text(detail.closed_at)
            who = detail.closed_by or _("someone")
            if detail.work_order_id:
                text = _(
                    "Converted to work order {number} by {user} on {time}. Closed requests cannot be reopened."
                ).format(number=work_order_number(detail.work_order_id), user=who, time=when)
            else:
                text = _("Closed as resolved by {user} on {time}. Closed requests cannot be reopened.").format(
                    user=who, time=when
                )
            self.closed_info.setText(text)
        self.closed_info.setVisible(closed)
        self._update_status_controls()

    def _update_status_controls(self) -> None:
        detail = self.detail
        target = self.status.currentData()
        pending = detail is not None and target is not None and target != detail.status
        closing = pending and target == RequestStatus.CLOSED.value
        self.apply_status.setEnabled(self.can_edit and pending)
        self.apply_status.setText(_("Close…") if closing else _("Save status"))
        self.close_note_box.setVisible(self.can_edit and closing)

    def _show_notes(self, detail: RequestDetail) -> None:
        self.notes_title.setText(
            _("Internal notes ({count})").format(count=count_text(len(detail.notes)))
            if detail.notes
            else _("Internal notes")
        )
        self.notes.clear()
        if not detail.notes:
            self.notes.setPlaceholderText(_("No notes yet."))
            return
        cursor = QTextCursor(self.notes.document())
        header = QTextCharFormat()
        header.setFontWeight(QFont.Weight.DemiBold)
        header.setForeground(QBrush(QColor(MUTED_TEXT)))
        body = QTextCharFormat()
        for n, note in enumerate(detail.notes):
            if n:
                cursor.insertBlock()
                cursor.insertBlock()
            # insertText never interprets markup: a note is shown exactly as typed.
            cursor.insertText(f"{note.author} · {date_time_text(note.created_at)}", header)
            cursor.insertBlock()
            cursor.insertText(note.body, body)
        self.notes.moveCursor(QTextCursor.MoveOperation.End)
        self.notes.ensureCursorVisible()

    def _open(self, kind: str, record_id: int | None) -> None:
        if record_id is not None:
            self.open_record.emit(kind, record_id)

    def _flash(self, text: str) -> None:
        self.flash.setText(text)
        self.flash.show()

    def _reload_with(self, current: object) -> None:
        """Reload after "changed by someone else": show their version."""
        if isinstance(current, RequestDetail):
            self.show_request(current)
        else:
            self.reload()
        self._flash(_("Reloaded the version saved by someone else."))
        self.saved.emit(self.detail)

    def _someone_else_closed(self) -> None:
        self.reload()
        self.saved.emit(self.detail)
