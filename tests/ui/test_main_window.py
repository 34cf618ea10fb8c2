"""Main window: sections by permission, status bar, and the connection banner."""

from __future__ import annotations

from tuffops_desktop.errors import DatabaseUnavailable
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.pages.placeholder import PlaceholderPage
from tuffops_desktop.ui.pages.reports.page import ReportsPage
from tuffops_desktop.ui.pages.work_orders.page import WorkOrdersPage


def make_window(qtbot, services, kit) -> MainWindow:  # noqa: ANN001
    window = MainWindow(services, kit.ops, kit.prompts, kit.monitor, database_label="SQLite · test.sqlite3")
    qtbot.addWidget(window)
    window.show()
    return window


def test_technician_sees_no_customers_or_units(qtbot, demo, kit):
    window = make_window(qtbot, demo.services_as("tech"), kit)
    assert window.section_keys() == ["work_orders", "dispatch", "inventory"]  # stock of vans and warehouse, no costs
    assert window.show_section("customers") is None
    page = window.current_page()  # a technician starts on their work orders, and sees only their own
    assert isinstance(page, WorkOrdersPage)
    qtbot.waitUntil(lambda: page.count_label.text() != "", timeout=5000)
    tech = demo.services_as("tech")
    assert {r.technician for r in tech.work_orders.rows(page.model.ids())} <= {"tech"}


def test_office_sees_its_sections_and_starts_on_customers(qtbot, demo, kit):
    window = make_window(qtbot, demo.services_as("office"), kit)
    assert window.section_keys() == [
        "inbox",
        "work_orders",
        "dispatch",
        "customers",
        "units",
        "inventory",
        "quotes",
        "invoices",
        "reports",
        "outbox",
        "settings",
    ]
    assert isinstance(window.current_page(), CustomersPage)
    assert window.user_label.text() == "Signed in as Olivia Office"
    assert window.role_label.text() == "Role: Office / dispatcher"
    assert window.database_label.text() == "Database: SQLite · test.sqlite3"
    assert window.windowTitle() == "Caribe Cooling Services — TuffOps Desktop"


def test_read_only_user_sees_lists_without_new_buttons(qtbot, demo, kit):
    window = make_window(qtbot, demo.services_as("auditor"), kit)
    assert "customers" in window.section_keys() and "settings" in window.section_keys()
    customers = window.current_page()
    assert not customers.new_button.isVisible()
    units = window.show_section("units")
    assert units is not None and not units.new_button.isVisible()
    settings = window.show_section("settings")
    assert not settings.save_button.isVisible()
    assert settings.read_only_note.isVisible()


def test_invoices_section_follows_its_feature_flag(qtbot, demo, kit):
    admin = demo.services_as("admin")
    admin.settings.update({"feature_flag_invoices_enabled": False})
    try:
        window = make_window(qtbot, admin, kit)
        assert "invoices" not in window.section_keys()
    finally:
        admin.settings.update({"feature_flag_invoices_enabled": True})


def test_every_section_is_built_none_is_a_placeholder(qtbot, demo, kit):
    window = make_window(qtbot, demo.services_as("office"), kit)
    assert isinstance(window.show_section("reports"), ReportsPage)  # the last placeholder, now built
    for key in window.section_keys():
        assert not isinstance(window.show_section(key), PlaceholderPage), key


def test_banner_appears_on_connection_loss_and_refreshes_when_back(qtbot, demo, kit, monkeypatch):
    office = demo.services_as("office")
    real_list_ids = office.customers.list_ids
    database = {"up": False}

    def list_ids(query: ListQuery) -> list[int]:
        if not database["up"]:
            raise DatabaseUnavailable("Cannot reach the database: connection refused")
        return real_list_ids(query)

    monkeypatch.setattr(office.customers, "list_ids", list_ids)
    kit.probe_state["up"] = False
    window = make_window(qtbot, office, kit)
    page = window.current_page()

    assert window.banner.isVisible()
    assert window.banner.label.text() == "Connection to the database lost — retrying…"
    assert page.model.rowCount() == 0
    assert kit.prompts.calls == []  # a banner, not a dialog
    qtbot.waitUntil(lambda: kit.probe_state["calls"] >= 2, timeout=3000)
    assert window.banner.isVisible()  # probe still failing

    database["up"] = True
    kit.probe_state["up"] = True
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=3000)
    assert page.model.ids() == real_list_ids(ListQuery(sort="name"))
    assert not kit.monitor.is_lost


def test_any_failing_call_shows_the_banner_once(qtbot, demo, kit):
    window = make_window(qtbot, demo.services_as("office"), kit)
    kit.probe_state["up"] = False

    def unreachable() -> None:
        raise DatabaseUnavailable("Cannot reach the database: timeout")

    for _ in range(3):
        result = kit.ops.call(unreachable, parent=window)
        assert not result.ok and isinstance(result.error, DatabaseUnavailable)
    assert window.banner.isVisible() and kit.monitor.is_lost
    window.banner.retry_button.click()
    kit.probe_state["up"] = True
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=3000)


def test_heartbeat_notices_an_outage_without_any_click(qtbot):
    from tuffops_desktop.ui.connection import ConnectionMonitor

    state = {"up": True}

    def probe() -> None:
        if not state["up"]:
            raise OSError("server closed the connection unexpectedly")

    monitor = ConnectionMonitor(probe, retry_ms=30, heartbeat_ms=30)
    try:
        qtbot.wait(120)
        assert not monitor.is_lost  # a healthy heartbeat changes nothing
        state["up"] = False
        with qtbot.waitSignal(monitor.lost, timeout=2000) as lost:
            pass
        assert "closed the connection" in lost.args[0]
        state["up"] = True
        qtbot.waitSignal(monitor.restored, timeout=2000).wait()
        assert not monitor.is_lost
    finally:
        monitor.shutdown()


def test_open_record_switches_page_and_selects_the_record_even_when_filtered_out(qtbot, demo, kit):
    from tuffops_desktop.ui.pages.units.page import UnitsPage

    office = demo.services_as("office")
    window = make_window(qtbot, office, kit)
    units = window.show_section("units")
    assert isinstance(units, UnitsPage)
    some = office.units.list_ids(ListQuery(sort="label"))
    target = some[-1]
    units.search.setText("no unit is called like this")
    units.controller.update(text="no unit is called like this")
    assert units.model.rowCount() == 0
    window.show_section("customers")

    assert window.open_record("unit", target)
    assert window.current_page() is units
    assert units.table.selected_id() == target
    assert units.search.text() == ""
    assert units.detail.detail is not None and units.detail.detail.id == target


def test_open_record_of_a_kind_the_user_cannot_see_is_refused(qtbot, demo, kit):
    window = make_window(qtbot, demo.services_as("tech"), kit)
    assert not window.open_record("customer", 1)
    assert not window.open_record("nonsense", 1)
