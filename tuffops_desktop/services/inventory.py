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

from tuffops_desktop.db.models import Part, StockLevel, StockLocation, StockMovement, StockOrder, User, WorkOrder
from tuffops_desktop.domain.errors import ConcurrencyConflict, NotFound, PermissionDenied, ValidationError
from tuffops_desktop.domain.inventory import (
    RESERVED_KINDS,
    ZERO,
    MovementKind,
    Stock,
    check_consume,
    check_release,
    check_take,
    check_total,
    markup,
    validate_adjustment,
    validate_reason,
)
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.pricing import UnitOfMeasure, validate_money, validate_quantity
from tuffops_desktop.domain.stock_control import OrderStatus, is_low
from tuffops_desktop.domain.work_orders import OPEN
from tuffops_desktop.services import audit
from tuffops_desktop.services import stock_ledger as ledger
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.inventory import LocationInfo, LocationStock, PartDetail, PartInfo, PartStockAt
from tuffops_desktop.services.guard import requires

LOCATION_KINDS = ("warehouse", "van")
KEEP: object = object()
"""``update_part(cost=KEEP)``: leave the cost as it is (what a user without
``inventory.costs``, who never sees it, always sends)."""
OPEN_VALUES = sorted(s.value for s in OPEN)


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


def location_info(location: StockLocation, technician_name: str = "") -> LocationInfo:
    return LocationInfo(
        location.id, location.name, location.kind, location.technician_id, location.active, technician_name
    )


def _text(value: str | None, field: str, limit: int, *, required: bool) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ValidationError({field: "Required."})
    if len(text) > limit:
        raise ValidationError({field: f"At most {limit} characters (now {len(text)})."})
    return text


def _unit(value: object) -> str:
    try:
        return UnitOfMeasure(str(value).strip().lower()).value
    except ValueError:
        raise ValidationError({"unit": "Choose a unit: " + ", ".join(u.value for u in UnitOfMeasure) + "."}) from None


def _part_fields(
    number: str, name: str, unit: object, manufacturer: str, category: str, price: object
) -> dict[str, object]:
    """A part's facts as typed, validated (every error names its field)."""
    return {
        "number": _text(number, "number", 40, required=True),
        "name": _text(name, "name", 120, required=True),
        "manufacturer": _text(manufacturer, "manufacturer", 80, required=False),
        "category": _text(category, "category", 80, required=False),
        "unit": _unit(unit),
        "price": validate_money(price, "price", required=False),
    }


def _number_taken(session: Session, number: str, own_id: int | None) -> None:
    """Refuse a part number another part has (any case)."""
    other = session.scalar(select(Part.id).where(func.lower(Part.number) == number.lower(), Part.id != (own_id or 0)))
    if other is not None:
        raise ValidationError({"number": f"Part number {number} is already used."})


def _location_name_taken(session: Session, name: str, own_id: int | None) -> None:
    other = session.scalar(
        select(StockLocation.id).where(
            func.lower(StockLocation.name) == name.lower(), StockLocation.id != (own_id or 0)
        )
    )
    if other is not None:
        raise ValidationError({"name": f"There is already a location called {name}."})


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
        """A new, active part; its number must differ from every other part's. A cost can
        be given only by a user who may see costs (``inventory.costs``)."""
        fields = _part_fields(number, name, unit, manufacturer, category, price)
        fields["cost"] = self._cost(cost)
        with self._ctx.write() as session:
            _number_taken(session, str(fields["number"]), None)
            part = Part(**fields, active=True, created_at=self._ctx.now())
            session.add(part)
            try:
                session.flush()
            except IntegrityError:
                raise ValidationError({"number": f"Part number {fields['number']} is already used."}) from None
            audit.record(session, self._ctx, "part", part.id, "create", {k: [None, v] for k, v in fields.items()})
            return part_info(part)

    @requires(P.INVENTORY_VIEW)
    def part(self, part_id: int) -> PartDetail:
        """A part's facts and its stock at every location that holds it or has settings
        for it (on hand, reserved, available, on order, minimum, reorder quantity, bin),
        from the cached levels and the open orders. Cost and markup only with
        ``inventory.costs``."""
        with self._ctx.read() as session:
            found = session.get(Part, part_id)
            if found is None:
                raise NotFound("This part does not exist.")
            return self._detail(session, found)

    @requires(P.INVENTORY_EDIT)
    def update_part(
        self,
        part_id: int,
        *,
        number: str,
        name: str,
        unit: str,
        manufacturer: str = "",
        category: str = "",
        price: object = None,
        cost: object = KEEP,
        expected_version: int,
    ) -> PartDetail:
        """Change a part's facts. The number stays unique; ``cost`` (``KEEP``: unchanged)
        needs ``inventory.costs``; ``expected_version`` is the version the user edited
        (someone else's change in between is refused, not overwritten). The ledger is
        untouched: a new unit of measure does not convert quantities already stored."""
        fields = _part_fields(number, name, unit, manufacturer, category, price)
        if cost is not KEEP:
            fields["cost"] = self._cost(cost)
        with self._ctx.write() as session:
            part = self._locked_part(session, part_id, expected_version)
            _number_taken(session, str(fields["number"]), part.id)
            before = {key: getattr(part, key) for key in fields}
            changes = audit.diff(before, fields)
            if changes:
                for key, value in fields.items():
                    setattr(part, key, value)
                try:
                    session.flush()
                except IntegrityError:
                    raise ValidationError({"number": f"Part number {fields['number']} is already used."}) from None
                if not self._ctx.actor.can(P.INVENTORY_COSTS):
                    changes.pop("cost", None)
                audit.record(session, self._ctx, "part", part.id, "update", changes)
            return self._detail(session, part)

    @requires(P.INVENTORY_EDIT)
    def set_part_active(self, part_id: int, active: bool, expected_version: int) -> PartDetail:
        """Deactivate a part no longer stocked (nothing more can be received, reserved or
        returned for it; its ledger and its stock stay and can still be moved out or
        used), or bring it back. Refused while stock of it is reserved for open work
        orders: the refusal names how many, to release first."""
        with self._ctx.write() as session:
            part = self._locked_part(session, part_id, expected_version)
            if part.active == active:
                return self._detail(session, part)
            if not active:
                orders = self._reserving_orders(session, part.id)
                if orders:
                    shown = ", ".join(orders[:5]) + (" …" if len(orders) > 5 else "")
                    count = "1 open work order" if len(orders) == 1 else f"{len(orders)} open work orders"
                    raise ValidationError(
                        {
                            "": f"Part {part.number} is reserved for {count} ({shown}). "
                            "Release those reservations before deactivating it."
                        }
                    )
            part.active = active
            session.flush()
            audit.record(
                session,
                self._ctx,
                "part",
                part.id,
                "activate" if active else "deactivate",
                {"active": [not active, active]},
            )
            return self._detail(session, part)

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
            _location_name_taken(session, name, None)
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
            return location_info(location, self._user_name(session, technician_id))

    @requires(P.INVENTORY_VIEW)
    def locations(self) -> list[LocationInfo]:
        """Every location (deactivated ones too, marked), by name, with the van's technician."""
        stmt = (
            select(StockLocation, User.full_name, User.username)
            .outerjoin(User, User.id == StockLocation.technician_id)
            .order_by(StockLocation.name)
        )
        with self._ctx.read() as session:
            return [location_info(x, full or user or "") for x, full, user in session.execute(stmt)]

    @requires(P.INVENTORY_EDIT)
    def update_location(
        self,
        location_id: int,
        name: str,
        kind: str,
        technician_id: int | None,
        *,
        seen: LocationInfo | None = None,
    ) -> LocationInfo:
        """Rename a location, make it a warehouse or a van, or give the van to another
        technician. Locations carry no version: ``seen`` (the location as the user opened
        it) stands in, and an edit made meanwhile by someone else is refused, not
        overwritten. Its stock and ledger stay as they are."""
        name = _text(name, "name", 80, required=True)
        if kind not in LOCATION_KINDS:
            raise ValidationError({"kind": "A location is a warehouse or a van."})
        with self._ctx.write() as session:
            location = session.scalar(select(StockLocation).where(StockLocation.id == location_id).with_for_update())
            if location is None:
                raise NotFound("This stock location does not exist.")
            if seen is not None and (seen.name, seen.kind, seen.technician_id, seen.active) != (
                location.name,
                location.kind,
                location.technician_id,
                location.active,
            ):
                raise ConcurrencyConflict("stock location", location.name, location_info(location))
            if technician_id is not None and session.get(User, technician_id) is None:
                raise NotFound("This technician does not exist.")
            _location_name_taken(session, name, location.id)
            before = {"name": location.name, "kind": location.kind, "technician_id": location.technician_id}
            after = {"name": name, "kind": kind, "technician_id": technician_id}
            changes = audit.diff(before, after)
            if changes:
                location.name, location.kind, location.technician_id = name, kind, technician_id
                try:
                    session.flush()
                except IntegrityError:
                    raise ValidationError({"name": f"There is already a location called {name}."}) from None
                audit.record(session, self._ctx, "stock_location", location.id, "update", changes)
            return location_info(location, self._user_name(session, location.technician_id))

    @requires(P.INVENTORY_EDIT)
    def set_location_active(self, location_id: int, active: bool) -> LocationInfo:
        """Stop using a location for stock (nothing more can be received, transferred in
        or reserved there; its ledger stays), or use it again. Refused while it still
        holds stock: the refusal says how many parts, to transfer or adjust away first."""
        with self._ctx.write() as session:
            location = session.scalar(select(StockLocation).where(StockLocation.id == location_id).with_for_update())
            if location is None:
                raise NotFound("This stock location does not exist.")
            if location.active != active:
                if not active:
                    held = int(
                        session.scalar(
                            select(func.count()).where(
                                StockLevel.location_id == location.id,
                                (StockLevel.on_hand != 0) | (StockLevel.reserved != 0),
                            )
                        )
                        or 0
                    )
                    if held:
                        parts = "1 part" if held == 1 else f"{held} parts"
                        raise ValidationError(
                            {
                                "": f"{location.name} still holds stock of {parts}. Transfer or adjust it "
                                "away (and release what is reserved there) before deactivating the location."
                            }
                        )
                location.active = active
                session.flush()
                audit.record(
                    session,
                    self._ctx,
                    "stock_location",
                    location.id,
                    "activate" if active else "deactivate",
                    {"active": [not active, active]},
                )
            return location_info(location, self._user_name(session, location.technician_id))

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
    def _cost(self, value: object) -> object:
        """A cost as typed; only a user who may see costs may set one."""
        cost = validate_money(value, "cost", required=False)
        if cost is not None and not self._ctx.actor.can(P.INVENTORY_COSTS):
            raise PermissionDenied(P.INVENTORY_COSTS.value)
        return cost

    def _locked_part(self, session: Session, part_id: int, expected_version: int) -> Part:
        """The part, locked (as every stock movement locks it), at the version the user saw."""
        part = ledger.lock_part(session, part_id)
        if part.version != expected_version:
            raise ConcurrencyConflict("part", part.number, part_info(part))
        return part

    def _detail(self, session: Session, found: Part) -> PartDetail:
        """The part as ``part`` shows it, read in the caller's transaction."""
        costs = self._ctx.actor.can(P.INVENTORY_COSTS)
        part_id = found.id
        incoming = {
            loc: ledger.qty(q)
            for loc, q in session.execute(
                select(StockOrder.location_id, func.sum(StockOrder.quantity))
                .where(StockOrder.part_id == part_id, StockOrder.status == OrderStatus.OPEN.value)
                .group_by(StockOrder.location_id)
            )
        }
        rows = session.execute(
            select(StockLevel, StockLocation)
            .join(StockLocation, StockLocation.id == StockLevel.location_id)
            .where(StockLevel.part_id == part_id)
            .order_by(StockLocation.kind.desc(), StockLocation.name)
        ).all()
        stock = []
        for level, where in rows:
            s = Stock(ledger.qty(level.on_hand), ledger.qty(level.reserved))
            coming = incoming.pop(where.id, ZERO)
            minimum = ledger.qty(level.minimum) if level.minimum is not None else None
            stock.append(
                PartStockAt(
                    location_id=where.id,
                    location_name=where.name,
                    location_kind=where.kind,
                    location_active=where.active,
                    on_hand=s.on_hand,
                    reserved=s.reserved,
                    available=s.available,
                    incoming=coming,
                    minimum=minimum,
                    reorder_quantity=(
                        ledger.qty(level.reorder_quantity) if level.reorder_quantity is not None else None
                    ),
                    bin=level.bin,
                    low=found.active and where.active and is_low(s.on_hand, s.reserved, coming, minimum),
                )
            )
        for loc, coming in incoming.items():  # ordered where nothing was ever kept
            where = session.get_one(StockLocation, loc)
            stock.append(
                PartStockAt(loc, where.name, where.kind, where.active, ZERO, ZERO, ZERO, coming, None, None, "", False)
            )
        return PartDetail(
            id=found.id,
            number=found.number,
            name=found.name,
            manufacturer=found.manufacturer,
            category=found.category,
            unit=found.unit,
            price=found.price,
            cost=found.cost if costs else None,
            markup=markup(found.cost, found.price) if costs else None,
            costs_shown=costs,
            active=found.active,
            created_at=found.created_at,
            version=found.version,
            stock=tuple(stock),
            on_hand=sum((x.on_hand for x in stock), ZERO),
            reserved=sum((x.reserved for x in stock), ZERO),
            available=sum((x.available for x in stock), ZERO),
            incoming=sum((x.incoming for x in stock), ZERO),
        )

    @staticmethod
    def _user_name(session: Session, user_id: int | None) -> str:
        if user_id is None:
            return ""
        row = session.execute(select(User.full_name, User.username).where(User.id == user_id)).one_or_none()
        return (row[0] or row[1]) if row is not None else ""

    @staticmethod
    def _reserving_orders(session: Session, part_id: int) -> list[str]:
        """Numbers of the open work orders that still have stock of the part reserved
        (read from the part's own ledger rows, only when its levels say something is reserved)."""
        reserved = session.scalar(
            select(func.coalesce(func.sum(StockLevel.reserved), 0)).where(StockLevel.part_id == part_id)
        )
        if not reserved:
            return []
        held = (
            select(StockMovement.work_order_id)
            .where(StockMovement.part_id == part_id, StockMovement.kind.in_(RESERVED_KINDS))
            .group_by(StockMovement.work_order_id)
            .having(func.sum(StockMovement.quantity) > 0)
        )
        ids = session.scalars(
            select(WorkOrder.id).where(WorkOrder.id.in_(held), WorkOrder.status.in_(OPEN_VALUES)).order_by(WorkOrder.id)
        ).all()
        return [work_order_number(i) for i in ids]

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
