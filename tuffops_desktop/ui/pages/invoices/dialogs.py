"""The dialogs of invoicing: issue an invoice from a work order, record a payment, void a
payment, cancel an invoice.

Each dialog asks the service and stays open with the service's own words under the field
it is about when refused (an overpayment names the balance; a work order already
invoiced names its invoice); nothing is stored then. Voiding and cancelling need a reason
(kept in the audit trail) and are confirmed through ``Prompts`` before they happen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.errors import ConcurrencyConflict, DomainError, InvalidTransition, ValidationError
from tuffops_desktop.domain.invoices import (
    REASON_MAX,
    REFERENCE_MAX,
    LineInput,
    PaymentMethod,
    invoice_totals,
    validate_reason,
    validate_tax_rate,
)
from tuffops_desktop.domain.pricing import unit_label
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.invoices import Invoice, InvoicePreview, PaymentInfo
from tuffops_desktop.services.invoices import InvoiceService
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import date_text, formats, money_text, number_text
from tuffops_desktop.ui.models.columns import LEFT, RIGHT
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.invoices.columns import method_label
from tuffops_desktop.ui.pages.work_orders.items import percent_text, quantity_text
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.forms import action_buttons
from tuffops_desktop.ui.widgets.labels import plain_label


def plain_decimal(value: Decimal) -> str:
    """A Decimal as typed into a field: digits and a point, no grouping (``1250.5``)."""
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def read_only_table(headers: list[str], numeric: set[int], *, stretch: int = 0) -> QTableWidget:
    """A small table of facts (lines, payments, ageing): not editable, whole rows
    selected, amounts (``numeric`` columns) right-aligned and as wide as their contents,
    column ``stretch`` taking the spare width."""
    table = QTableWidget(0, len(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setDefaultAlignment(LEFT)
    for column, text in enumerate(headers):
        item = QTableWidgetItem(text)
        item.setTextAlignment(RIGHT if column in numeric else LEFT)
        table.setHorizontalHeaderItem(column, item)
        header.setSectionResizeMode(
            column, QHeaderView.ResizeMode.Stretch if column == stretch else QHeaderView.ResizeMode.ResizeToContents
        )
    return table


def table_item(text: str, *, right: bool = False, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    item.setTextAlignment(RIGHT if right else LEFT)
    if tooltip:
        item.setToolTip(tooltip)
    return item


def totals_grid(rows: list[tuple[str, str]]) -> tuple[QGridLayout, dict[str, Any]]:
    """Caption / amount pairs, amounts right-aligned under each other (subtotal … balance)."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(16)
    grid.setVerticalSpacing(2)
    grid.setColumnStretch(0, 1)
    values = {}
    for row, (key, caption) in enumerate(rows):
        grid.addWidget(plain_label(caption, role="fieldname"), row, 1, Qt.AlignmentFlag.AlignRight)
        value = plain_label(selectable=True)
        value.setAlignment(RIGHT)
        grid.addWidget(value, row, 2)
        values[key] = value
    return grid, values


class FieldsDialog(FormDialog):
    """A dialog of labelled fields with inline errors and a form-level message line."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(self.form_error)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    def add_field(self, name: str, caption: str, widget: QWidget, hint: str = "") -> None:
        box, error = field_box(widget, hint)
        self.errors.bind(name, widget, error)
        label = plain_label(caption, role="fieldname")
        label.setMinimumHeight(widget.sizeHint().height())
        self.form.addRow(label, box)

    def show_field_errors(self, errors: dict[str, str]) -> None:
        self.errors.show_field_errors(errors)


def date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(formats().date_pattern())
    return edit


def date_of(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


# ----------------------------------------------------------------- issue
@dataclass(frozen=True)
class IssueRefused:
    """Issuing was refused: the service's reason, and the work order as it is now."""

    message: str
    now: InvoicePreview | None  # None when it could not be read again


def issue_or_refusal(invoices: InvoiceService, preview: InvoicePreview, rate: Decimal | None) -> Invoice | IssueRefused:
    """On the runner: issue the invoice of ``preview``'s work order, or say why not.

    The refusals a user can meet while the dialog is open (the work order was invoiced at
    another workstation, is no longer completed, has no items, or was changed since the
    dialog read it) come back as ``IssueRefused`` with the work order read again, so the
    dialog can show the reason in its own message line and what is true now. Anything
    else (the database gone, a permission withdrawn) is raised to the error mapper."""
    try:
        return invoices.issue(preview.work_order_id, tax_rate=rate, expected_version=preview.work_order_version)
    except (InvalidTransition, ConcurrencyConflict) as exc:
        try:
            now: InvoicePreview | None = invoices.preview(preview.work_order_id, rate)
        except DomainError:
            now = None
        return IssueRefused(exc.message, now)


class IssueInvoiceDialog(FieldsDialog):
    """Issue the invoice of a completed work order: its lines as they will be billed, the
    tax rate (the company default, changeable for this invoice: 0 for exempt customers)
    and the totals, recalculated as the rate is typed the way the service will
    (``domain.invoices.invoice_totals``). A work order that cannot be invoiced (already
    invoiced, not completed, no items) shows the service's reason and no Issue button.

    When Issue is refused because something changed after the dialog opened (another
    workstation invoiced the work order, or changed it), the dialog stays open: the reason
    is shown in its message line, the work order is shown as it is now, and Issue stays
    available only when it can still be invoiced. Nothing is stored.

    Attributes:
        issued: the invoice, after Issue succeeded.
    """

    def __init__(self, services: Services, ops: Ops, preview: InvoicePreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._preview = preview
        self.issued: Invoice | None = None
        self.setWindowTitle(_("Issue invoice"))
        self.setMinimumWidth(640)
        self.heading = plain_label(role="subtitle", wrap=True)
        self.dates = plain_label(role="hint", wrap=True)
        self.lines = read_only_table(
            [_("Item"), _("Qty"), _("Unit"), _("Unit price"), _("Discount"), _("Amount")], {1, 3, 4, 5}
        )
        self.lines.setMinimumHeight(150)
        self.refusal = plain_label(role="warning", wrap=True)
        self.tax_rate = QLineEdit(plain_decimal(preview.tax_rate))
        self.tax_rate.setMaximumWidth(120)
        self.tax_rate.textChanged.connect(self._update_totals)
        self.add_field(
            "tax_rate", _("Tax rate (%)"), self.tax_rate, _("The company's default; 0 for tax-exempt customers.")
        )
        self.totals, self.values = totals_grid(
            [
                ("subtotal", _("Subtotal")),
                ("discount", _("Discount")),
                ("tax", _("Tax")),
                ("total", _("Total")),
            ]
        )
        self.buttons = action_buttons(self, _("Issue invoice"), self.issue)
        self.issue_button = next(
            b for b in self.buttons.buttons() if self.buttons.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.dates)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.refusal)
        layout.addLayout(self.form)
        layout.addLayout(self.totals)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self._show_preview(preview)

    def _show_preview(self, preview: InvoicePreview) -> None:
        """What issuing would bill now: heading, dates, lines, totals and the refusal, if any."""
        self._preview = preview
        self.heading.setText(
            _("Invoice work order {number} to {customer}").format(
                number=preview.work_order_number, customer=preview.customer_name
            )
        )
        self.dates.setText(
            _("Issued {issued}, due {due} (net {days} days).").format(
                issued=date_text(preview.issued_on), due=date_text(preview.due_on), days=preview.payment_terms_days
            )
        )
        self.lines.setRowCount(0)
        for line in preview.lines:
            row = self.lines.rowCount()
            self.lines.insertRow(row)
            self.lines.setItem(row, 0, table_item(line.description, tooltip=line.description))
            self.lines.setItem(row, 1, table_item(quantity_text(line.quantity), right=True))
            self.lines.setItem(row, 2, table_item(_(unit_label(line.unit))))
            self.lines.setItem(row, 3, table_item(money_text(line.unit_price), right=True))
            self.lines.setItem(row, 4, table_item(percent_text(line.discount_rate), right=True))
            self.lines.setItem(row, 5, table_item(money_text(line.amount), right=True))
        self.refusal.setText(preview.refusal)
        self.refusal.setVisible(bool(preview.refusal))
        self.issue_button.setEnabled(not preview.refusal)
        self._update_totals()

    def tax_rate_value(self) -> Decimal | None:
        try:
            return validate_tax_rate(self.tax_rate.text())
        except ValidationError:
            return None

    def _update_totals(self) -> None:
        """Recalculate the totals as the rate is typed (a dash while it is not a rate)."""
        rate = self.tax_rate_value()
        if rate is None:
            for value in self.values.values():
                value.setText("—")
            return
        sums = invoice_totals(
            (LineInput(line.quantity, line.unit_price, line.discount_rate) for line in self._preview.lines), rate
        )
        self.values["subtotal"].setText(money_text(sums.subtotal))
        self.values["discount"].setText(money_text(-sums.discount))
        self.values["tax"].setText(_("{amount} ({rate} %)").format(amount=money_text(sums.tax), rate=number_text(rate)))
        self.values["total"].setText(money_text(sums.total))

    def issue(self) -> bool:
        """Issue through the service. A bad rate is shown under the field; a refusal (already
        invoiced, not completed, no items, changed meanwhile) in the dialog's message line,
        with the work order as it is now. The dialog stays open and nothing is stored."""
        self.errors.clear()
        try:
            rate = validate_tax_rate(self.tax_rate.text())
        except ValidationError as exc:
            self.errors.show_field_errors(exc.field_errors)
            return False
        result = self._ops.call(
            issue_or_refusal, self._services.invoices, self._preview, rate, parent=self, form=self.errors
        )
        if not result.ok or result.value is None:
            return False
        if isinstance(result.value, IssueRefused):
            self._refused(result.value)
            return False
        self.issued = result.value
        self.accept()
        return True

    def _refused(self, refused: IssueRefused) -> None:
        """Show why Issue was refused and what the work order is now."""
        now = refused.now
        if now is None:
            message = refused.message
            self.issue_button.setEnabled(False)
        elif now.refusal:
            # e.g. "already has invoice INV-2026-00012": says more than "changed by someone else"
            self._show_preview(now)
            self.refusal.hide()  # the same words are in the message line
            message = now.refusal
        else:
            self._show_preview(now)
            message = _(
                "Work order {number} was changed by someone else after you opened this: the lines and "
                "totals above are as they are now. Check them and issue again."
            ).format(number=now.work_order_number)
        self.errors.show_field_errors({"": message})


# ----------------------------------------------------------------- payments
class PaymentDialog(FieldsDialog):
    """Record money received against an invoice: the amount (the balance to start with),
    the date, how it was paid and a reference (cheque number, transfer id).

    Attributes:
        saved: the invoice as it is after the payment.
    """

    def __init__(self, services: Services, ops: Ops, invoice: Invoice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._invoice = invoice
        self.saved: Invoice | None = None
        self.setWindowTitle(_("Record payment"))
        self.setMinimumWidth(460)
        title = plain_label(
            _("Invoice {number} · {customer}").format(number=invoice.number, customer=invoice.customer_name),
            role="subtitle",
            wrap=True,
        )
        self.amount = QLineEdit(plain_decimal(invoice.balance))
        self.amount.selectAll()
        self.paid_on = date_edit(date.today())
        self.method = QComboBox()
        for method in PaymentMethod:
            self.method.addItem(method_label(method.value), method.value)
        self.method.setCurrentIndex(self.method.findData(PaymentMethod.BANK_TRANSFER.value))
        self.reference = QLineEdit()
        self.reference.setMaxLength(REFERENCE_MAX)
        self.reference.setPlaceholderText(_("cheque number, transfer id…"))
        self.add_field(
            "amount",
            _("Amount"),
            self.amount,
            _("Balance due: {balance}").format(balance=money_text(invoice.balance)),
        )
        self.add_field("paid_on", _("Received on"), self.paid_on)
        self.add_field("method", _("Method"), self.method)
        self.add_field("reference", _("Reference"), self.reference)
        self.buttons = action_buttons(self, _("Record payment"), self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def save(self) -> bool:
        """Record through the service; an overpayment or a bad field is shown under its field."""
        self.errors.clear()
        result = self._ops.call(
            self._services.invoices.record_payment,
            self._invoice.id,
            self.amount.text().strip(),
            date_of(self.paid_on),
            str(self.method.currentData()),
            self.reference.text(),
            parent=self,
            form=self.errors,
        )
        if not result.ok:
            return False
        self.saved = result.value
        self.accept()
        return True


class _ReasonDialog(FieldsDialog):
    """A reason (required, kept in the audit trail), then a confirmation, then the service."""

    def __init__(
        self, prompts: Prompts, parent: QWidget | None, *, title: str, intro: str, action: str, keep: str
    ) -> None:
        super().__init__(parent)
        self._prompts = prompts
        self.saved: Invoice | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.reason = QLineEdit()
        self.reason.setMaxLength(REASON_MAX)
        self.add_field("reason", _("Reason"), self.reason, _("Required; kept in the audit trail."))
        self.buttons = action_buttons(self, action, self.save)
        for button in self.buttons.buttons():
            if self.buttons.buttonRole(button) == QDialogButtonBox.ButtonRole.AcceptRole:
                self.action_button = button
                button.setProperty("primary", False)
                button.setProperty("danger", True)
            else:
                button.setText(keep)  # "Cancel" beside "Cancel invoice" would read as the same thing
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(intro, wrap=True))
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def save(self) -> bool:
        self.errors.clear()
        try:
            reason = validate_reason(self.reason.text(), self.what())
        except ValidationError as exc:
            self.errors.show_field_errors(exc.field_errors)
            return False
        title, text, verb = self.confirmation()
        if not self._prompts.confirm(self, title, text, verb):
            return False
        result = self.call(reason)
        if not result:
            return False
        self.accept()
        return True

    # for subclasses
    def what(self) -> str:
        return "cancelling"

    def confirmation(self) -> tuple[str, str, str]:
        raise NotImplementedError

    def call(self, reason: str) -> bool:
        raise NotImplementedError


class VoidPaymentDialog(_ReasonDialog):
    """Void a payment recorded by mistake: it stays on the invoice, struck out with the
    reason, and the balance goes back up (a paid invoice is open again)."""

    def __init__(
        self,
        services: Services,
        ops: Ops,
        prompts: Prompts,
        invoice: Invoice,
        payment: PaymentInfo,
        parent: QWidget | None = None,
    ) -> None:
        self._services = services
        self._ops = ops
        self._invoice = invoice
        self._payment = payment
        super().__init__(
            prompts,
            parent,
            title=_("Void payment"),
            intro=_("Void the payment of {amount} received on {date} ({method}) on invoice {number}?").format(
                amount=money_text(payment.amount),
                date=date_text(payment.paid_on),
                method=method_label(payment.method),
                number=invoice.number,
            ),
            action=_("Void payment"),
            keep=_("Keep payment"),
        )

    def what(self) -> str:
        return "voiding the payment"

    def confirmation(self) -> tuple[str, str, str]:
        return (
            _("Void this payment?"),
            _(
                "The payment of {amount} stays on invoice {number}, struck out with your reason, and "
                "the balance goes up by {amount}. A voided payment cannot be restored; record it again instead."
            ).format(amount=money_text(self._payment.amount), number=self._invoice.number),
            _("Void payment"),
        )

    def call(self, reason: str) -> bool:
        result = self._ops.call(
            self._services.invoices.void_payment, self._payment.id, reason, parent=self, form=self.errors
        )
        self.saved = result.value if result.ok else None
        return result.ok


class CancelInvoiceDialog(_ReasonDialog):
    """Cancel an invoice nothing was paid on: it stays on record with its number, and the
    work order can be invoiced again."""

    def __init__(
        self, services: Services, ops: Ops, prompts: Prompts, invoice: Invoice, parent: QWidget | None = None
    ) -> None:
        self._services = services
        self._ops = ops
        self._invoice = invoice
        super().__init__(
            prompts,
            parent,
            title=_("Cancel invoice"),
            intro=_("Cancel invoice {number} for {total} to {customer}?").format(
                number=invoice.number, total=money_text(invoice.total), customer=invoice.customer_name
            ),
            action=_("Cancel invoice"),
            keep=_("Keep invoice"),
        )

    def confirmation(self) -> tuple[str, str, str]:
        return (
            _("Cancel this invoice?"),
            _(
                "Invoice {number} stays on record as cancelled with its number, and work order {work_order} "
                "can be invoiced again. A cancelled invoice cannot be reopened."
            ).format(number=self._invoice.number, work_order=self._invoice.work_order_number),
            _("Cancel invoice"),
        )

    def call(self, reason: str) -> bool:
        result = self._ops.call(
            self._services.invoices.cancel,
            self._invoice.id,
            reason,
            self._invoice.version,
            parent=self,
            form=self.errors,
        )
        self.saved = result.value if result.ok else None
        return result.ok
