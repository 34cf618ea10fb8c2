"""The demo inventory, on SQLite and PostgreSQL: a warehouse and a van per technician, a
few hundred priced parts with stock, reorder settings with some parts below their minimum
and two on order, stock reserved for the scheduled work orders' part lines, and every
cached stock level equal to the ledger."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from sqlalchemy import select

from tuffops_desktop.db.models import StockLevel, User, WorkOrder, WorkOrderItem
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.services import stock_ledger
from tuffops_desktop.services.demo import seed_demo
from tuffops_desktop.services.demo_inventory import WAREHOUSE, catalogue


def test_demo_inventory(services):
    seed_demo(services.ctx, customers=20, technicians=3)
    inv, control = services.inventory, services.stock_control

    locations = inv.locations()
    assert Counter(x.kind for x in locations) == {"warehouse": 1, "van": 3}
    with services.ctx.read() as s:
        technicians = dict(s.execute(select(User.id, User.full_name).where(User.role == Role.TECHNICIAN.value)).all())
    vans = {x.technician_id: x for x in locations if x.kind == "van"}
    assert {v.name for v in vans.values()} == {f"Van — {technicians[t]}" for t in vans}
    warehouse = next(x for x in locations if x.name == WAREHOUSE)

    parts = inv.parts()
    assert len(parts) == len(catalogue()) >= 250
    assert len({p.category for p in parts}) >= 12 and len({p.manufacturer for p in parts}) >= 30
    assert {p.unit for p in parts} >= {"each", "kg", "m", "l", "set"}
    assert all(p.cost is not None and p.price is not None and p.price > p.cost for p in parts)
    capacitor = next(p for p in parts if p.number == "CAP-DR-45/5")
    assert "45/5 µF" in capacitor.name and capacitor.category == "Capacitors"

    with services.ctx.read() as s:
        levels = s.scalars(select(StockLevel)).all()
        assert stock_ledger.disagreements(s) == []
    in_warehouse = [lv for lv in levels if lv.location_id == warehouse.id]
    assert len(in_warehouse) == len(parts) and all(lv.bin for lv in in_warehouse)
    assert all(any(lv.location_id == v.id and lv.on_hand > 0 for lv in levels) for v in vans.values())
    assert sum(lv.minimum is not None for lv in levels) > len(parts) // 2

    low = control.low_stock()
    assert {r.location_id for r in low} > {warehouse.id}  # the warehouse and some van
    assert len(low) >= 10
    orders = control.open_orders()
    assert len(orders) == 2 and all(o.location_id == warehouse.id for o in orders)

    # The soonest scheduled jobs have part lines, each line's quantity reserved where it is taken from.
    with services.ctx.read() as s:
        lines = s.execute(
            select(
                WorkOrder.id,
                WorkOrder.status,
                WorkOrderItem.part_id,
                WorkOrderItem.stock_location_id,
                WorkOrderItem.quantity,
            )
            .join(WorkOrderItem, WorkOrderItem.work_order_id == WorkOrder.id)
            .where(WorkOrderItem.part_id.is_not(None))
        ).all()
        wanted: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for order_id, status, part_id, location_id, quantity in lines:
            assert status == "pending"
            wanted[order_id][(part_id, location_id)] += quantity
        assert len(wanted) >= 10
        for order_id, needs in wanted.items():
            assert stock_ledger.reservations_of(s, order_id) == dict(needs)
    reserved_in_vans = {loc for needs in wanted.values() for _part, loc in needs if loc != warehouse.id}
    assert reserved_in_vans  # technicians' own vans carry most of what their jobs need
    card = services.work_order_items.items(next(iter(wanted)))
    assert any(line.part_number and line.reserved for line in card.lines)
