"""Losing the shared database is an everyday event on an office LAN, not a crash.

When a service call reports ``DatabaseUnavailable``, the ``ConnectionMonitor`` goes into
the *lost* state: the banner appears ("Connection to the database lost — retrying…") and
a timer runs a cheap probe (``SELECT 1``) every few seconds in the background. When the
probe succeeds the monitor emits ``restored``; the main window hides the banner and
refreshes the page on screen. With a heartbeat, the same probe also runs every few
seconds while all is well, so an outage shows even when nobody is clicking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from tuffops_desktop.i18n import _

log = logging.getLogger(__name__)

Probe = Callable[[], None]
"""Raises when the database cannot be reached; returns when it answers."""

DEFAULT_RETRY_MS = 3000


class _ProbeRelay(QObject):
    """Carries the probe's answer from the worker thread back to the GUI thread."""

    finished = Signal(bool, str)


class ConnectionMonitor(QObject):
    """Tracks whether the database is reachable and retries while it is not.

    Signals:
        lost(str): the connection was lost (message from the driver).
        restored(): the probe succeeded again.
    """

    lost = Signal(str)
    restored = Signal()

    def __init__(self, probe: Probe, *, retry_ms: int = DEFAULT_RETRY_MS, heartbeat_ms: int = 0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._probe = probe
        self._is_lost = False
        self._probing = False
        self._message = ""
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _ProbeRelay(self)
        self._relay.finished.connect(self._on_probe_finished)
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

    def _check_while_connected(self) -> None:
        if not self._is_lost:
            self._start_probe()

    def _start_probe(self) -> None:
        if self._probing:
            return
        self._probing = True
        probe, relay = self._probe, self._relay

        def run() -> None:
            try:
                probe()
            except Exception as exc:  # noqa: BLE001 - any failure means "still down"
                relay.finished.emit(False, str(exc).strip().splitlines()[0] if str(exc) else exc.__class__.__name__)
            else:
                relay.finished.emit(True, "")

        self._pool.start(run)

    def shutdown(self) -> None:
        """Stop retrying and wait for a running probe (call before the app quits)."""
        self._timer.stop()
        self._heartbeat.stop()
        self._pool.waitForDone()

    def _on_probe_finished(self, ok: bool, message: str) -> None:
        self._probing = False
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
