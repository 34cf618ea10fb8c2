"""Technicians' working hours, and whether a booking falls inside them.

A technician works at most one period per weekday (``weekday`` 0 = Monday … 6 = Sunday),
from ``starts`` to ``ends`` in the office's local time; a weekday without a period is a
day off. The dispatch board flags a booking outside these hours and asks before keeping it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from tuffops_desktop.domain.errors import ValidationError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, order=True)
class WorkingHours:
    """One working period: a weekday (0 = Monday) from ``starts`` to ``ends`` (local time)."""

    weekday: int
    starts: time
    ends: time


# What a new technician works unless told otherwise: Monday to Friday, 08:00-17:00.
STANDARD_WEEK: tuple[WorkingHours, ...] = tuple(WorkingHours(day, time(8), time(17)) for day in range(5))


def validate_working_hours(periods: Iterable[WorkingHours]) -> tuple[WorkingHours, ...]:
    """One period per weekday at most, each starting before it ends; sorted by weekday."""
    errors: dict[str, str] = {}
    seen: set[int] = set()
    result = []
    for period in periods:
        if not 0 <= period.weekday <= 6:
            errors["weekday"] = "Choose a day from Monday to Sunday."
            continue
        name = WEEKDAYS[period.weekday]
        if period.weekday in seen:
            errors[name.lower()] = f"{name} is listed twice; give one period per day."
        elif period.starts >= period.ends:
            errors[name.lower()] = f"On {name} the work must start before it ends."
        seen.add(period.weekday)
        result.append(period)
    if errors:
        raise ValidationError(errors)
    return tuple(sorted(result))


def within_working_hours(hours: Iterable[WorkingHours], start: datetime, duration: timedelta) -> bool:
    """Whether a booking from ``start`` (local time) lasting ``duration`` lies inside one working period."""
    end = start + duration
    for period in hours:
        if period.weekday != start.weekday():
            continue
        opens = start.replace(hour=period.starts.hour, minute=period.starts.minute, second=0, microsecond=0)
        closes = start.replace(hour=period.ends.hour, minute=period.ends.minute, second=0, microsecond=0)
        if opens <= start and end <= closes:
            return True
    return False


@dataclass(frozen=True)
class Slot:
    """One booked stretch of a technician's time: work order ``work_order_id`` from ``start`` to ``end``."""

    work_order_id: int
    start: datetime
    end: datetime


def overlapping(slots: Iterable[Slot], start: datetime, end: datetime, *, ignore: int | None = None) -> list[int]:
    """The work orders among ``slots`` whose time shares more than an instant with ``start``..``end``
    (touching ends do not overlap); ``ignore`` is the work order being moved."""
    return [s.work_order_id for s in slots if s.work_order_id != ignore and s.start < end and start < s.end]


def snap(minutes: float, step: int = 30) -> int:
    """``minutes`` since midnight rounded to the nearest ``step`` (a drop lands on the half hour)."""
    return int(round(minutes / step)) * step


def first_free_start(
    hours: Iterable[WorkingHours],
    slots: Iterable[Slot],
    midnight: datetime,
    duration: timedelta,
    *,
    not_before: datetime | None = None,
    step: int = 30,
) -> datetime | None:
    """Where the week view books work dropped on a technician's day: the earliest start on the
    ``step``-minute grid, from ``midnight`` (the day's local midnight) on and not before
    ``not_before``, at which ``duration`` lies inside the day's working period and overlaps none
    of ``slots``. None when there is no such room (a day off, or a full day)."""
    booked = list(slots)
    for period in hours:
        if period.weekday != midnight.weekday():
            continue
        start = midnight.replace(hour=period.starts.hour, minute=period.starts.minute)
        closes = midnight.replace(hour=period.ends.hour, minute=period.ends.minute)
        if not_before is not None and start < not_before:
            start = _on_step(not_before, midnight, step)
        while start + duration <= closes:
            clashes = [s for s in booked if s.start < start + duration and start < s.end]
            if not clashes:
                return start
            # the next grid point after ``start`` (an opening time off the grid, 08:15, goes on to
            # 08:30, not 08:45), or the first one after the clashing bookings end
            after = _on_step(start + timedelta(seconds=1), midnight, step)
            start = max(after, _on_step(max(s.end for s in clashes), midnight, step))
    return None


def _on_step(moment: datetime, midnight: datetime, step: int) -> datetime:
    """``moment`` rounded up to the ``step``-minute grid of the day that starts at ``midnight``."""
    return midnight + -(-(moment - midnight) // timedelta(minutes=step)) * timedelta(minutes=step)
