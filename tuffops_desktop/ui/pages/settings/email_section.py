"""Settings → E-mail: the mail server the business sends through, its password, a test
e-mail, and the e-mails' templates.

* **Mail server** (host, port, encryption STARTTLS / SSL / none, user name, From,
  Reply-To, "Send e-mail" on/off): ordinary company settings (``domain/settings.py``,
  group "E-mail"). The Settings page builds their editors like every other setting and
  hands the box to this section (``place_settings``), so they are saved and reverted
  with the page's Save changes / Revert, in one transaction, with inline messages.
* **Password**: never a setting. It is kept in this computer's keyring
  (``config/secrets.py``, one entry per user and server), stored at once with "Store
  password" and shown only as stored / not stored. Each workstation that sends needs it
  (``ui/mail_sending.py``); the office server's ``tuffops notify serve`` reads its own
  from its service definition.
* **Send a test e-mail**: with the settings as they are on screen (saved or not) and the
  password typed (else the stored one), straight to the server, off the GUI thread. The
  answer is shown under the button: the server's "250 OK", or what went wrong in words an
  office can act on (host unreachable, the secure connection, the login, the recipient
  refused; ``MailService.send_test``).
* **Templates**: every event's e-mail, edited in ``TemplateDialog`` (subject, text, HTML,
  a preview on real data) and reset to the built-in default.

Users without ``settings.edit`` see the values, whether a password is stored here and the
templates, and change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.config.secrets import SecretStore, smtp_account
from tuffops_desktop.domain.errors import DomainError, ValidationError
from tuffops_desktop.domain.notifications import TlsMode
from tuffops_desktop.errors import KnownError
from tuffops_desktop.i18n import _
from tuffops_desktop.services.mail_sender import SmtpConfig, TestOutcome
from tuffops_desktop.services.notification_render import TemplateInfo
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.mail_sending import desktop_secrets, stored_password
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.settings.email_templates import TemplateDialog
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.theme import ERROR_TEXT, SUCCESS, repolish
from tuffops_desktop.ui.widgets.form_errors import field_box
from tuffops_desktop.ui.widgets.labels import plain_label

GROUP = "E-mail"  # the settings group whose editors this section holds
PASSWORD_CHECK_DELAY_MS = 300
EVENT_COLUMN, STATE_COLUMN = 0, 1


class EmailSection(QWidget):
    """Settings → E-mail (see the module docstring).

    Signals:
        password_changed(): the password was stored or removed on this computer (the
            window's sender decides again whether this desktop sends).

    Attributes:
        settings_box: the page's "E-mail" settings box, once placed.
        templates: the templates as last listed.
    """

    GROUP = GROUP
    password_changed = Signal()

    def __init__(
        self,
        ops: Ops,
        services: Services,
        prompts: Prompts,
        secrets: SecretStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._prompts = prompts
        self._secrets = secrets or desktop_secrets()
        self._mail = services.mail
        self._template_service = services.notification_templates
        self.can_edit = services.ctx.actor.can("settings.edit")
        self.settings_box: QGroupBox | None = None
        self._editors: Mapping[str, QWidget] = {}
        self._rows_added = False
        self.templates: list[TemplateInfo] = []
        self._password_asked = ""

        self._holder = QVBoxLayout()
        self._holder.setContentsMargins(0, 0, 0, 0)

        self.templates_box = QGroupBox(_("E-mail templates"))
        self.templates_table = QTableWidget(0, 2)
        self.templates_table.setHorizontalHeaderLabels([_("E-mail"), _("Template")])
        self.templates_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.templates_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.templates_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.templates_table.setTabKeyNavigation(False)
        self.templates_table.setShowGrid(False)
        self.templates_table.setAlternatingRowColors(True)
        self.templates_table.verticalHeader().hide()
        self.templates_table.verticalHeader().setDefaultSectionSize(26)
        self.templates_table.setMinimumHeight(150)
        header = self.templates_table.horizontalHeader()
        header.setSectionResizeMode(EVENT_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.edit_template_button = QPushButton(_("Edit template…") if self.can_edit else _("Show template…"))
        self.reset_template_button = QPushButton(_("Reset to default"))
        self.reset_template_button.setVisible(self.can_edit)
        self.edit_template_button.clicked.connect(self.edit_template)
        self.reset_template_button.clicked.connect(self.reset_template)
        self.templates_table.itemSelectionChanged.connect(self._enable_templates)
        self.templates_table.doubleClicked.connect(lambda _index: self.edit_template())
        template_buttons = QHBoxLayout()
        template_buttons.addStretch(1)
        template_buttons.addWidget(self.reset_template_button)
        template_buttons.addWidget(self.edit_template_button)
        templates_layout = QVBoxLayout(self.templates_box)
        templates_layout.addWidget(
            plain_label(
                _(
                    "What each e-mail says: a subject, a plain-text body and an HTML body, with fields "
                    "such as the ticket or the invoice number filled in when it is sent."
                ),
                role="hint",
                wrap=True,
            )
        )
        templates_layout.addWidget(self.templates_table)
        templates_layout.addLayout(template_buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(self._holder)
        layout.addWidget(self.templates_box)

        self._password_timer = QTimer(self)
        self._password_timer.setSingleShot(True)
        self._password_timer.setInterval(PASSWORD_CHECK_DELAY_MS)
        self._password_timer.timeout.connect(self.refresh_password)
        self._enable_templates()

    # ----------------------------------------------------------------- the page's box
    def place_settings(self, box: QGroupBox, editors: Mapping[str, QWidget]) -> None:
        """Hold the page's "E-mail" settings box (built by the page, saved with its Save
        changes); ``editors`` is the page's name → editor map (filled as it builds). The
        password and test rows join the box once it is complete (``refresh``)."""
        if self.settings_box is not None and self.settings_box is not box:
            self._holder.removeWidget(self.settings_box)
            self.settings_box.deleteLater()
        self.settings_box = box
        self._editors = editors
        self._rows_added = False
        self._holder.addWidget(box)

    def refresh(self) -> None:
        """After the page (re)loaded its values: the rows, whether a password is stored
        for the server on screen, and the templates."""
        if self.settings_box is not None and not self._rows_added:
            self._add_rows(self.settings_box)
        self.refresh_password()
        self.refresh_templates()

    def _add_rows(self, box: QGroupBox) -> None:
        form = box.layout()
        if not isinstance(form, QFormLayout):
            return
        self._rows_added = True
        caption_width = 0
        first = form.itemAt(0, QFormLayout.ItemRole.LabelRole)
        if first is not None and first.widget() is not None:
            caption_width = first.widget().minimumWidth()

        def caption(text: str) -> QLabel:
            label = plain_label(text, role="fieldname")
            label.setMinimumHeight(28)
            if caption_width:
                label.setFixedWidth(caption_width)
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return label

        # The password, right under the user name.
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("type it to store it on this computer"))
        self.password.setVisible(self.can_edit)
        self.store_password_button = QPushButton(_("Store password"))
        self.forget_password_button = QPushButton(_("Remove"))
        self.store_password_button.clicked.connect(self.store_password)
        self.forget_password_button.clicked.connect(self.forget_password)
        for button in (self.store_password_button, self.forget_password_button):
            button.setVisible(self.can_edit)
        self.password_status = plain_label(role="hint", wrap=True)
        line = QWidget()
        line_layout = QHBoxLayout(line)
        line_layout.setContentsMargins(0, 0, 0, 0)
        line_layout.addWidget(self.password, 1)
        line_layout.addWidget(self.store_password_button)
        line_layout.addWidget(self.forget_password_button)
        password_row, _error = field_box(line)  # grows with the wrapped status line
        password_row.layout().addWidget(self.password_status)
        form.insertRow(self._row_after(form, "smtp_user"), caption(_("Password")), password_row)

        # The test e-mail, last.
        self.test_to = QLineEdit()
        self.test_to.setPlaceholderText(_("send it to, e.g. you@example.com"))
        self.test_button = QPushButton(_("Send a test e-mail"))
        self.test_button.clicked.connect(self.send_test)
        self.test_result = plain_label(wrap=True, selectable=True)
        self.test_result.hide()
        test_line = QWidget()
        test_line_layout = QHBoxLayout(test_line)
        test_line_layout.setContentsMargins(0, 0, 0, 0)
        test_line_layout.addWidget(self.test_to, 1)
        test_line_layout.addWidget(self.test_button)
        test_row, _error = field_box(test_line, _("Uses the settings as they are on screen, saved or not."))
        test_row.layout().addWidget(self.test_result)
        form.addRow(caption(_("Test")), test_row)
        form.setRowVisible(test_row, self.can_edit)  # sending a test needs settings.edit

        form.insertRow(
            0,
            plain_label(
                _(
                    "Customers' and staff's e-mails go out through this mail server. The password stays on "
                    "each computer (its keyring): every workstation that should send needs it stored, or the "
                    "office server runs tuffops notify serve."
                ),
                role="hint",
                wrap=True,
            ),
        )
        for name in ("smtp_user", "smtp_host"):
            editor = self._editors.get(name)
            if isinstance(editor, QLineEdit):
                editor.textChanged.connect(lambda _text: self._password_timer.start())

    def _row_after(self, form: QFormLayout, name: str) -> int:
        """The form row just below the one holding the editor ``name`` (the end if absent)."""
        editor = self._editors.get(name)
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if editor is not None and widget is not None and (widget is editor or widget.isAncestorOf(editor)):
                return row + 1
        return form.rowCount()

    # ----------------------------------------------------------------- what is on screen
    def _text(self, name: str) -> str:
        editor = self._editors.get(name)
        if isinstance(editor, QLineEdit):
            return editor.text().strip()
        if isinstance(editor, QComboBox):
            return str(editor.currentData() or "")
        if isinstance(editor, QCheckBox):
            return "yes" if editor.isChecked() else ""
        return ""

    def screen_config(self) -> SmtpConfig:
        """The mail server settings as they are on screen (for the test e-mail)."""
        port_text = self._text("smtp_port")
        try:
            port = int(port_text)
        except ValueError:
            raise ValidationError({"smtp_port": _("A port number from 1 to 65535.")}) from None
        if not 1 <= port <= 65535:
            raise ValidationError({"smtp_port": _("A port number from 1 to 65535.")})
        try:
            tls = TlsMode(self._text("smtp_tls_mode") or TlsMode.STARTTLS.value)
        except ValueError:
            tls = TlsMode.STARTTLS
        return SmtpConfig(
            enabled=bool(self._text("smtp_enabled")),
            host=self._text("smtp_host"),
            port=port,
            tls_mode=tls,
            user=self._text("smtp_user"),
            from_address=self._text("smtp_from"),
            from_name=self._text("company_name"),
            reply_to=self._text("smtp_reply_to"),
        )

    # ----------------------------------------------------------------- password
    def account(self) -> str:
        """The keyring entry of the user and server on screen ("" without both)."""
        user, host = self._text("smtp_user"), self._text("smtp_host")
        return smtp_account(user, host) if user and host else ""

    def refresh_password(self) -> None:
        """Say (after asking the keyring in the background) whether this computer holds
        the password of the user and server on screen."""
        self._password_timer.stop()
        if not self._rows_added:
            return
        user, host = self._text("smtp_user"), self._text("smtp_host")
        asked = self.account()
        self._password_asked = asked
        self.forget_password_button.setEnabled(False)
        if not asked:
            self.password_status.setText(
                _("No login: the server takes mail without a user name.")
                if not user
                else _("Fill in the mail server first.")
            )
            return
        self.password_status.setText(_("Looking in this computer's keyring…"))
        self._ops.run(
            stored_password,
            self._secrets,
            user,
            host,
            parent=self,
            report=False,
            on_done=lambda found: self._show_password(asked, found is not None),
            on_failed=lambda exc: self._show_password(asked, False),
        )

    def _show_password(self, asked: str, stored: bool) -> None:
        if asked != self._password_asked:
            return
        who = asked.removeprefix("smtp:")
        self.password_status.setText(
            _("Stored on this computer for {who}.").format(who=who)
            if stored
            else _("Not stored on this computer for {who}: this computer cannot send.").format(who=who)
        )
        self.password_status.setProperty("role", "hint" if stored else "error")
        repolish(self.password_status)
        self.forget_password_button.setEnabled(stored)

    def store_password(self) -> bool:
        """Keep the typed password in this computer's keyring for the user and server on screen."""
        if not self.can_edit or not self._rows_added:
            return False
        account, secret = self.account(), self.password.text()
        if not account:
            self._say_password(_("Fill in the mail server and the user name first."), error=True)
            return False
        if not secret:
            self._say_password(_("Type the password first."), error=True)
            return False

        def stored(_none: object) -> None:
            self.password.clear()
            self.refresh_password()
            self.password_changed.emit()

        self._ops.run(
            self._secrets.set,
            account,
            secret,
            parent=self,
            report=False,
            on_done=stored,
            on_failed=lambda exc: self._say_password(str(exc), error=True),
        )
        return True

    def forget_password(self) -> bool:
        """Remove the stored password of the user and server on screen (after asking)."""
        account = self.account()
        if not self.can_edit or not account:
            return False
        if not self._prompts.confirm(
            self,
            _("Remove the password"),
            _("Remove the mail server password of {who} from this computer? It cannot send e-mail then.").format(
                who=account.removeprefix("smtp:")
            ),
            _("Remove"),
        ):
            return False

        def removed(_none: object) -> None:
            self.refresh_password()
            self.password_changed.emit()

        self._ops.run(
            self._secrets.delete,
            account,
            parent=self,
            report=False,
            on_done=removed,
            on_failed=lambda exc: self._say_password(str(exc), error=True),
        )
        return True

    def _say_password(self, text: str, *, error: bool) -> None:
        self.password_status.setText(text)
        self.password_status.setProperty("role", "error" if error else "hint")
        repolish(self.password_status)

    # ----------------------------------------------------------------- test e-mail
    def send_test(self) -> bool:
        """Send a test e-mail with the settings on screen, in the background; the result
        (the server's answer or what failed) appears under the button."""
        if not self.can_edit or not self._rows_added:
            return False
        try:
            config = self.screen_config()
        except ValidationError as exc:
            self._show_test(str(exc.field_errors.get("smtp_port", exc)), ok=False)
            return False
        to = self.test_to.text().strip()
        if not to:
            self._show_test(_("Type the address to send the test to."), ok=False)
            return False
        typed = self.password.text()
        secrets = self._secrets
        mail = self._mail

        def send() -> TestOutcome:
            password = typed or (stored_password(secrets, config.user, config.host) if config.user else None)
            return mail.send_test(to, password, config)

        self.test_button.setEnabled(False)
        self._show_test(_("Sending to {to}…").format(to=to), ok=None)
        self._ops.run(send, parent=self, report=False, on_done=self._test_sent, on_failed=self._test_failed)
        return True

    def _test_sent(self, outcome: TestOutcome) -> None:
        self.test_button.setEnabled(True)
        self._show_test(
            _("Sent to {to}. The mail server answered: {reply}").format(to=outcome.recipient, reply=outcome.reply),
            ok=True,
        )

    def _test_failed(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(exc, (DomainError, KnownError)):
            self._show_test(str(exc), ok=False)
        else:
            self._show_test(_("Not sent: {reason}").format(reason=exc), ok=False)
            self._ops.report(exc, self)

    def _show_test(self, text: str, *, ok: bool | None) -> None:
        self.test_result.setText(text)
        colour = "" if ok is None else SUCCESS if ok else ERROR_TEXT
        self.test_result.setStyleSheet(f"color: {colour};" if colour else "")
        self.test_result.show()

    # ----------------------------------------------------------------- templates
    def refresh_templates(self) -> None:
        self._ops.run(self._template_service.templates, parent=self, report=False, on_done=self._show_templates)

    def _show_templates(self, templates: list[TemplateInfo]) -> None:
        keep = self.current_template()
        self.templates = list(templates)
        table = self.templates_table
        table.setRowCount(len(self.templates))
        for row, info in enumerate(self.templates):
            table.setItem(row, EVENT_COLUMN, QTableWidgetItem(_(info.label)))
            state = QTableWidgetItem(_("Default") if info.is_default else _("Edited"))
            if not info.is_default:
                font = state.font()
                font.setBold(True)
                state.setFont(font)
            table.setItem(row, STATE_COLUMN, state)
            if keep is not None and info.event == keep.event:
                table.selectRow(row)
        self._enable_templates()

    def current_template(self) -> TemplateInfo | None:
        row = self.templates_table.currentRow()
        if 0 <= row < len(self.templates) and self.templates_table.selectedItems():
            return self.templates[row]
        return None

    def select_template(self, event: str) -> bool:
        for row, info in enumerate(self.templates):
            if info.event == event:
                self.templates_table.selectRow(row)
                return True
        return False

    def template_dialog(self, info: TemplateInfo) -> TemplateDialog:
        return TemplateDialog(self._ops, self._template_service, info, can_edit=self.can_edit, parent=self)

    def edit_template(self) -> bool:
        """Open the selected template in its editor; True when it was saved."""
        info = self.current_template()
        if info is None:
            return False
        dialog = self.template_dialog(info)
        saved = bool(dialog.exec()) and dialog.saved
        if saved:
            self.refresh_templates()
        return saved

    def reset_template(self) -> bool:
        """Put the selected template back to the built-in default (after asking)."""
        info = self.current_template()
        if info is None or not self.can_edit or info.is_default:
            return False
        if not self._prompts.confirm(
            self,
            _("Reset to default"),
            _("Replace the “{event}” e-mail with the built-in text? Your changes to it are lost.").format(
                event=_(info.label)
            ),
            _("Reset"),
        ):
            return False
        result = self._ops.call(self._template_service.reset, info.event, parent=self)
        self.refresh_templates()
        return result.ok

    def _enable_templates(self) -> None:
        info = self.current_template()
        self.edit_template_button.setEnabled(info is not None)
        self.reset_template_button.setEnabled(info is not None and not info.is_default)
