"""Preventive maintenance: the "maintenance due" list and bulk creation of maintenance work orders.

The due list selects in SQL exactly the units due by the horizon: for each cadence, the
units whose last maintenance (or install) is on or before
``domain.maintenance.latest_start_due_by`` (computed here, one plain comparison per cadence,
the same on SQLite and PostgreSQL). Their due dates are then computed in Python with the
domain's rule (``domain.units.maintenance_dates``) to sort and to split overdue from due
soon: calendar months with a clamped day are not computed alike by the two databases.

Bulk creation writes one work order per unit through ``insert_work_order``, for the
unit's current due date (``work_orders.maintenance_due_on``). The selected units are locked
first (``FOR UPDATE`` on PostgreSQL; SQLite's write transaction is exclusive), so two
workstations creating at once cannot both see "no open work order yet"; a partial unique
index on (unit, due date) over open work orders stands behind that rule in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.exc import IntegrityError

from tuffops_desktop.db.models import Customer, DeviceModel, Unit, WorkOrder
from tuffops_desktop.domain.errors import ConcurrencyConflict
from tuffops_desktop.domain.maintenance import (
    cadence_months,
    latest_start_due_by,
    validate_within_days,
    work_order_text,
)
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.units import friendly_label, maintenance_dates
from tuffops_desktop.domain.work_orders import OPEN, WorkOrderType
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.maintenance import MaintenanceCreated, MaintenanceDueRow
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.listing import Flag, ListQuery, Ref, matches_all
from tuffops_desktop.services.work_orders import insert_work_order

_OPEN = sorted(s.value for s in OPEN)


def _start() -> Any:
    """The date a unit's cadence counts from: its last maintenance, else its install."""
    return func.coalesce(Unit.maintained_at, Unit.installed_at)


def _due_by(horizon: date) -> ColumnElement[bool]:
    """Units whose next maintenance is due on or before ``horizon`` (exact, per cadence)."""
    start = _start()
    return or_(
        false(),
        *[
            and_(Unit.maintenance_frequency == frequency, start <= latest_start_due_by(horizon, months))
            for frequency, months in cadence_months().items()
        ],
    )


def _site() -> Any:
    return func.lower(Unit.address.concat(" ").concat(Unit.city).concat(" ").concat(Unit.postcode))


class MaintenanceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.UNITS_VIEW, P.WORK_ORDERS_VIEW)
    def due_ids(self, query: ListQuery, within_days: int = 30) -> list[int]:
        """Active units due for maintenance by today + ``within_days``, soonest (most overdue) first.

        ``query.text``: words of the site address (street, city, postcode). Filters:
        ``customer`` (Ref), ``overdue`` (Flag: only overdue / only not yet overdue),
        ``planned`` (Flag: has / has no open maintenance work order for its due date).
        ``descending`` reverses the order.
        """
        today = self._ctx.today()
        horizon = today + timedelta(days=validate_within_days(within_days))
        stmt = select(Unit.id, Unit.maintenance_frequency, Unit.maintained_at, Unit.installed_at).where(
            Unit.active.is_(True), _due_by(horizon)
        )
        customer = query.filter("customer")
        if isinstance(customer, Ref):
            stmt = stmt.where(Unit.customer_id.is_(None) if customer.id is None else Unit.customer_id == customer.id)
        if query.text:
            stmt = stmt.where(matches_all(_site(), query.text))
        with self._ctx.read() as session:
            rows = session.execute(stmt).all()
            due = {uid: maintenance_dates(freq, done, installed).next for uid, freq, done, installed in rows}
            planned = query.filter("planned")
            if isinstance(planned, Flag):
                open_ids = self._open_orders(session, due)
                due = {uid: day for uid, day in due.items() if (uid in open_ids) is planned.value}
        overdue = query.filter("overdue")
        if isinstance(overdue, Flag):
            due = {uid: day for uid, day in due.items() if day is not None and (day < today) is overdue.value}
        keyed = sorted((day, uid) for uid, day in due.items() if day is not None)
        ids = [uid for _day, uid in keyed]
        return ids[::-1] if query.descending else ids

    @requires(P.UNITS_VIEW, P.WORK_ORDERS_VIEW)
    def due_rows(self, unit_ids: Sequence[int]) -> list[MaintenanceDueRow]:
        """The due-list lines of ``unit_ids``, in that order (units with nothing scheduled left out)."""
        if not unit_ids:
            return []
        today = self._ctx.today()
        stmt = (
            select(Unit, DeviceModel.name, Customer.display_name)
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .outerjoin(Customer, Customer.id == Unit.customer_id)
            .where(Unit.id.in_(unit_ids))
        )
        found: dict[int, MaintenanceDueRow] = {}
        with self._ctx.read() as session:
            units = session.execute(stmt).all()
            due = {
                u.id: maintenance_dates(u.maintenance_frequency, u.maintained_at, u.installed_at).next
                for u, _m, _c in units
            }
            open_orders = self._open_orders(session, due)
            for unit, model, customer_name in units:
                day = due[unit.id]
                if day is None:
                    continue
                order_id = open_orders.get(unit.id)
                found[unit.id] = MaintenanceDueRow(
                    unit_id=unit.id,
                    unit_label=friendly_label(unit.location, unit.serial_number, model),
                    customer_id=unit.customer_id,
                    customer_name=customer_name or "",
                    address=unit.address,
                    city=unit.city,
                    postcode=unit.postcode,
                    frequency=unit.maintenance_frequency,
                    maintained_at=unit.maintained_at,
                    due_on=day,
                    overdue=day < today,
                    open_work_order_id=order_id,
                    open_work_order_number=work_order_number(order_id) if order_id else "",
                )
        return [found[i] for i in unit_ids if i in found]

    @requires(P.WORK_ORDERS_CREATE)
    def create_work_orders(self, unit_ids: Sequence[int], estimated_hours: object = None) -> MaintenanceCreated:
        """One unassigned maintenance work order per unit, for its current due date, in one transaction.

        A unit that already has an open maintenance work order for that date, is retired,
        or has no maintenance scheduled is left out and said why; the others are created.
        """
        wanted = sorted(set(unit_ids))
        created: list[tuple[int, int, str, date]] = []
        skipped: list[tuple[int, str]] = []
        try:
            with self._ctx.write() as session:
                # Lock the units (in id order: two bulk runs never deadlock) before looking for open work.
                units = {
                    u.id: u
                    for u in session.scalars(
                        select(Unit).where(Unit.id.in_(wanted)).order_by(Unit.id).with_for_update()
                    )
                }
                due = {
                    uid: maintenance_dates(u.maintenance_frequency, u.maintained_at, u.installed_at).next
                    for uid, u in units.items()
                }
                open_orders = self._open_orders(session, due)
                for unit_id in wanted:
                    unit, day = units.get(unit_id), due.get(unit_id)
                    if unit is None:
                        skipped.append((unit_id, "This unit does not exist."))
                    elif not unit.active:
                        skipped.append((unit_id, "This unit is retired."))
                    elif day is None:
                        skipped.append((unit_id, "No maintenance is scheduled for this unit."))
                    elif unit_id in open_orders:
                        skipped.append(
                            (
                                unit_id,
                                f"{work_order_number(open_orders[unit_id])} is already open "
                                f"for the maintenance due {day.isoformat()}.",
                            )
                        )
                    else:
                        order = insert_work_order(
                            session,
                            self._ctx,
                            unit=unit,
                            work_type=WorkOrderType.MAINTENANCE,
                            customer_requests=work_order_text(unit.maintenance_frequency, day),
                            estimated_hours=estimated_hours,
                            maintenance_due_on=day,
                        )
                        created.append((unit_id, order.id, work_order_number(order.id), day))
        except IntegrityError as exc:  # the partial unique index: someone bypassed the lock
            raise ConcurrencyConflict("maintenance work order", None) from exc
        return MaintenanceCreated(tuple(created), tuple(skipped))

    @staticmethod
    def _open_orders(session: Any, due: dict[int, date | None]) -> dict[int, int]:
        """Unit id → its open maintenance work order for the unit's current due date."""
        ids = [uid for uid, day in due.items() if day is not None]
        found: dict[int, int] = {}
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            stmt = select(WorkOrder.unit_id, WorkOrder.maintenance_due_on, WorkOrder.id).where(
                WorkOrder.unit_id.in_(chunk), WorkOrder.maintenance_due_on.is_not(None), WorkOrder.status.in_(_OPEN)
            )
            for unit_id, due_on, order_id in session.execute(stmt):
                if due[unit_id] == due_on:
                    found[unit_id] = order_id
        return found
