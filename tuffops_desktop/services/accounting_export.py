"""Accounting export: invoices and payments of a date range as one CSV file an accounting
package imports (QuickBooks-style: one row per invoice line with the invoice's header
fields repeated, then one row per payment).

Which records: invoices **issued** in the range (cancelled ones too, marked ``Cancelled``,
so the package can void what it already has) and payments **received** in the range
(voided ones too, marked ``Voided`` with the reason). Rows are in invoice-number order,
lines by position; payments follow, by date. The file is UTF-8 with a header row,
comma-separated, dates ``YYYY-MM-DD``, amounts with a dot and two decimals and no
thousands separator. Text that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``) is prefixed with ``'``.

Columns (``COLUMNS``):

==================  ==========================================================================
RecordType          ``Invoice`` (one row per invoice line) or ``Payment``
InvoiceNo           the invoice number, ``INV-2026-00001`` (on payment rows: the invoice paid)
Customer            the bill-to name as invoiced
CustomerRef         the customer's ``remote_id`` in the accounting system when set, else
                    ``TUFF-<customer id>``
InvoiceDate         issue date
DueDate             due date
Terms               ``Net <days>`` (``Due on receipt`` for 0)
Status              ``Sent``, ``Paid`` or ``Cancelled`` (the invoice's status now)
WorkOrder           the work order billed, ``WO-000042``
Unit                the unit as named on the invoice
LineNo              line position (1, 2, …); empty on payment rows
ItemType            ``Service`` or ``Material``
ItemDescription     the line's description
ItemQuantity        quantity (up to three decimals)
ItemUnit            unit of measure (``hour``, ``kg``, ``each`` …)
ItemRate            unit price
ItemDiscountPercent the customer's discount on the line (empty for none)
ItemAmount          the line after its discount
Subtotal            invoice: sum of the lines before discount
DiscountTotal       invoice: sum of the line discounts
TaxRate             invoice: tax rate in percent
TaxAmount           invoice: tax (on the discounted subtotal, rounded once)
InvoiceTotal        invoice: total due
PaymentDate         payment rows: date received
PaymentAmount       payment rows: amount
PaymentMethod       payment rows: ``Bank transfer``, ``Card``, ``Cash``, ``Cheque``, ``Other``
PaymentRef          payment rows: the reference given (cheque number, transfer id)
Voided              payment rows: ``Yes`` when voided, else ``No``
VoidReason          payment rows: why it was voided
Memo                invoice rows: the cancellation reason, if cancelled
==================  ==========================================================================
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TextIO

from sqlalchemy import select

from tuffops_desktop.db.models import Customer, Invoice, InvoiceLine, Payment
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.invoices import InvoiceStatus, PaymentMethod
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.pricing import ItemKind
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.csv_io import spreadsheet_text
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.invoices import invoicing_enabled

COLUMNS = (
    "RecordType",
    "InvoiceNo",
    "Customer",
    "CustomerRef",
    "InvoiceDate",
    "DueDate",
    "Terms",
    "Status",
    "WorkOrder",
    "Unit",
    "LineNo",
    "ItemType",
    "ItemDescription",
    "ItemQuantity",
    "ItemUnit",
    "ItemRate",
    "ItemDiscountPercent",
    "ItemAmount",
    "Subtotal",
    "DiscountTotal",
    "TaxRate",
    "TaxAmount",
    "InvoiceTotal",
    "PaymentDate",
    "PaymentAmount",
    "PaymentMethod",
    "PaymentRef",
    "Voided",
    "VoidReason",
    "Memo",
)


@dataclass(frozen=True)
class ExportSummary:
    """What went into the file."""

    invoices: int
    lines: int
    payments: int


_text = spreadsheet_text  # one guard for every CSV the app writes (services/csv_io.py)


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _quantity(value: Decimal) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _terms(days: int) -> str:
    return "Due on receipt" if days == 0 else f"Net {days}"


def _label(enum: type[InvoiceStatus] | type[PaymentMethod] | type[ItemKind], value: str) -> str:
    try:
        member = enum(value)
    except ValueError:
        return value
    return str(member.label)


class AccountingExportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.INVOICES_VIEW)
    def export(self, start: date, end: date, out: TextIO) -> ExportSummary:
        """Write the invoices issued and payments received from ``start`` to ``end`` (both
        included) to ``out`` as CSV (``COLUMNS``). Read in one transaction."""
        if start > end:
            raise ValidationError({"start": f"The period starts ({start}) after it ends ({end})."})
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        with self._ctx.read() as session:
            invoicing_enabled(session)
            invoices = session.execute(
                select(Invoice, Customer.remote_id)
                .join(Customer, Customer.id == Invoice.customer_id)
                .where(Invoice.issued_on >= start, Invoice.issued_on <= end)
                .order_by(Invoice.year, Invoice.sequence)
            ).all()
            ids = [inv.id for inv, _ref in invoices]
            lines: dict[int, list[InvoiceLine]] = {i: [] for i in ids}
            for chunk in range(0, len(ids), 500):
                for line in session.scalars(
                    select(InvoiceLine)
                    .where(InvoiceLine.invoice_id.in_(ids[chunk : chunk + 500]))
                    .order_by(InvoiceLine.invoice_id, InvoiceLine.position)
                ):
                    lines[line.invoice_id].append(line)
            payments = session.execute(
                select(Payment, Invoice, Customer.remote_id)
                .join(Invoice, Invoice.id == Payment.invoice_id)
                .join(Customer, Customer.id == Invoice.customer_id)
                .where(Payment.paid_on >= start, Payment.paid_on <= end)
                .order_by(Payment.paid_on, Payment.id)
            ).all()
        line_count = 0
        for inv, remote_id in invoices:
            head = self._head(inv, remote_id)
            for line in lines[inv.id]:
                line_count += 1
                row = dict(head)
                row.update(
                    RecordType="Invoice",
                    LineNo=str(line.position),
                    ItemType=_label(ItemKind, line.kind),
                    ItemDescription=_text(line.description),
                    ItemQuantity=_quantity(line.quantity),
                    ItemUnit=line.unit,
                    ItemRate=_money(line.unit_price),
                    ItemDiscountPercent=_money(line.discount_rate) if line.discount_rate else "",
                    ItemAmount=_money(line.amount),
                    Subtotal=_money(inv.subtotal),
                    DiscountTotal=_money(inv.discount_total),
                    TaxRate=_money(inv.tax_rate),
                    TaxAmount=_money(inv.tax),
                    InvoiceTotal=_money(inv.total),
                    Memo=_text(inv.cancel_reason),
                )
                writer.writerow([row.get(column, "") for column in COLUMNS])
        for payment, inv, remote_id in payments:
            row = self._head(inv, remote_id)
            row.update(
                RecordType="Payment",
                InvoiceTotal=_money(inv.total),
                PaymentDate=payment.paid_on.isoformat(),
                PaymentAmount=_money(payment.amount),
                PaymentMethod=_label(PaymentMethod, payment.method),
                PaymentRef=_text(payment.reference),
                Voided="Yes" if payment.voided else "No",
                VoidReason=_text(payment.void_reason),
            )
            writer.writerow([row.get(column, "") for column in COLUMNS])
        return ExportSummary(invoices=len(invoices), lines=line_count, payments=len(payments))

    @staticmethod
    def _head(inv: Invoice, remote_id: str | None) -> dict[str, str]:
        return {
            "InvoiceNo": inv.number,
            "Customer": _text(inv.bill_to_name),
            "CustomerRef": _text(remote_id) if remote_id else f"TUFF-{inv.customer_id}",
            "InvoiceDate": inv.issued_on.isoformat(),
            "DueDate": inv.due_on.isoformat(),
            "Terms": _terms(inv.payment_terms_days),
            "Status": _label(InvoiceStatus, inv.status),
            "WorkOrder": work_order_number(inv.work_order_id),
            "Unit": _text(inv.unit_label),
        }
