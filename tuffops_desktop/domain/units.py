"""Units: one installed piece of equipment, the thing the QR sticker sits on.

A unit is an instance of a device model (the spec sheet: manufacturer, type, model name)
with its own serial number, site, warranty clock and history. It may be stock with no
customer, but needs one before a work order is dispatched. Its warranty expiry is computed
from ``installed_at`` + ``warranty_months`` and never stored, so it can never disagree
with its inputs.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.i18n import N_

SERIAL_MAX = 100
LOCATION_MAX = 120
ADDRESS_MAX = 200
WARRANTY_MONTHS_MAX = 600
EXPIRING_SOON_DAYS = 60


class MaintenanceFrequency(StrEnum):
    """Preventive-maintenance cadence of a unit."""

    NONE = "none"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"

    @property
    def label(self) -> str:
        return _FREQUENCY_LABELS[self]

    @property
    def months(self) -> int | None:
        return _FREQUENCY_MONTHS[self]


_FREQUENCY_LABELS = {
    MaintenanceFrequency.NONE: N_("None"),
    MaintenanceFrequency.MONTHLY: N_("Monthly"),
    MaintenanceFrequency.QUARTERLY: N_("Quarterly"),
    MaintenanceFrequency.SEMIANNUAL: N_("Every 6 months"),
    MaintenanceFrequency.ANNUAL: N_("Yearly"),
}
_FREQUENCY_MONTHS = {
    MaintenanceFrequency.NONE: None,
    MaintenanceFrequency.MONTHLY: 1,
    MaintenanceFrequency.QUARTERLY: 3,
    MaintenanceFrequency.SEMIANNUAL: 6,
    MaintenanceFrequency.ANNUAL: 12,
}


class WarrantyState(StrEnum):
    """Warranty as the office sees it today."""

    UNKNOWN = "unknown"  # no install date or no warranty months
    ACTIVE = "active"
    EXPIRING = "expiring"  # expires within EXPIRING_SOON_DAYS
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return _WARRANTY_LABELS[self]


# One word per state, the same in the list, the detail panel and everywhere else.
_WARRANTY_LABELS = {
    WarrantyState.UNKNOWN: N_("No warranty data"),
    WarrantyState.ACTIVE: N_("In warranty"),
    WarrantyState.EXPIRING: N_("Ending soon"),
    WarrantyState.EXPIRED: N_("Expired"),
}


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months; the day is clamped (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def warranty_expires_at(installed_at: date | None, warranty_months: int | None) -> date | None:
    """The warranty's last covered day is the day before this date; None when unknown."""
    if installed_at is None or not warranty_months:
        return None
    return add_months(installed_at, warranty_months)


def warranty_state(installed_at: date | None, warranty_months: int | None, today: date) -> WarrantyState:
    """Classify the warranty on ``today``."""
    expires = warranty_expires_at(installed_at, warranty_months)
    if expires is None:
        return WarrantyState.UNKNOWN
    if today >= expires:
        return WarrantyState.EXPIRED
    if expires - today <= timedelta(days=EXPIRING_SOON_DAYS):
        return WarrantyState.EXPIRING
    return WarrantyState.ACTIVE


@dataclass(frozen=True)
class MaintenanceDates:
    """A unit's preventive maintenance: when it was last done and when it is due next
    (None: never recorded / not scheduled)."""

    last: date | None
    next: date | None

    def overdue(self, today: date) -> bool:
        return self.next is not None and self.next < today


def maintenance_dates(frequency: str, maintained_at: date | None, installed_at: date | None) -> MaintenanceDates:
    """Last and next maintenance from the cadence: next = last maintenance (or, never
    maintained, the install date) + the cadence's months. No cadence, or neither date
    known: nothing is due."""
    try:
        months = MaintenanceFrequency(frequency).months
    except ValueError:
        months = None
    start = maintained_at or installed_at
    due = add_months(start, months) if months and start is not None else None
    return MaintenanceDates(last=maintained_at, next=due)


def friendly_label(location: str | None, serial_number: str | None, model_name: str | None) -> str:
    """What people call the unit: its location text, else its serial, else its model."""
    for candidate in (location, serial_number, model_name):
        if candidate and candidate.strip():
            return candidate.strip()
    return "Unit"


@dataclass(frozen=True)
class UnitInput:
    """Raw unit fields from a form, an import row or the CLI."""

    device_model_id: int | None = None
    customer_id: int | None = None
    serial_number: str = ""
    location: str = ""
    address: str = ""
    city: str = ""
    postcode: str = ""
    installed_at: date | str | None = None
    warranty_months: int | str | None = None
    maintenance_frequency: str = MaintenanceFrequency.NONE.value
    notes: str = ""


@dataclass(frozen=True)
class UnitFields:
    """A validated unit, ready to store."""

    device_model_id: int
    customer_id: int | None
    serial_number: str
    location: str
    address: str
    city: str
    postcode: str
    installed_at: date | None
    warranty_months: int | None
    maintenance_frequency: MaintenanceFrequency
    notes: str


def validate_unit(data: UnitInput, today: date) -> UnitFields:
    """Check a unit's fields; every problem is reported at once, per field."""
    errors: dict[str, str] = {}
    if not data.device_model_id:
        errors["device_model_id"] = "Choose the device model."
    serial = " ".join((data.serial_number or "").split())
    location = " ".join((data.location or "").split())
    if len(serial) > SERIAL_MAX:
        errors["serial_number"] = f"At most {SERIAL_MAX} characters."
    if len(location) > LOCATION_MAX:
        errors["location"] = f"At most {LOCATION_MAX} characters."
    for name in ("address", "city", "postcode"):
        if len((getattr(data, name) or "").strip()) > ADDRESS_MAX:
            errors[name] = f"At most {ADDRESS_MAX} characters."
    installed = _parse_date(data.installed_at, errors, "installed_at")
    if installed and installed > today + timedelta(days=366):
        errors["installed_at"] = "The install date is more than a year in the future."
    months = _parse_months(data.warranty_months, errors)
    try:
        frequency = MaintenanceFrequency(str(data.maintenance_frequency or "none").strip().lower())
    except ValueError:
        errors["maintenance_frequency"] = "Choose a maintenance frequency from the list."
        frequency = MaintenanceFrequency.NONE
    if errors:
        raise ValidationError(errors)
    return UnitFields(
        device_model_id=int(data.device_model_id),  # type: ignore[arg-type]
        customer_id=data.customer_id,
        serial_number=serial,
        location=location,
        address=" ".join((data.address or "").split()),
        city=" ".join((data.city or "").split()),
        postcode=" ".join((data.postcode or "").split()),
        installed_at=installed,
        warranty_months=months,
        maintenance_frequency=frequency,
        notes=(data.notes or "").strip(),
    )


def _parse_date(value: object, errors: dict[str, str], name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = "Use the date format YYYY-MM-DD."
        return None


def _parse_months(value: object, errors: dict[str, str]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        months = int(str(value).strip())
    except ValueError:
        errors["warranty_months"] = "Enter whole months, e.g. 12."
        return None
    if months < 0 or months > WARRANTY_MONTHS_MAX:
        errors["warranty_months"] = f"Between 0 and {WARRANTY_MONTHS_MAX} months."
        return None
    return months or None
