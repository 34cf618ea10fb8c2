"""The Inventory page's lists: parts with their stock, and a part's ledger, as ids in SQL
and rows in blocks (``services/listing.py``).

The office has this page open all day over tens of thousands of parts and a ledger of
millions of movements, so **the list never sums the ledger**: stock comes from the cached
levels (``stock_levels``, one row per part and location, kept with every movement by
``services/stock_ledger.py``) and what is on order from the open ``stock_orders``.

* **Parts** (``list_ids`` / ``first_ids`` / ``rows``): search over number, name,
  manufacturer and category (every word must match, any order, any case); filters
  ``category`` (AnyOf), ``location`` (Ref: only parts with a levels row there, and the
  stock columns become that location's), ``low`` (Flag: below the minimum, or short —
  ``low_stock_condition``), ``active`` (Flag: active only / deactivated only; absent: all).
  Sorts ``PART_SORTS``; the stock sorts read the levels (summed per part only when the
  list is not narrowed to one location).
* **A part's ledger** (``ledger_ids`` / ``ledger_rows``): newest first, by the index
  ``ix_stock_movements_part_id_id``, optionally at one location.

Costs and markup are left out of the rows for a user without ``inventory.costs``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true
from sqlalchemy.orm import aliased

from tuffops_desktop.db.models import Part, StockLevel, StockLocation, StockMovement, StockOrder
from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.domain.inventory import ZERO, Stock, markup
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.stock_control import OrderStatus, is_low
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.inventory import PART_SORTS, LedgerRow, PartRow
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.listing import (
    FilterField,
    FirstIds,
    ListQuery,
    Ref,
    apply_filters,
    enum_field,
    flag_field,
    like_escape,
    read_first_ids,
    read_ids,
    search_terms,
)
from tuffops_desktop.services.stock_ledger import qty

OPEN_ORDER = OrderStatus.OPEN.value
HALF_STEP = Decimal("0.0005")  # half of the smallest quantity step (0.001)


def incoming_by_level() -> Any:
    """What is on order per (part, location): the open stock orders summed (a subquery
    with ``part_id``, ``location_id``, ``quantity``). Open orders are few; this is small."""
    return (
        select(
            StockOrder.part_id.label("part_id"),
            StockOrder.location_id.label("location_id"),
            func.sum(StockOrder.quantity).label("quantity"),
        )
        .where(StockOrder.status == OPEN_ORDER)
        .group_by(StockOrder.part_id, StockOrder.location_id)
        .subquery("incoming")
    )


def low_stock_condition(level: Any, incoming: Any) -> ColumnElement[bool]:
    """``domain.stock_control.is_low`` in SQL over ``stock_levels`` and the open orders:
    the position (on hand − reserved + on order) below the minimum, when one is set, or
    below zero (short). Compared with half a quantity step to spare, as the low-stock list
    does, so SQLite's floating-point NUMERIC arithmetic cannot tip an exact equality."""
    position = level.on_hand - level.reserved + func.coalesce(incoming.c.quantity, 0)
    condition: ColumnElement[bool] = or_(
        position < -HALF_STEP, and_(level.minimum.is_not(None), position < level.minimum - HALF_STEP)
    )
    return condition


def low_part_ids(location_id: int | None = None) -> Select[Any]:
    """Ids of the active parts low at some active location (at ``location_id`` when
    given): the parts of the low-stock list (``StockControlService.low_stock``)."""
    incoming = incoming_by_level()
    stmt = (
        select(StockLevel.part_id)
        .join(StockLocation, StockLocation.id == StockLevel.location_id)
        .join(Part, Part.id == StockLevel.part_id)
        .outerjoin(
            incoming,
            and_(incoming.c.part_id == StockLevel.part_id, incoming.c.location_id == StockLevel.location_id),
        )
        .where(Part.active.is_(True), StockLocation.active.is_(True), low_stock_condition(StockLevel, incoming))
    )
    return stmt.where(StockLevel.location_id == location_id) if location_id is not None else stmt


def qty_or_none(value: object) -> Decimal | None:
    return None if value is None else qty(value)


def _free(on_hand: Any, reserved: Any) -> Any:
    """Available as SQL: on hand − reserved, never below zero (a count may leave a
    location with less than is reserved)."""
    return case((on_hand > reserved, on_hand - reserved), else_=0)


def location_of(query: ListQuery) -> int | None:
    """The location the query narrows the list to (None: every location)."""
    value = query.filter("location")
    return value.id if isinstance(value, Ref) else None


class InventoryListingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- parts
    @requires(P.INVENTORY_VIEW)
    def list_ids(self, query: ListQuery) -> list[int]:
        """Part ids in list order (module docstring: search, filters, sorts; by number by default)."""
        with self._ctx.read() as session:
            return read_ids(session, self._ordered(query))

    @requires(P.INVENTORY_VIEW)
    def first_ids(self, query: ListQuery, limit: int) -> FirstIds:
        """How many parts ``list_ids(query)`` lists, and the first ``limit`` of them."""
        with self._ctx.read() as session:
            return read_first_ids(session, self._matching(query), self._ordered(query), limit)

    @requires(P.INVENTORY_VIEW)
    def rows(self, ids: Sequence[int], location_id: int | None = None) -> list[PartRow]:
        """The rows of these parts, in the order asked: stock totals over every location,
        or the stock at ``location_id`` (the list's location filter). Three index reads
        of the ids' levels and open orders; nothing is summed over the ledger."""
        if not ids:
            return []
        ids = list(ids)
        costs = self._ctx.actor.can(P.INVENTORY_COSTS)
        levels_stmt = (
            select(
                StockLevel.part_id,
                StockLevel.location_id,
                StockLevel.on_hand,
                StockLevel.reserved,
                StockLevel.minimum,
                StockLocation.active,
            )
            .join(StockLocation, StockLocation.id == StockLevel.location_id)
            .where(StockLevel.part_id.in_(ids))
        )
        orders_stmt = (
            select(StockOrder.part_id, StockOrder.location_id, func.sum(StockOrder.quantity))
            .where(StockOrder.part_id.in_(ids), StockOrder.status == OPEN_ORDER)
            .group_by(StockOrder.part_id, StockOrder.location_id)
        )
        if location_id is not None:
            levels_stmt = levels_stmt.where(StockLevel.location_id == location_id)
            orders_stmt = orders_stmt.where(StockOrder.location_id == location_id)
        with self._ctx.read() as session:
            parts = {p.id: p for p in session.scalars(select(Part).where(Part.id.in_(ids)))}
            incoming: dict[tuple[int, int], Decimal] = {(p, loc): qty(q) for p, loc, q in session.execute(orders_stmt)}
            levels = session.execute(levels_stmt).all()
        totals: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])
        low: set[int] = set()
        for part_id, loc, hand, res, minimum, location_active in levels:
            stock = Stock(qty(hand), qty(res))
            coming = incoming.get((part_id, loc), ZERO)
            t = totals[part_id]
            t[0] += stock.on_hand
            t[1] += stock.reserved
            t[2] += stock.available
            if location_active and is_low(stock.on_hand, stock.reserved, coming, qty_or_none(minimum)):
                low.add(part_id)
        for (part_id, _loc), coming in incoming.items():
            totals[part_id][3] += coming
        found: dict[int, PartRow] = {}
        for part_id, part in parts.items():
            on_hand, reserved, available, coming = totals.get(part_id, [ZERO, ZERO, ZERO, ZERO])
            found[part_id] = PartRow(
                id=part.id,
                number=part.number,
                name=part.name,
                manufacturer=part.manufacturer,
                category=part.category,
                unit=part.unit,
                on_hand=on_hand,
                reserved=reserved,
                available=available,
                incoming=coming,
                price=part.price,
                cost=part.cost if costs else None,
                markup=markup(part.cost, part.price) if costs else None,
                active=part.active,
                low=part.active and part_id in low,
                version=part.version,
            )
        return [found[i] for i in ids if i in found]

    @requires(P.INVENTORY_VIEW)
    def categories(self) -> list[str]:
        """Every category a part has (for the category filter), alphabetically."""
        with self._ctx.read() as session:
            found = session.scalars(select(Part.category).where(Part.category != "").distinct()).all()
        return sorted(found, key=str.casefold)

    # ----------------------------------------------------------------- a part's ledger
    @requires(P.INVENTORY_VIEW)
    def ledger_ids(self, part_id: int, location_id: int | None = None) -> list[int]:
        """The part's movements, newest first (at ``location_id`` only, when given)."""
        stmt = select(StockMovement.id).where(StockMovement.part_id == part_id)
        if location_id is not None:
            stmt = stmt.where(StockMovement.location_id == location_id)
        with self._ctx.read() as session:
            if session.get(Part, part_id) is None:
                raise NotFound("This part does not exist.")
            return list(session.scalars(stmt.order_by(StockMovement.id.desc())))

    @requires(P.INVENTORY_VIEW)
    def ledger_rows(self, ids: Sequence[int]) -> list[LedgerRow]:
        """The movements ``ids``, in the order asked; a transfer names its other side:
        the other row of its transfer group, found by ``ix_stock_movements_transfer_group``
        (migration 0016), never by a scan of the part's ledger."""
        if not ids:
            return []
        ids = list(ids)
        other = aliased(StockMovement)
        other_side = (
            select(other.location_id)
            .where(
                StockMovement.transfer_group.is_not(None),
                other.transfer_group == StockMovement.transfer_group,
                other.id != StockMovement.id,
            )
            .limit(1)
            .scalar_subquery()
        )
        stmt = select(StockMovement, other_side).where(StockMovement.id.in_(ids))
        with self._ctx.read() as session:
            names: dict[int, str] = {i: n for i, n in session.execute(select(StockLocation.id, StockLocation.name))}
            found = {
                m.id: LedgerRow(
                    id=m.id,
                    at=m.created_at,
                    kind=m.kind,
                    location_id=m.location_id,
                    location_name=names.get(m.location_id, ""),
                    other_location=names.get(other_id, "") if other_id is not None else "",
                    quantity=qty(m.quantity),
                    work_order_id=m.work_order_id,
                    work_order_number=work_order_number(m.work_order_id) if m.work_order_id else "",
                    reason=m.reason,
                    by=m.created_by,
                )
                for m, other_id in session.execute(stmt)
            }
        return [found[i] for i in ids if i in found]

    # ----------------------------------------------------------------- helpers
    def _filters(self, query: ListQuery) -> dict[str, FilterField]:
        def at_location(value: Ref) -> ColumnElement[bool]:
            if value.id is None:
                return true()
            return Part.id.in_(select(StockLevel.part_id).where(StockLevel.location_id == value.id))

        low: ColumnElement[bool] = Part.id.in_(low_part_ids(location_of(query)))
        active: ColumnElement[bool] = Part.active.is_(True)
        return {
            "category": enum_field(Part.category),
            "location": FilterField(Ref, at_location),
            "low": flag_field(low),
            "active": flag_field(active),
        }

    def _matching(self, query: ListQuery) -> Select[Any]:
        """The ids ``query`` lists, unordered: filters and search on parts (and the levels
        of the filtered location)."""
        stmt = apply_filters(select(Part.id), query, self._filters(query))
        terms = search_terms(query.text)
        if terms:
            text = func.lower(Part.number + " " + Part.name + " " + Part.manufacturer + " " + Part.category)
            stmt = stmt.where(*[text.like(f"%{like_escape(t)}%", escape="\\") for t in terms])
        return stmt

    def _ordered(self, query: ListQuery) -> Select[Any]:
        """``_matching`` in list order; the part id breaks ties, so every prefix of the
        list is stable (``first_ids``). The stock sorts read the filtered location's
        level, or the levels summed per part."""
        if query.sort not in PART_SORTS:
            raise ValidationError({"sort": f"The parts list cannot be sorted by “{query.sort}”."})
        stmt = self._matching(query)
        key: Any
        if query.sort == "number":
            key = Part.number
        elif query.sort == "name":
            key = func.lower(Part.name)
        elif query.sort == "category":
            key = func.lower(Part.category)
        else:
            location_id = location_of(query)
            if location_id is not None:
                level = aliased(StockLevel)
                stmt = stmt.outerjoin(level, and_(level.part_id == Part.id, level.location_id == location_id))
                hand, reserved = level.on_hand, level.reserved
                key = func.coalesce(hand if query.sort == "on_hand" else _free(hand, reserved), 0)
            else:
                sums = (
                    select(
                        StockLevel.part_id.label("part_id"),
                        func.sum(StockLevel.on_hand).label("on_hand"),
                        func.sum(_free(StockLevel.on_hand, StockLevel.reserved)).label("available"),
                    )
                    .group_by(StockLevel.part_id)
                    .subquery("sums")
                )
                stmt = stmt.outerjoin(sums, sums.c.part_id == Part.id)
                key = func.coalesce(sums.c.on_hand if query.sort == "on_hand" else sums.c.available, 0)
        descending = query.descending
        return stmt.order_by(key.desc() if descending else key.asc(), Part.id.desc() if descending else Part.id.asc())
