"""Invoices and customer statements as printed documents.

Maps what the invoice services return (``services/dto/invoices.py``) and the company
settings onto the shared renderer's inputs (``documents/priced_document.py``,
``documents/statement_pdf.py``) and plans or writes the PDF.  Reading goes through the
guarded service calls (``InvoiceService.get`` / ``get_by_number``,
``ReceivablesService.statement``, ``SettingsService.get``), so the permission checks are
theirs; this module adds no service of its own.  Planning and writing run after those
reads have returned, outside any transaction.

What prints:

* an invoice: the company (logo, name, address, phone · e-mail from Settings), "Bill to" with
  the name and address as issued, the work order and unit, invoice and due dates, the
  lines snapshotted at issue (after each line's discount), before-discount, discount,
  subtotal, tax at the invoice's rate, total, amount paid and balance due, the payments
  received, the payment instructions from Settings (or a plain request to pay by the
  due date quoting the number), and a red "CANCELLED" with the reason on a cancelled one;
* a statement: opening balance, the period's invoices and payments with the running
  balance, closing balance, the invoices still open with days overdue, the ageing.

Money is printed as plain numbers (2 places, thousands separated): there is no currency
setting.  Dates print as "1 Dec 2026" so they read the same to every customer.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from tuffops_desktop.documents.page_plan import DocumentPlan, join_nonblank, money_print, write_plan_pdf
from tuffops_desktop.documents.priced_document import (
    Company,
    Party,
    PricedDocument,
    PricedLine,
    plan_priced_document,
)
from tuffops_desktop.documents.statement_pdf import (
    OpenInvoice,
    StatementDocument,
    StatementLine,
    plan_statement,
)
from tuffops_desktop.domain.invoices import InvoiceStatus, InvoicingDisabled, PaymentMethod
from tuffops_desktop.domain.logo import logo_bytes
from tuffops_desktop.domain.pricing import unit_label
from tuffops_desktop.services.dto.invoices import Invoice, Statement

__all__ = [
    "InvoiceSource",
    "StatementSource",
    "SettingsSource",
    "company_from_settings",
    "invoice_document",
    "invoice_plan",
    "invoice_plan_by_number",
    "write_invoice_pdf",
    "statement_document",
    "statement_plan",
    "day_text",
]


class InvoiceSource(Protocol):
    """What is read of ``InvoiceService``."""

    def get(self, invoice_id: int) -> Invoice: ...

    def get_by_number(self, number: str) -> Invoice: ...


class StatementSource(Protocol):
    """What is read of ``ReceivablesService``."""

    def statement(self, customer_id: int, start: date, end: date) -> Statement: ...


class SettingsSource(Protocol):
    """What is read of ``SettingsService``."""

    def get(self, name: str) -> Any: ...


def day_text(day: date) -> str:
    """``1 Dec 2026``: the same for every reader, whatever their locale."""
    return f"{day.day} {day:%b %Y}"


def _text(value: Any) -> str:
    return str(value or "").strip()


def _lines(text: str) -> tuple[str, ...]:
    """An address's non-blank lines, stripped."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _require_invoicing(settings: SettingsSource) -> None:
    if not settings.get("feature_flag_invoices_enabled"):
        raise InvoicingDisabled()


def company_from_settings(settings: SettingsSource) -> Company:
    """The sender block: the logo, company name, address lines, then phone · e-mail.

    The logo is the image stored in Settings (``company_logo``), the same on every
    workstation; invoices, quotations and statements all take it from here."""
    address = _lines(_text(settings.get("company_address")))
    contact = join_nonblank([_text(settings.get("company_phone")), _text(settings.get("company_email"))])
    return Company(
        name=_text(settings.get("company_name")) or "—",
        lines=(*address, *([contact] if contact else [])),
        logo=logo_bytes(_text(settings.get("company_logo"))),
    )


def _method(value: str) -> str:
    try:
        return PaymentMethod(value).label
    except ValueError:
        return value


def invoice_document(invoice: Invoice, company: Company, *, instructions: str = "") -> PricedDocument:
    """The invoice as the customer reads it (``instructions``: the Settings text, if any)."""
    address = _lines(invoice.customer_address)
    notes: list[tuple[str, str]] = []
    received = [p for p in invoice.payments if not p.voided]
    if received:
        notes.append(
            (
                "Payments received",
                "\n".join(
                    join_nonblank([day_text(p.paid_on), _method(p.method), p.reference.strip(), money_print(p.amount)])
                    for p in received
                ),
            )
        )
    cancelled = invoice.status == InvoiceStatus.CANCELLED
    if cancelled:
        # the local day (cancelled_at is UTC: 23:30 in St Kitts is already tomorrow in UTC)
        when = f" on {day_text(invoice.cancelled_at.astimezone().date())}" if invoice.cancelled_at else ""
        why = invoice.cancel_reason.strip()
        reason = f": {why}{'' if why.endswith(('.', '!', '?')) else '.'}" if why else "."
        notes.append(("Cancelled", f"This invoice was cancelled{when}{reason} Nothing is owed on it."))
    elif invoice.balance > 0:
        notes.append(
            (
                "Payment instructions",
                instructions.strip()
                or f"Please pay {money_print(invoice.balance)} by {day_text(invoice.due_on)}, "
                f"quoting {invoice.number}.",
            )
        )
    return PricedDocument(
        kind="Invoice",
        number=invoice.number,
        company=company,
        bill_to=Party("Bill to", invoice.customer_name, address),
        dates=(
            ("Invoice date", day_text(invoice.issued_on)),
            ("Due date", day_text(invoice.due_on)),
            ("Terms", f"Net {invoice.payment_terms_days} days" if invoice.payment_terms_days else "Due on receipt"),
        ),
        references=(("Work order", invoice.work_order_number), ("Unit", invoice.unit_label)),
        lines=tuple(
            PricedLine(
                description=line.description,
                quantity=line.quantity,
                unit=unit_label(line.unit),
                unit_price=line.unit_price,
                discount_rate=line.discount_rate,
                amount=line.amount,
            )
            for line in invoice.lines
        ),
        subtotal=invoice.subtotal,
        discount_total=invoice.discount_total,
        tax_rate=invoice.tax_rate,
        tax=invoice.tax,
        total=invoice.total,
        paid=invoice.paid,
        balance=invoice.balance,
        notes=tuple(notes),
        stamp="CANCELLED" if cancelled else "",
        footer=join_nonblank([company.name, *company.lines[-1:]]),
    )


def _invoice_plan(invoice: Invoice, settings: SettingsSource) -> DocumentPlan:
    company = company_from_settings(settings)
    instructions = _text(settings.get("invoice_payment_instructions"))
    return plan_priced_document(invoice_document(invoice, company, instructions=instructions))


def invoice_plan(invoices: InvoiceSource, settings: SettingsSource, invoice_id: int) -> DocumentPlan:
    """The pages of invoice ``invoice_id`` (for the preview, the printer or a PDF)."""
    _require_invoicing(settings)
    return _invoice_plan(invoices.get(invoice_id), settings)


def invoice_plan_by_number(invoices: InvoiceSource, settings: SettingsSource, number: str) -> DocumentPlan:
    """The pages of the invoice numbered ``number`` (``INV-2026-00001``)."""
    _require_invoicing(settings)
    return _invoice_plan(invoices.get_by_number(number), settings)


def write_invoice_pdf(
    invoices: InvoiceSource, settings: SettingsSource, number: str, out: str | Path | BinaryIO
) -> DocumentPlan:
    """Write the invoice numbered ``number`` as a PDF into ``out``; returns its plan."""
    plan = invoice_plan_by_number(invoices, settings, number)
    write_plan_pdf(plan, out)
    return plan


def statement_document(statement: Statement, company: Company, issued_on: date) -> StatementDocument:
    """The statement of ``statement.customer_id`` for its period, dated ``issued_on``."""
    buckets = statement.ageing
    address = _lines(statement.customer_address)
    account = statement.customer_remote_id or str(statement.customer_id)
    return StatementDocument(
        identifier=f"Account {account}",
        company=company,
        customer=Party("Customer", statement.customer_name, address),
        period=f"{day_text(statement.start)} – {day_text(statement.end)}",
        issued=day_text(issued_on),
        opening_balance=statement.opening_balance,
        lines=tuple(
            StatementLine(
                date=day_text(entry.on),
                reference=entry.invoice_number,
                description=entry.description,
                charge=entry.debit,
                payment=entry.credit,
                balance=entry.balance,
            )
            for entry in statement.entries
        ),
        closing_balance=statement.closing_balance,
        open_invoices=tuple(
            OpenInvoice(
                number=item.number,
                issued=day_text(item.issued_on),
                due=day_text(item.due_on),
                total=item.total,
                paid=item.paid,
                balance=item.balance,
                days_overdue=item.days_overdue,
            )
            for item in statement.open_invoices
        ),
        ageing=(
            ("Current", buckets.current),
            ("1–30 days", buckets.days_1_30),
            ("31–60 days", buckets.days_31_60),
            ("61–90 days", buckets.days_61_90),
            ("Over 90 days", buckets.days_over_90),
            ("Total", buckets.total),
        ),
        footer=join_nonblank([company.name, *company.lines[-1:]]),
    )


def statement_plan(
    receivables: StatementSource,
    settings: SettingsSource,
    customer_id: int,
    start: date,
    end: date,
    *,
    issued_on: date | None = None,
) -> DocumentPlan:
    """The pages of a customer's statement for ``start``..``end`` (dated today unless given)."""
    _require_invoicing(settings)
    statement = receivables.statement(customer_id, start, end)
    company = company_from_settings(settings)
    return plan_statement(statement_document(statement, company, issued_on or date.today()))
