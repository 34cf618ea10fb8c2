"""Live inbox updates on the GUI thread.

``InboxWatcher`` (services) notices new requests within about a second, on its own
thread. ``InboxLive`` owns one watcher and re-emits its callback as the Qt signal
``changed`` on the thread the object lives in (a queued connection), coalescing bursts
into one refresh. The main window owns it: started with the window, stopped when the
window closes, so no thread outlives the session (or a test).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.services.inbox_watch import InboxWatcher

log = logging.getLogger(__name__)

COALESCE_MS = 100


class InboxLive(QObject):
    """Signals:
        changed(): the inbox changed (new request); always emitted on the GUI thread.
    """

    changed = Signal()
    _poked = Signal()  # emitted from the watcher's thread; queued to the GUI thread

    def __init__(self, db: SessionFactories, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._watcher: InboxWatcher | None = None
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(COALESCE_MS)
        self._coalesce.timeout.connect(self.changed)
        self._poked.connect(self._on_poked, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._watcher is not None

    def start(self) -> None:
        if self._watcher is None:
            self._watcher = InboxWatcher(self._db, self._on_change)
            self._watcher.start()

    def stop(self) -> None:
        """Stop the watcher and wait for its thread (a second at most)."""
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()
        self._coalesce.stop()

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """Block until the watcher took its first reading (tests, demos)."""
        return self._watcher is not None and self._watcher.ready.wait(timeout)

    def _on_poked(self) -> None:
        self._coalesce.start()

    def _on_change(self) -> None:
        # Runs on the watcher's thread: only emit; every widget work happens in slots.
        if self._watcher is not None:
            self._poked.emit()
