"""The app's sections, in sidebar order, with the permission each needs to be seen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from tuffops_desktop.i18n import N_
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.prompts import Prompts

PageFactory = Callable[[Services, Ops, Prompts], QWidget]


@dataclass(frozen=True)
class Section:
    """One sidebar entry.

    Attributes:
        key: stable identifier (``customers``).
        title: sidebar text.
        permission: the ``*.view`` key a user needs to see it.
        purpose: one sentence for the "coming soon" placeholder.
        factory: builds the page; None = placeholder for now.
        feature_setting: a boolean company setting that must be on (e.g. invoicing).
        record_kind: the change-feed entity its page lists (``unit``), for
            ``MainWindow.open_record``; "" when it lists none.
    """

    key: str
    title: str
    permission: str
    purpose: str
    factory: PageFactory | None = None
    feature_setting: str | None = None
    record_kind: str = ""


def sections() -> list[Section]:
    # Imported here so that the page modules load only when the window is built.
    from tuffops_desktop.ui.pages.customers.page import CustomersPage
    from tuffops_desktop.ui.pages.dispatch.page import DispatchPage
    from tuffops_desktop.ui.pages.inbox.page import InboxPage
    from tuffops_desktop.ui.pages.inventory.page import InventoryPage
    from tuffops_desktop.ui.pages.invoices.page import InvoicesPage
    from tuffops_desktop.ui.pages.outbox.page import OutboxPage
    from tuffops_desktop.ui.pages.quotes.page import QuotesPage
    from tuffops_desktop.ui.pages.reports.page import ReportsPage
    from tuffops_desktop.ui.pages.settings.page import SettingsPage
    from tuffops_desktop.ui.pages.units.page import UnitsPage
    from tuffops_desktop.ui.pages.users.page import UsersPage
    from tuffops_desktop.ui.pages.work_orders.page import WorkOrdersPage

    return [
        Section("inbox", N_("Inbox"), "customer_requests.view", "", InboxPage, record_kind="customer_request"),
        Section("work_orders", N_("Work orders"), "work_orders.view", "", WorkOrdersPage, record_kind="work_order"),
        Section(
            "dispatch",
            N_("Dispatch"),
            "work_orders.view",
            N_("The dispatch board: technicians' days, drag jobs onto their schedule."),
            DispatchPage,
        ),
        Section("customers", N_("Customers"), "customers.view", "", CustomersPage, record_kind="customer"),
        Section("units", N_("Units"), "units.view", "", UnitsPage, record_kind="unit"),
        Section(
            "inventory",
            N_("Inventory"),
            "inventory.view",
            N_("Parts and materials in stock, reserved for jobs and used on site."),
            InventoryPage,
            record_kind="part",
        ),
        Section(
            "quotes",
            N_("Quotes"),
            "quotations.view",
            N_("Quotations for customers, from draft to accepted work orders."),
            QuotesPage,
            record_kind="quotation",
        ),
        Section(
            "invoices",
            N_("Invoices"),
            "invoices.view",
            N_("Invoices for completed work orders, payments and ageing."),
            InvoicesPage,
            feature_setting="feature_flag_invoices_enabled",
            record_kind="invoice",
        ),
        Section(
            "reports",
            N_("Reports"),
            "reports.view",
            N_("How the shop is doing: requests, work, technicians, money and stock, down to the rows."),
            ReportsPage,
        ),
        Section("users", N_("Users and roles"), "users.edit", "", UsersPage, record_kind="user"),
        Section(
            "outbox",
            N_("Outbox"),
            "settings.view",
            N_("E-mails to customers and staff: waiting, sent and failed."),
            OutboxPage,
            record_kind="outbox",
        ),
        Section("settings", N_("Settings"), "settings.view", "", SettingsPage),
    ]
