"""How responsive the GUI thread stays: the longest pause between ticks of a 50 ms timer."""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QTimer


class GapMeter:
    """The longest pause between ticks of a 50 ms timer on the GUI thread.

    What is measured is our code's pauses, not the test process's: after a thousand tests
    its heap is far larger than the app's, and one full garbage collection of it can stall
    the GUI thread for 300-400 ms. So the heap as it is when measuring starts is collected
    once and frozen (``gc.freeze``) until ``stop``; garbage made meanwhile is still collected.
    """

    def __init__(self) -> None:
        gc.collect()
        gc.freeze()
        self.max_gap = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self._last)
        self._last = now

    def stop(self) -> float:
        self._timer.stop()
        self._tick()
        gc.unfreeze()
        return self.max_gap
