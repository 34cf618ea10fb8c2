"""Inventory: parts, stock locations and the stock ledger — the one writer of stock.

Every stock change is one user action = one transaction that appends ledger rows
(``stock_movements``), an audit row and a change-feed notice (entity ``part``). Stock is
derived from the ledger with one SQL aggregate, never stored. Rules:
``domain/inventory.py``.

**Two workstations, the last units.** A movement that takes stock (transfer, reserve,
consume, a downward adjustment) reads the balance and then appends; two such actions
must not both read the same balance. Each movement therefore first locks the part's row
(PostgreSQL: ``SELECT … FOR UPDATE``; the second workstation waits until the first
commits and then, at READ COMMITTED, reads the balance with the first one's rows in it).
On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` and is alone anyway. The
lock is per part (all its locations): simpler than a per-(part, location) balance row,
and a transfer touches two locations of one part.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Part, StockLocation, StockMovement, User, WorkOrder
from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.domain.inventory import (
    ON_HAND_KINDS,
    RESERVED_KINDS,
    MovementKind,
    Stock,
    check_consume,
    check_release,
    check_take,
    check_total,
    signed,
    validate_adjustment,
    validate_reason,
)
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.pricing import QUANTITY_STEP, UnitOfMeasure, validate_money, validate_quantity
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.inventory import LocationInfo, LocationStock, PartInfo
from tuffops_desktop.services.guard import requires

LOCATION_KINDS = ("warehouse", "van")


def part_info(part: Part) -> PartInfo:
    return PartInfo(
        id=part.id,
        number=part.number,
        name=part.name,
        manufacturer=part.manufacturer,
        category=part.category,
        unit=part.unit,
        cost=part.cost,
        price=part.price,
        active=part.active,
        version=part.version,
    )


def location_info(location: StockLocation) -> LocationInfo:
    return LocationInfo(location.id, location.name, location.kind, location.technician_id, location.active)


def _text(value: str | None, field: str, limit: int, *, required: bool) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ValidationError({field: "Required."})
    if len(text) > limit:
        raise ValidationError({field: f"At most {limit} characters (now {len(text)})."})
    return text


def _qty(value: object) -> Decimal:
    """A summed quantity as an exact three-decimal Decimal (SQLite sums NUMERIC as REAL)."""
    return Decimal(str(value or 0)).quantize(QUANTITY_STEP)


class InventoryService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- parts and locations
    @requires(P.INVENTORY_CREATE)
    def add_part(
        self,
        number: str,
        name: str,
        unit: str = "each",
        *,
        manufacturer: str = "",
        category: str = "",
        cost: object = None,
        price: object = None,
    ) -> PartInfo:
        """A new, active part; its number must differ from every other part's."""
        number = _text(number, "number", 40, required=True)
        name = _text(name, "name", 120, required=True)
        try:
            uom = UnitOfMeasure(str(unit).strip().lower())
        except ValueError:
            raise ValidationError(
                {"unit": "Choose a unit: " + ", ".join(u.value for u in UnitOfMeasure) + "."}
            ) from None
        fields = {
            "number": number,
            "name": name,
            "manufacturer": _text(manufacturer, "manufacturer", 80, required=False),
            "category": _text(category, "category", 80, required=False),
            "unit": uom.value,
            "cost": validate_money(cost, "cost", required=False),
            "price": validate_money(price, "price", required=False),
        }
        with self._ctx.write() as session:
            if session.scalar(select(Part.id).where(func.lower(Part.number) == number.lower())) is not None:
                raise ValidationError({"number": f"Part number {number} is already used."})
            part = Part(**fields, active=True, created_at=self._ctx.now())
            session.add(part)
            try:
                session.flush()
            except IntegrityError:
                raise ValidationError({"number": f"Part number {number} is already used."}) from None
            audit.record(session, self._ctx, "part", part.id, "create", {k: [None, v] for k, v in fields.items()})
            return part_info(part)

    @requires(P.INVENTORY_VIEW)
    def parts(self) -> list[PartInfo]:
        """Every part by number (the inventory page will list ids and rows in blocks)."""
        with self._ctx.read() as session:
            return [part_info(p) for p in session.scalars(select(Part).order_by(Part.number))]

    @requires(P.INVENTORY_CREATE)
    def add_location(self, name: str, kind: str = "warehouse", technician_id: int | None = None) -> LocationInfo:
        """A warehouse, or a van (optionally the van of a technician)."""
        name = _text(name, "name", 80, required=True)
        if kind not in LOCATION_KINDS:
            raise ValidationError({"kind": "A location is a warehouse or a van."})
        with self._ctx.write() as session:
            if technician_id is not None and session.get(User, technician_id) is None:
                raise NotFound("This technician does not exist.")
            if session.scalar(select(StockLocation.id).where(func.lower(StockLocation.name) == name.lower())):
                raise ValidationError({"name": f"There is already a location called {name}."})
            location = StockLocation(name=name, kind=kind, technician_id=technician_id, active=True)
            session.add(location)
            try:
                session.flush()
            except IntegrityError:
                raise ValidationError({"name": f"There is already a location called {name}."}) from None
            audit.record(
                session,
                self._ctx,
                "stock_location",
                location.id,
                "create",
                {"name": [None, name], "kind": [None, kind], "technician_id": [None, technician_id]},
            )
            return location_info(location)

    @requires(P.INVENTORY_VIEW)
    def locations(self) -> list[LocationInfo]:
        with self._ctx.read() as session:
            return [location_info(x) for x in session.scalars(select(StockLocation).order_by(StockLocation.name))]

    # ----------------------------------------------------------------- stock
    @requires(P.INVENTORY_VIEW)
    def stock(self, part_id: int) -> list[LocationStock]:
        """The part's on hand / reserved / available at every location that ever held it."""
        on_hand, reserved, _ = _sums(None)
        stmt = (
            select(StockLocation.id, StockLocation.name, on_hand, reserved)
            .join(StockMovement, StockMovement.location_id == StockLocation.id)
            .where(StockMovement.part_id == part_id)
            .group_by(StockLocation.id, StockLocation.name)
            .order_by(StockLocation.name)
        )
        with self._ctx.read() as session:
            if session.get(Part, part_id) is None:
                raise NotFound("This part does not exist.")
            rows = []
            for location_id, name, hand, res in session.execute(stmt):
                s = Stock(_qty(hand), _qty(res))
                rows.append(LocationStock(location_id, name, s.on_hand, s.reserved, s.available))
            return rows

    # ----------------------------------------------------------------- movements
    @requires(P.INVENTORY_EDIT)
    def receive(self, part_id: int, location_id: int, quantity: object, reason: str = "") -> LocationStock:
        """Stock delivered to a location (a supplier's delivery)."""
        q = validate_quantity(quantity)
        note = _text(reason, "reason", 200, required=False)
        with self._ctx.write() as session:
            part, location, stock, _ = self._begin(session, part_id, location_id, incoming=True)
            check_total(stock, q)
            self._append(session, part, location, MovementKind.RECEIVE, q, reason=note)
            return self._after(session, part, location)

    @requires(P.INVENTORY_EDIT)
    def transfer(
        self, part_id: int, from_location_id: int, to_location_id: int, quantity: object
    ) -> list[LocationStock]:
        """Move free stock from one location to another: both sides or neither."""
        q = validate_quantity(quantity)
        if from_location_id == to_location_id:
            raise ValidationError({"to_location": "Choose a different location to transfer to."})
        with self._ctx.write() as session:
            part, source, stock, _ = self._begin(session, part_id, from_location_id)
            target = self._location(session, to_location_id, incoming=True)
            check_take(stock, q, part.number, source.name)
            check_total(self._stock(session, part.id, target.id)[0], q)
            group = str(uuid.uuid4())
            self._append(session, part, source, MovementKind.TRANSFER_OUT, q, group=group, target=target)
            self._append(session, part, target, MovementKind.TRANSFER_IN, q, group=group, target=source)
            return [self._after(session, part, source), self._after(session, part, target)]

    @requires(P.INVENTORY_EDIT)
    def adjust(self, part_id: int, location_id: int, change: object, reason: str) -> LocationStock:
        """A correction with its reason: ``change`` is signed (−2: two fewer than the ledger
        says). Stock reserved for work orders cannot be adjusted away: release it first."""
        delta = validate_adjustment(change)
        note = validate_reason(reason)
        with self._ctx.write() as session:
            part, location, stock, _ = self._begin(session, part_id, location_id)
            if delta < 0:
                check_take(stock, -delta, part.number, location.name)
            else:
                check_total(stock, delta)
            self._append(session, part, location, MovementKind.ADJUST, delta, reason=note, signed_already=True)
            return self._after(session, part, location)

    @requires(P.INVENTORY_EDIT)
    def reserve(self, part_id: int, location_id: int, work_order_id: int, quantity: object) -> LocationStock:
        """Promise free stock at a location to a work order. More than is available is
        refused with the shortfall named (no backorders in this version)."""
        q = validate_quantity(quantity)
        with self._ctx.write() as session:
            part, location, stock, _ = self._begin(session, part_id, location_id, work_order_id, incoming=True)
            check_take(stock, q, part.number, location.name)
            self._append(session, part, location, MovementKind.RESERVE, q, work_order_id=work_order_id)
            return self._after(session, part, location)

    @requires(P.INVENTORY_EDIT)
    def release(
        self, part_id: int, location_id: int, work_order_id: int, quantity: object | None = None
    ) -> LocationStock:
        """Withdraw a work order's reservation at a location: ``quantity`` of it, or all of it (None)."""
        with self._ctx.write() as session:
            part, location, _stock, for_order = self._begin(session, part_id, location_id, work_order_id)
            if quantity is None:
                if for_order <= 0:
                    raise ValidationError({"quantity": "Nothing is reserved for this work order here."})
                q = for_order
            else:
                q = validate_quantity(quantity)
                check_release(for_order, q, part.number, location.name)
            self._append(session, part, location, MovementKind.RELEASE, q, work_order_id=work_order_id)
            return self._after(session, part, location)

    @requires(P.INVENTORY_EDIT)
    def consume(
        self, part_id: int, location_id: int, quantity: object, work_order_id: int | None = None
    ) -> LocationStock:
        """Stock used on site. For a work order, its reservation at the location is used
        first (released by as much as is consumed, at most all of it), then free stock."""
        q = validate_quantity(quantity)
        with self._ctx.write() as session:
            part, location, stock, for_order = self._begin(session, part_id, location_id, work_order_id)
            check_consume(stock, q, for_order, part.number, location.name)
            self._append(session, part, location, MovementKind.CONSUME, q, work_order_id=work_order_id)
            used_reservation = min(q, for_order)
            if used_reservation > 0:
                self._append(
                    session, part, location, MovementKind.RELEASE, used_reservation, work_order_id=work_order_id
                )
            return self._after(session, part, location)

    @requires(P.INVENTORY_EDIT)
    def return_unused(
        self, part_id: int, location_id: int, quantity: object, work_order_id: int | None = None
    ) -> LocationStock:
        """Unused stock brought back from a site to a location."""
        q = validate_quantity(quantity)
        with self._ctx.write() as session:
            part, location, stock, _ = self._begin(session, part_id, location_id, work_order_id, incoming=True)
            check_total(stock, q)
            self._append(session, part, location, MovementKind.RETURN, q, work_order_id=work_order_id)
            return self._after(session, part, location)

    # ----------------------------------------------------------------- helpers
    def _begin(
        self,
        session: Session,
        part_id: int,
        location_id: int,
        work_order_id: int | None = None,
        *,
        incoming: bool = False,
    ) -> tuple[Part, StockLocation, Stock, Decimal]:
        """Lock the part (serialising every movement of it), then read its stock at the
        location and what ``work_order_id`` has reserved there."""
        part = session.scalar(select(Part).where(Part.id == part_id).with_for_update())
        if part is None:
            raise NotFound("This part does not exist.")
        if incoming and not part.active:
            raise ValidationError({"part": f"Part {part.number} is no longer stocked."})
        location = self._location(session, location_id, incoming=incoming)
        if work_order_id is not None and session.get(WorkOrder, work_order_id) is None:
            raise NotFound("This work order does not exist.")
        stock, for_order = self._stock(session, part.id, location.id, work_order_id)
        return part, location, stock, for_order

    @staticmethod
    def _location(session: Session, location_id: int, *, incoming: bool = False) -> StockLocation:
        location = session.get(StockLocation, location_id)
        if location is None:
            raise NotFound("This stock location does not exist.")
        if incoming and not location.active:
            raise ValidationError({"location": f"{location.name} is no longer used for stock."})
        return location

    @staticmethod
    def _stock(
        session: Session, part_id: int, location_id: int, work_order_id: int | None = None
    ) -> tuple[Stock, Decimal]:
        """The part's stock at the location, and what ``work_order_id`` has reserved there (0 for None)."""
        row = session.execute(
            select(*_sums(work_order_id)).where(
                StockMovement.part_id == part_id, StockMovement.location_id == location_id
            )
        ).one()
        return Stock(_qty(row[0]), _qty(row[1])), _qty(row[2])

    def _after(self, session: Session, part: Part, location: StockLocation) -> LocationStock:
        s, _ = self._stock(session, part.id, location.id)
        return LocationStock(location.id, location.name, s.on_hand, s.reserved, s.available)

    def _append(
        self,
        session: Session,
        part: Part,
        location: StockLocation,
        kind: MovementKind,
        quantity: Decimal,
        *,
        work_order_id: int | None = None,
        reason: str = "",
        group: str | None = None,
        target: StockLocation | None = None,
        signed_already: bool = False,
    ) -> None:
        stored = quantity if signed_already else signed(kind, quantity)
        session.add(
            StockMovement(
                part_id=part.id,
                location_id=location.id,
                kind=kind.value,
                quantity=stored,
                work_order_id=work_order_id,
                transfer_group=group,
                reason=reason,
                created_at=self._ctx.now(),
                created_by=self._ctx.actor.username,
            )
        )
        session.flush()
        changes: dict[str, object] = {"location": location.name, "quantity": stored}
        if work_order_id is not None:
            changes["work_order_id"] = work_order_id
        if reason:
            changes["reason"] = reason
        if target is not None:
            changes["other_location"] = target.name
        audit.record(session, self._ctx, "part", part.id, kind.value, changes)


def _sums(work_order_id: int | None) -> tuple[ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]]:
    """On hand, reserved, and reserved for ``work_order_id``: sums over the ledger rows.

    With no work order the third is 0: every reservation names its work order."""
    on_hand = func.coalesce(func.sum(case((StockMovement.kind.in_(ON_HAND_KINDS), StockMovement.quantity), else_=0)), 0)
    reserved = func.coalesce(
        func.sum(case((StockMovement.kind.in_(RESERVED_KINDS), StockMovement.quantity), else_=0)), 0
    )
    for_order = func.coalesce(
        func.sum(
            case(
                (
                    StockMovement.kind.in_(RESERVED_KINDS) & (StockMovement.work_order_id == work_order_id),
                    StockMovement.quantity,
                ),
                else_=0,
            )
        ),
        0,
    )
    return on_hand, reserved, for_order
