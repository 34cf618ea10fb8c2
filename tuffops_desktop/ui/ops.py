"""Every call from the UI into a service goes through ``Ops``.

A page or dialog never wraps service calls in its own ``try``: it asks ``Ops`` to run the
call and gets an ``OpResult``. Failures are handed to the ``ErrorMapper`` (inline field
messages, conflict dialog, connection banner, …) before the caller sees ``ok=False``.

No service call runs on the GUI thread. ``run`` is asynchronous: the call goes to the
``TaskRunner`` and ``on_done`` gets the result on the GUI thread (list queries, row
blocks, imports and exports). ``call`` is for the short calls whose answer the caller
needs before going on (open a record, save a dialog): it runs on the runner too and
waits on a local event loop, so the window keeps painting and its timers keep running;
after a second a busy dialog says so. While the connection monitor reports the database
lost, calls fail at once (the banner is up; nothing waits on a dead server), and a
call still waiting when the monitor declares the database lost stops waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtWidgets import QWidget

from tuffops_desktop.errors import DatabaseUnavailable
from tuffops_desktop.i18n import _
from tuffops_desktop.ui.error_mapper import ErrorMapper, FieldErrorSink, ReloadHandler
from tuffops_desktop.ui.tasks import Task, TaskRunner

if TYPE_CHECKING:
    from tuffops_desktop.ui.connection import ConnectionMonitor

T = TypeVar("T")

SUSPECT_AFTER_MS = 1500  # a call this slow makes the monitor probe the database at once


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

    def __init__(self, mapper: ErrorMapper, runner: TaskRunner | None = None,
                 monitor: ConnectionMonitor | None = None) -> None:
        self._mapper = mapper
        self._runner = runner or TaskRunner()
        self._monitor = monitor

    @property
    def mapper(self) -> ErrorMapper:
        return self._mapper

    @property
    def runner(self) -> TaskRunner:
        return self._runner

    def call(self, fn: Callable[..., T], *args: Any, parent: QWidget | None,
             form: FieldErrorSink | None = None, on_reload: ReloadHandler | None = None,
             **kwargs: Any) -> OpResult[T]:
        """Run ``fn(*args, **kwargs)`` off the GUI thread and wait for it without freezing;
        on failure show it and return ``ok=False``."""
        offline = self._offline_error()
        if offline is not None:
            return self._failed(offline, parent, form, on_reload)
        task = self._runner.submit(fn, *args, **kwargs)
        monitor = self._monitor
        if monitor is not None:
            monitor.suspect_after(task, SUSPECT_AFTER_MS)
        finished = self._runner.wait(task, parent=parent, label=_("Waiting for the database…"),
                                     stop_signal=monitor.lost if monitor is not None else None)
        if not finished:
            return self._failed(DatabaseUnavailable(_("The database did not answer{detail}.").format(
                detail=f": {monitor.message}" if monitor is not None and monitor.message else "")),
                parent, form, on_reload)
        if task.error is not None:
            return self._failed(task.error, parent, form, on_reload)
        return OpResult(True, task.value)

    def run(self, fn: Callable[..., T], *args: Any, parent: QWidget | None,
            on_done: Callable[[T], None] | None = None, on_failed: Callable[[BaseException], None] | None = None,
            form: FieldErrorSink | None = None, report: bool = True, **kwargs: Any) -> Task:
        """Run ``fn`` in the background; ``on_done(value)`` on the GUI thread, or the error
        through the mapper (unless ``report=False``) and then ``on_failed(error)``."""

        def failed(exc: BaseException) -> None:
            if report:
                self._mapper.handle(exc, parent, form=form)
            if on_failed is not None:
                on_failed(exc)

        offline = self._offline_error()
        if offline is not None:
            task = self._runner.submit(_raise, offline, on_error=failed)
            return task
        task = self._runner.submit(fn, *args, on_done=on_done, on_error=failed, **kwargs)
        if self._monitor is not None:
            self._monitor.suspect_after(task, SUSPECT_AFTER_MS)
        return task

    def report(self, exc: BaseException, parent: QWidget | None = None) -> None:
        """Show an error that was caught elsewhere."""
        self._mapper.handle(exc, parent)

    def _offline_error(self) -> DatabaseUnavailable | None:
        monitor = self._monitor
        if monitor is not None and monitor.is_lost:
            return DatabaseUnavailable(monitor.message or _("The database cannot be reached."))
        return None

    def _failed(self, exc: BaseException, parent: QWidget | None, form: FieldErrorSink | None,
                on_reload: ReloadHandler | None) -> OpResult[Any]:
        self._mapper.handle(exc, parent, form=form, on_reload=on_reload)
        return OpResult(False, None, exc)


def _raise(exc: BaseException) -> None:
    raise exc
