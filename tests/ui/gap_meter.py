"""How responsive the GUI thread stays: the longest pause between ticks of a 50 ms timer."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer


class GapMeter:
    """The longest pause between ticks of a 50 ms timer on the GUI thread."""

    def __init__(self) -> None:
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
        return self.max_gap
