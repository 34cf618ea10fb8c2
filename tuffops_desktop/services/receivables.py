"""Accounts receivable: balances per customer, ageing as of a date, customer statements.

Rules in ``domain/receivables.py``. Everything is computed in SQL from the invoices and
their payments (but a statement's ageing, summed in Python from the open invoices it has
just read), the same statements on SQLite and PostgreSQL: the ageing buckets compare
each invoice's due date with boundary dates worked out in Python from the report date
(``as_of - 30 days`` …), so no date arithmetic differs between the databases.

"As of" a date means: invoices issued on or before it, less the non-voided payments
received on or before it. Cancelled invoices never count (a cancelled invoice was
withdrawn; it had nothing paid).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Customer, Invoice, Payment
from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.domain.invoices import InvoiceStatus, days_overdue
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.receivables import BUCKETS, Bucket, OpenItem, age
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.invoices import (
    AgeingBuckets,
    AgeingReport,
    CustomerAgeing,
    CustomerBalance,
    Statement,
    StatementEntry,
    StatementInvoice,
)
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.invoices import address_block, invoicing_enabled

ZERO = Decimal("0.00")
CANCELLED = InvoiceStatus.CANCELLED.value


def _money(value: Any) -> Decimal:
    """A SQL sum as Decimal to the cent (SQLite may return a float or int for NUMERIC sums)."""
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"))


def _paid_by(as_of: date) -> Any:
    """Per invoice: the non-voided payments received on or before ``as_of``."""
    return (
        select(Payment.invoice_id, func.sum(Payment.amount).label("amount"))
        .where(Payment.voided.is_(False), Payment.paid_on <= as_of)
        .group_by(Payment.invoice_id)
        .subquery()
    )


def _open_as_of(as_of: date) -> tuple[Any, ColumnElement[Decimal]]:
    """(payments subquery, balance expression) of invoices as they stood on ``as_of``."""
    paid = _paid_by(as_of)
    balance: ColumnElement[Decimal] = Invoice.total - func.coalesce(paid.c.amount, 0)
    return paid, balance


def _bucket_sums(as_of: date, balance: ColumnElement[Decimal]) -> list[Any]:
    """One ``SUM(CASE …)`` per ageing bucket, by comparing due dates with bound dates."""
    sums = []
    for bucket, low, high in BUCKETS:
        conditions = []
        if low is not None:  # at least ``low`` days past due: due on or before as_of - low
            conditions.append(Invoice.due_on <= as_of - timedelta(days=low))
        if high is not None:  # at most ``high`` days past due: due on or after as_of - high
            conditions.append(Invoice.due_on >= as_of - timedelta(days=high))
        sums.append(func.sum(case((and_(*conditions), balance), else_=0)).label(bucket.value))
    return sums


def _buckets(row: Any) -> AgeingBuckets:
    return AgeingBuckets(*(_money(row._mapping[bucket.value]) for bucket in Bucket))


class ReceivablesService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.INVOICES_VIEW)
    def balances(self) -> list[CustomerBalance]:
        """What each customer owes today (sent invoices with a balance), by customer name."""
        today = self._ctx.today()
        owed = Invoice.total - Invoice.paid
        stmt = (
            select(
                Customer.id,
                Customer.display_name,
                func.count(Invoice.id),
                func.sum(owed),
                func.sum(case((Invoice.due_on < today, owed), else_=0)),
            )
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(Invoice.status == InvoiceStatus.SENT.value, Invoice.total > Invoice.paid)
            .group_by(Customer.id, Customer.display_name)
            .order_by(Customer.display_name, Customer.id)
        )
        with self._ctx.read() as session:
            invoicing_enabled(session)
            return [
                CustomerBalance(cid, name, int(count), _money(balance), _money(overdue))
                for cid, name, count, balance, overdue in session.execute(stmt)
            ]

    @requires(P.INVOICES_VIEW)
    def ageing(self, as_of: date | None = None) -> AgeingReport:
        """Open balances as of ``as_of`` (today by default) per customer and in total, by
        days past due: current, 1–30, 31–60, 61–90, 90+. One aggregate query."""
        day = as_of or self._ctx.today()
        paid, balance = _open_as_of(day)
        stmt = (
            select(Customer.id, Customer.display_name, *_bucket_sums(day, balance))
            .select_from(Invoice)
            .join(Customer, Customer.id == Invoice.customer_id)
            .outerjoin(paid, paid.c.invoice_id == Invoice.id)
            .where(Invoice.status != CANCELLED, Invoice.issued_on <= day, balance > 0)
            .group_by(Customer.id, Customer.display_name)
            .order_by(Customer.display_name, Customer.id)
        )
        with self._ctx.read() as session:
            invoicing_enabled(session)
            customers = tuple(CustomerAgeing(row[0], row[1], _buckets(row)) for row in session.execute(stmt))
        totals = AgeingBuckets(
            *(sum((getattr(c.buckets, field) for c in customers), ZERO) for field in AgeingBuckets.__dataclass_fields__)
        )
        return AgeingReport(as_of=day, customers=customers, totals=totals)

    @requires(P.INVOICES_VIEW)
    def statement(self, customer_id: int, start: date, end: date) -> Statement:
        """A customer's account for ``start``..``end``: opening balance, the invoices issued
        and payments received in the period, closing balance, and what is still open at
        ``end`` with its ageing."""
        if start > end:
            raise ValidationError({"start": "The period starts after it ends."})
        with self._ctx.read() as session:
            invoicing_enabled(session)
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise NotFound("This customer does not exist.")
            return self._statement(session, customer, start, end)

    def _statement(self, session: Session, customer: Customer, start: date, end: date) -> Statement:
        mine = and_(Invoice.customer_id == customer.id, Invoice.status != CANCELLED)
        before = start - timedelta(days=1)
        billed_before = session.scalar(select(func.sum(Invoice.total)).where(mine, Invoice.issued_on <= before))
        paid_before = session.scalar(
            select(func.sum(Payment.amount))
            .join(Invoice, Invoice.id == Payment.invoice_id)
            .where(mine, Payment.voided.is_(False), Payment.paid_on <= before)
        )
        opening = _money(billed_before) - _money(paid_before)
        movements: list[tuple[date, int, int, StatementEntry]] = []
        for inv in session.scalars(select(Invoice).where(mine, Invoice.issued_on >= start, Invoice.issued_on <= end)):
            entry = StatementEntry(
                inv.issued_on, "invoice", inv.id, inv.number, f"Invoice {inv.number}", inv.total, ZERO, ZERO
            )
            movements.append((inv.issued_on, 0, inv.id, entry))
        payments = session.execute(
            select(Payment, Invoice.number)
            .join(Invoice, Invoice.id == Payment.invoice_id)
            .where(mine, Payment.voided.is_(False), Payment.paid_on >= start, Payment.paid_on <= end)
        )
        for payment, number in payments:
            reference = f" ({payment.reference})" if payment.reference else ""
            entry = StatementEntry(
                payment.paid_on,
                "payment",
                payment.invoice_id,
                number,
                f"Payment for {number}{reference}",
                ZERO,
                payment.amount,
                ZERO,
            )
            movements.append((payment.paid_on, 1, payment.id, entry))
        running = opening
        entries = []
        for _on, _order, _id, entry in sorted(movements, key=lambda m: m[:3]):
            running += entry.debit - entry.credit
            entries.append(
                StatementEntry(
                    entry.on,
                    entry.kind,
                    entry.invoice_id,
                    entry.invoice_number,
                    entry.description,
                    entry.debit,
                    entry.credit,
                    running,
                )
            )
        paid, balance = _open_as_of(end)
        open_rows = session.execute(
            select(Invoice, func.coalesce(paid.c.amount, 0))
            .outerjoin(paid, paid.c.invoice_id == Invoice.id)
            .where(mine, Invoice.issued_on <= end, balance > 0)
            .order_by(Invoice.due_on, Invoice.year, Invoice.sequence)
        ).all()
        open_invoices = tuple(
            StatementInvoice(
                inv.id,
                inv.number,
                inv.issued_on,
                inv.due_on,
                inv.total,
                _money(paid_amount),
                inv.total - _money(paid_amount),
                days_overdue(InvoiceStatus.SENT, inv.total - _money(paid_amount), inv.due_on, end),
            )
            for inv, paid_amount in open_rows
        )
        # The ageing is of exactly these open invoices: summed here, not queried again.
        ageing = age((OpenItem(item.due_on, item.balance) for item in open_invoices), end)
        return Statement(
            customer_id=customer.id,
            customer_name=customer.display_name,
            customer_address=address_block(customer),
            customer_remote_id=customer.remote_id,
            start=start,
            end=end,
            opening_balance=opening,
            entries=tuple(entries),
            closing_balance=running,
            open_invoices=open_invoices,
            ageing=AgeingBuckets(*(ageing[bucket] for bucket in Bucket)),
        )
