"""Desktop alerts: which committed changes make a tray notification for whom, the words it
says, the per-user on/off switch, and that clicking it opens the record.

The offscreen platform has no system tray, so the tray message itself cannot be seen
here; the decision (``ui/alerts.py``), the fallback to the status bar and the click
handler (``DesktopAlerts.message_clicked``, what the tray's ``messageClicked`` calls) are
tested on a real window and a real database.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.listing import ListQuery, any_of
from tuffops_desktop.ui.alerts import Alert, alert_candidates, combine, request_alert, work_order_alert
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.pages.inbox.page import InboxPage
from tuffops_desktop.ui.pages.work_orders.page import WorkOrdersPage
from tuffops_desktop.ui.window_state import WindowState

TOMORROW = date.today() + timedelta(days=1)


def make_window(qtbot, services, kit, state_file: Path | None = None, user: str = "office") -> MainWindow:  # noqa: ANN001
    state = WindowState(QSettings(str(state_file), QSettings.Format.IniFormat), user) if state_file else None
    window = MainWindow(services, kit.ops, kit.prompts, kit.monitor, database_label="SQLite · test", state=state)
    qtbot.addWidget(window)
    window.show()
    assert window.live.wait_ready(5)
    return window


def a_unit_with_customer(services) -> int:  # noqa: ANN001
    rows = services.units.rows(services.units.list_ids(ListQuery(sort="label"))[:40])
    return next(r.id for r in rows if r.customer_id is not None)


def submit(services, unit_id: int, text: str = "Outdoor unit rattles at night"):  # noqa: ANN001, ANN201
    return services.requests.submit_office(unit_id, RequestInput(text, TOMORROW, "Morning", "a tenant"))


# ----------------------------------------------------------------------------- decision
def test_only_new_requests_and_assignments_are_candidates():
    changes = [
        Change("customer_request", 7, "create"),
        Change("customer_request", 7, "create"),  # heard twice: one alert
        Change("customer_request", 8, "update"),
        Change("work_order", 3, "assign"),
        Change("work_order", 4, "reassign"),
        Change("work_order", 5, "start"),
        Change("customer", 9, "create"),
        Change("*", None, "reconnect"),
    ]
    assert alert_candidates(changes, sees_requests=True, sees_work_orders=True) == ([7], [3, 4])
    assert alert_candidates(changes, sees_requests=False, sees_work_orders=True) == ([], [3, 4])
    assert alert_candidates(changes, sees_requests=True, sees_work_orders=False) == ([7], [])


def test_several_alerts_make_one_notification_that_opens_the_newest():
    first = Alert("customer_request", 1, "New request R-1", "a")
    second = Alert("customer_request", 2, "New request R-2", "b")
    order = Alert("work_order", 9, "Work order WO-000009 assigned to you", "c")
    assert combine([]) is None
    assert combine([first]) == first
    both = combine([first, second, order])
    assert both is not None
    assert (both.kind, both.record_id) == ("work_order", 9)
    assert both.title == "2 new requests, 1 work order assigned to you"
    assert both.text == "Latest: Work order WO-000009 assigned to you"


# ----------------------------------------------------------------------------- new requests
@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no window stacking
def test_a_request_from_elsewhere_alerts_the_dispatcher_and_the_click_opens_it(qtbot, demo, kit):
    office = demo.services_as("office")
    window = make_window(qtbot, office, kit)
    assert window.alerts.tray is None  # offscreen: no tray, the status bar shows the alert
    other = demo.services_as("admin")  # another workstation
    unit_id = a_unit_with_customer(other)
    created = submit(other, unit_id, "Water dripping from the indoor unit onto the desk in reception")
    qtbot.waitUntil(lambda: any(a.record_id == created.id for a in window.alerts.shown), timeout=4000)
    alert = window.alerts.last
    assert alert is not None and alert.kind == "customer_request"
    assert alert.title == f"New request {created.ticket}"
    assert created.unit_label in alert.text and created.customer_name in alert.text
    assert "Water dripping from the indoor unit" in alert.text
    assert window.statusBar().currentMessage().startswith(f"New request {created.ticket}")

    window.show_section("customers")
    window.alerts.message_clicked()
    page = window.current_page()
    assert isinstance(page, InboxPage)
    assert page.table.selected_id() == created.id
    assert page.editor.request_id() == created.id


def test_a_request_i_logged_myself_makes_no_alert(demo):
    office = demo.services_as("office")
    created = submit(office, a_unit_with_customer(office))
    assert request_alert(office.requests.get(created.id), "office") is None
    assert request_alert(office.requests.get(created.id), "admin") is not None
    assert request_alert(replace(office.requests.get(created.id), status="closed"), "admin") is None


def test_users_who_cannot_see_the_inbox_hear_nothing_of_requests(qtbot, demo, kit):
    tech = demo.services_as("tech")
    window = make_window(qtbot, tech, kit)
    shown = len(window.alerts.shown)
    submit(demo.services_as("admin"), a_unit_with_customer(demo.services_as("admin")))
    qtbot.wait(900)  # the SQLite feed polls four times a second
    assert len(window.alerts.shown) == shown


# ----------------------------------------------------------------------------- assignments
def unassigned_order(services):  # noqa: ANN001, ANN201
    ids = services.work_orders.list_ids(ListQuery(sort="number", filters={"status": any_of("unassigned")}))
    rows = services.work_orders.rows(ids[:50])
    return services.work_orders.get(next(r.id for r in rows if r.customer_id is not None))


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no window stacking
def test_a_work_order_assigned_to_me_alerts_me_and_the_click_opens_it(qtbot, demo, kit):
    tech = demo.services_as("tech")
    window = make_window(qtbot, tech, kit)
    office = demo.services_as("office")
    me = next(t for t in office.work_orders.technicians() if t.username == "tech")
    order = unassigned_order(office)
    start = datetime.now().astimezone().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=2)
    office.work_orders.act(order.id, "assign", order.version, technician_id=me.id, scheduled_start=start)
    qtbot.waitUntil(lambda: any(a.record_id == order.id for a in window.alerts.shown), timeout=4000)
    alert = window.alerts.last
    assert alert is not None and alert.kind == "work_order"
    assert alert.title == f"Work order {order.number} assigned to you"
    assert "booked" in alert.text and "by office" in alert.text

    window.alerts.message_clicked()
    page = window.current_page()
    assert isinstance(page, WorkOrdersPage)
    assert page.table.selected_id() == order.id


def test_only_the_assignee_hears_and_not_of_their_own_moves(demo):
    office = demo.services_as("office")
    tech = demo.services_as("tech")
    me = next(t for t in office.work_orders.technicians() if t.username == "tech")
    order = unassigned_order(office)
    assigned = office.work_orders.act(order.id, "assign", order.version, technician_id=me.id)
    assert work_order_alert(tech.work_orders.get(order.id), me.id, "tech") is not None
    assert work_order_alert(assigned, me.id + 1000, "someone") is None  # someone else's job
    assert work_order_alert(assigned, None, "system") is None
    mine = replace(assigned, history=(*assigned.history[:-1], replace(assigned.history[-1], by="tech")))
    assert work_order_alert(mine, me.id, "tech") is None  # I assigned it to myself


# ----------------------------------------------------------------------------- on / off
def test_alerts_switched_off_stay_off_for_this_user_only(qtbot, demo, kit, tmp_path):
    state_file = tmp_path / "state.ini"
    office = demo.services_as("office")
    window = make_window(qtbot, office, kit, state_file)
    assert window.alerts.enabled and window.alerts.action.isChecked()
    go_menu = window.menuBar().actions()[0].menu()
    assert window.alerts.action in go_menu.actions()
    window.alerts.action.trigger()  # the user unticks Go > Desktop alerts
    assert not window.alerts.enabled
    shown = len(window.alerts.shown)
    admin = demo.services_as("admin")
    submit(admin, a_unit_with_customer(admin))
    qtbot.wait(900)
    assert len(window.alerts.shown) == shown
    window.close()

    again = make_window(qtbot, office, kit, state_file)
    assert not again.alerts.enabled and not again.alerts.action.isChecked()
    again.close()
    other_user = make_window(qtbot, admin, kit, state_file, user="admin")
    assert other_user.alerts.enabled
    other_user.close()


@pytest.mark.parametrize("remembered", ["yes", 3])
def test_a_damaged_remembered_choice_keeps_alerts_on(qtbot, demo, kit, tmp_path, remembered):
    state_file = tmp_path / "state.ini"
    state = WindowState(QSettings(str(state_file), QSettings.Format.IniFormat), "office")
    state.window().child("alerts").set_value("enabled", remembered)
    state.sync()
    window = make_window(qtbot, demo.services_as("office"), kit, state_file)
    assert window.alerts.enabled


def test_a_click_without_an_alert_does_nothing(qtbot, demo, kit):
    window = make_window(qtbot, demo.services_as("office"), kit)
    shown = window.current_page()
    window.alerts.message_clicked()
    assert window.current_page() is shown
