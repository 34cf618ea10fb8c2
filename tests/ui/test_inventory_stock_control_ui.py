"""The stock-control views and dialogs of the Inventory page, with real services on the
demo database: the low-stock list (filter, order suggested, export, live refresh), the
levels dialog, parts on order (receive, cancel), the cycle-count dialog and the
valuation. ``TUFFOPS_SHOTS=<folder>`` saves a screenshot of each there."""

from __future__ import annotations

import csv
import itertools
import os
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tuffops_desktop.domain.permissions import Role, effective_permissions
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.stock_control import CountEntry
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.services.registry import Services, build_services
from tuffops_desktop.ui.pages.inventory.count_dialog import CountDialog
from tuffops_desktop.ui.pages.inventory.levels_dialog import LevelsDialog
from tuffops_desktop.ui.pages.inventory.low_stock import LowStockView, OrderSuggestedDialog
from tuffops_desktop.ui.pages.inventory.orders import OnOrderView, ReceiveOrderDialog
from tuffops_desktop.ui.pages.inventory.valuation import ValuationView

D = Decimal
_names = itertools.count(1)


@dataclass
class Shop:
    """A location of its own (the demo database is shared by the module's tests)."""

    location_id: int
    location: str
    capacitor: int
    filter: int
    gas: int
    numbers: tuple[str, str, str]  # capacitor, filter, gas


@pytest.fixture
def admin(demo) -> Services:  # noqa: ANN001
    return demo.services_as("admin")


@pytest.fixture
def office(demo) -> Services:  # noqa: ANN001
    return demo.services_as("office")


@pytest.fixture
def shop(admin: Services) -> Shop:
    """Capacitor 3 on hand (minimum 5, packs of 10), filter 2 with 4 reserved (short),
    refrigerant 12.5 kg (fine)."""
    n = next(_names)
    inv, sc = admin.inventory, admin.stock_control
    where = inv.add_location(f"Test shop {n}")
    cap = inv.add_part(f"T{n}-CAP", "Run capacitor 45/5 uF", "each", cost="18.40")
    flt = inv.add_part(f"T{n}-FLT", "Pleated filter 16x25", "each", cost="6.25")
    gas = inv.add_part(f"T{n}-GAS", "R-410A refrigerant", "kg")
    inv.receive(cap.id, where.id, "3")
    inv.receive(flt.id, where.id, "4")
    inv.receive(gas.id, where.id, "12.5")
    work_order = admin.work_orders.list_ids(ListQuery())[0]
    inv.reserve(flt.id, where.id, work_order, "4")
    sc.count(where.id, [_entry(admin, where.id, flt.id, "2")], "Setup")  # two lost: short of the reservation
    sc.set_levels(cap.id, where.id, "5", "10", "A-1-3")
    sc.set_levels(flt.id, where.id, None, None, "B-2")
    sc.set_levels(gas.id, where.id, "2", None, "C-1")
    return Shop(where.id, where.name, cap.id, flt.id, gas.id, (cap.number, flt.number, gas.number))


def _entry(services: Services, location_id: int, part_id: int, counted: str) -> CountEntry:
    line = next(x for x in services.stock_control.count_sheet(location_id).lines if x.part_id == part_id)
    return CountEntry(part_id, line.expected, counted)


def shoot(widget, name: str) -> None:  # noqa: ANN001
    """A screenshot for looking at (``TUFFOPS_SHOTS=<folder>``); nothing otherwise."""
    folder = os.environ.get("TUFFOPS_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert widget.grab().save(str(Path(folder) / f"{name}.png"))


def on_hand(services: Services, part_id: int, location_id: int) -> Decimal:
    return next(s.on_hand for s in services.inventory.stock(part_id) if s.location_id == location_id)


def show_view(qtbot, view, width: int = 1100, height: int = 420):  # noqa: ANN001, ANN201
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    return view


def choose_location(qtbot, view: LowStockView, name: str) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: view.location.findText(name) >= 0, timeout=5000)
    view.location.setCurrentIndex(view.location.findText(name))
    qtbot.waitUntil(lambda: all(r.location_name == name for r in view.rows) and view._task is None, timeout=5000)


# ----------------------------------------------------------------- low stock


def test_low_stock_view_lists_filters_and_follows_changes(qtbot, qtmodeltester, kit, office, admin, shop):
    view = show_view(qtbot, LowStockView(office, kit.ops))
    choose_location(qtbot, view, shop.location)
    assert [(r.part_number, r.on_hand, r.reserved, r.available, r.minimum, r.suggested) for r in view.rows] == [
        (shop.numbers[0], D(3), D(0), D(3), D(5), D(10)),
        (shop.numbers[1], D(2), D(4), D(0), None, D(2)),
    ]
    model = view.model
    assert model.rowCount() == 2
    assert [model.text(0, c) for c in range(model.columnCount())] == [
        view.rows[0].part_number,
        "Run capacitor 45/5 uF",
        shop.location,
        "A-1-3",
        "3",
        "0",
        "0",
        "3",
        "5",
        "10",
        "each",
    ]
    assert view.summary.text() == "2 parts are low."
    short = model.index(1, 5)
    assert short.data(Qt.ItemDataRole.ToolTipRole) == "More is reserved for work orders than is on hand."
    assert (
        short.data(Qt.ItemDataRole.ForegroundRole) is not None
        and model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole) is None
    )
    assert model.index(0, 9).data(Qt.ItemDataRole.FontRole).bold()
    qtmodeltester.check(model)
    shoot(view, "low_stock")

    admin.inventory.receive(shop.capacitor, shop.location_id, "2")  # 5: no longer low
    view.apply_changes([Change("part", shop.capacitor, "receive")])
    qtbot.waitUntil(lambda: len(view.rows) == 1, timeout=5000)
    assert view.rows[0].part_id == shop.filter and view.summary.text() == "1 part is low."

    # a new location appears in the filter
    admin.inventory.add_location(f"{shop.location} annex")
    view.apply_changes([Change("stock_location", None, "create")])
    qtbot.waitUntil(lambda: view.location.findText(f"{shop.location} annex") >= 0, timeout=5000)
    assert view.location.currentText() == shop.location  # the chosen one stays

    # a technician sees the list but neither orders nor changes minimums
    tech = show_view(qtbot, LowStockView(build_services(_as_tech(office)), kit.ops))
    assert not tech.order_button.isVisibleTo(tech) and not tech.levels_button.isVisibleTo(tech)
    assert tech.export_button.isVisibleTo(tech)


def _as_tech(services: Services) -> ServiceContext:
    actor = replace(services.ctx.actor, permissions=effective_permissions(Role.TECHNICIAN, ()), role="technician")
    return replace(services.ctx, actor=actor)


def test_order_suggested_from_the_list(qtbot, kit, office, shop):
    view = show_view(qtbot, LowStockView(office, kit.ops))
    choose_location(qtbot, view, shop.location)
    view.table.selectAll()
    dialog = view.order_selected()
    assert isinstance(dialog, OrderSuggestedDialog)
    qtbot.addWidget(dialog)
    assert dialog.lines.rowCount() == 2 and dialog.lines.item(0, 2).text() == "10"
    assert dialog.buttons.buttons()[0].text().replace("&", "") == "Place 2 orders"
    dialog.supplier.setText("Cool Supply Ltd.")
    shoot(dialog, "order_suggested")
    assert dialog.save()
    assert [(o.quantity, o.supplier) for o in dialog.placed] == [
        (D(10), "Cool Supply Ltd."),
        (D(2), "Cool Supply Ltd."),
    ]
    qtbot.waitUntil(lambda: view.rows == [] and view._task is None, timeout=5000)
    assert view.summary.text() == f"Nothing is low at {shop.location}."
    assert len(office.stock_control.open_orders(location_id=shop.location_id)) == 2


def test_order_suggested_refused_when_someone_ordered_meanwhile(qtbot, kit, office, admin, shop):
    view = show_view(qtbot, LowStockView(office, kit.ops))
    choose_location(qtbot, view, shop.location)
    view.table.selectRow(0)
    dialog = view.order_selected()
    qtbot.addWidget(dialog)
    admin.stock_control.order(shop.capacitor, shop.location_id, "10", "Other desk")
    assert not dialog.save()
    assert "No longer low" in dialog.form_error.text() and view.rows[0].part_number in dialog.form_error.text()
    assert dialog.isVisible() and dialog.placed is None
    assert len(office.stock_control.open_orders(location_id=shop.location_id)) == 1


def test_export_the_low_stock_list(qtbot, kit, office, shop, tmp_path):
    view = show_view(qtbot, LowStockView(office, kit.ops))
    choose_location(qtbot, view, shop.location)
    kit.prompts.save_path = tmp_path / "low.csv"
    assert view.export() is not None
    qtbot.waitUntil(lambda: "info" in kit.prompts.kinds(), timeout=5000)
    rows = list(csv.reader((tmp_path / "low.csv").open(encoding="utf-8-sig", newline="")))
    assert rows[0][:3] == ["location", "bin", "part_number"] and len(rows) == 3
    assert kit.prompts.calls[-1][2] == f"2 low-stock rows were written to {tmp_path / 'low.csv'}."
    assert kit.prompts.calls[0] == ("save_file", "Export the low-stock list", f"low stock {shop.location}.csv")


def test_levels_dialog_shows_saves_and_refuses(qtbot, kit, office, shop):
    dialog = LevelsDialog(office, kit.ops, shop.capacitor, shop.location_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert (dialog.minimum.text(), dialog.reorder.text(), dialog.bin.text()) == ("5", "10", "A-1-3")
    assert dialog.heading.text().endswith(f"at {shop.location}")
    shoot(dialog, "levels_dialog")
    dialog.minimum.setText("-2")
    assert not dialog.save()
    assert dialog.errors._fields["minimum"][1].text().startswith("The minimum cannot be negative")
    assert office.stock_control.levels(shop.capacitor, shop.location_id).minimum == D(5)
    dialog.minimum.setText("2.5")
    dialog.reorder.setText("")
    dialog.bin.setText("D-4")
    assert dialog.save()
    saved = office.stock_control.levels(shop.capacitor, shop.location_id)
    assert (saved.minimum, saved.reorder_quantity, saved.bin) == (D("2.5"), None, "D-4")


# ----------------------------------------------------------------- on order


def test_receive_and_cancel_orders(qtbot, kit, office, shop):
    first = office.stock_control.order(shop.capacitor, shop.location_id, "10", "Cool Supply", "PO-1001")
    second = office.stock_control.order(shop.gas, shop.location_id, "5")
    view = show_view(qtbot, OnOrderView(office, kit.ops))
    qtbot.waitUntil(lambda: first.id in [o.id for o in view.orders] and view._task is None, timeout=5000)
    row = [o.id for o in view.orders].index(first.id)
    assert view.model.text(row, 7) == "PO-1001" and view.model.text(row, 4) == "10"
    shoot(view, "on_order")

    view.table.selectRow(row)
    dialog = view.receive_selected()
    assert isinstance(dialog, ReceiveOrderDialog)
    qtbot.addWidget(dialog)
    assert dialog.quantity.text() == "10"
    shoot(dialog, "receive_order")
    dialog.quantity.setText("")
    assert not dialog.save()
    dialog.quantity.setText("6")
    assert dialog.save()
    assert on_hand(office, shop.capacitor, shop.location_id) == D(9)
    qtbot.waitUntil(lambda: first.id not in [o.id for o in view.orders] and view._task is None, timeout=5000)

    view.table.selectRow([o.id for o in view.orders].index(second.id))
    kit.prompts.confirm_answer = False
    assert not view.cancel_selected()
    kit.prompts.confirm_answer = True
    assert view.cancel_selected()
    assert second.id not in [o.id for o in office.stock_control.open_orders()]
    assert kit.prompts.calls[-1][0] == "confirm" and "Order #" in kit.prompts.calls[-1][2]


# ----------------------------------------------------------------- cycle count


def test_count_dialog_saves_differences_and_shows_them(qtbot, qtmodeltester, kit, office, shop):
    dialog = CountDialog(office, kit.ops, shop.location_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=5000)
    assert [dialog.model.text(r, 0) for r in range(dialog.model.rowCount())] == ["A-1-3", "B-2", "C-1"]
    assert [dialog.model.text(r, 4) for r in range(3)] == ["3", "2", "12.5"]
    assert dialog.counted_by.text() == "Olivia Office"
    dialog.set_counted(0, "4")
    dialog.set_counted(2, "12.5")
    assert dialog.model.text(0, 6) == "+1" and dialog.model.text(2, 6) == "0"
    dialog.set_counted(1, "x")
    assert dialog.model.text(1, 6) == "not a count"
    assert dialog.progress.text() == "3 of 3 lines counted."
    dialog.bin_filter.setText("b")  # part of the location: the typed counts stay
    assert [dialog.model.text(r, 0) for r in range(dialog.model.rowCount())] == ["B-2"]
    assert dialog.model.text(0, 5) == "x" and len(dialog.entries()) == 3
    dialog.bin_filter.setText("")
    qtmodeltester.check(dialog.model)
    shoot(dialog, "count_dialog")
    assert not dialog.save()  # "x" is refused by the service; nothing stored
    assert "A count cannot be negative" not in dialog.form_error.text()
    assert dialog.form_error.isVisibleTo(dialog) and on_hand(office, shop.capacitor, shop.location_id) == D(3)
    dialog.set_counted(1, "")
    assert dialog.save()
    assert dialog.pages.currentIndex() == 1
    assert dialog.summary.text() == (
        "Saved. 1 of 2 counted lines differed and were adjusted (“Cycle count — counted by Olivia Office”)."
    )
    assert [dialog.adjusted.text(0, c) for c in range(6)] == [
        dialog.sheet.lines[0].part_number,
        "Run capacitor 45/5 uF",
        "3",
        "4",
        "+1",
        "4",
    ]
    shoot(dialog, "count_result")
    assert on_hand(office, shop.capacitor, shop.location_id) == D(4)
    dialog.reject()  # saved: closes without asking
    assert not dialog.isVisible() and "confirm" not in kit.prompts.kinds()


def test_count_dialog_asks_before_dropping_typed_counts(qtbot, kit, office, shop):
    dialog = CountDialog(office, kit.ops, shop.location_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=5000)
    dialog.reject()  # nothing typed: closes
    assert not dialog.isVisible()
    dialog.show()
    dialog.set_counted(0, "1")
    kit.prompts.confirm_answer = False
    dialog.reject()
    assert dialog.isVisible() and kit.prompts.kinds() == ["confirm"]
    kit.prompts.confirm_answer = True
    dialog.reject()
    assert not dialog.isVisible()
    assert on_hand(office, shop.capacitor, shop.location_id) == D(3)


def test_count_dialog_wants_a_count_and_a_counter(qtbot, kit, office, shop):
    dialog = CountDialog(office, kit.ops, shop.location_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=5000)
    assert not dialog.save()
    assert dialog.form_error.text() == "Type at least one counted quantity; empty lines are not counted."
    dialog.set_counted(0, "3")
    dialog.counted_by.setText("  ")
    assert not dialog.save()
    assert dialog.errors._fields["counted_by"][1].text() == "Say who counted."


# ----------------------------------------------------------------- valuation


def test_valuation_view_and_export(qtbot, kit, office, shop, tmp_path):
    view = show_view(qtbot, ValuationView(office, kit.ops), width=900)
    qtbot.waitUntil(lambda: view.report is not None, timeout=5000)
    report = view.report
    mine = next(x for x in report.locations if x.location_id == shop.location_id)
    assert (mine.parts_with_stock, mine.units_on_hand, mine.value, mine.parts_without_cost) == (
        3,
        D("17.5"),
        D("67.70"),  # 3 × 18.40 + 2 × 6.25
        1,
    )
    last = view.table.rowCount() - 1
    assert view.table.item(last, 0).text() == "Total" and view.table.item(last, 0).font().bold()
    row = [x.location_id for x in report.locations].index(shop.location_id)
    assert view.table.item(row, 4).text().endswith("67.70") and view.table.item(row, 5).text() == "1"
    assert "have no cost and add nothing" in view.note.text()
    shoot(view, "valuation")
    kit.prompts.save_path = tmp_path / "value.csv"
    view.export()
    qtbot.waitUntil(lambda: "info" in kit.prompts.kinds(), timeout=5000)
    lines = (tmp_path / "value.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("location,kind") and lines[-1].startswith("Total,,")
