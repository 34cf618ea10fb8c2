"""The first-run wizard and the start-up that decides whether it is needed; the About box.

Real databases throughout: embedded files in a temporary data folder, and for the office
server a PostgreSQL cluster where roles sign in with a password (``tests/office_cluster``).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import create_engine, text

from tests.office_cluster import PASSWORD, create_database, office_url, start_office_cluster
from tests.pgcluster import Cluster
from tests.ui.conftest import FakePrompts
from tuffops_desktop import __version__
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.config.database_choice import (
    EmbeddedChoice,
    ServerChoice,
    remember,
    remembered,
    startup_choice,
)
from tuffops_desktop.config.local import LocalConfig
from tuffops_desktop.config.secrets import MemorySecretStore, SecretStoreUnavailable
from tuffops_desktop.db.engine import make_engine, make_session_factories
from tuffops_desktop.db.migrate import head_revision, upgrade
from tuffops_desktop.db.probe import DatabaseCheck, SchemaState, check_database
from tuffops_desktop.ui.about import AboutDialog
from tuffops_desktop.ui.first_run import NO_STORE_NOTE, Opened, SetupWizard, Step, open_for_desktop
from tuffops_desktop.ui.login_dialog import LoginDialog
from tuffops_desktop.ui.tasks import TaskRunner

WAIT_MS = 30_000


class NoKeyring:
    """A computer without any secure password store."""

    def __init__(self) -> None:
        self.writes = 0

    def get(self, account: str) -> str | None:
        raise SecretStoreUnavailable("No secure password store on this computer; you will be asked each time.")

    def set(self, account: str, secret: str) -> None:
        self.writes += 1
        self.get(account)

    delete = get  # type: ignore[assignment]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("TUFFOPS_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def local(tmp_path: Path) -> LocalConfig:
    return LocalConfig(tmp_path / "prefs.json")


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.shutdown()


@pytest.fixture(scope="module")
def office() -> Iterator[Cluster]:
    cluster = start_office_cluster()
    yield cluster
    cluster.stop()


def wizard(qtbot, runner, secrets, local, **kwargs: Any) -> SetupWizard:  # noqa: ANN001
    dialog = SetupWizard(runner, secrets, local, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def settle(qtbot, dialog: SetupWizard) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)


def finish_admin(qtbot, dialog: SetupWizard, username: str = "owner", password: str = "correct horse 1") -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: dialog.step is Step.ADMIN and not dialog.busy, timeout=WAIT_MS)
    qtbot.keyClicks(dialog.new_username, username)
    dialog.new_full_name.setText("Ola Owner")
    dialog.new_password.setText(password)
    dialog.new_password_again.setText(password)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT_MS)


# ----------------------------------------------------------------- "This computer only"
def test_this_computer_only_creates_the_database_and_the_first_administrator(qtbot, runner, local, data_dir):
    dialog = wizard(qtbot, runner, MemorySecretStore(), local)
    assert dialog.step is Step.CHOOSE and dialog.embedded_option.isChecked()
    assert dialog.back_button.isHidden()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    finish_admin(qtbot, dialog)

    opened = dialog.opened
    assert opened is not None and opened.actor is not None
    assert (opened.actor.username, opened.actor.role) == ("owner", "admin")
    database = data_dir / "tuffops.sqlite3"
    assert opened.url == f"sqlite:///{database.as_posix()}" and database.is_file()
    found = check_database(opened.url)
    assert found.ready and found.revision == head_revision() and found.users == 1
    assert remembered(local) == EmbeddedChoice(database)
    assert local.get("last_username") == "owner", "the next sign-in offers the new administrator"
    assert startup_choice(LocalConfig(local.path)) == EmbeddedChoice(database)


def test_the_first_administrator_form_says_what_is_wrong_and_stores_nothing(qtbot, runner, local, data_dir):
    dialog = wizard(qtbot, runner, MemorySecretStore(), local)
    dialog.next()
    qtbot.waitUntil(lambda: dialog.step is Step.ADMIN and not dialog.busy, timeout=WAIT_MS)
    dialog.new_username.setText("owner")
    dialog.new_password.setText("correct horse 1")
    dialog.new_password_again.setText("correct horse 2")
    dialog.next()
    assert dialog.admin_errors.visible_messages() == {"password_again": "The two passwords differ."}
    assert not dialog.busy

    dialog.new_username.setText("X")
    dialog.new_password.setText("short")
    dialog.new_password_again.setText("short")
    dialog.next()
    settle(qtbot, dialog)
    shown = dialog.admin_errors.visible_messages()
    assert set(shown) == {"username", "password"} and "8 characters" in shown["password"]
    assert dialog.isVisible() and dialog.opened is None
    assert check_database(f"sqlite:///{(data_dir / 'tuffops.sqlite3').as_posix()}").users == 0
    assert remembered(local) is None, "nothing is remembered before the database can be used"


# ----------------------------------------------------------------- office server
def fill_server(dialog: SetupWizard, cluster: Cluster, *, password: str, database: str = "tuffops") -> None:
    dialog.server_option.setChecked(True)
    dialog.next()
    assert dialog.step is Step.SERVER
    port = int(cluster.url.split(":")[-1].split("/")[0])
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(port)
    dialog.database.setText(database)
    dialog.user.setText("office")
    dialog.password.setText(password)


def test_office_server_with_a_wrong_password_says_so(qtbot, runner, local, data_dir, office):
    secrets = MemorySecretStore()
    dialog = wizard(qtbot, runner, secrets, local)
    fill_server(dialog, office, password="not-the-password")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert dialog.busy and "Testing the connection to 127.0.0.1" in dialog.status_text
    settle(qtbot, dialog)

    assert dialog.status_role == "error"
    assert dialog.status_text.startswith("The server refused the user name “office” or its password.")
    assert dialog.step is Step.SERVER and dialog.next_button.isEnabled()
    dialog.next()  # Connect says the same and stays
    settle(qtbot, dialog)
    assert dialog.step is Step.SERVER and "refused the user name" in dialog.status_text
    assert secrets.secrets == {} and remembered(local) is None


def test_office_server_fields_are_checked_before_connecting(qtbot, runner, local, data_dir):
    dialog = wizard(qtbot, runner, MemorySecretStore(), local)
    dialog.server_option.setChecked(True)
    dialog.next()
    dialog.host.setText("office server")
    dialog.database.setText("")
    dialog.test_connection()
    assert not dialog.busy
    assert set(dialog.server_errors.visible_messages()) == {"host", "database"}


def test_office_server_set_up_remembers_it_and_keeps_the_password_in_the_keyring(
    qtbot, runner, local, data_dir, office
):
    secrets = MemorySecretStore()
    dialog = wizard(qtbot, runner, secrets, local)
    fill_server(dialog, office, password=PASSWORD, database="tuffops")
    dialog.test_connection()
    settle(qtbot, dialog)
    assert dialog.status_role == "note" and "The database is empty" in dialog.status_text

    dialog.next()  # an empty database the account owns: its tables are created at once
    finish_admin(qtbot, dialog, "boss")

    choice = remembered(local)
    assert isinstance(choice, ServerChoice) and (choice.host, choice.user, choice.database) == (
        "127.0.0.1",
        "office",
        "tuffops",
    )
    assert secrets.secrets == {choice.secret_account: PASSWORD}
    assert PASSWORD not in local.path.read_text(encoding="utf-8"), "never a password in the preferences file"
    assert dialog.opened is not None and dialog.opened.actor is not None and dialog.opened.actor.username == "boss"

    # Next start: the remembered server with the keyring's password, straight to sign-in.
    def no_wizard(*args: Any, **kwargs: Any) -> SetupWizard:
        raise AssertionError("the wizard is not needed")

    again = open_for_desktop(
        None, runner=runner, prompts=FakePrompts(), local=local, secrets=secrets, wizard_factory=no_wizard
    )
    assert isinstance(again, Opened) and again.actor is None and again.url == choice.url(PASSWORD)


def test_without_a_keyring_it_says_so_and_asks_at_each_start(qtbot, runner, local, data_dir, office):
    create_database(office, "tuffops_nokeyring")
    store = NoKeyring()
    dialog = wizard(qtbot, runner, store, local)
    fill_server(dialog, office, password=PASSWORD, database="tuffops_nokeyring")
    assert dialog.store_note.isVisible() and dialog.store_note.text() == NO_STORE_NOTE
    assert not dialog.remember_password.isEnabled() and not dialog.remember_password.isChecked()
    dialog.next()
    finish_admin(qtbot, dialog)
    assert store.writes == 0
    assert PASSWORD not in local.path.read_text(encoding="utf-8")

    asked: list[dict[str, Any]] = []

    class Asked:
        opened = None

        def exec(self) -> int:
            return 0

    def factory(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs)
        return Asked()

    assert (
        open_for_desktop(None, runner=runner, prompts=FakePrompts(), local=local, secrets=store, wizard_factory=factory)
        == 0
    )
    (kwargs,) = asked
    assert kwargs["start"] is Step.SERVER and isinstance(kwargs["choice"], ServerChoice)
    assert kwargs["notice"] == "Enter the database password for office on 127.0.0.1." and kwargs["message"] == ""


def test_a_remembered_server_that_refuses_the_password_opens_the_server_page(qtbot, runner, local, data_dir, office):
    choice = ServerChoice("127.0.0.1", int(office.url.split(":")[-1].split("/")[0]), "tuffops", "office")
    remember(local, choice)
    secrets = MemorySecretStore()
    secrets.set(choice.secret_account, "changed-since")
    made: list[SetupWizard] = []

    def factory(*args: Any, **kwargs: Any) -> SetupWizard:
        dialog = SetupWizard(*args, **kwargs)
        qtbot.addWidget(dialog)
        made.append(dialog)
        dialog.exec = lambda: 0  # type: ignore[method-assign]
        return dialog

    assert (
        open_for_desktop(
            None, runner=runner, prompts=FakePrompts(), local=local, secrets=secrets, wizard_factory=factory
        )
        == 0
    )
    (dialog,) = made
    assert dialog.step is Step.SERVER and dialog.host.text() == "127.0.0.1" and dialog.user.text() == "office"
    assert dialog.status_text.startswith("The server refused the user name “office”")
    assert dialog.back_button.isVisibleTo(dialog), "Back leads to “This computer only”"


# ----------------------------------------------------------------- schema upgrades
def _older_embedded(path: Path) -> str:
    url = f"sqlite:///{path.as_posix()}"
    engine = make_engine(url)
    upgrade(engine, "0011_invoice_indexes")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, full_name, email, password_hash, role, extra_permissions, active, "
                "created_at, version) VALUES ('old', '', '', 'x', 'admin', '[]', 1, '2026-01-01 00:00:00', 1)"
            )
        )
    engine.dispose()
    return url


def test_an_older_embedded_database_is_backed_up_then_upgraded(qtbot, runner, local, data_dir, tmp_path):
    url = _older_embedded(tmp_path / "office.sqlite3")
    made: list[SetupWizard] = []

    def factory(*args: Any, **kwargs: Any) -> SetupWizard:
        dialog = wizard(qtbot, *args, **kwargs)
        made.append(dialog)
        dialog.exec = lambda: (settle(qtbot, dialog), dialog.result())[1]  # type: ignore[method-assign]
        return dialog

    prompts = FakePrompts()
    opened = open_for_desktop(
        url, runner=runner, prompts=prompts, local=local, secrets=MemorySecretStore(), wizard_factory=factory
    )
    assert opened == 0 and prompts.calls == []
    (dialog,) = made
    assert dialog.step is Step.SCHEMA and dialog.back_button.isHidden()
    assert "schema 0011_invoice_indexes" in dialog.schema_text.text()
    assert dialog.backup_box.isVisible() and dialog.backup_box.isChecked()
    assert dialog.next_button.text().replace("&", "") == "Back up and upgrade"
    assert not dialog.consent_card.isVisibleTo(dialog)

    dialog.next()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT_MS)
    assert check_database(url).ready and check_database(url).revision == head_revision()
    (backup,) = (tmp_path / "backups").glob("office-*.sqlite3")
    with contextlib.closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0011_invoice_indexes",)
    assert remembered(local) is None, "an address given on the command line is not remembered"


def test_an_older_office_database_needs_an_administrators_consent(qtbot, runner, local, pg_server_url):
    name = "older_office_ui"
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = pg_server_url.rsplit("/", 1)[0] + "/" + name
    try:
        engine = make_engine(url)
        upgrade(engine, "0009_invoices")  # as an earlier version left it
        services = system_services(make_session_factories(engine))
        services.users.add("boss", "boss-password-1", "admin")
        services.users.add("clerk", "clerk-password-1", "office")
        engine.dispose()
        check = check_database(url)
        assert check.schema is SchemaState.OLDER
        dialog = wizard(qtbot, runner, MemorySecretStore(), local, start=Step.SCHEMA, url=url, check=check)
        assert dialog.consent_card.isVisible() and not dialog.backup_box.isVisibleTo(dialog)
        assert "Every workstation uses this database" in dialog.schema_text.text()

        dialog.next()
        assert dialog.status_text.startswith("Enter an administrator's user name and password")
        dialog.admin_name.setText("clerk")
        dialog.admin_password.setText("clerk-password-1")
        dialog.next()
        settle(qtbot, dialog)
        assert dialog.status_text.startswith("“clerk” is not an administrator. Ask an administrator")
        assert check_database(url).schema is SchemaState.OLDER

        dialog.admin_name.setText("boss")
        dialog.admin_password.setText("boss-password-1")
        dialog.next()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=WAIT_MS)
        assert check_database(url).ready
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_an_account_that_may_not_upgrade_is_told_to_ask_an_administrator(qtbot, runner, local):
    check = DatabaseCheck(
        dialect="postgresql",
        revision="0011_invoice_indexes",
        head=head_revision(),
        schema=SchemaState.OLDER,
        users=3,
        may_change_schema=False,
    )
    dialog = wizard(
        qtbot,
        runner,
        MemorySecretStore(),
        local,
        start=Step.SCHEMA,
        choice=ServerChoice("db.office", 5432, "tuffops", "clerk"),
        url="postgresql+psycopg://clerk:x@db.office/tuffops",
        check=check,
    )
    assert dialog.schema_note.isVisible()
    assert dialog.schema_note.text().startswith("Ask your administrator: the database user “clerk” may not change")
    assert not dialog.next_button.isEnabled() and not dialog.consent_card.isVisibleTo(dialog)


def test_a_database_from_a_newer_version_is_refused_with_that_message(qtbot, runner, local, tmp_path):
    url = f"sqlite:///{(tmp_path / 'newer.sqlite3').as_posix()}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    prompts = FakePrompts()
    assert open_for_desktop(url, runner=runner, prompts=prompts, local=local, secrets=MemorySecretStore()) == 1
    (call,) = prompts.calls
    assert call[:2] == ("warning", "Cannot open the database")
    assert "(schema 0099_from_the_future) was upgraded by a newer TuffOps Desktop" in call[2]


# ----------------------------------------------------------------- start-up without the wizard
def test_an_existing_default_embedded_database_opens_without_the_wizard(qtbot, runner, local, data_dir):
    """./dev.sh app: `tuffops demo --if-empty` made the default database, then the app opens."""
    url = f"sqlite:///{(data_dir / 'tuffops.sqlite3').as_posix()}"
    db = open_database(url)
    system_services(db).users.add("admin", "admin-password-1", "admin")
    db.engine.dispose()

    def no_wizard(*args: Any, **kwargs: Any) -> SetupWizard:
        raise AssertionError("the wizard is not needed")

    opened = open_for_desktop(
        None, runner=runner, prompts=FakePrompts(), local=local, secrets=MemorySecretStore(), wizard_factory=no_wizard
    )
    assert opened == Opened(url)
    assert remembered(local) is None


def test_asking_for_another_database_at_sign_in(qtbot, runner, local, data_dir, demo):
    choice = ServerChoice("db.office", 5432, "tuffops", "ann")
    remember(local, choice)
    login = LoginDialog(
        demo.authenticate,
        MemorySecretStore(),
        local,
        scope="x",
        database_label="SQLite · test",
        can_change_database=True,
    )
    qtbot.addWidget(login)
    login.show()
    assert login.change_database_button.isVisible()
    qtbot.mouseClick(login.change_database_button, Qt.MouseButton.LeftButton)
    assert login.change_database_requested and login.result() == QDialog.DialogCode.Rejected

    made: list[SetupWizard] = []

    def factory(*args: Any, **kwargs: Any) -> SetupWizard:
        dialog = SetupWizard(*args, **kwargs)
        qtbot.addWidget(dialog)
        dialog.exec = lambda: 0  # type: ignore[method-assign]
        made.append(dialog)
        return dialog

    assert (
        open_for_desktop(
            None,
            ask=True,
            runner=runner,
            prompts=FakePrompts(),
            local=local,
            secrets=MemorySecretStore(),
            wizard_factory=factory,
        )
        == 0
    )
    (dialog,) = made
    assert dialog.step is Step.CHOOSE and dialog.server_option.isChecked() and dialog.host.text() == "db.office"

    fixed = LoginDialog(demo.authenticate, MemorySecretStore(), local, scope="x", database_label="x")
    qtbot.addWidget(fixed)
    fixed.show()
    assert not fixed.change_database_button.isVisible(), "not for an address given on the command line"


# ----------------------------------------------------------------- About
def test_about_shows_version_database_without_password_and_schema_revision(qtbot, runner, office):
    url = office_url(office, database="tuffops_about")
    create_database(office, "tuffops_about")
    db = open_database(url)
    try:
        dialog = AboutDialog(db, runner)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.schema_task.done, timeout=WAIT_MS)
        assert dialog.values["version"].text() == __version__
        shown = dialog.values["database"].text()
        assert shown.startswith("Office server (PostgreSQL)\n") and "office@127.0.0.1" in shown
        assert shown.endswith("/tuffops_about")
        assert dialog.values["schema"].text() == f"{head_revision()} (as this version expects)"
        details = dialog.details()
        assert PASSWORD not in details and "***" not in details
        assert f"Version: {__version__}" in details
    finally:
        db.engine.dispose()


def test_about_on_the_embedded_database(qtbot, runner, demo):
    dialog = AboutDialog(demo.db, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.schema_task.done, timeout=WAIT_MS)
    assert dialog.values["database"].text() == f"This computer only (SQLite)\n{demo.db.engine.url.database}"
    assert head_revision() in dialog.values["schema"].text()


def test_the_preferences_file_is_plain_json_without_secrets(local):
    remember(local, ServerChoice("db.office", 5433, "tuffops", "ann"))
    assert json.loads(local.path.read_text(encoding="utf-8")) == {
        "database": {"kind": "server", "host": "db.office", "port": 5433, "database": "tuffops", "user": "ann"}
    }
