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
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Customer, User, WorkOrder, WorkOrderItem
from tuffops_desktop.domain.errors import ConcurrencyConflict, InvalidTransition, NotFound
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.pricing import (
    check_line_amount,
    items_refusal,
    line_amount,
    totals,
    validate_quantity,
)
from tuffops_desktop.domain.work_orders import EDIT, SUPERVISE, WorkOrderActor, sees_only_own
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.work_orders import WorkOrderItemInfo, WorkOrderItems
from tuffops_desktop.services.guard import requires, requires_any
from tuffops_desktop.services.price_list import active_entry


class WorkOrderItemService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- reading
    @requires(P.WORK_ORDERS_VIEW)
    def items(self, work_order_id: int) -> WorkOrderItems:
        """The Items card of a work order the user may see (technicians: their own)."""
        with self._ctx.read() as session:
            return self._card(session, self._order(session, work_order_id))

    # ----------------------------------------------------------------- writing
    @requires_any(P.WORK_ORDERS_EDIT, P.WORK_ORDERS_SUPERVISE)
    def add(self, work_order_id: int, price_list_item_id: int, quantity: object = "1") -> WorkOrderItems:
        """Add an active price-list entry at ``quantity`` (1 by default) as the last line."""
        amount = validate_quantity(quantity)
        with self._ctx.write() as session:
            order = self._order(session, work_order_id, for_update=True)
            self._check_may_edit(session, order)
            entry = active_entry(session, price_list_item_id)
            customer = session.get(Customer, order.customer_id) if order.customer_id else None
            discount = customer.discount_rate if customer is not None and customer.discount_rate else None
            check_line_amount(amount, entry.price)
            last = session.scalar(
                select(func.max(WorkOrderItem.position)).where(WorkOrderItem.work_order_id == order.id)
            )
            line = WorkOrderItem(
                work_order_id=order.id,
                price_list_item_id=entry.id,
                kind=entry.kind,
                name=entry.name,
                unit=entry.unit,
                unit_price=entry.price,
                quantity=amount,
                discount_rate=discount,
                position=(last or 0) + 1,
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
    def change_quantity(self, item_id: int, quantity: object, expected_version: int) -> WorkOrderItems:
        """Set a line's quantity (its snapshot price and discount stay as they were)."""
        amount = validate_quantity(quantity)
        with self._ctx.write() as session:
            line, order = self._line(session, item_id, expected_version)
            check_line_amount(amount, line.unit_price)
            before = line.quantity
            if before != amount:
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
        """Take a line off the work order (the audit row keeps what it was)."""
        with self._ctx.write() as session:
            line, order = self._line(session, item_id, expected_version)
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
        infos = tuple(
            WorkOrderItemInfo(
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
            )
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
