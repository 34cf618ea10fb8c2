"""Stocked parts on the work order's Items card (pytest-qt, offscreen): added through the
picker's Parts group, shown with their location combo and what is reserved once assigned."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QListView, QStyleOptionViewItem

from tests.factories import make_customer, make_unit
from tuffops_desktop.ui.pages.work_orders.items import (
    ITEM_COLUMNS,
    LOCATION_COLUMN,
    PLACE_ROLE,
    ItemPickerDialog,
    WorkOrderItemsSection,
    place_text,
)

COLUMN = {key: n for n, (key, _title, _priced) in enumerate(ITEM_COLUMNS)}
_serial = itertools.count(1)


@pytest.fixture
def shelf(demo):
    """A part (5 on a shelf, 1 in a van) and a new, unassigned work order."""
    n = next(_serial)
    admin = demo.services_as("admin")
    inv = admin.inventory
    part = inv.add_part(f"UI-STK-{n}", f"Condenser fan motor {n}", "each", price="84.00")
    store = inv.add_location(f"UI shelf {n}")
    van = inv.add_location(f"UI van {n}", "van")
    inv.receive(part.id, store.id, "5")
    inv.receive(part.id, van.id, "1")
    customer = make_customer(admin, company_name=f"Stock Test {n}")
    unit = make_unit(admin, customer_id=customer.id, serial_number=f"STOCK-UI-{n}")
    order = demo.services_as("office").work_orders.create(unit.id, "repair", "Fan not turning")
    return {"part": part, "store": store, "van": van, "order": order}


def make_section(qtbot, services, kit, work_order_id) -> WorkOrderItemsSection:  # noqa: ANN001
    section = WorkOrderItemsSection(services, kit.ops, kit.prompts)
    qtbot.addWidget(section)
    section.resize(900, 300)
    section.show()
    section.show_work_order(work_order_id)
    qtbot.waitUntil(lambda: section.card is not None, timeout=5000)
    return section


def cell(section: WorkOrderItemsSection, row: int, key: str) -> str:
    return section.model.index(row, COLUMN[key]).data()


def location_combo(section: WorkOrderItemsSection, row: int) -> QComboBox | None:
    widget = section.table.indexWidget(section.model.index(row, LOCATION_COLUMN))
    return widget if isinstance(widget, QComboBox) else None


def test_a_part_is_added_through_the_picker_and_reserved_once_assigned(qtbot, demo, kit, shelf, tmp_path):
    office = demo.services_as("office")
    section = make_section(qtbot, office, kit, shelf["order"].id)
    part, store = shelf["part"], shelf["store"]

    def pick() -> None:
        """The picker is modal: find it, search the part number, take it from the shelf."""
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ItemPickerDialog)
        qtbot.keyClicks(dialog.search, part.number)
        qtbot.waitUntil(lambda: [p.number for p in dialog.parts()] == [part.number], timeout=5000)
        groups = [dialog.matches.topLevelItem(i).text(0) for i in range(dialog.matches.topLevelItemCount())]
        assert groups[-1] == "Parts"
        dialog.matches.setCurrentItem(dialog.matches.topLevelItem(len(groups) - 1).child(0))
        assert dialog.chosen_part() is not None and dialog.chosen() is None
        assert dialog.location.isVisible() and dialog.location.itemText(0) == "Automatic"
        dialog.location.setCurrentIndex(dialog.location.findData(store.id))
        assert dialog.location.currentText() == f"{store.name} (5 available)"
        dialog.quantity.setText("2")
        dialog.grab().save(str(tmp_path / "picker.png"))
        dialog.add_button.click()

    QTimer.singleShot(0, pick)
    section.add_item()
    qtbot.waitUntil(lambda: section.model.rowCount() == 1, timeout=5000)
    assert cell(section, 0, "name") == f"{part.name} · {part.number}" and cell(section, 0, "quantity") == "2"
    assert cell(section, 0, "location") == store.name and cell(section, 0, "reserved") == "0"
    assert not section.table.isColumnHidden(COLUMN["location"])

    # assigning reserves the line at its location; the card shows it
    order = office.work_orders.get(shelf["order"].id)
    tech_id = next(t.id for t in office.work_orders.technicians() if t.username == "tech")
    office.work_orders.act(order.id, "assign", order.version, technician_id=tech_id)
    section.reload()
    qtbot.waitUntil(lambda: cell(section, 0, "reserved") == "2", timeout=5000)
    combo = location_combo(section, 0)
    assert combo is not None and combo.currentData() == store.id
    entry = combo.findData(store.id)
    assert combo.itemText(entry) == store.name  # the cell shows the name; the list what is free
    assert place_text(combo.itemData(entry, PLACE_ROLE)) == f"{store.name} (3 available)"
    assert "2 of 2 each reserved" in section.model.index(0, COLUMN["reserved"]).data(Qt.ItemDataRole.ToolTipRole)


def test_the_location_combo_moves_the_reservation_or_says_why_not(qtbot, demo, kit, shelf):
    office = demo.services_as("office")
    part, store, van = shelf["part"], shelf["store"], shelf["van"]
    office.work_order_items.add_part(shelf["order"].id, part.id, "1", store.id)
    office.work_order_items.add_part(shelf["order"].id, part.id, "1", store.id)
    order = office.work_orders.get(shelf["order"].id)
    tech_id = next(t.id for t in office.work_orders.technicians() if t.username == "tech")
    office.work_orders.act(order.id, "assign", order.version, technician_id=tech_id)
    section = make_section(qtbot, office, kit, order.id)
    qtbot.waitUntil(lambda: location_combo(section, 1) is not None, timeout=5000)

    # the first line goes to the van (1 free there): its reservation moves with it
    combo = location_combo(section, 0)
    assert combo is not None
    combo.setCurrentIndex(combo.findData(van.id))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: cell(section, 0, "location") == van.name, timeout=5000)
    assert cell(section, 0, "reserved") == "1"
    stock = {s.location_id: s for s in office.inventory.stock(part.id)}
    assert (stock[van.id].reserved, stock[store.id].reserved) == (Decimal(1), Decimal(1))

    # the van has nothing more free: the second line cannot follow, and the user is told why
    combo = location_combo(section, 1)
    assert combo is not None
    combo.setCurrentIndex(combo.findData(van.id))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: any("Only 0 of part" in text for _k, _t, text in kit.prompts.calls), timeout=5000)
    qtbot.waitUntil(lambda: location_combo(section, 1) is not None, timeout=5000)
    assert cell(section, 1, "location") == store.name
    assert location_combo(section, 1).currentData() == store.id


def test_a_technician_sees_the_stock_columns_without_prices(qtbot, demo, kit, shelf, tmp_path, themed):
    office = demo.services_as("office")
    tech = demo.services_as("tech")
    order = office.work_orders.get(shelf["order"].id)
    tech_id = next(t.id for t in office.work_orders.technicians() if t.username == "tech")
    office.work_orders.act(order.id, "assign", order.version, technician_id=tech_id)
    labour = next(e for e in office.price_list.search("Labour") if e.kind == "service")
    office.work_order_items.add(order.id, labour.id, "1.5")
    tech.work_order_items.add_part(order.id, shelf["part"].id, "2", shelf["store"].id)
    section = make_section(qtbot, tech, kit, order.id)
    qtbot.waitUntil(lambda: location_combo(section, 1) is not None, timeout=5000)
    assert cell(section, 0, "location") == "" and location_combo(section, 0) is None  # labour: no stock
    assert cell(section, 1, "reserved") == "2"
    assert section.table.isColumnHidden(COLUMN["unit_price"])
    section.grab().save(str(tmp_path / "items-tech.png"))

    # the office's view of the same card, for the eye: prices, totals, the combo per part line
    office.work_order_items.add_part(order.id, shelf["part"].id, "1", shelf["van"].id)
    section = make_section(qtbot, office, kit, order.id)
    qtbot.waitUntil(lambda: location_combo(section, 2) is not None, timeout=5000)
    section.grab().save(str(tmp_path / "items-office.png"))
    combo = location_combo(section, 2)
    assert combo is not None
    listed = QListView()  # its open list, painted without opening a popup offscreen
    qtbot.addWidget(listed)
    listed.setModel(combo.model())
    listed.setItemDelegate(combo.itemDelegate())
    listed.resize(combo.view().minimumWidth(), 120)
    listed.show()
    texts = [listed.itemDelegate().sizeHint(QStyleOptionViewItem(), combo.model().index(0, 0)).width()]
    assert texts[0] > combo.fontMetrics().horizontalAdvance(combo.itemText(0))  # "(… available)" added
    listed.grab().save(str(tmp_path / "items-combo-list.png"))
    section.resize(440, 300)  # the work-order panel's width by default
    qtbot.wait(50)
    section.grab().save(str(tmp_path / "items-office-narrow.png"))
