"""The customer statement: a customer's account for a period, on paper.

What the customer owed when the period began (opening balance), every invoice issued and
payment received in it with the running balance after each, what is owed at its end
(closing balance), the invoices still open then with how far past due they are, and the
open balance by age (current, 1–30, 31–60, 61–90, over 90 days past due).

Laid out by the shared renderer (``documents/priced_document.py``): the same header,
page breaks with the column headings repeated, and "Page N of M" as invoices.  The
service side (``services/invoice_documents.py``) fills :class:`StatementDocument` from
``ReceivablesService.statement``; dates arrive as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import LETTER

from tuffops_desktop.documents.page_plan import DocumentPlan, money_print
from tuffops_desktop.documents.priced_document import (
    Column,
    Company,
    Party,
    SummaryRow,
    Table,
    TabularDocument,
    plan_document,
    render_document,
)

__all__ = ["StatementLine", "OpenInvoice", "StatementDocument", "statement_table", "plan_statement", "render_statement"]


@dataclass(frozen=True)
class StatementLine:
    """One movement: an invoice (``charge``) or a payment (``payment``), then the balance."""

    date: str
    reference: str  # the invoice number
    description: str
    charge: Decimal
    payment: Decimal
    balance: Decimal


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice with a balance at the end of the period."""

    number: str
    issued: str
    due: str
    total: Decimal
    paid: Decimal
    balance: Decimal
    days_overdue: int


@dataclass(frozen=True)
class StatementDocument:
    """Everything the statement prints.

    ``ageing`` is ``(label, amount)`` per bucket, e.g. ``("1–30 days", Decimal("120.00"))``.
    ``identifier`` is printed where an invoice has its number (a statement has none):
    e.g. the customer's account reference and the period's end.
    """

    identifier: str
    company: Company
    customer: Party
    period: str
    issued: str
    opening_balance: Decimal
    lines: tuple[StatementLine, ...]
    closing_balance: Decimal
    open_invoices: tuple[OpenInvoice, ...]
    ageing: tuple[tuple[str, Decimal], ...]
    notes: tuple[tuple[str, str], ...] = ()
    currency: str = ""
    footer: str = ""


def statement_table(doc: StatementDocument) -> TabularDocument:
    """The statement as a :class:`TabularDocument`: the account's movements, the open
    invoices, the ageing."""
    charges = sum((line.charge for line in doc.lines), Decimal("0.00"))
    payments = sum((line.payment for line in doc.lines), Decimal("0.00"))
    movements = Table(
        heading="Account activity",
        columns=(
            Column("Date", 74),
            Column("Reference", 92),
            Column("Description"),
            Column("Charges", 72, "right"),
            Column("Payments", 72, "right"),
            Column("Balance", 78, "right"),
        ),
        rows=(
            ("", "", "Opening balance", "", "", money_print(doc.opening_balance)),
            *(
                (
                    line.date,
                    line.reference,
                    line.description,
                    money_print(line.charge) if line.charge else "",
                    money_print(line.payment) if line.payment else "",
                    money_print(line.balance),
                )
                for line in doc.lines
            ),
        ),
        summary=(
            SummaryRow("Opening balance", money_print(doc.opening_balance)),
            SummaryRow("Charges", money_print(charges)),
            SummaryRow("Payments", money_print(-payments)),
            SummaryRow("Closing balance", money_print(doc.closing_balance, doc.currency), strong=True),
        ),
    )
    open_invoices = Table(
        heading="Open invoices",
        columns=(
            Column("Invoice", 88),
            Column("Issued", 66),
            Column("Due", 66),
            Column("Overdue", 56, "right"),
            Column("Total", 70, "right"),
            Column("Paid", 70, "right"),
            Column("Balance", 0, "right"),
        ),
        rows=tuple(
            (
                item.number,
                item.issued,
                item.due,
                (f"{item.days_overdue} day" + ("s" if item.days_overdue > 1 else "")) if item.days_overdue > 0 else "",
                money_print(item.total),
                money_print(item.paid),
                money_print(item.balance),
            )
            for item in doc.open_invoices
        ),
        summary=(SummaryRow("Total due", money_print(sum((i.balance for i in doc.open_invoices), Decimal("0.00")))),)
        if doc.open_invoices
        else (),
        empty_text="Nothing is open: thank you.",
    )
    tables = [movements, open_invoices]
    if doc.ageing:
        tables.append(
            Table(
                heading="Open balance by age",
                columns=tuple(Column(label, 0, "right") for label, _ in doc.ageing),
                rows=(tuple(money_print(amount) for _, amount in doc.ageing),),
            )
        )
    return TabularDocument(
        title="Statement",
        number=doc.identifier,
        company=doc.company,
        facts=(("Period", doc.period), ("Date", doc.issued)),
        parties=(doc.customer,),
        tables=tuple(tables),
        notes=doc.notes,
        footer=doc.footer,
    )


def plan_statement(doc: StatementDocument, page_size: tuple[float, float] = LETTER) -> DocumentPlan:
    """Lay the statement out on as many pages as its movements take."""
    return plan_document(statement_table(doc), page_size)


def render_statement(
    doc: StatementDocument, out: str | Path | BinaryIO, *, page_size: tuple[float, float] = LETTER
) -> DocumentPlan:
    """Plan the statement and write it as a PDF; returns the plan."""
    return render_document(statement_table(doc), out, page_size=page_size)
