"""The device catalogue: manufacturers, device types and models."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CatalogEntry:
    id: int
    name: str


@dataclass(frozen=True)
class DeviceModelInfo:
    id: int
    manufacturer: str
    device_type: str
    name: str
    default_cost: Decimal | None
    default_warranty_months: int | None
    default_maintenance_frequency: str

    @property
    def label(self) -> str:
        return f"{self.manufacturer} {self.name} ({self.device_type})"
