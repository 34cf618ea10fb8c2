"""The dispatch board's read (``DispatchService.board``), on SQLite and PostgreSQL: a day or a
week of bookings by local day, technicians and their hours, the queue in urgency order,
technicians seeing only their own, bad ranges refused."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from tests.factories import as_role, make_customer, make_unit
from tuffops_desktop.domain.errors import PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.scheduling import STANDARD_WEEK, WorkingHours
from tuffops_desktop.domain.work_orders import urgency_key
from tuffops_desktop.services.context import Actor
from tuffops_desktop.services.listing import Between, ListQuery, any_of
from tuffops_desktop.services.registry import build_services

MONDAY = date(2026, 11, 30)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute)).astimezone()


@pytest.fixture
def shop(services):
    """Two technicians (one with early shifts), a customer with a 24 h service level and a unit."""
    customer = make_customer(services, default_sla_hours="24")
    unit = make_unit(services, customer_id=customer.id)
    tom = services.users.add("tom", "longenough", "technician")
    ann = services.users.add("ann", "longenough", "technician", full_name="Ann Early")
    early = [WorkingHours(d, time(6), time(14)) for d in range(4)]
    services.working_hours.set(ann.id, early)

    def order(technician=None, start=None, hours="2", status_cancel=False) -> int:  # noqa: ANN001
        made = services.work_orders.create(unit.id, "repair", "No cooling", estimated_hours=hours)
        if technician is not None:
            made = services.work_orders.act(
                made.id, "assign", made.version, technician_id=technician.id, scheduled_start=start
            )
        if status_cancel:
            services.work_orders.act(made.id, "cancel", made.version)
        return made.id

    return {"tom": tom, "ann": ann, "early": tuple(early), "order": order, "unit": unit}


def test_a_week_holds_the_bookings_of_its_local_days_in_start_order(services, shop):
    order, tom, ann = shop["order"], shop["tom"], shop["ann"]
    monday_late = order(tom, local(MONDAY, 23, 30), "1")  # ends after midnight: still Monday's
    wednesday = order(ann, local(MONDAY + timedelta(days=2), 7))
    sunday = order(tom, local(MONDAY + timedelta(days=6), 10))
    order(tom, local(MONDAY - timedelta(days=1), 23))  # the Sunday before: another week
    order(tom, local(MONDAY + timedelta(days=7), 0))  # next Monday at midnight: another week
    order(ann, local(MONDAY + timedelta(days=2), 9), status_cancel=True)  # cancelled: not on the board
    waiting = order()

    week = services.dispatch.board(MONDAY, 7)
    assert (week.first, week.days) == (MONDAY, 7)
    assert [b.id for b in week.bookings] == [monday_late, wednesday, sunday]
    assert [t.username for t in week.technicians] == ["ann", "tom"]
    assert week.hours == {ann.id: shop["early"], tom.id: STANDARD_WEEK}
    booked = {b.id: b for b in week.bookings}
    assert booked[wednesday].technician_id == ann.id and booked[wednesday].technician == "ann"
    assert booked[wednesday].unit_id == shop["unit"].id and booked[wednesday].customer_name
    assert [q.id for q in week.queue] == [waiting] and week.queue_total == 1

    # the same rows as the work-orders list gives for the week (the list's own query)
    listed = services.work_orders.rows(
        services.work_orders.list_ids(
            ListQuery(sort="scheduled", filters={"scheduled": Between(MONDAY, MONDAY + timedelta(days=6))})
        )
    )
    assert sorted(booked.values(), key=lambda r: r.id) == sorted(
        (r for r in listed if r.status != "cancelled"), key=lambda r: r.id
    )

    day = services.dispatch.board(MONDAY + timedelta(days=2))
    assert [b.id for b in day.bookings] == [wednesday]


def test_the_queue_is_the_most_urgent_unassigned_work_and_counts_all_of_it(services, shop):
    ids = [shop["order"]() for _ in range(4)]
    board = services.dispatch.board(MONDAY)
    rows = services.work_orders.rows(services.work_orders.list_ids(ListQuery(filters={"status": any_of("unassigned")})))
    expected = [r.id for r in sorted(rows, key=lambda r: urgency_key(r.due_at, r.created_at, r.id))]
    assert [q.id for q in board.queue] == expected and sorted(expected) == sorted(ids)
    assert board.queue_total == 4


def test_a_technician_sees_only_their_own_bookings_and_no_queue(services, shop):
    order, tom, ann = shop["order"], shop["tom"], shop["ann"]
    mine = order(tom, local(MONDAY, 9))
    order(ann, local(MONDAY, 7))
    order()
    as_tom = as_role(services, Role.TECHNICIAN, "tom", tom.id)
    board = as_tom.dispatch.board(MONDAY, 7)
    assert [b.id for b in board.bookings] == [mine]
    assert (board.queue, board.queue_total) == ((), 0)


def test_a_range_outside_one_to_31_days_is_refused_and_viewing_needs_the_permission(services, shop):
    for days in (0, 32, -7):
        with pytest.raises(ValidationError) as info:
            services.dispatch.board(MONDAY, days)
        assert "days" in info.value.field_errors
    nobody = build_services(services.ctx.__class__(services.ctx.db, Actor(None, "nobody")))
    with pytest.raises(PermissionDenied):
        nobody.dispatch.board(MONDAY, 7)
