"""The desktop app's composition root: everything is built here and passed down.

Order: Qt application → theme → error handling (log file, excepthook) → which database
(``--database-url``, else the remembered first-run choice, else the first-run wizard:
``ui/first_run.py``, which also upgrades an older schema and creates the first
administrator) → sign-in (skipped right after the wizard created that administrator) →
services for the signed-in user → main window. Nothing is kept in module globals; each
piece receives what it needs.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from tuffops_desktop import APP_NAME, ORG_NAME, __version__
from tuffops_desktop.bootstrap import open_database, services_for
from tuffops_desktop.config.local import LocalConfig
from tuffops_desktop.config.paths import user_data_dir
from tuffops_desktop.config.secrets import KeyringSecretStore
from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.errors import KnownError
from tuffops_desktop.i18n import _
from tuffops_desktop.services.context import Actor
from tuffops_desktop.ui.connection import ConnectionMonitor
from tuffops_desktop.ui.error_mapper import ErrorMapper
from tuffops_desktop.ui.first_run import Opened, open_for_desktop
from tuffops_desktop.ui.login_dialog import LoginDialog
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.tasks import TaskRunner
from tuffops_desktop.ui.theme import apply_theme
from tuffops_desktop.ui.widgets.icons import app_icon
from tuffops_desktop.ui.window_state import WindowState

log = logging.getLogger("tuffops")

EXIT_OK, EXIT_ERROR = 0, 1
CHANGE_DATABASE = -1  # the user asked at sign-in for another database: the wizard again
ANONYMOUS = Actor(user_id=None, username="anonymous")
WINDOW_STATE_FILE = "window-state.ini"


def run_desktop(url: str | None = None) -> int:
    """Open the desktop app; returns the process exit code. ``url``: the database given on
    the command line (or ``TUFFOPS_DATABASE_URL``); None: the one chosen at first run,
    and the sign-in then offers "Use another database…" (the wizard again)."""
    _configure_logging()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    apply_theme(app)
    prompts = Prompts()
    runner = TaskRunner()
    local = LocalConfig.default()
    secrets = KeyringSecretStore(APP_NAME)
    ask = False
    try:
        while True:
            opened = open_for_desktop(url, runner=runner, prompts=prompts, local=local, secrets=secrets, ask=ask)
            if not isinstance(opened, Opened):
                return opened
            code = _session(app, opened, runner, prompts, local, secrets, may_change=url is None)
            if code != CHANGE_DATABASE:
                return code
            ask = True
    finally:
        runner.shutdown(timeout_ms=2000)


def _session(
    app: QApplication,
    opened: Opened,
    runner: TaskRunner,
    prompts: Prompts,
    local: LocalConfig,
    secrets: KeyringSecretStore,
    *,
    may_change: bool,
) -> int:
    """Sign in and work on one database until the app quits (its exit code) or the user
    asks for another database at sign-in (``CHANGE_DATABASE``)."""
    try:
        db = open_database(opened.url)
    except KnownError as exc:
        log.error("cannot open the database: %s", exc.message)
        prompts.warning(None, _("Cannot open the database"), exc.message)
        return EXIT_ERROR

    monitor = ConnectionMonitor(database_probe(db), heartbeat_ms=15_000, runner=runner)
    mapper = ErrorMapper(prompts, monitor.report_lost)
    restore_hook = install_excepthook(mapper)
    actor = opened.actor  # the first administrator, just created by the wizard: signed in
    try:
        while True:  # back to the sign-in when an administrator deactivates the user
            if actor is None:
                login = LoginDialog(
                    services_for(db, ANONYMOUS).users.authenticate,
                    secrets,
                    local,
                    scope=database_scope(db),
                    database_label=database_label(db),
                    can_change_database=may_change,
                )
                if not login.exec() or login.actor is None:
                    return CHANGE_DATABASE if login.change_database_requested else EXIT_OK
                actor = login.actor
            services = services_for(db, actor)
            window = MainWindow(
                services,
                Ops(mapper, runner, monitor),
                prompts,
                monitor,
                database_label=database_label(db),
                state=window_state(actor.username),
            )
            window.show()
            code = app.exec()
            if not window.signed_out:
                return code
            actor = None
    finally:
        monitor.shutdown()
        restore_hook()
        db.engine.dispose()


def smoke_window(url: str, username: str, password: str) -> int:
    """Hidden ``tuffops --smoke-window USER``: the packaged app opens and closes its own
    window unattended (``ui/smoke.py``; run by tests/packaging and the Windows CI job)."""
    from tuffops_desktop.ui.smoke import smoke_window as check

    return check(url, username, password)


def window_state(username: str) -> WindowState:
    """Where this user's window layout is remembered: an INI file in this computer's local
    (not roaming) data folder, so each machine keeps the layout that fits its screens."""
    settings = QSettings(str(user_data_dir() / WINDOW_STATE_FILE), QSettings.Format.IniFormat)
    return WindowState(settings, username)


def database_probe(db: SessionFactories) -> Callable[[], None]:
    """The cheap "is the database back?" check the connection monitor repeats."""

    def probe() -> None:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    return probe


def database_label(db: SessionFactories) -> str:
    """What the status bar and sign-in say about the database (no password)."""
    url = db.engine.url
    if db.dialect == "sqlite":
        return f"SQLite · {url.database or 'memory'}"
    host = url.host or "localhost"
    return f"PostgreSQL · {host}/{url.database or ''}"


def database_scope(db: SessionFactories) -> str:
    """Identifies the database for remembered passwords (never includes a password)."""
    return db.engine.url.render_as_string(hide_password=True)


def install_excepthook(mapper: ErrorMapper) -> Callable[[], None]:
    """Log uncaught exceptions and show them calmly instead of aborting; returns an undo."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        try:
            mapper.handle(exc, QApplication.activeWindow())
        except Exception:  # noqa: BLE001 - never let the hook itself crash the app
            log.exception("error while showing an error")
            previous(exc_type, exc, tb)

    sys.excepthook = hook

    def restore() -> None:
        sys.excepthook = previous

    return restore


def _configure_logging() -> None:
    """Log to a rotating file in the user's data folder (and stderr)."""
    root = logging.getLogger()
    if any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        return
    root.setLevel(logging.INFO)
    try:
        handler = RotatingFileHandler(
            user_data_dir() / "tuffops.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = None
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    if handler is not None:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    stream = logging.StreamHandler()
    stream.setFormatter(formatter)
    stream.setLevel(logging.WARNING)
    root.addHandler(stream)
