"""Every call from the UI into a service goes through ``Ops``.

A page or dialog never wraps service calls in its own ``try``: it asks ``Ops`` to run the
call and gets an ``OpResult``. Failures are handed to the ``ErrorMapper`` (inline field
messages, conflict dialog, connection banner, …) before the caller sees ``ok=False``.

No service call runs on the GUI thread. ``run`` is asynchronous: the call goes to the
``TaskRunner`` and ``on_done`` gets the result on the GUI thread (list queries, row
blocks, imports and exports). ``call`` is for the short calls whose answer the caller
needs before going on (open a record, save a dialog): it runs on the runner too and
waits on a local event loop, so the window keeps painting and its timers keep running;
after a second a busy dialog says so. Long work with a visible end (sticker PDFs and
printing, CSV import and export) goes through ``run_with_progress`` (pool thread) or
``steps_with_progress`` (GUI thread in short steps): a progress dialog after a second,
and a Cancel that stops the work cooperatively. While the connection monitor reports the database
lost, calls fail at once (the banner is up; nothing waits on a dead server), and a
call still waiting when the monitor declares the database lost stops waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from tuffops_desktop.domain.errors import OperationCancelled
from tuffops_desktop.errors import DatabaseUnavailable
from tuffops_desktop.i18n import _
from tuffops_desktop.ui.error_mapper import ErrorMapper, FieldErrorSink, ReloadHandler
from tuffops_desktop.ui.tasks import Describe, Progress, ProgressWatch, Task, TaskRunner

if TYPE_CHECKING:
    from tuffops_desktop.ui.connection import ConnectionMonitor

T = TypeVar("T")

SUSPECT_AFTER_MS = 1500  # a call this slow makes the monitor probe the database at once
STEP_BUDGET_MS = 40  # GUI-thread steps run back to back for at most this long per timer tick


@dataclass(frozen=True)
class OpResult(Generic[T]):
    """The value of a service call, or the error it raised (already shown to the user)."""

    ok: bool
    value: T | None = None
    error: BaseException | None = None


class Ops:
    """Runs service calls on the runner and routes their failures through the error mapper.

    Args:
        mapper: the one ``ErrorMapper``.
        runner: the app's ``TaskRunner`` (one is made when not given).
        monitor: the connection monitor: calls fail fast while it reports the database
            lost, and a slow call asks it to probe.
    """

    def __init__(
        self, mapper: ErrorMapper, runner: TaskRunner | None = None, monitor: ConnectionMonitor | None = None
    ) -> None:
        self._mapper = mapper
        self._runner = runner or TaskRunner()
        self._monitor = monitor

    @property
    def mapper(self) -> ErrorMapper:
        return self._mapper

    @property
    def runner(self) -> TaskRunner:
        return self._runner

    def call(
        self,
        fn: Callable[..., T],
        *args: Any,
        parent: QWidget | None,
        form: FieldErrorSink | None = None,
        on_reload: ReloadHandler | None = None,
        **kwargs: Any,
    ) -> OpResult[T]:
        """Run ``fn(*args, **kwargs)`` off the GUI thread and wait for it without freezing;
        on failure show it and return ``ok=False``."""
        offline = self._offline_error()
        if offline is not None:
            return self._failed(offline, parent, form, on_reload)
        task = self._runner.submit(fn, *args, **kwargs)
        monitor = self._monitor
        if monitor is not None:
            monitor.suspect_after(task, SUSPECT_AFTER_MS)
        finished = self._runner.wait(
            task,
            parent=parent,
            label=_("Waiting for the database…"),
            stop_signal=monitor.lost if monitor is not None else None,
        )
        if not finished:
            return self._failed(
                DatabaseUnavailable(
                    _("The database did not answer{detail}.").format(
                        detail=f": {monitor.message}" if monitor is not None and monitor.message else ""
                    )
                ),
                parent,
                form,
                on_reload,
            )
        if parent is not None and not shiboken6.isValid(parent):
            return OpResult(False, None)  # closed while waiting: nobody to tell, nothing to show
        if task.error is not None:
            return self._failed(task.error, parent, form, on_reload)
        return OpResult(True, task.value)

    def run(
        self,
        fn: Callable[..., T],
        *args: Any,
        parent: QWidget | None,
        on_done: Callable[[T], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        form: FieldErrorSink | None = None,
        report: bool = True,
        owner: QObject | None = None,
        **kwargs: Any,
    ) -> Task:
        """Run ``fn`` in the background; ``on_done(value)`` on the GUI thread, or the error
        through the mapper (unless ``report=False``) and then ``on_failed(error)``.
        ``owner``: an object that is not a widget (a table model) whose deletion also drops
        the answer."""

        def alive() -> bool:
            """The answer is for ``parent`` (and ``owner``): drop it when one was deleted
            meanwhile (a dialog closed while its preview was still being painted)."""
            return (parent is None or shiboken6.isValid(parent)) and (owner is None or shiboken6.isValid(owner))

        def deliver(apply: Callable[[], None]) -> None:
            if not alive():
                return
            try:
                apply()
            except RuntimeError:
                if alive():
                    raise
                # The receiver was deleted while its answer was being applied (a nested wait,
                # an ``Ops.call``, let its window close): nothing is left to update.

        def report_failure(exc: BaseException) -> None:
            if report:
                self._mapper.handle(exc, parent, form=form)
            if on_failed is not None:
                on_failed(exc)

        def failed(exc: BaseException) -> None:
            deliver(lambda: report_failure(exc))

        def done(value: T) -> None:
            if on_done is not None:
                deliver(lambda: on_done(value))

        offline = self._offline_error()
        if offline is not None:
            task = self._runner.submit(_raise, offline, on_error=failed)
            return task
        task = self._runner.submit(fn, *args, on_done=done, on_error=failed, **kwargs)
        if self._monitor is not None:
            self._monitor.suspect_after(task, SUSPECT_AFTER_MS)
        return task

    def run_with_progress(
        self,
        title: str,
        work: Callable[[Progress], T],
        *,
        parent: QWidget | None,
        on_done: Callable[[T], None],
        on_cancelled: Callable[[], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        describe: Describe | None = None,
    ) -> ProgressJob:
        """Run ``work(progress)`` on the runner with a progress dialog after a second.

        ``work`` calls ``progress(done, total)`` as it goes; after Cancel that call raises
        ``OperationCancelled``, the work undoes itself and ``on_cancelled()`` runs instead
        of ``on_done``. A failure goes through the error mapper, then ``on_failed``.
        """
        job = ProgressJob(title, parent, describe, on_cancelled, on_failed, self)

        def done(value: T) -> None:
            job.finish()
            on_done(value)

        job.task = self.run(work, job.progress, parent=parent, on_done=done, on_failed=job.fail, report=False)
        return job

    def steps_with_progress(
        self,
        title: str,
        steps: Iterator[tuple[int, int]],
        *,
        parent: QWidget | None,
        on_done: Callable[[], None],
        on_cancelled: Callable[[], None] | None = None,
        on_failed: Callable[[BaseException], None] | None = None,
        describe: Describe | None = None,
    ) -> ProgressJob:
        """Run ``steps`` on the GUI thread, for work that must stay there (painting on a
        real printer): each ``next()`` does one short piece and yields ``(done, total)``;
        a zero timer drives it, a few steps per tick, so the window keeps painting. Cancel
        closes the generator (its ``finally`` cleans up) and runs ``on_cancelled``."""
        job = ProgressJob(title, parent, describe, on_cancelled, on_failed, self)
        timer = QTimer(job.watch)
        timer.setInterval(0)

        def tick() -> None:
            started = time.perf_counter()
            try:
                while time.perf_counter() - started < STEP_BUDGET_MS / 1000:
                    job.progress.check()
                    done, total = next(steps)
                    job.progress(done, total)
            except StopIteration:
                timer.stop()
                job.finish()
                on_done()
            except BaseException as exc:  # noqa: BLE001 - shown through the mapper (or a cancel)
                timer.stop()
                steps.close()
                job.fail(exc)

        timer.timeout.connect(tick)
        timer.start()
        return job

    def report(self, exc: BaseException, parent: QWidget | None = None) -> None:
        """Show an error that was caught elsewhere."""
        self._mapper.handle(exc, parent)

    def _offline_error(self) -> DatabaseUnavailable | None:
        monitor = self._monitor
        if monitor is not None and monitor.is_lost:
            return DatabaseUnavailable(monitor.message or _("The database cannot be reached."))
        return None

    def _failed(
        self, exc: BaseException, parent: QWidget | None, form: FieldErrorSink | None, on_reload: ReloadHandler | None
    ) -> OpResult[Any]:
        self._mapper.handle(exc, parent, form=form, on_reload=on_reload)
        return OpResult(False, None, exc)


class ProgressJob:
    """One piece of long work started by ``Ops.run_with_progress`` / ``steps_with_progress``.

    Attributes:
        progress: what the work reports through (``cancel()`` stops it).
        watch: the progress dialog's watcher.
        task: the runner's task (``run_with_progress`` only).
        outcome: "" while running, then "done", "cancelled" or "failed".
    """

    def __init__(
        self,
        title: str,
        parent: QWidget | None,
        describe: Describe | None,
        on_cancelled: Callable[[], None] | None,
        on_failed: Callable[[BaseException], None] | None,
        ops: Ops,
    ) -> None:
        self.progress = Progress()
        self.watch = ProgressWatch(title, self.progress, parent, describe=describe)
        self.task: Task | None = None
        self.outcome = ""
        self._parent = parent
        self._on_cancelled = on_cancelled
        self._on_failed = on_failed
        self._ops = ops

    @property
    def finished(self) -> bool:
        return bool(self.outcome)

    def cancel(self) -> None:
        """What the dialog's Cancel does: the work stops at its next step."""
        self.watch.cancel()

    def finish(self) -> None:
        self.outcome = "done"
        self.watch.close()

    def fail(self, exc: BaseException) -> None:
        self.watch.close()
        if isinstance(exc, OperationCancelled):
            self.outcome = "cancelled"
            if self._on_cancelled is not None:
                self._on_cancelled()
            return
        self.outcome = "failed"
        self._ops.report(exc, self._parent)
        if self._on_failed is not None:
            self._on_failed(exc)


def _raise(exc: BaseException) -> None:
    raise exc
