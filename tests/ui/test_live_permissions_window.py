"""The window of a user whom an administrator changes follows at once (issue #9 §4):
pages and actions appear and disappear with the new permissions, and a deactivated user
is told and signed out. The change arrives through the change feed, as from another
workstation."""

from __future__ import annotations

import pytest

from tuffops_desktop.bootstrap import services_for
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.pages.work_orders.page import WorkOrdersPage

OFFICE_KEYS = [
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


@pytest.fixture
def dana(demo):  # noqa: ANN001, ANN201
    """A fresh office user of the shared demo database (other tests' users stay as they are)."""
    admin = demo.services_as("admin")
    name = f"dana{len(admin.users.list())}"
    user = admin.users.add(name, "longenough", "office", full_name="Dana Desk")
    return services_for(demo.db, demo.authenticate(name, "longenough")), user.id


def _window(qtbot, services, kit) -> MainWindow:  # noqa: ANN001
    window = MainWindow(services, kit.ops, kit.prompts, kit.monitor, database_label="SQLite · test")
    qtbot.addWidget(window)
    window.show()
    return window


def _change(admin, user_id: int, role: str, extra: tuple[str, ...] = ()) -> None:  # noqa: ANN001
    user = admin.users.get(user_id)
    admin.users.update(
        user_id,
        full_name=user.full_name,
        email=user.email,
        role=role,
        extra_permissions=list(extra),
        expected_version=user.version,
    )


def test_the_window_follows_a_demotion_and_a_promotion(qtbot, demo, kit, dana):
    services, user_id = dana
    admin = demo.services_as("admin")
    window = _window(qtbot, services, kit)
    assert window.section_keys() == OFFICE_KEYS
    settings = window.show_section("settings")
    assert not settings.save_button.isVisibleTo(window)
    window.show_section("units")

    with qtbot.waitSignal(window.user_changed, timeout=5000):
        _change(admin, user_id, "technician")
    assert window.section_keys() == ["work_orders", "dispatch", "inventory"]
    assert isinstance(window.current_page(), WorkOrdersPage)  # Units is gone: the first page left
    assert window.show_section("customers") is None
    assert window.role_label.text() == "Role: Technician"
    assert "changed your permissions" in window.statusBar().currentMessage()
    go_menu_pages = [a.text() for a in window.shortcuts.actions if a.text().startswith("Go to")]
    assert len(go_menu_pages) == 3, go_menu_pages

    with qtbot.waitSignal(window.user_changed, timeout=5000):
        _change(admin, user_id, "office", ("settings.edit",))
    assert window.section_keys() == OFFICE_KEYS
    settings = window.show_section("settings")
    assert settings.save_button.isVisibleTo(window)  # the granted permission shows as an action
    assert kit.prompts.calls == []


def test_a_deactivated_user_is_told_and_signed_out(qtbot, demo, kit, dana):
    services, user_id = dana
    admin = demo.services_as("admin")
    window = _window(qtbot, services, kit)
    user = admin.users.get(user_id)
    admin.users.set_active(user_id, False, user.version)
    qtbot.waitUntil(lambda: window.signed_out, timeout=5000)
    assert not window.isVisible()
    assert kit.prompts.calls and kit.prompts.calls[0][:2] == ("warning", "Signed out")
    assert "deactivated" in kit.prompts.calls[0][2]


def test_a_change_to_another_user_leaves_the_window_alone(qtbot, demo, kit, dana):
    services, _user_id = dana
    admin = demo.services_as("admin")
    other = admin.users.add(f"eve{len(admin.users.list())}", "longenough", "office")
    window = _window(qtbot, services, kit)
    page = window.show_section("customers")
    with qtbot.assertNotEmitted(window.user_changed, wait=800):
        _change(admin, other.id, "technician")
    assert window.section_keys() == OFFICE_KEYS
    assert window.show_section("customers") is page  # not rebuilt
