"""The one writer of stock: appends ledger movements and keeps the cached levels with them.

Every stock change — from the inventory page (``services/inventory.py``), from a work
order's lifecycle (``services/work_order_stock.py``), from receiving a supplier's order or
a cycle count — goes through ``append``: the movement row, the part's ``stock_levels``
row (cached on hand / reserved, the same transaction), the audit row and the change-feed
notice (entity ``part``) are written together.

**Two workstations, the last units.** A movement that takes stock reads the balance and
then appends; two such actions must not both read the same balance. ``lock_part`` locks
the part's row first (PostgreSQL: ``SELECT … FOR UPDATE``; the second workstation waits
until the first commits and then, at READ COMMITTED, reads the balance with the first
one's rows in it). On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` and is
alone anyway. The lock is per part (all its locations): a transfer touches two locations
of one part, and the levels row of a (part, location) never seen before is inserted
under the same lock, so two first receipts cannot both insert it.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Part, StockLevel, StockLocation, StockMovement, WorkOrder
from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.domain.inventory import (
    MOVEMENT_EFFECTS,
    ON_HAND_KINDS,
    RESERVED_KINDS,
    Balance,
    MovementKind,
    Stock,
    signed,
)
from tuffops_desktop.domain.pricing import QUANTITY_STEP
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.inventory import LocationStock


def qty(value: object) -> Decimal:
    """A quantity as an exact three-decimal Decimal (SQLite returns NUMERIC sums as REAL)."""
    return Decimal(str(value or 0)).quantize(QUANTITY_STEP)


def lock_part(session: Session, part_id: int, *, incoming: bool = False) -> Part:
    """The part, locked for the rest of the transaction (serialising every movement of it).

    ``incoming``: the movement adds stock or a promise, refused for a part no longer stocked."""
    part = session.scalar(select(Part).where(Part.id == part_id).with_for_update())
    if part is None:
        raise NotFound("This part does not exist.")
    if incoming and not part.active:
        raise ValidationError({"part": f"Part {part.number} is no longer stocked."})
    return part


def location(session: Session, location_id: int, *, incoming: bool = False) -> StockLocation:
    """The stock location; ``incoming`` refuses one no longer used for stock."""
    found = session.get(StockLocation, location_id)
    if found is None:
        raise NotFound("This stock location does not exist.")
    if incoming and not found.active:
        raise ValidationError({"location": f"{found.name} is no longer used for stock."})
    return found


def check_work_order(session: Session, work_order_id: int | None) -> None:
    if work_order_id is not None and session.get(WorkOrder, work_order_id) is None:
        raise NotFound("This work order does not exist.")


def level(session: Session, part_id: int, location_id: int) -> StockLevel | None:
    """The part's levels row at the location (None: it never held the part and has no settings)."""
    return session.get(StockLevel, (part_id, location_id))


def stock(session: Session, part_id: int, location_id: int) -> Stock:
    """The part's stock at the location, from the cached levels (the part should be locked)."""
    row = session.execute(
        select(StockLevel.on_hand, StockLevel.reserved).where(
            StockLevel.part_id == part_id, StockLevel.location_id == location_id
        )
    ).one_or_none()
    return Stock(qty(row[0]), qty(row[1])) if row is not None else Stock()


def reserved_for(session: Session, part_id: int, location_id: int, work_order_id: int | None) -> Decimal:
    """What ``work_order_id`` has reserved for the part at the location (0 for None)."""
    if work_order_id is None:
        return qty(0)
    return qty(
        session.scalar(
            select(func.coalesce(func.sum(StockMovement.quantity), 0)).where(
                StockMovement.work_order_id == work_order_id,
                StockMovement.part_id == part_id,
                StockMovement.location_id == location_id,
                StockMovement.kind.in_(RESERVED_KINDS),
            )
        )
    )


def reservations_of(session: Session, work_order_id: int) -> dict[tuple[int, int], Decimal]:
    """Everything ``work_order_id`` still has reserved: ``{(part_id, location_id): quantity > 0}``."""
    rows = session.execute(
        select(StockMovement.part_id, StockMovement.location_id, func.sum(StockMovement.quantity))
        .where(StockMovement.work_order_id == work_order_id, StockMovement.kind.in_(RESERVED_KINDS))
        .group_by(StockMovement.part_id, StockMovement.location_id)
    ).all()
    return {(p, loc): qty(q) for p, loc, q in rows if qty(q) > 0}


def location_stock(session: Session, part: Part, where: StockLocation) -> LocationStock:
    """The part's stock at a location as the pages show it."""
    s = stock(session, part.id, where.id)
    return LocationStock(where.id, where.name, s.on_hand, s.reserved, s.available)


def append(
    session: Session,
    ctx: ServiceContext,
    part: Part,
    where: StockLocation,
    kind: MovementKind,
    quantity: Decimal,
    *,
    work_order_id: int | None = None,
    reason: str = "",
    group: str | None = None,
    other: StockLocation | None = None,
    signed_already: bool = False,
) -> None:
    """Append one movement (``quantity`` > 0, or signed for an adjustment with
    ``signed_already``), move the cached level by its effect, record the audit row and
    announce the change. The caller has locked the part and checked the rules."""
    stored = quantity if signed_already else signed(kind, quantity)
    session.add(
        StockMovement(
            part_id=part.id,
            location_id=where.id,
            kind=kind.value,
            quantity=stored,
            work_order_id=work_order_id,
            transfer_group=group,
            reason=reason,
            created_at=ctx.now(),
            created_by=ctx.actor.username,
        )
    )
    row = level(session, part.id, where.id)
    if row is None:
        row = StockLevel(part_id=part.id, location_id=where.id, on_hand=qty(0), reserved=qty(0), bin="")
        session.add(row)
    if MOVEMENT_EFFECTS[kind].balance is Balance.ON_HAND:
        row.on_hand = qty(row.on_hand) + stored
    else:
        row.reserved = qty(row.reserved) + stored
    session.flush()
    changes: dict[str, object] = {"location": where.name, "quantity": stored}
    if work_order_id is not None:
        changes["work_order_id"] = work_order_id
    if reason:
        changes["reason"] = reason
    if other is not None:
        changes["other_location"] = other.name
    audit.record(session, ctx, "part", part.id, kind.value, changes)


def ledger_sums() -> tuple[ColumnElement[Decimal], ColumnElement[Decimal]]:
    """On hand and reserved as sums over ledger rows (the truth the cached levels must equal)."""
    on_hand = func.coalesce(func.sum(case((StockMovement.kind.in_(ON_HAND_KINDS), StockMovement.quantity), else_=0)), 0)
    reserved = func.coalesce(
        func.sum(case((StockMovement.kind.in_(RESERVED_KINDS), StockMovement.quantity), else_=0)), 0
    )
    return on_hand, reserved


def disagreements(session: Session) -> list[tuple[int, int, Stock, Stock]]:
    """Every (part, location) whose cached level differs from the ledger's sums:
    ``(part_id, location_id, cached, ledger)``. Empty when all agree (``tuffops inventory check``)."""
    on_hand, reserved = ledger_sums()
    ledger = {
        (p, loc): Stock(qty(a), qty(b))
        for p, loc, a, b in session.execute(
            select(StockMovement.part_id, StockMovement.location_id, on_hand, reserved).group_by(
                StockMovement.part_id, StockMovement.location_id
            )
        )
    }
    cached = {
        (p, loc): Stock(qty(a), qty(b))
        for p, loc, a, b in session.execute(
            select(StockLevel.part_id, StockLevel.location_id, StockLevel.on_hand, StockLevel.reserved)
        )
    }
    out = []
    for key in sorted(set(ledger) | set(cached)):
        c, t = cached.get(key, Stock()), ledger.get(key, Stock())
        if c != t:
            out.append((key[0], key[1], c, t))
    return out
