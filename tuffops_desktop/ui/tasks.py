"""The one way the desktop app runs work off the GUI thread.

``TaskRunner`` owns a ``QThreadPool``. ``submit(fn, …)`` runs ``fn`` on a pool thread
and hands its value (or the exception it raised) back **on the GUI thread**, through a
queued signal, to the callbacks given. A ``Task`` can be cancelled: its callbacks then
never run (the function itself is not interrupted; a database call finishes or fails on
its own, bounded by the engine's timeouts). ``wait(task)`` lets a caller that needs the
answer before going on (``Ops.call``) keep the window alive meanwhile: it spins a local
event loop, so painting and timers go on, user input waits, and after a second a busy
dialog says what is happening.

Long-running loops (the change feed's listener) are submitted with
``long_running=True``: the pool grows by one thread for them, so they never starve the
short tasks. Errors are not shown here: ``Ops`` routes them through the ``ErrorMapper``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)

DEFAULT_THREADS = 4
BUSY_DIALOG_AFTER_MS = 1000


class Task:
    """One submitted function: its state, its answer, and whether anyone still wants it."""

    def __init__(self, name: str, on_done: Callable[[Any], None] | None,
                 on_error: Callable[[BaseException], None] | None) -> None:
        self.name = name
        self.value: Any = None
        self.error: BaseException | None = None
        self.done = False
        self.started_at = time.perf_counter()
        self.seconds = 0.0
        self._on_done = on_done
        self._on_error = on_error
        self._cancelled = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Nobody wants the answer any more: the callbacks will not run."""
        self._cancelled.set()

    def _deliver(self, ok: bool, payload: Any) -> None:
        self.done = True
        self.seconds = time.perf_counter() - self.started_at
        if ok:
            self.value = payload
        else:
            self.error = payload
        if self.cancelled:
            return
        if ok and self._on_done is not None:
            self._on_done(payload)
        elif not ok and self._on_error is not None:
            self._on_error(payload)


class _Relay(QObject):
    """Lives on the GUI thread; worker threads emit, the slot runs on the GUI thread."""

    finished = Signal(object, bool, object)


class _Job(QRunnable):
    def __init__(self, task: Task, relay: _Relay, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task, self._relay, self._fn, self._args, self._kwargs = task, relay, fn, args, kwargs

    def run(self) -> None:
        if self._task.cancelled:
            self._relay.finished.emit(self._task, False, CancelledError())
            return
        try:
            value = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, shown there
            self._relay.finished.emit(self._task, False, exc)
        else:
            self._relay.finished.emit(self._task, True, value)


class CancelledError(Exception):
    """The task was cancelled before it started."""


class TaskRunner(QObject):
    """Runs functions on a thread pool and delivers their answers on the GUI thread.

    Signals:
        finished(object): a task finished (delivered or not); tests and waits use it.
    """

    finished = Signal(object)

    def __init__(self, max_threads: int = DEFAULT_THREADS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._pending: set[Task] = set()
        self._long_running = 0

    def submit(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None, long_running: bool = False,
               name: str = "", **kwargs: Any) -> Task:
        """Run ``fn(*args, **kwargs)`` on the pool; the callbacks run on the GUI thread."""
        task = Task(name or getattr(fn, "__qualname__", "task"), on_done, on_error)
        self._pending.add(task)
        if long_running:
            self._long_running += 1
            self._pool.setMaxThreadCount(self._pool.maxThreadCount() + 1)
            task.long_running = True  # type: ignore[attr-defined]
        self._pool.start(_Job(task, self._relay, fn, args, kwargs))
        return task

    def pending(self) -> int:
        return len(self._pending)

    def wait(self, task: Task, *, parent: QWidget | None = None, label: str = "",
             until: Callable[[], bool] | None = None, stop_signal: Any = None) -> bool:
        """Keep the GUI alive (paint, timers; user input waits) until ``task`` is done.

        Returns False when it stopped waiting first: ``stop_signal`` fired or ``until()``
        became true (the task goes on in the background; its answer is dropped).
        After a second a busy dialog with ``label`` shows over ``parent``.
        """
        if task.done:
            return True
        loop = QEventLoop()
        stopped = {"early": False}

        def check(_task: object = None) -> None:
            if task.done:
                loop.quit()
            elif until is not None and until():
                stopped["early"] = True
                loop.quit()

        def stop(*_args: object) -> None:
            stopped["early"] = True
            loop.quit()

        self.finished.connect(check)
        if stop_signal is not None:
            stop_signal.connect(stop)
        busy = QTimer()
        busy.setSingleShot(True)
        dialog: list[QProgressDialog] = []

        def show_busy() -> None:
            if label and QCoreApplication.instance() is not None:
                progress = QProgressDialog(label, "", 0, 0, parent)
                progress.setCancelButton(None)
                progress.setWindowModality(Qt.WindowModality.WindowModal)
                progress.setMinimumDuration(0)
                progress.show()
                dialog.append(progress)

        busy.timeout.connect(show_busy)
        busy.start(BUSY_DIALOG_AFTER_MS)
        poll = QTimer()
        poll.timeout.connect(check)
        poll.start(50)
        try:
            check()
            if not task.done and not stopped["early"]:
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            busy.stop()
            poll.stop()
            self.finished.disconnect(check)
            if stop_signal is not None:
                stop_signal.disconnect(stop)
            for progress in dialog:
                progress.close()
                progress.deleteLater()
        if not task.done:
            task.cancel()
            return False
        return True

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Drop every pending answer and wait for the pool's threads (app exit, tests)."""
        for task in list(self._pending):
            task.cancel()
        return self._pool.waitForDone(timeout_ms)

    def _on_finished(self, task: Task, ok: bool, payload: Any) -> None:
        self._pending.discard(task)
        if getattr(task, "long_running", False):
            self._long_running -= 1
            self._pool.setMaxThreadCount(max(1, self._pool.maxThreadCount() - 1))
        try:
            task._deliver(ok, payload)  # noqa: SLF001 - the runner is the task's only deliverer
        finally:
            self.finished.emit(task)
