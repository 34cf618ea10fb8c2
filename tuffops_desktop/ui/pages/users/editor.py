"""The panel beside the users list: one user's name, e-mail, role and extra permissions,
edited in place with Save and Revert.

Extra permissions are listed by key with check boxes; the ones the chosen role already
grants show checked and greyed ("from the role"), so the admin sees what the user will
be able to do in the end.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.permissions import ROLE_BUNDLES, Permission, Role
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.users import UserInfo
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.users.columns import ROLE_COLOURS, role_text
from tuffops_desktop.ui.pages.users.dialogs import role_combo
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.swatch import tag_style

KeyRole = Qt.ItemDataRole.UserRole + 1


class UserEditor(QFrame):
    """Edits one user.

    Signals:
        saved(object): the user was saved here (a ``UserInfo``).
    """

    saved = Signal(object)

    def __init__(self, services: Services, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPanel")
        self._services = services
        self._ops = ops
        self.can_edit = services.ctx.actor.can("users.edit")
        self.user: UserInfo | None = None
        self._loading = False

        self.empty = plain_label(
            _("Select a user to change their role, permissions or password."), role="hint", wrap=True
        )
        self.username = plain_label(role="title", selectable=True)
        self.role_tag = plain_label()
        self.inactive_tag = plain_label(_("Deactivated"))
        self.inactive_tag.setStyleSheet(tag_style("#6b7280"))
        tags = QHBoxLayout()
        tags.setSpacing(6)
        tags.addWidget(self.role_tag)
        tags.addWidget(self.inactive_tag)
        tags.addStretch(1)

        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        self.full_name = QLineEdit()
        self.full_name.setMaxLength(120)
        self.email = QLineEdit()
        self.email.setMaxLength(254)
        self.role = role_combo()
        self.permissions = QListWidget()
        self.permissions.setMinimumHeight(140)
        for permission in Permission:
            item = QListWidgetItem(permission.value)
            item.setData(KeyRole, permission.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.permissions.addItem(item)
        self.summary = plain_label(role="hint", wrap=True)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, caption, widget in (
            ("full_name", _("Name"), self.full_name),
            ("email", _("E-mail"), self.email),
            ("role", _("Role"), self.role),
            ("permissions", _("Extra permissions"), self.permissions),
        ):
            box, error = field_box(widget)
            self.errors.bind(name, widget, error)
            form.addRow(plain_label(caption, role="fieldname"), box)
        form.addRow("", self.summary)

        self.save_button = QPushButton(_("Save"))
        self.save_button.setProperty("primary", True)
        self.revert_button = QPushButton(_("Revert"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        body.addWidget(self.username)
        body.addLayout(tags)
        body.addWidget(form_error)
        body.addLayout(form, 1)
        body.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.empty)
        layout.addWidget(self.body, 1)

        for widget in (self.full_name, self.email):
            widget.setReadOnly(not self.can_edit)
            widget.textEdited.connect(lambda _text: self._update_buttons())
        self.role.setEnabled(self.can_edit)
        self.save_button.setVisible(self.can_edit)
        self.revert_button.setVisible(self.can_edit)
        self.role.currentIndexChanged.connect(lambda _i: self._on_role())
        self.permissions.itemChanged.connect(lambda _item: self._on_permission())
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(lambda: self.show_user(self.user, force=True))
        self.show_user(None)

    # ----------------------------------------------------------------- showing
    def show_user(self, user: UserInfo | None, *, force: bool = False) -> None:
        """Show ``user``; unsaved edits of the same user stay unless ``force``."""
        if not force and user is not None and self.user is not None and user.id == self.user.id and self.dirty():
            self.user = user  # saving checks its version and reports the conflict
            return
        self.user = user
        self.errors.clear()
        self.empty.setVisible(user is None)
        self.body.setVisible(user is not None)
        if user is None:
            return
        self._loading = True
        self.username.setText(user.username)
        self.role_tag.setText(role_text(user.role))
        self.role_tag.setStyleSheet(tag_style(ROLE_COLOURS.get(user.role, "#6b7280")))
        self.inactive_tag.setVisible(not user.active)
        self.full_name.setText(user.full_name)
        self.email.setText(user.email)
        self.role.setCurrentIndex(max(self.role.findData(user.role), 0))
        extras = set(user.extra_permissions)
        for row in range(self.permissions.count()):
            item = self.permissions.item(row)
            item.setData(Qt.ItemDataRole.UserRole, item.data(KeyRole) in extras)  # the chosen extra
        self._loading = False
        self._on_role()

    def dirty(self) -> bool:
        user = self.user
        if user is None:
            return False
        return (
            self.full_name.text().strip(),
            self.email.text().strip(),
            self.role.currentData(),
            self.extra_permissions(),
        ) != (user.full_name, user.email, user.role, tuple(sorted(user.extra_permissions)))

    def extra_permissions(self) -> tuple[str, ...]:
        """The extra permissions ticked (not counting what the role grants)."""
        return tuple(
            sorted(
                self.permissions.item(row).data(KeyRole)
                for row in range(self.permissions.count())
                if self.permissions.item(row).data(Qt.ItemDataRole.UserRole)
            )
        )

    def set_extra(self, key: str, on: bool) -> None:
        """Tick or untick one extra permission (as a click would)."""
        for row in range(self.permissions.count()):
            item = self.permissions.item(row)
            if item.data(KeyRole) == key:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    # ----------------------------------------------------------------- actions
    def save(self) -> bool:
        user = self.user
        if user is None or not self.dirty():
            return False
        self.errors.clear()
        result = self._ops.call(
            self._services.users.update,
            user.id,
            full_name=self.full_name.text(),
            email=self.email.text(),
            role=self.role.currentData(),
            extra_permissions=list(self.extra_permissions()),
            expected_version=user.version,
            parent=self,
            form=self.errors,
            on_reload=self._reload_with,
        )
        if not result.ok or result.value is None:
            return False
        self.show_user(result.value, force=True)
        self.saved.emit(result.value)
        return True

    # ----------------------------------------------------------------- helpers
    def _on_role(self) -> None:
        """Grey out and tick what the role grants; the rest shows the chosen extras."""
        role = self.role.currentData()
        granted = ROLE_BUNDLES.get(Role(role), frozenset()) if role else frozenset()
        self._loading = True
        for row in range(self.permissions.count()):
            item = self.permissions.item(row)
            key = item.data(KeyRole)
            from_role = key in granted
            chosen = bool(item.data(Qt.ItemDataRole.UserRole)) and not from_role
            item.setData(Qt.ItemDataRole.UserRole, chosen)
            flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
            enabled = self.can_edit and not from_role
            item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if enabled else flags & ~Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked if from_role or chosen else Qt.CheckState.Unchecked)
            item.setToolTip(_("Included in the role") if from_role else "")
        self._loading = False
        extra = len(self.extra_permissions())
        self.summary.setText(
            _("The role grants {granted} of {total} permissions; {extra} extra.").format(
                granted=len(granted), total=len(Permission), extra=extra
            )
        )
        self._update_buttons()

    def _on_permission(self) -> None:
        if self._loading:
            return
        self._loading = True
        for row in range(self.permissions.count()):
            item = self.permissions.item(row)
            if item.flags() & Qt.ItemFlag.ItemIsEnabled:
                item.setData(Qt.ItemDataRole.UserRole, item.checkState() == Qt.CheckState.Checked)
        self._loading = False
        self._on_role()

    def _update_buttons(self) -> None:
        dirty = self.dirty()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def _reload_with(self, current: object) -> None:
        if isinstance(current, UserInfo):
            self.show_user(current, force=True)
        elif self.user is not None:
            result = self._ops.call(self._services.users.get, self.user.id, parent=self)
            if result.ok:
                self.show_user(result.value, force=True)
