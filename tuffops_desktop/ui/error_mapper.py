"""The one place where an exception from a service becomes something on screen.

=========================  ==============================================================
``ValidationError``        messages next to the fields of the form that asked (inline);
                           a message box only when no form is listening
``ConcurrencyConflict``    "changed by someone else" with Reload / Cancel (Tryton-style);
                           Reload hands the current record back to the form
``ImportRejected``         the list of bad lines, with their line numbers
``DatabaseUnavailable``    the yellow connection banner (retries on its own), no dialog;
                           a form that asked says "not saved" in its own message line
``PermissionDenied``,      a message box with the rule's own words
``NotFound``,
``DomainError``
``KnownError``             a message box (environment problem the user can act on)
anything else              "unexpected error" with details; logged with its traceback
=========================  ==============================================================
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from PySide6.QtWidgets import QWidget

from tuffops_desktop.domain.errors import (
    ConcurrencyConflict,
    DomainError,
    ImportRejected,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from tuffops_desktop.errors import DatabaseUnavailable, KnownError
from tuffops_desktop.i18n import _
from tuffops_desktop.ui.prompts import ConflictChoice, Prompts

log = logging.getLogger(__name__)


class FieldErrorSink(Protocol):
    """A form that can show messages next to its fields (``""`` = the form as a whole)."""

    def show_field_errors(self, errors: Mapping[str, str]) -> None: ...


ReloadHandler = Callable[[Any], None]


class ErrorMapper:
    """Maps exceptions to the UI.

    Args:
        prompts: shows the message boxes.
        on_connection_lost: called with the message when the database is unreachable
            (the connection monitor shows the banner and retries).
    """

    def __init__(self, prompts: Prompts, on_connection_lost: Callable[[str], None]) -> None:
        self._prompts = prompts
        self._on_connection_lost = on_connection_lost

    @property
    def prompts(self) -> Prompts:
        return self._prompts

    def handle(
        self,
        exc: BaseException,
        parent: QWidget | None,
        *,
        form: FieldErrorSink | None = None,
        on_reload: ReloadHandler | None = None,
    ) -> None:
        """Show ``exc`` the way its kind deserves (see the module table)."""
        if isinstance(exc, ValidationError):
            if form is not None:
                form.show_field_errors(exc.field_errors)
            else:
                self._prompts.warning(parent, _("Please check"), exc.message)
        elif isinstance(exc, ConcurrencyConflict):
            choice = self._prompts.conflict(parent, exc.message)
            if choice is ConflictChoice.RELOAD and on_reload is not None:
                on_reload(exc.current)
        elif isinstance(exc, ImportRejected):
            self._prompts.import_errors(parent, exc.row_errors)
        elif isinstance(exc, PermissionDenied):
            self._prompts.warning(parent, _("Not allowed"), exc.message)
        elif isinstance(exc, NotFound):
            self._prompts.warning(parent, _("Not found"), exc.message)
        elif isinstance(exc, DomainError):
            self._prompts.warning(parent, _("Cannot do that"), exc.message)
        elif isinstance(exc, DatabaseUnavailable):
            log.warning("database unavailable: %s", exc.message)
            if form is not None:
                form.show_field_errors(
                    {
                        "": _("Not saved: {reason} Try again when the connection is back.").format(
                            reason=exc.message.rstrip(".") + "."
                        )
                    }
                )
            self._on_connection_lost(exc.message)
        elif isinstance(exc, KnownError):
            self._prompts.warning(parent, _("Problem"), exc.message)
        else:
            self.unexpected(exc, parent)

    def unexpected(self, exc: BaseException, parent: QWidget | None) -> None:
        """A bug: log the traceback, tell the user calmly, keep the app running."""
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        log.error("unexpected error\n%s", details)
        self._prompts.unexpected(
            parent,
            _("Something went wrong: {name}: {text}").format(name=exc.__class__.__name__, text=exc),
            details,
        )
