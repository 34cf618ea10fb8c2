"""Work orders as the pages show them: a list row, and the whole work order with its history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class WorkOrderRow:
    """One line of the work-orders list."""

    id: int
    number: str
    status: str
    work_type: str
    unit_id: int
    unit_label: str
    customer_id: int | None
    customer_name: str
    technician: str  # user name, "" when unassigned
    due_at: datetime | None
    scheduled_start: datetime | None
    created_at: datetime
    overdue: bool
    technician_id: int | None = None
    estimated_hours: Decimal = Decimal("2")  # how long the booking lasts on the dispatch board


@dataclass(frozen=True)
class WorkOrderHistoryInfo:
    at: datetime
    by: str
    from_status: str | None
    to_status: str
    reason: str


@dataclass(frozen=True)
class WorkOrderNoteInfo:
    author: str
    created_at: datetime
    body: str


@dataclass(frozen=True)
class WorkOrderDetail:
    id: int
    number: str
    status: str
    work_type: str
    unit_id: int
    unit_label: str
    customer_id: int | None
    customer_name: str
    request_id: int | None
    technician_id: int | None
    technician: str
    customer_requests: str
    due_at: datetime | None
    scheduled_start: datetime | None
    time_window: str | None
    estimated_hours: Decimal
    created_at: datetime
    created_by: str
    time_on_site: timedelta
    history: tuple[WorkOrderHistoryInfo, ...]
    notes: tuple[WorkOrderNoteInfo, ...]
    actions: tuple[str, ...]  # what the signed-in user may do now (domain Action values)
    version: int


@dataclass(frozen=True)
class TechnicianInfo:
    id: int
    username: str
    full_name: str


@dataclass(frozen=True)
class PriceListEntry:
    """One price-list entry as Settings and the item picker show it.

    ``price`` and ``cost`` are None when the signed-in user may not see prices
    (``work_orders.pricing`` or ``settings.edit``); the entry still has them.
    """

    id: int
    kind: str  # domain.pricing.ItemKind
    name: str
    unit: str  # domain.pricing.UnitOfMeasure
    price: Decimal | None
    cost: Decimal | None
    active: bool
    version: int


@dataclass(frozen=True)
class WorkOrderItemInfo:
    """One line of a work order's Items card.

    The money fields (unit price, discount, amounts) are None for a user without
    ``work_orders.pricing``: the prices are recorded all the same, just not shown.
    """

    id: int
    work_order_id: int
    price_list_item_id: int | None
    kind: str
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal | None
    discount_rate: Decimal | None  # the customer's percent when the line was added
    gross: Decimal | None  # quantity × unit price, to the cent
    amount: Decimal | None  # what the customer pays for the line (after the discount)
    version: int
    # A stocked part (``services/work_order_stock.py``): its number, the location its stock
    # comes from, what the work order holds reserved there for this line, and the active
    # locations it could come from instead. None / () on a price-list line.
    part_id: int | None = None
    part_number: str | None = None
    stock_location_id: int | None = None
    location_name: str | None = None
    reserved: Decimal | None = None
    places: tuple[StockPlace, ...] = ()

    @property
    def is_part(self) -> bool:
        return self.part_id is not None


@dataclass(frozen=True)
class StockPlace:
    """A stock location a part can be taken from, with what is free there now."""

    location_id: int
    name: str
    kind: str  # warehouse | van
    available: Decimal


@dataclass(frozen=True)
class PartChoice:
    """A stocked part as the item picker offers it: number, name, unit, the price (None
    for users who may not see prices, or when it has none) and what is free where."""

    id: int
    number: str
    name: str
    unit: str
    price: Decimal | None
    places: tuple[StockPlace, ...]

    @property
    def available(self) -> Decimal:
        """Free at all active locations together."""
        return sum((p.available for p in self.places), Decimal("0"))


@dataclass(frozen=True)
class WorkOrderItems:
    """A work order's Items card: the lines, their totals, and what this user may do with them."""

    work_order_id: int
    lines: tuple[WorkOrderItemInfo, ...]
    pricing: bool  # the user sees prices (and the totals below are set)
    can_edit: bool  # the user may add, change and remove lines now
    edit_refusal: str  # why not, when ``can_edit`` is False ("" otherwise)
    gross: Decimal | None = None
    discount: Decimal | None = None
    total: Decimal | None = None
