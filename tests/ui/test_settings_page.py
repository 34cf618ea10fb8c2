"""Settings page: only changed values are saved, with inline errors and versions."""

from __future__ import annotations

from tuffops_desktop.ui.pages.settings.page import SettingsPage
from tuffops_desktop.ui.prompts import ConflictChoice


def make_page(qtbot, services, kit) -> SettingsPage:  # noqa: ANN001
    page = SettingsPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.show()
    return page


def test_read_only_keys_are_not_shown(qtbot, demo, kit):
    page = make_page(qtbot, demo.services_as("admin"), kit)
    assert "customer_integration_enabled" not in page.editors
    assert page.editors["company_name"].text() == "Caribe Cooling Services"
    assert page.editors["phone_default_area_code"].text() == "869"


def test_bad_values_are_shown_inline_and_nothing_is_saved(qtbot, demo, kit):
    admin = demo.services_as("admin")
    page = make_page(qtbot, admin, kit)
    page.editors["company_name"].setText("Caribe Cooling & Heating")
    page.editors["phone_default_region"].setText("ZZ")
    page.editors["public_base_url"].setText("service.example")
    assert not page.save()
    messages = page.errors.visible_messages()
    assert set(messages) == {"phone_default_region", "public_base_url"}
    assert admin.settings.get("company_name") == "Caribe Cooling Services"
    assert kit.prompts.calls == []

    page.editors["phone_default_region"].setText("kn")
    page.editors["public_base_url"].setText("https://service.example/")
    assert page.save()
    assert page.status.text() == "Saved 3 setting(s)."
    assert admin.settings.get("company_name") == "Caribe Cooling & Heating"
    assert admin.settings.get("public_base_url") == "https://service.example"
    assert page.editors["public_base_url"].text() == "https://service.example"
    assert page.changed_values() == {}


def test_concurrent_setting_edit_is_refused_then_reloaded(qtbot, demo, kit):
    admin = demo.services_as("admin")
    page = make_page(qtbot, admin, kit)
    admin.settings.update({"company_phone": "+1 869 465 9999"})
    page.editors["company_phone"].setText("+1 869 465 0000")
    kit.prompts.conflict_answer = ConflictChoice.RELOAD
    assert not page.save()
    assert kit.prompts.kinds() == ["conflict"]
    assert admin.settings.get("company_phone") == "+1 869 465 9999"
    assert page.editors["company_phone"].text() == "+1 869 465 9999"


def test_without_settings_edit_fields_are_read_only(qtbot, demo, kit):
    page = make_page(qtbot, demo.services_as("office"), kit)
    assert not page.save_button.isVisible()
    assert page.editors["company_name"].isReadOnly()
    assert not page.editors["public_page_show_customer_name"].isEnabled()
