"""The Reports page's figures (R1: requests, work orders, technicians, maintenance) equal a
plain-Python reading of their definitions (``tests/reports_reference.py``) on SQLite and
PostgreSQL, and each tile's drill-down lists exactly the rows it counts.

Hypothesis picks seeds; each seed draws a random history written straight into the tables
(a seed rather than one strategy per field: whole histories with something in the period
in most examples, where hypothesis' smallest examples were mostly empty): requests triaged or not,
work orders walking the lifecycle graph (``domain.work_orders.TRANSITIONS``) with gaps from
seconds to weeks, bookings, due times, units' maintenance dates. Moments cluster around
local midnight (down to 23:59:59.999999) and the days span a daylight-saving change in a
zone with a half-hour offset (America/St_Johns), so local weeks and periods are tested
where a UTC reading would be wrong. Edge cases the issue names have their own tests: an
empty range, a work order cancelled after its approval (data written around the services;
never counted as completed), a stretch on site that began before the period.
"""

from __future__ import annotations

import itertools
import os
import random
import time as systime
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update

from tests import reports_reference as ref
from tests.factories import make_customer, make_model, make_unit
from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import CustomerRequest, Unit, User, WorkOrder, WorkOrderHistory
from tuffops_desktop.domain.errors import PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.reports import Bar, KpiKey, Period, ReportFilters, week_starts
from tuffops_desktop.domain.scheduling import WorkingHours
from tuffops_desktop.domain.work_orders import TRANSITIONS, Action
from tuffops_desktop.services.context import SYSTEM_ACTOR, Actor, ServiceContext
from tuffops_desktop.services.listing import ListQuery, Ref
from tuffops_desktop.services.registry import Services, build_services
from tuffops_desktop.services.working_hours import replace_hours

ZONE = "America/St_Johns"  # UTC-3:30, daylight time UTC-2:30 from 8 March 2026 02:00
DAY0 = date(2026, 2, 1)
DAYS = 48  # DAY0 .. 20 March 2026
TODAY = DAY0 + timedelta(days=DAYS - 1)
TYPES = ("installation", "repair", "maintenance", "service", "other")
CUSTOMER_TYPES = ("residential", "commercial", "government")
FREQUENCIES = ("none", "monthly", "quarterly", "semiannual", "annual")
_tickets = itertools.count(1)


def local(day: date, minute: int = 0, micro: int = 0) -> datetime:
    """The aware moment ``minute`` minutes (and ``micro`` µs) after local midnight of ``day``."""
    return datetime.combine(day, time(minute // 60, minute % 60, 0, micro)).astimezone()


@pytest.fixture
def zone() -> Iterator[None]:
    """The workstation's time zone for the test (restored afterwards)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = ZONE
    systime.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    systime.tzset()


# ----------------------------------------------------------------- the shop
@dataclass
class Shop:
    services: Services
    now: datetime
    units: list[int]
    unit_customers: list[int | None]
    customer_types: dict[int, str]
    technicians: list[ref.TechnicianRecord]

    @property
    def tech_ids(self) -> list[int]:
        return [t.id for t in self.technicians]


@pytest.fixture
def shop(services: Services, zone: None) -> Shop:
    """Four units (one per customer type, one in stock), three technicians (custom hours,
    the standard week, a deactivated one) and an office user; the clock stopped at now."""
    now = local(TODAY, 14 * 60 + 30)
    fixed = build_services(ServiceContext(db=services.ctx.db, actor=SYSTEM_ACTOR, clock=lambda: now))
    model = make_model(fixed)
    units, owners, kinds = [], [], {}
    for n, kind in enumerate((*CUSTOMER_TYPES, None)):
        customer = make_customer(fixed, customer_type=kind, first_name=f"C{n}") if kind else None
        if customer:
            kinds[customer.id] = kind
        units.append(make_unit(fixed, customer.id if customer else None, model, serial_number=f"S-{n}").id)
        owners.append(customer.id if customer else None)
    custom = (
        WorkingHours(0, time(8), time(18, 30)),
        WorkingHours(1, time(8), time(18, 30)),
        WorkingHours(2, time(7, 15), time(12)),
        WorkingHours(5, time(9), time(13)),
    )
    techs = []
    with fixed.ctx.write() as session:
        for name, role, active, hours in (
            ("amy", "technician", True, custom),
            ("ben", "technician", True, None),
            ("cal", "technician", False, custom[:2]),
            ("dot", "office", True, None),
        ):
            # written directly: hashing real passwords would cost seconds per test
            user_id = session.execute(
                table_of(User)
                .insert()
                .values(
                    username=name,
                    full_name=name.title(),
                    password_hash="!",
                    role=role,
                    extra_permissions=[],
                    active=active,
                    created_at=now,
                    version=1,
                )
                .returning(table_of(User).c.id)
            ).scalar_one()
            if hours:
                replace_hours(session, fixed.ctx, user_id, hours)
            techs.append(ref.TechnicianRecord(user_id, name.title(), role == "technician", active, hours))
    return Shop(fixed, now, units, owners, kinds, techs)


# ----------------------------------------------------------------- random histories
GAPS = (0, 1, 7, 45, 300, 600, 1440, 2000, 4320, 10_080, 30_000)  # minutes between moves
GAP_WEIGHTS = (3, 3, 3, 4, 4, 3, 2, 1, 1, 1, 0.5)


@dataclass(frozen=True)
class History:
    """What one example writes: work-order, request and unit plans (``write_history``)."""

    orders: list[Any]
    requests: list[Any]
    units: list[Any]

    def __repr__(self) -> str:  # the seed reproduces it; the plans are long
        return f"History({len(self.orders)} orders, {len(self.requests)} requests)"


def _moment(rng: random.Random) -> datetime:
    """A moment of the 48 days, one in three within two minutes of a local midnight (down to
    the last microsecond of the day)."""
    day = DAY0 + timedelta(days=rng.randrange(DAYS))
    minute = rng.choice([0, 1, 1438, 1439]) if rng.random() < 0.33 else rng.randrange(1440)
    return local(day, minute, rng.choice([0, 0, 0, 500_000, 999_999]))


def draw_history(seed: int) -> History:
    """A random history from ``seed``: work orders walking the graph mostly forward
    (``_walk``), requests triaged after seconds to weeks or not at all, units' cadences."""
    rng = random.Random(seed)
    orders, requests = rng.randint(6, 20), rng.randint(2, 10)
    order_plans = [
        (
            rng.randrange(4),
            rng.choice((*TYPES, "repair", "repair")),  # repairs: call-backs
            _moment(rng),
            [
                (rng.choices(GAPS, GAP_WEIGHTS)[0], rng.choices([0, 1, 2], weights=[16, 3, 0.6])[0], rng.randrange(3))
                for _ in range(rng.randint(1, 3) if rng.random() < 0.25 else rng.randint(4, 9))
            ],
            rng.choice([None, None, 0, 4, 48, 240, 720]),  # due hours after creation
            rng.choice(["1", "1.5", "2", "4"]),
            _moment(rng) if rng.random() < 0.8 else None,  # booked start
        )
        for _ in range(orders)
    ]
    request_plans = [
        (
            rng.randrange(4),
            rng.choice(["qr", "office"]),
            _moment(rng),
            rng.choice([None, rng.choices(GAPS, GAP_WEIGHTS)[0]]),  # triaged after
            rng.choice(["open", "ongoing"]),
        )
        for _ in range(requests)
    ]
    unit_plans = [
        (
            rng.random() < 0.85,
            rng.choice(FREQUENCIES),
            rng.choice([None, rng.randint(-400, 40)]),  # maintained, days from today
            rng.choice([None, rng.randint(-800, 0)]),  # installed
        )
        for _ in range(4)
    ]
    return History(order_plans, request_plans, unit_plans)


histories = st.builds(draw_history, st.integers(0, 2**32))


def draw_period(seed: int) -> Period:
    """Mostly a week to six weeks inside the history, some single days, some past today."""
    rng = random.Random(seed)
    first = rng.randint(8, DAYS - 8) if rng.random() < 0.85 else rng.randint(DAYS - 7, DAYS + 5)
    length = rng.randint(7, 40) if rng.random() < 0.7 else rng.randint(0, 6)
    return Period(DAY0 + timedelta(days=first), DAY0 + timedelta(days=first + length))


periods = st.builds(draw_period, st.integers(0, 2**32))


# The moves tried from each status, most likely first: work mostly goes forward.
PREFERRED = {  # (forward, detour); rank 2 cancels where the graph allows it
    "unassigned": (Action.ASSIGN, Action.ASSIGN),
    "pending": (Action.START, Action.REASSIGN),
    "ongoing": (Action.SUBMIT, Action.PAUSE),
    "paused": (Action.RESUME, Action.RESUME),
    "waiting_approval": (Action.APPROVE, Action.SEND_BACK),
    "completed": (Action.BILL, Action.BILL),
}
BY_ACTION = {t.action: t for t in TRANSITIONS}


def _walk(shop: Shop, created: datetime, plan: list[tuple[int, int, int]]) -> tuple[list[ref.Move], int | None, bool]:
    """Moves from ``unassigned`` along the graph (stopping before now): the history, the
    technician assigned last and whether one was ever assigned. ``rank`` picks the move:
    0 forward, 1 a detour (``PREFERRED``), 2 cancel where the graph allows it."""
    moves = [ref.Move(created, None, "unassigned")]
    at, technician, assigned = created, None, False
    for gap, rank, tech in plan:
        at = at + timedelta(minutes=gap)
        options = PREFERRED.get(moves[-1].to_status, ())
        if at > shop.now or not options:
            break
        cancel = BY_ACTION[Action.CANCEL]
        step = cancel if rank == 2 and moves[-1].to_status in cancel.sources else BY_ACTION[options[min(rank, 1)]]
        assert moves[-1].to_status in step.sources
        if step.action in (Action.ASSIGN, Action.REASSIGN):
            technician, assigned = shop.tech_ids[tech], True
        moves.append(ref.Move(at, moves[-1].to_status, step.target.value))
    return moves, technician, assigned


def write_history(
    shop: Shop,
    orders: list[Any],
    requests: list[Any],
    units: list[Any],
) -> ref.World:
    """Replace the shop's work orders, requests and units' maintenance dates by the plans'."""
    order_rows: list[dict[str, Any]] = []
    histories = []
    for unit, kind, created, plan, due, hours, booked in orders:
        created = min(created, shop.now - timedelta(minutes=1))
        moves, technician, assigned = _walk(shop, created, plan)
        order_rows.append(
            {
                "unit_id": shop.units[unit],
                "customer_id": shop.unit_customers[unit],
                "request_id": None,
                "quotation_id": None,
                "work_type": kind,
                "status": moves[-1].to_status,
                "customer_requests": "",
                "due_at": None if due is None else created + timedelta(hours=due),
                "technician_id": technician,
                "scheduled_start": booked if assigned else None,
                "time_window": None,
                "estimated_hours": Decimal(hours),
                "maintenance_due_on": None,
                "created_at": created,
                "created_by": "test",
                "updated_at": moves[-1].at,
                "version": len(moves),
            }
        )
        histories.append(moves)
    request_rows = []
    for unit, source, created, triaged, status in requests:
        created = min(created, shop.now - timedelta(minutes=1))
        closed = None if triaged is None else created + timedelta(minutes=triaged)
        if closed is not None and closed > shop.now:
            closed = None
        n = next(_tickets)
        request_rows.append(
            {
                "ticket": f"R-{n:05d}-TEST0",
                "submission_key": f"key-{n}",
                "unit_id": shop.units[unit],
                "request": "Dripping",
                "schedule_at": TODAY,
                "schedule_time": "All Day",
                "contact_info": "555 0100",
                "source": source,
                "status": "closed" if closed else status,
                "close_reason": "resolved" if closed else None,
                "work_order_id": None,
                "created_at": created,
                "created_by": "test",
                "updated_at": closed or created,
                "closed_at": closed,
                "closed_by": "test" if closed else "",
                "version": 1,
            }
        )
    unit_rows = []
    for unit_id, (active, frequency, maintained, installed) in zip(shop.units, units, strict=True):
        unit_rows.append(
            ref.UnitRecord(
                id=unit_id,
                customer_id=shop.unit_customers[shop.units.index(unit_id)],
                active=active,
                frequency=frequency,
                maintained_at=None if maintained is None else TODAY + timedelta(days=maintained),
                installed_at=None if installed is None else TODAY + timedelta(days=installed),
            )
        )
    with shop.services.ctx.write() as session:
        session.execute(delete(WorkOrderHistory))
        session.execute(delete(WorkOrder))
        session.execute(delete(CustomerRequest))
        ids: list[int] = []
        if order_rows:
            insert = table_of(WorkOrder).insert().returning(table_of(WorkOrder).c.id, sort_by_parameter_order=True)
            ids = [row[0] for row in session.execute(insert, order_rows)]
            session.execute(
                table_of(WorkOrderHistory).insert(),
                [
                    {
                        "work_order_id": wo_id,
                        "at": m.at,
                        "by": "test",
                        "from_status": m.from_status,
                        "to_status": m.to_status,
                        "reason": "",
                    }
                    for wo_id, moves in zip(ids, histories, strict=True)
                    for m in moves
                ],
            )
        request_ids: list[int] = []
        if request_rows:
            insert = (
                table_of(CustomerRequest)
                .insert()
                .returning(table_of(CustomerRequest).c.id, sort_by_parameter_order=True)
            )
            request_ids = [row[0] for row in session.execute(insert, request_rows)]
        for u in unit_rows:
            session.execute(
                update(Unit)
                .where(Unit.id == u.id)
                .values(
                    active=u.active,
                    maintenance_frequency=u.frequency,
                    maintained_at=u.maintained_at,
                    installed_at=u.installed_at,
                )
            )
    return ref.World(
        customer_types=shop.customer_types,
        units=unit_rows,
        technicians=shop.technicians,
        orders=[
            ref.OrderRecord(
                id=wo_id,
                unit_id=row["unit_id"],
                customer_id=row["customer_id"],
                work_type=row["work_type"],
                status=row["status"],
                created_at=row["created_at"],
                due_at=row["due_at"],
                technician_id=row["technician_id"],
                scheduled_start=row["scheduled_start"],
                estimated_hours=row["estimated_hours"],
                history=tuple(moves),
            )
            for wo_id, row, moves in zip(ids, order_rows, histories, strict=True)
        ],
        requests=[
            ref.RequestRecord(r_id, row["unit_id"], row["source"], row["status"], row["created_at"], row["closed_at"])
            for r_id, row in zip(request_ids, request_rows, strict=True)
        ],
    )


# ----------------------------------------------------------------- the comparison
def close(a: float | None, b: float | None, tolerance: float = 1e-4) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= tolerance * max(1.0, abs(b))


def check_figures(shop: Shop, world: ref.World, period: Period, filters: ReportFilters, *, track: bool = False) -> None:
    """Every R1 figure equals the reference (``track``: tell hypothesis which were non-zero)."""
    report = shop.services.reports.kpis(period, filters)

    total, by_source, weekly = ref.requests_received(world, period, filters)
    got = report.requests_received
    assert (got.total, dict(got.by_source), list(got.weekly)) == (total, by_source, weekly)

    triaged, untriaged, median, p90 = ref.time_to_triage(world, period, filters)
    tt = report.time_to_triage
    assert (tt.triaged, tt.untriaged) == (triaged, untriaged)
    assert close(tt.median_hours, median) and close(tt.p90_hours, p90), (tt, median, p90)

    total, by_type, weekly = ref.completed_weekly(world, period, filters)
    got_done = report.work_orders_completed
    assert (got_done.total, dict(got_done.by_type), list(got_done.weekly)) == (total, by_type, weekly)

    s = report.sla_compliance
    assert (s.completed, s.with_due, s.met, s.missed) == ref.sla(world, period, filters)

    done, called, pairs, listed = ref.first_time_fix(world, period, filters)
    f = report.first_time_fix
    assert (f.completed, f.called_back, f.callbacks_total) == (done, called, pairs)
    assert [(c.work_order_id, c.callback_id) for c in f.callbacks] == listed

    expected = ref.utilisation(world, period, filters)
    u = report.utilisation
    assert {r.technician_id: (r.booked_hours, r.working_hours, r.booked_work_orders) for r in u.rows} == expected
    assert u.booked_hours == sum((e[0] for e in expected.values()), Decimal(0))
    assert u.booked_work_orders == sum(e[2] for e in expected.values())

    on_site = ref.time_on_site(world, period, filters, shop.now)
    t = report.time_on_site
    assert t.work_orders == sum(n for _h, n in on_site.values())
    assert close(t.hours, sum(h for h, _n in on_site.values()), 1e-6)
    assert {r.technician_id: r.work_orders for r in t.rows} == {k: n for k, (_h, n) in on_site.items() if k}
    for r in t.rows:
        assert close(r.hours, on_site[r.technician_id][0], 1e-6)

    m = report.maintenance
    assert (m.overdue, m.due_soon) == ref.maintenance(world, filters, TODAY)
    if not track:
        return
    for name, value in (
        ("completed", got_done.total),
        ("met", s.met),
        ("called back", f.called_back),
        ("on site", t.work_orders),
        ("booked", u.booked_work_orders),
        ("triaged", tt.triaged),
    ):
        event(f"{name}: {'some' if value else 'none'}")


def drill_count(services: Services, key: KpiKey, period: Period, filters: ReportFilters, bar: Bar | None = None) -> int:
    drill = services.reports.drill(key, period, filters, bar)
    query = ListQuery(filters=dict(drill.filters))  # type: ignore[arg-type]
    lists = {"work_orders": services.work_orders, "requests": services.requests, "units": services.units}
    return len(lists[drill.kind].list_ids(query))


def check_drills(shop: Shop, period: Period, filters: ReportFilters) -> None:
    """Every tile, and a few bars, list as many rows as the figure counts."""
    s = shop.services
    report = s.reports.kpis(period, filters)
    f = report.first_time_fix
    tiles = {
        KpiKey.REQUESTS_RECEIVED: report.requests_received.total,
        KpiKey.TIME_TO_TRIAGE: report.time_to_triage.triaged,
        KpiKey.WORK_ORDERS_COMPLETED: report.work_orders_completed.total,
        KpiKey.SLA_COMPLIANCE: report.sla_compliance.with_due,
        KpiKey.FIRST_TIME_FIX: f.completed,
        KpiKey.UTILISATION: report.utilisation.booked_work_orders,
        KpiKey.TIME_ON_SITE: report.time_on_site.work_orders,
        KpiKey.MAINTENANCE_OVERDUE: report.maintenance.overdue,
        KpiKey.MAINTENANCE_DUE_SOON: report.maintenance.due_soon,
    }
    for key, count in tiles.items():
        assert drill_count(s, key, period, filters) == count, key
    bars = [
        (KpiKey.SLA_COMPLIANCE, Bar(series="met"), report.sla_compliance.met),
        (KpiKey.SLA_COMPLIANCE, Bar(series="missed"), report.sla_compliance.missed),
        (KpiKey.FIRST_TIME_FIX, Bar(series="called_back"), f.called_back),
        (KpiKey.FIRST_TIME_FIX, Bar(series="first_time"), f.first_time),
    ]
    bars += [(KpiKey.REQUESTS_RECEIVED, Bar(b.start, b.series), b.value) for b in report.requests_received.weekly]
    bars += [
        (KpiKey.WORK_ORDERS_COMPLETED, Bar(b.start, b.series), b.value) for b in report.work_orders_completed.weekly
    ]
    bars += [(KpiKey.UTILISATION, Bar(id=r.technician_id), r.booked_work_orders) for r in report.utilisation.rows]
    bars += [(KpiKey.TIME_ON_SITE, Bar(id=r.technician_id), r.work_orders) for r in report.time_on_site.rows]
    for key, bar, count in bars:
        assert drill_count(s, key, period, filters, bar) == count, (key, bar)


# Half the examples unfiltered (most rows count), the others by customer type, work type or both.
filter_choices = st.one_of(
    st.just(ReportFilters()),
    st.just(ReportFilters()),
    st.builds(ReportFilters, customer_type=st.sampled_from(CUSTOMER_TYPES)),
    st.builds(ReportFilters, work_type=st.sampled_from(TYPES)),
    st.builds(ReportFilters, customer_type=st.sampled_from(CUSTOMER_TYPES), work_type=st.sampled_from(TYPES)),
)


@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories, period=periods, filters=filter_choices, technician=st.sampled_from([None] * 4 + [0, 2]))
def test_figures_equal_the_plain_reading(shop, history, period, filters, technician):
    if technician is not None:
        filters = ReportFilters(shop.tech_ids[technician], filters.customer_type, filters.work_type)
    world = write_history(shop, history.orders, history.requests, history.units)
    check_figures(shop, world, period, filters, track=True)


@settings(max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories, period=periods, filters=filter_choices)
def test_each_tile_drills_down_to_exactly_its_rows(shop, history, period, filters):
    write_history(shop, history.orders, history.requests, history.units)
    check_drills(shop, period, filters)


# ----------------------------------------------------------------- edge cases
def test_an_empty_range_has_zeros_and_no_percentiles(shop):
    world = write_history(shop, [], [], [(True, "none", None, None)] * 4)
    period = Period(TODAY, TODAY)
    report = shop.services.reports.kpis(period)
    assert report.requests_received.total == 0
    assert [b.value for b in report.requests_received.weekly] == [0, 0]
    assert report.time_to_triage.median_hours is None and report.time_to_triage.p90_hours is None
    assert report.work_orders_completed.total == 0 and report.sla_compliance.percent is None
    assert report.first_time_fix.rate is None and report.first_time_fix.callbacks == ()
    assert report.time_on_site.hours == 0 and report.time_on_site.work_orders == 0
    # the active technicians are listed with their working hours and nothing booked
    assert {r.name for r in report.utilisation.rows} == {"Amy", "Ben"}
    assert report.utilisation.booked_hours == 0 and report.utilisation.utilisation == 0
    check_figures(shop, world, period, ReportFilters())


def _order(unit: int, kind: str, created: datetime, moves: list[tuple[int, int, int]], **extra: Any) -> tuple:
    return (unit, kind, created, moves, extra.get("due"), "2", extra.get("booked"))


def test_a_work_order_cancelled_after_its_approval_is_not_completed(shop):
    """The lifecycle cannot cancel a completed work order; one written so around the services
    (status and history say cancelled after the approval) is not counted as completed."""
    day = TODAY - timedelta(days=3)
    assign, start, submit, approve = (60, 0, 0), (60, 0, 0), (60, 0, 0), (60, 0, 0)  # the forward moves
    world = write_history(
        shop,
        [_order(0, "repair", local(day, 600), [assign, start, submit, approve], due=48)] * 2,
        [],
        [(True, "none", None, None)] * 4,
    )
    period = Period(day, TODAY)
    assert shop.services.reports.kpis(period).work_orders_completed.total == 2
    forged = world.orders[0]
    with shop.services.ctx.write() as session:
        session.execute(update(WorkOrder).where(WorkOrder.id == forged.id).values(status="cancelled"))
        session.add(
            WorkOrderHistory(
                work_order_id=forged.id,
                at=shop.now - timedelta(hours=1),
                by="x",
                from_status="completed",
                to_status="cancelled",
            )
        )
    report = shop.services.reports.kpis(period)
    assert report.work_orders_completed.total == 1
    assert (report.sla_compliance.with_due, report.sla_compliance.met) == (1, 1)
    assert report.first_time_fix.completed == 1
    assert drill_count(shop.services, KpiKey.WORK_ORDERS_COMPLETED, period, ReportFilters()) == 1


def test_local_midnight_decides_the_day_and_the_week(shop):
    """A request at 23:59:59.999999 on a Sunday belongs to that week; one at 00:00 Monday to the next."""
    sunday = date(2026, 3, 8)  # the day the clocks go forward
    late = (0, "qr", local(sunday, 1439, 999_999), None, "open")
    early = (1, "office", local(sunday + timedelta(days=1), 0), None, "open")
    write_history(shop, [], [late, early], [(True, "none", None, None)] * 4)
    report = shop.services.reports.kpis(Period(sunday - timedelta(days=6), sunday + timedelta(days=1)))
    values = {(b.start, b.series): b.value for b in report.requests_received.weekly}
    assert values[(sunday - timedelta(days=6), "qr")] == 1
    assert values[(sunday + timedelta(days=1), "office")] == 1
    only_sunday = shop.services.reports.kpis(Period(sunday, sunday))
    assert only_sunday.requests_received.by_source == {"qr": 1, "office": 0}


def test_time_on_site_counts_a_stretch_begun_before_the_period(shop):
    """Started 10 days before the period and still ongoing: the whole period is on site."""
    begun = local(TODAY - timedelta(days=12), 9 * 60)
    world = write_history(
        shop,
        [_order(0, "repair", begun, [(0, 0, 1), (60, 0, 0)])],  # assign to Ben, start an hour later
        [],
        [(True, "none", None, None)] * 4,
    )
    period = Period(TODAY - timedelta(days=2), TODAY - timedelta(days=1))
    report = shop.services.reports.kpis(period)
    assert report.time_on_site.work_orders == 1
    assert report.time_on_site.hours == pytest.approx(48, abs=1e-6)
    assert report.time_on_site.rows[0].name == "Ben"
    check_figures(shop, world, period, ReportFilters())


def test_time_to_triage_interpolates_like_percentile_cont(shop):
    """Triaged after 1, 2, 3 and 10 hours: median 2.5 h, 90th percentile 7.9 h."""
    received = local(TODAY - timedelta(days=5), 600)
    plans = [(0, "qr", received, h * 60, "open") for h in (1, 2, 3, 10)] + [(1, "qr", received, None, "ongoing")]
    write_history(shop, [], plans, [(True, "none", None, None)] * 4)
    tt = shop.services.reports.kpis(Period(TODAY - timedelta(days=6), TODAY)).time_to_triage
    assert (tt.triaged, tt.untriaged) == (4, 1)
    assert tt.median_hours == pytest.approx(2.5) and tt.p90_hours == pytest.approx(7.9)


def test_weeks_cover_the_period_and_bars_drill_to_their_days(shop):
    period = Period(date(2026, 3, 4), date(2026, 3, 17))  # Wednesday to Tuesday: three weeks touched
    assert week_starts(period) == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    drill = shop.services.reports.drill(KpiKey.WORK_ORDERS_COMPLETED, period, bucket=Bar(date(2026, 3, 2), "repair"))
    completed = drill.filters["completed"]
    assert (completed.start, completed.end) == (date(2026, 3, 4), date(2026, 3, 8))  # type: ignore[attr-defined]


def test_bad_questions_are_refused(shop):
    with pytest.raises(ValidationError):
        Period(date(2026, 3, 2), date(2026, 3, 1))
    with pytest.raises(ValidationError):
        ReportFilters(customer_type="martian")
    with pytest.raises(ValidationError):
        shop.services.reports.drill("profit", Period(TODAY, TODAY))
    with pytest.raises(ValidationError):
        shop.services.reports.drill(KpiKey.SLA_COMPLIANCE, Period(TODAY, TODAY), bucket=Bar(series="late"))


def test_money_figures_need_invoices_view(shop):
    """Without invoices.view the money figures are None; the work figures are the same."""
    period = Period(TODAY - timedelta(days=30), TODAY)
    full = shop.services.reports.kpis(period)
    assert full.revenue is not None and full.receivables is not None and full.top_customers is not None
    actor = Actor(user_id=None, username="viewer", permissions=frozenset({P.REPORTS_VIEW.value}))
    viewer = build_services(ServiceContext(db=shop.services.ctx.db, actor=actor, clock=shop.services.ctx.clock))
    seen = viewer.reports.kpis(period)
    assert (seen.revenue, seen.receivables, seen.top_customers, seen.stock_value) == (None, None, None, None)
    assert seen.work_orders_completed == full.work_orders_completed
    assert seen.units_most_repairs == full.units_most_repairs
    nobody = build_services(ServiceContext(db=shop.services.ctx.db, actor=Actor(None, "nobody", frozenset())))
    with pytest.raises(PermissionDenied):
        nobody.reports.kpis(period)


def test_the_call_back_window_is_exact_to_the_microsecond(shop):
    """Approved at hh:mm:00.999999: a repair 720 hours and 0.5 s later is no call-back, one
    720 hours less 0.5 s later is (the window ends 720 h after the approval, to the µs; a
    reading rounded to the millisecond would move the end a second later)."""
    approved = local(DAY0 + timedelta(days=3), 600, 999_999)
    forward = [(0, 0, 0)] * 4  # assign, start, submit, approve at the same instant
    half = timedelta(microseconds=500_000)
    for after, called in ((timedelta(hours=720) + half, 0), (timedelta(hours=720) - half, 1)):
        repair = (0, "repair", approved + after, [], None, "1", None)
        write_history(shop, [_order(0, "service", approved, forward), repair], [], [(True, "none", None, None)] * 4)
        period = Period(DAY0, DAY0 + timedelta(days=10))
        assert shop.services.reports.kpis(period).first_time_fix.called_back == called
        bar = Bar(series="called_back")
        assert drill_count(shop.services, KpiKey.FIRST_TIME_FIX, period, ReportFilters(), bar) == called


def test_a_technician_granted_reports_sees_their_own_work(shop):
    """Lists show a technician their own work orders only, so their figures count only those."""
    forward = [(0, 0, 0)] * 4
    day = TODAY - timedelta(days=2)
    orders = [_order(0, "repair", local(day, 600), forward), _order(1, "repair", local(day, 600), [(0, 0, 1)] * 4)]
    write_history(shop, orders, [], [(True, "none", None, None)] * 4)
    amy = shop.tech_ids[0]
    with shop.services.ctx.write() as session:  # an administrator grants her the reports
        session.execute(update(User).where(User.id == amy).values(extra_permissions=[P.REPORTS_VIEW.value]))
    actor = Actor(amy, "amy", frozenset({P.REPORTS_VIEW.value, P.WORK_ORDERS_VIEW.value, P.WORK_ORDERS_EDIT.value}))
    own = build_services(ServiceContext(db=shop.services.ctx.db, actor=actor, clock=shop.services.ctx.clock))
    period = Period(day, TODAY)
    assert shop.services.reports.kpis(period).work_orders_completed.total == 2
    assert own.reports.kpis(period).work_orders_completed.total == 1
    drill = own.reports.drill(KpiKey.WORK_ORDERS_COMPLETED, period)
    assert drill.filters["technician"] == Ref(amy)
