"""The work-order list's filters for the Reports page's drill-down.

A report tile or bar opens the work-order list filtered to exactly the work orders it
counts (``domain.reports.DrillDown`` fixes the names and their meaning); these are those
filters, one SQL condition each on ``work_orders`` (correlated ``EXISTS`` on its history
where the figure reads the history), composed by ``services.listing.apply_filters`` like
the list's own:

* ``completed`` (``Between`` local days): status ``completed`` or ``billed`` and the move to
  ``completed`` (the approval) on those days;
* ``customer_type`` (``AnyOf``): the type of the work order's customer;
* ``sla`` (``AnyOf`` ``met`` / ``missed``): completed, with a due time, approved at or
  before it / after it;
* ``called_back`` (``Flag``): completed and followed by a call-back (a ``repair`` on the
  same unit, not cancelled, created after the approval and less than 720 hours after it);
* ``booked`` (``Between``): technician set, start on those days, not cancelled;
* ``on_site`` (``Between``): some time ``ongoing`` on those days (from a move to
  ``ongoing`` to the work order's next history row, or now).

Days are the workstation's local days, as everywhere in the lists (``listing.date_field``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, not_, or_, select, true
from sqlalchemy.orm import aliased

from tuffops_desktop.db.models import Customer, WorkOrder, WorkOrderHistory
from tuffops_desktop.domain.customers import CustomerType
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.reports import CALLBACK_WINDOW
from tuffops_desktop.domain.work_orders import WorkOrderStatus, WorkOrderType
from tuffops_desktop.services.listing import AnyOf, Between, FilterField, Flag
from tuffops_desktop.services.report_sql import approved, plus_hours

__all__ = ["drill_filters", "local_bounds"]

_SLA_STATES = frozenset({"met", "missed"})


def local_bounds(value: Between) -> tuple[datetime | None, datetime | None]:
    """The moments that start the first day and end the last (local midnights, aware)."""

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time.min).astimezone()

    start = midnight(value.start) if value.start is not None else None
    end = midnight(value.end + timedelta(days=1)) if value.end is not None else None
    return start, end


def _within(column: Any, value: Between) -> ColumnElement[bool]:
    start, end = local_bounds(value)
    parts = []
    if start is not None:
        parts.append(column >= start)
    if end is not None:
        parts.append(column < end)
    return and_(true(), *parts)


def _choices(value: AnyOf, known: frozenset[str]) -> list[str]:
    unknown = value.values - known
    if unknown:
        raise ValidationError({"filters": f"Unknown value: {', '.join(sorted(unknown))}."})
    return sorted(value.values)


def _customer_type(value: AnyOf) -> ColumnElement[bool]:
    chosen = _choices(value, frozenset(t.value for t in CustomerType))
    return WorkOrder.customer_id.in_(select(Customer.id).where(Customer.customer_type.in_(chosen)))


def _sla(value: AnyOf) -> ColumnElement[bool]:
    chosen = _choices(value, _SLA_STATES)
    at, due = WorkOrder.completed_at, WorkOrder.due_at
    conditions = {"met": approved(WorkOrder, at <= due), "missed": approved(WorkOrder, at > due)}
    return and_(due.is_not(None), or_(false(), *[conditions[c] for c in chosen]))


def _booked(value: Between) -> ColumnElement[bool]:
    return and_(
        WorkOrder.technician_id.is_not(None),
        WorkOrder.status != WorkOrderStatus.CANCELLED.value,
        WorkOrder.scheduled_start.is_not(None),
        _within(WorkOrder.scheduled_start, value),
    )


def _on_site(now: datetime) -> Callable[[Between], ColumnElement[bool]]:
    def condition(value: Between) -> ColumnElement[bool]:
        start, end = local_bounds(value)
        move = aliased(WorkOrderHistory)
        following = aliased(WorkOrderHistory)
        next_at = (
            select(following.at)
            .where(following.work_order_id == move.work_order_id, following.id > move.id)
            .order_by(following.id)
            .limit(1)
            .scalar_subquery()
        )
        until = func.coalesce(next_at, now)
        parts = [move.work_order_id == WorkOrder.id, move.to_status == WorkOrderStatus.ONGOING.value, move.at < until]
        if end is not None:
            parts.append(move.at < end)
        if start is not None:
            parts.append(until > start)
        return exists().where(*parts)

    return condition


def _called_back(dialect: str) -> ColumnElement[bool]:
    """A call-back followed the (approved: see ``approved``) work order: a ``repair`` on the
    same unit, not cancelled, created after the move to ``completed`` and less than 720 hours
    after it."""
    repair = aliased(WorkOrder)
    hours = int(CALLBACK_WINDOW.total_seconds() // 3600)
    return exists().where(
        repair.unit_id == WorkOrder.unit_id,
        repair.work_type == WorkOrderType.REPAIR.value,
        repair.status != WorkOrderStatus.CANCELLED.value,
        repair.created_at > WorkOrder.completed_at,
        repair.created_at < plus_hours(dialect, WorkOrder.completed_at, hours),
    )


def drill_filters(now: datetime, dialect: str) -> dict[str, FilterField]:
    """The drill-down filters of the work-order list (``now``: the open end of time on site;
    ``dialect``: the database's, for the call-back window)."""
    return {
        "completed": FilterField(Between, lambda value: approved(WorkOrder, _within(WorkOrder.completed_at, value))),
        "customer_type": FilterField(AnyOf, _customer_type),
        "sla": FilterField(AnyOf, _sla),
        "called_back": FilterField(
            Flag,
            lambda value: approved(WorkOrder, _called_back(dialect) if value.value else not_(_called_back(dialect))),
        ),
        "booked": FilterField(Between, _booked),
        "on_site": FilterField(Between, _on_site(now)),
    }
