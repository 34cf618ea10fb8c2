"""Inventory as the pages will show it: parts, locations, and a part's stock per location."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


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


@dataclass(frozen=True)
class LocationStock:
    """One part at one location, derived from the ledger."""

    location_id: int
    location_name: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
