"""Add / edit a customer.

Validation is the domain's (``validate_customer`` through the service): its messages
appear next to the fields. Saving an edit sends the version the dialog was opened at;
if another workstation saved in between, the error mapper offers Reload / Cancel and
nothing is overwritten.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.customers import CustomerInput, CustomerType, display_name
from tuffops_desktop.domain.phones import format_phone
from tuffops_desktop.i18n import _
from tuffops_desktop.services.customers import EXTERNALLY_OWNED_FIELDS, CustomerService
from tuffops_desktop.services.dto.customers import CustomerDetail
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.swatch import type_icon


def decimal_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


class CustomerDialog(FormDialog):
    """Edits one customer (or creates one when ``detail`` is None).

    Attributes:
        saved: the customer as stored, after a successful save.
    """

    def __init__(
        self,
        ops: Ops,
        customers: CustomerService,
        detail: CustomerDetail | None,
        *,
        can_edit: bool = True,
        integration: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._customers = customers
        self._detail = detail
        self._can_edit = can_edit
        self.saved: CustomerDetail | None = None
        self.setWindowTitle(_("New customer") if detail is None else _("Customer"))
        self.setMinimumWidth(780)

        self.title = plain_label(role="title")
        self.preview = plain_label(role="hint")
        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        self.reloaded_note = plain_label(
            _("Reloaded the version saved by someone else. Apply your changes again, then save."),
            role="warning",
            wrap=True,
        )
        self.reloaded_note.hide()

        self.customer_type = QComboBox()
        for kind in CustomerType:
            self.customer_type.addItem(type_icon(kind.colour), _(kind.label), kind.value)
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.company_name = QLineEdit()
        self.emails = QLineEdit()
        self.emails.setPlaceholderText(_("name@example.com, accounts@example.com"))
        self.phones = QLineEdit()
        self.phones.setPlaceholderText(_("465 2200, +44 20 7946 0958"))
        self.notify_opt_out = QCheckBox(_("Ne&ver e-mail this customer"))
        self.address = QLineEdit()
        self.city = QLineEdit()
        self.postcode = QLineEdit()
        self.country = QLineEdit()
        self.discount_rate = QLineEdit()
        self.discount_rate.setPlaceholderText(_("none"))
        self.default_sla_hours = QLineEdit()
        self.default_sla_hours.setPlaceholderText(_("no due date"))
        self.payment_terms_days = QLineEdit()
        self.payment_terms_days.setPlaceholderText(_("company default"))
        self.remote_id = QLineEdit()
        self.remote_id.setPlaceholderText(_("e.g. QuickBooks customer id"))
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(72)
        self.notes.setTabChangesFocus(True)

        who = self._group(
            _("Customer"),
            [
                ("customer_type", _("Type"), self.customer_type, ""),
                ("first_name", _("First name"), self.first_name, ""),
                ("last_name", _("Last name"), self.last_name, ""),
                ("company_name", _("Company"), self.company_name, _("A First name or a Company is required.")),
            ],
        )
        contact = self._group(
            _("Contact"),
            [
                ("emails", _("E-mails"), self.emails, _("Separate several with commas; the first is the default.")),
                ("phones", _("Phones"), self.phones, _("Local numbers get the company's country and area code.")),
                (
                    "notify_opt_out",
                    _("Notifications"),
                    self.notify_opt_out,
                    _("Ticked: no quotes, invoices, reminders or visit notices by e-mail."),
                ),
            ],
        )
        where = self._group(
            _("Address"),
            [
                ("address", _("Street"), self.address, ""),
                ("city", _("City"), self.city, ""),
                ("postcode", _("Postcode"), self.postcode, ""),
                ("country", _("Country"), self.country, ""),
            ],
        )
        terms = self._group(
            _("Terms"),
            [
                (
                    "discount_rate",
                    _("Discount %"),
                    self.discount_rate,
                    _("Applied to this customer's quotes and work orders."),
                ),
                (
                    "default_sla_hours",
                    _("Default SLA (hours)"),
                    self.default_sla_hours,
                    _("A work order from a request is due this many hours later."),
                ),
                (
                    "payment_terms_days",
                    _("Payment terms (days)"),
                    self.payment_terms_days,
                    _("Invoices are due this many days after they are issued; 0: on receipt."),
                ),
                ("remote_id", _("Remote id"), self.remote_id, ""),
            ],
        )
        notes_box, notes_error = field_box(self.notes)
        self.errors.bind("notes", self.notes, notes_error)
        notes_group = QGroupBox(_("Notes"))
        QVBoxLayout(notes_group).addWidget(notes_box)

        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(who)
        left.addWidget(contact)
        left.addStretch(1)
        right.addWidget(where)
        right.addWidget(terms)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self.buttons = QDialogButtonBox()
        if can_edit:
            self.save_button = self.buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
            self.save_button.setProperty("primary", True)
            self.save_button.setDefault(True)
            self.buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
            self.buttons.accepted.connect(self.save)
        else:
            self.save_button = None
            self.buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.preview)
        layout.addWidget(self.reloaded_note)
        layout.addWidget(form_error)
        layout.addLayout(columns)
        layout.addWidget(notes_group)
        layout.addWidget(self.buttons)

        for edit in (self.first_name, self.last_name, self.company_name):
            edit.textChanged.connect(self._update_preview)
        if detail is not None:
            self.load(detail)
        else:
            self._update_preview()
        self._apply_access(integration)
        self.first_name.setFocus()

    # ----------------------------------------------------------------- data
    def load(self, detail: CustomerDetail) -> None:
        """Show ``detail`` in the fields (on open, and after Reload)."""
        self._detail = detail
        index = self.customer_type.findData(detail.customer_type)
        self.customer_type.setCurrentIndex(max(index, 0))
        self.first_name.setText(detail.first_name)
        self.last_name.setText(detail.last_name)
        self.company_name.setText(detail.company_name)
        self.emails.setText(", ".join(detail.emails))
        self.phones.setText(", ".join(format_phone(p) for p in detail.phones))
        self.notify_opt_out.setChecked(detail.notify_opt_out)
        self.address.setText(detail.address)
        self.city.setText(detail.city)
        self.postcode.setText(detail.postcode)
        self.country.setText(detail.country)
        self.discount_rate.setText(decimal_text(detail.discount_rate))
        self.default_sla_hours.setText("" if detail.default_sla_hours is None else str(detail.default_sla_hours))
        self.payment_terms_days.setText("" if detail.payment_terms_days is None else str(detail.payment_terms_days))
        self.remote_id.setText(detail.remote_id or "")
        self.notes.setPlainText(detail.notes)
        self._update_preview()

    def input(self) -> CustomerInput:
        """The fields as the domain's raw input."""
        return CustomerInput(
            customer_type=self.customer_type.currentData(),
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            company_name=self.company_name.text(),
            emails=self.emails.text(),
            phones=self.phones.text(),
            address=self.address.text(),
            city=self.city.text(),
            postcode=self.postcode.text(),
            country=self.country.text(),
            discount_rate=self.discount_rate.text().strip() or None,
            default_sla_hours=self.default_sla_hours.text().strip() or None,
            payment_terms_days=self.payment_terms_days.text().strip() or None,
            remote_id=self.remote_id.text(),
            notes=self.notes.toPlainText(),
            notify_opt_out=self.notify_opt_out.isChecked(),
        )

    def save(self) -> bool:
        """Create or update through the service; stays open with inline errors on failure."""
        self.errors.clear()
        if self._detail is None:
            result = self._ops.call(self._customers.create, self.input(), parent=self, form=self.errors)
        else:
            result = self._ops.call(
                self._customers.update,
                self._detail.id,
                self.input(),
                self._detail.version,
                parent=self,
                form=self.errors,
                on_reload=self._reload,
            )
        if not result.ok:
            return False
        self.saved = result.value
        self.reloaded_note.hide()
        self.accept()
        return True

    # ----------------------------------------------------------------- helpers
    def _reload(self, current: object) -> None:
        if not isinstance(current, CustomerDetail) and self._detail is not None:
            result = self._ops.call(self._customers.get, self._detail.id, parent=self)
            if not result.ok:
                return
            current = result.value
        if isinstance(current, CustomerDetail):
            self.load(current)
            self.errors.clear()
            self.reloaded_note.show()

    def _update_preview(self) -> None:
        name = display_name(self.first_name.text(), self.last_name.text(), self.company_name.text())
        if self._detail is None:
            self.title.setText(name or _("New customer"))
        else:
            self.title.setText(_("{name}  ·  #{id}").format(name=name or "—", id=self._detail.id))
        self.preview.setText(
            _("Shown in lists as: {name}").format(name=name)
            if name
            else _("Shown in lists as: (enter a First name or a Company)")
        )

    def _group(self, title: str, rows: list[tuple[str, str, QWidget, str]]) -> QGroupBox:
        group = QGroupBox(title)
        form = QFormLayout(group)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(6)
        for name, label, widget, hint in rows:
            box, error = field_box(widget, hint)
            self.errors.bind(name, widget, error)
            caption = plain_label(label, role="fieldname")
            caption.setMinimumHeight(widget.sizeHint().height())
            form.addRow(caption, box)
        return group

    def _apply_access(self, integration: bool) -> None:
        editors = {
            "customer_type": self.customer_type,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "company_name": self.company_name,
            "emails": self.emails,
            "phones": self.phones,
            "notify_opt_out": self.notify_opt_out,
            "address": self.address,
            "city": self.city,
            "postcode": self.postcode,
            "country": self.country,
            "discount_rate": self.discount_rate,
            "default_sla_hours": self.default_sla_hours,
            "payment_terms_days": self.payment_terms_days,
            "remote_id": self.remote_id,
            "notes": self.notes,
        }
        for name, widget in editors.items():
            locked = not self._can_edit or (integration and name in EXTERNALLY_OWNED_FIELDS)
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(locked)
            else:
                widget.setEnabled(not locked)
        if integration and self._can_edit:
            self.preview.setText(
                self.preview.text() + "  ·  " + _("Fields owned by the external system are read-only.")
            )
