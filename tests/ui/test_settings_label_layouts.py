"""Label layouts follow the Settings page's Save and Revert (issue #9 §4 Settings): a new
or edited layout is a pending change of the page, stored by Save changes together with
the edited settings (all or nothing) and dropped by Revert."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tuffops_desktop.ui.pages.settings.page import SettingsPage


@pytest.fixture
def admin(demo):  # noqa: ANN001, ANN201
    return demo.services_as("admin")


def _page(qtbot, services, kit) -> SettingsPage:  # noqa: ANN001
    page = SettingsPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.show()
    return page


def _new_layout(qtbot, page: SettingsPage, name: str, *, columns: int = 2):  # noqa: ANN202
    """Type a layout in the section's dialog and press OK (the page keeps it pending)."""
    section = page.layouts_section
    section.table.selectRow(0)
    dialog = section.open_dialog(section.selected(), editing=False, run=False)
    qtbot.addWidget(dialog)
    dialog.name.setText(name)
    dialog.columns.setValue(columns)
    assert dialog.save(), dialog.problem_text()
    section.take(dialog)
    return dialog.saved


def _source(page: SettingsPage, key: str) -> str:
    table = page.layouts_section.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == key)
    return table.item(row, 2).text()


def test_save_stores_settings_and_layouts_together(qtbot, admin, kit):
    page = _page(qtbot, admin, kit)
    assert not page.has_unsaved_changes()
    assert not page.save_button.isEnabled() and not page.revert_button.isEnabled()
    layout = _new_layout(qtbot, page, "Page-saved stock")
    assert page.has_unsaved_changes() and page.save_button.isEnabled() and page.revert_button.isEnabled()
    assert page.status.text() == "Unsaved changes."
    assert _source(page, layout.key) == "Not saved"
    assert layout.key not in admin.stickers.layouts()  # nothing stored before Save

    page.editors["company_phone"].setText("+1 869 465 7777")
    page.save_button.click()
    assert page.status.text() == "Saved 1 setting(s) and 1 label layout(s)."
    assert admin.stickers.layout(layout.key).columns == 2
    assert admin.settings.get("company_phone") == "+1 869 465 7777"
    assert not page.has_unsaved_changes() and not page.save_button.isEnabled()
    assert _source(page, layout.key) == "Custom" and page.layouts_section.selected_key() == layout.key
    assert kit.prompts.calls == []


def test_revert_drops_layout_edits_too(qtbot, admin, kit):
    page = _page(qtbot, admin, kit)
    before = set(admin.stickers.layouts())
    layout = _new_layout(qtbot, page, "Reverted stock")
    page.editors["company_name"].setText("Never saved Ltd")
    page.revert_button.click()
    assert not page.has_unsaved_changes()
    assert layout.key not in page.layouts_section.pending_keys()
    table = page.layouts_section.table
    assert layout.key not in {table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(table.rowCount())}
    assert set(admin.stickers.layouts()) == before
    assert page.editors["company_name"].text() == admin.settings.get("company_name")


def test_a_refused_save_stores_neither_and_reports_once(qtbot, admin, kit):
    page = _page(qtbot, admin, kit)
    before = set(admin.stickers.layouts())
    layout = _new_layout(qtbot, page, "Half-saved stock")
    page.editors["phone_default_region"].setText("ZZ")  # a bad setting next to a good layout
    assert not page.save()
    assert set(page.errors.visible_messages()) == {"phone_default_region"}
    assert set(admin.stickers.layouts()) == before  # the layout was not stored on its own
    assert page.has_unsaved_changes() and layout.key in page.layouts_section.pending_keys()

    page.editors["phone_default_region"].setText(admin.settings.get("phone_default_region"))
    broken = dict(layout.to_dict(), pitch_x_mm=layout.label_width_mm / 2)  # overlapping labels
    page.layouts_section._pending[layout.key] = type(layout)(**broken)  # as if tampered with
    page.editors["company_phone"].setText("+1 869 465 1234")
    phone = admin.settings.get("company_phone")
    assert not page.save()
    assert page.errors.form_message().startswith("Label layouts: ")
    assert "overlap" in page.errors.form_message()
    assert admin.settings.get("company_phone") == phone  # the setting was not stored on its own
    assert kit.prompts.calls == []


def test_without_settings_edit_the_section_is_read_only(qtbot, demo, kit):
    page = _page(qtbot, demo.services_as("office"), kit)
    section = page.layouts_section
    QApplication.processEvents()
    assert not section.new_button.isVisible() and not section.edit_button.isVisible()
    assert not page.save_button.isVisible() and not page.revert_button.isVisible()
    assert not page.has_unsaved_changes()
