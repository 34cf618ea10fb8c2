"""Changes made by another dispatcher reach an open board within 2 s, in the day and the week
view, on SQLite (change log polled) and PostgreSQL (LISTEN/NOTIFY): a second workstation (its
own engine and session, another user) assigns a queued work order and then moves it to
another technician and day; the board, fed by the main window's change feed, shows each move.
"""

from __future__ import annotations

import time as clock
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest

from tests.ui.conftest import ANONYMOUS, FakePrompts
from tuffops_desktop.bootstrap import open_database, services_for, system_services
from tuffops_desktop.services.demo import seed_demo
from tuffops_desktop.ui.connection import ConnectionMonitor
from tuffops_desktop.ui.error_mapper import ErrorMapper
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.dispatch.page import DispatchPage
from tuffops_desktop.ui.pages.dispatch.plan import BoardPlan, week_of
from tuffops_desktop.ui.tasks import TaskRunner

LIMIT_MS = 2000  # issue #10.4: "changes made by others appear within 2 s"


@pytest.fixture
def board(qtbot, db_url) -> Iterator[tuple[DispatchPage, str]]:  # noqa: ANN001
    """The office's main window on the Dispatch page (change feed running) and the admin's password."""
    db = open_database(db_url)
    result = seed_demo(system_services(db).ctx, customers=20)
    office = services_for(db, services_for(db, ANONYMOUS).users.authenticate("office", result.passwords["office"]))
    runner = TaskRunner()
    monitor = ConnectionMonitor(lambda: None, runner=runner)
    prompts = FakePrompts()
    window = MainWindow(
        office, Ops(ErrorMapper(prompts, monitor.report_lost), runner, monitor), prompts, monitor, database_label="test"
    )
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    assert window.live.wait_ready(5)
    page = window.show_section("dispatch")
    assert isinstance(page, DispatchPage)
    qtbot.waitUntil(lambda: page.plan is not None, timeout=5000)
    yield page, result.passwords["admin"]
    window.close()
    runner.shutdown()
    db.engine.dispose()


def _shown(page: DispatchPage, work_order_id: int, technician_id: int, start: datetime) -> bool:
    plan: BoardPlan | None = page.plan
    if plan is None or any(r.id == work_order_id for r in plan.queue):
        return False
    row = next((r for r in plan.bookings if r.id == work_order_id), None)
    if row is None or row.technician_id != technician_id or row.scheduled_start != start:
        return False
    return page.grid.block_rect(row) is not None  # laid out on the board, not only read


def test_another_dispatchers_moves_appear_within_two_seconds(qtbot, board, db_url):
    page, admin_password = board
    second = open_database(db_url)  # another workstation: its own connections
    other = services_for(second, services_for(second, ANONYMOUS).users.authenticate("admin", admin_password))
    dialect = second.dialect
    plan = page.plan
    assert plan is not None and plan.queue
    queued = plan.queue[0].id
    first_tech, second_tech = plan.technicians[0].id, plan.technicians[1].id
    today = page.day
    latencies: dict[str, float] = {}

    # day view: assigned from the queue to a technician today at 06:00 (a free hour)
    start = datetime.combine(today, time(6)).astimezone().astimezone(UTC)
    detail = other.work_orders.get(queued)
    started = clock.perf_counter()
    other.work_orders.act(queued, "assign", detail.version, technician_id=first_tech, scheduled_start=start)
    qtbot.waitUntil(lambda: _shown(page, queued, first_tech, start), timeout=LIMIT_MS)
    latencies["day: assign"] = (clock.perf_counter() - started) * 1000

    # week view: rescheduled to another technician on another day of the week
    page.set_view("week")
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.days == 7, timeout=5000)
    monday = week_of(today)
    other_day = monday + timedelta(days=(today.weekday() + 2) % 7)
    moved = datetime.combine(other_day, time(6, 30)).astimezone().astimezone(UTC)
    detail = other.work_orders.get(queued)
    started = clock.perf_counter()
    other.work_orders.act(queued, "reassign", detail.version, technician_id=second_tech, scheduled_start=moved)
    qtbot.waitUntil(lambda: _shown(page, queued, second_tech, moved), timeout=LIMIT_MS)
    latencies["week: reschedule"] = (clock.perf_counter() - started) * 1000
    week = page.plan
    assert week is not None and any(r.id == queued for r in week.cells[(second_tech, other_day)])

    # and back in the day view of that day: a second assignment from the queue
    page.show_day(other_day)
    page.set_view("day")
    qtbot.waitUntil(lambda: page.plan is not None and (page.plan.first, page.plan.days) == (other_day, 1), timeout=5000)
    another = page.plan.queue[0].id
    detail = other.work_orders.get(another)
    at = datetime.combine(other_day, time(5)).astimezone().astimezone(UTC)
    started = clock.perf_counter()
    other.work_orders.act(another, "assign", detail.version, technician_id=first_tech, scheduled_start=at)
    qtbot.waitUntil(lambda: _shown(page, another, first_tech, at), timeout=LIMIT_MS)
    latencies["day: assign (2)"] = (clock.perf_counter() - started) * 1000

    print(f"\n{dialect} board latency ms: " + ", ".join(f"{k} {v:.0f}" for k, v in latencies.items()))
    assert max(latencies.values()) < LIMIT_MS
    second.engine.dispose()
