"""Migration 0005 keeps every existing work order, its number, and gives it a history."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from tests.factories import make_customer, make_unit
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.migrate import alembic_config, upgrade
from tuffops_desktop.domain.work_orders import HistoryEntry, WorkOrderStatus, replay


def _downgrade(engine, revision: str) -> None:
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def test_work_orders_from_before_0005_keep_their_numbers_and_get_a_history(db_url):
    db = open_database(db_url)
    services = system_services(db)
    unit = make_unit(services, customer_id=make_customer(services).id)
    tom = services.users.add("tom", "longenough", "technician")
    first = services.work_orders.create(unit.id, "repair", "Leak")
    second = services.work_orders.create(unit.id, "service", "Noise")
    services.work_orders.act(second.id, "assign", second.version, technician_id=tom.id)
    _downgrade(db.engine, "0004_change_log")  # the minimal table of before, with both rows in it
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT id, status FROM work_orders ORDER BY id")).all() == [
            (first.id, "unassigned"), (second.id, "pending")]
    upgrade(db.engine)
    after = [services.work_orders.get(first.id), services.work_orders.get(second.id)]
    assert [o.number for o in after] == [first.number, second.number]
    assert [o.customer_requests for o in after] == ["Leak", "Noise"]
    for order in after:
        history = [HistoryEntry(h.at, h.by, WorkOrderStatus(h.from_status) if h.from_status else None,
                                WorkOrderStatus(h.to_status), h.reason) for h in order.history]
        assert replay(history) is WorkOrderStatus(order.status)
    assert str(after[0].estimated_hours) == "2.0"
    db.engine.dispose()
