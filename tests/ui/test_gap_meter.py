"""The responsiveness meter still sees our own pauses after it learnt to ignore CPU waits."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from tests.ui.gap_meter import GapMeter


def _stall_on_gui_thread(qtbot, stall) -> float:  # noqa: ANN001
    meter = GapMeter()
    qtbot.wait(120)
    QTimer.singleShot(0, stall)
    qtbot.wait(200)
    return meter.stop()


def test_a_blocking_wait_on_the_gui_thread_counts_in_full(qtbot):
    assert _stall_on_gui_thread(qtbot, lambda: time.sleep(0.4)) >= 0.38


def test_work_on_the_gui_thread_counts_in_full(qtbot):
    def busy() -> None:
        until = time.thread_time() + 0.4  # 0.4 s of this thread's CPU, however loaded the machine
        while time.thread_time() < until:
            pass

    assert _stall_on_gui_thread(qtbot, busy) >= 0.38


def test_an_idle_gui_thread_has_no_long_pause(qtbot):
    meter = GapMeter()
    qtbot.wait(300)
    assert meter.stop() < 0.25
