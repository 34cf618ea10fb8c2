"""Plain values the services hand to the UI, the CLI and the listener (never ORM objects),
one module per feature. Import from the feature module (``services.dto.units``); the names
are also re-exported here so older imports keep working."""

from __future__ import annotations

from tuffops_desktop.services.dto.catalog import CatalogEntry, DeviceModelInfo
from tuffops_desktop.services.dto.customers import CustomerDetail, CustomerRow
from tuffops_desktop.services.dto.requests import RequestDetail, RequestNoteInfo, RequestRow, WorkOrderInfo
from tuffops_desktop.services.dto.settings import SettingValue
from tuffops_desktop.services.dto.units import OwnershipPeriod, UnitDetail, UnitRow
from tuffops_desktop.services.dto.users import UserInfo

__all__ = [
    "CatalogEntry",
    "CustomerDetail",
    "CustomerRow",
    "DeviceModelInfo",
    "OwnershipPeriod",
    "RequestDetail",
    "RequestNoteInfo",
    "RequestRow",
    "SettingValue",
    "UnitDetail",
    "UnitRow",
    "UserInfo",
    "WorkOrderInfo",
]
