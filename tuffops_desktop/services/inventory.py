"""Inventory: parts, stock locations and the stock movements people make on the inventory page.

Every stock change is one user action = one transaction; the movement rows, the cached
levels, the audit row and the change-feed notice are written by the one ledger writer,
``services/stock_ledger.py`` (which also explains the per-part lock that keeps two
workstations from taking the last units twice). Rules: ``domain/inventory.py``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Part, StockLevel, StockLocation, User
from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.domain.inventory import (
    MovementKind,
    Stock,
    check_consume,
    check_release,
    check_take,
    check_total,
    validate_adjustment,
    validate_reason,
)
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.pricing import UnitOfMeasure, validate_money, validate_quantity
from tuffops_desktop.services import audit
from tuffops_desktop.services import stock_ledger as ledger
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
        stmt = (
            select(StockLocation.id, StockLocation.name, StockLevel.on_hand, StockLevel.reserved)
            .join(StockLevel, StockLevel.location_id == StockLocation.id)
            .where(StockLevel.part_id == part_id)
            .order_by(StockLocation.name)
        )
        with self._ctx.read() as session:
            if session.get(Part, part_id) is None:
                raise NotFound("This part does not exist.")
            rows = []
            for location_id, name, hand, res in session.execute(stmt):
                s = Stock(ledger.qty(hand), ledger.qty(res))
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
            target = ledger.location(session, to_location_id, incoming=True)
            check_take(stock, q, part.number, source.name)
            check_total(ledger.stock(session, part.id, target.id), q)
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
        part = ledger.lock_part(session, part_id, incoming=incoming)
        location = ledger.location(session, location_id, incoming=incoming)
        ledger.check_work_order(session, work_order_id)
        stock = ledger.stock(session, part.id, location.id)
        return part, location, stock, ledger.reserved_for(session, part.id, location.id, work_order_id)

    def _after(self, session: Session, part: Part, location: StockLocation) -> LocationStock:
        return ledger.location_stock(session, part, location)

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
        ledger.append(
            session,
            self._ctx,
            part,
            location,
            kind,
            quantity,
            work_order_id=work_order_id,
            reason=reason,
            group=group,
            other=target,
            signed_already=signed_already,
        )
