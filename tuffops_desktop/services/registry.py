"""The bundle of services one signed-in session uses, built from one context."""

from __future__ import annotations

from dataclasses import dataclass

from tuffops_desktop.services.accounting_export import AccountingExportService
from tuffops_desktop.services.catalog import CatalogService
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.csv_io import CsvService
from tuffops_desktop.services.customers import CustomerService
from tuffops_desktop.services.dispatch import DispatchService
from tuffops_desktop.services.inventory import InventoryService
from tuffops_desktop.services.inventory_listing import InventoryListingService
from tuffops_desktop.services.invoices import InvoiceService
from tuffops_desktop.services.mail_sender import MailService
from tuffops_desktop.services.maintenance import MaintenanceService
from tuffops_desktop.services.notification_render import NotificationTemplateService
from tuffops_desktop.services.outbox import OutboxService
from tuffops_desktop.services.outbox_listing import OutboxListingService
from tuffops_desktop.services.part_labels import PartLabelService
from tuffops_desktop.services.price_list import PriceListService
from tuffops_desktop.services.quotations import QuotationService
from tuffops_desktop.services.receivables import ReceivablesService
from tuffops_desktop.services.reports import ReportService
from tuffops_desktop.services.requests import RequestService
from tuffops_desktop.services.settings import SettingsService
from tuffops_desktop.services.stickers import StickerService
from tuffops_desktop.services.stock_control import StockControlService
from tuffops_desktop.services.unit_history import UnitHistoryService
from tuffops_desktop.services.units import UnitService
from tuffops_desktop.services.users import UserService
from tuffops_desktop.services.work_order_items import WorkOrderItemService
from tuffops_desktop.services.work_orders import WorkOrderService
from tuffops_desktop.services.working_hours import WorkingHoursService


@dataclass(frozen=True)
class Services:
    ctx: ServiceContext
    settings: SettingsService
    users: UserService
    customers: CustomerService
    units: UnitService
    catalog: CatalogService
    csv: CsvService
    requests: RequestService
    stickers: StickerService
    work_orders: WorkOrderService
    maintenance: MaintenanceService
    unit_history: UnitHistoryService
    working_hours: WorkingHoursService
    dispatch: DispatchService
    price_list: PriceListService
    work_order_items: WorkOrderItemService
    invoices: InvoiceService
    receivables: ReceivablesService
    accounting_export: AccountingExportService
    quotations: QuotationService
    inventory: InventoryService
    stock_control: StockControlService
    inventory_listing: InventoryListingService
    part_labels: PartLabelService
    reports: ReportService
    notification_templates: NotificationTemplateService
    outbox: OutboxService
    outbox_listing: OutboxListingService
    mail: MailService


def build_services(ctx: ServiceContext) -> Services:
    customers = CustomerService(ctx)
    units = UnitService(ctx)
    catalog = CatalogService(ctx)
    settings = SettingsService(ctx)
    return Services(
        ctx=ctx,
        settings=settings,
        users=UserService(ctx),
        customers=customers,
        units=units,
        catalog=catalog,
        csv=CsvService(ctx, customers, units, catalog),
        requests=RequestService(ctx),
        stickers=StickerService(ctx, settings, units),
        work_orders=WorkOrderService(ctx),
        maintenance=MaintenanceService(ctx),
        unit_history=UnitHistoryService(ctx),
        working_hours=WorkingHoursService(ctx),
        dispatch=DispatchService(ctx),
        price_list=PriceListService(ctx),
        work_order_items=WorkOrderItemService(ctx),
        invoices=InvoiceService(ctx),
        receivables=ReceivablesService(ctx),
        accounting_export=AccountingExportService(ctx),
        quotations=QuotationService(ctx),
        inventory=InventoryService(ctx),
        stock_control=StockControlService(ctx),
        inventory_listing=InventoryListingService(ctx),
        part_labels=PartLabelService(ctx),
        reports=ReportService(ctx),
        notification_templates=NotificationTemplateService(ctx),
        outbox=OutboxService(ctx),
        outbox_listing=OutboxListingService(ctx),
        mail=MailService(ctx),
    )
