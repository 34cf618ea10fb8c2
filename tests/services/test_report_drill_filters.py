"""The list filters behind the Reports page's drill-down (``domain.reports.DrillDown``) list
exactly the rows their definition names, on SQLite and PostgreSQL.

A random history of work orders (approvals around due times, repairs around the 30-day
call-back window, bookings, spells ``ongoing`` across local midnights) is written straight
into the tables, with exact edge cases added (a repair exactly 720 hours after the
approval, an approval exactly at the due time, a cancelled repair); each filter's list is
compared with a plain-Python reading of its definition over the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from tests.factories import make_customer, make_model, make_unit
from tuffops_desktop.db.models import WorkOrder, WorkOrderHistory
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services.listing import Between, Flag, ListQuery, any_of
from tuffops_desktop.services.registry import Services

DAY0 = date(2026, 9, 1)
DAYS = 60


def local(day: date, hour: float = 0.0) -> datetime:
    """An aware moment ``hour`` hours after the local midnight starting ``day``."""
    return datetime.combine(day, time.min).astimezone() + timedelta(hours=hour)


@dataclass
class Order:
    id: int
    unit_id: int
    customer_type: str | None
    work_type: str
    status: str
    created_at: datetime
    due_at: datetime | None
    technician_id: int | None
    scheduled_start: datetime | None
    history: list[tuple[int, datetime, str]] = field(default_factory=list)  # (id, at, to_status)

    def approved_at(self) -> datetime | None:
        if self.status not in ("completed", "billed"):
            return None
        return next((at for _id, at, to in self.history if to == "completed"), None)


def _build(services: Services, seed: int) -> list[Order]:
    rng = random.Random(seed)
    tech = services.users.add("tom", "longenough", "technician")
    model = make_model(services)
    units = []
    # units 0-4 get the random history; 5-7 only the edge cases
    kinds = ("residential", "commercial", "government", None, "commercial", "residential", "commercial", "government")
    for n, kind in enumerate(kinds):
        customer = make_customer(services, customer_type=kind, first_name=f"C{n}") if kind else None
        units.append((make_unit(services, customer.id if customer else None, model, serial_number=f"S-{n}"), kind))
    orders: list[Order] = []
    with services.ctx.write() as session:

        def add(unit_index: int, work_type: str, created: datetime, moves: list[tuple[datetime, str]], **extra):  # noqa: ANN003, ANN202
            unit, kind = units[unit_index]
            status = moves[-1][1] if moves else "unassigned"
            row = WorkOrder(
                unit_id=unit.id,
                customer_id=unit.customer_id,
                work_type=work_type,
                status=status,
                created_at=created,
                updated_at=created,
                due_at=extra.get("due_at"),
                technician_id=extra.get("technician_id"),
                scheduled_start=extra.get("scheduled_start"),
                estimated_hours=Decimal("2"),
                created_by="test",
            )
            session.add(row)
            session.flush()
            order = Order(
                row.id, unit.id, kind, work_type, status, created, row.due_at, row.technician_id, row.scheduled_start
            )
            previous = None
            for at, to in moves:
                entry = WorkOrderHistory(work_order_id=row.id, at=at, by="test", from_status=previous, to_status=to)
                session.add(entry)
                session.flush()
                order.history.append((entry.id, at, to))
                previous = to
            orders.append(order)
            return order

        for _ in range(70):
            start = local(DAY0 + timedelta(days=rng.randrange(DAYS)), rng.choice([0, 0.5, 8, 13.25, 23.5, 23.99]))
            path = rng.choice(
                [
                    ["pending", "ongoing", "waiting_approval", "completed"],
                    ["pending", "ongoing", "paused", "ongoing", "waiting_approval", "completed", "billed"],
                    ["pending", "ongoing"],
                    ["pending", "ongoing", "paused"],
                    ["pending", "cancelled"],
                    ["pending", "ongoing", "cancelled"],
                ]
            )
            at = start
            moves = []
            for to in path:
                at = at + timedelta(hours=rng.choice([0.25, 3, 11, 26, 50]))
                moves.append((at, to))
            due = start + timedelta(hours=rng.choice([4, 24, 48, 96])) if rng.random() < 0.7 else None
            booked = rng.random() < 0.6
            add(
                rng.randrange(5),
                rng.choice(["repair", "repair", "maintenance", "installation", "service"]),
                start,
                moves,
                due_at=due,
                technician_id=tech.id if booked else None,
                scheduled_start=start + timedelta(hours=1) if booked else None,
            )
        # exact edges: approved exactly at the due time (met); a repair exactly 720 hours after
        # an approval (not a call-back), one a second earlier (a call-back), a cancelled one
        approved = local(DAY0 + timedelta(days=10), 15)
        add(5, "repair", approved - timedelta(days=1), [(approved, "completed")], due_at=approved)
        add(5, "repair", approved + timedelta(hours=720), [])
        second = local(DAY0 + timedelta(days=20), 9.5)
        add(6, "service", second - timedelta(hours=5), [(second, "completed")], due_at=second - timedelta(seconds=1))
        add(6, "repair", second + timedelta(hours=720) - timedelta(microseconds=1), [])
        third = local(DAY0 + timedelta(days=30), 23.75)
        add(7, "maintenance", third - timedelta(hours=2), [(third, "completed")])
        add(7, "repair", third + timedelta(hours=1), [(third + timedelta(hours=2), "cancelled")])
        add(7, "repair", third, [])  # created at the approval's moment: not after it
    return orders


def _ids(services: Services, **filters: object) -> set[int]:
    return set(services.work_orders.list_ids(ListQuery(sort="due", filters=filters)))  # type: ignore[arg-type]


def _days(value: datetime, start: date, end: date) -> bool:
    return local(start) <= value < local(end + timedelta(days=1))


def test_work_order_drill_filters_match_their_definitions(services: Services) -> None:
    orders = _build(services, seed=14)
    now = services.ctx.now()
    start, end = DAY0 + timedelta(days=5), DAY0 + timedelta(days=35)
    period = Between(start, end)

    def approved_in(o: Order) -> bool:
        at = o.approved_at()
        return at is not None and _days(at, start, end)

    def called_back(o: Order) -> bool:
        at = o.approved_at()
        return at is not None and any(
            r.unit_id == o.unit_id
            and r.work_type == "repair"
            and r.status != "cancelled"
            and at < r.created_at < at + timedelta(hours=720)
            for r in orders
        )

    def on_site(o: Order) -> bool:
        spells = []
        for n, (_id, at, to) in enumerate(o.history):
            if to == "ongoing":
                until = o.history[n + 1][1] if n + 1 < len(o.history) else now
                spells.append((at, until))
        return any(a < local(end + timedelta(days=1)) and b > local(start) and a < b for a, b in spells)

    expected = {
        "completed": {o.id for o in orders if approved_in(o)},
        "met": {o.id for o in orders if approved_in(o) and o.due_at is not None and o.approved_at() <= o.due_at},  # type: ignore[operator]
        "missed": {o.id for o in orders if approved_in(o) and o.due_at is not None and o.approved_at() > o.due_at},  # type: ignore[operator]
        "called_back": {o.id for o in orders if approved_in(o) and called_back(o)},
        "first_time": {o.id for o in orders if approved_in(o) and not called_back(o)},
        "booked": {
            o.id
            for o in orders
            if o.technician_id is not None
            and o.status != "cancelled"
            and o.scheduled_start is not None
            and _days(o.scheduled_start, start, end)
        },
        "on_site": {o.id for o in orders if on_site(o)},
        "commercial": {o.id for o in orders if o.customer_type == "commercial"},
    }
    assert expected["called_back"] and expected["met"] and expected["missed"] and expected["on_site"]
    assert _ids(services, completed=period) == expected["completed"]
    assert _ids(services, completed=period, sla=any_of("met")) == expected["met"]
    assert _ids(services, completed=period, sla=any_of("missed")) == expected["missed"]
    assert _ids(services, completed=period, sla=any_of("met", "missed")) == expected["met"] | expected["missed"]
    assert _ids(services, completed=period, called_back=Flag(True)) == expected["called_back"]
    assert _ids(services, completed=period, called_back=Flag(False)) == expected["first_time"]
    assert _ids(services, booked=period) == expected["booked"]
    assert _ids(services, on_site=period) == expected["on_site"]
    assert _ids(services, customer_type=any_of("commercial")) == expected["commercial"]
    assert _ids(services, customer_type=any_of("commercial"), completed=period) == (
        expected["commercial"] & expected["completed"]
    )


def test_the_call_back_window_is_exact_to_the_microsecond(services: Services) -> None:
    orders = _build(services, seed=3)
    everything = Between(DAY0, DAY0 + timedelta(days=DAYS + 10))
    called = _ids(services, completed=everything, called_back=Flag(True))
    edge_first = next(o for o in orders if o.due_at is not None and o.approved_at() == o.due_at)
    edge_second = next(o for o in orders if o.work_type == "service" and len(o.history) == 1)
    edge_third = next(o for o in orders if o.work_type == "maintenance" and len(o.history) == 1)
    assert edge_first.id not in called  # its repair came exactly 720 hours later
    assert edge_second.id in called  # a microsecond earlier
    assert edge_third.id not in called  # only a cancelled repair and one at the same moment


def test_requests_and_units_filter_by_customer_type_and_maintenance(services: Services) -> None:
    model = make_model(services)
    gov = make_customer(services, customer_type="government", first_name="Gov")
    res = make_customer(services, customer_type="residential", first_name="Res")
    today = services.ctx.today()
    overdue = make_unit(
        services,
        gov.id,
        model,
        serial_number="OVER",
        maintenance_frequency="monthly",
        installed_at=today - timedelta(days=70),
    )
    soon = make_unit(
        services,
        res.id,
        model,
        serial_number="SOON",
        maintenance_frequency="monthly",
        installed_at=today - timedelta(days=20),
    )
    fine = make_unit(services, res.id, model, serial_number="FINE", maintenance_frequency="annual", installed_at=today)
    stock = make_unit(services, None, model, serial_number="STOCK")

    def units(**filters: object) -> set[int]:
        return set(services.units.list_ids(ListQuery(include_inactive=True, filters=filters)))  # type: ignore[arg-type]

    assert units(maintenance=any_of("overdue")) == {overdue.id}
    assert units(maintenance=any_of("due_soon")) == {soon.id}
    assert units(maintenance=any_of("overdue", "due_soon")) == {overdue.id, soon.id}
    assert units(customer_type=any_of("residential")) == {soon.id, fine.id}
    assert stock.id not in units(customer_type=any_of("residential", "commercial", "government"))
    with pytest.raises(ValidationError):
        units(maintenance=any_of("someday"))

    def request(unit_id: int) -> int:
        data = RequestInput("No cooling", today + timedelta(days=1), "All Day", "555-1234")
        return services.requests.submit_office(unit_id, data).id

    gov_request, res_request, stock_request = request(overdue.id), request(soon.id), request(stock.id)

    def requests(**filters: object) -> set[int]:
        return set(services.requests.list_ids(ListQuery(filters=filters)))  # type: ignore[arg-type]

    assert requests(customer_type=any_of("government")) == {gov_request}
    assert requests(customer_type=any_of("residential", "commercial")) == {res_request}
    assert stock_request not in requests(customer_type=any_of("residential", "commercial", "government"))


def test_unknown_drill_values_are_refused(services: Services) -> None:
    with pytest.raises(ValidationError):
        _ids(services, sla=any_of("late"))
    with pytest.raises(ValidationError):
        _ids(services, customer_type=any_of("martian"))
    with pytest.raises(ValidationError):
        _ids(services, completed=Flag(True))
