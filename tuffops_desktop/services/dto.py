"""Plain values the services hand to the UI, the CLI and the listener (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class SettingValue:
    name: str
    title: str
    kind: str
    group: str
    value: Any
    readonly: bool
    version: int


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    email: str
    role: str
    extra_permissions: tuple[str, ...]
    active: bool
    version: int


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customers list."""

    id: int
    customer_type: str
    display_name: str
    emails: str
    phones: str  # display form, comma separated
    city: str
    unit_count: int
    active: bool


@dataclass(frozen=True)
class CustomerDetail:
    """Everything the customer dialog edits."""

    id: int
    customer_type: str
    first_name: str
    last_name: str
    company_name: str
    display_name: str
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # E.164
    address: str
    city: str
    postcode: str
    country: str
    discount_rate: Decimal | None
    default_sla_hours: int | None
    remote_id: str | None
    notes: str
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class UnitRow:
    """One line of the units list."""

    id: int
    label: str
    serial_number: str
    model: str  # "Manufacturer Model"
    device_type: str
    customer_id: int | None
    customer_name: str
    customer_type: str
    city: str
    installed_at: date | None
    warranty_expires_at: date | None
    warranty_state: str
    link_group_size: int
    qr_code_guid: str
    active: bool


@dataclass(frozen=True)
class UnitDetail:
    id: int
    qr_code_guid: str
    public_url: str
    device_model_id: int
    model: str
    device_type: str
    customer_id: int | None
    customer_name: str
    link_group_id: int | None
    serial_number: str
    location: str
    label: str
    address: str
    city: str
    postcode: str
    installed_at: date | None
    warranty_months: int | None
    warranty_expires_at: date | None
    warranty_state: str
    maintenance_frequency: str
    serviced_at: date | None
    maintained_at: date | None
    notes: str
    active: bool
    version: int


@dataclass(frozen=True)
class OwnershipPeriod:
    customer_id: int | None
    customer_name: str
    started_at: datetime
    ended_at: datetime | None
    note: str
    changed_by: str


@dataclass(frozen=True)
class CatalogEntry:
    id: int
    name: str


@dataclass(frozen=True)
class DeviceModelInfo:
    id: int
    manufacturer: str
    device_type: str
    name: str
    default_cost: Decimal | None
    default_warranty_months: int | None
    default_maintenance_frequency: str

    @property
    def label(self) -> str:
        return f"{self.manufacturer} {self.name} ({self.device_type})"


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
