"""A unit's history (requests and work orders, newest first) and technicians' working hours,
on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from tests.factories import as_role, make_customer, make_unit
from tuffops_desktop.db.models import AuditEntry
from tuffops_desktop.domain.errors import PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.domain.scheduling import STANDARD_WEEK, WorkingHours
from tuffops_desktop.services.context import Actor
from tuffops_desktop.services.registry import build_services


def at(services, minutes: int):
    """The same database, with the clock ``minutes`` after a fixed moment."""
    moment = datetime(2026, 11, 2, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes)
    return build_services(replace(services.ctx, clock=lambda: moment))


def test_every_request_and_work_order_of_the_unit_newest_first(services):
    unit = make_unit(services, customer_id=make_customer(services).id)
    other = make_unit(services, customer_id=make_customer(services, first_name="Bob").id, serial_number="B-1")
    ask = RequestInput("Dripping   water\nin the lobby", date(2026, 11, 20), "Morning", "Ann")
    first = at(services, 0).requests.submit_office(unit.id, ask)
    order = at(services, 10).requests.convert(first.id, "repair")
    maintenance = at(services, 20).work_orders.create(unit.id, "maintenance", "Yearly service")
    at(services, 30).work_orders.create(other.id, "repair", "Someone else's unit")
    second = at(services, 40).requests.submit_office(
        unit.id, RequestInput("Noisy fan", date(2026, 11, 20), "Afternoon", "Ann")
    )
    history = services.unit_history.entries(unit.id)
    assert [(e.kind, e.number, e.status, e.text) for e in history] == [
        ("request", second.ticket, "open", "Noisy fan"),
        ("work_order", maintenance.number, "unassigned", "Yearly service"),
        ("work_order", f"WO-{order.id:06d}", "unassigned", "Dripping water in the lobby"),
        ("request", first.ticket, "closed", "Dripping water in the lobby"),
    ]
    assert history[0].at > history[1].at > history[2].at > history[3].at


def test_the_history_shows_only_what_the_user_may_see(services):
    unit = make_unit(services, customer_id=make_customer(services).id)
    services.requests.submit_office(unit.id, RequestInput("Leak", date.today() + timedelta(days=1), "Morning", "Ann"))
    tom = services.users.add("tom", "longenough", "technician")
    mine = services.work_orders.create(unit.id, "repair", "Mine")
    services.work_orders.act(mine.id, "assign", mine.version, technician_id=tom.id)
    services.work_orders.create(unit.id, "repair", "Not assigned to anyone")
    as_tom = as_role(services, Role.TECHNICIAN, "tom", tom.id)
    assert [(e.kind, e.text) for e in as_tom.unit_history.entries(unit.id)] == [("work_order", "Mine")]
    assert len(services.unit_history.entries(unit.id)) == 3
    nobody = build_services(replace(services.ctx, actor=Actor(None, "nobody", frozenset({"units.view"}))))
    with pytest.raises(PermissionDenied):
        nobody.unit_history.entries(unit.id)


def test_working_hours_default_to_the_standard_week_and_are_set_per_technician(services):
    tom = services.users.add("tom", "longenough", "technician")
    services.users.add("olga", "longenough", "office")
    olga = next(u for u in services.users.list() if u.username == "olga")
    assert services.working_hours.get([tom.id]) == {tom.id: STANDARD_WEEK}
    week = [WorkingHours(5, time(8), time(12)), WorkingHours(0, time(7), time(15, 30))]
    office = as_role(services, Role.OFFICE, "olga")
    stored = office.working_hours.set(tom.id, week)
    assert stored == tuple(sorted(week)) == services.working_hours.get([tom.id])[tom.id]
    with services.ctx.read() as s:
        change = s.scalar(select(AuditEntry.changes).where(AuditEntry.action == "working_hours"))
    assert change == {"working_hours": [[], ["0 07:00-15:30", "5 08:00-12:00"]]}
    with pytest.raises(ValidationError, match="technicians only"):
        services.working_hours.set(olga.id, week)
    with pytest.raises(ValidationError):
        services.working_hours.set(tom.id, [])
    with pytest.raises(PermissionDenied):
        as_role(services, Role.TECHNICIAN, "tom", tom.id).working_hours.set(tom.id, week)
