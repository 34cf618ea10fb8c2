"""How responsive the GUI thread stays: the longest pause between ticks of a 50 ms timer."""

from __future__ import annotations

import gc
import time
from pathlib import Path

from PySide6.QtCore import QTimer

SCHEDSTAT = Path("/proc/thread-self/schedstat")


def _run_queue_wait() -> float:
    """Seconds this thread has spent runnable but not running (waiting for a CPU) —
    Linux's schedstat ``run_delay``; 0 where it cannot be read."""
    try:
        return int(SCHEDSTAT.read_text(encoding="ascii").split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


class GapMeter:
    """The longest pause between ticks of a 50 ms timer on the GUI thread.

    What is measured is our code's pauses, not the test process's:

    - after a thousand tests its heap is far larger than the app's, and one full garbage
      collection of it can stall the GUI thread for 300-400 ms. So the heap as it is when
      measuring starts is collected once and frozen (``gc.freeze``) until ``stop``; garbage
      made meanwhile is still collected;
    - on a loaded machine (the suite runs in parallel workers on two cores) the thread may
      be ready to run and still wait for a CPU: that wait (the kernel's run-queue delay for
      this thread) is taken off each pause. Work our code does on the GUI thread, and any
      wait for a lock, the disk or the database, still counts in full.
    """

    def __init__(self) -> None:
        gc.collect()
        gc.freeze()
        self.max_gap = 0.0
        self.max_wall_gap = 0.0
        self._last = time.perf_counter()
        self._last_wait = _run_queue_wait()
        self._timer = QTimer()
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now, waited = time.perf_counter(), _run_queue_wait()
        wall = now - self._last
        self.max_wall_gap = max(self.max_wall_gap, wall)
        self.max_gap = max(self.max_gap, wall - (waited - self._last_wait))
        self._last, self._last_wait = now, waited

    def stop(self) -> float:
        self._timer.stop()
        self._tick()
        gc.unfreeze()
        return self.max_gap
