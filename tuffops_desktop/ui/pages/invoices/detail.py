"""The panel beside the invoices list: one invoice as the customer holds it (bill-to,
dates, lines, totals), the money received against it, and what this user may do now.

Record payment… is offered while a balance is open, Void payment… on a selected payment
that still counts, Cancel invoice… only while nothing is paid (the service's
``can_cancel``); users without ``invoices.edit`` see the invoice and no actions. A voided
payment stays listed, struck out, with who voided it and why. The PDF (preview, print,
save) is the same document the CLI writes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.pricing import unit_label
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.invoices import Invoice, PaymentInfo
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import date_text, date_time_text, money_text, number_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.invoices.columns import OVERDUE_COLOUR, method_label, status_colour, status_label
from tuffops_desktop.ui.pages.invoices.dialogs import (
    CancelInvoiceDialog,
    PaymentDialog,
    VoidPaymentDialog,
    read_only_table,
    table_item,
    totals_grid,
)
from tuffops_desktop.ui.pages.work_orders.items import percent_text, quantity_text
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.theme import MUTED_TEXT
from tuffops_desktop.ui.widgets.forms import facts_grid
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.swatch import tag_style

PAYMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
TABLE_ROWS_SHOWN = 6  # rows a lines/payments table shows before it scrolls


def _fit_rows(table: QTableWidget, rows: int) -> None:
    """Make ``table`` as tall as ``rows`` rows (at least one), up to ``TABLE_ROWS_SHOWN``."""
    table.ensurePolished()
    table.horizontalHeader().ensurePolished()
    shown = max(1, min(rows, TABLE_ROWS_SHOWN))
    row_height = max(table.verticalHeader().defaultSectionSize(), table.sizeHintForRow(0) if rows else 0)
    header = table.horizontalHeader().sizeHint().height()
    height = header + shown * row_height + 2 * table.frameWidth() + 4
    table.setFixedHeight(height)


class InvoicePanel(QFrame):
    """Shows one invoice and the actions the signed-in user may take on it.

    Signals:
        saved(object): the invoice changed here (a payment, a void, a cancel).
        open_record(str, int): show this record (``work_order``, ``customer``).
        pdf_requested(str): ``preview``, ``print`` or ``save`` the shown invoice's PDF.
    """

    saved = Signal(object)
    open_record = Signal(str, int)
    pdf_requested = Signal(str)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPanel")
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self.invoice: Invoice | None = None
        self._can_edit = services.ctx.actor.can("invoices.edit")

        self.empty = plain_label(_("Select an invoice to see its lines, totals and payments."), role="hint", wrap=True)
        self.number = plain_label(role="title", selectable=True)
        self.status_tag = plain_label()
        self.overdue_tag = plain_label()
        tags = QHBoxLayout()
        tags.setSpacing(6)
        tags.addWidget(self.status_tag)
        tags.addWidget(self.overdue_tag)
        tags.addStretch(1)

        self.payment_button = QPushButton(_("Record &payment…"))
        self.payment_button.setProperty("primary", True)
        self.payment_button.clicked.connect(self.record_payment)
        self.void_button = QPushButton(_("&Void payment…"))
        self.void_button.setToolTip(_("Void the payment selected below (it stays listed, struck out)"))
        self.void_button.clicked.connect(self.void_payment)
        self.cancel_button = QPushButton(_("Ca&ncel invoice…"))
        self.cancel_button.setProperty("danger", True)
        self.cancel_button.clicked.connect(self.cancel_invoice)
        actions = QHBoxLayout()
        actions.setSpacing(6)
        for button in (self.payment_button, self.void_button, self.cancel_button):
            actions.addWidget(button)
            button.setVisible(self._can_edit)
        actions.addStretch(1)

        self.preview_button = QPushButton(_("Pre&view…"))
        self.print_button = QPushButton(_("P&rint…"))
        self.save_pdf_button = QPushButton(_("Save P&DF…"))
        pdf_row = QHBoxLayout()
        pdf_row.setSpacing(6)
        for button, what in (
            (self.preview_button, "preview"),
            (self.print_button, "print"),
            (self.save_pdf_button, "save"),
        ):
            button.clicked.connect(lambda _checked=False, what=what: self.pdf_requested.emit(what))
            pdf_row.addWidget(button)
        pdf_row.addStretch(1)

        self.facts, self.values = facts_grid(
            [
                ("customer", _("Bill to")),
                ("work_order", _("Work order")),
                ("unit", _("Unit")),
                ("issued", _("Issued")),
                ("due", _("Due")),
                ("created", _("Issued by")),
                ("cancelled", _("Cancelled")),
            ]
        )
        links = QHBoxLayout()
        self.open_work_order = QPushButton(_("Open &work order"))
        self.open_customer = QPushButton(_("Open c&ustomer"))
        for button, kind in ((self.open_work_order, "work_order"), (self.open_customer, "customer")):
            button.setFlat(True)
            button.setProperty("link", True)
            button.clicked.connect(lambda _checked=False, kind=kind: self._open(kind))
            links.addWidget(button)
        links.addStretch(1)

        self.lines = read_only_table([_("Item"), _("Qty"), _("Unit price"), _("Discount"), _("Amount")], {1, 2, 3, 4})
        self.lines.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.totals, self.total_values = totals_grid(
            [
                ("subtotal", _("Subtotal")),
                ("discount", _("Discount")),
                ("tax", _("Tax")),
                ("total", _("Total")),
                ("paid", _("Paid")),
                ("balance", _("Balance due")),
            ]
        )
        self.payments = read_only_table([_("Received"), _("Amount"), _("Method"), _("Reference")], {1}, stretch=3)
        self.payments.horizontalHeader().setSectionResizeMode(
            0, self.payments.horizontalHeader().ResizeMode.ResizeToContents
        )
        self.payments.horizontalHeader().setSectionResizeMode(3, self.payments.horizontalHeader().ResizeMode.Stretch)
        self.payments.itemSelectionChanged.connect(self._update_void)
        self.no_payments = plain_label(_("No payments recorded."), role="hint")

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        body.addWidget(self.number)
        body.addLayout(tags)
        body.addLayout(actions)
        body.addLayout(self.facts)
        body.addLayout(links)
        body.addWidget(plain_label(_("Lines"), role="subtitle"))
        body.addWidget(self.lines)
        body.addLayout(self.totals)
        body.addWidget(plain_label(_("Payments"), role="subtitle"))
        body.addWidget(self.no_payments)
        body.addWidget(self.payments)
        body.addWidget(plain_label(_("Document"), role="subtitle"))
        body.addLayout(pdf_row)
        body.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addWidget(self.empty)
        layout.addWidget(self.body)
        self.show_invoice(None)

    # ----------------------------------------------------------------- showing
    def invoice_id(self) -> int | None:
        return self.invoice.id if self.invoice else None

    def show_invoice(self, invoice: Invoice | None) -> None:
        self.invoice = invoice
        self.empty.setVisible(invoice is None)
        self.body.setVisible(invoice is not None)
        if invoice is None:
            return
        self.number.setText(invoice.number)
        self.status_tag.setText(status_label(invoice.status))
        self.status_tag.setStyleSheet(tag_style(status_colour(invoice.status)))
        self.overdue_tag.setVisible(invoice.overdue)
        if invoice.overdue:
            self.overdue_tag.setText(
                _("1 day overdue")
                if invoice.days_overdue == 1
                else _("{days} days overdue").format(days=invoice.days_overdue)
            )
            self.overdue_tag.setStyleSheet(tag_style(OVERDUE_COLOUR))
        address = invoice.customer_address.strip()
        values = {
            "customer": f"{invoice.customer_name}\n{address}" if address else invoice.customer_name,
            "work_order": invoice.work_order_number,
            "unit": invoice.unit_label,
            "issued": date_text(invoice.issued_on),
            "due": _("{due} (net {days} days)").format(due=date_text(invoice.due_on), days=invoice.payment_terms_days),
            "created": _("{when} by {who}").format(when=date_time_text(invoice.created_at), who=invoice.created_by),
            "cancelled": _("{when} by {who}: {why}").format(
                when=date_time_text(invoice.cancelled_at), who=invoice.cancelled_by, why=invoice.cancel_reason
            )
            if invoice.cancelled_at
            else "",
        }
        for key, text in values.items():
            self.values[key].setText(text)
        self._show_row("cancelled", invoice.cancelled_at is not None)
        self._show_lines(invoice)
        self._show_totals(invoice)
        self._show_payments(invoice)
        self.payment_button.setVisible(self._can_edit and invoice.can_record_payment)
        self.cancel_button.setVisible(self._can_edit and invoice.can_cancel)
        self.void_button.setVisible(self._can_edit and any(not p.voided for p in invoice.payments))
        self._update_void()

    def _show_row(self, key: str, shown: bool) -> None:
        value = self.values[key]
        value.setVisible(shown)
        index = self.facts.indexOf(value)
        row = self.facts.getItemPosition(index)[0] if index >= 0 else -1
        caption = self.facts.itemAtPosition(row, 0) if row >= 0 else None
        if caption is not None and caption.widget() is not None:
            caption.widget().setVisible(shown)

    def _show_lines(self, invoice: Invoice) -> None:
        self.lines.setRowCount(0)
        for line in invoice.lines:
            row = self.lines.rowCount()
            self.lines.insertRow(row)
            quantity = f"{quantity_text(line.quantity)} {_(unit_label(line.unit))}"
            self.lines.setItem(row, 0, table_item(line.description, tooltip=line.description))
            self.lines.setItem(row, 1, table_item(quantity, right=True))
            self.lines.setItem(row, 2, table_item(money_text(line.unit_price), right=True))
            self.lines.setItem(row, 3, table_item(percent_text(line.discount_rate), right=True))
            self.lines.setItem(row, 4, table_item(money_text(line.amount), right=True))
        self.lines.setColumnHidden(3, not any(line.discount_rate for line in invoice.lines))
        _fit_rows(self.lines, len(invoice.lines))

    def _show_totals(self, invoice: Invoice) -> None:
        v = self.total_values
        v["subtotal"].setText(money_text(invoice.subtotal))
        v["discount"].setText(money_text(-invoice.discount_total))
        v["tax"].setText(
            _("{amount} ({rate} %)").format(amount=money_text(invoice.tax), rate=number_text(invoice.tax_rate))
        )
        v["total"].setText(money_text(invoice.total))
        v["paid"].setText(money_text(invoice.paid))
        v["balance"].setText(money_text(invoice.balance))
        v["balance"].setStyleSheet(
            f"color: {OVERDUE_COLOUR}; font-weight: 600;" if invoice.overdue else "font-weight: 600;"
        )

    def _show_payments(self, invoice: Invoice) -> None:
        self.payments.setRowCount(0)
        for payment in invoice.payments:
            row = self.payments.rowCount()
            self.payments.insertRow(row)
            recorded = _("Recorded {when} by {who}.").format(
                when=date_time_text(payment.created_at), who=payment.created_by
            )
            reference = payment.reference
            if payment.voided:
                # struck out: the money no longer counts; the reason reads plainly beside it
                reference = _("Voided: {why}").format(why=payment.void_reason)
                if payment.reference:
                    reference = f"{payment.reference} · {reference}"
                recorded += " " + _("Voided {when} by {who}: {why}").format(
                    when=date_time_text(payment.voided_at), who=payment.voided_by, why=payment.void_reason
                )
            cells = [
                table_item(date_text(payment.paid_on)),
                table_item(money_text(payment.amount), right=True),
                table_item(method_label(payment.method)),
                table_item(reference),
            ]
            for column, item in enumerate(cells):
                item.setData(PAYMENT_ID_ROLE, payment.id)
                item.setToolTip(recorded)
                if payment.voided:
                    font = item.font()
                    font.setStrikeOut(column < 3)
                    item.setFont(font)
                    item.setForeground(QColor(MUTED_TEXT))
                self.payments.setItem(row, column, item)
        self.payments.setVisible(bool(invoice.payments))
        self.no_payments.setVisible(not invoice.payments)
        _fit_rows(self.payments, len(invoice.payments))
        open_payments = [n for n, p in enumerate(invoice.payments) if not p.voided]
        if len(open_payments) == 1:
            self.payments.selectRow(open_payments[0])

    # ----------------------------------------------------------------- actions
    def selected_payment(self) -> PaymentInfo | None:
        invoice = self.invoice
        rows = self.payments.selectionModel().selectedRows() if self.payments.selectionModel() else []
        if invoice is None or not rows:
            return None
        item = self.payments.item(rows[0].row(), 0)
        payment_id = item.data(PAYMENT_ID_ROLE) if item is not None else None
        return next((p for p in invoice.payments if p.id == payment_id), None)

    def _update_void(self) -> None:
        payment = self.selected_payment()
        self.void_button.setEnabled(payment is not None and not payment.voided)

    def record_payment(self) -> None:
        invoice = self.invoice
        if invoice is None:
            return
        dialog = PaymentDialog(self._services, self._ops, invoice, self)
        if dialog.exec() and dialog.saved is not None:
            self._changed(dialog.saved)

    def void_payment(self) -> None:
        invoice, payment = self.invoice, self.selected_payment()
        if invoice is None or payment is None or payment.voided:
            return
        dialog = VoidPaymentDialog(self._services, self._ops, self._prompts, invoice, payment, self)
        if dialog.exec() and dialog.saved is not None:
            self._changed(dialog.saved)

    def cancel_invoice(self) -> None:
        invoice = self.invoice
        if invoice is None:
            return
        dialog = CancelInvoiceDialog(self._services, self._ops, self._prompts, invoice, self)
        if dialog.exec() and dialog.saved is not None:
            self._changed(dialog.saved)

    def _changed(self, invoice: Invoice) -> None:
        self.show_invoice(invoice)
        self.saved.emit(invoice)

    def _open(self, kind: str) -> None:
        invoice = self.invoice
        if invoice is not None:
            self.open_record.emit(kind, invoice.work_order_id if kind == "work_order" else invoice.customer_id)
