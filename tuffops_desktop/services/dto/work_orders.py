"""Work orders as the pages show them: a list row, and the whole work order with its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class WorkOrderRow:
    """One line of the work-orders list."""

    id: int
    number: str
    status: str
    work_type: str
    unit_id: int
    unit_label: str
    customer_id: int | None
    customer_name: str
    technician: str  # user name, "" when unassigned
    due_at: datetime | None
    scheduled_start: datetime | None
    created_at: datetime
    overdue: bool
    technician_id: int | None = None
    estimated_hours: Decimal = Decimal("2")  # how long the booking lasts on the dispatch board


@dataclass(frozen=True)
class WorkOrderHistoryInfo:
    at: datetime
    by: str
    from_status: str | None
    to_status: str
    reason: str


@dataclass(frozen=True)
class WorkOrderNoteInfo:
    author: str
    created_at: datetime
    body: str


@dataclass(frozen=True)
class WorkOrderDetail:
    id: int
    number: str
    status: str
    work_type: str
    unit_id: int
    unit_label: str
    customer_id: int | None
    customer_name: str
    request_id: int | None
    technician_id: int | None
    technician: str
    customer_requests: str
    due_at: datetime | None
    scheduled_start: datetime | None
    time_window: str | None
    estimated_hours: Decimal
    created_at: datetime
    created_by: str
    time_on_site: timedelta
    history: tuple[WorkOrderHistoryInfo, ...]
    notes: tuple[WorkOrderNoteInfo, ...]
    actions: tuple[str, ...]  # what the signed-in user may do now (domain Action values)
    version: int


@dataclass(frozen=True)
class TechnicianInfo:
    id: int
    username: str
    full_name: str
