"""The change feed on the GUI thread.

``LiveFeed`` runs the service layer's ``ChangeFeed`` loop on the app's ``TaskRunner``
(a thread of its own for as long as the window is open) and re-emits what it hears as
``changed(list[Change])`` on the GUI thread, coalescing bursts (an import, a conversion
that writes two records) into one batch. The main window owns it: started with the
window, stopped when it closes, so no thread outlives the session (or a test).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.services.changes import Change, ChangeFeed
from tuffops_desktop.ui.tasks import Task, TaskRunner

COALESCE_MS = 30


class LiveFeed(QObject):
    """Signals:
    changed(object): a list of ``Change``s committed by anyone; on the GUI thread.
    """

    changed = Signal(object)
    _arrived = Signal(object)  # emitted on the feed's thread; queued to the GUI thread

    def __init__(self, db: SessionFactories, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._runner = runner
        self._feed: ChangeFeed | None = None
        self._task: Task | None = None
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._pending: list[Change] = []
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(COALESCE_MS)
        self._coalesce.timeout.connect(self._flush)
        self._arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._ended.is_set()

    def start(self) -> None:
        if self._task is not None:
            return
        self._stop.clear()
        self._ended.clear()
        self._feed = ChangeFeed(self._db)
        self._task = self._runner.submit(self._run, self._feed, long_running=True, name="change feed")

    def stop(self, timeout: float = 3.0) -> None:
        """Stop listening and wait (a second at most, normally) for the loop to end."""
        task, self._task = self._task, None
        self._coalesce.stop()
        if task is None:
            return
        self._stop.set()
        task.cancel()
        self._ended.wait(timeout)

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """Block until the feed listens / took its first reading (tests, demos)."""
        return self._feed is not None and self._feed.ready.wait(timeout)

    def _run(self, feed: ChangeFeed) -> None:
        try:
            feed.run(self._stop, self._arrived.emit)  # only emit here: widgets are touched in slots
        finally:
            self._ended.set()

    def _on_arrived(self, changes: Sequence[Change]) -> None:
        self._pending.extend(changes)
        if not self._coalesce.isActive():
            self._coalesce.start()

    def _flush(self) -> None:
        batch, self._pending = self._pending, []
        if batch:
            self.changed.emit(batch)
