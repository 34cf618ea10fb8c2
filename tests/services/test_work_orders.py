"""Work orders through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.factories import as_role, make_customer, make_unit
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.models import AuditEntry, ChangeLogEntry
from tuffops_desktop.domain.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.domain.work_orders import HistoryEntry, WorkOrderStatus, replay
from tuffops_desktop.services.listing import Between, Flag, ListQuery, Ref, any_of
from tuffops_desktop.services.work_orders import WorkOrderChanged


@pytest.fixture
def shop(services):
    """A customer with a 24 h service level, two units, an office user and two technicians."""
    customer = make_customer(services, default_sla_hours="24")
    unit = make_unit(services, customer_id=customer.id)
    stock = make_unit(services, serial_number="STOCK-1")
    tom = services.users.add("tom", "longenough", "technician")
    bob = services.users.add("bob", "longenough", "technician")
    services.users.add("olga", "longenough", "office")
    return {
        "customer": customer,
        "unit": unit,
        "stock": stock,
        "tom": tom,
        "bob": bob,
        "office": as_role(services, Role.OFFICE, "olga"),
        "as_tom": as_role(services, Role.TECHNICIAN, "tom", tom.id),
        "as_bob": as_role(services, Role.TECHNICIAN, "bob", bob.id),
    }


def test_a_new_work_order_is_unassigned_due_by_the_service_level(services, shop):
    order = shop["office"].work_orders.create(
        shop["unit"].id, "repair", "Dripping", time_window="morning", estimated_hours="1.5"
    )
    assert order.number == f"WO-{order.id:06d}" and order.status == "unassigned"
    assert abs(order.due_at - (datetime.now(UTC) + timedelta(hours=24))) < timedelta(minutes=5)
    assert (order.time_window, str(order.estimated_hours), order.created_by) == ("Morning", "1.5", "olga")
    assert [(h.from_status, h.to_status, h.by) for h in order.history] == [(None, "unassigned", "olga")]
    assert order.actions == ("assign", "cancel")
    with services.ctx.read() as s:
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.entity == "work_order")) == "create"


def test_bad_input_is_refused_and_nothing_stored(shop):
    office = shop["office"].work_orders
    for kwargs, field in (
        ({"work_type": "magic"}, "work_type"),
        ({"estimated_hours": "1.2"}, "estimated_hours"),
        ({"time_window": "midnight"}, "time_window"),
        ({"customer_requests": "x" * 2001}, "customer_requests"),
    ):
        with pytest.raises(ValidationError) as info:
            office.create(shop["unit"].id, **kwargs)
        assert field in info.value.field_errors
    assert office.list_ids(ListQuery()) == []


def test_a_converted_request_keeps_its_text_and_window_and_has_history(services, shop):
    req = services.requests.submit_office(
        shop["unit"].id,
        RequestInput("Loud rattle " * 150, (date.today() + timedelta(days=1)).isoformat(), "Afternoon", "Ann"),
    )
    info = services.requests.convert(req.id, "repair")
    order = services.work_orders.get(info.id)
    assert order.customer_requests == ("Loud rattle " * 150).strip()  # nothing cut off (1,800 characters)
    assert (order.request_id, order.time_window, order.status) == (req.id, "Afternoon", "unassigned")
    assert len(order.history) == 1


def test_the_whole_lifecycle_by_the_people_allowed(services, shop):
    office, tom = shop["office"].work_orders, shop["as_tom"].work_orders
    order = office.create(shop["unit"].id, "maintenance", "Yearly service")
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    order = office.act(order.id, "assign", order.version, technician_id=shop["tom"].id, scheduled_start=start)
    assert (order.status, order.technician, order.scheduled_start) == ("pending", "tom", start)
    assert tom.get(order.id).actions == ("start",)
    order = tom.act(order.id, "start", order.version)
    with pytest.raises(ValidationError, match="why"):
        tom.act(order.id, "pause", order.version)
    order = tom.act(order.id, "pause", order.version, reason="awaiting_parts")
    order = tom.act(order.id, "resume", order.version)
    order = tom.act(order.id, "submit", order.version)
    with pytest.raises(InvalidTransition, match="Only a supervisor"):
        tom.act(order.id, "approve", order.version)
    order = office.act(order.id, "approve", order.version)
    assert order.status == "completed" and order.actions == ("bill",)
    assert services.units.get(shop["unit"].id).maintained_at == date.today()  # maintenance moves maintained_at
    order = office.act(order.id, "bill", order.version)
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
    assert replay(history) is WorkOrderStatus.BILLED
    assert [h.by for h in order.history] == ["olga", "olga", "tom", "tom", "tom", "tom", "olga", "olga"]
    assert order.history[3].reason == "awaiting_parts"
    assert order.time_on_site >= timedelta()
    with pytest.raises(InvalidTransition, match="billed"):
        office.act(order.id, "cancel", order.version)


def test_technicians_see_and_move_only_their_own(shop):
    office, tom, bob = shop["office"].work_orders, shop["as_tom"].work_orders, shop["as_bob"].work_orders
    mine = office.create(shop["unit"].id)
    mine = office.act(mine.id, "assign", mine.version, technician_id=shop["tom"].id)
    other = office.create(shop["unit"].id)
    assert tom.list_ids(ListQuery()) == [mine.id]
    assert bob.list_ids(ListQuery()) == []
    with pytest.raises(NotFound):
        bob.get(mine.id)
    with pytest.raises(NotFound):
        bob.act(mine.id, "start", mine.version)
    with pytest.raises(InvalidTransition, match="dispatcher or supervisor"):
        tom.act(mine.id, "reassign", mine.version, technician_id=shop["bob"].id)
    assert sorted(office.list_ids(ListQuery())) == sorted([mine.id, other.id])


def test_a_stock_unit_needs_a_customer_before_assignment(shop):
    office = shop["office"].work_orders
    order = office.create(shop["stock"].id)
    with pytest.raises(InvalidTransition, match="no customer"):
        office.act(order.id, "assign", order.version, technician_id=shop["tom"].id)
    assert office.get(order.id).status == "unassigned"


def test_only_technicians_can_be_assigned(services, shop):
    office = shop["office"].work_orders
    order = office.create(shop["unit"].id)
    olga = next(u for u in services.users.list() if u.username == "olga")
    with pytest.raises(ValidationError, match="cannot work on work orders"):
        office.act(order.id, "assign", order.version, technician_id=olga.id)
    assert [t.username for t in office.technicians()] == ["bob", "tom"]


def test_cancel_from_unassigned_and_read_only_users_cannot_act(services, shop):
    order = shop["office"].work_orders.create(shop["unit"].id)
    with pytest.raises(PermissionDenied):
        as_role(services, Role.READ_ONLY).work_orders.act(order.id, "cancel", order.version)
    assert shop["office"].work_orders.act(order.id, "cancel", order.version).status == "cancelled"


def test_a_stale_version_is_refused_saying_who_changed_it(shop):
    office = shop["office"].work_orders
    order = office.create(shop["unit"].id)
    office.act(order.id, "assign", order.version, technician_id=shop["tom"].id)
    with pytest.raises(WorkOrderChanged, match=r"just changed by olga: it is now pending, assigned to tom"):
        office.act(order.id, "cancel", order.version)


def test_two_dispatchers_assigning_at_once_one_wins_the_other_is_told(db_url):
    db = open_database(db_url)
    services = system_services(db)
    unit = make_unit(services, customer_id=make_customer(services).id)
    tom = services.users.add("tom", "longenough", "technician")
    bob = services.users.add("bob", "longenough", "technician")
    order = services.work_orders.create(unit.id)
    dispatchers = {
        "sue": (as_role(services, Role.OFFICE, "sue"), tom.id),
        "dan": (as_role(services, Role.OFFICE, "dan"), bob.id),
    }
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def assign(name: str) -> None:
        who, technician = dispatchers[name]
        barrier.wait()
        try:
            outcome[name] = who.work_orders.act(order.id, "assign", order.version, technician_id=technician)
        except WorkOrderChanged as exc:
            outcome[name] = exc

    threads = [threading.Thread(target=assign, args=(name,)) for name in dispatchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    refused = [name for name, result in outcome.items() if isinstance(result, WorkOrderChanged)]
    assert len(refused) == 1, outcome
    winner = next(name for name in dispatchers if name not in refused)
    message = str(outcome[refused[0]])
    assert f"changed by {winner}" in message and ("tom" if winner == "sue" else "bob") in message
    final = services.work_orders.get(order.id)
    assert final.status == "pending" and len(final.history) == 2
    db.engine.dispose()


def test_filters_search_and_sort_in_sql(services, shop):
    office = shop["office"].work_orders
    a = office.create(shop["unit"].id, "repair", "Compressor noise")
    b = office.create(shop["unit"].id, "maintenance", "Filter change")
    b = office.act(
        b.id, "assign", b.version, technician_id=shop["bob"].id, scheduled_start=datetime.now(UTC) + timedelta(days=2)
    )
    c = office.create(shop["stock"].id, "installation", "New unit")
    assert office.list_ids(ListQuery(filters={"status": any_of("pending")})) == [b.id]
    assert office.list_ids(ListQuery(filters={"type": any_of("repair", "installation")}, sort="number")) == [a.id, c.id]
    assert office.list_ids(ListQuery(filters={"technician": Ref(shop["bob"].id)})) == [b.id]
    assert office.list_ids(ListQuery(filters={"technician": Ref(None)}, sort="number")) == [a.id, c.id]
    assert office.list_ids(ListQuery(filters={"customer": Ref(shop["customer"].id)}, sort="number")) == [a.id, b.id]
    tomorrow = date.today() + timedelta(days=1)
    assert office.list_ids(ListQuery(filters={"due": Between(end=tomorrow)}, sort="number")) == [a.id, b.id]
    assert office.list_ids(ListQuery(filters={"scheduled": Between(start=tomorrow)})) == [b.id]
    assert office.list_ids(ListQuery(filters={"overdue": Flag(True)})) == []
    assert office.list_ids(ListQuery(text="compressor")) == [a.id]
    assert office.list_ids(ListQuery(text="bob")) == [b.id]
    assert office.list_ids(ListQuery(sort="number", descending=True)) == [c.id, b.id, a.id]
    rows = office.rows([c.id, a.id])
    assert [r.number for r in rows] == [c.number, a.number] and rows[1].customer_name
    with pytest.raises(ValidationError):
        office.list_ids(ListQuery(filters={"status": any_of("lost")}))


def test_overdue_is_open_work_past_its_due_time(services, shop):
    later = as_role(services, Role.OFFICE, "olga")
    order = later.work_orders.create(shop["unit"].id)
    future = replace_clock(services, timedelta(days=2))
    assert future.work_orders.list_ids(ListQuery(filters={"overdue": Flag(True)})) == [order.id]
    assert future.work_orders.rows([order.id])[0].overdue
    future.work_orders.act(order.id, "cancel", order.version)
    assert future.work_orders.list_ids(ListQuery(filters={"overdue": Flag(True)})) == []


def replace_clock(services, ahead: timedelta):
    from dataclasses import replace

    from tuffops_desktop.services.registry import build_services

    return build_services(replace(services.ctx, clock=lambda: datetime.now(UTC) + ahead))


def test_notes_and_the_change_feed(services, shop):
    office = shop["office"].work_orders
    order = office.create(shop["unit"].id)
    order = office.add_note(order.id, "Gate code 1234")
    assert [(n.author, n.body) for n in order.notes] == [("olga", "Gate code 1234")]
    with pytest.raises(ValidationError):
        office.add_note(order.id, "   ")
    with pytest.raises(ValidationError):
        office.add_note(order.id, "x" * 1001)
    if services.ctx.db.dialect == "sqlite":  # on PostgreSQL the same facts travel by NOTIFY
        with services.ctx.read() as s:
            entries = s.execute(
                select(ChangeLogEntry.entity, ChangeLogEntry.action).where(ChangeLogEntry.entity == "work_order")
            ).all()
        assert [tuple(e) for e in entries] == [("work_order", "create"), ("work_order", "add_note")]
