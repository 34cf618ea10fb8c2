"""pytest-qt's model tester on every item model the app defines and on every instance the
pages and dialogs build, filled with real rows from the demo database."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date, timedelta

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QWidget
from pytestqt.modeltest import ModelTester

import tuffops_desktop.ui
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.pages.customers.picker import CustomerSearchDialog
from tuffops_desktop.ui.pages.inbox.add_dialog import AddRequestDialog
from tuffops_desktop.ui.pages.inbox.page import InboxPage
from tuffops_desktop.ui.pages.inventory.count_dialog import SheetModel
from tuffops_desktop.ui.pages.inventory.stock_views import RowsModel
from tuffops_desktop.ui.pages.quotes.lines import QuotationLinesModel
from tuffops_desktop.ui.pages.settings.page import SettingsPage
from tuffops_desktop.ui.pages.units.page import UnitsPage
from tuffops_desktop.ui.pages.work_orders.items import ItemsModel

# Every QAbstractItemModel subclass in tuffops_desktop.ui; a new one must be added here
# (and so gets the model tester below through the pages that build it).
# ItemsModel: tests/ui/test_work_order_items_ui.py; QuotationLinesModel: tests/ui/test_quotes_page.py;
# RowsModel (low stock, on order, valuation) and SheetModel (cycle count):
# tests/ui/test_inventory_stock_control_ui.py
KNOWN_MODEL_CLASSES = {IdTableModel, ItemsModel, QuotationLinesModel, RowsModel, SheetModel}


def _our_model_classes() -> set[type]:
    found: set[type] = set()
    for info in pkgutil.walk_packages(tuffops_desktop.ui.__path__, "tuffops_desktop.ui."):
        module = importlib.import_module(info.name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, QAbstractItemModel) and obj.__module__.startswith("tuffops_desktop."):
                found.add(obj)
    return found


def test_every_item_model_class_of_the_ui_is_known():
    assert _our_model_classes() == KNOWN_MODEL_CLASSES


def _widgets(services, kit):  # noqa: ANN001, ANN202
    return [
        CustomersPage(services, kit.ops, kit.prompts),
        UnitsPage(services, kit.ops, kit.prompts),
        InboxPage(services, kit.ops, kit.prompts),
        SettingsPage(services, kit.ops, kit.prompts),
        CustomerSearchDialog(kit.ops, services.customers),
        AddRequestDialog(kit.ops, services),
    ]


def _our_models(widget: QWidget) -> list[QAbstractItemModel]:
    return [m for m in widget.findChildren(QAbstractItemModel) if type(m) in KNOWN_MODEL_CLASSES]


def test_every_model_the_pages_and_dialogs_build_passes_the_model_tester(qtbot, request, demo, kit):
    admin = demo.services_as("admin")
    unit_ids = admin.units.list_ids(ListQuery())[:3]
    for n, unit_id in enumerate(unit_ids):
        admin.requests.submit_office(
            unit_id, RequestInput(f"Fan noise {n}", date.today() + timedelta(days=1), "Morning", "tenant")
        )
    checked: list[str] = []
    testers: list[ModelTester] = []  # one per model: each keeps watching its own model's signals
    try:
        _check_all(qtbot, request, admin, kit, checked, testers)
    finally:
        for tester in testers:
            tester._cleanup()
    # customers, units and inbox lists, the customer panel's units, the picker, the unit search
    assert sorted(checked) == sorted(
        [
            "CustomersPage:CustomerService",
            "CustomersPage:UnitService",
            "UnitsPage:UnitService",
            "InboxPage:RequestService",
            "CustomerSearchDialog:CustomerService",
            "AddRequestDialog:UnitService",
        ]
    )


def _check_all(qtbot, request, admin, kit, checked, testers):  # noqa: ANN001, ANN202
    for widget in _widgets(admin, kit):
        qtbot.addWidget(widget)
        for model in _our_models(widget):
            # The service whose ``rows`` the model shows gives the ids, as its page would.
            service = model._fetch_rows.__self__  # type: ignore[attr-defined]
            ids = service.list_ids(ListQuery())
            assert ids, f"no rows to test {type(widget).__name__}'s model with"
            model.set_ids(ids)
            qtbot.waitUntil(lambda m=model: m.data(m.index(m.rowCount() - 1, 0)) is not None, timeout=5000)
            tester = ModelTester(request.config)
            testers.append(tester)
            tester.check(model, force_py=True)
            checked.append(f"{type(widget).__name__}:{type(service).__name__}")
    qtbot.wait(200)  # late block loads and refreshes are checked by each model's own tester
