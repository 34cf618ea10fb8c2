"""What the dispatch board shows for a day or a week, read in one background call
(``DispatchService.board``), and the checks a booking goes through before it is made
(overlap, working hours: ``domain.scheduling``).

The plan also says which bookings are already in trouble, so both views can flag them: a
booking that overlaps another of the same technician, and one outside the technician's
working hours (each was confirmed by whoever booked it, or booked elsewhere).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from functools import cached_property

from tuffops_desktop.domain.scheduling import (
    Slot,
    WorkingHours,
    first_free_start,
    overlapping,
    within_working_hours,
)
from tuffops_desktop.domain.work_orders import OPEN, SlaState, WorkOrderStatus, sla_state
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.work_orders import TechnicianInfo, WorkOrderRow
from tuffops_desktop.services.registry import Services

DEFAULT_START = time(9)  # where work goes on a day without a working period (asked first)


class Flag(Enum):
    """Why a booking on the board is marked."""

    OVERLAP = "overlap"  # shares time with another booking of the same technician
    OUTSIDE = "outside"  # not inside the technician's working hours


@dataclass(frozen=True)
class BoardPlan:
    """``days`` days of the board from ``first``: who works, their hours, what is booked, what waits."""

    first: date
    days: int
    technicians: Sequence[TechnicianInfo]
    hours: Mapping[int, tuple[WorkingHours, ...]]
    bookings: Sequence[WorkOrderRow]  # booked on these days with a technician, not cancelled
    queue: Sequence[WorkOrderRow]  # unassigned, most urgent first
    queue_total: int
    now: datetime
    _marks: dict[tuple[int, date], dict[int, frozenset[Flag]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]

    def shows(self, day: date) -> bool:
        return self.first <= day < self.first + timedelta(days=self.days)

    def technician(self, technician_id: int) -> TechnicianInfo | None:
        return next((t for t in self.technicians if t.id == technician_id), None)

    def find(self, work_order_id: int) -> WorkOrderRow | None:
        return next((r for r in (*self.bookings, *self.queue) if r.id == work_order_id), None)

    def working(self, technician_id: int, day: date) -> WorkingHours | None:
        """The technician's working period on ``day`` (None: a day off)."""
        return next((h for h in self.hours.get(technician_id, ()) if h.weekday == day.weekday()), None)

    def sla(self, row: WorkOrderRow) -> SlaState:
        """Green / amber / red for open work; nothing for work that is done."""
        if WorkOrderStatus(row.status) not in OPEN:
            return SlaState.NONE
        return sla_state(row.created_at, row.due_at, self.now)

    @cached_property
    def cells(self) -> dict[tuple[int, date], list[WorkOrderRow]]:
        """Bookings by (technician, local day), in start order: the week view's cells."""
        found: dict[tuple[int, date], list[WorkOrderRow]] = {}
        for row in self.bookings:
            begins = local_start(row)
            if begins is not None and row.technician_id is not None:
                found.setdefault((row.technician_id, begins.date()), []).append(row)
        for rows in found.values():
            rows.sort(key=lambda r: (r.scheduled_start, r.id))
        return found

    def flags_of(self, row: WorkOrderRow) -> frozenset[Flag]:
        """The marks of a booking (none: an empty set). Worked out per technician and day when
        first asked, so a board only pays for the cells it paints."""
        begins = local_start(row)
        if begins is None or row.technician_id is None:
            return frozenset()
        key = (row.technician_id, begins.date())
        if key not in self._marks:
            self._marks[key] = self._mark_cell(row.technician_id, self.cells.get(key, []))
        return self._marks[key].get(row.id, frozenset())

    def _mark_cell(self, technician_id: int, rows: Sequence[WorkOrderRow]) -> dict[int, frozenset[Flag]]:
        marked: dict[int, set[Flag]] = {}
        hours = self.hours.get(technician_id, ())
        latest: datetime | None = None
        previous: WorkOrderRow | None = None
        for row in rows:  # in start order: a booking overlaps one that ends after it starts
            begins = local_start(row)
            assert begins is not None
            ends = begins + duration(row)
            if previous is not None and latest is not None and begins < latest:
                marked.setdefault(row.id, set()).add(Flag.OVERLAP)
                marked.setdefault(previous.id, set()).add(Flag.OVERLAP)
            if latest is None or ends > latest:
                latest, previous = ends, row
            if not within_working_hours(hours, begins, duration(row)):
                marked.setdefault(row.id, set()).add(Flag.OUTSIDE)
        return {wid: frozenset(f) for wid, f in marked.items()}

    def slots(self, technician_id: int) -> list[Slot]:
        return [
            Slot(r.id, begins, begins + duration(r))
            for r in self.bookings
            if r.technician_id == technician_id and (begins := local_start(r)) is not None
        ]


def load_board(services: Services, first: date, days: int) -> BoardPlan:
    """Read ``days`` days of the board from ``first`` (runs on the task runner, never on the GUI thread)."""
    board = services.dispatch.board(first, days)
    return BoardPlan(
        first=board.first,
        days=board.days,
        technicians=board.technicians,
        hours=board.hours,
        bookings=board.bookings,
        queue=board.queue,
        queue_total=board.queue_total,
        now=board.now,
    )


def week_of(day: date) -> date:
    """The Monday of ``day``'s week (the week view shows Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def midnight(day: date) -> datetime:
    """The start of ``day`` in local time."""
    return datetime.combine(day, time()).astimezone()


def local_start(row: WorkOrderRow) -> datetime | None:
    return row.scheduled_start.astimezone() if row.scheduled_start is not None else None


def duration(row: WorkOrderRow) -> timedelta:
    return timedelta(hours=float(row.estimated_hours))


def start_on_day(plan: BoardPlan, work_order_id: int, technician_id: int, day: date, length: timedelta) -> datetime:
    """Where work dropped on a technician's day in the week view starts: the first free half hour
    inside their working hours (not in the past), else the start of their working period (or
    09:00 on a day off) — which ``booking_problems`` then flags for confirmation."""
    slots = [s for s in plan.slots(technician_id) if s.work_order_id != work_order_id]
    hours = plan.hours.get(technician_id, ())
    now = plan.now.astimezone()
    found = first_free_start(hours, slots, midnight(day), length, not_before=now if day == now.date() else None)
    if found is not None:
        return found
    period = plan.working(technician_id, day)
    return datetime.combine(day, period.starts if period is not None else DEFAULT_START).astimezone()


def booking_problems(
    plan: BoardPlan, work_order_id: int, technician_id: int, start: datetime, length: timedelta
) -> list[str]:
    """Why booking ``work_order_id`` for ``technician_id`` from ``start`` (local) needs a
    confirmation: other bookings it overlaps, and hours outside the technician's working hours."""
    tech = plan.technician(technician_id)
    name = (tech.full_name or tech.username) if tech else "?"
    problems = []
    clashes = overlapping(plan.slots(technician_id), start, start + length, ignore=work_order_id)
    if clashes:
        numbers = ", ".join(r.number for r in plan.bookings if r.id in clashes)
        problems.append(_("It overlaps {numbers}, already booked for {name}.").format(numbers=numbers, name=name))
    if not within_working_hours(plan.hours.get(technician_id, ()), start, length):
        problems.append(_("It is outside {name}'s working hours.").format(name=name))
    return problems
