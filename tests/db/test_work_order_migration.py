"""Migration 0005 keeps every existing work order, its number, and gives it a history."""

from __future__ import annotations

from datetime import date, timedelta

from alembic import command
from sqlalchemy import text

from tests.factories import make_customer, make_unit
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.migrate import migrate, upgrade
from tuffops_desktop.domain.work_orders import HistoryEntry, WorkOrderStatus, replay
from tuffops_desktop.services.listing import ListQuery


def _downgrade(engine, revision: str) -> None:
    migrate(engine, lambda cfg: command.downgrade(cfg, revision))


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
            (first.id, "unassigned"),
            (second.id, "pending"),
        ]
    upgrade(db.engine)
    after = [services.work_orders.get(first.id), services.work_orders.get(second.id)]
    assert [o.number for o in after] == [first.number, second.number]
    assert [o.customer_requests for o in after] == ["Leak", "Noise"]
    for order in after:
        history = [
            HistoryEntry(
                h.at,
                h.by,
                WorkOrderStatus(h.from_status) if h.from_status else None,
                WorkOrderStatus(h.to_status),
                h.reason,
            )
            for h in order.history
        ]
        assert replay(history) is WorkOrderStatus(order.status)
    assert str(after[0].estimated_hours) == "2.0"
    db.engine.dispose()


def test_an_sqlite_database_with_converted_requests_upgrades(tmp_path):
    """SQLite rebuilds work_orders to add its foreign key; requests point at its rows.
    The rebuild must not trip over those references, and nothing may be lost."""
    from tuffops_desktop.db.engine import make_engine
    from tuffops_desktop.domain.requests import RequestInput

    url = f"sqlite:///{(tmp_path / 'old.sqlite3').as_posix()}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    db = open_database(url, migrate=False)
    services = system_services(db)
    # customer, unit and request through today's models, then back to 0004 (the models
    # of today do not fit the 0004 tables: later migrations add columns)
    unit = make_unit(services, customer_id=make_customer(services).id)
    when = date.today() + timedelta(days=2)
    request_id = services.requests.submit_office(unit.id, RequestInput("Leak", when, "Morning", "me")).id
    _downgrade(db.engine, "0004_change_log")
    with db.engine.begin() as conn:  # what the 0004 app wrote when a request was converted
        conn.execute(
            text(
                "INSERT INTO work_orders (unit_id, customer_id, request_id, work_type, status, "
                "customer_requests, created_at, created_by, version) VALUES (:u, NULL, :r, 'repair', "
                "'unassigned', 'Leak', CURRENT_TIMESTAMP, 'office', 1)"
            ),
            {"u": unit.id, "r": request_id},
        )
        conn.execute(
            text(
                "UPDATE customer_requests SET work_order_id = (SELECT max(id) FROM work_orders), "
                "status = 'closed' WHERE id = :r"
            ),
            {"r": request_id},
        )
    upgrade(db.engine)
    (order_id,) = services.work_orders.list_ids(ListQuery())
    assert services.requests.get(request_id).work_order_id == order_id
    assert len(services.work_orders.get(order_id).history) == 1
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # switched back on
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    db.engine.dispose()
