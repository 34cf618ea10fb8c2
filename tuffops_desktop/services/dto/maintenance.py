"""Preventive maintenance as the pages show it: a line of the due list, and what bulk creation did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MaintenanceDueRow:
    """One unit on the "maintenance due" list."""

    unit_id: int
    unit_label: str
    customer_id: int | None
    customer_name: str
    address: str  # the site: street address, city and postcode of the unit
    city: str
    postcode: str
    frequency: str
    maintained_at: date | None
    due_on: date
    overdue: bool
    open_work_order_id: int | None  # an open maintenance work order for this due date, if any
    open_work_order_number: str


@dataclass(frozen=True)
class MaintenanceCreated:
    """The outcome of bulk creation: the new work orders and the units left out, with why."""

    created: tuple[tuple[int, int, str, date], ...]  # (unit id, work order id, number, due date)
    skipped: tuple[tuple[int, str], ...]  # (unit id, reason)
