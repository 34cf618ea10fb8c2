"""Users and roles: admins only; add, edit role and extra permissions, deactivate with
confirmation, reset a password; the last admin is kept (with the service's message);
another workstation's change shows up by itself."""

from __future__ import annotations

from tests.ui.conftest import ANONYMOUS
from tuffops_desktop.bootstrap import services_for, system_services
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.pages.users.dialogs import NewUserDialog, ResetPasswordDialog
from tuffops_desktop.ui.pages.users.page import UsersPage


def make_window(qtbot, services, kit) -> MainWindow:  # noqa: ANN001
    window = MainWindow(services, kit.ops, kit.prompts, kit.monitor, database_label="test")
    qtbot.addWidget(window)
    window.show()
    return window


def _users_page(qtbot, demo, kit) -> UsersPage:  # noqa: ANN001
    window = make_window(qtbot, demo.services_as("admin"), kit)
    page = window.show_section("users")
    assert isinstance(page, UsersPage)
    return page


def test_only_admins_see_users_and_roles(qtbot, demo, kit):
    assert "users" in make_window(qtbot, demo.services_as("admin"), kit).section_keys()
    for name in ("office", "auditor", "tech"):
        assert "users" not in make_window(qtbot, demo.services_as(name), kit).section_keys()


def test_list_and_edit_role_and_extra_permissions(qtbot, demo, kit):
    page = _users_page(qtbot, demo, kit)
    system = system_services(demo.db)
    assert page.model.ids() == system.users.list_ids(ListQuery(sort="username"))
    assert page.count_label.text() == f"{len(page.model.ids())} users"
    estimator = next(u for u in system.users.list() if u.username == "estimator")
    assert page.show_record(estimator.id)
    editor = page.editor
    assert editor.username.text() == "estimator"
    assert not editor.save_button.isEnabled()
    editor.role.setCurrentIndex(editor.role.findData("office"))
    editor.set_extra("settings.edit", True)
    editor.set_extra("customers.view", True)  # already granted by the role: greyed, not an extra
    assert editor.extra_permissions() == ("settings.edit",)
    assert "1 extra" in editor.summary.text()
    assert editor.save_button.isEnabled()
    assert editor.save()
    stored = system.users.get(estimator.id)
    assert (stored.role, stored.extra_permissions) == ("office", ("settings.edit",))
    row = page.model.row_of_id(estimator.id)
    assert page.model.data(page.model.index(row, 2)) == "Office / dispatcher"
    assert page.model.data(page.model.index(row, 3)) == "settings.edit"
    # Revert brings back what is stored.
    editor.full_name.setText("Someone else")
    editor.full_name.textEdited.emit("Someone else")
    assert editor.revert_button.isEnabled()
    editor.revert_button.click()
    assert editor.full_name.text() == stored.full_name and not editor.save_button.isEnabled()


def test_the_last_admin_cannot_be_demoted_and_the_user_is_told(qtbot, demo, kit):
    page = _users_page(qtbot, demo, kit)
    admin = next(u for u in system_services(demo.db).users.list() if u.username == "admin")
    page.show_record(admin.id)
    assert not page.active_button.isEnabled()  # nobody deactivates themselves
    page.editor.role.setCurrentIndex(page.editor.role.findData("office"))
    assert not page.editor.save()
    assert kit.prompts.calls[-1][0] == "warning"
    assert "last active administrator" in kit.prompts.calls[-1][2]
    assert system_services(demo.db).users.get(admin.id).role == "admin"


def test_add_deactivate_with_confirmation_reactivate_and_reset_password(qtbot, demo, kit, monkeypatch):
    page = _users_page(qtbot, demo, kit)
    dialog = NewUserDialog(kit.ops, page._services, page)
    qtbot.addWidget(dialog)
    dialog.username.setText("nina")
    dialog.full_name.setText("Nina New")
    dialog.role.setCurrentIndex(dialog.role.findData("technician"))
    dialog.password.setText("longenough")
    dialog.password2.setText("different!")
    assert not dialog.save()
    assert "not the same" in dialog.errors.visible_messages()["password2"]
    dialog.password2.setText("longenough")
    assert dialog.save() and dialog.saved is not None
    nina = dialog.saved
    page.after_change(nina.id)
    assert page.table.selected_id() == nina.id

    kit.prompts.confirm_answer = False
    page.active_button.click()
    assert kit.prompts.kinds()[-1] == "confirm"
    assert page._services.users.get(nina.id).active
    kit.prompts.confirm_answer = True
    page.active_button.click()
    assert not page._services.users.get(nina.id).active
    assert nina.id not in page.model.ids()
    page.show_record(nina.id)  # widens to "show deactivated"
    assert page.show_inactive.isChecked() and page.active_button.text() == "Reactivate"
    page.active_button.click()
    assert page._services.users.get(nina.id).active

    reset = ResetPasswordDialog(kit.ops, page._services, page.editor.user, page)
    qtbot.addWidget(reset)
    reset.password.setText("fresh-password")
    reset.password2.setText("fresh-password")
    assert reset.save()
    assert services_for(demo.db, ANONYMOUS).users.authenticate("nina", "fresh-password").role == "technician"


def test_a_change_from_another_workstation_shows_up(qtbot, demo, kit):
    page = _users_page(qtbot, demo, kit)
    window = page.window()
    assert window.live.wait_ready(5)
    other = system_services(demo.db)
    added = other.users.add("remote", "longenough", "read_only", full_name="Rita Remote")
    qtbot.waitUntil(lambda: added.id in page.model.ids(), timeout=3000)
