"""A work order's items: what was used on the job, as the customer signs for and is billed.

A line is added from a price-list entry and **snapshots** its name, kind, unit and price
and the customer's discount at that moment; changing the price list or the customer
later never rewrites it. Lines change while the work order is open, by its assigned
technician (``work_orders.edit``) or a supervisor (``domain.pricing.items_refusal``).
Each action is one transaction that locks the work order (so it cannot be approved or
billed half-way through an edit), compares the line's version with the one the user saw,
and writes an audit row on the **work order** (``add_item`` / ``change_item`` /
``remove_item``), which the change feed announces, so every workstation showing the work
order reloads it. Prices are recorded for everyone but returned only to users with
``work_orders.pricing``.

A material line may instead be a **stocked part** (``add_part``): it snapshots the part's
name, unit and price (0 when the part has none yet: the office sets the price on the
Inventory page and may leave the line at 0 or re-add it) and names the stock location it
comes from. While the work order is scheduled or under way the line's quantity is
reserved there, so adding, changing, moving or removing the line reserves or releases in
the same transaction (``services/work_order_stock.py``; status moves are handled by
``WorkOrderService.act``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Customer, Part, StockLevel, StockLocation, User, WorkOrder, WorkOrderItem
from tuffops_desktop.domain.errors import ConcurrencyConflict, InvalidTransition, NotFound, ValidationError
from tuffops_desktop.domain.inventory import Stock
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.pricing import (
    ItemKind,
    LineAmount,
    check_line_amount,
    items_refusal,
    line_amount,
    totals,
    validate_quantity,
)
from tuffops_desktop.domain.work_order_stock import holds_stock, share_out
from tuffops_desktop.domain.work_orders import EDIT, SUPERVISE, WorkOrderActor, sees_only_own
from tuffops_desktop.services import audit
from tuffops_desktop.services import stock_ledger as ledger
from tuffops_desktop.services import work_order_stock as stock
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.work_orders import PartChoice, StockPlace, WorkOrderItemInfo, WorkOrderItems
from tuffops_desktop.services.guard import requires, requires_any
from tuffops_desktop.services.listing import like_escape
from tuffops_desktop.services.price_list import active_entry, sees_prices


@dataclass(frozen=True)
class _StockFields:
    """What a part line adds to ``WorkOrderItemInfo`` (all empty on a price-list line)."""

    part_number: str | None = None
    location_name: str | None = None
    reserved: Decimal | None = None
    places: tuple[StockPlace, ...] = ()


_NOT_STOCKED = _StockFields()


PART_SEARCH_MAX = 200  # the picker shows the best matches; more means the user should type more
NO_PRICE = Decimal("0.00")


class WorkOrderItemService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- reading
    @requires(P.WORK_ORDERS_VIEW)
    def items(self, work_order_id: int) -> WorkOrderItems:
        """The Items card of a work order the user may see (technicians: their own)."""
        with self._ctx.read() as session:
            return self._card(session, self._order(session, work_order_id))

    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE, P.INVENTORY_VIEW)
    def search_parts(self, text: str = "", limit: int = 50) -> list[PartChoice]:
        """Stocked parts for the item picker: active parts whose number or name holds every
        word of ``text`` (any order, any case), those whose number starts with the first
        word first, then by number; at most ``limit``. Each with what is free at every
        active location; the price only for users who may see prices
        (``services.price_list.sees_prices``)."""
        words = (text or "").casefold().split()[:8]
        stmt = select(Part).where(Part.active.is_(True))
        for word in words:
            pattern = f"%{like_escape(word)}%"
            stmt = stmt.where(
                or_(
                    func.lower(Part.number).like(pattern, escape="\\"), func.lower(Part.name).like(pattern, escape="\\")
                )
            )
        if words:
            starts = func.lower(Part.number).like(f"{like_escape(words[0])}%", escape="\\")
            stmt = stmt.order_by(case((starts, 0), else_=1), Part.number)
        else:
            stmt = stmt.order_by(Part.number)
        pricing = sees_prices(self._ctx)
        with self._ctx.read() as session:
            parts = session.scalars(stmt.limit(max(1, min(limit, PART_SEARCH_MAX)))).all()
            places = self._places(session, [p.id for p in parts])
            return [
                PartChoice(
                    id=p.id,
                    number=p.number,
                    name=p.name,
                    unit=p.unit,
                    price=p.price if pricing else None,
                    places=places.get(p.id, ()),
                )
                for p in parts
            ]

    # ----------------------------------------------------------------- writing
    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE)
    def add(self, work_order_id: int, price_list_item_id: int, quantity: object = "1") -> WorkOrderItems:
        """Add an active price-list entry at ``quantity`` (1 by default) as the last line."""
        amount = validate_quantity(quantity)
        with self._ctx.write() as session:
            order = self._order(session, work_order_id, for_update=True)
            self._check_may_edit(session, order)
            entry = active_entry(session, price_list_item_id)
            discount = self._discount(session, order)
            check_line_amount(amount, entry.price)
            line = WorkOrderItem(
                work_order_id=order.id,
                price_list_item_id=entry.id,
                kind=entry.kind,
                name=entry.name,
                unit=entry.unit,
                unit_price=entry.price,
                quantity=amount,
                discount_rate=discount,
                position=self._next_position(session, order),
                created_by=self._ctx.actor.username,
            )
            session.add(line)
            session.flush()
            audit.record(
                session,
                self._ctx,
                "work_order",
                order.id,
                "add_item",
                {
                    "item": [None, entry.name],
                    "quantity": [None, amount],
                    "unit": [None, entry.unit],
                    "unit_price": [None, entry.price],
                    "discount_rate": [None, discount],
                },
            )
            return self._card(session, order)

    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE)
    def add_part(
        self, work_order_id: int, part_id: int, quantity: object = "1", location_id: int | None = None
    ) -> WorkOrderItems:
        """Add a stocked part as a material line, taken from ``location_id`` (None: the
        assigned technician's van when it has the quantity free, else the warehouse with the
        most free). The line snapshots the part's name, unit and price (0 without one).
        While the work order holds stock the quantity is reserved at once; more than is
        free there is refused with the shortfall named, and nothing is stored."""
        amount = validate_quantity(quantity)
        with self._ctx.write() as session:
            order = self._order(session, work_order_id, for_update=True)
            self._check_may_edit(session, order)
            part = stock.lock(session, [part_id], incoming=True)[part_id]
            price = part.price if part.price is not None else NO_PRICE
            check_line_amount(amount, price)
            if location_id is None:
                location_id = stock.default_location(session, order, part.id, amount)
                if location_id is None:
                    raise ValidationError(
                        {"location": "There is no stock location to take the part from; add one on the Inventory page."}
                    )
            where = ledger.location(session, location_id, incoming=True)
            discount = self._discount(session, order)
            line = WorkOrderItem(
                work_order_id=order.id,
                price_list_item_id=None,
                kind=ItemKind.MATERIAL.value,
                name=part.name,
                unit=part.unit,
                unit_price=price,
                quantity=amount,
                discount_rate=discount,
                part_id=part.id,
                stock_location_id=where.id,
                position=self._next_position(session, order),
                created_by=self._ctx.actor.username,
            )
            session.add(line)
            session.flush()
            stock.reserve(session, self._ctx, order, part, where.id, amount)
            audit.record(
                session,
                self._ctx,
                "work_order",
                order.id,
                "add_item",
                {
                    "item": [None, part.name],
                    "part": [None, part.number],
                    "location": [None, where.name],
                    "quantity": [None, amount],
                    "unit": [None, part.unit],
                    "unit_price": [None, price],
                    "discount_rate": [None, discount],
                },
            )
            return self._card(session, order)

    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE)
    def set_location(self, item_id: int, location_id: int, expected_version: int) -> WorkOrderItems:
        """Take a part line's stock from another location: while the work order holds stock,
        its reservation moves (released at the old location, reserved at the new one, or
        refused with the shortfall named and nothing changed)."""
        with self._ctx.write() as session:
            line, order = self._line(session, item_id, expected_version)
            if line.part_id is None:
                raise ValidationError({"location": "Only a stocked part's line is taken from a stock location."})
            part = stock.lock(session, [line.part_id])[line.part_id]
            where = ledger.location(session, location_id, incoming=True)
            before = line.stock_location_id
            if before != where.id:
                if before is not None:
                    stock.release(session, self._ctx, order, part, before, line.quantity)
                stock.reserve(session, self._ctx, order, part, where.id, line.quantity)
                old_name = session.scalar(select(StockLocation.name).where(StockLocation.id == before))
                line.stock_location_id = where.id
                session.flush()
                audit.record(
                    session,
                    self._ctx,
                    "work_order",
                    order.id,
                    "change_item",
                    {"item": [line.name, line.name], "location": [old_name, where.name]},
                )
            return self._card(session, order)

    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE)
    def change_quantity(self, item_id: int, quantity: object, expected_version: int) -> WorkOrderItems:
        """Set a line's quantity (its snapshot price and discount stay as they were). A part
        line of a work order holding stock reserves the difference more, or releases it."""
        amount = validate_quantity(quantity)
        with self._ctx.write() as session:
            line, order = self._line(session, item_id, expected_version)
            check_line_amount(amount, line.unit_price)
            before = line.quantity
            if before != amount:
                if line.part_id is not None and line.stock_location_id is not None:
                    part = stock.lock(session, [line.part_id])[line.part_id]
                    stock.reserve(session, self._ctx, order, part, line.stock_location_id, amount - before)
                    stock.release(session, self._ctx, order, part, line.stock_location_id, before - amount)
                line.quantity = amount
                session.flush()
                audit.record(
                    session,
                    self._ctx,
                    "work_order",
                    order.id,
                    "change_item",
                    {"item": [line.name, line.name], "quantity": [before, amount]},
                )
            return self._card(session, order)

    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE)
    def remove(self, item_id: int, expected_version: int) -> WorkOrderItems:
        """Take a line off the work order (the audit row keeps what it was); a part line
        gives back what it held reserved."""
        with self._ctx.write() as session:
            line, order = self._line(session, item_id, expected_version)
            if line.part_id is not None and line.stock_location_id is not None:
                part = stock.lock(session, [line.part_id])[line.part_id]
                stock.release(session, self._ctx, order, part, line.stock_location_id, line.quantity)
            gone = {"item": [line.name, None], "quantity": [line.quantity, None], "unit_price": [line.unit_price, None]}
            session.delete(line)
            session.flush()
            audit.record(session, self._ctx, "work_order", order.id, "remove_item", gone)
            return self._card(session, order)

    # ----------------------------------------------------------------- helpers
    def _actor(self) -> WorkOrderActor:
        return WorkOrderActor(self._ctx.actor.username, self._ctx.actor.permissions)

    def _own_only(self) -> bool:
        """A technician (edits, neither supervises nor dispatches) reaches only their own
        work orders, as on the work-orders page (``WorkOrderService``)."""
        return sees_only_own(self._ctx.actor.permissions)

    def _order(self, session: Session, work_order_id: int, *, for_update: bool = False) -> WorkOrder:
        stmt = select(WorkOrder).where(WorkOrder.id == work_order_id)
        if self._own_only():
            stmt = stmt.where(WorkOrder.technician_id == self._ctx.actor.user_id)
        if for_update:
            stmt = stmt.with_for_update()
        order = session.scalar(stmt)
        if order is None:
            raise NotFound(f"Work order {work_order_number(work_order_id)} does not exist.")
        return order

    def _line(self, session: Session, item_id: int, expected_version: int) -> tuple[WorkOrderItem, WorkOrder]:
        """The line the user saw, with its work order locked and editable by them."""
        work_order_id = session.scalar(select(WorkOrderItem.work_order_id).where(WorkOrderItem.id == item_id))
        if work_order_id is None:
            raise NotFound("This item was removed from the work order meanwhile. Reload it to see the items now.")
        order = self._order(session, work_order_id, for_update=True)
        self._check_may_edit(session, order)
        line = session.scalar(select(WorkOrderItem).where(WorkOrderItem.id == item_id).with_for_update())
        if line is None:
            raise NotFound("This item was removed from the work order meanwhile. Reload it to see the items now.")
        if line.version != expected_version:
            raise ConcurrencyConflict("item", line.name)
        return line, order

    def _discount(self, session: Session, order: WorkOrder) -> Decimal | None:
        """The customer's discount a new line snapshots (None: no discount)."""
        customer = session.get(Customer, order.customer_id) if order.customer_id else None
        return customer.discount_rate if customer is not None and customer.discount_rate else None

    def _next_position(self, session: Session, order: WorkOrder) -> int:
        last = session.scalar(select(func.max(WorkOrderItem.position)).where(WorkOrderItem.work_order_id == order.id))
        return (last or 0) + 1

    def _places(self, session: Session, part_ids: list[int]) -> dict[int, tuple[StockPlace, ...]]:
        """For each part: every active location (warehouses first, then by name) with what
        is free there now."""
        if not part_ids:
            return {}
        locations = session.execute(
            select(StockLocation.id, StockLocation.name, StockLocation.kind)
            .where(StockLocation.active.is_(True))
            .order_by(case((StockLocation.kind == "warehouse", 0), else_=1), StockLocation.name, StockLocation.id)
        ).all()
        levels = {
            (part_id, location_id): Stock(ledger.qty(on_hand), ledger.qty(reserved)).available
            for part_id, location_id, on_hand, reserved in session.execute(
                select(StockLevel.part_id, StockLevel.location_id, StockLevel.on_hand, StockLevel.reserved).where(
                    StockLevel.part_id.in_(part_ids)
                )
            )
        }
        zero = ledger.qty(0)
        return {
            part_id: tuple(
                StockPlace(location_id, name, kind, levels.get((part_id, location_id), zero))
                for location_id, name, kind in locations
            )
            for part_id in part_ids
        }

    def _assignee(self, session: Session, order: WorkOrder) -> str | None:
        if order.technician_id is None:
            return None
        return session.scalar(select(User.username).where(User.id == order.technician_id))

    def _refusal(self, session: Session, order: WorkOrder) -> str:
        if not (self._ctx.actor.can(EDIT) or self._ctx.actor.can(SUPERVISE)):
            return "You may look at the items but not change them."
        return items_refusal(order.status, self._actor(), self._assignee(session, order))

    def _check_may_edit(self, session: Session, order: WorkOrder) -> None:
        refusal = self._refusal(session, order)
        if refusal:
            raise InvalidTransition(refusal)

    def _card(self, session: Session, order: WorkOrder) -> WorkOrderItems:
        lines = session.scalars(
            select(WorkOrderItem)
            .where(WorkOrderItem.work_order_id == order.id)
            .order_by(WorkOrderItem.position, WorkOrderItem.id)
        ).all()
        pricing = self._ctx.actor.can(P.WORK_ORDERS_PRICING.value)
        amounts = [line_amount(line.quantity, line.unit_price, line.discount_rate) for line in lines]
        refusal = self._refusal(session, order)
        stocked = self._stocked(session, order, lines)
        infos = tuple(
            self._info(order, line, amount, pricing, stocked.get(line.id, _NOT_STOCKED))
            for line, amount in zip(lines, amounts, strict=True)
        )
        sums = totals(amounts)
        return WorkOrderItems(
            work_order_id=order.id,
            lines=infos,
            pricing=pricing,
            can_edit=not refusal,
            edit_refusal=refusal,
            gross=sums.gross if pricing else None,
            discount=sums.discount if pricing else None,
            total=sums.net if pricing else None,
        )

    @staticmethod
    def _info(
        order: WorkOrder, line: WorkOrderItem, amount: LineAmount, pricing: bool, stocked: _StockFields
    ) -> WorkOrderItemInfo:
        return WorkOrderItemInfo(
            id=line.id,
            work_order_id=order.id,
            price_list_item_id=line.price_list_item_id,
            kind=line.kind,
            name=line.name,
            unit=line.unit,
            quantity=Decimal(line.quantity),
            unit_price=line.unit_price if pricing else None,
            discount_rate=line.discount_rate if pricing else None,
            gross=amount.gross if pricing else None,
            amount=amount.net if pricing else None,
            version=line.version,
            part_id=line.part_id,
            part_number=stocked.part_number,
            stock_location_id=line.stock_location_id,
            location_name=stocked.location_name,
            reserved=stocked.reserved,
            places=stocked.places,
        )

    def _stocked(self, session: Session, order: WorkOrder, lines: Sequence[WorkOrderItem]) -> dict[int, _StockFields]:
        """For each part line: its part number, location name, what the work order holds
        reserved for it (the order's reservation of that part at that location, handed out
        over its lines in order) and the locations it could come from instead."""
        part_lines = [line for line in lines if line.part_id is not None]
        if not part_lines:
            return {}
        part_ids = sorted({line.part_id for line in part_lines if line.part_id is not None})
        numbers = {i: n for i, n in session.execute(select(Part.id, Part.number).where(Part.id.in_(part_ids)))}
        names = {i: n for i, n in session.execute(select(StockLocation.id, StockLocation.name))}
        places = self._places(session, part_ids)
        held = ledger.reservations_of(session, order.id) if holds_stock(order.status) else {}
        by_place: dict[tuple[int, int | None], list[WorkOrderItem]] = {}
        for line in part_lines:
            by_place.setdefault((line.part_id or 0, line.stock_location_id), []).append(line)
        reserved: dict[int, Decimal] = {}
        for (part_id, location_id), group in by_place.items():
            have = held.get((part_id, location_id), ledger.qty(0)) if location_id is not None else ledger.qty(0)
            for line, share in zip(group, share_out(have, [ledger.qty(g.quantity) for g in group]), strict=True):
                reserved[line.id] = share
        return {
            line.id: _StockFields(
                part_number=numbers.get(line.part_id or 0),
                location_name=names.get(line.stock_location_id) if line.stock_location_id is not None else None,
                reserved=reserved[line.id],
                places=places.get(line.part_id or 0, ()),
            )
            for line in part_lines
        }
