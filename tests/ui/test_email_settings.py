"""Settings → E-mail: the mail server fields saved with the page, the password kept in the
keyring (never in the settings table), "Send a test e-mail" against a real SMTP server in
this process with a clear message per failure, the templates with a preview on real
data and reset to default, read-only for viewers; and the desktop's sender, which runs
on the background runner only while e-mail can be sent from this computer.

Screenshots for a look: ``/tmp/tuffops-email-settings.png`` and
``/tmp/tuffops-email-template.png``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget
from sqlalchemy import select

from tests.notifications.smtp_server import SmtpServer, free_port
from tuffops_desktop.config.secrets import MemorySecretStore, smtp_account
from tuffops_desktop.db.models import OutboxMessage, Setting
from tuffops_desktop.domain.notifications import Event
from tuffops_desktop.services import outbox
from tuffops_desktop.ui.mail_sending import DesktopSender, SendingState, should_send
from tuffops_desktop.ui.pages.settings import email_section
from tuffops_desktop.ui.pages.settings.page import SettingsPage

SHOT = "/tmp/tuffops-email-settings.png"
TEMPLATE_SHOT = "/tmp/tuffops-email-template.png"


@pytest.fixture
def keyring() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch, keyring) -> None:  # noqa: ANN001
    """This computer's keyring, for the tests: in memory."""
    monkeypatch.setattr(email_section, "desktop_secrets", lambda: keyring)


@pytest.fixture
def smtp(tmp_path) -> Iterator[SmtpServer]:
    with SmtpServer(tmp_path) as server:
        yield server


@pytest.fixture(autouse=True)
def email_off_again(demo):  # noqa: ANN001, ANN201
    """The demo database is shared by the module: leave its E-mail settings as found."""
    admin = demo.services_as("admin")
    names = ("smtp_enabled", "smtp_host", "smtp_port", "smtp_tls_mode", "smtp_user", "smtp_from", "smtp_reply_to")
    before = {name: admin.settings.get(name) for name in names}
    yield
    admin.settings.update(before)


def make_page(qtbot, services, kit, width: int = 1100) -> SettingsPage:  # noqa: ANN001
    page = SettingsPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(width, 900)
    page.show()
    section = page.email_section
    qtbot.waitUntil(lambda: len(section.templates) == len(Event), timeout=5000)
    return page


def set_text(page: SettingsPage, name: str, text: str) -> None:
    editor = page.editors[name]
    assert isinstance(editor, QLineEdit)
    editor.setText(text)


def point_at(page: SettingsPage, server_port: int, *, tls: str = "none", user: str = "") -> None:
    """Fill the E-mail fields on screen (not saved)."""
    set_text(page, "smtp_host", "127.0.0.1")
    set_text(page, "smtp_port", str(server_port))
    combo = page.editors["smtp_tls_mode"]
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(tls))
    set_text(page, "smtp_user", user)
    set_text(page, "smtp_from", "office@caribe.example")


def wait_result(qtbot, section) -> str:  # noqa: ANN001
    qtbot.waitUntil(lambda: section.test_button.isEnabled(), timeout=15_000)
    return section.test_result.text()


# ----------------------------------------------------------------------------- the form
def test_the_mail_server_fields_live_in_the_section_and_save_with_the_page(qtbot, demo, kit, themed):
    admin = demo.services_as("admin")
    page = make_page(qtbot, admin, kit)
    section = page.email_section
    box = section.settings_box
    assert box is not None and box.title() == "E-mail"
    for name in ("smtp_enabled", "smtp_host", "smtp_port", "smtp_tls_mode", "smtp_user", "smtp_from", "smtp_reply_to"):
        assert box.isAncestorOf(page.editors[name]), name
        assert not page.groups_holder.isAncestorOf(page.editors[name])
    assert box.isAncestorOf(section.password) and box.isAncestorOf(section.test_button)
    combo = page.editors["smtp_tls_mode"]
    assert [combo.itemData(i) for i in range(combo.count())] == ["starttls", "ssl", "none"]

    set_text(page, "smtp_host", "smtp.caribe.example")
    set_text(page, "smtp_from", "office@caribe.example")
    assert page.save_button.isEnabled() and page.status.text() == "Unsaved changes."
    assert page.save()
    assert admin.settings.get("smtp_host") == "smtp.caribe.example"
    assert admin.settings.get("smtp_from") == "office@caribe.example"
    set_text(page, "smtp_from", "not an address")
    assert not page.save()
    assert "is not an e-mail address" in page.errors.visible_messages()["smtp_from"]
    assert admin.settings.get("smtp_from") == "office@caribe.example"  # nothing stored
    page.revert_button.click()
    assert page.editors["smtp_from"].text() == "office@caribe.example"

    set_text(page, "smtp_user", "office")
    qtbot.waitUntil(lambda: "Not stored on this computer" in section.password_status.text(), timeout=3000)
    section.password.setText("s3cret")
    section.test_to.setText("you@example.com")
    section.templates_table.selectRow(0)
    qtbot.wait(50)
    section.grab().save(SHOT)


def test_the_password_goes_to_the_keyring_never_to_the_settings(qtbot, demo, kit, keyring):
    admin = demo.services_as("admin")
    page = make_page(qtbot, admin, kit)
    section = page.email_section
    with qtbot.waitSignal(section.password_changed, timeout=3000):
        pass_missing = section.store_password()  # no server or user yet
        assert not pass_missing
        section.password_changed.emit()
    assert section.password_status.text() == "Fill in the mail server and the user name first."
    set_text(page, "smtp_host", "smtp.caribe.example")
    set_text(page, "smtp_user", "office@caribe.example")
    section.password.setText("correct horse battery")
    with qtbot.waitSignal(section.password_changed, timeout=3000):
        assert section.store_password()
    account = smtp_account("office@caribe.example", "smtp.caribe.example")
    assert keyring.secrets == {account: "correct horse battery"}
    assert section.password.text() == ""
    qtbot.waitUntil(lambda: section.password_status.text().startswith("Stored on this computer"), timeout=3000)
    assert section.forget_password_button.isEnabled()
    with admin.ctx.read() as session:
        values = [str(row.value) for row in session.scalars(select(Setting))]
    assert not any("correct horse" in value for value in values)

    set_text(page, "smtp_host", "smtp.other.example")  # another server: its own entry, none yet
    qtbot.waitUntil(lambda: "Not stored on this computer" in section.password_status.text(), timeout=3000)
    set_text(page, "smtp_host", "smtp.caribe.example")
    qtbot.waitUntil(lambda: section.password_status.text().startswith("Stored"), timeout=3000)
    kit.prompts.confirm_answer = True
    with qtbot.waitSignal(section.password_changed, timeout=3000):
        assert section.forget_password()
    assert keyring.secrets == {}


# ----------------------------------------------------------------------------- test e-mail
def test_a_test_email_reaches_the_server_with_the_settings_on_screen(qtbot, demo, kit, smtp):
    admin = demo.services_as("admin")
    page = make_page(qtbot, admin, kit)
    section = page.email_section
    point_at(page, smtp.port)
    section.test_to.setText("me@caribe.example")
    assert section.send_test()
    assert section.test_result.text() == "Sending to me@caribe.example…"
    result = wait_result(qtbot, section)
    assert result.startswith("Sent to me@caribe.example. The mail server answered: 250")
    assert [m.rcpt_tos for m in smtp.received] == [["me@caribe.example"]]
    assert admin.settings.get("smtp_host") != "127.0.0.1"  # tested, not saved


def test_each_failure_says_what_to_check(qtbot, demo, kit, tmp_path):
    admin = demo.services_as("admin")
    page = make_page(qtbot, admin, kit)
    section = page.email_section
    section.test_to.setText("me@caribe.example")

    point_at(page, free_port())  # nothing listens there
    section.send_test()
    assert wait_result(qtbot, section).startswith("Cannot reach the mail server.")

    (tmp_path / "plain").mkdir()
    with SmtpServer(tmp_path / "plain") as plain:
        point_at(page, plain.port, tls="starttls")  # the server offers no STARTTLS
        section.send_test()
        assert wait_result(qtbot, section).startswith("The secure connection to the mail server failed.")

    (tmp_path / "auth").mkdir()
    with SmtpServer(tmp_path / "auth", auth=("office", "right")) as guarded:
        point_at(page, guarded.port, user="office")
        section.password.setText("wrong")
        section.send_test()
        assert wait_result(qtbot, section).startswith("The mail server refused the user name or password.")
        section.password.setText("right")
        section.send_test()
        assert wait_result(qtbot, section).startswith("Sent to me@caribe.example.")

    (tmp_path / "refuse").mkdir()
    with SmtpServer(tmp_path / "refuse", refuse={"nobody@caribe.example"}) as picky:
        point_at(page, picky.port)
        section.password.clear()
        section.test_to.setText("nobody@caribe.example")
        section.send_test()
        assert wait_result(qtbot, section).startswith("The mail server refused the recipient's address.")
        assert picky.received == []

    set_text(page, "smtp_port", "99999")
    assert not section.send_test()
    assert section.test_result.text() == "A port number from 1 to 65535."
    section.test_to.clear()
    set_text(page, "smtp_port", "25")
    assert not section.send_test()
    assert section.test_result.text() == "Type the address to send the test to."


# ----------------------------------------------------------------------------- templates
def test_a_template_previews_on_real_data_saves_and_resets(qtbot, demo, kit, themed):
    admin = demo.services_as("admin")
    page = make_page(qtbot, admin, kit)
    section = page.email_section
    assert {info.event for info in section.templates} == set(Event)
    assert section.select_template("invoice_issued")
    assert not section.reset_template_button.isEnabled()  # still the default
    dialog = section.template_dialog(section.current_template())
    qtbot.addWidget(dialog)
    dialog.resize(1180, 720)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=10_000)
    assert "INV-" in dialog.preview.subject  # the latest real invoice of the demo
    assert dialog.source.text().startswith("Shown with: ")
    assert dialog.attachments.text().startswith("Attached: ") and ".pdf" in dialog.attachments.text()

    dialog.subject.setText("Your invoice {{ nonsense }}")
    qtbot.waitUntil(lambda: dialog.problem.isVisible(), timeout=5000)
    assert not dialog.save() and not dialog.saved
    dialog.subject.setText("Invoice {{ invoice }} from {{ company }} — thank you")
    dialog.text.setPlainText(dialog.text.toPlainText() + "\nSee you next season!")
    qtbot.waitUntil(lambda: dialog.preview is not None and "thank you" in dialog.preview.subject, timeout=5000)
    assert "See you next season!" in dialog.preview_text.toPlainText()
    qtbot.wait(50)
    dialog.grab().save(TEMPLATE_SHOT)
    assert dialog.save()

    section.refresh_templates()  # what edit_template does after a save
    qtbot.waitUntil(
        lambda: section.select_template("invoice_issued") and not section.current_template().is_default, timeout=3000
    )
    section.select_template("invoice_issued")
    assert section.current_template().template.subject.endswith("— thank you")
    row = section.templates_table.currentRow()
    assert section.templates_table.item(row, 1).text() == "Edited"
    kit.prompts.confirm_answer = True
    assert section.reset_template()
    qtbot.waitUntil(
        lambda: section.select_template("invoice_issued") and section.current_template().is_default, timeout=3000
    )
    assert section.templates_table.item(section.templates_table.currentRow(), 1).text() == "Default"


def test_viewers_see_but_change_nothing(qtbot, demo, kit):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    section = page.email_section
    for name in ("smtp_host", "smtp_user", "smtp_from"):
        editor = page.editors[name]
        assert isinstance(editor, QLineEdit) and editor.isReadOnly()
    enabled = page.editors["smtp_enabled"]
    assert isinstance(enabled, QCheckBox) and not enabled.isEnabled()
    assert not section.password.isVisible() and not section.store_password_button.isVisible()
    assert not section.test_button.isVisibleTo(page) and not section.send_test()
    assert section.password_status.isVisible()
    assert section.edit_template_button.text() == "Show template…"
    assert not section.reset_template_button.isVisible()
    section.select_template("request_received")
    dialog = section.template_dialog(section.current_template())
    qtbot.addWidget(dialog)
    assert dialog.subject.isReadOnly() and not dialog.save()


# ----------------------------------------------------------------------------- the desktop's sender
@pytest.mark.parametrize(
    ("state", "sends"),
    [
        (SendingState(True, "smtp.example", "office@example.com", "", False), True),
        (SendingState(True, "smtp.example", "office@example.com", "office", True), True),
        (SendingState(True, "smtp.example", "office@example.com", "office", False), False),  # no password here
        (SendingState(False, "smtp.example", "office@example.com", "", False), False),  # switched off
        (SendingState(True, "", "office@example.com", "", False), False),  # no server
        (SendingState(True, "smtp.example", " ", "", False), False),  # no From
    ],
)
def test_a_desktop_sends_only_when_it_can(state, sends):
    assert should_send(state) is sends


def test_the_desktop_sender_delivers_the_outbox_in_the_background_while_e_mail_is_on(qtbot, demo, kit, smtp):
    admin = demo.services_as("admin")
    admin.settings.update(
        {
            "smtp_enabled": True,
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_tls_mode": "none",
            "smtp_user": "",
            "smtp_from": "office@caribe.example",
        }
    )
    with admin.ctx.write() as session:
        outbox.queue(session, admin.ctx, Event.TEST, ["me@caribe.example"], {})
    holder = QWidget()
    qtbot.addWidget(holder)
    sender = DesktopSender(admin.settings, admin.ctx.db, kit.ops.runner, secrets=MemorySecretStore(), parent=holder)
    try:
        sender.check()
        qtbot.waitUntil(lambda: sender.running, timeout=3000)
        qtbot.waitUntil(lambda: any(m.rcpt_tos == ["me@caribe.example"] for m in smtp.received), timeout=10_000)

        def waiting() -> list[OutboxMessage]:
            with admin.ctx.read() as session:
                return list(
                    session.scalars(
                        select(OutboxMessage).where(OutboxMessage.event == "test", OutboxMessage.status != "sent")
                    ).all()
                )

        # sent and marked: the mark is committed just after the server accepted the message
        # (read at once, a loaded fresh-clone run saw it between the two)
        qtbot.waitUntil(lambda: waiting() == [], timeout=10_000)

        admin.settings.update({"smtp_enabled": False})
        sender.check()  # the window does this when the change feed reports the setting
        qtbot.waitUntil(lambda: not sender.running, timeout=5000)
        admin.settings.update({"smtp_enabled": True, "smtp_user": "office"})
        sender.check()
        qtbot.waitUntil(lambda: sender.state is not None and sender.state.user == "office", timeout=3000)
        assert not sender.running  # a login is needed and this computer has no password
    finally:
        sender.close()
    assert not sender.running


def test_the_window_runs_the_sender_and_follows_the_setting(qtbot, demo, kit, smtp):
    from tuffops_desktop.ui.main_window import MainWindow

    admin = demo.services_as("admin")
    admin.settings.update(
        {
            "smtp_enabled": True,
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_tls_mode": "none",
            "smtp_user": "",
            "smtp_from": "office@caribe.example",
        }
    )
    window = MainWindow(demo.services_as("office"), kit.ops, kit.prompts, kit.monitor, database_label="test")
    qtbot.addWidget(window)
    window.show()
    assert window.live.wait_ready(5)
    qtbot.waitUntil(lambda: window.sender.running, timeout=3000)
    with admin.ctx.write() as session:
        outbox.queue(session, admin.ctx, Event.TEST, ["woken@caribe.example"], {})
    qtbot.waitUntil(lambda: any(m.rcpt_tos == ["woken@caribe.example"] for m in smtp.received), timeout=10_000)
    admin.settings.update({"smtp_enabled": False})  # another workstation switches e-mail off
    qtbot.waitUntil(lambda: not window.sender.running, timeout=5000)
    window.close()
    assert not window.sender.running
