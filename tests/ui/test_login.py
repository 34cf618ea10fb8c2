"""Sign-in: success, wrong password said inline, the keyring-missing note, remembering."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from tuffops_desktop.config.local import LocalConfig
from tuffops_desktop.config.secrets import KeyringSecretStore, MemorySecretStore, SecretStoreUnavailable
from tuffops_desktop.ui.login_dialog import LoginDialog


class BrokenStore:
    """A computer without any secure password store."""

    def get(self, account: str) -> str | None:
        raise SecretStoreUnavailable("No secure password store on this computer; you will be asked each time.")

    set = delete = get  # type: ignore[assignment]


def make_dialog(qtbot, demo, store, local) -> LoginDialog:  # noqa: ANN001
    dialog = LoginDialog(demo.authenticate, store, local, scope="sqlite:///office.db", database_label="SQLite · test")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_sign_in_remembers_user_name_and_password(qtbot, demo, tmp_path):
    store, local = MemorySecretStore(), LocalConfig(tmp_path / "prefs.json")
    dialog = make_dialog(qtbot, demo, store, local)
    qtbot.keyClicks(dialog.username, "office")
    dialog.password.setText(demo.passwords["office"])
    dialog.remember.setChecked(True)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor is not None and dialog.actor.username == "office"
    assert dialog.actor.can("customers.create")
    assert json.loads((tmp_path / "prefs.json").read_text(encoding="utf-8")) == {"last_username": "office"}
    assert store.secrets == {"office@sqlite:///office.db": demo.passwords["office"]}

    again = make_dialog(qtbot, demo, store, LocalConfig(tmp_path / "prefs.json"))
    assert again.username.text() == "office"
    assert again.password.text() == demo.passwords["office"]
    assert again.remember.isChecked()
    assert again.store_note.isHidden()


def test_unticking_remember_forgets_the_password(qtbot, demo, tmp_path):
    store = MemorySecretStore()
    store.set("office@sqlite:///office.db", demo.passwords["office"])
    local = LocalConfig(tmp_path / "prefs.json")
    local.set("last_username", "office")
    dialog = make_dialog(qtbot, demo, store, local)
    dialog.remember.setChecked(False)
    assert dialog.sign_in()
    assert store.secrets == {}


def test_wrong_password_is_said_inline_without_a_message_box(qtbot, demo, tmp_path):
    store = MemorySecretStore()
    dialog = make_dialog(qtbot, demo, store, LocalConfig(tmp_path / "prefs.json"))
    dialog.username.setText("office")
    qtbot.keyClicks(dialog.password, "not-the-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)

    assert dialog.isVisible() and dialog.actor is None
    assert dialog.error.isVisible()
    assert dialog.error.text() == "The user name or password is not right."
    assert dialog.error.textFormat() == Qt.TextFormat.PlainText
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert store.secrets == {}
    assert not (tmp_path / "prefs.json").exists()


def test_empty_user_name_is_asked_for(qtbot, demo, tmp_path):
    dialog = make_dialog(qtbot, demo, MemorySecretStore(), LocalConfig(tmp_path / "p.json"))
    assert not dialog.sign_in()
    assert dialog.error.text() == "Enter your user name."


def test_without_a_keyring_the_dialog_says_so_and_still_signs_in(qtbot, demo, tmp_path):
    local = LocalConfig(tmp_path / "prefs.json")
    local.set("last_username", "auditor")
    dialog = make_dialog(qtbot, demo, BrokenStore(), local)

    assert dialog.store_note.isVisible()
    assert dialog.store_note.text() == "No secure password store on this computer; you will be asked each time."
    assert not dialog.remember.isEnabled() and not dialog.remember.isChecked()
    dialog.password.setText(demo.passwords["auditor"])
    assert dialog.sign_in()
    assert dialog.actor is not None and dialog.actor.role == "read_only"


def test_keyring_store_turns_no_keyring_error_into_unavailable():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = KeyringSecretStore("TuffOps Desktop tests")
        for call in (lambda: store.get("a"), lambda: store.set("a", "b"), lambda: store.delete("a")):
            with pytest.raises(SecretStoreUnavailable):
                call()
    finally:
        keyring.set_keyring(previous)


def test_local_config_survives_a_damaged_file_and_keeps_unicode(tmp_path):
    path = tmp_path / "prefs.json"
    path.write_text("{not json", encoding="utf-8")
    config = LocalConfig(path)
    assert config.get("last_username") is None
    config.set("last_username", "zoë")
    assert LocalConfig(path).get("last_username") == "zoë"
