"""Settings → Price list (pytest-qt, offscreen): search, add with inline errors, edit, retire,
read-only without settings.edit."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QApplication, QLabel

from tuffops_desktop.ui.pages.settings.page import SettingsPage
from tuffops_desktop.ui.pages.settings.price_list_section import PriceListEntryDialog, PriceListSection


def make_section(qtbot, services, kit) -> PriceListSection:  # noqa: ANN001
    section = PriceListSection(kit.ops, services)
    qtbot.addWidget(section)
    section.resize(760, 520)
    section.show()
    qtbot.waitUntil(lambda: len(section.entries) > 0, timeout=5000)
    return section


def row_of(section: PriceListSection, name: str) -> int:
    return next(i for i, e in enumerate(section.entries) if e.name == name)


def test_the_admin_searches_adds_edits_and_retires(qtbot, demo, kit):
    admin = demo.services_as("admin")
    section = make_section(qtbot, admin, kit)
    assert len(section.entries) >= 30 and section.add_button.isVisible()
    qtbot.keyClicks(section.search, "capacitor")
    qtbot.waitUntil(lambda: all("capacitor" in e.name.lower() for e in section.entries), timeout=3000)
    assert section.table.rowCount() == len(section.entries) == 3

    dialog = PriceListEntryDialog(admin, kit.ops, parent=section)
    qtbot.addWidget(dialog)
    dialog.name.setText("Labour (per hour)")  # taken, and a bad price: shown inline, nothing stored
    dialog.price.setText("-5")
    assert not dialog.save()
    assert any("negative" in label.text() for label in dialog.findChildren(QLabel))
    dialog.price.setText("70")
    assert not dialog.save()
    assert any("already on the price list" in label.text() for label in dialog.findChildren(QLabel))
    assert not any("negative" in label.text() for label in dialog.findChildren(QLabel) if label.isVisible())
    dialog.name.setText("Run capacitor 55/5 µF")
    dialog.kind.setCurrentIndex(dialog.kind.findData("material"))
    dialog.price.setText("33.5")
    assert dialog.save()
    assert dialog.saved is not None and dialog.saved.price == Decimal("33.50")
    section.refresh()
    qtbot.waitUntil(lambda: any(e.name == "Run capacitor 55/5 µF" for e in section.entries), timeout=3000)

    section.table.selectRow(row_of(section, "Run capacitor 55/5 µF"))
    entry = section.current()
    edit = PriceListEntryDialog(admin, kit.ops, entry, parent=section)
    qtbot.addWidget(edit)
    assert edit.price.text() == "33.50" and edit.kind.currentData() == "material"
    edit.price.setText("35")
    assert edit.save() and edit.saved.price == Decimal("35.00")

    section.refresh()
    qtbot.waitUntil(lambda: section.entries and section.entries[row_of(section, "Run capacitor 55/5 µF")].version == 2)
    section.table.selectRow(row_of(section, "Run capacitor 55/5 µF"))
    assert section.retire_button.text().replace("&", "") == "Retire"
    assert section.toggle_active()
    qtbot.waitUntil(lambda: all(e.name != "Run capacitor 55/5 µF" for e in section.entries), timeout=3000)
    section.show_retired.setChecked(True)
    qtbot.waitUntil(lambda: any(e.name == "Run capacitor 55/5 µF" for e in section.entries), timeout=3000)
    assert section.table.item(row_of(section, "Run capacitor 55/5 µF"), 5).text() == "retired"


def test_read_only_without_settings_edit_and_prices_only_with_pricing(qtbot, demo, kit):
    office = make_section(qtbot, demo.services_as("office"), kit)  # sees prices (work_orders.pricing)
    assert not office.add_button.isVisible() and not office.edit_button.isVisible()
    assert office.table.item(row_of(office, "Call-out fee"), 3).text() == "45.00"
    auditor = make_section(qtbot, demo.services_as("auditor"), kit)  # settings.view only
    assert auditor.table.item(row_of(auditor, "Call-out fee"), 3).text() == ""
    assert auditor.table.isColumnHidden(3) and auditor.table.isColumnHidden(4) and not office.table.isColumnHidden(3)
    auditor.table.selectRow(0)
    assert not auditor.toggle_active()


def test_the_settings_page_shows_the_price_list(qtbot, demo, kit):
    page = SettingsPage(demo.services_as("admin"), kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.show()
    sections = page.findChildren(PriceListSection)
    assert len(sections) == 1
    qtbot.waitUntil(lambda: len(sections[0].entries) > 0, timeout=5000)
    assert QApplication.instance() is not None


def test_an_entry_added_on_another_workstation_appears_through_the_change_feed(qtbot, demo, kit):
    from tuffops_desktop.domain.pricing import PriceListInput
    from tuffops_desktop.services.changes import Change

    page = SettingsPage(demo.services_as("office"), kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: len(page.price_list_section.entries) > 0, timeout=5000)
    added = demo.services_as("admin").price_list.add(PriceListInput("Flare nut kit 3/8", "material", "set", "14"))
    page.apply_changes([Change("price_list_item", added.id, "create")])  # as the live feed delivers it
    qtbot.waitUntil(lambda: any(e.name == "Flare nut kit 3/8" for e in page.price_list_section.entries), timeout=3000)
