"""Live lists: another workstation's change appears in the open page within 1 s on
PostgreSQL and 2 s on SQLite, row by row: the selection, the first visible row and the
detail panel stay; a selected row scrolled out of view is not scrolled back into view."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from tests.ui.conftest import ANONYMOUS, FakePrompts
from tests.ui.test_customers_page import _input
from tuffops_desktop.bootstrap import open_database, services_for, system_services
from tuffops_desktop.domain.customers import CustomerInput
from tuffops_desktop.services.demo import seed_demo
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.connection import ConnectionMonitor
from tuffops_desktop.ui.error_mapper import ErrorMapper
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.tasks import TaskRunner


@pytest.fixture
def window(qtbot, db_url) -> Iterator[MainWindow]:  # noqa: ANN001
    db = open_database(db_url)
    result = seed_demo(system_services(db).ctx, customers=60)
    office = services_for(db, services_for(db, ANONYMOUS).users.authenticate("office", result.passwords["office"]))
    runner = TaskRunner()
    monitor = ConnectionMonitor(lambda: None, runner=runner)
    prompts = FakePrompts()
    win = MainWindow(
        office, Ops(ErrorMapper(prompts, monitor.report_lost), runner, monitor), prompts, monitor, database_label="test"
    )
    qtbot.addWidget(win)
    win.resize(1200, 700)
    win.show()
    assert win.live.wait_ready(5)
    yield win
    win.close()
    runner.shutdown()
    db.engine.dispose()


def test_another_workstations_changes_appear_in_place(qtbot, window, db_url):
    other = system_services(open_database(db_url))  # a second workstation
    limit_ms = 1000 if other.ctx.db.dialect == "postgresql" else 2000
    page = window.current_page()
    assert isinstance(page, CustomersPage)
    ids = page.model.ids()
    selected = ids[1]
    page.table.select_id(selected)
    detail_name = page.detail.name.text()
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: not page.model.loading(), timeout=2000)
    top = page.table.top_id()
    assert top is not None and page.model.row_of_id(top) > 1  # the selected row is out of view

    edited_id = ids[-1]  # on screen at the bottom
    edited = other.customers.get(edited_id)
    started = time.perf_counter()
    other.customers.update(edited_id, replace(_input(edited), city="Sandy Point Town"), edited.version)
    created = other.customers.create(CustomerInput(customer_type="residential", first_name="Aaron", last_name="Aab"))
    qtbot.waitUntil(lambda: created.id in page.model.ids(), timeout=limit_ms)
    row = page.model.row_of_id(edited_id)
    city = page.model.column_of_sort_key("city")
    qtbot.waitUntil(lambda: page.model.data(page.model.index(row, city)) == "Sandy Point Town", timeout=limit_ms)
    elapsed_ms = (time.perf_counter() - started) * 1000
    assert elapsed_ms < limit_ms

    assert page.model.ids() == other.customers.list_ids(ListQuery(sort="name"))
    assert page.model.row_of_id(created.id) < page.model.row_of_id(top)  # inserted above the visible rows
    assert page.table.selected_id() == selected  # selection intact
    assert page.table.top_id() == top  # nothing scrolled: not to the selection, not by the insert
    assert page.detail.name.text() == detail_name
    assert page.count_label.text() == f"{len(ids) + 1} customers"

    other.customers.set_active(created.id, False, created.version)
    qtbot.waitUntil(lambda: created.id not in page.model.ids(), timeout=limit_ms)
    assert page.table.selected_id() == selected and page.table.top_id() == top
    other.ctx.db.engine.dispose()
