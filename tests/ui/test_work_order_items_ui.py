"""The Items card of the work-order panel and the item picker (pytest-qt, offscreen)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from tests.factories import make_customer, make_unit
from tuffops_desktop.services.listing import ListQuery, any_of
from tuffops_desktop.ui.pages.work_orders.editor import WorkOrderEditor
from tuffops_desktop.ui.pages.work_orders.items import COLUMNS, ItemPickerDialog, WorkOrderItemsSection

PRICE_COLUMNS = [n for n, (_key, _title, priced) in enumerate(COLUMNS) if priced]


@pytest.fixture
def started(demo):
    """A fresh work order for a customer with a 10 % discount, assigned to ``tech`` and started."""
    system = demo.services_as("admin")
    customer = make_customer(system, company_name="Ocean Terrace", discount_rate="10")
    unit = make_unit(system, customer_id=customer.id, serial_number=f"ITEMS-{customer.id}")
    office = demo.services_as("office")
    order = office.work_orders.create(unit.id, "repair", "Not cooling")
    tech_id = next(t.id for t in office.work_orders.technicians() if t.username == "tech")
    order = office.work_orders.act(order.id, "assign", order.version, technician_id=tech_id)
    return demo.services_as("tech").work_orders.act(order.id, "start", order.version)


def entry_id(services, name: str) -> int:
    return next(e.id for e in services.price_list.search(name) if e.name == name)


def make_section(qtbot, services, kit, work_order_id) -> WorkOrderItemsSection:  # noqa: ANN001
    section = WorkOrderItemsSection(services, kit.ops, kit.prompts)
    qtbot.addWidget(section)
    section.resize(640, 300)
    section.show()
    section.show_work_order(work_order_id)
    qtbot.waitUntil(lambda: section.card is not None, timeout=5000)
    return section


def test_the_office_adds_changes_and_removes_items_with_prices_and_totals(qtbot, demo, kit, started):
    office = demo.services_as("office")
    section = make_section(qtbot, office, kit, started.id)
    assert section.model.rowCount() == 0 and section.add_button.isVisible()
    assert all(not section.table.isColumnHidden(c) for c in PRICE_COLUMNS)
    assert section.add_entry(entry_id(office, "Labour (per hour)"), "1.5")
    assert section.add_entry(entry_id(office, "Air filter 16x25x1"), "2")
    texts = [[section.model.index(r, c).data() for c in range(len(COLUMNS))] for r in range(2)]
    assert texts[0][:4] == ["Labour (per hour)", "Service", "1.5", "hour"]
    assert texts[1][:4] == ["Air filter 16x25x1", "Material", "2", "each"]
    assert texts[0][5] == "10 %"
    # 97.50 − 10 % = 87.75; 25.98 − 10 % = 23.38; total 111.13
    assert "111.13" in section.totals.text() and "Discount" in section.totals.text()
    # the quantity is typed into its cell
    section.table.selectRow(1)
    assert section.model.setData(section.model.index(1, 2), "3") is False
    qtbot.waitUntil(lambda: section.model.lines[1].quantity == Decimal("3.000"), timeout=3000)
    # a bad quantity is refused with a readable message and nothing changes
    assert not section.set_quantity(section.model.lines[1].id, "0")
    assert any("more than zero" in text for _kind, _title, text in kit.prompts.calls)
    qtbot.waitUntil(lambda: section.model.lines[1].quantity == Decimal("3.000"), timeout=3000)
    section.table.selectRow(0)
    kit.prompts.confirm_answer = False
    assert not section.remove_item()
    kit.prompts.confirm_answer = True
    assert section.remove_item()
    assert [line.name for line in section.model.lines] == ["Air filter 16x25x1"]
    assert kit.prompts.kinds().count("confirm") == 2


def test_the_technician_sees_quantities_but_no_prices(qtbot, demo, kit, started):
    tech = demo.services_as("tech")
    section = make_section(qtbot, tech, kit, started.id)
    assert section.add_entry(entry_id(tech, "Refrigerant R-410A"), "0.75")
    assert section.model.lines[0].unit_price is None
    assert all(section.table.isColumnHidden(c) for c in PRICE_COLUMNS)
    assert section.totals.text() == ""
    assert section.model.index(0, 2).data() == "0.75"
    assert section.model.flags(section.model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable


def test_closed_work_orders_show_their_items_read_only(qtbot, demo, kit):
    office = demo.services_as("office")
    completed = office.work_orders.list_ids(ListQuery(filters={"status": any_of("completed")}))[0]
    section = make_section(qtbot, office, kit, completed)
    assert section.model.rowCount() > 0  # the demo put items on work done
    assert not section.add_button.isVisible()
    assert "can no longer change" in section.note.text()
    assert not section.model.flags(section.model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable


def test_the_picker_searches_groups_and_works_from_the_keyboard(qtbot, demo, kit):
    office = demo.services_as("office")
    dialog = ItemPickerDialog(office, kit.ops, pricing=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.entries()) >= 30, timeout=3000)
    groups = [dialog.matches.topLevelItem(i).text(0) for i in range(dialog.matches.topLevelItemCount())]
    assert groups == ["Services", "Materials"]
    qtbot.keyClicks(dialog.search, "filter")
    qtbot.waitUntil(
        lambda: dialog.entries() and all("filter" in e.name.lower() for e in dialog.entries()), timeout=3000
    )
    assert [dialog.matches.topLevelItem(i).text(0) for i in range(dialog.matches.topLevelItemCount())] == ["Materials"]
    assert dialog.chosen() is not None and dialog.add_button.isEnabled()
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    assert dialog.matches.hasFocus()
    qtbot.keyClick(dialog.matches, Qt.Key.Key_Down)
    assert dialog.chosen() == dialog.entries()[1]
    qtbot.keyClicks(dialog.search, " nothing-like-this")
    qtbot.waitUntil(lambda: not dialog.entries(), timeout=3000)
    assert "Nothing on the price list" in dialog.empty.text() and not dialog.add_button.isEnabled()


def test_the_editor_shows_the_items_of_the_work_order(qtbot, demo, kit, started):
    office = demo.services_as("office")
    office.work_order_items.add(started.id, entry_id(office, "Call-out fee"))
    editor = WorkOrderEditor(office, kit.ops, kit.prompts)
    qtbot.addWidget(editor)
    editor.show_work_order(office.work_orders.get(started.id))
    qtbot.waitUntil(lambda: editor.items.model.rowCount() == 1, timeout=3000)
    editor.show_work_order(None)
    qtbot.waitUntil(lambda: editor.items.model.rowCount() == 0, timeout=3000)


def test_the_items_model_passes_the_model_tester(qtbot, qtmodeltester, demo, kit, started):
    office = demo.services_as("office")
    section = make_section(qtbot, office, kit, started.id)
    qtmodeltester.check(section.model)
    section.add_entry(entry_id(office, "Call-out fee"))
    section.add_entry(entry_id(office, "Refrigerant R-32"), "1.25")
    qtmodeltester.check(section.model)
