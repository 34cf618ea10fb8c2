"""The desktop's mail sender: delivers the outbox from this workstation while the window
is open, on the background runner (never on the GUI thread).

Every workstation may send: claims are exclusive (``services/mail_sender.py``), so two
desktops (and the office server's ``tuffops notify serve``) never send one row twice.
A desktop sends only when it can do so properly (``should_send``): e-mail is switched on
in Settings → E-mail, the server and From address are set, and, when the server wants a
login, this computer's keyring holds the password for that user and server (a desktop
without it would only fail every message and push it back; it leaves them to one that
has it). The decision is taken again when a setting changes (change feed), when the
password is stored here, and on reconnect.

``SenderLoop`` makes a pass at once and then every minute; a new outbox row (change
feed ``outbox``/``create``) wakes it at once, so a customer's mail leaves within a
second or two of the event. The loop stops with the window.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject

from tuffops_desktop import APP_NAME
from tuffops_desktop.config.secrets import KeyringSecretStore, SecretStore, SecretStoreUnavailable, smtp_account
from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.mail_sender import MailSender, SenderLoop, keyring_password
from tuffops_desktop.services.notification_events import DailyJobs
from tuffops_desktop.services.settings import SettingsService
from tuffops_desktop.ui.tasks import Task, TaskRunner

log = logging.getLogger(__name__)

SETTINGS_READ = ("smtp_enabled", "smtp_host", "smtp_from", "smtp_user")


def desktop_secrets() -> SecretStore:
    """This computer's keyring, where the desktop keeps the mail server's password (the
    same store the sign-in uses for "remember me")."""
    return KeyringSecretStore(APP_NAME)


def stored_password(secrets: SecretStore, user: str, host: str) -> str | None:
    """The mail server password this computer's keyring holds for ``user`` at ``host``;
    None when there is none or no keyring can be used here."""
    try:
        return secrets.get(smtp_account(user, host))
    except SecretStoreUnavailable:
        return None


@dataclass(frozen=True)
class SendingState:
    """What decides whether this desktop sends: the saved E-mail settings and whether
    this computer has the password."""

    enabled: bool
    host: str
    from_address: str
    user: str
    has_password: bool


def should_send(state: SendingState) -> bool:
    """Send from this desktop? Switched on, server and From set, and the password here
    when the server wants a login."""
    if not state.enabled or not state.host.strip() or not state.from_address.strip():
        return False
    return not state.user.strip() or state.has_password


class DesktopSender(QObject):
    """Runs ``SenderLoop`` on the runner while ``should_send`` holds.

    Args:
        settings: reads the E-mail settings (any signed-in user may read settings).
        db: the database the sender opens its own sessions on.
        runner: the app's task runner (the loop takes a long-running thread of it).
        secrets: where the password is (default: this computer's keyring).

    Attributes:
        state: the last ``SendingState`` read (None before the first check).
        loop: the running loop, or None.
    """

    def __init__(
        self,
        settings: SettingsService,
        db: SessionFactories,
        runner: TaskRunner,
        *,
        secrets: SecretStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._db = db
        self._runner = runner
        self._secrets = secrets or desktop_secrets()
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._task: Task | None = None
        self._check: Task | None = None
        self._closed = False
        self.state: SendingState | None = None
        self.loop: SenderLoop | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._ended.is_set()

    def check(self) -> None:
        """Read the settings and the keyring in the background, then start or stop."""
        if self._closed:
            return
        if self._check is not None:
            self._check.cancel()
        self._check = self._runner.submit(
            self.read_state, on_done=self._apply, on_error=lambda exc: log.info("mail sender check failed: %s", exc)
        )

    def read_state(self) -> SendingState:
        """On the runner: the settings that decide, and whether the password is here."""
        values = {name: self._settings.get(name) for name in SETTINGS_READ}
        user, host = str(values["smtp_user"] or ""), str(values["smtp_host"] or "")
        return SendingState(
            enabled=bool(values["smtp_enabled"]),
            host=host,
            from_address=str(values["smtp_from"] or ""),
            user=user,
            has_password=bool(user.strip()) and stored_password(self._secrets, user, host) is not None,
        )

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """A setting changed (or the feed reconnected): decide again; a new outbox row:
        send now."""
        if any(c.entity in ("setting", "*") for c in changes):
            self.check()
        if self.loop is not None and any(c.entity == "outbox" and c.action == "create" for c in changes):
            self.loop.wake()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop the loop and wait for its pass to end (a pass in the middle of an SMTP
        conversation finishes it, bounded by the SMTP timeout)."""
        task, self._task = self._task, None
        self.loop = None
        if task is None:
            return
        self._stop.set()
        task.cancel()
        self._ended.wait(timeout)

    def close(self) -> None:
        """The window closes: stop, and never start again."""
        self._closed = True
        if self._check is not None:
            self._check.cancel()
        self.stop()

    def _apply(self, state: SendingState) -> None:
        self._check = None
        if self._closed:
            return
        self.state = state
        wanted = should_send(state)
        if wanted and not self.running:
            self._start(state)
        elif not wanted and self.running:
            self.stop()
        elif wanted and self.loop is not None:
            self.loop.wake()  # settings changed under a running loop: the next pass reads them

    def _start(self, state: SendingState) -> None:
        self._stop = threading.Event()
        self._ended = threading.Event()
        self.loop = SenderLoop(
            MailSender(self._db, password=keyring_password(self._secrets)),
            daily=DailyJobs.for_database(self._db).run_if_due,  # overdue reminders, maintenance due
        )
        log.info("sending e-mail from this desktop through %s", state.host)
        self._task = self._runner.submit(
            self._run, self.loop, self._stop, self._ended, long_running=True, name="mail sender"
        )

    @staticmethod
    def _run(loop: SenderLoop, stop: threading.Event, ended: threading.Event) -> None:
        try:
            loop.run(stop)
        finally:
            ended.set()
