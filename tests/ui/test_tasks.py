"""The background runner, ``Ops`` on top of it, and the id-table model fetching row
blocks in the background (placeholders first, rows when they arrive)."""

from __future__ import annotations

import threading
import time

from tests.ui.test_id_table import COLUMNS, Source
from tuffops_desktop.errors import DatabaseUnavailable
from tuffops_desktop.ui.models.id_table import IdTableModel


def test_answers_arrive_on_the_gui_thread_and_errors_go_to_on_error(qtbot, kit):
    runner = kit.ops.runner
    gui = threading.get_ident()
    seen: dict[str, object] = {}
    runner.submit(
        lambda: threading.get_ident(),
        on_done=lambda worker: seen.update(worker=worker, delivered_on=threading.get_ident()),
    )
    runner.submit(lambda: 1 / 0, on_error=lambda exc: seen.update(error=exc))
    qtbot.waitUntil(lambda: "worker" in seen and "error" in seen, timeout=2000)
    assert seen["worker"] != gui and seen["delivered_on"] == gui
    assert isinstance(seen["error"], ZeroDivisionError)


def test_a_cancelled_task_delivers_nothing(qtbot, kit):
    runner = kit.ops.runner
    release = threading.Event()
    delivered: list[object] = []
    task = runner.submit(lambda: release.wait(2) and "late", on_done=delivered.append)
    task.cancel()
    release.set()
    qtbot.waitUntil(lambda: task.done, timeout=2000)
    qtbot.wait(50)
    assert delivered == []


def test_call_waits_without_blocking_the_gui_and_fails_fast_while_offline(qtbot, kit):
    ticks: list[float] = []
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(20)
    result = kit.ops.call(lambda: time.sleep(0.4) or "done", parent=None)
    timer.stop()
    assert result.ok and result.value == "done"
    assert len(ticks) >= 10  # the timer kept running while the call was busy

    calls: list[int] = []
    kit.probe_state["up"] = False
    kit.monitor.report_lost("Cannot reach the database: connection refused")
    offline = kit.ops.call(lambda: calls.append(1), parent=None)
    assert not offline.ok and isinstance(offline.error, DatabaseUnavailable)
    assert calls == []  # never even tried while the banner is up
    kit.probe_state["up"] = True
    qtbot.waitUntil(lambda: not kit.monitor.is_lost, timeout=2000)
    assert kit.ops.call(lambda: 7, parent=None).value == 7


def test_painting_never_fetches_on_the_gui_thread(qtbot, kit):
    source = Source()
    threads: list[int] = []

    def rows(ids):  # noqa: ANN001, ANN202
        threads.append(threading.get_ident())
        return source.rows(ids)

    model = IdTableModel(COLUMNS, rows, block_size=10, ops=kit.ops)
    model.set_ids(list(range(1, 31)))
    assert model.data(model.index(12, 0)) == "…"  # placeholder while block 1 is on its way
    assert model.loading()
    with qtbot.waitSignal(model.dataChanged, timeout=2000) as changed:
        pass
    assert (changed.args[0].row(), changed.args[1].row()) == (10, 19)
    assert model.data(model.index(11, 0)) == "row 12"
    assert threads and threading.get_ident() not in threads
    assert model.data(model.index(12, 0)) == "…"  # 13 vanished: still a placeholder, not re-fetched
    assert len(source.calls) == 1


def test_row_level_updates_keep_other_rows(qtbot, kit):
    model = IdTableModel(COLUMNS, Source().rows, block_size=4, ops=kit.ops)
    model.set_ids([1, 2, 3, 4, 5, 6])
    model.data(model.index(0, 0))
    model.data(model.index(4, 0))
    qtbot.waitUntil(lambda: not model.loading() and model.data(model.index(4, 0)) == "row 5", timeout=2000)
    model.insert_ids(1, [9])
    assert model.ids() == [1, 9, 2, 3, 4, 5, 6]
    assert model.data(model.index(0, 0)) == "row 1" and model.data(model.index(2, 0)) == "row 2"
    qtbot.waitUntil(lambda: model.data(model.index(1, 0)) == "row 9", timeout=2000)
    model.remove_ids([2, 5])
    assert model.ids() == [1, 9, 3, 4, 6]
    qtbot.waitUntil(
        lambda: [model.data(model.index(r, 0)) for r in range(5)] == ["row 1", "row 9", "row 3", "row 4", "row 6"],
        timeout=2000,
    )


def test_a_failed_block_is_reported_and_shown_as_placeholders(qtbot, kit):
    def failing(ids):  # noqa: ANN001, ANN202
        raise DatabaseUnavailable("Cannot reach the database: timeout")

    model = IdTableModel(COLUMNS, failing, block_size=10, ops=kit.ops)
    model.set_ids([1, 2, 3])
    with qtbot.waitSignal(model.fetch_failed, timeout=2000) as failed:
        model.data(model.index(0, 0))
    assert isinstance(failed.args[0], DatabaseUnavailable)
    assert model.data(model.index(0, 0)) == "…" and not model.loading()


def test_an_answer_whose_receiver_is_deleted_while_it_is_applied_is_dropped(qtbot, kit):
    """A list's answer makes the page read the record (``Ops.call`` waits in a nested loop);
    the window closes meanwhile and is deleted: the rest of the answer has nothing left to
    update and must end quietly (it raised "already deleted" once, in a fresh-clone run)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    window = QWidget()
    page = QWidget(window)
    label = QLabel("before", page)
    QVBoxLayout(page).addWidget(label)
    finished: list[str] = []

    def apply(_ids: object) -> None:
        QTimer.singleShot(0, window.deleteLater)  # closed while the record is being read
        kit.ops.call(lambda: time.sleep(0.2), parent=page)
        label.setText("after")  # the page and its label are gone by now
        finished.append("applied")

    kit.ops.run(lambda: [1, 2], parent=page, on_done=apply)
    qtbot.waitUntil(lambda: kit.ops.runner.pending() == 0, timeout=5000)
    qtbot.wait(300)
    assert finished == []  # stopped at the deleted label, and nothing was raised to the event loop
