"""Inventory as the pages show it: parts, locations, a part's stock per location, the
Inventory page's list rows and a part's ledger.

Costs and markup are ``None`` for a user without ``inventory.costs`` (technicians): the
service leaves them out, the page does not merely hide them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

PART_SORTS = ("number", "name", "category", "on_hand", "available")
"""The sorts of the parts list (``InventoryListingService.list_ids``)."""


@dataclass(frozen=True)
class PartInfo:
    id: int
    number: str
    name: str
    manufacturer: str
    category: str
    unit: str
    cost: Decimal | None
    price: Decimal | None
    active: bool
    version: int


@dataclass(frozen=True)
class LocationInfo:
    id: int
    name: str
    kind: str  # warehouse | van
    technician_id: int | None
    active: bool
    technician_name: str = ""  # the van's technician (full name, else username); "" for none


@dataclass(frozen=True)
class LocationStock:
    """One part at one location, derived from the ledger."""

    location_id: int
    location_name: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal


@dataclass(frozen=True)
class PartRow:
    """One line of the parts list.

    The stock columns are the part's totals over every location, or, when the list is
    filtered by a location, that location's level. ``incoming`` is what is on order
    (open stock orders). ``low``: the part is below its minimum (or short: reserved more
    than there will be) at some active location (at the filtered one, with a location).
    ``cost``/``markup`` are None without ``inventory.costs``."""

    id: int
    number: str
    name: str
    manufacturer: str
    category: str
    unit: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal
    price: Decimal | None
    cost: Decimal | None
    markup: Decimal | None
    active: bool
    low: bool
    version: int


@dataclass(frozen=True)
class PartStockAt:
    """A part at one location, as the part's panel shows it: the cached stock, what is on
    order for it there, and the office's settings (minimum, reorder quantity, bin)."""

    location_id: int
    location_name: str
    location_kind: str
    location_active: bool
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal
    minimum: Decimal | None
    reorder_quantity: Decimal | None
    bin: str
    low: bool


@dataclass(frozen=True)
class PartDetail:
    """One part with its stock at every location that holds it or has settings for it.

    ``cost``/``markup`` are None without ``inventory.costs`` (``costs_shown`` says which:
    a part may also simply have no cost)."""

    id: int
    number: str
    name: str
    manufacturer: str
    category: str
    unit: str
    price: Decimal | None
    cost: Decimal | None
    markup: Decimal | None
    costs_shown: bool
    active: bool
    created_at: datetime
    version: int
    stock: tuple[PartStockAt, ...]
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal


@dataclass(frozen=True)
class LedgerRow:
    """One movement of a part's ledger. ``quantity`` is signed as its effect (a transfer
    out of 2 is −2 on hand; a release of 1 is −1 reserved); ``other_location`` is the
    other side of a transfer ("" otherwise)."""

    id: int
    at: datetime
    kind: str  # domain.inventory.MovementKind
    location_id: int
    location_name: str
    other_location: str
    quantity: Decimal
    work_order_id: int | None
    work_order_number: str
    reason: str
    by: str
