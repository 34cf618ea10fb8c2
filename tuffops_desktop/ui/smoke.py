"""``tuffops --smoke-window USER`` (hidden): the packaged app checks its own window.

A frozen bundle holds only what PyInstaller collected and the spec kept; a Qt plugin, a
module imported late or a data file left out shows only when the screen that needs it
opens. This signs USER in (password on standard input, checked as the sign-in dialog
checks it), opens the main window on the app's database, shows every section that user
may see, lets each page load its first rows, closes the window and exits: 0 when no page
reported an error, 1 otherwise (each error printed on standard error). Nothing is shown
in a dialog, so it runs unattended (``QT_QPA_PLATFORM=offscreen`` on a machine without a
display). ``TUFFOPS_SMOKE_SCREENSHOT=FILE.png`` also saves a picture of the first section.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from tuffops_desktop import APP_NAME, ORG_NAME, __version__
from tuffops_desktop.app import ANONYMOUS, database_label, database_probe, install_excepthook
from tuffops_desktop.bootstrap import open_database, services_for
from tuffops_desktop.ui.connection import ConnectionMonitor
from tuffops_desktop.ui.error_mapper import ErrorMapper
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.prompts import ConflictChoice, Prompts
from tuffops_desktop.ui.tasks import TaskRunner
from tuffops_desktop.ui.theme import apply_theme
from tuffops_desktop.ui.widgets.icons import app_icon

SETTLE_TIMEOUT_S = 30.0
QUIET_S = 0.4


class ReportingPrompts(Prompts):
    """Prompts that answer "no" and write every message to standard error instead of a
    dialog; warnings and errors are kept as failures of the check."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def _fail(self, text: str) -> None:
        self.failures.append(text)
        print(f"tuffops smoke: {text}", file=sys.stderr)

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        print(f"tuffops smoke: {title}: {text}", file=sys.stderr)

    def warning(self, parent: QWidget | None, title: str, text: str) -> None:
        self._fail(f"{title}: {text}")

    def unexpected(self, parent: QWidget | None, text: str, details: str) -> None:
        self._fail(f"{text}\n{details}")

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        return False

    def conflict(self, parent: QWidget | None, text: str) -> ConflictChoice:
        self._fail(text)
        return ConflictChoice.CANCEL

    def import_errors(self, parent: QWidget | None, rows: Sequence[tuple[int, str]]) -> None:
        self._fail(f"import refused ({len(rows)} lines)")

    def open_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        return None

    def save_file(self, parent: QWidget | None, title: str, suggested: str, name_filter: str) -> Path | None:
        return None


def smoke_window(url: str, username: str, password: str) -> int:
    """Open and close the main window as ``username``; the process exit code."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    apply_theme(app)
    prompts = ReportingPrompts()

    def on_qt_message(kind: QtMsgType, _context: QMessageLogContext, text: str) -> None:
        if kind in (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            prompts._fail(f"Qt: {text}")
        elif kind == QtMsgType.QtWarningMsg and "propagateSizeHints" not in text:  # offscreen's note
            print(f"tuffops smoke: Qt warning: {text}", file=sys.stderr)

    previous_handler = qInstallMessageHandler(on_qt_message)
    db = open_database(url)
    runner = TaskRunner()
    monitor = ConnectionMonitor(database_probe(db), runner=runner)
    monitor.lost.connect(lambda message: prompts._fail(f"database connection lost: {message}"))
    mapper = ErrorMapper(prompts, monitor.report_lost)
    restore_hook = install_excepthook(mapper)
    started = time.monotonic()
    try:
        actor = services_for(db, ANONYMOUS).users.authenticate(username, password)
        window = MainWindow(
            services_for(db, actor), Ops(mapper, runner, monitor), prompts, monitor, database_label=database_label(db)
        )
        window.resize(1280, 800)
        window.show()
        _settle(app, runner)
        first_ready = time.monotonic() - started  # what a user waits for after signing in
        sections = window.section_keys()
        for key in [*sections[1:], *sections[:1]]:  # ends on the first section, for the picture
            window.show_section(key)
            _settle(app, runner)
        screenshot = os.environ.get("TUFFOPS_SMOKE_SCREENSHOT")
        if screenshot:
            window.grab().save(screenshot)
        window.close()
        _settle(app, runner)
    finally:
        monitor.shutdown()
        runner.shutdown(timeout_ms=5000)
        restore_hook()
        qInstallMessageHandler(previous_handler)
        db.engine.dispose()
    if prompts.failures:
        return 1
    print(
        f"Main window: first page ready in {first_ready:.2f} s; {len(sections)} sections shown "
        f"to {actor.username} and closed in {time.monotonic() - started:.1f} s."
    )
    return 0


def _settle(app: QApplication, runner: TaskRunner) -> None:
    """Run the event loop until the pages are quiet: no background task has finished and
    none has started for a moment (the change feed runs for as long as the window lives,
    so "nothing pending" never comes)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    finished: list[object] = []
    runner.finished.connect(finished.append)
    try:
        quiet_since, seen = time.monotonic(), (0, runner.pending())
        while time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            now = (len(finished), runner.pending())
            if now != seen:
                quiet_since, seen = time.monotonic(), now
            elif time.monotonic() - quiet_since > QUIET_S:
                return
            time.sleep(0.01)
    finally:
        runner.finished.disconnect(finished.append)
