"""The dispatch board as one read returns it: who works, their hours, what is booked, what waits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from tuffops_desktop.domain.scheduling import WorkingHours
from tuffops_desktop.services.dto.work_orders import TechnicianInfo, WorkOrderRow


@dataclass(frozen=True)
class DispatchBoard:
    """``days`` local days from ``first``: the active technicians and their working weeks, the
    work booked on those days (with a technician, not cancelled) in start order, and the most
    urgent unassigned work orders (``queue_total`` of them wait in all)."""

    first: date
    days: int
    technicians: tuple[TechnicianInfo, ...]
    hours: Mapping[int, tuple[WorkingHours, ...]]
    bookings: tuple[WorkOrderRow, ...]
    queue: tuple[WorkOrderRow, ...]
    queue_total: int
    now: datetime
