"""Stock control: minimums and reordering, parts on order, cycle counts, valuation at cost.

Rules in ``domain/stock_control.py``. Stock itself still changes only through the one
ledger writer (``services/stock_ledger.py``): receiving a supplier's order and a cycle
count lock the part and append movements there, like every other stock change. What
this service writes itself is the office's settings on a part's levels row (minimum,
reorder quantity, bin) and the supplier orders (``stock_orders``, change-feed entity
``stock_order``); each action is one transaction with its audit row.

The low-stock list and the valuation are each one SQL statement over the cached levels
(``stock_levels``), so they cost the same with a million ledger rows as with ten.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Numeric, and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Part, StockLevel, StockLocation, StockOrder
from tuffops_desktop.domain.errors import ConcurrencyConflict, NotFound, ValidationError
from tuffops_desktop.domain.inventory import MovementKind, Stock, check_total
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.pricing import validate_quantity
from tuffops_desktop.domain.stock_control import (
    REFERENCE_MAX,
    SUPPLIER_MAX,
    OrderStatus,
    check_count,
    check_order_transition,
    count_difference,
    count_reason,
    is_low,
    quantity_text,
    suggested_quantity,
    validate_bin,
    validate_counted,
    validate_counter,
    validate_minimum,
    validate_reorder_quantity,
    validate_text,
)
from tuffops_desktop.services import audit
from tuffops_desktop.services import changes as change_feed
from tuffops_desktop.services import stock_ledger as ledger
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.csv_io import SpreadsheetSafeWriter
from tuffops_desktop.services.dto.stock_control import (
    CountAdjustment,
    CountEntry,
    CountLine,
    CountResult,
    CountSheet,
    LevelSettings,
    LocationValue,
    LowStockRow,
    StockOrderInfo,
    Valuation,
)
from tuffops_desktop.services.guard import requires

ORDER_ENTITY = "stock_order"
# Every stored quantity is a multiple of 0.001; comparing against half of that keeps the
# SQL predicate exact on SQLite too, where NUMERIC arithmetic is done in floating point.
HALF_STEP = Decimal("0.0005")
VALUE = Numeric(24, 5)  # Σ on hand (3 decimals) × cost (2 decimals), exact
LOW_STOCK_COLUMNS = (
    "location",
    "bin",
    "part_number",
    "part_name",
    "unit",
    "on_hand",
    "reserved",
    "incoming",
    "available",
    "minimum",
    "reorder_quantity",
    "suggested",
)
VALUATION_COLUMNS = ("location", "kind", "parts_with_stock", "units_on_hand", "value_at_cost", "parts_without_cost")


def _money(value: object) -> Decimal:
    """A sum of on hand × cost to the cent, half up. The exact sum has at most five
    decimals (three of quantity, two of cost); SQLite sums in floating point, so the sum
    is first brought back to those five decimals."""
    exact = Decimal(str(value or 0)).quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _plain(value: Decimal | None) -> Decimal | str:
    """A quantity for a CSV cell: 2, 2.5 (no trailing zeros), empty for None."""
    return "" if value is None else Decimal(quantity_text(value))


def location_values(session: Session) -> list[LocationValue]:
    """Stock value at cost per location (one statement, also the Reports page's stock value):
    the parts with stock there, the units on hand, Σ on hand × the part's cost (rounded to
    the cent once per location) and how many parts with stock have no cost set (they add
    nothing). Locations no longer used are listed while they still hold stock."""
    has = StockLevel.on_hand > 0
    costed = and_(has, Part.cost.is_not(None))
    parts_with_stock = func.count(case((has, literal(1))))
    stmt = (
        select(
            StockLocation.id,
            StockLocation.name,
            StockLocation.kind,
            parts_with_stock,
            func.coalesce(func.sum(case((has, StockLevel.on_hand), else_=0)), 0),
            # at five decimals: SQLite would otherwise hand the sum back cut to the cost's two
            type_coerce(func.coalesce(func.sum(case((costed, StockLevel.on_hand * Part.cost), else_=0)), 0), VALUE),
            func.count(case((and_(has, Part.cost.is_(None)), literal(1)))),
        )
        .select_from(StockLocation)
        .outerjoin(StockLevel, StockLevel.location_id == StockLocation.id)
        .outerjoin(Part, Part.id == StockLevel.part_id)
        .group_by(StockLocation.id, StockLocation.name, StockLocation.kind, StockLocation.active)
        .having(or_(StockLocation.active.is_(True), parts_with_stock > 0))
        .order_by(StockLocation.name)
    )
    return [
        LocationValue(loc_id, name, kind, int(n), ledger.qty(units), _money(value), int(no_cost))
        for loc_id, name, kind, n, units, value, no_cost in session.execute(stmt)
    ]


def _order_info(order: StockOrder, part: Part, where: StockLocation) -> StockOrderInfo:
    return StockOrderInfo(
        id=order.id,
        part_id=part.id,
        part_number=part.number,
        part_name=part.name,
        unit=part.unit,
        location_id=where.id,
        location_name=where.name,
        quantity=ledger.qty(order.quantity),
        supplier=order.supplier,
        reference=order.reference,
        status=order.status,
        ordered_at=order.ordered_at,
        ordered_by=order.ordered_by,
        closed_at=order.closed_at,
        version=order.version,
    )


def _incoming() -> Any:
    """Per part and location: the quantity on open supplier orders."""
    return (
        select(
            StockOrder.part_id,
            StockOrder.location_id,
            func.sum(StockOrder.quantity).label("quantity"),
        )
        .where(StockOrder.status == OrderStatus.OPEN.value)
        .group_by(StockOrder.part_id, StockOrder.location_id)
        .subquery("incoming")
    )


def _low_stock_rows(session: Session, *conditions: ColumnElement[bool]) -> list[LowStockRow]:
    """The low-stock list (one statement): levels rows of active parts at active
    locations whose position is below their minimum, or below zero."""
    incoming = _incoming()
    inc = func.coalesce(incoming.c.quantity, 0)
    where = StockLevel.on_hand - StockLevel.reserved + inc
    stmt = (
        select(
            StockLevel.part_id,
            Part.number,
            Part.name,
            Part.unit,
            StockLevel.location_id,
            StockLocation.name,
            StockLevel.bin,
            StockLevel.on_hand,
            StockLevel.reserved,
            inc,
            StockLevel.minimum,
            StockLevel.reorder_quantity,
        )
        .join(Part, Part.id == StockLevel.part_id)
        .join(StockLocation, StockLocation.id == StockLevel.location_id)
        .outerjoin(
            incoming,
            and_(incoming.c.part_id == StockLevel.part_id, incoming.c.location_id == StockLevel.location_id),
        )
        .where(
            Part.active.is_(True),
            StockLocation.active.is_(True),
            or_(
                where < -HALF_STEP,
                and_(StockLevel.minimum.is_not(None), where < StockLevel.minimum - HALF_STEP),
            ),
            *conditions,
        )
        .order_by(StockLocation.name, Part.number)
    )
    rows = []
    for part_id, number, name, unit, location_id, place, bin_, hand, res, inc_q, minimum, pack in session.execute(stmt):
        on_hand, reserved, incoming_q = ledger.qty(hand), ledger.qty(res), ledger.qty(inc_q)
        low_at = None if minimum is None else ledger.qty(minimum)
        pack_q = None if pack is None else ledger.qty(pack)
        if not is_low(on_hand, reserved, incoming_q, low_at):  # the domain rule decides
            continue
        rows.append(
            LowStockRow(
                part_id=part_id,
                part_number=number,
                part_name=name,
                unit=unit,
                location_id=location_id,
                location_name=place,
                bin=bin_,
                on_hand=on_hand,
                reserved=reserved,
                available=Stock(on_hand, reserved).available,
                incoming=incoming_q,
                minimum=low_at,
                reorder_quantity=pack_q,
                suggested=suggested_quantity(on_hand, reserved, incoming_q, low_at, pack_q),
            )
        )
    return rows


class StockControlService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- minimum, reorder, bin
    @requires(P.INVENTORY_VIEW)
    def levels(self, part_id: int, location_id: int) -> LevelSettings:
        """The part's settings at the location (all empty when none were ever set)."""
        with self._ctx.read() as session:
            part = session.get(Part, part_id)
            if part is None:
                raise NotFound("This part does not exist.")
            where = ledger.location(session, location_id)
            row = ledger.level(session, part_id, location_id)
            return self._settings(part, where, row)

    @requires(P.INVENTORY_EDIT)
    def set_levels(
        self, part_id: int, location_id: int, minimum: object, reorder_quantity: object, bin: str = ""
    ) -> LevelSettings:
        """Set the minimum (None/empty: the part is not watched there; 0 is allowed), the
        reorder quantity (None/empty: order exactly the gap) and the bin of a part at a
        location. The levels row is created when the part was never kept there."""
        low_at = validate_minimum(minimum)
        pack = validate_reorder_quantity(reorder_quantity)
        shelf = validate_bin(bin)
        watched = low_at is not None or pack is not None
        with self._ctx.write() as session:
            # Locked like a movement: the ledger writer inserts a levels row under the
            # same lock, so the two can never both insert it.
            part = ledger.lock_part(session, part_id, incoming=watched)
            where = ledger.location(session, location_id, incoming=watched)
            row = ledger.level(session, part.id, where.id)
            created = row is None
            if row is None:
                row = StockLevel(
                    part_id=part.id, location_id=where.id, on_hand=ledger.qty(0), reserved=ledger.qty(0), bin=""
                )
                session.add(row)
            before = {"minimum": row.minimum, "reorder_quantity": row.reorder_quantity, "bin": row.bin}
            before = {k: (ledger.qty(v) if isinstance(v, Decimal) else v) for k, v in before.items()}
            row.minimum, row.reorder_quantity, row.bin = low_at, pack, shelf
            session.flush()
            changed = audit.diff(before, {"minimum": low_at, "reorder_quantity": pack, "bin": shelf})
            if changed or created:
                audit.record(session, self._ctx, "part", part.id, "levels", {"location": where.name, **changed})
            return self._settings(part, where, row)

    # ----------------------------------------------------------------- supplier orders
    @requires(P.INVENTORY_EDIT)
    def order(
        self, part_id: int, location_id: int, quantity: object, supplier: str = "", reference: str = ""
    ) -> StockOrderInfo:
        """Record parts ordered from a supplier for a location: incoming stock from now on."""
        q = validate_quantity(quantity)
        who = validate_text(supplier, "supplier", SUPPLIER_MAX)
        ref = validate_text(reference, "reference", REFERENCE_MAX)
        with self._ctx.write() as session:
            part = ledger.lock_part(session, part_id, incoming=True)
            where = ledger.location(session, location_id, incoming=True)
            return self._place(session, part, where, q, who, ref)

    @requires(P.INVENTORY_EDIT)
    def order_suggested(self, keys: Sequence[tuple[int, int]], supplier: str = "") -> list[StockOrderInfo]:
        """Order the suggested quantity for each selected low-stock row ``(part_id,
        location_id)``, all in one transaction. A row that is no longer low (someone
        ordered or received it meanwhile) refuses the whole action, naming it."""
        who = validate_text(supplier, "supplier", SUPPLIER_MAX)
        wanted = list(dict.fromkeys((int(p), int(loc)) for p, loc in keys))
        if not wanted:
            raise ValidationError({"rows": "Select the low-stock rows to order."})
        with self._ctx.write() as session:
            parts = {  # one lock order: no deadlocks
                pid: ledger.lock_part(session, pid, incoming=True) for pid in sorted({p for p, _ in wanted})
            }
            found = {
                row.key: row
                for row in _low_stock_rows(
                    session,
                    or_(*(and_(StockLevel.part_id == p, StockLevel.location_id == loc) for p, loc in wanted)),
                )
            }
            missing = [key for key in wanted if key not in found]
            if missing:
                raise ValidationError({"rows": self._no_longer_low(session, missing)})
            placed = []
            for key in wanted:
                row = found[key]
                where = ledger.location(session, row.location_id, incoming=True)
                placed.append(self._place(session, parts[row.part_id], where, row.suggested, who, ""))
            return placed

    @requires(P.INVENTORY_EDIT)
    def receive_order(self, order_id: int, expected_version: int, quantity: object = None) -> StockOrderInfo:
        """The supplier delivered: receive the quantity delivered (default: as ordered; it
        may differ) into the order's location and close the order as received. If less
        came than was needed, the low-stock list suggests ordering again."""
        with self._ctx.write() as session:
            order = self._order(session, order_id)
            part = ledger.lock_part(session, order.part_id)
            order = self._order(session, order_id, lock=True)
            if order.version != expected_version:
                raise ConcurrencyConflict("order", order_id)
            check_order_transition(OrderStatus(order.status), OrderStatus.RECEIVED)
            q = ledger.qty(order.quantity) if quantity is None or quantity == "" else validate_quantity(quantity)
            where = ledger.location(session, order.location_id)
            check_total(ledger.stock(session, part.id, where.id), q)
            label = f"Order {order.reference}" if order.reference else f"Order #{order.id}"
            ledger.append(session, self._ctx, part, where, MovementKind.RECEIVE, q, reason=label)
            order.status = OrderStatus.RECEIVED.value
            order.closed_at = self._ctx.now()
            session.flush()
            audit.record(
                session,
                self._ctx,
                ORDER_ENTITY,
                order.id,
                "receive",
                {"status": [OrderStatus.OPEN.value, OrderStatus.RECEIVED.value], "received": q},
            )
            return _order_info(order, part, where)

    @requires(P.INVENTORY_EDIT)
    def cancel_order(self, order_id: int, expected_version: int) -> StockOrderInfo:
        """Call an open order off: it no longer counts as incoming."""
        with self._ctx.write() as session:
            order = self._order(session, order_id)
            part = ledger.lock_part(session, order.part_id)
            order = self._order(session, order_id, lock=True)
            if order.version != expected_version:
                raise ConcurrencyConflict("order", order_id)
            check_order_transition(OrderStatus(order.status), OrderStatus.CANCELLED)
            order.status = OrderStatus.CANCELLED.value
            order.closed_at = self._ctx.now()
            session.flush()
            audit.record(
                session,
                self._ctx,
                ORDER_ENTITY,
                order.id,
                "cancel",
                {"status": [OrderStatus.OPEN.value, OrderStatus.CANCELLED.value]},
            )
            change_feed.publish(session, "part", part.id, "order_cancelled")
            return _order_info(order, part, ledger.location(session, order.location_id))

    @requires(P.INVENTORY_VIEW)
    def open_orders(self, part_id: int | None = None, location_id: int | None = None) -> list[StockOrderInfo]:
        """Orders not yet delivered nor cancelled, oldest first (optionally of one part / location)."""
        stmt = (
            select(StockOrder, Part, StockLocation)
            .join(Part, Part.id == StockOrder.part_id)
            .join(StockLocation, StockLocation.id == StockOrder.location_id)
            .where(StockOrder.status == OrderStatus.OPEN.value)
            .order_by(StockOrder.ordered_at, StockOrder.id)
        )
        if part_id is not None:
            stmt = stmt.where(StockOrder.part_id == part_id)
        if location_id is not None:
            stmt = stmt.where(StockOrder.location_id == location_id)
        with self._ctx.read() as session:
            return [_order_info(o, p, loc) for o, p, loc in session.execute(stmt)]

    # ----------------------------------------------------------------- low stock
    @requires(P.INVENTORY_VIEW)
    def low_stock(self, location_id: int | None = None) -> list[LowStockRow]:
        """Parts low at a location (``domain.stock_control.is_low``: the position on hand −
        reserved + incoming is below the minimum, or below zero) with the suggested order,
        sorted by location and part number. Active parts and locations only."""
        with self._ctx.read() as session:
            if location_id is None:
                return _low_stock_rows(session)
            ledger.location(session, location_id)
            return _low_stock_rows(session, StockLevel.location_id == location_id)

    @requires(P.INVENTORY_VIEW)
    def low_stock_csv(self, location_id: int | None = None) -> str:
        """The low-stock list as CSV (a header row, then one row per low part and location)."""
        out = io.StringIO()
        writer = SpreadsheetSafeWriter(out)
        writer.writerow(LOW_STOCK_COLUMNS)
        for row in self.low_stock(location_id):
            writer.writerow(
                [
                    row.location_name,
                    row.bin,
                    row.part_number,
                    row.part_name,
                    row.unit,
                    *(
                        _plain(v)
                        for v in (
                            row.on_hand,
                            row.reserved,
                            row.incoming,
                            row.available,
                            row.minimum,
                            row.reorder_quantity,
                            row.suggested,
                        )
                    ),
                ]
            )
        return out.getvalue()

    # ----------------------------------------------------------------- cycle count
    @requires(P.INVENTORY_VIEW)
    def count_sheet(self, location_id: int) -> CountSheet:
        """What to count at a location: every part kept there (a levels row; parts no
        longer stocked only while some are left) with its bin and what the ledger says is
        on hand, in bin order (parts without a bin last), then by part number. ``read_at``
        is when the numbers were read: the count adjusts from them."""
        stmt = (
            select(Part.id, Part.number, Part.name, Part.unit, StockLevel.bin, StockLevel.on_hand)
            .join(Part, Part.id == StockLevel.part_id)
            .where(
                StockLevel.location_id == location_id,
                or_(Part.active.is_(True), StockLevel.on_hand != 0),
            )
            .order_by(case((StockLevel.bin == "", 1), else_=0), StockLevel.bin, Part.number)
        )
        with self._ctx.read() as session:
            where = ledger.location(session, location_id)
            read_at = self._ctx.now()
            lines = [
                CountLine(part_id, number, name, unit, bin_, ledger.qty(hand))
                for part_id, number, name, unit, bin_, hand in session.execute(stmt)
            ]
            return CountSheet(where.id, where.name, read_at, lines)

    @requires(P.INVENTORY_EDIT)
    def count(self, location_id: int, lines: Sequence[CountEntry], counted_by: str) -> CountResult:
        """Store a cycle count of a location, all lines or none.

        Each line's difference counted − expected (``expected``: the count sheet's number,
        what the ledger said when the counter started) becomes an ``adjust`` movement
        with the reason "Cycle count — counted by <name>"; lines that match write nothing.
        Movements made after the sheet was read are real and stay.

        A count never stores a negative on hand: if stock was taken after the sheet was
        read so that a line would go below zero, that line is refused by part number and
        nothing is stored. A count may leave on hand **below what is reserved** (reality
        wins over the promises): the part then shows on the low-stock list as short."""
        who = validate_counter(counted_by)
        seen: set[int] = set()
        for entry in lines:
            if entry.part_id in seen:
                raise ValidationError({"counted": "Each part may be counted once per count."})
            seen.add(entry.part_id)
        with self._ctx.write() as session:
            where = ledger.location(session, location_id)
            parts = {pid: ledger.lock_part(session, pid) for pid in sorted(seen)}  # one lock order
            checked: list[tuple[Part, Decimal, Decimal, Decimal]] = []
            problems: list[str] = []
            for entry in lines:
                part = parts[entry.part_id]
                counted = validate_counted(entry.counted, part.number)
                expected = ledger.qty(entry.expected)
                difference = count_difference(expected, counted)
                if difference == 0:
                    continue
                stock = ledger.stock(session, part.id, where.id)
                try:
                    check_count(stock.on_hand, difference, part.number, where.name)
                    if difference > 0:
                        check_total(stock, difference)
                except ValidationError as exc:
                    problems.append(" ".join(exc.field_errors.values()))
                    continue
                checked.append((part, expected, counted, difference))
            if problems:
                raise ValidationError({"counted": " ".join(problems)})
            reason = count_reason(who)
            adjustments = []
            for part, expected, counted, difference in checked:
                ledger.append(
                    session,
                    self._ctx,
                    part,
                    where,
                    MovementKind.ADJUST,
                    difference,
                    reason=reason,
                    signed_already=True,
                )
                adjustments.append(
                    CountAdjustment(
                        part.id,
                        part.number,
                        part.name,
                        part.unit,
                        expected,
                        counted,
                        difference,
                        ledger.stock(session, part.id, where.id).on_hand,
                    )
                )
            return CountResult(where.id, where.name, who, len(lines), adjustments)

    # ----------------------------------------------------------------- valuation
    @requires(P.INVENTORY_COSTS)
    def valuation(self) -> Valuation:
        """Stock value at cost per location (one statement, ``location_values``) and the total,
        which adds the locations up (a part kept at two locations counts at both)."""
        with self._ctx.read() as session:
            read_at = self._ctx.now()
            locations = location_values(session)
        total = LocationValue(
            None,
            "Total",
            "",
            sum(x.parts_with_stock for x in locations),
            ledger.qty(sum((x.units_on_hand for x in locations), Decimal(0))),
            sum((x.value for x in locations), Decimal("0.00")),
            sum(x.parts_without_cost for x in locations),
        )
        return Valuation(read_at, locations, total)

    @requires(P.INVENTORY_COSTS)
    def valuation_csv(self) -> str:
        """The valuation as CSV: one row per location, then the total."""
        report = self.valuation()
        out = io.StringIO()
        writer = SpreadsheetSafeWriter(out)
        writer.writerow(VALUATION_COLUMNS)
        for line in [*report.locations, report.total]:
            writer.writerow(
                [
                    line.name,
                    line.kind,
                    line.parts_with_stock,
                    _plain(line.units_on_hand),
                    line.value,
                    line.parts_without_cost,
                ]
            )
        return out.getvalue()

    # ----------------------------------------------------------------- helpers
    def _settings(self, part: Part, where: StockLocation, row: StockLevel | None) -> LevelSettings:
        if row is None:
            return LevelSettings(part.id, where.id, part.number, where.name, None, None, "")
        return LevelSettings(
            part.id,
            where.id,
            part.number,
            where.name,
            None if row.minimum is None else ledger.qty(row.minimum),
            None if row.reorder_quantity is None else ledger.qty(row.reorder_quantity),
            row.bin,
        )

    def _order(self, session: Session, order_id: int, *, lock: bool = False) -> StockOrder:
        stmt = select(StockOrder).where(StockOrder.id == order_id)
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        order = session.scalar(stmt)
        if order is None:
            raise NotFound("This order does not exist.")
        return order

    def _place(
        self, session: Session, part: Part, where: StockLocation, q: Decimal, supplier: str, reference: str
    ) -> StockOrderInfo:
        order = StockOrder(
            part_id=part.id,
            location_id=where.id,
            quantity=q,
            supplier=supplier,
            reference=reference,
            status=OrderStatus.OPEN.value,
            ordered_at=self._ctx.now(),
            ordered_by=self._ctx.actor.username,
        )
        session.add(order)
        session.flush()
        audit.record(
            session,
            self._ctx,
            ORDER_ENTITY,
            order.id,
            "create",
            {
                "part": [None, part.number],
                "location": [None, where.name],
                "quantity": [None, q],
                "supplier": [None, supplier],
                "reference": [None, reference],
            },
        )
        change_feed.publish(session, "part", part.id, "ordered")
        return _order_info(order, part, where)

    def _no_longer_low(self, session: Session, keys: Iterable[tuple[int, int]]) -> str:
        names = []
        for part_id, location_id in keys:
            part = session.get(Part, part_id)
            where = session.get(StockLocation, location_id)
            if part is None or where is None:
                raise NotFound("This part or location does not exist.")
            names.append(f"{part.number} at {where.name}")
        return (
            "No longer low (ordered, received or changed meanwhile): "
            + "; ".join(names)
            + ". Refresh the list and choose again."
        )
