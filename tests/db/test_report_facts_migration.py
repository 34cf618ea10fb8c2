"""Migration 0017's facts for the reports: a work order's ``completed_at`` and, on each move
away from ``ongoing``, ``ongoing_since``. Kept by a trigger as the services write history,
and filled in for the history written before the migration — the same values both ways."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select

from tests.factories import make_customer, make_unit
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.migrate import migrate, upgrade
from tuffops_desktop.db.models import WorkOrder, WorkOrderHistory


def _walk(services, unit_id: int, technician_id: int, steps: list[tuple[str, str]]) -> int:  # noqa: ANN001
    order = services.work_orders.create(unit_id, "repair", "Leak")
    order = services.work_orders.act(order.id, "assign", order.version, technician_id=technician_id)
    for action, reason in steps:
        order = services.work_orders.act(order.id, action, order.version, reason=reason)
    return order.id


def _facts(db) -> tuple[dict[int, object], list[tuple[int, int, object]]]:  # noqa: ANN001
    with db.engine.connect() as conn:
        completed = dict(conn.execute(select(WorkOrder.id, WorkOrder.completed_at)).all())
        since = [
            tuple(row)
            for row in conn.execute(
                select(WorkOrderHistory.work_order_id, WorkOrderHistory.id, WorkOrderHistory.ongoing_since).order_by(
                    WorkOrderHistory.id
                )
            )
        ]
    return completed, since


def _expected(db) -> tuple[dict[int, object], list[tuple[int, int, object]]]:  # noqa: ANN001
    """The facts as the history says them: the approval's time; a stretch's previous row."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(
                WorkOrderHistory.work_order_id,
                WorkOrderHistory.id,
                WorkOrderHistory.at,
                WorkOrderHistory.from_status,
                WorkOrderHistory.to_status,
            ).order_by(WorkOrderHistory.id)
        ).all()
        orders = conn.execute(select(WorkOrder.id)).scalars().all()
    completed: dict[int, object] = dict.fromkeys(orders)
    since, started = [], {}
    for order_id, row_id, at, from_status, to_status in rows:
        since.append((order_id, row_id, started.get(order_id) if from_status == "ongoing" else None))
        if to_status == "ongoing":
            started[order_id] = at
        if to_status == "completed":
            completed[order_id] = at
    return completed, since


def test_the_facts_are_kept_as_work_orders_move_and_filled_in_for_older_history(db_url):
    db = open_database(db_url)
    services = system_services(db)
    unit = make_unit(services, customer_id=make_customer(services).id)
    tom = services.users.add("tom", "longenough", "technician")
    approved = _walk(
        services,
        unit.id,
        tom.id,
        [("start", ""), ("pause", "awaiting_parts"), ("resume", ""), ("submit", ""), ("approve", "")],
    )
    sent_back = _walk(services, unit.id, tom.id, [("start", ""), ("submit", ""), ("send_back", ""), ("submit", "")])
    on_site = _walk(services, unit.id, tom.id, [("start", "")])
    cancelled = _walk(services, unit.id, tom.id, [("start", ""), ("pause", "weather"), ("cancel", "")])

    completed, since = _facts(db)
    assert (completed, since) == _expected(db)
    assert completed[approved] is not None
    assert completed[sent_back] is completed[on_site] is completed[cancelled] is None
    assert sum(1 for _o, _r, s in since if s is not None) == 5  # approved 2, sent back 2, cancelled 1

    # before 0017 the columns did not exist: the upgrade fills them in from the history
    migrate(db.engine, lambda cfg: command.downgrade(cfg, "0016_transfer_group_index"))
    upgrade(db.engine)
    assert _facts(db) == (completed, since)  # the backfill gives what the trigger gave

    db.engine.dispose()
