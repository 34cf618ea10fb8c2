"""The demo price list and the items on the demo week's work orders, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections import Counter

from sqlalchemy import func, select

from tuffops_desktop.db.models import PriceListItem, WorkOrder, WorkOrderItem
from tuffops_desktop.domain.pricing import ItemKind
from tuffops_desktop.services.demo import seed_demo
from tuffops_desktop.services.demo_items import WORKED_ON
from tuffops_desktop.services.demo_work_orders import add_demo_work_orders
from tuffops_desktop.services.listing import ListQuery


def test_demo_has_a_price_list_and_items_on_the_work_done(services):
    seed_demo(services.ctx, customers=20, technicians=3)
    entries = services.price_list.search()
    assert len(entries) >= 30
    assert Counter(e.kind for e in entries).keys() == {ItemKind.SERVICE.value, ItemKind.MATERIAL.value}
    with services.ctx.read() as s:
        lines = s.execute(  # price-list lines (the inventory demo puts part lines on scheduled work)
            select(WorkOrder.status, WorkOrderItem.name).join(WorkOrder).where(WorkOrderItem.part_id.is_(None))
        ).all()
    assert lines and {status for status, _name in lines} <= {s.value for s in WORKED_ON}
    assert "Labour (per hour)" in {name for _status, name in lines}
    order_id = next(iter(services.work_orders.list_ids(ListQuery())))
    card = services.work_order_items.items(order_id)  # readable through the service
    assert card.pricing and (card.total is not None)
    worked = [
        i for i in services.work_orders.list_ids(ListQuery()) if services.work_orders.get(i).status == "completed"
    ]
    card = services.work_order_items.items(worked[0])
    assert card.lines and card.total and card.total > 0


def test_the_benchmark_path_adds_no_items(services):
    seed_demo(services.ctx, customers=5, technicians=2)
    with services.ctx.read() as s:
        before = s.scalar(select(func.count()).select_from(WorkOrderItem))
        entries = s.scalar(select(func.count()).select_from(PriceListItem))
    started = time.perf_counter()
    add_demo_work_orders(services.ctx, 2000)
    elapsed = time.perf_counter() - started
    with services.ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(WorkOrderItem)) == before
        assert s.scalar(select(func.count()).select_from(PriceListItem)) == entries
    assert elapsed < 30
