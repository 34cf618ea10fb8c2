"""The request inbox: a list row, the full request with its notes, and the work order a conversion made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class RequestRow:
    """One line of the inbox."""

    id: int
    ticket: str
    created_at: datetime
    unit_id: int
    unit_label: str
    customer_name: str
    customer_type: str
    schedule_at: date
    schedule_time: str
    status: str
    source: str
    verified: bool
    excerpt: str


@dataclass(frozen=True)
class RequestNoteInfo:
    author: str
    created_at: datetime
    body: str


@dataclass(frozen=True)
class RequestDetail:
    id: int
    ticket: str
    request: str
    schedule_at: date
    schedule_time: str
    contact_info: str
    source: str
    status: str
    close_reason: str | None
    work_order_id: int | None
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    closed_by: str
    verified: bool
    unit_id: int
    unit_label: str
    unit_model: str
    unit_serial: str
    unit_address: str
    customer_id: int | None
    customer_name: str
    customer_phones: tuple[str, ...]
    customer_emails: tuple[str, ...]
    notes: tuple[RequestNoteInfo, ...]
    version: int


@dataclass(frozen=True)
class WorkOrderInfo:
    id: int
    number: str
    unit_id: int
    customer_id: int | None
    status: str
    customer_requests: str
    request_id: int | None
    due_at: datetime | None
    created_by: str
