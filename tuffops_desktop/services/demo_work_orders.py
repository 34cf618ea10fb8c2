"""Demo technicians with working hours, and work orders: a full dispatch board for the current
week, or many thousands spread over two years for benchmarks (``tuffops demo --work-orders N``).

Work orders are written with bulk Core inserts, each with the history a real one would
have (created ``unassigned``, then every step of the transition table to its status, by
the dispatcher or the technician, at plausible times never later than now), so the status
replays from the history as for any other work order. Approved work moves the unit's
installed / serviced / maintained date, as approving does. Bookings start inside the
technician's working hours.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import Customer, TechnicianHours, Unit, User, WorkOrder, WorkOrderHistory
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.requests import ScheduleTime
from tuffops_desktop.domain.scheduling import STANDARD_WEEK, WorkingHours
from tuffops_desktop.domain.work_orders import UNIT_DATE_ON_APPROVAL, PauseReason, WorkOrderStatus, WorkOrderType
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.users import UserService
from tuffops_desktop.services.working_hours import replace_hours

S = WorkOrderStatus
MAX_WORK_ORDERS = 1_000_000
_CHUNK = 10_000
DISPATCHER = "office"

TECHNICIANS = [
    ("tech", "Terrence Tech"),
    ("maria", "Maria Fernández"),
    ("kwame", "Kwame Liburd"),
    ("sasha", "Sasha Phipps"),
    ("devon", "Devon Browne"),
    ("lena", "Lena Nowak"),
]


def _week(days: Sequence[int], starts: time, ends: time) -> tuple[WorkingHours, ...]:
    return tuple(WorkingHours(d, starts, ends) for d in days)


# Demo rosters, given out in turn: office hours, an early shift, a Tuesday-Saturday week, long days.
ROSTERS = (
    STANDARD_WEEK,
    _week(range(5), time(7), time(15, 30)),
    _week(range(1, 6), time(8), time(17)),
    _week(range(4), time(8), time(18, 30)),
)

JOBS = [
    "Not cooling, warm air from the vents",
    "Water dripping from the indoor unit",
    "Noisy outdoor fan",
    "Quarterly filter clean and coil check",
    "Thermostat shows error E5",
    "Ice on the evaporator coil",
    "Install new split unit in bedroom 2",
    "Replace capacitor",
    "Refrigerant top-up and leak test",
    "Yearly service of the chiller",
    "Remote control not responding",
    "Bad smell when starting",
]
TYPES = (
    [WorkOrderType.REPAIR] * 5
    + [WorkOrderType.MAINTENANCE] * 3
    + [WorkOrderType.SERVICE, WorkOrderType.SERVICE, WorkOrderType.INSTALLATION, WorkOrderType.OTHER]
)
DURATIONS = [Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("2"), Decimal("3"), Decimal("4")]
WINDOWS: list[str | None] = [None, None, *[w.value for w in ScheduleTime]]


@dataclass(frozen=True)
class Technician:
    id: int
    username: str
    hours: tuple[WorkingHours, ...]


@dataclass(frozen=True)
class Booking:
    """One work order to write: its unit, status aimed at, technician and booked start (local time)."""

    unit: tuple[int, int | None, int | None]  # unit id, customer id, customer's SLA hours
    target: WorkOrderStatus
    created: datetime
    hours: Decimal = Decimal("2")
    technician: Technician | None = None
    start: datetime | None = None
    # Chosen by the year's history (``demo_history.py``); left out, they are drawn at random.
    work_type: WorkOrderType | None = None
    text: str | None = None
    window: str | None = None
    request_id: int | None = None
    maintenance_due_on: date | None = None


def add_technicians(session: Session, ctx: ServiceContext, count: int, existing: set[str]) -> dict[str, str]:
    """Technicians up to ``count`` (the demo names first, then ``tech07`` …) with demo passwords,
    and a roster of working hours for every technician; returns the new users' passwords."""
    users = UserService(ctx)
    names = TECHNICIANS + [(f"tech{n:02d}", f"Technician {n}") for n in range(len(TECHNICIANS) + 1, count + 1)]
    passwords = {}
    for username, full_name in names[:count]:
        if username not in existing:
            password = secrets.token_urlsafe(9)
            users.add_in(session, username, password, Role.TECHNICIAN.value, full_name=full_name)
            passwords[username] = password
    ids = session.scalars(select(User.id).where(User.role == Role.TECHNICIAN.value).order_by(User.id)).all()
    for n, user_id in enumerate(ids):
        replace_hours(session, ctx, user_id, ROSTERS[n % len(ROSTERS)])
    return passwords


def seed_week(session: Session, ctx: ServiceContext, rng: random.Random) -> int:
    """Work orders in every status over the current week: each technician's working days filled
    with bookings (done before now, under way now, pending after), cancelled ones, and an
    unassigned queue of varied urgency. Returns how many were written."""
    technicians = _technicians(session)
    units = _units(session)
    if not technicians or not units:
        return 0
    now = ctx.now().astimezone()
    monday = now.date() - timedelta(days=now.weekday())
    bookings: list[Booking] = []
    for tech in technicians:
        for period in tech.hours:
            day = monday + timedelta(days=period.weekday)
            slot = datetime.combine(day, period.starts).astimezone()
            closes = datetime.combine(day, period.ends).astimezone()
            while True:
                hours = rng.choice(DURATIONS)
                end = slot + timedelta(hours=float(hours))
                if end > closes:
                    break
                if end <= now:
                    target = rng.choice([S.COMPLETED, S.COMPLETED, S.BILLED, S.WAITING_APPROVAL])
                elif slot <= now:
                    target = rng.choice([S.ONGOING, S.ONGOING, S.PAUSED])
                else:
                    target = rng.choice([S.PENDING] * 12 + [S.CANCELLED])
                created = min(slot, now) - timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 600))
                bookings.append(Booking(rng.choice(units), target, created, hours, tech, slot))
                slot = end + timedelta(minutes=rng.choice([0, 30, 30, 60]))
    for _ in range(12):  # the unassigned queue: made in the last two days
        bookings.append(Booking(rng.choice(units), S.UNASSIGNED, now - timedelta(minutes=rng.randint(10, 2880))))
    bookings.append(Booking(rng.choice(units), S.CANCELLED, now - timedelta(days=1)))
    # Every status even early on a Monday: a missing one is booked in last week's hours.
    reached = {_history(b, now)[-1][3] for b in bookings}
    tech = technicians[0]
    for n, target in enumerate(s for s in S if s not in reached):
        period = tech.hours[n % len(tech.hours)]
        start = datetime.combine(monday - timedelta(days=7 - period.weekday), period.starts).astimezone()
        bookings.append(Booking(rng.choice(units), target, start - timedelta(days=2), Decimal("1"), tech, start))
    return _write(session, ctx, rng, bookings, now)


def add_demo_work_orders(ctx: ServiceContext, count: int, *, seed: int = 2026) -> int:
    """``count`` more work orders on the demo's units, created over the last two years and booked
    up to two weeks ahead, in realistic proportions (most done and billed). For benchmarks."""
    if not 1 <= count <= MAX_WORK_ORDERS:
        raise ValidationError({"work_orders": f"Between 1 and {MAX_WORK_ORDERS} work orders."})
    rng = random.Random(seed)
    with ctx.write() as session:
        technicians = _technicians(session)
        units = _units(session)
        if not technicians or not units:
            raise ValidationError(
                {
                    "work_orders": "Work orders need units with customers and technicians: "
                    "run tuffops demo on an empty database first."
                }
            )
        now = ctx.now().astimezone()
        written = 0
        for start in range(0, count, _CHUNK):
            bookings = [_spread(rng, units, technicians, now) for _ in range(min(_CHUNK, count - start))]
            written += _write(session, ctx, rng, bookings, now, audit_row=False)
        audit.record(session, ctx, "database", "demo", "seed_work_orders", {"work_orders": [None, written]})
    return written


def _spread(
    rng: random.Random,
    units: Sequence[tuple[int, int | None, int | None]],
    technicians: Sequence[Technician],
    now: datetime,
) -> Booking:
    created = now - timedelta(minutes=rng.randint(10, 2 * 365 * 24 * 60))
    roll = rng.random()
    if roll < 0.04 and now - created < timedelta(days=30):
        return Booking(rng.choice(units), S.UNASSIGNED, created)
    tech = rng.choice(technicians)
    start = _slot(rng, tech, created + timedelta(days=rng.randint(0, 14)))
    if start + timedelta(hours=4) > now:
        target = rng.choice([S.PENDING] * 6 + [S.ONGOING, S.PAUSED, S.CANCELLED])
    else:
        target = rng.choices(
            [S.BILLED, S.COMPLETED, S.CANCELLED, S.WAITING_APPROVAL, S.UNASSIGNED], weights=[60, 25, 8, 4, 3]
        )[0]
    return Booking(
        rng.choice(units),
        target,
        created,
        rng.choice(DURATIONS),
        None if target is S.UNASSIGNED else tech,
        None if target is S.UNASSIGNED else start,
    )


def _slot(rng: random.Random, tech: Technician, around: datetime) -> datetime:
    """A start inside the technician's hours on or after the day of ``around``."""
    day = around.date()
    for _ in range(7):
        period = next((p for p in tech.hours if p.weekday == day.weekday()), None)
        if period is not None:
            first = period.starts.hour * 2 + (1 if period.starts.minute else 0)
            last = max(first, period.ends.hour * 2 - 4)  # leaves room for a two-hour job
            half_hours = rng.randint(first, last)
            return datetime.combine(day, time(half_hours // 2, 30 * (half_hours % 2))).astimezone()
        day += timedelta(days=1)
    return datetime.combine(day, time(9)).astimezone()


def _technicians(session: Session) -> list[Technician]:
    users = session.execute(
        select(User.id, User.username).where(User.role == Role.TECHNICIAN.value, User.active).order_by(User.id)
    ).all()
    hours: dict[int, list[WorkingHours]] = {}
    for h in session.scalars(select(TechnicianHours)):
        hours.setdefault(h.user_id, []).append(WorkingHours(h.weekday, h.starts, h.ends))
    return [Technician(uid, name, tuple(sorted(hours.get(uid, STANDARD_WEEK)))) for uid, name in users]


def _units(session: Session) -> list[tuple[int, int | None, int | None]]:
    stmt = (
        select(Unit.id, Unit.customer_id, Customer.default_sla_hours)
        .join(Customer, Customer.id == Unit.customer_id)
        .where(Unit.active.is_(True))
        .order_by(Unit.id)
    )
    return [(uid, cid, sla) for uid, cid, sla in session.execute(stmt)]


def _history(b: Booking, now: datetime) -> list[tuple[datetime, str, S | None, S]]:
    """The steps from creation to ``b.target``, stopping early at a step that would lie after now."""
    tech = b.technician.username if b.technician else ""
    steps: list[tuple[datetime, str, S | None, S]] = [(b.created, DISPATCHER, None, S.UNASSIGNED)]
    path: list[tuple[timedelta | datetime, str, S]] = []
    if b.target is S.CANCELLED:
        path = [(timedelta(hours=2), DISPATCHER, S.CANCELLED)]
        if b.technician is not None:
            path.insert(0, (timedelta(minutes=30), DISPATCHER, S.PENDING))
    elif b.target is not S.UNASSIGNED and b.start is not None:
        end = b.start + timedelta(hours=float(b.hours))
        path = [(timedelta(minutes=30), DISPATCHER, S.PENDING)]
        order = [S.ONGOING, S.PAUSED, S.WAITING_APPROVAL, S.COMPLETED, S.BILLED]
        reach = order[: order.index(b.target) + 1] if b.target in order else []
        if reach:
            path.append((b.start, tech, S.ONGOING))
        if S.PAUSED in reach and b.target is S.PAUSED:
            path.append((b.start + (end - b.start) * 0.4, tech, S.PAUSED))
        if S.WAITING_APPROVAL in reach:
            path.append((end, tech, S.WAITING_APPROVAL))
        if S.COMPLETED in reach:
            path.append((end + timedelta(hours=1), DISPATCHER, S.COMPLETED))
        if S.BILLED in reach:
            path.append((end + timedelta(days=1), DISPATCHER, S.BILLED))
    for when, by, status in path:
        at = steps[-1][0] + when if isinstance(when, timedelta) else max(when, steps[-1][0])
        if at > now:
            break
        steps.append((at, by, steps[-1][3], status))
    return steps


def _write(
    session: Session,
    ctx: ServiceContext,
    rng: random.Random,
    bookings: Sequence[Booking],
    now: datetime,
    *,
    audit_row: bool = True,
) -> int:
    return len(write_bookings(session, ctx, rng, bookings, now, audit_row=audit_row))


def write_bookings(
    session: Session,
    ctx: ServiceContext,
    rng: random.Random,
    bookings: Sequence[Booking],
    now: datetime,
    *,
    audit_row: bool = True,
) -> list[int]:
    """Write ``bookings`` as work orders with their histories (bulk); their ids, in order."""
    rows: list[dict[str, Any]] = []
    histories = []
    for b in bookings:
        steps = _history(b, now)
        unit_id, customer_id, sla = b.unit
        status = steps[-1][3]
        booked = status is not S.UNASSIGNED and not (status is S.CANCELLED and b.technician is None)
        if b.maintenance_due_on is not None:  # due by the end of that day, as the due list makes it
            due_at: datetime | None = datetime.combine(b.maintenance_due_on + timedelta(days=1), time.min).astimezone()
        else:
            due_at = b.created + timedelta(hours=sla) if sla else None
        rows.append(
            {
                "unit_id": unit_id,
                "customer_id": customer_id,
                "request_id": b.request_id,
                "work_type": (b.work_type or rng.choice(TYPES)).value,
                "status": status.value,
                "customer_requests": b.text if b.text is not None else rng.choice(JOBS),
                "due_at": due_at,
                "technician_id": b.technician.id if b.technician and booked else None,
                "scheduled_start": b.start if booked else None,
                "time_window": b.window if b.text is not None else rng.choice(WINDOWS),
                "estimated_hours": b.hours,
                "created_at": b.created,
                "created_by": DISPATCHER,
                "updated_at": steps[-1][0],
                "version": len(steps),
                "maintenance_due_on": b.maintenance_due_on,
            }
        )
        histories.append(steps)
    insert = table_of(WorkOrder).insert().returning(table_of(WorkOrder).c.id, sort_by_parameter_order=True)
    ids = [r[0] for r in session.execute(insert, rows)]
    reasons = [r.value for r in PauseReason]
    session.execute(
        table_of(WorkOrderHistory).insert(),
        [
            {
                "work_order_id": wo_id,
                "at": at,
                "by": by,
                "from_status": old.value if old else None,
                "to_status": new.value,
                "reason": rng.choice(reasons) if new is S.PAUSED else "",
            }
            for wo_id, steps in zip(ids, histories, strict=True)
            for at, by, old, new in steps
        ],
    )
    _stamp_units(session, rows, histories)
    if audit_row:
        audit.record(session, ctx, "database", "demo", "seed_work_orders", {"work_orders": [None, len(rows)]})
    return ids


def _stamp_units(session: Session, rows: Sequence[dict[str, Any]], histories: Sequence[Sequence[Any]]) -> None:
    """Approved work moves the unit's date for its type (as ``WorkOrderService.act`` does), never backwards."""
    latest: dict[tuple[str, int], date] = {}
    for row, steps in zip(rows, histories, strict=True):
        field = UNIT_DATE_ON_APPROVAL[WorkOrderType(row["work_type"])]
        approved = next((at for at, _by, _old, new in steps if new is S.COMPLETED), None)
        if field and approved is not None:
            key = (field, row["unit_id"])
            latest[key] = max(latest.get(key, date.min), approved.astimezone().date())
    units = table_of(Unit)
    for field in sorted({f for f, _u in latest}):
        column = units.c[field]
        stmt = (
            update(units)
            .where(units.c.id == bindparam("uid"), (column.is_(None)) | (column < bindparam("day")))
            .values({field: bindparam("day")})
        )
        params = [{"uid": uid, "day": day} for (f, uid), day in latest.items() if f == field]
        if params:
            session.connection().execute(stmt, params)
