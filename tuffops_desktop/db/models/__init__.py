"""All mapped tables; importing this module registers them on ``Base.metadata``."""

from tuffops_desktop.db.models.audit import AuditEntry
from tuffops_desktop.db.models.catalog import DeviceModel, DeviceType, Manufacturer
from tuffops_desktop.db.models.changes import ChangeLogEntry
from tuffops_desktop.db.models.customers import Customer
from tuffops_desktop.db.models.inventory import Part, StockLevel, StockLocation, StockMovement, StockOrder
from tuffops_desktop.db.models.invoices import DocumentCounter, Invoice, InvoiceLine, Payment
from tuffops_desktop.db.models.notifications import OutboxMessage
from tuffops_desktop.db.models.price_list import PriceListItem, WorkOrderItem
from tuffops_desktop.db.models.quotations import Quotation, QuotationLine, QuotationNote, QuotationUnit
from tuffops_desktop.db.models.requests import CustomerRequest, RequestNote, WorkOrder, WorkOrderHistory, WorkOrderNote
from tuffops_desktop.db.models.scheduling import TechnicianHours
from tuffops_desktop.db.models.settings import Setting
from tuffops_desktop.db.models.units import (
    BlankQrLabel,
    RetiredQrCode,
    Unit,
    UnitLinkGroup,
    UnitOwnership,
)
from tuffops_desktop.db.models.users import User

__all__ = [
    "AuditEntry",
    "BlankQrLabel",
    "ChangeLogEntry",
    "Customer",
    "CustomerRequest",
    "DeviceModel",
    "DeviceType",
    "DocumentCounter",
    "Invoice",
    "InvoiceLine",
    "Manufacturer",
    "OutboxMessage",
    "Part",
    "StockLevel",
    "StockOrder",
    "Payment",
    "PriceListItem",
    "Quotation",
    "QuotationLine",
    "QuotationNote",
    "QuotationUnit",
    "RequestNote",
    "RetiredQrCode",
    "Setting",
    "StockLocation",
    "StockMovement",
    "TechnicianHours",
    "Unit",
    "UnitLinkGroup",
    "UnitOwnership",
    "User",
    "WorkOrder",
    "WorkOrderHistory",
    "WorkOrderItem",
    "WorkOrderNote",
]
