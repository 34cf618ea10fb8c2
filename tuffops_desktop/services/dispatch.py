"""The dispatch board's read: one day or one week of bookings, the technicians and their working
hours, and the unassigned queue, in one read transaction (one consistent picture, one round of
queries instead of six).

The board shows up to a few thousand bookings at once (a week of 30 technicians), so the rows
are read as plain columns, not as ORM objects: with 200,000 work orders this is what keeps the
board's first paint short (``benchmarks/bench_board.py``). Moves on the board go through
``WorkOrderService.act`` like everywhere else.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from tuffops_desktop.db.models import Customer, DeviceModel, TechnicianHours, Unit, User, WorkOrder
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.permissions import P, Role
from tuffops_desktop.domain.scheduling import STANDARD_WEEK, WorkingHours
from tuffops_desktop.domain.units import friendly_label
from tuffops_desktop.domain.work_orders import (
    OPEN,
    WorkOrderStatus,
    sees_only_own,
    urgency_key,
)
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.dispatch import DispatchBoard
from tuffops_desktop.services.dto.work_orders import TechnicianInfo, WorkOrderRow
from tuffops_desktop.services.guard import requires

QUEUE_MAX = 300  # the most urgent unassigned work orders the board lists
MAX_DAYS = 31

_COLUMNS = (
    WorkOrder.id,
    WorkOrder.status,
    WorkOrder.work_type,
    WorkOrder.unit_id,
    Unit.location,
    Unit.serial_number,
    DeviceModel.name,
    WorkOrder.customer_id,
    Customer.display_name,
    User.username,
    WorkOrder.due_at,
    WorkOrder.scheduled_start,
    WorkOrder.created_at,
    WorkOrder.technician_id,
    WorkOrder.estimated_hours,
)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone()


class DispatchService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.WORK_ORDERS_VIEW)
    def board(self, first: date, days: int = 1) -> DispatchBoard:
        """The board of ``days`` local days from ``first`` (1 = a day, 7 = a week).

        A technician who neither dispatches nor supervises sees only their own bookings and no
        queue, as on the work-orders list."""
        if not 1 <= days <= MAX_DAYS:
            raise ValidationError({"days": f"Show between 1 and {MAX_DAYS} days."})
        now = self._ctx.now()
        own = self._own_only()
        begins, ends = _local_midnight(first), _local_midnight(first + timedelta(days=days))
        booked = (
            self._rows()
            .where(
                WorkOrder.scheduled_start >= begins,
                WorkOrder.scheduled_start < ends,
                WorkOrder.technician_id.is_not(None),
                WorkOrder.status != WorkOrderStatus.CANCELLED.value,
            )
            .order_by(WorkOrder.scheduled_start, WorkOrder.id)
        )
        if own:
            booked = booked.where(WorkOrder.technician_id == self._ctx.actor.user_id)
        waiting = WorkOrder.status == WorkOrderStatus.UNASSIGNED.value
        with self._ctx.read() as session:
            technicians = tuple(
                TechnicianInfo(uid, username, full_name)
                for uid, username, full_name in session.execute(
                    select(User.id, User.username, User.full_name)
                    .where(User.active, User.role == Role.TECHNICIAN.value)
                    .order_by(User.username)
                )
            )
            found: dict[int, list[WorkingHours]] = {}
            for uid, weekday, starts, ends_at in session.execute(
                select(TechnicianHours.user_id, TechnicianHours.weekday, TechnicianHours.starts, TechnicianHours.ends)
                .where(TechnicianHours.user_id.in_([t.id for t in technicians]))
                .order_by(TechnicianHours.user_id, TechnicianHours.weekday)
            ):
                found.setdefault(uid, []).append(WorkingHours(weekday, starts, ends_at))
            bookings = tuple(self._row(r, now) for r in session.execute(booked))
            queue: tuple[WorkOrderRow, ...] = ()
            total = 0
            if not own:
                # The queue's order (domain.work_orders.urgency_key) in SQL: due first, the earliest
                # first, then the oldest; the index on (status, due_at) serves it.
                # The ids first, from work_orders alone: joining all the waiting rows before the sort
                # took half the board's read (6,300 unassigned of 200,000).
                urgent = (
                    select(WorkOrder.id)
                    .where(waiting)
                    .order_by(WorkOrder.due_at.is_(None), WorkOrder.due_at, WorkOrder.created_at, WorkOrder.id)
                    .limit(QUEUE_MAX)
                )
                stmt = self._rows().where(WorkOrder.id.in_(urgent.scalar_subquery()))
                queue = tuple(
                    sorted(
                        (self._row(r, now) for r in session.execute(stmt)),
                        key=lambda r: urgency_key(r.due_at, r.created_at, r.id),
                    )
                )
                total = int(session.scalar(select(func.count()).select_from(WorkOrder).where(waiting)) or 0)
        return DispatchBoard(
            first=first,
            days=days,
            technicians=technicians,
            hours={t.id: tuple(found.get(t.id, STANDARD_WEEK)) for t in technicians},
            bookings=bookings,
            queue=queue,
            queue_total=total,
            now=now,
        )

    # ----------------------------------------------------------------- helpers
    def _own_only(self) -> bool:
        return sees_only_own(self._ctx.actor.permissions)

    @staticmethod
    def _rows() -> Any:
        return (
            select(*_COLUMNS)
            .join(Unit, Unit.id == WorkOrder.unit_id)
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .outerjoin(Customer, Customer.id == WorkOrder.customer_id)
            .outerjoin(User, User.id == WorkOrder.technician_id)
        )

    @staticmethod
    def _row(r: Any, now: datetime) -> WorkOrderRow:
        (wid, status, work_type, unit_id, location, serial, model, customer_id, customer, technician) = r[:10]
        due_at, scheduled_start, created_at, technician_id, hours = r[10:]
        return WorkOrderRow(
            id=wid,
            number=work_order_number(wid),
            status=status,
            work_type=work_type,
            unit_id=unit_id,
            unit_label=friendly_label(location, serial, model),
            customer_id=customer_id,
            customer_name=customer or "",
            technician=technician or "",
            due_at=due_at,
            scheduled_start=scheduled_start,
            created_at=created_at,
            overdue=due_at is not None and due_at < now and WorkOrderStatus(status) in OPEN,
            technician_id=technician_id,
            estimated_hours=hours,
        )
