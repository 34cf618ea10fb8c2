"""Losing the shared database is an everyday event on an office LAN, not a crash.

When a service call reports ``DatabaseUnavailable``, the ``ConnectionMonitor`` goes into
the *lost* state: the banner appears ("Connection to the database lost — retrying…") and
a timer runs a cheap probe (``SELECT 1``) every few seconds on the app's ``TaskRunner``.
When the probe succeeds the monitor emits ``restored``; the main window hides the banner
and refreshes its pages. With a heartbeat, the same probe also runs every few seconds
while all is well, so an outage shows even when nobody is clicking; and a service call
that is slow to answer (``suspect_after``) makes it probe at once, so a hung server shows
the banner within seconds (the engine bounds the probe: see ``db/engine.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from tuffops_desktop.i18n import _
from tuffops_desktop.ui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)

Probe = Callable[[], None]
"""Raises when the database cannot be reached; returns when it answers."""

DEFAULT_RETRY_MS = 3000


class ConnectionMonitor(QObject):
    """Tracks whether the database is reachable and retries while it is not.

    Signals:
        lost(str): the connection was lost (message from the driver).
        restored(): the probe succeeded again.
    """

    lost = Signal(str)
    restored = Signal()

    def __init__(
        self,
        probe: Probe,
        *,
        retry_ms: int = DEFAULT_RETRY_MS,
        heartbeat_ms: int = 0,
        runner: TaskRunner | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._probe = probe
        self._is_lost = False
        self._probe_task: Task | None = None
        self._message = ""
        self._own_runner = runner is None
        self._runner = runner or TaskRunner(parent=self)
        self._timer = QTimer(self)
        self._timer.setInterval(retry_ms)
        self._timer.timeout.connect(self.retry_now)
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(heartbeat_ms)
        self._heartbeat.timeout.connect(self._check_while_connected)
        if heartbeat_ms > 0:
            self._heartbeat.start()

    @property
    def is_lost(self) -> bool:
        return self._is_lost

    @property
    def message(self) -> str:
        return self._message

    def report_lost(self, message: str) -> None:
        """A service call failed to reach the database: show the banner, start retrying."""
        self._message = message
        if self._is_lost:
            return
        self._is_lost = True
        self._timer.start()
        self.lost.emit(message)

    def retry_now(self) -> None:
        """Probe once (in the background); no-op while a probe is already running."""
        if not self._is_lost:
            return
        self._start_probe()

    def suspect_after(self, task: Task, delay_ms: int) -> None:
        """Probe at once if ``task`` (a service call) is still running after ``delay_ms``."""
        QTimer.singleShot(delay_ms, self, lambda: self._check_while_connected() if not task.done else None)

    def _check_while_connected(self) -> None:
        if not self._is_lost:
            self._start_probe()

    def _start_probe(self) -> None:
        if self._probe_task is not None and not self._probe_task.done:
            return
        # A thread of its own: the probe must run even when hung calls hold the pool.
        self._probe_task = self._runner.submit(
            self._probe,
            long_running=True,
            name="database probe",
            on_done=lambda _value: self._on_probe_finished(True, ""),
            on_error=lambda exc: self._on_probe_finished(False, _first_line(exc)),
        )

    def shutdown(self) -> None:
        """Stop retrying (call before the app quits); a running probe's answer is dropped."""
        self._timer.stop()
        self._heartbeat.stop()
        if self._probe_task is not None:
            self._probe_task.cancel()
        if self._own_runner:
            self._runner.shutdown()

    def _on_probe_finished(self, ok: bool, message: str) -> None:
        if not self._is_lost:
            if not ok:  # the heartbeat found the database gone before any call did
                self.report_lost(message)
            return
        if not ok:
            log.info("database still unreachable: %s", message)
            return
        self._is_lost = False
        self._message = ""
        self._timer.stop()
        log.info("database connection restored")
        self.restored.emit()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


class ConnectionBanner(QFrame):
    """The yellow strip across the top of the window while the database is unreachable."""

    def __init__(self, monitor: ConnectionMonitor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConnectionBanner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 7, 12, 7)
        self.label = QLabel(_("Connection to the database lost — retrying…"))
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.label, 1)
        self.retry_button = QPushButton(_("Retry now"))
        self.retry_button.clicked.connect(monitor.retry_now)
        layout.addWidget(self.retry_button)
        monitor.lost.connect(self._on_lost)
        monitor.restored.connect(self.hide)
        self.hide()

    def _on_lost(self, message: str) -> None:
        self.label.setToolTip(message)
        self.show()
