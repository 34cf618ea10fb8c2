"""Demo price list (an HVAC shop's labour, fees, parts and refrigerant) and the items on
the demo week's work orders.

Items go on the work orders that have been worked on (ongoing, paused, waiting for
approval, completed, billed): a call-out or labour line, and a few parts, each with the
snapshot a real line has (name, kind, unit, price and the customer's discount). Written
with two bulk inserts; the benchmark path (``tuffops demo --work-orders N``) adds none.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import Customer, PriceListItem, WorkOrder, WorkOrderItem
from tuffops_desktop.domain.pricing import ItemKind, UnitOfMeasure
from tuffops_desktop.domain.work_orders import WorkOrderStatus
from tuffops_desktop.services.context import ServiceContext

SERVICE, MATERIAL = ItemKind.SERVICE, ItemKind.MATERIAL
U = UnitOfMeasure
D = Decimal

# name, kind, unit, price, cost
PRICE_LIST: tuple[tuple[str, ItemKind, UnitOfMeasure, Decimal, Decimal | None], ...] = (
    ("Labour (per hour)", SERVICE, U.HOUR, D("65.00"), D("32.00")),
    ("Labour, after hours (per hour)", SERVICE, U.HOUR, D("97.50"), D("48.00")),
    ("Call-out fee", SERVICE, U.VISIT, D("45.00"), None),
    ("Emergency call-out fee", SERVICE, U.VISIT, D("120.00"), None),
    ("Preventive maintenance visit (split unit)", SERVICE, U.VISIT, D("85.00"), D("35.00")),
    ("Coil cleaning, indoor and outdoor", SERVICE, U.EACH, D("70.00"), D("20.00")),
    ("Leak search with electronic detector", SERVICE, U.EACH, D("95.00"), D("30.00")),
    ("Nitrogen pressure test", SERVICE, U.EACH, D("60.00"), D("18.00")),
    ("Vacuum and evacuation", SERVICE, U.EACH, D("55.00"), D("12.00")),
    ("Installation, split unit up to 18,000 BTU", SERVICE, U.EACH, D("450.00"), D("180.00")),
    ("Removal and disposal of old unit", SERVICE, U.EACH, D("80.00"), D("25.00")),
    ("Refrigerant recovery", SERVICE, U.EACH, D("75.00"), D("20.00")),
    ("Refrigerant R-410A", MATERIAL, U.KILOGRAM, D("38.50"), D("19.00")),
    ("Refrigerant R-32", MATERIAL, U.KILOGRAM, D("34.00"), D("16.50")),
    ("Refrigerant R-22 (reclaimed)", MATERIAL, U.KILOGRAM, D("92.00"), D("60.00")),
    ("Air filter 16x25x1", MATERIAL, U.EACH, D("12.99"), D("4.20")),
    ("Air filter 20x20x1", MATERIAL, U.EACH, D("13.99"), D("4.60")),
    ("Washable mesh filter (split unit)", MATERIAL, U.EACH, D("9.50"), D("2.80")),
    ("Run capacitor 35/5 µF", MATERIAL, U.EACH, D("28.00"), D("8.50")),
    ("Run capacitor 45/5 µF", MATERIAL, U.EACH, D("31.00"), D("9.40")),
    ("Start capacitor 88-108 µF", MATERIAL, U.EACH, D("26.00"), D("7.90")),
    ("Contactor 30 A, 2-pole", MATERIAL, U.EACH, D("34.00"), D("11.00")),
    ("Condenser fan motor 1/4 HP", MATERIAL, U.EACH, D("165.00"), D("78.00")),
    ("Indoor blower motor (split unit)", MATERIAL, U.EACH, D("145.00"), D("66.00")),
    ("Thermostat, programmable", MATERIAL, U.EACH, D("89.00"), D("38.00")),
    ("Copper line set 1/4 x 3/8", MATERIAL, U.FOOT, D("6.50"), D("2.90")),
    ("Copper pipe 3/8 in", MATERIAL, U.METRE, D("14.00"), D("6.10")),
    ("Condensate drain hose 16 mm", MATERIAL, U.METRE, D("3.20"), D("0.90")),
    ("Condensate pump", MATERIAL, U.EACH, D("78.00"), D("34.00")),
    ("Coil cleaner, foaming", MATERIAL, U.LITRE, D("11.50"), D("4.00")),
    ("Wall bracket for outdoor unit", MATERIAL, U.SET, D("42.00"), D("15.00")),
    ("Armaflex insulation 3/8 in", MATERIAL, U.METRE, D("4.80"), D("1.70")),
)

WORKED_ON = (
    WorkOrderStatus.ONGOING,
    WorkOrderStatus.PAUSED,
    WorkOrderStatus.WAITING_APPROVAL,
    WorkOrderStatus.COMPLETED,
    WorkOrderStatus.BILLED,
)
# What a typical job uses besides labour: parts with plausible quantities.
PARTS: tuple[tuple[str, tuple[Decimal, ...]], ...] = (
    ("Refrigerant R-410A", (D("0.5"), D("0.75"), D("1.2"), D("2"))),
    ("Refrigerant R-32", (D("0.4"), D("0.8"), D("1.5"))),
    ("Air filter 16x25x1", (D("1"), D("2"))),
    ("Washable mesh filter (split unit)", (D("2"),)),
    ("Run capacitor 35/5 µF", (D("1"),)),
    ("Contactor 30 A, 2-pole", (D("1"),)),
    ("Condensate drain hose 16 mm", (D("1.5"), D("3"), D("4.25"))),
    ("Coil cleaner, foaming", (D("0.5"), D("1"))),
    ("Copper line set 1/4 x 3/8", (D("10"), D("15"), D("25"))),
)


def seed_price_list(session: Session, ctx: ServiceContext) -> int:
    """Add the demo price list (entries already there by name are kept as they are)."""
    now = ctx.now()
    existing = set(session.scalars(select(PriceListItem.name)))
    rows = [
        {
            "kind": kind.value,
            "name": name,
            "unit": unit.value,
            "price": price,
            "cost": cost,
            "active": True,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for name, kind, unit, price, cost in PRICE_LIST
        if name not in existing
    ]
    if rows:
        session.execute(table_of(PriceListItem).insert(), rows)
    return len(rows)


def add_demo_items(session: Session, ctx: ServiceContext, rng: random.Random) -> int:
    """Items on every work order that has been worked on and has none yet; returns the line count."""
    entries = {e.name: e for e in session.scalars(select(PriceListItem).where(PriceListItem.active.is_(True)))}
    if not entries:
        return 0
    discounts = {cid: rate for cid, rate in session.execute(select(Customer.id, Customer.discount_rate))}
    has_items = select(WorkOrderItem.work_order_id)
    orders = session.execute(
        select(WorkOrder.id, WorkOrder.customer_id, WorkOrder.created_by, WorkOrder.updated_at)
        .where(WorkOrder.status.in_([s.value for s in WORKED_ON]), WorkOrder.id.not_in(has_items))
        .order_by(WorkOrder.id)
    ).all()
    rows: list[dict[str, Any]] = []
    for order_id, customer_id, created_by, at in orders:
        picks: list[tuple[str, Decimal]] = [
            ("Call-out fee", D("1")),
            ("Labour (per hour)", rng.choice((D("1"), D("1.5"), D("2"), D("2.5"), D("3")))),
        ]
        for name, quantities in rng.sample(PARTS, rng.randint(0, 3)):
            picks.append((name, rng.choice(quantities)))
        for position, (name, quantity) in enumerate(picks, start=1):
            entry = entries.get(name)
            if entry is None:
                continue
            rows.append(
                {
                    "work_order_id": order_id,
                    "price_list_item_id": entry.id,
                    "kind": entry.kind,
                    "name": entry.name,
                    "unit": entry.unit,
                    "unit_price": entry.price,
                    "quantity": quantity,
                    "discount_rate": discounts.get(customer_id) if customer_id else None,
                    "position": position,
                    "created_at": at,
                    "created_by": created_by,
                    "updated_at": at,
                    "version": 1,
                }
            )
    if rows:
        session.execute(table_of(WorkOrderItem).insert(), rows)
    return len(rows)
