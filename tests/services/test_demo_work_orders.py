"""Demo technicians, working hours and work orders, on SQLite and PostgreSQL: every status on
the board this week, bookings inside working hours, histories that replay, approved work
moving the unit's dates; the bulk generator for benchmarks."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tuffops_desktop.db.models import Unit, User, WorkOrder, WorkOrderHistory
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.scheduling import within_working_hours
from tuffops_desktop.domain.work_orders import HistoryEntry, WorkOrderStatus, replay
from tuffops_desktop.services.demo import seed_demo
from tuffops_desktop.services.demo_work_orders import add_demo_work_orders


def histories(services) -> dict[int, list[HistoryEntry]]:
    found: dict[int, list[HistoryEntry]] = defaultdict(list)
    with services.ctx.read() as s:
        for h in s.scalars(select(WorkOrderHistory).order_by(WorkOrderHistory.work_order_id, WorkOrderHistory.id)):
            found[h.work_order_id].append(
                HistoryEntry(
                    h.at,
                    h.by,
                    WorkOrderStatus(h.from_status) if h.from_status else None,
                    WorkOrderStatus(h.to_status),
                    h.reason,
                )
            )
    return found


def orders(services) -> list[WorkOrder]:
    with services.ctx.read() as s:
        return list(s.scalars(select(WorkOrder).order_by(WorkOrder.id)))


def check_consistent(services) -> list[WorkOrder]:
    """Every work order's history replays to its status, in time order, never after now."""
    now = services.ctx.now()
    found = histories(services)
    all_orders = orders(services)
    for order in all_orders:
        steps = found[order.id]
        assert replay(steps).value == order.status, order.id
        assert [h.at for h in steps] == sorted(h.at for h in steps) and steps[-1].at <= now
        assert order.version == len(steps)
        if order.status == "paused":
            assert steps[-1].reason
    return all_orders


def test_the_demo_fills_this_weeks_board_with_every_status(services):
    result = seed_demo(services.ctx, customers=12)
    technicians = services.work_orders.technicians()
    assert len(technicians) == 6 and {t.username for t in technicians} <= set(result.passwords)
    hours = services.working_hours.get([t.id for t in technicians])
    assert len({hours[t.id] for t in technicians}) > 1  # not everyone works the same week
    all_orders = check_consistent(services)
    assert result.work_orders == len(all_orders)
    assert set(Counter(o.status for o in all_orders)) == {s.value for s in WorkOrderStatus}
    now = services.ctx.now().astimezone()
    monday = (now - timedelta(days=now.weekday())).date()
    by_id = {t.id: t for t in technicians}
    this_week = [o for o in all_orders if o.scheduled_start and o.scheduled_start.astimezone().date() >= monday]
    assert len(this_week) > 40
    for order in [o for o in all_orders if o.scheduled_start]:
        start = order.scheduled_start.astimezone().replace(tzinfo=None)
        assert order.technician_id in by_id
        assert within_working_hours(hours[order.technician_id], start, timedelta(hours=float(order.estimated_hours)))
    queue = [o for o in all_orders if o.status == "unassigned"]
    assert len(queue) >= 10 and all(o.technician_id is None and o.scheduled_start is None for o in queue)


def test_bulk_work_orders_for_benchmarks(services):
    seed_demo(services.ctx, customers=15, technicians=8)
    with services.ctx.read() as s:
        before = s.scalar(select(func.count()).select_from(WorkOrder))
        assert s.scalar(select(func.count()).select_from(User).where(User.role == "technician")) == 8
    assert add_demo_work_orders(services.ctx, 1500, seed=7) == 1500
    all_orders = check_consistent(services)
    assert len(all_orders) == before + 1500
    counts = Counter(o.status for o in all_orders)
    assert counts["billed"] > counts["completed"] > counts["cancelled"] > 0
    # Approved maintenance moved the unit's maintained_at to the day it was approved (the latest one).
    found = histories(services)
    approved: dict[int, object] = {}
    for o in all_orders:
        done = [h.at for h in found[o.id] if h.to_status is WorkOrderStatus.COMPLETED]
        if o.work_type == "maintenance" and done:
            approved[o.unit_id] = max(approved.get(o.unit_id, done[0].astimezone().date()), done[0].astimezone().date())
    assert approved
    with services.ctx.read() as s:
        stamped = dict(s.execute(select(Unit.id, Unit.maintained_at).where(Unit.id.in_(list(approved)))).all())
    assert stamped == approved
    with pytest.raises(ValidationError):
        add_demo_work_orders(services.ctx, 0)
