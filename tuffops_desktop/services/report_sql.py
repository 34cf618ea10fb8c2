"""SQL pieces the report figures share, written once for SQLite and PostgreSQL.

Timestamps are stored in UTC (``db.base.UtcDateTime``: naive ``YYYY-MM-DD HH:MM:SS.ffffff``
text on SQLite, ``timestamptz`` on PostgreSQL); a report's days are the workstation's local
days (``domain/reports.py``). So:

* a period is the UTC range from the local midnight starting its first day to the one
  ending its last (``period_range``), the same bounds as the lists' ``Between`` filters;
* a timestamp's local week is found in SQL from its UTC seconds plus the local
  UTC offset in force at that moment. The offsets over a period are computed here in
  Python (``LocalOffsets``: the daylight-saving changes inside it, found to the second) and
  given to the database as a short ``CASE``, so both databases bucket alike, around
  midnight and across a clock change, with no time-zone database of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Float, Integer, Interval, and_, case, cast, func, literal, type_coerce

from tuffops_desktop.db.base import UtcDateTime
from tuffops_desktop.domain.reports import Period, week_start
from tuffops_desktop.domain.work_orders import WorkOrderStatus

EPOCH = date(1970, 1, 1)
DAY_S = 86_400
WEEK_S = 7 * DAY_S


def local_midnight(day: date) -> datetime:
    """The moment (aware) the local day ``day`` starts."""
    return datetime.combine(day, time.min).astimezone()


def period_range(period: Period) -> tuple[datetime, datetime]:
    """The period as a UTC range: from its first local midnight, up to (not including) the
    local midnight after its last day."""
    return local_midnight(period.start), local_midnight(period.end + timedelta(days=1))


def ts(value: datetime) -> Any:
    """A timestamp parameter stored as the columns store it (``UtcDateTime``)."""
    return literal(value, UtcDateTime)


def _offset_s(moment: datetime) -> int:
    offset = moment.astimezone().utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


@dataclass(frozen=True)
class LocalOffsets:
    """The local UTC offset over a stretch of time: ``first`` seconds until ``changes[0][0]``,
    then ``changes[0][1]`` until the next change, and so on."""

    first: int
    changes: tuple[tuple[datetime, int], ...]

    @classmethod
    def over(cls, start: datetime, end: datetime) -> LocalOffsets:
        """The offsets between ``start`` and ``end`` (aware), each change found to the second."""
        first = _offset_s(start)
        changes: list[tuple[datetime, int]] = []
        current = first
        probe = start
        while probe < end:
            following = min(probe + timedelta(hours=12), end)
            if _offset_s(following) != current:
                low, high = int(probe.timestamp()), int(following.timestamp())
                while high - low > 1:  # the first second with the new offset
                    middle = (low + high) // 2
                    if _offset_s(datetime.fromtimestamp(middle, UTC)) == current:
                        low = middle
                    else:
                        high = middle
                moment = datetime.fromtimestamp(high, UTC)
                current = _offset_s(moment)
                changes.append((moment, current))
            probe = following
        return cls(first, tuple(changes))

    def at(self, column: Any) -> Any:
        """SQL: the local offset (seconds) in force at timestamp ``column``."""
        if not self.changes:
            return literal(self.first)
        whens = []
        previous = self.first
        for moment, offset in self.changes:
            whens.append((column < ts(moment), literal(previous)))
            previous = offset
        return case(*whens, else_=literal(previous))


def epoch_seconds(dialect: str, column: Any) -> ColumnElement[int]:
    """SQL: whole UTC seconds since 1970 of timestamp ``column`` (fractions dropped)."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", func.substr(column, 1, 19)), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def epoch_float(dialect: str, column: Any) -> ColumnElement[float]:
    """SQL: UTC seconds since 1970 of timestamp ``column``, with their fraction."""
    if dialect == "sqlite":
        return type_coerce((func.julianday(column) - 2440587.5) * float(DAY_S), Float)
    return type_coerce(func.extract("epoch", column), Float)


def plus_hours(dialect: str, column: Any, hours: int) -> Any:
    """SQL: timestamp ``column`` plus whole ``hours``, exact to the microsecond, comparable
    with the stored timestamps: PostgreSQL adds an interval; SQLite (text ``YYYY-MM-DD
    HH:MM:SS.ffffff``) shifts the whole seconds (SQLite reads fractions to the ms: .9995 s and
    up would round up) and keeps the microseconds as they were. ``datetime()`` is SQLite's
    ``strftime('%Y-%m-%d %H:%M:%S', …)`` without parsing a format: a third less per row."""
    if dialect == "sqlite":
        whole = func.datetime(func.substr(column, 1, 19), f"+{hours} hours")
        return whole.concat(func.substr(column, 20))
    return column + literal(timedelta(hours=hours), Interval())


# Completed, and still so: billing keeps a work order done (``domain/reports.py``).
DONE = (WorkOrderStatus.COMPLETED.value, WorkOrderStatus.BILLED.value)


def approved(order: Any, *conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """SQL: work order ``order`` (the model or an alias) is completed or billed and was
    approved — ``completed_at``, its move to ``completed``, kept by migration 0017's trigger
    — and meets ``conditions`` (e.g. on ``order.completed_at``). The one definition of a
    completion the figures, their drill-down and the unit list's filter share."""
    return and_(order.status.in_(DONE), order.completed_at.is_not(None), *conditions)


def greatest(dialect: str, *values: Any) -> Any:
    return func.max(*values) if dialect == "sqlite" else func.greatest(*values)


def least(dialect: str, *values: Any) -> Any:
    return func.min(*values) if dialect == "sqlite" else func.least(*values)


@dataclass(frozen=True)
class Calendar:
    """Local weeks of a period, for bucketing timestamps in SQL."""

    dialect: str
    period: Period
    offsets: LocalOffsets

    @classmethod
    def of(cls, dialect: str, period: Period) -> Calendar:
        start, end = period_range(period)
        return cls(dialect, period, LocalOffsets.over(start, end))

    def local_seconds(self, column: Any) -> Any:
        """SQL: the local wall-clock time of ``column`` as seconds since 1970-01-01 00:00."""
        return epoch_seconds(self.dialect, column) + self.offsets.at(column)

    def week_index(self, column: Any) -> Any:
        """SQL: which week of the period's (0 = the week of its first day) ``column`` is in;
        only for timestamps inside the period."""
        first = (week_start(self.period.start) - EPOCH).days * DAY_S
        return (self.local_seconds(column) - first) // WEEK_S

    def week_of(self, index: int) -> date:
        """The Monday of week ``index`` (``week_index``)."""
        return week_start(self.period.start) + timedelta(weeks=int(index))


def dialect_of(session: Any) -> str:
    """``sqlite`` or ``postgresql``: the database behind ``session``."""
    return str(session.get_bind().dialect.name)
