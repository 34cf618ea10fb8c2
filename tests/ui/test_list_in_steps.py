"""A long list comes in two steps (``ListController`` with the service's ``first_ids``):
the count, the first ids and the first rows paint the page, every other id follows in the
background. Selection, Open-by-reference, live updates and sorting keep working meanwhile.
``FIRST_IDS`` is made small here so the demo's work orders are a "long" list."""

from __future__ import annotations

import pytest

from tests.factories import make_unit
from tuffops_desktop.services.changes import Change
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.pages import list_query
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.pages.work_orders.page import WorkOrdersPage

FIRST = 5


@pytest.fixture
def small_first_trip(monkeypatch):
    monkeypatch.setattr(list_query, "FIRST_IDS", FIRST)


def make_page(qtbot, services, kit) -> WorkOrdersPage:  # noqa: ANN001
    page = WorkOrdersPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    return page


def every_id(page: WorkOrdersPage, services) -> list[int]:  # noqa: ANN001
    return services.work_orders.list_ids(page.controller.query)


def test_the_first_ids_paint_and_the_rest_fills_in(qtbot, demo, kit, small_first_trip):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    expected = every_id(page, office)
    assert len(expected) > 3 * FIRST
    # First step: every row is there at once, the first ones with their ids and data.
    assert page.model.rowCount() == len(expected)
    assert page.count_label.text() == f"{count_text(len(expected))} work orders"
    assert page.model.ids()[:FIRST] == expected[:FIRST]
    page.refresh()
    assert not page.model.complete
    assert page.model.rowCount() == len(expected)
    last = page.model.index(len(expected) - 1, 0)
    assert page.model.data(last) == "…" and page.model.row_id(len(expected) - 1) is None
    qtbot.waitUntil(lambda: page.model.complete, timeout=5000)
    assert page.model.ids() == expected
    assert page.model.rowCount() == len(expected)


def test_a_selection_beyond_the_first_ids_stays_selected(qtbot, demo, kit, small_first_trip):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    qtbot.waitUntil(lambda: page.model.complete, timeout=5000)
    deep = page.model.ids()[3 * FIRST]
    assert page.table.select_id(deep)
    page.refresh()
    assert page.table.selected_id() == deep
    assert page.model.complete  # the first trip brought every id to keep it
    page.controller.update(sort="number", descending=False)
    assert page.table.selected_id() == deep
    assert page.model.ids() == every_id(page, office)


def test_show_record_finds_a_record_whose_id_has_not_arrived(qtbot, demo, kit, small_first_trip):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    page.table.select_id(None)
    page.controller.update(sort="created", descending=True)
    deep = every_id(page, office)[-1]
    assert page.model.row_of_id(deep) is None and not page.model.complete
    assert page.show_record(deep)
    assert page.table.selected_id() == deep


def test_live_changes_while_the_rest_is_on_its_way(qtbot, demo, kit, small_first_trip):
    office = demo.services_as("office")
    admin = demo.services_as("admin")
    page = make_page(qtbot, office, kit)
    unit = make_unit(admin, serial_number="STEPS-1")
    order = office.work_orders.create(unit.id, "repair", "Arrives while listing")
    page.refresh()  # the rest is on its way when the change arrives
    page.apply_changes([Change("work_order", order.id, "create")])
    qtbot.waitUntil(lambda: page.model.complete and page.model.row_of_id(order.id) is not None, timeout=5000)
    assert page.model.ids() == every_id(page, office)


def test_a_list_without_first_ids_is_listed_at_once(qtbot, demo, kit, small_first_trip):
    page = CustomersPage(demo.services_as("office"), kit.ops, kit.prompts)
    qtbot.addWidget(page)
    assert page.model.complete
    assert page.model.ids() == demo.services_as("office").customers.list_ids(page.controller.query)
