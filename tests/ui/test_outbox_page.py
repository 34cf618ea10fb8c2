"""Settings → Outbox: the list with its filters and search, the message panel, retry and
cancel (administrators only; a confirmation before a cancel), and messages the sender
of another workstation changes arriving row by row. A screenshot is written to
``/tmp/tuffops-outbox.png`` for a look."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.modeltest import ModelTester
from sqlalchemy import update

from tests.factories import make_customer
from tuffops_desktop.db.models import OutboxMessage
from tuffops_desktop.domain.notifications import Event
from tuffops_desktop.services import outbox
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.pages.outbox.page import OutboxPage

SHOT = "/tmp/tuffops-outbox.png"


def _queue(services, event: Event, to: list[str], customer_id: int | None, **after: object) -> int:  # noqa: ANN001
    with services.ctx.write() as session:
        outbox_id = outbox.queue(session, services.ctx, event, to, {"ticket": "R-ABCDE-12345"}, customer_id=customer_id)
        assert outbox_id is not None
        if after:  # where the sender would have left it
            session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id).values(**after))
    return outbox_id


@pytest.fixture(scope="module")
def mail(demo):  # noqa: ANN001, ANN201
    admin = demo.services_as("admin")
    customers = admin.customers.rows(admin.customers.list_ids(ListQuery(sort="name"))[:3])
    ann, bob, cid = customers[0], customers[1], customers[2]
    now = datetime.now(UTC)
    ids = {
        "queued": _queue(admin, Event.REQUEST_RECEIVED, ["tenant@example.com"], ann.id),
        "sent": _queue(
            admin,
            Event.INVOICE_ISSUED,
            ["ap@example.com", "owner@example.com"],
            bob.id,
            status="sent",
            subject="Invoice INV-2026-00007 from Caribe Cooling Services",
            attempts=1,
            sent_at=now,
            message_id="<outbox.2.ab12@caribe.example>",
            server_reply="250 2.0.0 Ok: queued as 4F2A1",
        ),
        "failed": _queue(
            admin,
            Event.PAYMENT_RECEIVED,
            ["tenant@example.com"],
            ann.id,
            status="failed",
            attempts=2,
            next_attempt_at=now + timedelta(minutes=5),
            last_error="Cannot reach the mail server. Check the host name and port.",
        ),
        "gave_up": _queue(
            admin,
            Event.INVOICE_OVERDUE,
            ["old-address@example.com"],
            cid.id,
            status="failed",
            attempts=8,
            next_attempt_at=None,
            last_error="The mail server refused the recipient's address.",
            server_reply="550 5.1.1 <old-address@example.com>: Recipient address rejected",
        ),
        "test": _queue(admin, Event.TEST, ["admin@caribe.example"], None, status="cancelled", next_attempt_at=None),
    }
    return {"ann": ann.id, "bob": bob.id, **ids}


def make_page(qtbot, services, kit) -> OutboxPage:  # noqa: ANN001
    page = OutboxPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=3000)
    return page


def test_the_list_filters_and_the_panel(qtbot, demo, kit, mail, themed):
    page = make_page(qtbot, demo.services_as("admin"), kit)
    tester = ModelTester(None)
    tester.check(page.model)
    ids = page.model.ids()
    assert ids[:5] == sorted((mail[k] for k in ("queued", "sent", "failed", "gave_up", "test")), reverse=True)

    def listed(condition) -> bool:  # noqa: ANN001
        rows = page._listing.rows(page.model.ids())
        return bool(rows) and all(condition(r) for r in rows)

    page.status_filter.setCurrentIndex(page.status_filter.findData("gave_up"))
    qtbot.waitUntil(lambda: listed(lambda r: r.gave_up), timeout=2000)
    assert mail["gave_up"] in page.model.ids() and mail["failed"] not in page.model.ids()
    page.status_filter.setCurrentIndex(page.status_filter.findData("failed"))
    qtbot.waitUntil(lambda: listed(lambda r: r.status == "failed"), timeout=2000)
    assert {mail["failed"], mail["gave_up"]} <= set(page.model.ids())
    page.status_filter.setCurrentIndex(page.status_filter.findData(""))
    page.event_filter.setCurrentIndex(page.event_filter.findData("invoice_issued"))
    qtbot.waitUntil(lambda: listed(lambda r: r.event == "invoice_issued"), timeout=2000)
    assert mail["sent"] in page.model.ids()
    page.event_filter.setCurrentIndex(0)
    page.search.set_search("owner@example")
    qtbot.waitUntil(lambda: page.model.ids() == [mail["sent"]], timeout=2000)
    page.table.select_id(mail["sent"])
    detail = page.detail
    assert detail.subject.text() == "Invoice INV-2026-00007 from Caribe Cooling Services"
    assert detail.status_tag.text() == "Sent"
    assert detail.values["to"].text() == "ap@example.com\nowner@example.com"
    assert detail.values["reply"].text() == "250 2.0.0 Ok: queued as 4F2A1"
    assert detail.values["message_id"].text() == "<outbox.2.ab12@caribe.example>"
    assert not page.retry_button.isEnabled() and not page.cancel_button.isEnabled()  # sent is final
    page.clear_search()
    qtbot.waitUntil(lambda: len(page.model.ids()) >= 5, timeout=2000)
    page.table.select_id(mail["gave_up"])
    assert detail.status_tag.text() == "Failed, not retried"
    assert "Recipient address rejected" in detail.values["reply"].text()
    assert detail.values["error"].text() == "The mail server refused the recipient's address."
    assert detail.values["next"].text() == "—"
    assert page.retry_button.isEnabled() and page.cancel_button.isEnabled()
    qtbot.wait(50)  # the panel's layout follows the new texts
    page.grab().save(SHOT)


def test_retry_then_cancel_with_confirmation(qtbot, demo, kit, mail):
    admin = demo.services_as("admin")
    page = make_page(qtbot, admin, kit)
    page.table.select_id(mail["gave_up"])
    assert page.retry()
    row = page._listing.rows([mail["gave_up"]])[0]
    assert row.status == "queued" and row.attempts == 0 and row.next_attempt_at is not None
    assert page.detail.status_tag.text() == "Queued"
    assert not page.retry_button.isEnabled() and page.cancel_button.isEnabled()

    kit.prompts.confirm_answer = False
    assert not page.cancel()
    assert page._listing.rows([mail["gave_up"]])[0].status == "queued"
    kit.prompts.confirm_answer = True
    assert page.cancel()
    assert kit.prompts.kinds().count("confirm") == 2
    assert page._listing.rows([mail["gave_up"]])[0].status == "cancelled"
    assert page.detail.status_tag.text() == "Cancelled"
    assert not page.retry_button.isEnabled() and not page.cancel_button.isEnabled()


def test_office_sees_the_outbox_but_cannot_retry_or_cancel(qtbot, demo, kit, mail):
    page = make_page(qtbot, demo.services_as("office"), kit)
    assert not page.retry_button.isVisible() and not page.cancel_button.isVisible()
    page.table.select_id(mail["failed"])
    assert not page.retry()
    assert page._listing.rows([mail["failed"]])[0].status == "failed"


def test_a_change_by_another_sender_arrives_and_the_customer_opens(qtbot, demo, kit, mail):
    office = demo.services_as("office")
    window = MainWindow(office, kit.ops, kit.prompts, kit.monitor, database_label="SQLite · test")
    qtbot.addWidget(window)
    window.show()
    assert window.live.wait_ready(5)
    page = window.show_section("outbox")
    assert isinstance(page, OutboxPage)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=3000)
    admin = demo.services_as("admin")
    new_id = _queue(admin, Event.TECHNICIAN_ASSIGNED, ["tech@caribe.example"], mail["ann"])
    qtbot.waitUntil(lambda: new_id in page.model.ids(), timeout=3000)
    assert page.model.ids()[0] == new_id
    assert window.open_record("outbox", mail["failed"])
    assert page.detail.message is not None and page.detail.message.id == mail["failed"]
    assert page.detail.customer_button.isVisibleTo(page.detail)
    page.detail.customer_button.click()
    customers = window.current_page()
    assert window.section_keys()[window.navigation.currentRow()] == "customers"
    assert customers.table.selected_id() == mail["ann"]


CUSTOMER_SHOT = "/tmp/tuffops-customer-messages.png"


def test_the_customers_page_lists_the_messages_sent_to_them(qtbot, demo, kit, mail, themed):
    office = demo.services_as("office")
    page = CustomersPage(office, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1300, 860)
    page.show()
    assert page.show_record(mail["ann"])
    panel = page.detail
    table = panel.messages_table
    qtbot.waitUntil(lambda: table.rowCount() >= 2, timeout=3000)
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    ours = [r for r in rows if r[1] in ("Payment received", "Request received")]
    assert [r[1:] for r in ours[:2]] == [["Payment received", "Failed"], ["Request received", "Queued"]]  # newest first
    assert panel.messages_title.text() == f"E-mails ({len(rows)})"
    assert not panel.messages_note.isVisible() and table.isVisible()
    assert table.item(rows.index(ours[0]), 2).toolTip() == "Cannot reach the mail server. Check the host name and port."
    qtbot.wait(50)
    page.grab().save(CUSTOMER_SHOT)

    quiet = make_customer(office, first_name="Quentin", last_name="Quiet", emails="q@example.com")
    page.detail.show_customer(office.customers.get(quiet.id))
    qtbot.waitUntil(lambda: panel.messages_note.text() == "No e-mails to this customer yet.", timeout=3000)
    assert not table.isVisible() and panel.messages_title.text() == "E-mails"
    opted = make_customer(office, first_name="Olga", last_name="Optout", emails="o@example.com", notify_opt_out=True)
    page.detail.show_customer(office.customers.get(opted.id))
    qtbot.waitUntil(lambda: table.rowCount() == 0 and not table.isVisible(), timeout=3000)
    assert panel.messages_note.text() == "This customer is never e-mailed (opted out)."
