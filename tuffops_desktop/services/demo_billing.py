"""Demo billing for the year of history: every job finished before the last ten days is
invoiced a few days after its approval, and its customer pays as customers do.

Written in bulk (a few hundred invoices), with the facts ``InvoiceService`` would have
written: the invoice (next number of its year from ``document_counters``, bill-to and
unit label, lines snapshotting the work order's items, discount then tax via
``domain.invoices.invoice_totals``, due date from the customer's terms), the work order
billed (status, version and the history row naming the invoice), payments with
``invoices.paid`` and the status following the balance, voided payments kept with their
reason, a cancelled invoice reissued under a new number. One audit row per batch.

How customers pay (drawn per invoice): most in full within the terms, a good share
late, some in two parts, a few never (yet); now and then a cheque bounces (voided, paid
again by transfer) or an invoice is cancelled and reissued. Whatever would happen after
today has not happened yet, so the open balances fall in every ageing bucket.

``plan`` decides everything first; ``write`` stores a batch. ``demo_invoices`` interleaves
the batches with the invoices it issues through the services, so numbers follow the issue
dates.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import (
    Customer,
    DeviceModel,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    Payment,
    Unit,
    WorkOrder,
    WorkOrderHistory,
    WorkOrderItem,
)
from tuffops_desktop.domain.invoices import COUNTER_KIND, InvoiceStatus, LineInput, due_date, invoice_totals
from tuffops_desktop.domain.numbers import invoice_number
from tuffops_desktop.domain.units import friendly_label
from tuffops_desktop.domain.work_orders import WorkOrderStatus
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.invoices import address_block, next_number
from tuffops_desktop.services.settings import read_setting

OFFICE = "office"
UNBILLED_DAYS = 10  # work approved this recently is still waiting for "Issue invoice"
METHODS = ("bank_transfer", "bank_transfer", "card", "card", "cash", "cheque")
BOUNCED = "Cheque returned unpaid by the bank"
CANCELLED = "Wrong billing address; reissued"
ZERO = Decimal("0.00")


@dataclass
class _Pay:
    on: date
    amount: Decimal
    method: str
    voided_on: date | None = None


@dataclass
class Bill:
    """One invoice to write: its work order, issue date and what happens to it."""

    work_order_id: int
    issued_on: date
    at: datetime  # the issuing moment
    bills_order: bool  # the first invoice of its work order bills it
    share: tuple[str, ...] = ()  # payment story, decided when the amounts are known
    cancel_on: date | None = None
    payments: list[_Pay] = field(default_factory=list)


def plan(session: Session, rng: random.Random, today: date) -> list[Bill]:
    """The invoices of the completed, not yet invoiced work orders approved more than
    ``UNBILLED_DAYS`` ago, each issued 0–3 days after the approval; in issue order."""
    approved = (
        select(WorkOrder.id, WorkOrderHistory.at)
        .join(WorkOrderHistory, WorkOrderHistory.work_order_id == WorkOrder.id)
        .where(
            WorkOrder.status == WorkOrderStatus.COMPLETED.value,
            WorkOrder.quotation_id.is_(None),
            WorkOrderHistory.to_status == WorkOrderStatus.COMPLETED.value,
            WorkOrder.id.not_in(select(Invoice.work_order_id)),
            WorkOrder.id.in_(select(WorkOrderItem.work_order_id)),
        )
        .order_by(WorkOrderHistory.at, WorkOrder.id)
    )
    bills: list[Bill] = []
    last = today - timedelta(days=UNBILLED_DAYS)
    for order_id, done in session.execute(approved):
        local = done.astimezone()
        if local.date() > last:
            continue
        issued = local.date() + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
        at = max(datetime.combine(issued, time(10)).astimezone(), local + timedelta(minutes=30))
        bill = Bill(order_id, at.date(), at, True)
        roll = rng.random()
        if roll < 0.012:  # cancelled a few days later and issued again
            bill.cancel_on = min(today, bill.issued_on + timedelta(days=rng.randint(1, 4)))
            again = datetime.combine(bill.cancel_on, time(11)).astimezone()
            bills.append(Bill(order_id, again.date(), again, False, _story(rng)))
        else:
            bill.share = _story(rng)
        bills.append(bill)
    bills.sort(key=lambda b: (b.at, b.work_order_id))
    return bills


def _story(rng: random.Random) -> tuple[str, ...]:
    roll = rng.random()
    if roll < 0.60:
        return ("on_time",)
    if roll < 0.85:
        return ("late",)
    if roll < 0.94:
        return ("part", "rest")
    if roll < 0.97:
        return ("bounced",)
    return ("never",)


def write(session: Session, ctx: ServiceContext, rng: random.Random, bills: list[Bill], today: date) -> int:
    """Store ``bills`` (in issue order) with their lines, payments and the billing of their
    work orders; returns how many invoices were written."""
    if not bills:
        return 0
    ids = sorted({b.work_order_id for b in bills})
    orders = {
        row.id: row
        for row in session.execute(
            select(
                WorkOrder.id,
                WorkOrder.version,
                WorkOrder.status,
                Customer,
                Unit.location,
                Unit.serial_number,
                DeviceModel.name.label("model"),
            )
            .join(Customer, Customer.id == WorkOrder.customer_id)
            .join(Unit, Unit.id == WorkOrder.unit_id)
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .where(WorkOrder.id.in_(ids))
        )
    }
    items: dict[int, list[Any]] = {}
    item_columns = select(
        WorkOrderItem.work_order_id,
        WorkOrderItem.kind,
        WorkOrderItem.name,
        WorkOrderItem.unit,
        WorkOrderItem.quantity,
        WorkOrderItem.unit_price,
        WorkOrderItem.discount_rate,
    )
    for item in session.execute(
        item_columns.where(WorkOrderItem.work_order_id.in_(ids)).order_by(WorkOrderItem.position, WorkOrderItem.id)
    ):
        items.setdefault(item.work_order_id, []).append(item)
    sequences = _numbers(session, [b.issued_on.year for b in bills])
    rate = Decimal(read_setting(session, "default_tax_rate")).quantize(Decimal("0.01"))
    default_terms = int(read_setting(session, "default_payment_terms_days"))
    invoices: list[dict[str, Any]] = []
    lines: list[list[dict[str, Any]]] = []
    payments: list[list[dict[str, Any]]] = []
    for bill in bills:
        order = orders[bill.work_order_id]
        customer: Customer = order.Customer
        money = invoice_totals((LineInput(i.quantity, i.unit_price, i.discount_rate) for i in items[order.id]), rate)
        terms = customer.payment_terms_days if customer.payment_terms_days is not None else default_terms
        due = due_date(bill.issued_on, terms)
        _pay(rng, bill, money.total, due, today)
        sequence = next(sequences[bill.issued_on.year])
        paid = sum((p.amount for p in bill.payments if p.voided_on is None), ZERO)
        changes = [datetime.combine(p.on, time(15)).astimezone() for p in bill.payments]
        changes += [datetime.combine(p.voided_on, time(11)).astimezone() for p in bill.payments if p.voided_on]
        cancelled_at = datetime.combine(bill.cancel_on, time(9)).astimezone() if bill.cancel_on else None
        if cancelled_at is not None:
            changes.append(cancelled_at)
        status = (
            InvoiceStatus.CANCELLED
            if cancelled_at is not None
            else (InvoiceStatus.PAID if paid == money.total else InvoiceStatus.SENT)
        )
        invoices.append(
            {
                "number": invoice_number(bill.issued_on.year, sequence),
                "year": bill.issued_on.year,
                "sequence": sequence,
                "status": status.value,
                "work_order_id": order.id,
                "customer_id": customer.id,
                "bill_to_name": customer.display_name,
                "bill_to_address": address_block(customer),
                "unit_label": friendly_label(order.location, order.serial_number, order.model),
                "issued_on": bill.issued_on,
                "due_on": due,
                "payment_terms_days": terms,
                "tax_rate": rate,
                "subtotal": money.subtotal,
                "discount_total": money.discount,
                "net": money.net,
                "tax": money.tax,
                "total": money.total,
                "paid": paid,
                "cancelled_at": cancelled_at,
                "cancelled_by": OFFICE if cancelled_at else "",
                "cancel_reason": CANCELLED if cancelled_at else "",
                "created_at": bill.at,
                "created_by": OFFICE,
                "updated_at": max([bill.at, *changes]),
                "version": 1 + len(changes),
            }
        )
        lines.append(
            [
                {
                    "position": position,
                    "kind": item.kind,
                    "description": item.name,
                    "unit": item.unit,
                    "quantity": item.quantity,
                    "unit_price": item.unit_price,
                    "discount_rate": item.discount_rate,
                    "amount": amount.net,
                }
                for position, (item, amount) in enumerate(zip(items[order.id], money.lines, strict=True), start=1)
            ]
        )
        payments.append(
            [
                {
                    "paid_on": p.on,
                    "amount": p.amount,
                    "method": p.method,
                    "reference": f"{p.method[:3].upper()}-{rng.randint(1000, 9999)}",
                    "voided": p.voided_on is not None,
                    "void_reason": BOUNCED if p.voided_on else "",
                    "voided_at": datetime.combine(p.voided_on, time(11)).astimezone() if p.voided_on else None,
                    "voided_by": OFFICE if p.voided_on else "",
                    "created_at": datetime.combine(p.on, time(15)).astimezone(),
                    "created_by": OFFICE,
                }
                for p in bill.payments
            ]
        )
    insert = table_of(Invoice).insert().returning(table_of(Invoice).c.id, sort_by_parameter_order=True)
    invoice_ids = [row[0] for row in session.execute(insert, invoices)]
    session.execute(
        table_of(InvoiceLine).insert(),
        [{"invoice_id": iid, **line} for iid, rows in zip(invoice_ids, lines, strict=True) for line in rows],
    )
    paid_rows = [{"invoice_id": iid, **p} for iid, rows in zip(invoice_ids, payments, strict=True) for p in rows]
    if paid_rows:
        session.execute(table_of(Payment).insert(), paid_rows)
    _bill_orders(session, [(b, inv) for b, inv in zip(bills, invoices, strict=True) if b.bills_order], orders)
    audit.record(session, ctx, "database", "demo", "seed_invoices", {"invoices": [None, len(invoices)]})
    return len(invoices)


def _numbers(session: Session, years: list[int]) -> dict[int, Iterator[int]]:
    """The next invoice numbers of each year for ``years`` (one per invoice, in order):
    each year's counter moved on by as many at once (``next_number`` takes the first)."""
    wanted = Counter(years)
    counters = table_of(DocumentCounter)
    found: dict[int, Iterator[int]] = {}
    for year, count in wanted.items():
        first = next_number(session, COUNTER_KIND, year)
        if count > 1:
            session.execute(
                update(counters)
                .where(counters.c.kind == COUNTER_KIND, counters.c.year == year)
                .values(last=counters.c.last + (count - 1))
            )
        found[year] = iter(range(first, first + count))
    return found


def _pay(rng: random.Random, bill: Bill, total: Decimal, due: date, today: date) -> None:
    """The payments of ``bill`` that have happened by ``today``, by its story."""
    issued = bill.issued_on
    method = rng.choice(METHODS)
    planned: list[_Pay] = []
    if bill.cancel_on is not None:  # cancelled: nothing was paid on it
        return
    story = bill.share[0] if bill.share else "on_time"
    terms = max(1, (due - issued).days)
    if story == "on_time":
        planned.append(_Pay(issued + timedelta(days=rng.randint(2, terms)), total, method))
    elif story == "late":
        planned.append(_Pay(due + timedelta(days=rng.choice((3, 8, 15, 25, 40, 55, 75))), total, method))
    elif story == "part":
        part = (total * Decimal(rng.choice(("0.25", "0.4", "0.5")))).quantize(Decimal("0.01"))
        first = issued + timedelta(days=rng.randint(5, 35))
        planned.append(_Pay(first, part, method))
        planned.append(_Pay(first + timedelta(days=rng.randint(20, 90)), total - part, rng.choice(METHODS)))
    elif story == "bounced":
        bounced = issued + timedelta(days=rng.randint(5, 25))
        planned.append(_Pay(bounced, total, "cheque", voided_on=bounced + timedelta(days=rng.randint(3, 6))))
        planned.append(_Pay(bounced + timedelta(days=rng.randint(12, 40)), total, "bank_transfer"))
    for payment in planned:
        if payment.on > today:
            break
        if payment.voided_on is not None and payment.voided_on > today:
            payment.voided_on = None  # the bank has not returned it yet
        bill.payments.append(payment)


def _bill_orders(session: Session, billed: list[tuple[Bill, dict[str, Any]]], orders: dict[int, Any]) -> None:
    """Each first invoice bills its work order: status, version, and the history row."""
    if not billed:
        return
    session.execute(
        table_of(WorkOrderHistory).insert(),
        [
            {
                "work_order_id": bill.work_order_id,
                "at": bill.at,
                "by": OFFICE,
                "from_status": WorkOrderStatus.COMPLETED.value,
                "to_status": WorkOrderStatus.BILLED.value,
                "reason": f"Invoice {invoice['number']}",
            }
            for bill, invoice in billed
        ],
    )
    table = table_of(WorkOrder)
    session.connection().execute(
        update(table)
        .where(table.c.id == bindparam("wid"))
        .values(status=WorkOrderStatus.BILLED.value, version=bindparam("v"), updated_at=bindparam("at")),
        [
            {"wid": bill.work_order_id, "v": orders[bill.work_order_id].version + 1, "at": bill.at}
            for bill, _i in billed
        ],
    )
