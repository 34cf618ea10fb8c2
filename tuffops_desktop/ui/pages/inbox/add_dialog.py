"""Log a request taken by phone or e-mail (the office path of the inbox).

The unit is found with the units page's own SQL search (label, serial, model, customer,
address, QR code; a pasted sticker URL works too) in a small lazily listed table, like
the customer picker. Then the same fields as the public form: what is wrong, preferred
date (tomorrow by default, never in the past) and window, and the caller's phone or
e-mail (pre-filled with the unit customer's first phone, editable). When the caller is a
known contact, picking one of the customer's phones or e-mails from "Known contact" puts
it in the field, so the request is stored Verified; a line under the field says whether
what is typed matches (the domain's ``is_verified``). The dialog speaks to staff, not in
the public form's words. The domain's messages appear next to the fields and nothing is
saved until all of them are right.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.phones import PhoneDefaults, format_phone
from tuffops_desktop.domain.qr import parse_guid_or_url
from tuffops_desktop.domain.requests import (
    REQUEST_MAX,
    RequestInput,
    ScheduleTime,
    is_verified,
    validate_request,
)
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.requests import RequestDetail
from tuffops_desktop.services.dto.units import UnitRow
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, formats
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inbox.columns import window_label
from tuffops_desktop.ui.pages.list_query import ListController
from tuffops_desktop.ui.pages.units.columns import (
    CITY_COLUMN,
    CUSTOMER_COLUMN,
    LABEL_COLUMN,
    MODEL_COLUMN,
    QR_COLUMN,
    SERIAL_COLUMN,
    unit_columns,
)
from tuffops_desktop.ui.widgets.data_table import DataTable
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.forms import action_buttons, form_group
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.search_box import SearchBox

_UNIT_SEARCH_COLUMNS = (LABEL_COLUMN, SERIAL_COLUMN, MODEL_COLUMN, CUSTOMER_COLUMN, CITY_COLUMN, QR_COLUMN)
_CUSTOMER_COLUMN = 3


def unit_search_text(text: str) -> str:
    """What to search for: a pasted sticker URL becomes its code; anything else as typed."""
    if "/u/" in text:
        try:
            return parse_guid_or_url(text)
        except ValidationError:
            return text
    return text


# The public form's messages address the customer ("Tell us…"); here staff read them.
STAFF_MESSAGES = {
    "request": "Write down what the caller says is wrong.",
    "contact_info": "Enter the caller's phone or e-mail.",
}


def staff_messages(errors: dict[str, str]) -> dict[str, str]:
    """The domain's field messages, reworded for staff where the public form's words
    would address the customer."""
    out = dict(errors)
    for name, text in errors.items():
        if name in STAFF_MESSAGES and text.startswith("Tell us"):
            out[name] = _(STAFF_MESSAGES[name])
    return out


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class AddRequestDialog(FormDialog):
    """A new request from the office.

    Attributes:
        saved: the request as stored, after a successful save.
    """

    def __init__(self, ops: Ops, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._services = services
        self._today = services.ctx.today()
        self._unit: UnitRow | None = None
        self._prefilled = ""
        self._customer_phones: list[str] = []
        self._customer_emails: list[str] = []
        self._defaults = self._phone_defaults()
        self.saved: RequestDetail | None = None
        self.setWindowTitle(_("New request"))
        self.resize(920, 780)

        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)

        # ---- the unit
        self.search = SearchBox(_("Search unit label, serial, customer, address or QR code…"))
        all_columns = unit_columns()
        columns = [all_columns[n] for n in _UNIT_SEARCH_COLUMNS]
        self.units_model = IdTableModel(columns, services.units.rows, ops=ops, parent=self)
        self.units_table = DataTable(self.units_model, self, stretch_column=_CUSTOMER_COLUMN)
        self.units_table.setMinimumHeight(190)
        self.controller = ListController(
            ops, self, self.units_model, self.units_table, services.units.list_ids, ListQuery(sort="label")
        )
        self.unit_count = plain_label(role="hint")
        self.chosen = plain_label(wrap=True)
        unit_group = QGroupBox(_("Unit"))
        unit_layout = QVBoxLayout(unit_group)
        unit_layout.setSpacing(6)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.unit_count)
        unit_box, unit_error = field_box(self.units_table)
        self.errors.bind("unit_id", self.units_table, unit_error)
        unit_layout.addLayout(search_row)
        unit_layout.addWidget(unit_box, 1)
        unit_layout.addWidget(self.chosen)

        # ---- the request
        self.request = QPlainTextEdit()
        self.request.setTabChangesFocus(True)
        self.request.setFixedHeight(110)
        self.request.setPlaceholderText(_("What is wrong, in the caller's words"))
        self.schedule_at = QDateEdit()
        self.schedule_at.setCalendarPopup(True)
        self.schedule_at.setDisplayFormat(formats().date_pattern())
        self.schedule_at.setMinimumDate(_qdate(self._today))
        self.schedule_at.setDate(_qdate(self._today + timedelta(days=1)))
        self.schedule_time = QComboBox()
        for window in ScheduleTime:
            self.schedule_time.addItem(window_label(window.value), window.value)
        self.contact_info = QLineEdit()
        self.contact_info.setMaxLength(200)
        self.contact_info.setPlaceholderText(_("The caller's phone or e-mail"))
        self.known_contacts = QComboBox()
        self.known_contacts.setToolTip(
            _("Pick one of the customer's phones or e-mails when the caller used it: the request is then Verified.")
        )
        self.known_contacts.addItem(_("Known contacts: choose the unit first"), "")
        self.known_contacts.setEnabled(False)
        self.verified_hint = plain_label(role="hint", wrap=True)
        contact = QWidget()
        contact_layout = QVBoxLayout(contact)
        contact_layout.setContentsMargins(0, 0, 0, 0)
        contact_layout.setSpacing(4)
        contact_layout.addWidget(self.known_contacts)
        contact_layout.addWidget(self.contact_info)
        contact_layout.addWidget(self.verified_hint)
        when = QWidget()
        when_row = QHBoxLayout(when)
        when_row.setContentsMargins(0, 0, 0, 0)
        when_row.setSpacing(8)
        self.schedule_at.setMinimumWidth(150)
        self.schedule_time.setMinimumWidth(150)
        when_row.addWidget(self.schedule_at)
        when_row.addSpacing(8)
        when_row.addWidget(plain_label(_("Window"), role="fieldname"))
        when_row.addWidget(self.schedule_time)
        when_row.addStretch(1)
        request_group, request_form = form_group(_("Request"))
        for names, label, widget, field, hint in (
            (
                ("request",),
                _("Request"),
                self.request,
                self.request,
                _("Up to {max} characters.").format(max=count_text(REQUEST_MAX)),
            ),
            (("schedule_at", "schedule_time"), _("Preferred date"), when, self.schedule_at, ""),
            (("contact_info",), _("Caller's phone or e-mail"), contact, self.contact_info, ""),
        ):
            box, error = field_box(widget, hint)
            for name in names:
                self.errors.bind(name, field if name != "schedule_time" else self.schedule_time, error)
            caption = plain_label(label, role="fieldname")
            caption.setMinimumHeight(min(widget.sizeHint().height(), self.contact_info.sizeHint().height()))
            request_form.addRow(caption, box)

        self.buttons = action_buttons(self, _("Add request"), self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(plain_label(_("New request"), role="title"))
        layout.addWidget(
            plain_label(
                _("Log a request a caller gave you by phone or e-mail. It lands in the inbox as Open, source Office."),
                role="hint",
                wrap=True,
            )
        )
        layout.addWidget(form_error)
        layout.addWidget(unit_group, 1)
        layout.addWidget(request_group)
        layout.addWidget(self.buttons)

        self.search.search_changed.connect(lambda text: self.controller.update(text=unit_search_text(text)))
        self.controller.listed.connect(self._on_listed)
        self.units_table.current_id_changed.connect(self._on_unit)
        self.known_contacts.activated.connect(self._on_known_contact)
        self.contact_info.textChanged.connect(lambda _text: self._show_verified())
        self.controller.refresh()
        self._on_unit(None)
        self.search.setFocus()

    # ----------------------------------------------------------------- data
    def unit(self) -> UnitRow | None:
        return self._unit

    def choose_unit(self, unit_id: int) -> bool:
        """Select ``unit_id`` in the list (it must be listed by the current search)."""
        return self.units_table.select_id(unit_id)

    def input(self) -> RequestInput:
        d = self.schedule_at.date()
        return RequestInput(
            request=self.request.toPlainText(),
            schedule_at=date(d.year(), d.month(), d.day()),
            schedule_time=self.schedule_time.currentData(),
            contact_info=self.contact_info.text(),
        )

    def save(self) -> bool:
        """Log the request; stays open with messages next to the fields on any problem."""
        self.errors.clear()
        data = self.input()
        if self._unit is None:
            errors = {"unit_id": _("Choose the unit the request is about.")}
            try:
                validate_request(data, self._services.ctx.today())
            except ValidationError as exc:
                errors.update(exc.field_errors)
            self.errors.show_field_errors(staff_messages(errors))
            return False
        result = self._ops.call(self._services.requests.submit_office, self._unit.id, data, parent=self, form=self)
        if not result.ok:
            return False
        self.saved = result.value
        self.accept()
        return True

    def show_field_errors(self, errors: dict[str, str]) -> None:
        """The service's field messages, in staff's words (``Ops`` calls this)."""
        self.errors.show_field_errors(staff_messages(errors))

    def is_verified(self) -> bool:
        """Would the contact typed now show as Verified?"""
        return is_verified(
            self.contact_info.text().strip(), self._customer_phones, self._customer_emails, self._defaults
        )

    # ----------------------------------------------------------------- helpers
    def _phone_defaults(self) -> PhoneDefaults:
        region = self._ops.call(self._services.settings.get, "phone_default_region", parent=self)
        area = self._ops.call(self._services.settings.get, "phone_default_area_code", parent=self)
        return PhoneDefaults(
            region=str(region.value) if region.ok and region.value else "US",
            area_code=str(area.value) if area.ok and area.value else "",
        )

    def _on_known_contact(self, index: int) -> None:
        value = self.known_contacts.itemData(index)
        if value:
            self.contact_info.setText(value)
            self._prefilled = value

    def _show_verified(self) -> None:
        if not self.contact_info.text().strip():
            self.verified_hint.setText("")
        elif self.is_verified():
            self.verified_hint.setText(_("Matches a contact of the customer: the request will show as Verified."))
        else:
            self.verified_hint.setText(
                _("Not one of the customer's phones or e-mails: the request will show as Unverified.")
            )

    def _on_listed(self, count: int) -> None:
        self.unit_count.setText(_("{count} units").format(count=count_text(count)))
        if self._unit is None:
            self._show_chosen()

    def _on_unit(self, unit_id: object) -> None:
        row = None
        if isinstance(unit_id, int):
            index = self.units_model.row_of_id(unit_id)
            row = self.units_model.row_data(index) if index is not None else None
        if row is None and unit_id is None and self._unit is not None:
            return  # a new search hid the chosen unit: keep it
        self._unit = row
        self._show_chosen()
        if row is not None:
            self._prefill_contact(row)

    def _show_chosen(self) -> None:
        row = self._unit
        if row is None:
            self.chosen.setText(_("No unit chosen yet: search, then click the unit."))
            return
        owner = row.customer_name or _("Stock (no customer)")
        self.chosen.setText(
            _("Chosen: {unit} · {model} · {owner}").format(unit=row.label, model=row.model, owner=owner)
        )

    def _prefill_contact(self, row: UnitRow) -> None:
        """Fill "Known contact" with the unit customer's phones and e-mails, and the field
        with the first phone unless the user already typed something else."""
        phones: list[str] = []
        emails: list[str] = []
        if row.customer_id is not None and self._services.ctx.actor.can("customers.view"):
            result = self._ops.call(self._services.customers.get, row.customer_id, parent=self)
            if result.ok and result.value is not None:
                phones, emails = list(result.value.phones), list(result.value.emails)
        self._customer_phones, self._customer_emails = phones, emails
        self.known_contacts.clear()
        if phones or emails:
            self.known_contacts.addItem(_("Known contact of {customer}…").format(customer=row.customer_name), "")
            for value in [format_phone(p) for p in phones] + emails:
                self.known_contacts.addItem(value, value)
        else:
            self.known_contacts.addItem(_("The unit's customer has no phone or e-mail on file"), "")
        self.known_contacts.setEnabled(bool(phones or emails))
        current = self.contact_info.text().strip()
        if current and current != self._prefilled:
            self._show_verified()
            return
        phone = format_phone(phones[0]) if phones else ""
        self._prefilled = phone
        self.contact_info.setText(phone)
        self._show_verified()
