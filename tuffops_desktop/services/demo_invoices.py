"""Demo invoices: the year's finished work billed and paid, and past repairs invoiced
through the services in every status, so the Invoices page, the receivables view, the
statements and the reports have data.

The year of history (``demo_history.py``) is billed in bulk by ``demo_billing.py``: every
job approved before the last ten days, with payments on time, late, in parts or not yet.
Besides, ``PAST_JOBS`` work orders of the last five months are done through the services
(created, assigned, started, items added, submitted, approved) and invoiced through
``InvoiceService`` (numbers, lines, billing, audit exactly as in use), each with the
clock set back to its day, so the invoices fall in every ageing bucket: current, 1–30,
31–60, 61–90 and 90+ days past due; some paid in full, some in part, one with a voided
payment, one cancelled. Both are written in order of their issue dates, so invoice
numbers follow the dates. The demo week's completed work orders, and the work approved in
the last ten days, are left for "Issue invoice".
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from tuffops_desktop.db.models import PriceListItem, Unit, User
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.services import demo_billing
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.invoices import InvoiceService
from tuffops_desktop.services.settings import SettingsService
from tuffops_desktop.services.work_order_items import WorkOrderItemService
from tuffops_desktop.services.work_orders import WorkOrderService

PAST_JOBS = 20

# (days ago issued, what happens): the invoice's story, in turn over the candidates.
SCENARIOS: tuple[tuple[int, str], ...] = (
    (3, "sent"),  # current
    (20, "paid"),
    (45, "partial"),  # 15 days past due
    (70, "sent"),  # 40 days past due
    (100, "partial"),  # 70 days past due
    (150, "sent"),  # 120 days past due
    (12, "cancelled"),
    (35, "voided"),  # paid in full, then the payment bounced: sent again, 5 days past due
    (8, "paid"),
    (60, "partial"),  # 30 days past due
)
METHODS = ("bank_transfer", "card", "cash", "cheque")


def _clock(ctx: ServiceContext, day: date, hour: int) -> ServiceContext:
    """``ctx`` with its clock at ``hour``:00 UTC of ``day``."""
    moment = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    return replace(ctx, clock=lambda: moment)


def _past_job(ctx: ServiceContext, rng: random.Random, unit_id: int, technician_id: int, entries: list[int]) -> int:
    """A repair done on ``ctx``'s day: created, worked, items added, approved; its id."""
    orders, items = WorkOrderService(ctx), WorkOrderItemService(ctx)
    order = orders.create(unit_id, "repair", rng.choice(_COMPLAINTS))
    order = orders.act(order.id, "assign", order.version, technician_id=technician_id)
    order = orders.act(order.id, "start", order.version)
    items.add(order.id, entries[0], rng.choice(("1", "1.5", "2", "3")))
    for entry in rng.sample(entries[1:], rng.randint(1, 3)):
        items.add(order.id, entry, rng.choice(("1", "1", "2", "0.5")))
    order = orders.get(order.id)
    order = orders.act(order.id, "submit", order.version)
    return orders.act(order.id, "approve", order.version).id


def add_demo_invoices(ctx: ServiceContext, *, seed: int = 2026) -> int:
    """Do and invoice ``PAST_JOBS`` past repairs (see the module); returns how many were issued."""
    rng = random.Random(seed + 11)
    SettingsService(ctx).update({"default_tax_rate": "17", "invoice_payment_instructions": _INSTRUCTIONS})
    with ctx.read() as session:
        units = list(session.scalars(select(Unit.id).where(Unit.customer_id.is_not(None)).order_by(Unit.id)))
        technicians = list(
            session.scalars(select(User.id).where(User.role == Role.TECHNICIAN.value, User.active).order_by(User.id))
        )
        labour = session.scalar(select(PriceListItem.id).where(PriceListItem.name == "Labour (per hour)"))
        others = list(
            session.scalars(
                select(PriceListItem.id)
                .where(PriceListItem.active, PriceListItem.id != labour)
                .order_by(PriceListItem.id)
            )
        )
    if not units or not technicians or labour is None or len(others) < 3:
        return 0
    today = ctx.today()
    stories = sorted(
        (today - timedelta(days=days_ago + rng.randint(0, 2)), story)
        for days_ago, story in (SCENARIOS[n % len(SCENARIOS)] for n in range(PAST_JOBS))
    )
    year_rng = random.Random(seed + 12)
    with ctx.read() as session:
        bills = demo_billing.plan(session, year_rng, today)
    issued = 0
    for issued_on, story in stories:
        batch = [b for b in bills if b.issued_on <= issued_on]
        bills = bills[len(batch) :]
        with ctx.write() as session:
            demo_billing.write(session, ctx, year_rng, batch, today)
        job = _past_job(
            _clock(ctx, issued_on - timedelta(days=1), 14),
            rng,
            rng.choice(units),
            rng.choice(technicians),
            [labour, *others],
        )
        then = InvoiceService(_clock(ctx, issued_on, 10))
        version = WorkOrderService(ctx).get(job).version
        invoice = then.issue(job, expected_version=version)
        issued += 1
        paid_on = min(today, issued_on + timedelta(days=rng.randint(2, 12)))
        later = InvoiceService(_clock(ctx, paid_on, 15))
        method = rng.choice(METHODS)
        reference = f"{method[:3].upper()}-{rng.randint(1000, 9999)}"
        if story == "paid":
            later.record_payment(invoice.id, invoice.total, paid_on, method, reference)
        elif story == "partial":
            part = (invoice.total * Decimal(rng.choice(("0.25", "0.4", "0.5")))).quantize(Decimal("0.01"))
            later.record_payment(invoice.id, part, paid_on, method, reference)
        elif story == "voided":
            paid = later.record_payment(invoice.id, invoice.total, paid_on, "cheque", f"CHQ {rng.randint(100, 999)}")
            later.void_payment(paid.payments[-1].id, "Cheque returned unpaid by the bank")
        elif story == "cancelled":
            later.cancel(invoice.id, "Billed to the wrong customer; reissue after checking", invoice.version)
    with ctx.write() as session:
        demo_billing.write(session, ctx, year_rng, bills, today)
    return issued


_COMPLAINTS = (
    "Not cooling, blowing warm air",
    "Water dripping from the indoor unit",
    "Loud rattling from the outdoor unit",
    "Unit trips the breaker",
    "Remote not responding, unit will not start",
)
_INSTRUCTIONS = "Pay by bank transfer to Caribe Cooling Services, account 0123-456789, quoting the invoice number."
