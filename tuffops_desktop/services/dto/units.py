"""Units: a list row, the full record and its ownership history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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
    maintained_at: date | None = None
    next_maintenance_at: date | None = None  # from the cadence (domain.units.maintenance_dates)
    maintenance_overdue: bool = False


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
    next_maintenance_at: date | None = None  # from the cadence (domain.units.maintenance_dates)


@dataclass(frozen=True)
class OwnershipPeriod:
    customer_id: int | None
    customer_name: str
    started_at: datetime
    ended_at: datetime | None
    note: str
    changed_by: str
