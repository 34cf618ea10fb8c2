"""What the dispatch board shows for one day, read in one background call, and the checks a
booking goes through before it is made (overlap, working hours: ``domain.scheduling``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tuffops_desktop.domain.scheduling import Slot, WorkingHours, overlapping, within_working_hours
from tuffops_desktop.domain.work_orders import OPEN, SlaState, WorkOrderStatus, sla_state, urgency_key
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.work_orders import TechnicianInfo, WorkOrderRow
from tuffops_desktop.services.listing import Between, ListQuery, any_of
from tuffops_desktop.services.registry import Services

QUEUE_MAX = 300  # the most urgent unassigned work orders the queue lists


@dataclass(frozen=True)
class DayPlan:
    """One day of the board: who works, their hours, what is booked, what waits."""

    day: date
    technicians: Sequence[TechnicianInfo]
    hours: Mapping[int, tuple[WorkingHours, ...]]
    bookings: Sequence[WorkOrderRow]  # booked on ``day`` with a technician, not cancelled
    queue: Sequence[WorkOrderRow]  # unassigned, most urgent first
    queue_total: int
    now: datetime

    def technician(self, technician_id: int) -> TechnicianInfo | None:
        return next((t for t in self.technicians if t.id == technician_id), None)

    def find(self, work_order_id: int) -> WorkOrderRow | None:
        return next((r for r in (*self.bookings, *self.queue) if r.id == work_order_id), None)

    def sla(self, row: WorkOrderRow) -> SlaState:
        """Green / amber / red for open work; nothing for work that is done."""
        if WorkOrderStatus(row.status) not in OPEN:
            return SlaState.NONE
        return sla_state(row.created_at, row.due_at, self.now)


def load_day(services: Services, day: date) -> DayPlan:
    """Read the board of ``day`` (runs on the task runner, never on the GUI thread)."""
    work_orders = services.work_orders
    technicians = work_orders.technicians()
    hours = services.working_hours.get([t.id for t in technicians])
    booked = work_orders.rows(
        work_orders.list_ids(ListQuery(sort="scheduled", filters={"scheduled": Between(day, day)}))
    )
    waiting = work_orders.list_ids(ListQuery(sort="due", filters={"status": any_of("unassigned")}))
    queue = sorted(work_orders.rows(waiting[:QUEUE_MAX]), key=lambda r: urgency_key(r.due_at, r.created_at, r.id))
    return DayPlan(
        day=day,
        technicians=technicians,
        hours=hours,
        bookings=[r for r in booked if r.technician_id is not None and r.status != "cancelled"],
        queue=queue,
        queue_total=len(waiting),
        now=services.ctx.now(),
    )


def local_start(row: WorkOrderRow) -> datetime | None:
    return row.scheduled_start.astimezone() if row.scheduled_start is not None else None


def duration(row: WorkOrderRow) -> timedelta:
    return timedelta(hours=float(row.estimated_hours))


def booking_problems(
    plan: DayPlan, work_order_id: int, technician_id: int, start: datetime, length: timedelta
) -> list[str]:
    """Why booking ``work_order_id`` for ``technician_id`` from ``start`` (local) needs a
    confirmation: other bookings it overlaps, and hours outside the technician's working hours."""
    tech = plan.technician(technician_id)
    name = (tech.full_name or tech.username) if tech else "?"
    slots = [
        Slot(r.id, begins, begins + duration(r))
        for r in plan.bookings
        if r.technician_id == technician_id and (begins := local_start(r)) is not None
    ]
    problems = []
    clashes = overlapping(slots, start, start + length, ignore=work_order_id)
    if clashes:
        numbers = ", ".join(r.number for r in plan.bookings if r.id in clashes)
        problems.append(_("It overlaps {numbers}, already booked for {name}.").format(numbers=numbers, name=name))
    if not within_working_hours(plan.hours.get(technician_id, ()), start, length):
        problems.append(_("It is outside {name}'s working hours.").format(name=name))
    return problems
