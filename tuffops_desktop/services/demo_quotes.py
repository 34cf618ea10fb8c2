"""Demo quotations: one in every default status, so the Quotes page has something to show.

Written through ``QuotationService`` and ``WorkOrderService`` (each step its own
transaction, as a person would do it), so the numbers, snapshots, audit rows and the
fulfilment rule are the real ones: drafts being priced, one ready for review, one sent,
one rejected, one cancelled, one accepted and waiting to be converted, one converted
whose installation is under way, and one converted whose work is done (fulfilled).
"""

from __future__ import annotations

import random

from sqlalchemy import func, select

from tuffops_desktop.db.models import Customer, PriceListItem, Unit
from tuffops_desktop.domain.quotations import QuotationInput
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.quotations import QuotationDetail
from tuffops_desktop.services.quotations import QuotationService
from tuffops_desktop.services.work_orders import WorkOrderService

# title, what the customer asked for, the lines per unit, the lines for the whole job
QUOTES: tuple[tuple[str, str, tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]], ...] = (
    (
        "Replace the office split units",
        "Old units are noisy and leak; replace before the hot season.",
        (("Installation, split unit up to 18,000 BTU", "1"), ("Copper line set 1/4 x 3/8", "15")),
        (("Removal and disposal of old unit", "1"), ("Labour (per hour)", "2")),
    ),
    (
        "Annual maintenance contract",
        "Quarterly visits for all units.",
        (("Preventive maintenance visit (split unit)", "4"),),
        (),
    ),
    ("Coil cleaning before the season", "", (("Coil cleaning, indoor and outdoor", "1"),), ()),
    (
        "Condensate pump for the lobby unit",
        "Water drips onto the reception desk.",
        (("Condensate pump", "1"),),
        (("Labour (per hour)", "1.5"),),
    ),
    (
        "Leak repair and recharge",
        "Not cooling, ice on the pipes.",
        (("Leak search with electronic detector", "1"), ("Refrigerant R-410A", "2.5")),
        (),
    ),
    (
        "Thermostat upgrade",
        "Wants programmable thermostats.",
        (("Thermostat, programmable", "1"),),
        (("Labour (per hour)", "1"),),
    ),
    ("Second-floor installation", "", (("Installation, split unit up to 18,000 BTU", "1"),), (("Call-out fee", "1"),)),
    ("Filter service", "", (("Air filter 16x25x1", "2"),), (("Call-out fee", "1"),)),
    (
        "Fan motor replacement",
        "Outdoor fan does not spin.",
        (("Condenser fan motor 1/4 HP", "1"),),
        (("Labour (per hour)", "2"),),
    ),
)
# what happens to each quotation above, in order
STEPS = (
    "fulfilled",
    "converted",
    "accepted",
    "submitted",
    "ready_to_review",
    "pending",
    "rejected",
    "cancelled",
    "pending",
)


def add_demo_quotes(ctx: ServiceContext, *, seed: int = 2026) -> int:
    """Add the demo quotations (for customers with two units or more); returns how many
    work orders their conversions made (the demo's work-order count includes them)."""
    rng = random.Random(seed + 11)
    quotes = QuotationService(ctx)
    work_orders = WorkOrderService(ctx)
    with ctx.read() as session:
        entries = {name: entry_id for entry_id, name in session.execute(select(PriceListItem.id, PriceListItem.name))}
        several = (
            select(Unit.customer_id)
            .where(Unit.customer_id.is_not(None), Unit.active.is_(True))
            .group_by(Unit.customer_id)
            .having(func.count() >= 2)
        )
        customer_ids = list(
            session.scalars(
                select(Customer.id)
                .where(Customer.id.in_(several), Customer.emails != "")
                .order_by(Customer.id)
                .limit(40)
            )
        )
        units = {
            cid: list(
                session.scalars(
                    select(Unit.id).where(Unit.customer_id == cid, Unit.active.is_(True)).order_by(Unit.id).limit(2)
                )
            )
            for cid in customer_ids
        }
    if not customer_ids or not entries:
        return 0
    technicians = work_orders.technicians()
    orders = 0
    for (title, asked, per_unit, whole), step in zip(QUOTES, STEPS, strict=True):
        customer_id = rng.choice(customer_ids)
        unit_ids = units[customer_id][: 2 if per_unit and step in ("fulfilled", "converted", "accepted") else 1]
        q = quotes.create(QuotationInput(title=title, customer_id=customer_id, customer_requests=asked))
        for unit_id in unit_ids:
            q = quotes.add_unit(q.id, unit_id)
            for name, quantity in per_unit:
                if name in entries:
                    q = quotes.add_line(q.id, entries[name], quantity, unit_id)
        for name, quantity in whole:
            if name in entries:
                q = quotes.add_line(q.id, entries[name], quantity)
        q = _advance(quotes, work_orders, q, step, technicians[0].id if technicians else None)
        orders += len(q.work_orders)
    return orders


def _advance(
    quotes: QuotationService, work_orders: WorkOrderService, q: QuotationDetail, step: str, technician_id: int | None
) -> QuotationDetail:
    if step == "pending":
        return q
    if step == "ready_to_review":
        return quotes.act(q.id, "move", q.version, status="ready_to_review")
    if step == "cancelled":
        return quotes.act(q.id, "cancel", q.version)
    q = quotes.act(q.id, "send", q.version)
    if step == "submitted":
        return q
    if step == "rejected":
        return quotes.act(q.id, "reject", q.version)
    q = quotes.act(q.id, "accept", q.version)
    if step == "accepted":
        return q
    q = quotes.convert(q.id, q.version, "installation")
    if technician_id is None:
        return q
    # converted: the installation is under way; fulfilled: the work is done
    moves = ("start",) if step == "converted" else ("start", "submit", "approve")
    for order in q.work_orders:
        detail = work_orders.get(order.id)
        detail = work_orders.act(detail.id, "assign", detail.version, technician_id=technician_id)
        for move in moves:
            detail = work_orders.act(detail.id, move, detail.version)
    return quotes.get(q.id)
