"""Sign in: user name and password, optionally remembered in the OS keyring.

A wrong password or an unreachable database is said inline, under the fields; the
dialog never stacks message boxes. When this computer has no secure password store,
the dialog says so and the "remember me" box is off: we never keep passwords in a file.
When the database is the one chosen at first run (not given on the command line),
"Use another database…" goes back to the first-run wizard.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop import APP_NAME
from tuffops_desktop.config.local import LocalConfig
from tuffops_desktop.config.secrets import SecretStore, SecretStoreUnavailable
from tuffops_desktop.domain.errors import DomainError
from tuffops_desktop.errors import KnownError
from tuffops_desktop.i18n import _
from tuffops_desktop.services.context import Actor
from tuffops_desktop.ui.widgets.icons import app_icon
from tuffops_desktop.ui.widgets.labels import plain_label

log = logging.getLogger(__name__)

LAST_USERNAME_KEY = "last_username"

Authenticate = Callable[[str, str], Actor]


class LoginDialog(QDialog):
    """Asks who is at the keyboard.

    Args:
        authenticate: checks a user name and password, returns the actor or raises a
            ``DomainError`` (wrong password) / ``KnownError`` (database unreachable).
        secrets: where remembered passwords live.
        local: this computer's preferences (last user name).
        scope: identifies the database, so a password remembered for one office
            database is not offered for another.
        database_label: shown under the title ("PostgreSQL · office-server/tuffops").
        can_change_database: offer "Use another database…" (the first-run wizard).

    Attributes:
        actor: the signed-in user, after Accept.
        change_database_requested: the dialog closed for the user to pick another database.
    """

    def __init__(
        self,
        authenticate: Authenticate,
        secrets: SecretStore,
        local: LocalConfig,
        *,
        scope: str,
        database_label: str,
        can_change_database: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._authenticate = authenticate
        self._secrets = secrets
        self._local = local
        self._scope = scope
        self._store_ok = True
        self.actor: Actor | None = None
        self.change_database_requested = False
        self.setWindowTitle(_("Sign in — {app}").format(app=APP_NAME))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(440)

        self.username = QLineEdit()
        self.username.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox(_("Remember me on this computer"))
        self.error = plain_label(role="error", wrap=True)
        self.error.hide()
        self.store_note = plain_label(
            _("No secure password store on this computer; you will be asked each time."), role="warning", wrap=True
        )
        self.store_note.hide()

        card = QFrame()
        card.setObjectName("DetailPanel")
        form = QFormLayout(card)
        form.setContentsMargins(18, 16, 18, 14)
        form.setVerticalSpacing(10)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(plain_label(_("User name"), role="fieldname"), self.username)
        form.addRow(plain_label(_("Password"), role="fieldname"), self.password)
        form.addRow("", self.remember)

        buttons = QDialogButtonBox()
        self.sign_in_button = buttons.addButton(_("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setProperty("primary", True)
        self.sign_in_button.setDefault(True)
        buttons.addButton(_("Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)
        self.change_database_button = buttons.addButton(
            _("Use another database…"), QDialogButtonBox.ButtonRole.ResetRole
        )
        self.change_database_button.setProperty("link", True)
        self.change_database_button.setVisible(can_change_database)
        self.change_database_button.clicked.connect(self.change_database)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(plain_label(APP_NAME, role="title"))
        layout.addWidget(plain_label(database_label, role="hint", wrap=True))
        layout.addWidget(card)
        layout.addWidget(self.error)
        layout.addWidget(self.store_note)
        layout.addWidget(buttons)

        self.username.textEdited.connect(lambda _text: self._on_username_edited())
        self._prefill()

    # ----------------------------------------------------------------- actions
    def sign_in(self) -> bool:
        """Check the credentials; on success remember what was asked and accept."""
        name = self.username.text().strip()
        password = self.password.text()
        if not name:
            return self._fail(_("Enter your user name."), self.username)
        if not password:
            return self._fail(_("Enter your password."), self.password)
        try:
            actor = self._authenticate(name, password)
        except DomainError as exc:
            self.password.selectAll()
            return self._fail(exc.message, self.password)
        except KnownError as exc:
            return self._fail(exc.message, self.password)
        self.actor = actor
        self._local.set(LAST_USERNAME_KEY, actor.username)
        self._remember(actor.username, password)
        self.accept()
        return True

    def change_database(self) -> None:
        """Close, for the first-run wizard to choose another database."""
        self.change_database_requested = True
        self.reject()

    # ----------------------------------------------------------------- helpers
    def _account(self, username: str) -> str:
        return f"{username.strip().lower()}@{self._scope}"

    def _prefill(self) -> None:
        last = self._local.get(LAST_USERNAME_KEY) or ""
        if isinstance(last, str) and last:
            self.username.setText(last)
            stored = self._stored_password(last)
            if stored:
                self.password.setText(stored)
                self.remember.setChecked(True)
            self.password.setFocus()
        else:
            self._stored_password("")  # probes the store so the note shows up front
            self.username.setFocus()

    def _stored_password(self, username: str) -> str | None:
        try:
            return self._secrets.get(self._account(username)) if username else self._probe()
        except SecretStoreUnavailable:
            self._store_unavailable()
            return None

    def _probe(self) -> None:
        self._secrets.get(self._account("~probe"))
        return None

    def _store_unavailable(self) -> None:
        self._store_ok = False
        self.remember.setChecked(False)
        self.remember.setEnabled(False)
        self.store_note.show()

    def _remember(self, username: str, password: str) -> None:
        if not self._store_ok:
            return
        try:
            if self.remember.isChecked():
                self._secrets.set(self._account(username), password)
            else:
                self._secrets.delete(self._account(username))
        except SecretStoreUnavailable:
            log.warning("password not remembered: no secure password store")

    def _on_username_edited(self) -> None:
        if self.remember.isChecked() and self.password.text():
            self.password.clear()
        self.error.hide()

    def _grow_to_fit(self) -> None:
        """Make room for the error line by growing the dialog, not squeezing the fields."""
        layout = self.layout()
        layout.activate()
        need = layout.heightForWidth(self.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
        if need > self.height():
            self.resize(self.width(), need)

    def _fail(self, message: str, focus: QLineEdit) -> bool:
        self.error.setText(message)
        self.error.show()
        self._grow_to_fit()
        focus.setFocus()
        return False
