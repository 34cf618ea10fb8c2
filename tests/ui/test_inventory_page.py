"""The Inventory page: the parts list (search, filters, SQL sorts), the part panel with
its stock per location and its ledger in blocks, the stock dialogs (receive, transfer,
adjust, part, locations) with refusals that store nothing, the change feed, costs and
actions by permission, and opening a part from elsewhere (``open_record("part", id)``)."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.services.listing import ListQuery, any_of
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.pages.inventory.columns import KIND_LABELS, signed_quantity_text
from tuffops_desktop.ui.pages.inventory.dialogs import (
    AdjustDialog,
    LocationDialog,
    LocationsDialog,
    PartDialog,
    ReceiveDialog,
    TransferDialog,
)
from tuffops_desktop.ui.pages.inventory.page import InventoryPage

D = Decimal
_n = count(1)


@pytest.fixture
def admin(demo):  # noqa: ANN001, ANN201
    return demo.services_as("admin")


@pytest.fixture
def office(demo):  # noqa: ANN001, ANN201
    return demo.services_as("office")


@pytest.fixture
def stock(admin):  # noqa: ANN001, ANN201
    """Two parts of this test's own (numbers ``UIT<n>-…``) in a store of its own and a van."""
    n = next(_n)
    inv = admin.inventory
    store = inv.add_location(f"UI store {n}")
    van = inv.add_location(f"UI van {n}", "van")
    cap = inv.add_part(
        f"UIT{n}-CAP", "Run capacitor 45 uF", "each", manufacturer="Genteq", category="UI tests", price="21", cost="7"
    )
    gas = inv.add_part(f"UIT{n}-GAS", "Refrigerant R-32", "kg", manufacturer="Daikin", category="UI tests")
    inv.receive(cap.id, store.id, "10", "first delivery")
    inv.transfer(cap.id, store.id, van.id, "3")
    inv.receive(gas.id, store.id, "4.5")
    return {"n": n, "store": store.id, "van": van.id, "cap": cap.id, "gas": gas.id, "prefix": f"UIT{n}-"}


def make_page(qtbot, services, kit, size=(1400, 860)) -> InventoryPage:  # noqa: ANN001
    page = InventoryPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitUntil(lambda: page.count_label.text() != "", timeout=5000)
    return page


def search(qtbot, page: InventoryPage, text: str) -> None:  # noqa: ANN001
    page.search.set_search(text)
    qtbot.waitUntil(lambda: page.controller.query.text == text, timeout=3000)


def row_of(qtbot, page: InventoryPage, part_id: int):  # noqa: ANN001, ANN201
    row = page.model.row_of_id(part_id)
    assert row is not None
    qtbot.waitUntil(lambda: page.model.cached_row(row) is not None, timeout=3000)
    return page.model.cached_row(row)


def select(qtbot, page: InventoryPage, part_id: int) -> None:  # noqa: ANN001
    assert page.show_record(part_id)
    qtbot.waitUntil(lambda: page.panel.part is not None and page.panel.part.id == part_id, timeout=5000)
    qtbot.waitUntil(lambda: page.panel.ledger_count.text() != "", timeout=5000)


def answer_dialog(qtbot, dialog_type, fill) -> None:  # noqa: ANN001
    """Fill the next modal dialog of ``dialog_type`` when it opens (``fill`` saves it)."""

    def attempt() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, dialog_type) and widget.isVisible():
                fill(widget)
                if widget.isVisible():
                    widget.reject()
                return
        QTimer.singleShot(20, attempt)

    QTimer.singleShot(0, attempt)


def cell(page: InventoryPage, part_id: int, header: str) -> str:
    row = page.model.row_of_id(part_id)
    column = next(n for n, c in enumerate(page.model.columns) if c.header == header)
    return str(page.model.data(page.model.index(row, column)))


def test_the_list_shows_parts_and_the_search_narrows_it(qtbot, kit, office, stock):
    page = make_page(qtbot, office, kit)
    assert page.model.rowCount() >= 2
    search(qtbot, page, stock["prefix"].lower())
    qtbot.waitUntil(lambda: page.count_label.text() == "2 parts", timeout=3000)
    assert sorted(page.model.ids()) == sorted([stock["cap"], stock["gas"]])
    assert cell(page, stock["cap"], "On hand") == "10" and cell(page, stock["cap"], "Cost") == "7.00"
    assert cell(page, stock["gas"], "On hand") == "4.5" and cell(page, stock["gas"], "Unit") == "kg"
    search(qtbot, page, f"{stock['prefix']} refrigerant daikin")
    qtbot.waitUntil(lambda: page.model.ids() == [stock["gas"]], timeout=3000)
    search(qtbot, page, f"{stock['prefix']} nothing-like-this")
    qtbot.waitUntil(lambda: page.count_label.text() == "0 parts", timeout=3000)
    assert page.empty_state.isVisible()


def test_sorting_and_the_location_filter_run_in_sql(qtbot, kit, office, stock):
    page = make_page(qtbot, office, kit)
    search(qtbot, page, stock["prefix"])
    page.controller.update(sort="on_hand", descending=False)
    qtbot.waitUntil(lambda: page.model.ids() == [stock["gas"], stock["cap"]], timeout=3000)
    page.location_filter.setCurrentIndex(page.location_filter.findData(str(stock["van"])))
    qtbot.waitUntil(lambda: page.model.ids() == [stock["cap"]], timeout=3000)  # only parts kept there
    assert cell(page, stock["cap"], "On hand") == "3"  # the van's stock, not the total
    assert page.panel.preferred_location == stock["van"]
    page.location_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(page.model.ids()) == 2, timeout=3000)
    assert cell(page, stock["cap"], "On hand") == "10"


def test_selecting_a_part_shows_its_stock_per_location_and_its_ledger(qtbot, kit, office, stock):
    page = make_page(qtbot, office, kit)
    select(qtbot, page, stock["cap"])
    panel = page.panel
    assert panel.title.text() == f"{stock['prefix']}CAP"
    assert panel.values["cost"].text() == "7.00" and panel.values["markup"].text().startswith("200")
    locations = [panel.stock.item(r, 0).text() for r in range(panel.stock.rowCount())]
    assert locations == [f"UI store {stock['n']}", f"UI van {stock['n']}"]
    assert [panel.stock.item(r, 1).text() for r in range(2)] == ["7", "3"]
    assert panel.ledger_count.text() == "3 movements"
    qtbot.waitUntil(lambda: panel.ledger_model.cached_row(0) is not None, timeout=3000)
    rows = panel.ledger_rows_shown()
    assert KIND_LABELS["transfer_in"] in rows[0] and "+3" in rows[0] and "←" in rows[0]
    assert KIND_LABELS["receive"] in rows[2] and "first delivery" in rows[2]
    # the ledger at one location
    panel.ledger_location.setCurrentIndex(panel.ledger_location.findData(stock["van"]))
    qtbot.waitUntil(lambda: panel.ledger_count.text() == "1 movement", timeout=3000)
    assert signed_quantity_text(D("-2.5")).endswith("2.5") and signed_quantity_text(D("2")) == "+2"


def test_receive_dialog_updates_the_row_and_the_panel(qtbot, kit, office, stock):
    page = make_page(qtbot, office, kit)
    search(qtbot, page, stock["prefix"])
    select(qtbot, page, stock["cap"])
    dialog = ReceiveDialog(office, kit.ops, page.panel.part, page.locations, stock["store"], page)
    qtbot.addWidget(dialog)
    assert dialog.location.currentData() == stock["store"]
    dialog.quantity.setText("5")
    dialog.note.setText("PO 4471")
    assert dialog.save() and dialog.done_ok
    page.after_change(stock["cap"])
    qtbot.waitUntil(lambda: row_of(qtbot, page, stock["cap"]).on_hand == 15, timeout=3000)
    qtbot.waitUntil(lambda: page.panel.ledger_count.text() == "4 movements", timeout=3000)
    assert page.panel.stock.item(0, 1).text() == "12"


def test_another_workstations_receive_arrives_through_the_change_feed(qtbot, demo, kit, office, admin, stock):
    window = MainWindow(office, kit.ops, kit.prompts, kit.monitor, database_label="SQLite · test")
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    assert window.live.wait_ready(5)
    assert window.open_record("part", stock["gas"])  # as a scanned part label opens it
    page = window.current_page()
    assert isinstance(page, InventoryPage)
    qtbot.waitUntil(lambda: page.panel.part is not None and page.panel.part.id == stock["gas"], timeout=5000)
    admin.inventory.receive(stock["gas"], stock["van"], "2")  # another workstation
    qtbot.waitUntil(lambda: row_of(qtbot, page, stock["gas"]).on_hand == D("6.5"), timeout=5000)
    qtbot.waitUntil(lambda: page.panel.part.on_hand == D("6.5"), timeout=5000)
    qtbot.waitUntil(lambda: page.panel.stock.rowCount() == 2, timeout=3000)
    window.close()


def test_a_refused_transfer_shows_the_reason_and_stores_nothing(qtbot, kit, office, stock):
    page = make_page(qtbot, office, kit)
    select(qtbot, page, stock["cap"])
    before = office.inventory_listing.ledger_ids(stock["cap"])
    dialog = TransferDialog(office, kit.ops, page.panel.part, page.locations, stock["van"], page)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.source.currentData() == stock["van"]
    assert "Available at UI van" in dialog.available.text() and ": 3 each" in dialog.available.text()
    dialog.target.setCurrentIndex(dialog.target.findData(stock["store"]))
    dialog.quantity.setText("4")
    assert not dialog.save()
    assert "Only 3 of part" in dialog.errors.visible_messages()["quantity"]
    assert dialog.isVisible() and not kit.prompts.calls  # inline, no message box
    dialog.quantity.setText("")
    assert not dialog.save() and "Enter a quantity" in dialog.errors.visible_messages()["quantity"]
    assert office.inventory_listing.ledger_ids(stock["cap"]) == before
    dialog.quantity.setText("2")
    assert dialog.save()
    assert [(s.location_id, s.on_hand) for s in office.inventory.part(stock["cap"]).stock] == [
        (stock["store"], D(9)),
        (stock["van"], D(1)),
    ]


def test_adjust_needs_a_reason_and_takes_a_sign(qtbot, kit, office, stock):
    page = make_page(qtbot, office, kit)
    select(qtbot, page, stock["gas"])
    dialog = AdjustDialog(office, kit.ops, page.panel.part, page.locations, stock["store"], page)
    qtbot.addWidget(dialog)
    assert "4.5 on hand" in dialog.now.text()
    dialog.change.setText("-0.5")
    assert not dialog.save()
    assert "reason" in dialog.errors.visible_messages()
    dialog.reason.setText("leak while charging")
    assert dialog.save()
    assert office.inventory.part(stock["gas"]).on_hand == D(4)


def test_new_and_edited_part_unique_number_and_costs(qtbot, kit, office, stock):
    page = make_page(qtbot, office, kit)
    dialog = PartDialog(office, kit.ops, None, page.categories, page)
    qtbot.addWidget(dialog)
    dialog.number.setText(f"{stock['prefix']}cap")  # taken (any case)
    dialog.name.setText("Another")
    assert not dialog.save() and "already used" in dialog.errors.visible_messages()["number"]
    dialog.number.setText(f"{stock['prefix']}FUSE")
    dialog.name.setText("Fuse 5 A")
    dialog.price.setText("1,5")
    dialog.cost.setText("0.40")
    assert dialog.save() and dialog.saved_id is not None
    fuse = office.inventory.part(dialog.saved_id)
    assert (fuse.price, fuse.cost, fuse.unit) == (D("1.50"), D("0.40"), "each")
    page._reveal(fuse.id)
    qtbot.waitUntil(lambda: page.panel.part is not None and page.panel.part.id == fuse.id, timeout=5000)
    edit = PartDialog(office, kit.ops, page.panel.part, page.categories, page)
    qtbot.addWidget(edit)
    edit.name.setText("Fuse 5 A, fast")
    assert edit.save()
    assert office.inventory.part(fuse.id).name == "Fuse 5 A, fast"


def test_deactivating_a_reserved_part_is_refused_with_the_count(qtbot, demo, kit, office, admin, stock):
    order_id = admin.work_orders.list_ids(ListQuery(sort="number", filters={"status": any_of("unassigned")}))[0]
    admin.inventory.reserve(stock["cap"], stock["store"], order_id, "1")
    page = make_page(qtbot, office, kit)
    select(qtbot, page, stock["cap"])
    page.toggle_active()
    assert office.inventory.part(stock["cap"]).active
    assert kit.prompts.kinds() == ["confirm", "warning"]
    assert "reserved for 1 open work order (WO-" in kit.prompts.calls[-1][2]
    admin.inventory.release(stock["cap"], stock["store"], order_id)
    kit.prompts.calls.clear()
    page.toggle_active()
    qtbot.waitUntil(lambda: page.panel.part is not None and not page.panel.part.active, timeout=3000)
    assert page.active_button.text() == "Reactivate" and page.panel.inactive_tag.isVisibleTo(page.panel)
    with pytest.raises(ValidationError):
        office.inventory.receive(stock["cap"], stock["store"], "1")


def test_locations_add_edit_and_refuse_deactivating_one_with_stock(qtbot, kit, office, stock):
    dialog = LocationsDialog(office, kit.ops, kit.prompts, can_edit=True)
    qtbot.addWidget(dialog)
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert f"UI van {stock['n']}" in names
    new = LocationDialog(office, kit.ops, None, dialog)
    qtbot.addWidget(new)
    new.name.setText(f"UI van {stock['n']}")
    assert not new.save() and "already" in new.errors.visible_messages()["name"]
    new.name.setText(f"UI truck {stock['n']}")
    new.kind.setCurrentIndex(new.kind.findData("van"))
    assert new.technician.isEnabled()
    assert new.save() and new.saved is not None and new.saved.kind == "van"
    dialog.reload(stock["van"])
    assert dialog.selected() is not None and dialog.selected().id == stock["van"]
    dialog.toggle_active()
    assert "still holds stock of 1 part" in dialog.errors.form_message()
    assert next(x for x in office.inventory.locations() if x.id == stock["van"]).active


def test_technicians_see_the_page_read_only_without_costs(qtbot, demo, kit, stock):
    tech = demo.services_as("tech")
    page = make_page(qtbot, tech, kit)
    headers = [c.header for c in page.model.columns]
    assert "Cost" not in headers and "Markup" not in headers and "Price" in headers
    select(qtbot, page, stock["cap"])
    assert "cost" not in page.panel.values and "markup" not in page.panel.values
    for button in (
        page.new_button,
        page.edit_button,
        page.receive_button,
        page.transfer_button,
        page.adjust_button,
        page.active_button,
    ):
        assert not button.isEnabled(), button.text()
        assert "inventory." in button.toolTip(), button.text()
    assert page.locations_button.isEnabled()  # to look at them
    locations = LocationsDialog(tech, kit.ops, kit.prompts, can_edit=False)
    qtbot.addWidget(locations)
    assert not locations.new_button.isEnabled() and not locations.active_button.isEnabled()


def test_the_page_lays_out_at_the_smallest_window(qtbot, kit, office, stock):
    page = make_page(qtbot, office, kit, size=(820, 560))
    select(qtbot, page, stock["cap"])
    QApplication.processEvents()
    toolbar = [page.search, page.location_filter, page.category_filter, page.status_filter, page.low_only]
    for left, right in zip(toolbar, toolbar[1:], strict=False):
        assert left.geometry().right() < right.geometry().left(), (left, right)  # nothing overlaps
    assert page.search.width() >= page.search.minimumWidth()


def test_levels_from_the_toolbar_make_the_part_low(qtbot, kit, office, stock):
    from tuffops_desktop.ui.pages.inventory.levels_dialog import LevelsDialog

    page = make_page(qtbot, office, kit)
    search(qtbot, page, stock["prefix"])
    select(qtbot, page, stock["cap"])
    van_row = next(r for r in range(page.panel.stock.rowCount()) if "van" in page.panel.stock.item(r, 0).text())
    page.panel.stock.selectRow(van_row)
    assert page.chosen_location_id() == stock["van"] and page.levels_button.isEnabled()

    def fill(dialog: LevelsDialog) -> None:
        dialog.minimum.setText("5")
        dialog.bin.setText("VAN-B2")
        assert dialog.save()

    answer_dialog(qtbot, LevelsDialog, fill)
    page.levels_button.click()
    qtbot.waitUntil(lambda: page.panel.low_tag.isVisibleTo(page.panel), timeout=5000)
    assert page.panel.selected_location_id() == stock["van"]  # the chosen row stays chosen
    assert page.panel.stock.item(van_row, 7).text() == "VAN-B2"
    qtbot.waitUntil(lambda: row_of(qtbot, page, stock["cap"]).low, timeout=3000)
    page.low_only.setChecked(True)
    qtbot.waitUntil(lambda: page.model.ids() == [stock["cap"]], timeout=3000)


def test_filters_and_search_are_remembered(qtbot, kit, office, stock, tmp_path):
    from PySide6.QtCore import QSettings

    from tuffops_desktop.ui.window_state import ViewState

    state = ViewState(QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat), "pages/inventory")
    page = make_page(qtbot, office, kit)
    page.location_filter.setCurrentIndex(page.location_filter.findData(str(stock["store"])))
    page.category_filter.setCurrentIndex(page.category_filter.findData("UI tests"))
    page.status_filter.setCurrentIndex(page.status_filter.findData("all"))
    search(qtbot, page, "capacitor")
    page.save_state(state)
    again = make_page(qtbot, office, kit)
    again.restore_state(state)
    query = again.controller.query
    assert query.text == "capacitor" and query.filter("active") is None
    assert again.location_filter_id() == stock["store"] and query.filter("category") is not None
    qtbot.waitUntil(lambda: stock["cap"] in again.model.ids(), timeout=3000)
    assert stock["gas"] not in again.model.ids()
