"""Demo history: the year before the demo week, so every report has a shape on first start.

A small shop's last twelve months, written in bulk like the demo week
(``demo_work_orders.write_bookings``: each work order with the history a real one has):

* **Requests** from the QR form and from the office, most converted to a work order after
  a triage of minutes to a day or two (the request closes, the work order links back and
  is due by the customer's service level from the conversion), some closed as resolved
  on the phone, and a few from the last days still open in the inbox.
* **Work orders** of every type, more in the hot season (May–October) and fewer at
  weekends, booked into the technicians' working hours without overlapping, started soon
  enough that most meet their due time and some miss it (a Friday-evening call waits for
  Monday); maintenance visits for a due date, some late; about 6 % cancelled; and
  **call-backs**: a few repairs come back on the same unit within a month, and some units
  are simply troublesome, so "units with the most repairs" has a top. Everything before
  this week is finished (completed; ``demo_invoices`` bills it and records payments).

The history stops at the start of the demo week, which ``seed_week`` fills. Random, but
the same for the same seed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import Customer, CustomerRequest, RequestNote, Unit
from tuffops_desktop.domain.requests import CloseReason, RequestSource, RequestStatus, ScheduleTime, ticket_for
from tuffops_desktop.domain.work_orders import WorkOrderStatus, WorkOrderType
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.demo_work_orders import (
    DISPATCHER,
    JOBS,
    TYPES,
    Booking,
    Technician,
    _technicians,
    write_bookings,
)
from tuffops_desktop.services.request_writer import PUBLIC_FORM_USER

S = WorkOrderStatus
T = WorkOrderType
DAYS = 365
JOBS_PER_TECHNICIAN_MONTH = 20
JOBS_PER_UNIT_YEAR = 6  # maintenance visits, repairs, service calls
# Booked time per job, travel included: longer than the demo week's short slots.
HOURS = tuple(Decimal(h) for h in ("2", "2.5", "3", "3", "3.5", "4", "5", "6"))
# The hot season keeps air conditioning busy; the cooler months are quieter.
SEASON = {1: 0.75, 2: 0.75, 3: 0.85, 4: 1.0, 5: 1.15, 6: 1.25, 7: 1.35, 8: 1.35, 9: 1.2, 10: 1.1, 11: 0.9, 12: 0.8}
WEEKEND = 0.25  # share of a weekday's calls that come in on a Saturday or Sunday
FROM_REQUEST = 0.5  # repairs and service calls that start as a customer request
QR_SHARE = 0.45  # of those, sent with the unit's QR code (the rest phoned or e-mailed in)
CALL_BACK = 0.09  # finished repairs and services that come back within a month
CANCELLED = 0.06
RESOLVED_REQUESTS = 0.18  # requests closed without a work order, per converted one
OPEN_REQUESTS = 6  # still in the inbox: sent in the last three days
TROUBLESOME = 0.05  # units that break down far more often than the rest

COMPLAINTS = (
    "Not cooling, blowing warm air",
    "Water dripping from the indoor unit onto the floor",
    "Loud rattling from the outdoor unit",
    "Unit trips the breaker when it starts",
    "Remote not responding, unit will not start",
    "Ice on the pipes outside",
    "Smells musty when it comes on",
    "Error code flashing on the display",
    "Cooler not holding temperature overnight",
    "Fan runs but the compressor does not start",
)
RESOLVED_NOTES = (
    "Talked the customer through resetting the breaker; unit running again.",
    "Batteries in the remote were flat. Customer will call back if it happens again.",
    "Filter cleaned by the customer on our advice; cooling fine now.",
    "Duplicate of a request already booked for this unit.",
    "Customer cancelled: the landlord's contractor is handling it.",
)
CALL_BACK_TEXT = "Call-back: the same fault is back after our last visit"


@dataclass(frozen=True)
class _Unit:
    id: int
    customer_id: int
    sla_hours: int | None
    contacts: tuple[str, ...]


@dataclass
class _Job:
    """A work order to book: when it was made, on which unit, and where it came from."""

    created: datetime
    unit: _Unit
    work_type: WorkOrderType
    text: str
    source: RequestSource | None = None  # made from a request sent this way
    received: datetime | None = None  # when that request came in
    window: str | None = None
    maintenance_due_on: date | None = None


def seed_year(session: Session, ctx: ServiceContext, seed: int) -> int:
    """Write the year of requests and work orders before this week (see the module); returns
    how many work orders it wrote."""
    rng = random.Random(seed + 365)
    technicians = _technicians(session)
    units = _units(session)
    if not technicians or not units:
        return 0
    now = ctx.now().astimezone()
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), time.min).astimezone()
    weights = [3.0 if rng.random() < TROUBLESOME else 1.0 for _ in units]
    busy: dict[tuple[int, date], list[tuple[datetime, datetime]]] = defaultdict(list)
    last_done: dict[int, datetime] = {}  # unit → when work on it was last completed
    call_backs: list[_Job] = []
    bookings: list[Booking] = []
    jobs: list[_Job] = []
    # as busy as the technicians can be, but no busier than the units keep them
    per_day = min(len(technicians) * JOBS_PER_TECHNICIAN_MONTH * 12, len(units) * JOBS_PER_UNIT_YEAR) / 365
    first = monday.date() - timedelta(days=DAYS)
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        expected = per_day * SEASON[day.month] * (WEEKEND if day.weekday() >= 5 else 1.0)
        count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
        todays = [_new_job(rng, day, units, weights, last_done) for _ in range(count)]
        todays += [job for job in call_backs if job.created.date() == day]
        for job in sorted(todays, key=lambda j: j.created):
            booking = _book(rng, job, technicians, busy, monday)
            if booking is None:
                continue
            bookings.append(booking)
            jobs.append(job)
            if booking.target is S.COMPLETED and booking.start is not None:
                done = booking.start + timedelta(hours=float(booking.hours) + 1)
                last_done[job.unit.id] = done
                if job.work_type in (T.REPAIR, T.SERVICE) and rng.random() < CALL_BACK:
                    back = done + timedelta(days=rng.randint(2, 26), hours=rng.randint(0, 6))
                    if back < monday - timedelta(days=3):
                        call_backs.append(
                            _Job(back, job.unit, T.REPAIR, CALL_BACK_TEXT, window=ScheduleTime.ALL_DAY.value)
                        )
    request_ids = _requests(session, ctx, rng, jobs, now, monday, units)
    bookings = [_with_request(b, request_ids[n]) if n in request_ids else b for n, b in enumerate(bookings)]
    ids = write_bookings(session, ctx, rng, bookings, now, audit_row=False)
    links = [{"rid": request_ids[n], "wid": ids[n]} for n in request_ids]
    if links:
        requests = table_of(CustomerRequest)
        session.connection().execute(
            update(requests).where(requests.c.id == bindparam("rid")).values(work_order_id=bindparam("wid")), links
        )
    audit.record(
        session, ctx, "database", "demo", "seed_history", {"work_orders": [None, len(ids)], "days": [None, DAYS]}
    )
    return len(ids)


def _units(session: Session) -> list[_Unit]:
    stmt = (
        select(Unit.id, Unit.customer_id, Customer.default_sla_hours, Customer.phones, Customer.emails)
        .join(Customer, Customer.id == Unit.customer_id)
        .where(Unit.active.is_(True))
        .order_by(Unit.id)
    )
    found = []
    for uid, cid, sla, phones, emails in session.execute(stmt):
        if cid is None:  # the join keeps units with a customer only
            continue
        contacts = tuple(c.strip() for c in f"{phones},{emails}".split(",") if c.strip())
        found.append(_Unit(uid, cid, sla, contacts))
    return found


def _new_job(
    rng: random.Random, day: date, units: list[_Unit], weights: list[float], last_done: dict[int, datetime]
) -> _Job:
    """A call that comes in on ``day``: its type, unit and whether a request started it."""
    created = datetime.combine(day, time(7)).astimezone() + timedelta(minutes=rng.randint(0, 11 * 60))
    work_type = rng.choice(TYPES)
    unit = rng.choices(units, weights)[0]
    if work_type is T.REPAIR:  # a repair soon after other work would be a call-back: those are made on purpose
        for _ in range(40):
            done = last_done.get(unit.id)
            if done is None or created - done > timedelta(days=31):
                break
            unit = rng.choices(units, weights)[0]
    if work_type is T.MAINTENANCE:
        due_on = day + timedelta(days=rng.randint(5, 21))
        return _Job(created, unit, work_type, "Planned maintenance visit", maintenance_due_on=due_on)
    if work_type in (T.REPAIR, T.SERVICE) and rng.random() < FROM_REQUEST:
        source = RequestSource.QR if rng.random() < QR_SHARE else RequestSource.OFFICE
        triage = timedelta(minutes=rng.choice((10, 25, 45, 90, 180, 300, 600, 1440, 2000, 2900)) + rng.randint(0, 20))
        return _Job(
            created,
            unit,
            work_type,
            rng.choice(COMPLAINTS),
            source=source,
            received=created - triage,
            window=rng.choice(list(ScheduleTime)).value,
        )
    return _Job(created, unit, work_type, rng.choice(JOBS), window=rng.choice([None, ScheduleTime.ALL_DAY.value]))


def _book(
    rng: random.Random,
    job: _Job,
    technicians: list[Technician],
    busy: dict[tuple[int, date], list[tuple[datetime, datetime]]],
    monday: datetime,
) -> Booking | None:
    """A technician and a start for ``job`` (None when it would reach into the demo week)."""
    # an urgent call under a service level is a shorter visit than planned work
    hours = rng.choice(HOURS[:5] if job.unit.sla_hours and job.maintenance_due_on is None else HOURS)
    if job.maintenance_due_on is not None:
        due = datetime.combine(job.maintenance_due_on, time.min).astimezone()
        earliest = (
            due + timedelta(days=rng.randint(1, 6)) if rng.random() < 0.12 else due - timedelta(days=rng.randint(1, 5))
        )
        earliest = max(earliest, job.created + timedelta(hours=2))
    elif job.unit.sla_hours:
        # mostly the same or the next working day; now and then a backlog or a missing part
        late = rng.random() < 0.08
        earliest = job.created + timedelta(hours=rng.uniform(20, 60) if late else rng.uniform(0.5, 6))
    else:
        earliest = job.created + timedelta(hours=rng.uniform(1, 24 * 5))
    # the dispatcher gives it to whichever of three technicians is free first
    options = []
    for tech in rng.sample(technicians, min(3, len(technicians))):
        slot = _free_slot(tech, earliest, hours, busy)
        if slot is not None:
            options.append((slot, rng.random(), tech))
    if not options:
        return None
    start, _tie, tech = min(options, key=lambda o: o[:2])
    if start + timedelta(hours=float(hours) + 2) >= monday:
        return None
    busy[(tech.id, start.date())].append((start, start + timedelta(hours=float(hours))))
    target = S.CANCELLED if rng.random() < CANCELLED else S.COMPLETED
    return Booking(
        (job.unit.id, job.unit.customer_id, job.unit.sla_hours),
        target,
        job.created,
        hours,
        tech,
        start,
        work_type=job.work_type,
        text=job.text,
        window=job.window,
        maintenance_due_on=job.maintenance_due_on,
    )


def _free_slot(
    tech: Technician,
    earliest: datetime,
    hours: Decimal,
    busy: dict[tuple[int, date], list[tuple[datetime, datetime]]],
) -> datetime | None:
    """The first half hour at or after ``earliest`` inside the technician's hours where
    ``hours`` of work fit without overlapping their other bookings (within three weeks)."""
    length = timedelta(hours=float(hours))
    day = earliest.date()
    for _ in range(21):
        for period in (p for p in tech.hours if p.weekday == day.weekday()):
            slot = datetime.combine(day, period.starts).astimezone()
            closes = datetime.combine(day, period.ends).astimezone()
            while slot + length <= closes:
                if slot >= earliest and all(
                    slot + length <= b_start or slot >= b_end for b_start, b_end in busy[(tech.id, day)]
                ):
                    return slot
                slot += timedelta(minutes=30)
        day += timedelta(days=1)
    return None


def _with_request(booking: Booking, request_id: int) -> Booking:
    return Booking(
        booking.unit,
        booking.target,
        booking.created,
        booking.hours,
        booking.technician,
        booking.start,
        work_type=booking.work_type,
        text=booking.text,
        window=booking.window,
        request_id=request_id,
        maintenance_due_on=booking.maintenance_due_on,
    )


def _requests(
    session: Session,
    ctx: ServiceContext,
    rng: random.Random,
    jobs: list[_Job],
    now: datetime,
    monday: datetime,
    units: list[_Unit],
) -> dict[int, int]:
    """Write the requests: the converted ones behind ``jobs`` (closed when their work order
    was made), some resolved without one, and a few still open. Returns, per index into
    ``jobs``, the id of the request that job was converted from."""
    rows: list[dict[str, Any]] = []
    converted: list[int] = []
    for n, job in enumerate(jobs):
        if job.source is None or job.received is None:
            continue
        converted.append(n)
        rows.append(_request_row(rng, job.unit, job.text, job.source, job.received, job.window))
        rows[-1].update(
            status=RequestStatus.CLOSED.value,
            close_reason=CloseReason.CONVERTED.value,
            closed_at=job.created,
            closed_by=DISPATCHER,
            updated_at=job.created,
            version=2,
        )
    resolved: list[tuple[int, str]] = []
    first = monday - timedelta(days=DAYS)
    for _ in range(round(len(converted) * RESOLVED_REQUESTS)):
        received = first + timedelta(minutes=rng.randint(0, (DAYS - 4) * 24 * 60))
        if received.hour < 7 or received.hour > 20:
            received += timedelta(hours=10)
        closed = received + timedelta(minutes=rng.randint(15, 2 * 24 * 60))
        source = RequestSource.QR if rng.random() < QR_SHARE else RequestSource.OFFICE
        rows.append(_request_row(rng, rng.choice(units), rng.choice(COMPLAINTS), source, received, None))
        rows[-1].update(
            status=RequestStatus.CLOSED.value,
            close_reason=CloseReason.RESOLVED.value,
            closed_at=closed,
            closed_by=DISPATCHER,
            updated_at=closed,
            version=2,
        )
        resolved.append((len(rows) - 1, rng.choice(RESOLVED_NOTES)))
    for n in range(OPEN_REQUESTS):
        received = now - timedelta(minutes=rng.randint(20, 3 * 24 * 60))
        source = RequestSource.QR if n % 2 == 0 else RequestSource.OFFICE
        rows.append(_request_row(rng, rng.choice(units), rng.choice(COMPLAINTS), source, received, None))
        if n % 3 == 2:
            rows[-1].update(status=RequestStatus.ONGOING.value, updated_at=min(now, received + timedelta(hours=1)))
    if not rows:
        return {}
    insert = table_of(CustomerRequest).insert().returning(table_of(CustomerRequest).c.id, sort_by_parameter_order=True)
    ids = [row[0] for row in session.execute(insert, rows)]
    notes = [
        {"request_id": ids[at], "author": DISPATCHER, "created_at": rows[at]["closed_at"], "body": body}
        for at, body in resolved
    ]
    if notes:
        session.execute(table_of(RequestNote).insert(), notes)
    audit.record(session, ctx, "database", "demo", "seed_requests", {"requests": [None, len(rows)]})
    return {n: ids[k] for k, n in enumerate(converted)}


def _request_row(
    rng: random.Random, unit: _Unit, text: str, source: RequestSource, received: datetime, window: str | None
) -> dict[str, Any]:
    """A request as it came in (open); the caller closes it."""
    key = f"{rng.getrandbits(128):032x}"  # the form's one-time key (the same for the same seed)
    if unit.contacts and rng.random() < 0.8:
        contact = rng.choice(unit.contacts)  # verified: one of the customer's own phones or e-mails
    else:
        contact = f"+1 869 {rng.randint(460, 769)} {rng.randint(1000, 9999)}"
    return {
        "ticket": ticket_for(key),
        "submission_key": key,
        "unit_id": unit.id,
        "request": text,
        "schedule_at": received.date() + timedelta(days=rng.randint(0, 5)),
        "schedule_time": window or rng.choice(list(ScheduleTime)).value,
        "contact_info": contact,
        "source": source.value,
        "status": RequestStatus.OPEN.value,
        "close_reason": None,
        "work_order_id": None,
        "created_at": received,
        "created_by": PUBLIC_FORM_USER if source is RequestSource.QR else DISPATCHER,
        "updated_at": received,
        "closed_at": None,
        "closed_by": "",
        "version": 1,
    }
