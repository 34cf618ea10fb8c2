"""Dialogs of the Quotes page: a quotation's head (new or edited), adding a unit,
pricing (discount and tax), and converting into work orders.

Each dialog saves through ``Ops`` when OK is pressed and keeps itself open with the
service's messages under the fields when the input is refused (nothing is stored).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.quotations import TITLE_MAX, UNIT_NOTE_MAX, QuotationInput
from tuffops_desktop.domain.work_orders import WorkOrderType
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.quotations import QuotationDetail
from tuffops_desktop.services.listing import ListQuery, Ref
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.picker import CustomerPicker
from tuffops_desktop.ui.pages.work_orders.columns import type_label
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.optional_date import OptionalDateEdit


def _buttons(dialog: FormDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _row(form: QFormLayout, caption: str, widget: QWidget, errors: FormErrors, *names: str, hint: str = "") -> None:
    label = QLabel(caption)
    label.setBuddy(widget)
    box, error = field_box(widget, hint)
    errors.bind(names[0], widget, error, *names[1:])
    form.addRow(label, box)


class QuotationDialog(FormDialog):
    """A new quotation, or the head of a draft: name, customer, what they asked for, validity.

    Attributes:
        saved: the quotation as stored, after OK.
    """

    def __init__(
        self, services: Services, ops: Ops, detail: QuotationDetail | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._detail = detail
        self.saved: QuotationDetail | None = None
        self.setWindowTitle(_("New quotation") if detail is None else _("Edit {number}").format(number=detail.number))
        self.setMinimumWidth(520)
        self.title = QLineEdit(detail.title if detail else "")
        self.title.setMaxLength(TITLE_MAX)
        self.title.setPlaceholderText(_("e.g. Two split ACs for the lobby"))
        self.customer = CustomerPicker(ops, services.customers, allow_stock=True)
        self.customer.stock_button.setText(_("None yet"))
        self.customer.stock_button.setToolTip(_("The customer can be chosen later, before sending"))
        self.customer.changed.connect(self._customer_text)
        if detail is not None and detail.customer_id is not None:
            self.customer.set_customer(detail.customer_id, detail.customer_name, "")
        self._customer_text()
        self.requests = QPlainTextEdit(detail.customer_requests if detail else "")
        self.requests.setMaximumHeight(90)
        self.valid_until = OptionalDateEdit(_("Valid until"))
        self.valid_until.set_value(detail.valid_until if detail else None)

        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        form = QFormLayout()
        _row(form, _("&Name"), self.title, self.errors, "title")
        _row(form, _("&Customer"), self.customer, self.errors, "customer_id")
        _row(
            form,
            _("What they &asked for"),
            self.requests,
            self.errors,
            "customer_requests",
            hint=_("Copied into every work order made from this quotation."),
        )
        _row(form, _("&Valid until"), self.valid_until, self.errors, "valid_until")
        layout = QVBoxLayout(self)
        layout.addWidget(form_error)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, _("&Create") if detail is None else _("&Save")))

    def _customer_text(self) -> None:
        if self.customer.customer_id() is None:
            self.customer.display.setText(_("No customer yet"))

    def value(self) -> QuotationInput:
        return QuotationInput(
            title=self.title.text(),
            customer_id=self.customer.customer_id(),
            customer_requests=self.requests.toPlainText(),
            valid_until=self.valid_until.value(),
        )

    def show_field_errors(self, errors: Mapping[str, str]) -> None:
        self.errors.show_field_errors(errors)
        self.fit_height()

    def accept(self) -> None:
        self.errors.clear()
        quotes = self._services.quotations
        if self._detail is None:
            result = self._ops.call(quotes.create, self.value(), parent=self, form=self)
        else:
            result = self._ops.call(
                quotes.update, self._detail.id, self.value(), self._detail.version, parent=self, form=self
            )
        if result.ok:
            self.saved = result.value
            super().accept()


class AddUnitDialog(FormDialog):
    """Choose one of the customer's units (not on the quotation yet) and placement notes."""

    def __init__(self, services: Services, ops: Ops, detail: QuotationDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._detail = detail
        self.saved: QuotationDetail | None = None
        self.setWindowTitle(_("Add a unit"))
        self.setMinimumWidth(460)
        self.unit = QComboBox()
        on = {u.unit_id for u in detail.units}
        units = services.units
        found = ops.call(
            lambda: units.rows(units.list_ids(ListQuery(sort="label", filters={"customer": Ref(detail.customer_id)}))),
            parent=parent,
        )
        for row in found.value if found.ok else []:
            if row.id not in on:
                self.unit.addItem(f"{row.label} · {row.model}" if row.model else row.label, row.id)
        self.notes = QLineEdit()
        self.notes.setMaxLength(UNIT_NOTE_MAX)
        self.notes.setPlaceholderText(_("Placement, access … (optional)"))
        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        form = QFormLayout()
        _row(form, _("&Unit"), self.unit, self.errors, "unit_id")
        _row(form, _("&Notes"), self.notes, self.errors, "unit_note")
        layout = QVBoxLayout(self)
        layout.addWidget(form_error)
        layout.addLayout(form)
        if self.unit.count() == 0:
            layout.addWidget(
                plain_label(
                    _("All of the customer's units are on the quotation already; add the new unit on the Units page."),
                    role="warning",
                    wrap=True,
                )
            )
        buttons = _buttons(self, _("&Add"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.unit.count() > 0)
        layout.addWidget(buttons)

    def show_field_errors(self, errors: Mapping[str, str]) -> None:
        self.errors.show_field_errors(errors)
        self.fit_height()

    def accept(self) -> None:
        unit_id = self.unit.currentData()
        if unit_id is None:
            return
        result = self._ops.call(
            self._services.quotations.add_unit, self._detail.id, int(unit_id), self.notes.text(), parent=self, form=self
        )
        if result.ok:
            self.saved = result.value
            super().accept()


class PricingDialog(FormDialog):
    """The quotation's discount (every line takes it) and tax rate (``quotations.pricing``)."""

    def __init__(self, services: Services, ops: Ops, detail: QuotationDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._detail = detail
        self.saved: QuotationDetail | None = None
        self.setWindowTitle(_("Discount and tax"))
        self.discount = QLineEdit(_plain(detail.discount_rate))
        self.discount.setPlaceholderText(_("none"))
        self.tax = QLineEdit(_plain(detail.tax_rate))
        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        form = QFormLayout()
        _row(form, _("&Discount (%)"), self.discount, self.errors, "discount_rate", hint=_("Blank for no discount."))
        _row(form, _("&Tax rate (%)"), self.tax, self.errors, "tax_rate")
        layout = QVBoxLayout(self)
        layout.addWidget(form_error)
        layout.addLayout(form)
        layout.addWidget(_buttons(self, _("&Save")))

    def show_field_errors(self, errors: Mapping[str, str]) -> None:
        self.errors.show_field_errors(errors)
        self.fit_height()

    def accept(self) -> None:
        result = self._ops.call(
            self._services.quotations.set_pricing,
            self._detail.id,
            self.discount.text(),
            self.tax.text(),
            self._detail.version,
            parent=self,
            form=self,
        )
        if result.ok:
            self.saved = result.value
            super().accept()


class ConvertDialog(FormDialog):
    """Convert an accepted quotation: one work order per unit, of one type for the batch."""

    def __init__(self, detail: QuotationDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Convert to work orders"))
        self.setMinimumWidth(460)
        self.work_type = QComboBox()
        for kind in WorkOrderType:
            self.work_type.addItem(type_label(kind.value), kind.value)  # installation first: the default
        units = ", ".join(u.label for u in detail.units)
        summary = _(
            "{count} work order(s), one per unit ({units}), each unassigned, with what the customer "
            "asked for and its lines as items. Lines for the whole quotation go on the first unit's work order."
        ).format(count=len(detail.units), units=units)
        form = QFormLayout()
        label = QLabel(_("Work &type"))
        label.setBuddy(self.work_type)
        form.addRow(label, self.work_type)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(summary, role="hint", wrap=True))
        layout.addLayout(form)
        layout.addWidget(_buttons(self, _("&Convert")))

    def chosen(self) -> str:
        return str(self.work_type.currentData())


def _plain(value: Any) -> str:
    return "" if value is None else format(value.normalize(), "f")
