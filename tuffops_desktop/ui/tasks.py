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

Long work with a visible end (a sticker PDF, a CSV import) reports through a
:class:`Progress` (``progress(done, total)``, callable from any thread) and is watched by a
:class:`ProgressWatch`: after a second a progress dialog shows how far it is, and its
Cancel asks the work to stop (the next ``progress`` call raises ``OperationCancelled``;
the work undoes itself). ``Ops.run_with_progress`` (pool thread) and
``Ops.steps_with_progress`` (GUI thread, one short step per timer tick: painting on a
real printer) both use them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from tuffops_desktop.domain.errors import OperationCancelled
from tuffops_desktop.i18n import _

log = logging.getLogger(__name__)

DEFAULT_THREADS = 4
BUSY_DIALOG_AFTER_MS = 1000


class Task:
    """One submitted function: its state, its answer, and whether anyone still wants it."""

    def __init__(
        self, name: str, on_done: Callable[[Any], None] | None, on_error: Callable[[BaseException], None] | None
    ) -> None:
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

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        long_running: bool = False,
        name: str = "",
        **kwargs: Any,
    ) -> Task:
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

    def wait(
        self,
        task: Task,
        *,
        parent: QWidget | None = None,
        label: str = "",
        until: Callable[[], bool] | None = None,
        stop_signal: Any = None,
    ) -> bool:
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


# --------------------------------------------------------------------- progress
PROGRESS_EMIT_MS = 50  # at most this often a worker's progress reaches the GUI thread
YIELD_S = 0.002  # a worker's pause at each progress call (see Progress.__call__)
PROGRESS_SCALE = 1000  # the dialog's bar runs 0..PROGRESS_SCALE (totals beyond int32 are fine)


class Progress(QObject):
    """The ``progress(done, total)`` callable handed to long work; thread-safe.

    Called from the worker, it forwards the numbers to the GUI thread (``changed``, at most
    every 50 ms, always the last) and raises ``OperationCancelled`` once :meth:`cancel` was
    called, so the work stops at its next step.

    Signals:
        changed(int, int): done, total (on the GUI thread).
    """

    changed = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._last_emit = 0.0
        self.done = 0
        self.total = 0

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next ``progress`` call."""
        self._cancel.set()

    def check(self) -> None:
        """Raise ``OperationCancelled`` when cancelled (for work between progress calls)."""
        if self._cancel.is_set():
            raise OperationCancelled()

    def __call__(self, done: int, total: int) -> None:
        self.check()
        self.done, self.total = done, total
        now = time.perf_counter()
        if done >= total or now - self._last_emit >= PROGRESS_EMIT_MS / 1000:
            self._last_emit = now
            self.changed.emit(done, total)
        if threading.current_thread() is not threading.main_thread():
            # CPU-bound Python work and the GUI thread share the GIL: step aside briefly so
            # a waiting GUI thread gets it now rather than after a convoy of re-grabs.
            time.sleep(YIELD_S)


Describe = Callable[[int, int], str]


class ProgressWatch(QObject):
    """Shows a :class:`Progress` in a window-modal dialog after a second; Cancel cancels.

    ``describe(done, total)`` words the line under the title ("Page 3 of 67"). Call
    :meth:`close` when the work ended (done, failed or stopped).

    Attributes:
        shown_values: every (done, total) the dialog showed (tests read it).
    """

    def __init__(
        self,
        title: str,
        progress: Progress,
        parent: QWidget | None,
        *,
        describe: Describe | None = None,
        show_after_ms: int = BUSY_DIALOG_AFTER_MS,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.progress = progress
        self._parent = parent
        self._describe = describe or (lambda done, total: "")
        self.dialog: QProgressDialog | None = None
        self.shown_values: list[tuple[int, int]] = []
        self.closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.show_now)
        self._timer.start(show_after_ms)
        progress.changed.connect(self._on_changed)

    def show_now(self) -> None:
        """Show the dialog (after the delay; tests call it at once)."""
        if self.closed or self.dialog is not None:
            return
        dialog = QProgressDialog(self._parent)
        dialog.setWindowTitle(self.title)
        dialog.setLabelText(self._label(self.progress.done, self.progress.total))
        dialog.setCancelButtonText(_("Cancel"))
        dialog.setRange(0, PROGRESS_SCALE)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.canceled.connect(self.cancel)
        self.dialog = dialog
        self._on_changed(self.progress.done, self.progress.total)
        dialog.show()

    def cancel(self) -> None:
        """The user pressed Cancel (or Esc): ask the work to stop; it ends at its next step."""
        self.progress.cancel()

    def close(self) -> None:
        self.closed = True
        self._timer.stop()
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _label(self, done: int, total: int) -> str:
        text = self._describe(done, total) if total else ""
        return f"{self.title}\n{text}" if text else self.title

    def _on_changed(self, done: int, total: int) -> None:
        if self.dialog is None or self.progress.cancelled:
            return
        self.shown_values.append((done, total))
        self.dialog.setValue(round(PROGRESS_SCALE * done / total) if total else 0)
        self.dialog.setLabelText(self._label(done, total))
