"""Every call from the UI into a service goes through ``Ops``.

A page or dialog never wraps service calls in its own ``try``: it asks ``Ops`` to run the
call and gets an ``OpResult``. Failures are handed to the ``ErrorMapper`` (inline field
messages, conflict dialog, connection banner, …) before the caller sees ``ok=False``.

Calls run on the GUI thread: list queries answer in tens of milliseconds even at 60,000
rows (see the report), and one transaction per user action keeps the flow simple. The
connection probe, which may wait for a network timeout, runs in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtWidgets import QWidget

from tuffops_desktop.ui.error_mapper import ErrorMapper, FieldErrorSink, ReloadHandler

T = TypeVar("T")


@dataclass(frozen=True)
class OpResult(Generic[T]):
    """The value of a service call, or the error it raised (already shown to the user)."""

    ok: bool
    value: T | None = None
    error: BaseException | None = None


class Ops:
    """Runs service calls and routes their failures through the error mapper."""

    def __init__(self, mapper: ErrorMapper) -> None:
        self._mapper = mapper

    @property
    def mapper(self) -> ErrorMapper:
        return self._mapper

    def call(self, fn: Callable[..., T], *args: Any, parent: QWidget | None,
             form: FieldErrorSink | None = None, on_reload: ReloadHandler | None = None,
             **kwargs: Any) -> OpResult[T]:
        """Run ``fn(*args, **kwargs)``; on failure show it and return ``ok=False``."""
        try:
            return OpResult(True, fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - the mapper decides what each kind means
            self._mapper.handle(exc, parent, form=form, on_reload=on_reload)
            return OpResult(False, None, exc)

    def report(self, exc: BaseException, parent: QWidget | None = None) -> None:
        """Show an error that was caught elsewhere (e.g. a lazy row fetch in a model)."""
        self._mapper.handle(exc, parent)
