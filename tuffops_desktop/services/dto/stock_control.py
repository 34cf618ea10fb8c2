"""Stock control as the pages show it: a part's settings at a location, supplier orders,
the low-stock list, the cycle-count sheet and its result, and the valuation at cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class LevelSettings:
    """What the office sets for a part at a location (None: not set)."""

    part_id: int
    location_id: int
    part_number: str
    location_name: str
    minimum: Decimal | None
    reorder_quantity: Decimal | None
    bin: str


@dataclass(frozen=True)
class StockOrderInfo:
    """Parts ordered from a supplier for a location; ``open`` ones are the incoming stock."""

    id: int
    part_id: int
    part_number: str
    part_name: str
    unit: str
    location_id: int
    location_name: str
    quantity: Decimal  # as ordered
    supplier: str
    reference: str
    status: str  # domain.stock_control.OrderStatus
    ordered_at: datetime
    ordered_by: str
    closed_at: datetime | None
    version: int

    @property
    def label(self) -> str:
        """How the order is named in a movement's reason and in messages."""
        return f"Order {self.reference}" if self.reference else f"Order #{self.id}"


@dataclass(frozen=True)
class LowStockRow:
    """A part that is low at a location (``domain.stock_control.is_low``), with what to order."""

    part_id: int
    part_number: str
    part_name: str
    unit: str
    location_id: int
    location_name: str
    bin: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal
    minimum: Decimal | None
    reorder_quantity: Decimal | None
    suggested: Decimal

    @property
    def key(self) -> tuple[int, int]:
        """``(part_id, location_id)``, as ``order_suggested`` takes it."""
        return (self.part_id, self.location_id)


@dataclass(frozen=True)
class CountLine:
    """One line of a count sheet: a part kept at the location and what the ledger says is there."""

    part_id: int
    part_number: str
    part_name: str
    unit: str
    bin: str
    expected: Decimal


@dataclass(frozen=True)
class CountSheet:
    """What to count at a location, as the ledger stood at ``read_at``."""

    location_id: int
    location_name: str
    read_at: datetime
    lines: list[CountLine] = field(default_factory=list)


@dataclass(frozen=True)
class CountEntry:
    """A counted line: ``expected`` is the sheet's number, ``counted`` what is on the shelf."""

    part_id: int
    expected: Decimal
    counted: object  # a number or the text typed; validated by the service


@dataclass(frozen=True)
class CountAdjustment:
    """A count line that differed: the adjustment written and the on hand after it."""

    part_id: int
    part_number: str
    part_name: str
    unit: str
    expected: Decimal
    counted: Decimal
    difference: Decimal
    on_hand: Decimal


@dataclass(frozen=True)
class CountResult:
    location_id: int
    location_name: str
    counted_by: str
    lines_counted: int
    adjustments: list[CountAdjustment] = field(default_factory=list)


@dataclass(frozen=True)
class LocationValue:
    """A location's stock at cost. Parts whose cost is not set are counted in
    ``parts_without_cost`` and add nothing to ``value``."""

    location_id: int | None  # None: the total line
    name: str
    kind: str
    parts_with_stock: int
    units_on_hand: Decimal
    value: Decimal
    parts_without_cost: int


@dataclass(frozen=True)
class Valuation:
    """Stock value at cost per location and in total, as read at ``read_at``."""

    read_at: datetime
    locations: list[LocationValue]
    total: LocationValue
