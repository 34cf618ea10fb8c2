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


def test_typed_editors_follow_the_setting_specs(qtbot, demo, kit):
    from decimal import Decimal

    from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit

    admin = demo.services_as("admin")
    page = SettingsPage(admin, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.show()
    ecc = page.editors["sticker_error_correction"]
    tax = page.editors["default_tax_rate"]
    duration = page.editors["default_work_order_duration_hours"]
    assert isinstance(ecc, QComboBox) and [ecc.itemData(n) for n in range(ecc.count())] == ["L", "M", "Q", "H"]
    assert ecc.currentData() == admin.settings.get("sticker_error_correction")
    assert isinstance(tax, QDoubleSpinBox) and (tax.minimum(), tax.maximum(), tax.decimals()) == (0, 100, 2)
    assert tax.suffix() == " %"
    assert isinstance(duration, QDoubleSpinBox) and duration.singleStep() == 0.5 and duration.suffix() == " h"
    assert isinstance(page.editors["public_page_show_customer_name"], QCheckBox)
    assert isinstance(page.editors["company_name"], QLineEdit)
    assert page.changed_values() == {}

    before = {
        n: admin.settings.get(n)
        for n in ("sticker_error_correction", "default_tax_rate", "default_work_order_duration_hours")
    }
    try:
        ecc.setCurrentIndex(ecc.findData("H"))
        tax.setValue(12.5)
        duration.setValue(3.5)
        assert page.changed_values() == {
            "sticker_error_correction": "H",
            "default_tax_rate": Decimal("12.50"),
            "default_work_order_duration_hours": Decimal("3.5"),
        }
        assert page.save()
        assert admin.settings.get("sticker_error_correction") == "H"
        assert admin.settings.get("default_tax_rate") == Decimal("12.5")
        assert admin.settings.get("default_work_order_duration_hours") == Decimal("3.5")
        assert page.changed_values() == {}
        tax.setValue(20)
        page.revert_button.click()
        assert tax.value() == 12.5 and page.changed_values() == {}
    finally:
        admin.settings.update(before)

    office_page = SettingsPage(demo.services_as("office"), kit.ops, kit.prompts)
    qtbot.addWidget(office_page)
    assert not office_page.editors["sticker_error_correction"].isEnabled()
    assert office_page.editors["default_tax_rate"].isReadOnly()
