"""Preventive maintenance: which units are due, and what a maintenance work order is for.

A unit's next due date is ``domain.units.maintenance_dates`` (last maintenance, or the
install date when never maintained, plus the cadence's months). The "maintenance due"
view lists the units whose next date is on or before a horizon (today + N days); a unit
is overdue when that date is before today. A maintenance work order is made for one
period, named by the due date it is for, and a unit has at most one open work order per
period. Approving it moves ``maintained_at``, and with it the next due date.
"""

from __future__ import annotations

from datetime import date, timedelta

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.units import MaintenanceFrequency, add_months

DUE_WITHIN_MAX_DAYS = 366


def validate_within_days(days: int) -> int:
    """The look-ahead of the due list: 0 (only what is due today or overdue) up to a year."""
    if not 0 <= days <= DUE_WITHIN_MAX_DAYS:
        raise ValidationError({"within_days": f"Between 0 and {DUE_WITHIN_MAX_DAYS} days."})
    return days


def latest_start_due_by(horizon: date, months: int) -> date:
    """The latest last-maintenance (or install) date whose next due date, ``months`` later, is on
    or before ``horizon``.

    ``add_months`` clamps the day (31 Jan + 1 month = 28 Feb) and never decreases, so the
    starts due by ``horizon`` are exactly those on or before this date: a database can
    select them with a plain comparison per cadence.
    """
    start = add_months(horizon, -months)
    while add_months(start + timedelta(days=1), months) <= horizon:
        start += timedelta(days=1)
    return start


def cadence_months() -> dict[str, int]:
    """Every cadence that schedules maintenance, with its months."""
    return {f.value: f.months for f in MaintenanceFrequency if f.months}


def work_order_text(frequency: str, due_on: date) -> str:
    """What a maintenance work order asks for (its customer-requests text)."""
    try:
        cadence = MaintenanceFrequency(frequency).label.lower()
    except ValueError:
        cadence = frequency
    return f"Preventive maintenance ({cadence}) due {due_on.isoformat()}."
