"""Stock follows the work order: its part lines reserve, consume and release stock.

Called inside the work-order transactions, never on its own (no service class, no
permission of its own: the action that calls it declared and checked who may do it):

* ``WorkOrderService.act`` calls ``follow_move`` in the transaction of a status move —
  assign reserves every part line's quantity at its location (one line short: the whole
  assign is refused and nothing is stored); approve consumes what the lines say was used,
  taking the order's reservation first, and releases whatever the order still holds;
  cancel releases everything it holds. **Reassign keeps the reservations where they
  are**: a line reserved in the first technician's van stays reserved there until
  someone changes the line's location.
* ``WorkOrderItemService`` calls ``reserve`` / ``release`` when a part line is added,
  its quantity or location changes, or it is removed while the order holds stock
  (``domain.work_order_stock.holds_stock``).

Every movement goes through the one ledger writer (``services/stock_ledger.py``): lock
the part, check, append. The work order row is locked first by the caller; within one
transaction parts are locked in ascending id order, so two work orders sharing parts
never wait on each other in a circle on PostgreSQL. Rules: ``domain/work_order_stock.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Part, StockLevel, StockLocation, WorkOrder, WorkOrderItem
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.inventory import MovementKind, Stock, check_consume, check_take
from tuffops_desktop.domain.work_order_stock import (
    Place,
    StockStep,
    default_place,
    holds_stock,
    needs_by_place,
    refused,
    step_for_move,
)
from tuffops_desktop.domain.work_orders import WorkOrderStatus
from tuffops_desktop.services import stock_ledger as ledger
from tuffops_desktop.services.context import ServiceContext


def follow_move(session: Session, ctx: ServiceContext, order: WorkOrder, current: WorkOrderStatus) -> None:
    """``order`` has just moved from ``current`` to its status: reserve, consume or release
    its parts' stock as the move says (``domain.work_order_stock.step_for_move``)."""
    step = step_for_move(current, WorkOrderStatus(order.status))
    if step is StockStep.RESERVE:
        _reserve_lines(session, ctx, order)
    elif step is StockStep.CONSUME:
        _consume_lines(session, ctx, order)
    elif step is StockStep.RELEASE:
        _release_held(session, ctx, order, set())


def reserve(
    session: Session, ctx: ServiceContext, order: WorkOrder, part: Part, location_id: int, quantity: Decimal
) -> None:
    """A part line of ``order`` now needs ``quantity`` more at the location: reserve it
    there if the order holds stock (refused with the shortfall named when it is not free).
    ``part`` is locked by the caller (``lock``)."""
    if quantity <= 0 or not holds_stock(order.status):
        return
    where = ledger.location(session, location_id, incoming=True)
    check_take(ledger.stock(session, part.id, where.id), quantity, part.number, where.name)
    ledger.append(session, ctx, part, where, MovementKind.RESERVE, quantity, work_order_id=order.id)


def release(
    session: Session, ctx: ServiceContext, order: WorkOrder, part: Part, location_id: int, quantity: Decimal
) -> None:
    """A part line of ``order`` needs ``quantity`` less at the location: release that much
    of what the order holds there (at most all of it). ``part`` is locked by the caller."""
    if quantity <= 0 or not holds_stock(order.status):
        return
    held = ledger.reserved_for(session, part.id, location_id, order.id)
    amount = min(quantity, held)
    if amount > 0:
        where = ledger.location(session, location_id)
        ledger.append(session, ctx, part, where, MovementKind.RELEASE, amount, work_order_id=order.id)


def lock(session: Session, part_ids: Iterable[int], *, incoming: bool = False) -> dict[int, Part]:
    """Lock the parts in ascending id order (the one lock order of every transaction that
    moves several parts); ``incoming`` refuses a part no longer stocked."""
    return {part_id: ledger.lock_part(session, part_id, incoming=incoming) for part_id in sorted(set(part_ids))}


def default_location(session: Session, order: WorkOrder, part_id: int, quantity: Decimal) -> int | None:
    """Where a new part line takes its stock when the user did not choose: the assigned
    technician's van when it has the quantity free, else the active warehouse with the
    most free (``domain.work_order_stock.default_place``)."""
    places: dict[str, list[Place]] = {"van": [], "warehouse": []}
    rows = session.execute(
        select(
            StockLocation.id,
            StockLocation.name,
            StockLocation.kind,
            StockLocation.technician_id,
            StockLevel.on_hand,
            StockLevel.reserved,
        )
        .outerjoin(StockLevel, (StockLevel.location_id == StockLocation.id) & (StockLevel.part_id == part_id))
        .where(StockLocation.active.is_(True))
        .order_by(StockLocation.name, StockLocation.id)
    ).all()
    for location_id, name, kind, technician_id, on_hand, reserved in rows:
        if kind == "van" and (order.technician_id is None or technician_id != order.technician_id):
            continue
        available = Stock(ledger.qty(on_hand), ledger.qty(reserved)).available
        places.setdefault(kind, []).append(Place(location_id, name, available))
    return default_place(quantity, places["van"], places["warehouse"])


# ----------------------------------------------------------------- status moves
def _part_lines(session: Session, order: WorkOrder) -> dict[tuple[int, int], Decimal]:
    rows = session.execute(
        select(WorkOrderItem.part_id, WorkOrderItem.stock_location_id, WorkOrderItem.quantity)
        .where(WorkOrderItem.work_order_id == order.id, WorkOrderItem.part_id.is_not(None))
        .order_by(WorkOrderItem.position, WorkOrderItem.id)
    ).all()
    return needs_by_place(
        (part_id, location_id, ledger.qty(quantity))
        for part_id, location_id, quantity in rows
        if part_id is not None and location_id is not None
    )


def _reserve_lines(session: Session, ctx: ServiceContext, order: WorkOrder) -> None:
    """Assign: every part line's quantity reserved at its location, or none of them."""
    needs = _part_lines(session, order)
    try:
        parts = lock(session, (part_id for part_id, _ in needs), incoming=True)
        for (part_id, location_id), quantity in sorted(needs.items()):
            reserve(session, ctx, order, parts[part_id], location_id, quantity)
    except ValidationError as exc:
        raise refused(order.id, "assigned", exc) from None


def _consume_lines(session: Session, ctx: ServiceContext, order: WorkOrder) -> None:
    """Approve: what the part lines say was used is taken from on hand (the order's own
    reservation there first, then free stock; never stock promised to other work orders),
    then whatever the order still holds is released."""
    needs = _part_lines(session, order)
    held = ledger.reservations_of(session, order.id)
    parts = lock(session, {part_id for part_id, _ in needs} | {part_id for part_id, _ in held})
    for (part_id, location_id), quantity in sorted(needs.items()):
        part = parts[part_id]
        where = ledger.location(session, location_id)
        mine = ledger.reserved_for(session, part.id, where.id, order.id)
        try:
            check_consume(ledger.stock(session, part.id, where.id), quantity, mine, part.number, where.name)
        except ValidationError as exc:
            raise refused(order.id, "approved", exc) from None
        ledger.append(session, ctx, part, where, MovementKind.CONSUME, quantity, work_order_id=order.id)
        used = min(quantity, mine)
        if used > 0:
            ledger.append(session, ctx, part, where, MovementKind.RELEASE, used, work_order_id=order.id)
    _release_held(session, ctx, order, set(parts))


def _release_held(session: Session, ctx: ServiceContext, order: WorkOrder, locked: set[int]) -> None:
    """Release everything ``order`` still holds (its reservations read under the parts' locks)."""
    held = ledger.reservations_of(session, order.id)
    while not {part_id for part_id, _ in held} <= locked:
        fresh = {part_id for part_id, _ in held} - locked
        locked |= set(lock(session, fresh))
        held = ledger.reservations_of(session, order.id)  # re-read now that every part is locked
    parts = {part_id: session.get_one(Part, part_id) for part_id in {p for p, _ in held}}
    for (part_id, location_id), quantity in sorted(held.items()):
        where = ledger.location(session, location_id)
        ledger.append(session, ctx, parts[part_id], where, MovementKind.RELEASE, quantity, work_order_id=order.id)
