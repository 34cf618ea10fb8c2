"""Users and roles (administrators): who may sign in, with which role and extra
permissions.

The list, search (user name, name, e-mail), role filter and sort run in SQL
(``UserService.list_ids``). The panel edits the selected user; the buttons add a user,
reset a password and deactivate or reactivate. The service refuses to demote or
deactivate the last active administrator and says so. Changes made on another
workstation arrive through the change feed (entity ``user``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QPushButton, QWidget

from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.users import UserInfo
from tuffops_desktop.services.listing import ListQuery, any_of
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.list_page import ListPage
from tuffops_desktop.ui.pages.users.columns import user_columns
from tuffops_desktop.ui.pages.users.dialogs import NewUserDialog, ResetPasswordDialog
from tuffops_desktop.ui.pages.users.editor import UserEditor
from tuffops_desktop.ui.prompts import Prompts


class UsersPage(ListPage):
    """The users list with the user editor beside it."""

    entities = ("user",)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(
            services,
            ops,
            prompts,
            title=_("Users and roles"),
            search_hint=_("Search user name, name, e-mail…"),
            count_text=(_("1 user"), _("{count} users")),
            columns=user_columns(),
            fetch_rows=services.users.rows,
            list_ids=services.users.list_ids,
            query=ListQuery(sort="username"),
            muted=lambda r: not r.active,
            parent=parent,
        )
        actor = services.ctx.actor
        self.new_button = QPushButton(_("New user"))
        self.new_button.setProperty("primary", True)
        self.password_button = QPushButton(_("Reset password…"))
        self.active_button = QPushButton(_("Deactivate"))
        self.role_filter = self.filter_combo(
            [(_("All roles"), "", {"role": None})] + [(_(r.label), r.value, {"role": any_of(r.value)}) for r in Role]
        )
        self.show_inactive = QCheckBox(_("Show deactivated"))
        self.inactive_toggle = self.show_inactive
        self.editor = UserEditor(services, ops, self)
        self.build(
            detail=self.editor,
            header=[self.new_button],
            filters=[self.role_filter, self.show_inactive],
            actions=[self.password_button, self.active_button],
            sizes=(560, 460),
            stretch=(1, 1),
        )

        self.new_button.setVisible(actor.can("users.create"))
        self.password_button.setVisible(actor.can("users.edit"))
        self.active_button.setVisible(actor.can("users.delete") or actor.can("users.edit"))
        self.show_inactive.toggled.connect(lambda on: self.controller.update(include_inactive=on))
        self.table.open_requested.connect(lambda _id: self.editor.full_name.setFocus())
        self.new_button.clicked.connect(self.new_user)
        self.password_button.clicked.connect(self.reset_password)
        self.active_button.clicked.connect(self.toggle_active)
        self.editor.saved.connect(lambda user: self.after_change(user.id))
        self._update_buttons()
        self.controller.refresh()

    # ----------------------------------------------------------------- actions
    def new_user(self) -> None:
        dialog = NewUserDialog(self._ops, self._services, self)
        if dialog.exec() and dialog.saved is not None:
            self.after_change(dialog.saved.id)

    def reset_password(self) -> None:
        user = self.editor.user
        if user is not None:
            ResetPasswordDialog(self._ops, self._services, user, self).exec()

    def toggle_active(self) -> None:
        user = self.editor.user
        if user is None:
            return
        if user.active:
            question = _(
                "Deactivate “{user}”? They can no longer sign in; what they did stays in the history. "
                "You can reactivate them later."
            ).format(user=user.username)
            if not self._prompts.confirm(self, _("Deactivate user"), question, _("Deactivate")):
                return
        result = self._ops.call(
            self._services.users.set_active,
            user.id,
            not user.active,
            user.version,
            parent=self,
            on_reload=lambda _current: self.refresh(),
        )
        if result.ok:
            self.after_change(user.id)

    # ----------------------------------------------------------------- helpers
    def show_current(self, user_id: object) -> None:
        user: UserInfo | None = None
        if isinstance(user_id, int):
            result = self._ops.call(self._services.users.get, user_id, parent=self)
            user = result.value if result.ok else None
        self.editor.show_user(user, force=user is None or self.editor.user is None or user.id != self.editor.user.id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        user = self.editor.user
        actor = self._services.ctx.actor
        self.password_button.setEnabled(user is not None)
        if user is not None and not user.active:
            self.active_button.setText(_("Reactivate"))
            self.active_button.setEnabled(actor.can("users.edit"))
        else:
            self.active_button.setText(_("Deactivate"))
            self.active_button.setEnabled(user is not None and actor.can("users.delete") and user.id != actor.user_id)
