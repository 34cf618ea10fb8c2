"""Adding a user and giving one a new password (the admin types it; the user can be
told it in person)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout, QWidget

from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.users import UserInfo
from tuffops_desktop.services.registry import Services
from tuffops_desktop.services.users import PASSWORD_MIN_LENGTH
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.forms import action_buttons, form_group
from tuffops_desktop.ui.widgets.labels import plain_label


def role_combo() -> QComboBox:
    combo = QComboBox()
    for role in Role:
        combo.addItem(_(role.label), role.value)
    return combo


def password_fields() -> tuple[QLineEdit, QLineEdit]:
    first, second = QLineEdit(), QLineEdit()
    for edit in (first, second):
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMaxLength(200)
    return first, second


def passwords_differ(first: QLineEdit, second: QLineEdit) -> dict[str, str]:
    return {"password2": _("The two passwords are not the same.")} if first.text() != second.text() else {}


class NewUserDialog(FormDialog):
    """A new user: user name, name, e-mail, role and a first password.

    Attributes:
        saved: the user as stored, after a successful save.
    """

    def __init__(self, ops: Ops, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._services = services
        self.saved: UserInfo | None = None
        self.setWindowTitle(_("New user"))
        self.resize(520, 420)
        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        self.username = QLineEdit()
        self.username.setMaxLength(64)
        self.full_name = QLineEdit()
        self.full_name.setMaxLength(120)
        self.email = QLineEdit()
        self.email.setMaxLength(254)
        self.role = role_combo()
        self.role.setCurrentIndex(max(self.role.findData(Role.OFFICE.value), 0))
        self.password, self.password2 = password_fields()
        group, form = form_group(_("User"))
        for name, caption, widget, hint in (
            (
                "username",
                _("User name"),
                self.username,
                _("What they type to sign in: lower-case letters, digits, . - _"),
            ),
            ("full_name", _("Name"), self.full_name, ""),
            ("email", _("E-mail"), self.email, ""),
            ("role", _("Role"), self.role, _("Extra permissions can be added after saving.")),
            ("password", _("Password"), self.password, _("At least {n} characters.").format(n=PASSWORD_MIN_LENGTH)),
            ("password2", _("Password again"), self.password2, ""),
        ):
            box, error = field_box(widget, hint)
            self.errors.bind(name, widget, error)
            form.addRow(plain_label(caption, role="fieldname"), box)
        self.buttons = action_buttons(self, _("Add user"), self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(plain_label(_("New user"), role="title"))
        layout.addWidget(form_error)
        layout.addWidget(group)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.username.setFocus()

    def save(self) -> bool:
        self.errors.clear()
        mismatch = passwords_differ(self.password, self.password2)
        if mismatch:
            self.errors.show_field_errors(mismatch)
            return False
        result = self._ops.call(
            self._services.users.add,
            self.username.text(),
            self.password.text(),
            self.role.currentData(),
            full_name=self.full_name.text(),
            email=self.email.text(),
            parent=self,
            form=self.errors,
        )
        if not result.ok:
            return False
        self.saved = result.value
        self.accept()
        return True


class ResetPasswordDialog(FormDialog):
    """A new password for ``user``."""

    def __init__(self, ops: Ops, services: Services, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._services = services
        self._user = user
        self.setWindowTitle(_("Reset password"))
        self.resize(460, 260)
        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        self.password, self.password2 = password_fields()
        group, form = form_group(_("New password"))
        for name, caption, widget, hint in (
            ("password", _("New password"), self.password, _("At least {n} characters.").format(n=PASSWORD_MIN_LENGTH)),
            ("password2", _("Again"), self.password2, ""),
        ):
            box, error = field_box(widget, hint)
            self.errors.bind(name, widget, error)
            form.addRow(plain_label(caption, role="fieldname"), box)
        self.buttons = action_buttons(self, _("Set password"), self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(plain_label(_("New password for {user}").format(user=user.username), role="title"))
        layout.addWidget(
            plain_label(_("They sign in with it from now on; tell it to them in person."), role="hint", wrap=True)
        )
        layout.addWidget(form_error)
        layout.addWidget(group)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.password.setFocus()

    def save(self) -> bool:
        self.errors.clear()
        mismatch = passwords_differ(self.password, self.password2)
        if mismatch:
            self.errors.show_field_errors(mismatch)
            return False
        result = self._ops.call(
            self._services.users.reset_password, self._user.id, self.password.text(), parent=self, form=self.errors
        )
        if result.ok:
            self.accept()
        return result.ok
