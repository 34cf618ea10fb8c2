"""First start on a computer: which database, and what it needs before anyone signs in.

``SetupWizard`` walks through at most four pages:

1. **Where is your data?** "This computer only" (an embedded database in the user's
   data folder) or "Office server" (the shared PostgreSQL database).
2. **Office server**: server, port, database, user and password, with *Test connection*.
   Every way of failing has its own message (``db/probe.py``): server unreachable, wrong
   user name or password, no such database, turned away by the server, schema newer than
   this app. The password goes to the OS keyring only; without one, the page says so and
   the app asks for it at each start.
3. **The database schema**: a new database gets its tables at once (when the database
   account may create them). One made by an earlier version is upgraded: the embedded
   database after an offered backup, the office database once a TuffOps administrator
   signs in to agree (it changes it for every workstation); when this computer may not
   upgrade, the page says to ask an administrator.
4. **The first administrator** of a database without users.

Every database call runs on the ``TaskRunner``; the window keeps painting and says what
it is doing. The choice is remembered (``config/database_choice.py``) only once it led
to a database the app can use. ``open_for_desktop`` is what ``app.py`` calls at start.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop import APP_NAME
from tuffops_desktop.bootstrap import create_first_admin, upgrade_database, upgrade_shared_database
from tuffops_desktop.config.database_choice import (
    DEFAULT_NAME,
    DEFAULT_PORT,
    DatabaseChoice,
    EmbeddedChoice,
    ServerChoice,
    default_embedded,
    remember,
    startup_choice,
)
from tuffops_desktop.config.local import LocalConfig
from tuffops_desktop.config.secrets import SecretStore, SecretStoreUnavailable
from tuffops_desktop.db.backup import default_backup_name
from tuffops_desktop.db.probe import DatabaseCheck, SchemaState, check_database
from tuffops_desktop.domain.errors import DomainError, ValidationError
from tuffops_desktop.errors import KnownError
from tuffops_desktop.i18n import _
from tuffops_desktop.services.context import Actor
from tuffops_desktop.ui.login_dialog import LAST_USERNAME_KEY
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.tasks import Task, TaskRunner
from tuffops_desktop.ui.theme import repolish
from tuffops_desktop.ui.widgets.accelerators import assign_accelerators
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.icons import app_icon
from tuffops_desktop.ui.widgets.labels import plain_label

log = logging.getLogger(__name__)

NO_STORE_NOTE = "No secure password store on this computer: TuffOps Desktop will ask for this password at each start."


class Step(IntEnum):
    CHOOSE = 0
    SERVER = 1
    SCHEMA = 2
    ADMIN = 3


@dataclass(frozen=True)
class Opened:
    """A database the app can sign in to: its URL (with the password) and, when the
    wizard created the first administrator, that administrator signed in."""

    url: str
    actor: Actor | None = None


def describe(check: DatabaseCheck) -> str:
    """One line on what a successful test found, for the server page."""
    if check.schema is SchemaState.EMPTY:
        return _("Connected. The database is empty: the next step sets it up for TuffOps.")
    if check.schema is SchemaState.OLDER:
        return _("Connected. The database was made by an earlier version (schema {rev}): it needs an upgrade.").format(
            rev=check.revision
        )
    if check.users == 0:
        return _("Connected. The database has no users yet: the next step creates the first administrator.")
    return _("Connected. The database is ready ({n} users).").format(n=check.users)


class SetupWizard(FormDialog):
    """The first-run wizard (see the module docstring).

    Args:
        runner: runs the database calls off the GUI thread.
        secrets: the OS keyring (office server passwords).
        local: this computer's preferences (the remembered choice).
        start: the first page: ``CHOOSE`` for a first start; ``SERVER`` to ask again for
            a remembered office server's password (``choice``; ``message`` says what
            failed, ``notice`` what is asked);
            ``SCHEMA``/``ADMIN`` for a database already chosen (``url`` and ``check``)
            that needs an upgrade or its first administrator.

    Attributes:
        opened: after Accept, the database to sign in to.
    """

    def __init__(
        self,
        runner: TaskRunner,
        secrets: SecretStore,
        local: LocalConfig,
        *,
        start: Step = Step.CHOOSE,
        choice: DatabaseChoice | None = None,
        url: str | None = None,
        check: DatabaseCheck | None = None,
        message: str = "",
        notice: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._secrets = secrets
        self._local = local
        self._choice = choice
        self._url = url
        self._check = check
        self._password = ""
        self._task: Task | None = None
        self._history: list[Step] = []
        self.opened: Opened | None = None
        self.setWindowTitle(_("Set up {app}").format(app=APP_NAME))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(600)
        self._store_ok = self._probe_store()

        self.stack = QStackedWidget()
        self.stack.addWidget(self._choose_page())
        self.stack.addWidget(self._server_page())
        self.stack.addWidget(self._schema_page())
        self.stack.addWidget(self._admin_page())

        self.status = plain_label(wrap=True)
        self.status.hide()
        self.back_button = QPushButton(_("Back"))
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton(_("Next"))
        self.next_button.setProperty("primary", True)
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        self.cancel_button = QPushButton(_("Quit"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        if isinstance(choice, ServerChoice):
            self._fill_server(choice)
        if check is not None:
            self._configure_schema_page(check)
        if start is Step.SERVER:
            self._history.append(Step.CHOOSE)  # Back offers "This computer only" instead
        self._show(start)
        if message:
            self._say(message, error=True)
        elif notice:
            self._say(notice)

    # ----------------------------------------------------------------- pages
    def _choose_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(plain_label(_("Where should {app} keep its data?").format(app=APP_NAME), role="title"))
        layout.addWidget(
            plain_label(_("You can change this later: “Use another database…” when you sign in."), role="hint")
        )
        self.embedded_option = QRadioButton(_("This computer only"))
        self.server_option = QRadioButton(_("Office server"))
        self._options = QButtonGroup(self)
        for option in (self.embedded_option, self.server_option):
            self._options.addButton(option)
        self.embedded_option.setChecked(True)
        path = default_embedded().path
        layout.addWidget(
            self._option_card(
                self.embedded_option,
                _("For one PC, a trial or a demo. The data stays in a file in your data folder:\n{path}").format(
                    path=path
                ),
            )
        )
        layout.addWidget(
            self._option_card(
                self.server_option,
                _(
                    "Several workstations share one PostgreSQL database on your network. "
                    "Your administrator gives you the server name, database, user and password."
                ),
            )
        )
        layout.addStretch(1)
        return page

    def _option_card(self, option: QRadioButton, text: str) -> QFrame:
        card = QFrame()
        card.setObjectName("DetailPanel")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(14, 10, 14, 12)
        inner.setSpacing(4)
        option.setStyleSheet("font-weight: 600;")
        inner.addWidget(option)
        description = plain_label(text, role="hint", wrap=True)
        description.setContentsMargins(24, 0, 0, 0)
        inner.addWidget(description)
        return card

    def _server_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(plain_label(_("Connect to the office server"), role="title"))
        layout.addWidget(
            plain_label(
                _("The PostgreSQL database every workstation of your office shares. Ask your administrator."),
                role="hint",
                wrap=True,
            )
        )
        self.host = QLineEdit()
        self.host.setPlaceholderText(_("office-server or 192.168.1.10"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setGroupSeparatorShown(False)
        self.port.setMaximumWidth(110)
        self.database = QLineEdit(DEFAULT_NAME)
        self.user = QLineEdit(DEFAULT_NAME)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_password = QCheckBox(_("Keep the password in this computer's password store"))
        self.remember_password.setChecked(self._store_ok)
        self.remember_password.setEnabled(self._store_ok)
        self.test_button = QPushButton(_("Test connection"))
        self.test_button.clicked.connect(self.test_connection)

        card = QFrame()
        card.setObjectName("DetailPanel")
        form = QFormLayout(card)
        form.setContentsMargins(18, 14, 18, 12)
        form.setVerticalSpacing(8)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.server_errors = FormErrors(plain_label(role="error", wrap=True))
        for name, label, widget in (
            ("host", _("Server"), self.host),
            ("port", _("Port"), self.port),
            ("database", _("Database"), self.database),
            ("user", _("User"), self.user),
            ("password", _("Password"), self.password),
        ):
            box, error = field_box(widget)
            self.server_errors.bind(name, widget, error)
            form.addRow(plain_label(label, role="fieldname"), box)
        form.addRow("", self.remember_password)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)
        layout.addWidget(card)
        self.store_note = plain_label(_(NO_STORE_NOTE), role="warning", wrap=True)
        self.store_note.setVisible(not self._store_ok)
        layout.addWidget(self.store_note)
        layout.addStretch(1)
        return page

    def _schema_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.schema_title = plain_label(role="title", wrap=True)
        self.schema_text = plain_label(wrap=True)
        layout.addWidget(self.schema_title)
        layout.addWidget(self.schema_text)
        self.backup_box = QCheckBox(_("Back up the database first (recommended)"))
        self.backup_box.setChecked(True)
        self.backup_path = plain_label(role="hint", wrap=True, selectable=True)
        self.backup_box.toggled.connect(self.backup_path.setEnabled)
        self.backup_box.toggled.connect(self._update_buttons)
        layout.addWidget(self.backup_box)
        layout.addWidget(self.backup_path)
        self.consent_card = QFrame()
        self.consent_card.setObjectName("DetailPanel")
        consent = QFormLayout(self.consent_card)
        consent.setContentsMargins(18, 14, 18, 12)
        consent.setVerticalSpacing(8)
        self.admin_name = QLineEdit()
        self.admin_password = QLineEdit()
        self.admin_password.setEchoMode(QLineEdit.EchoMode.Password)
        consent.addRow(plain_label(_("Administrator"), role="fieldname"), self.admin_name)
        consent.addRow(plain_label(_("Password"), role="fieldname"), self.admin_password)
        layout.addWidget(self.consent_card)
        self.schema_note = plain_label(role="warning", wrap=True)
        layout.addWidget(self.schema_note)
        layout.addStretch(1)
        return page

    def _admin_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(plain_label(_("Create the first administrator"), role="title"))
        layout.addWidget(
            plain_label(
                _(
                    "Nobody can sign in to this database yet. This account manages users and settings; "
                    "add everyone else in Users once you are signed in."
                ),
                role="hint",
                wrap=True,
            )
        )
        self.new_username = QLineEdit()
        self.new_username.setMaxLength(64)
        self.new_full_name = QLineEdit()
        self.new_full_name.setMaxLength(120)
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password_again = QLineEdit()
        self.new_password_again.setEchoMode(QLineEdit.EchoMode.Password)
        card = QFrame()
        card.setObjectName("DetailPanel")
        form = QFormLayout(card)
        form.setContentsMargins(18, 14, 18, 12)
        form.setVerticalSpacing(8)
        self.admin_errors = FormErrors(plain_label(role="error", wrap=True))
        for name, label, widget, hint in (
            ("username", _("User name"), self.new_username, _("Lower-case letters, digits, dot, dash or underscore.")),
            ("full_name", _("Full name"), self.new_full_name, ""),
            ("password", _("Password"), self.new_password, _("At least 8 characters.")),
            ("password_again", _("Repeat password"), self.new_password_again, ""),
        ):
            box, error = field_box(widget, hint)
            self.admin_errors.bind(name, widget, error)
            form.addRow(plain_label(label, role="fieldname"), box)
        layout.addWidget(card)
        layout.addStretch(1)
        return page

    # ----------------------------------------------------------------- navigation
    @property
    def step(self) -> Step:
        return Step(self.stack.currentIndex())

    def _show(self, step: Step) -> None:
        self.stack.setCurrentIndex(step)
        self.status.hide()
        labels = {
            Step.CHOOSE: _("Next"),
            Step.SERVER: _("Connect"),
            Step.SCHEMA: self._schema_action(),
            Step.ADMIN: _("Create administrator"),
        }
        self.next_button.setText(labels[step])
        self.back_button.setVisible(bool(self._history))
        focus: dict[Step, QWidget] = {
            Step.CHOOSE: self.embedded_option if self.embedded_option.isChecked() else self.server_option,
            Step.SERVER: self.password if self.host.text() else self.host,
            Step.SCHEMA: self.admin_name if not self.consent_card.isHidden() else self.next_button,
            Step.ADMIN: self.new_username,
        }
        self._update_buttons()
        if self.isVisible():
            assign_accelerators(self)
            self.fit_height()
        focus[step].setFocus()

    def _go(self, step: Step) -> None:
        if step != self.step:
            self._history.append(self.step)
        self._show(step)

    def back(self) -> None:
        if self.busy or not self._history:
            return
        self._show(self._history.pop())

    def next(self) -> None:
        """The primary button: what it does depends on the page."""
        if self.busy:
            return
        if self.step is Step.CHOOSE:
            if self.embedded_option.isChecked():
                self._choice = default_embedded()
                self._url = self._choice.url()
                self._run_check(_("Opening the database on this computer…"), route=True)
            else:
                self._go(Step.SERVER)
        elif self.step is Step.SERVER:
            self.test_connection(route=True)
        elif self.step is Step.SCHEMA:
            self._prepare_schema()
        else:
            self._create_admin()

    def reject(self) -> None:
        if self._task is not None:
            self._task.cancel()  # its answer, whenever it comes, is not wanted any more
        super().reject()

    # ----------------------------------------------------------------- server page
    def server_choice(self) -> ServerChoice:
        return ServerChoice(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
        )

    def test_connection(self, route: bool = False) -> None:
        """Check the server fields, then connect (off the GUI thread) and say what happened."""
        if self.busy:
            return
        choice = self.server_choice()
        problems = choice.problems()
        if problems:
            self.server_errors.show_field_errors(problems)
            self.status.hide()
            return
        self.server_errors.clear()
        self._choice = choice
        self._password = self.password.text()
        self._url = choice.url(self._password)
        self._run_check(_("Testing the connection to {host}…").format(host=choice.host), route=route)

    def _fill_server(self, choice: ServerChoice) -> None:
        self.host.setText(choice.host)
        self.port.setValue(choice.port)
        self.database.setText(choice.database)
        self.user.setText(choice.user)
        self.server_option.setChecked(True)

    # ----------------------------------------------------------------- checks and steps
    def _run_check(self, label: str, *, route: bool) -> None:
        url = self._url
        assert url is not None

        def done(check: DatabaseCheck) -> None:
            self._check = check
            if route:
                self.continue_with(check)
            else:
                self._say(describe(check))

        self._start(label, check_database, url, on_done=done)

    def continue_with(self, check: DatabaseCheck) -> None:
        """Go where the database's state leads: set it up, upgrade it, its first
        administrator, or done."""
        self._check = check
        if check.schema is SchemaState.EMPTY and check.may_change_schema:
            url = self._url
            assert url is not None
            self._start(
                _("Creating the TuffOps tables…"),
                upgrade_database,
                url,
                on_done=lambda _revision: self._run_check(_("Checking the database…"), route=True),
            )
            return
        if check.schema is not SchemaState.CURRENT:
            self._configure_schema_page(check)
            self._go(Step.SCHEMA)
            return
        if check.users == 0:
            self._go(Step.ADMIN)
            return
        self._finish(None)

    def _schema_action(self) -> str:
        check = self._check
        if check is None or check.schema is SchemaState.EMPTY:
            return _("Set up")
        if check.embedded and self.backup_box.isChecked():
            return _("Back up and upgrade")
        return _("Upgrade")

    def _configure_schema_page(self, check: DatabaseCheck) -> None:
        embedded = check.embedded
        older = check.schema is SchemaState.OLDER
        allowed = check.may_change_schema
        if older:
            self.schema_title.setText(_("This database needs an upgrade"))
            text = _(
                "It was made by an earlier version of {app} (schema {rev}); this version needs schema {head}. "
                "After the upgrade, earlier versions cannot open it."
            ).format(app=APP_NAME, rev=check.revision, head=check.head)
            if not embedded:
                text += " " + _(
                    "Every workstation uses this database, so they all need this version afterwards. "
                    "A TuffOps administrator signs in here to agree."
                )
        else:
            self.schema_title.setText(_("Set up the new database"))
            text = _("The database is empty. {app} creates its tables in it.").format(app=APP_NAME)
        self.schema_text.setText(text)
        show_backup = embedded and older and allowed
        self.backup_box.setVisible(show_backup)
        self.backup_path.setVisible(show_backup)
        if show_backup and self._url:
            self.backup_path.setText(_("Backup: {path}").format(path=default_backup_name(self._url)))
        self.consent_card.setVisible(older and not embedded and allowed)
        if not allowed:
            user = self._choice.user if isinstance(self._choice, ServerChoice) else ""
            who = _("the database user “{user}”").format(user=user) if user else _("this connection's account")
            self.schema_note.setText(
                _(
                    "Ask your administrator: {who} may not change the database's tables. An administrator can "
                    "upgrade it with the account that owns it (tuffops db upgrade), then start {app} again."
                ).format(who=who, app=APP_NAME)
            )
        self.schema_note.setVisible(not allowed)

    def _prepare_schema(self) -> None:
        check = self._check
        url = self._url
        assert check is not None and url is not None
        if not check.may_change_schema:
            return

        def after(_revision: str) -> None:
            self._run_check(_("Checking the database…"), route=True)

        if check.schema is SchemaState.OLDER and not check.embedded:
            name, password = self.admin_name.text().strip(), self.admin_password.text()
            if not name or not password:
                self._say(_("Enter an administrator's user name and password to agree to the upgrade."), error=True)
                (self.admin_name if not name else self.admin_password).setFocus()
                return
            self._start(
                _("Upgrading the office database…"), upgrade_shared_database, url, name, password, on_done=after
            )
            return
        backup: Path | None = None
        if check.embedded and check.schema is SchemaState.OLDER and self.backup_box.isChecked():
            backup = default_backup_name(url)
        label = _("Backing up, then upgrading the database…") if backup else _("Upgrading the database…")
        self._start(label, upgrade_database, url, backup_to=backup, on_done=after)

    def _create_admin(self) -> None:
        url = self._url
        assert url is not None
        self.admin_errors.clear()
        if self.new_password.text() != self.new_password_again.text():
            self.admin_errors.show_field_errors({"password_again": _("The two passwords differ.")})
            return
        self._start(
            _("Creating the administrator…"),
            create_first_admin,
            url,
            self.new_username.text(),
            self.new_password.text(),
            full_name=self.new_full_name.text(),
            on_done=self._finish,
        )

    def _finish(self, actor: Actor | None) -> None:
        """The database is ready: remember the choice (and keep the password), accept."""
        url = self._url
        assert url is not None
        if actor is not None:
            self._local.set(LAST_USERNAME_KEY, actor.username)  # the sign-in offers it next time
        if self._choice is not None:
            remember(self._local, self._choice)
            if isinstance(self._choice, ServerChoice):
                self._keep_password(self._choice)
        self.opened = Opened(url=url, actor=actor)
        self.accept()

    def _keep_password(self, choice: ServerChoice) -> None:
        if not self._store_ok:
            return
        try:
            if self.remember_password.isChecked() and self._password:
                self._secrets.set(choice.secret_account, self._password)
            else:
                self._secrets.delete(choice.secret_account)
        except SecretStoreUnavailable:
            log.warning("database password not kept: no secure password store")

    # ----------------------------------------------------------------- helpers
    def _start(
        self, label: str, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None], **kwargs: Any
    ) -> None:
        self._say(label, busy=True)
        self._task = self._runner.submit(
            fn,
            *args,
            name=label,
            on_done=lambda value: self._finished(on_done, value),
            on_error=self._failed,
            **kwargs,
        )
        self._update_buttons()

    def _finished(self, then: Callable[[Any], None], value: Any) -> None:
        self._task = None
        self.status.hide()
        self._update_buttons()
        then(value)

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self._update_buttons()
        if isinstance(exc, ValidationError) and self.step is Step.ADMIN:
            self.status.hide()
            self.admin_errors.show_field_errors(exc.field_errors)
            return
        if isinstance(exc, KnownError | DomainError):
            self._say(exc.message, error=True)
            return
        log.error("first-run step failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._say(_("Something went wrong: {error}. The details are in the log file.").format(error=exc), error=True)

    @property
    def busy(self) -> bool:
        """A database step is running (the buttons wait for it)."""
        return self._task is not None

    def _update_buttons(self, *_args: object) -> None:
        busy = self.busy
        blocked = self.step is Step.SCHEMA and self._check is not None and not self._check.may_change_schema
        self.next_button.setEnabled(not busy and not blocked)
        self.back_button.setEnabled(not busy)
        self.test_button.setEnabled(not busy)
        if self.step is Step.SCHEMA:
            self.next_button.setText(self._schema_action())
        for page in range(self.stack.count()):
            self.stack.widget(page).setEnabled(not busy)

    def _say(self, text: str, *, error: bool = False, busy: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("role", "error" if error else ("hint" if busy else "note"))
        repolish(self.status)
        self.status.show()
        self.status.updateGeometry()
        if self.isVisible():
            self.fit_height()

    def _probe_store(self) -> bool:
        try:
            self._secrets.get("database:~probe")
        except SecretStoreUnavailable:
            return False
        return True

    @property
    def status_text(self) -> str:
        return self.status.text() if not self.status.isHidden() else ""

    @property
    def status_role(self) -> str:
        return str(self.status.property("role") or "")


# ----------------------------------------------------------------- start-up
def open_for_desktop(
    explicit_url: str | None,
    *,
    runner: TaskRunner,
    prompts: Prompts,
    local: LocalConfig,
    secrets: SecretStore,
    ask: bool = False,
    wizard_factory: Callable[..., SetupWizard] = SetupWizard,
) -> Opened | int:
    """Find the database to open at start, asking what is needed; returns it, or the exit
    code when there is none (0: the user quit; 1: an address given on the command line
    or a remembered embedded database cannot be opened, already said).

    ``--database-url`` wins; then the remembered choice, or an existing default embedded
    database; else the wizard asks. A remembered office server gets its password from the
    keyring; when there is none, or the server refuses it, the wizard's server page
    opens with the fields filled in and says why. ``ask``: the user asked at sign-in for
    another database: the wizard's first page (an office server's fields kept).
    """
    if explicit_url is not None:
        return _open_known(
            explicit_url,
            None,
            runner=runner,
            prompts=prompts,
            wizard_factory=wizard_factory,
            local=local,
            secrets=secrets,
        )
    choice = startup_choice(local)
    if ask:
        return _exec(
            wizard_factory(runner, secrets, local, choice=choice if isinstance(choice, ServerChoice) else None)
        )
    if isinstance(choice, EmbeddedChoice):
        return _open_known(
            choice.url(),
            choice,
            runner=runner,
            prompts=prompts,
            wizard_factory=wizard_factory,
            local=local,
            secrets=secrets,
        )
    if isinstance(choice, ServerChoice):
        notice = _("Enter the database password for {user} on {host}.").format(user=choice.user, host=choice.host)
        message = ""
        try:
            password = secrets.get(choice.secret_account)
        except SecretStoreUnavailable:
            password = None
        if password is not None:
            url = choice.url(password)
            outcome = _check_now(url, runner)
            if not isinstance(outcome, DatabaseCheck):
                message = outcome.message
            elif outcome.ready:
                return Opened(url)
            else:
                return _wizard(
                    wizard_factory,
                    runner,
                    secrets,
                    local,
                    start=_step_for(outcome),
                    choice=choice,
                    url=url,
                    check=outcome,
                )
        return _exec(
            wizard_factory(runner, secrets, local, start=Step.SERVER, choice=choice, message=message, notice=notice)
        )
    return _exec(wizard_factory(runner, secrets, local))


def _open_known(
    url: str,
    choice: DatabaseChoice | None,
    *,
    runner: TaskRunner,
    prompts: Prompts,
    wizard_factory: Callable[..., SetupWizard],
    local: LocalConfig,
    secrets: SecretStore,
) -> Opened | int:
    outcome = _check_now(url, runner)
    if not isinstance(outcome, DatabaseCheck):
        log.error("cannot open the database: %s", outcome.message)
        prompts.warning(None, _("Cannot open the database"), outcome.message)
        return 1
    if outcome.ready:
        return Opened(url)
    return _wizard(
        wizard_factory, runner, secrets, local, start=_step_for(outcome), choice=choice, url=url, check=outcome
    )


def _step_for(check: DatabaseCheck) -> Step:
    return Step.ADMIN if check.schema is SchemaState.CURRENT else Step.SCHEMA


def _wizard(
    factory: Callable[..., SetupWizard], runner: TaskRunner, secrets: SecretStore, local: LocalConfig, **kwargs: Any
) -> Opened | int:
    wizard = factory(runner, secrets, local, **kwargs)
    check: DatabaseCheck | None = kwargs.get("check")
    if check is not None and check.schema is SchemaState.EMPTY and check.may_change_schema:
        wizard.show()
        wizard.continue_with(check)  # a new database is set up at once, as from the wizard's own pages
    return _exec(wizard)


def _exec(wizard: SetupWizard) -> Opened | int:
    if wizard.exec() and wizard.opened is not None:
        return wizard.opened
    return 0


def _check_now(url: str, runner: TaskRunner) -> DatabaseCheck | KnownError:
    """Check the database on the runner while a local event loop keeps Qt alive (after a
    second a busy dialog says what is happening)."""
    task = runner.submit(check_database, url, name="database check")
    runner.wait(task, label=_("Connecting to the database…"))
    if task.error is None:
        return task.value
    if isinstance(task.error, KnownError):
        return task.error
    raise task.error
