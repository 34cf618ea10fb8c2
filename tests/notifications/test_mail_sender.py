"""The sender against a real SMTP server (aiosmtpd in this process), on both databases:
delivery with the server's answer, the server down and back (nothing lost, sent once),
back-off and giving up, a refused recipient, a stale lease, and header safety."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from tests.notifications.conftest import use_smtp
from tests.notifications.smtp_server import SmtpServer, free_port
from tuffops_desktop.db.models import OutboxMessage
from tuffops_desktop.domain.notifications import BACKOFF, MAX_ATTEMPTS, Event
from tuffops_desktop.services import outbox
from tuffops_desktop.services.mail_sender import MailSender, PlainMessage, SenderLoop, plain_render


class Clock:
    """Now, moved forward by the test (back-off and leases without waiting)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def _queue(services, recipients=("ann@example.com",), **context) -> int:
    with services.ctx.write() as session:
        outbox_id = outbox.queue(
            session, services.ctx, Event.TEST, list(recipients), {"subject": "Hello", "text": "Body", **context}
        )
    assert outbox_id is not None
    return outbox_id


def _row(services, outbox_id: int) -> OutboxMessage:
    with services.ctx.read() as session:
        row = session.get(OutboxMessage, outbox_id)
        session.expunge(row)
        return row


def _sender(services, clock=None, **kwargs) -> MailSender:
    return MailSender(services.ctx.db, clock=clock or Clock(), renderer=kwargs.pop("renderer", plain_render), **kwargs)


def test_a_queued_message_is_delivered_with_its_message_id_and_the_servers_answer(services, smtp):
    use_smtp(services, smtp)
    outbox_id = _queue(services, recipients=("ann@example.com", "bob@example.org"))
    report = _sender(services).send_due()
    assert (report.claimed, report.sent, report.retrying, report.gave_up) == (1, 1, 0, 0)
    [got] = smtp.received
    row = _row(services, outbox_id)
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
    assert row.server_reply == "250 2.0.0 Ok: queued as Q1"
    assert got.message["Message-ID"] == row.message_id
    assert row.message_id == f"<outbox.{outbox_id}.{row.token}@coolair.example.com>"
    assert got.rcpt_tos == ["ann@example.com", "bob@example.org"]
    assert got.mail_from == "office@coolair.example.com"
    assert got.message["From"] == "Cool Air Ltd <office@coolair.example.com>"
    assert got.message["Reply-To"] == "help@coolair.example.com"
    assert got.message["Subject"] == "Hello" and row.subject == "Hello"
    assert got.message["Auto-Submitted"] == "auto-generated"
    assert got.message.get_body(("plain",)).get_content().startswith("Body")
    assert _sender(services).send_due().claimed == 0  # nothing left: sent once


def test_switched_off_or_incomplete_settings_send_nothing(services, smtp):
    outbox_id = _queue(services)
    report = _sender(services).send_due()
    assert report.claimed == 0 and "switched off" in report.skipped
    use_smtp(services, smtp, smtp_from="")
    assert "From address" in _sender(services).send_due().skipped
    assert _row(services, outbox_id).status == "queued" and smtp.received == []


def test_mail_server_down_nothing_is_lost_and_it_is_delivered_once_when_it_returns(services, tmp_path):
    server = SmtpServer(tmp_path, port=free_port())  # not started: the port is closed
    use_smtp(services, server)
    ids = [_queue(services), _queue(services)]
    clock = Clock()
    sender = _sender(services, clock)
    report = sender.send_due()
    assert (report.claimed, report.sent, report.retrying) == (2, 0, 2)
    for outbox_id in ids:
        row = _row(services, outbox_id)
        assert row.status == "failed" and row.attempts == 1
        assert "Cannot reach the mail server" in row.last_error and "connection refused" in row.last_error
        assert row.next_attempt_at == clock.now + BACKOFF[0]
    server.start()
    try:
        assert sender.send_due().claimed == 0  # not due before the back-off has passed
        clock.advance(BACKOFF[0])
        report = sender.send_due()
        assert (report.claimed, report.sent) == (2, 2)
        clock.advance(timedelta(hours=2))
        assert sender.send_due().claimed == 0
    finally:
        server.stop()
    assert len(server.received) == 2
    assert len({r.message["Message-ID"] for r in server.received}) == 2
    for outbox_id in ids:
        row = _row(services, outbox_id)
        assert row.status == "sent" and row.attempts == 2 and row.last_error == ""


def test_the_sender_gives_up_after_the_last_attempt_and_the_row_says_so(services):
    services.settings.update(
        {"smtp_enabled": True, "smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_tls_mode": "none",
         "smtp_from": "office@coolair.example.com"}
    )  # fmt: skip
    outbox_id = _queue(services)
    clock = Clock()
    sender = _sender(services, clock)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = sender.send_due()
        assert report.claimed == 1, attempt
        row = _row(services, outbox_id)
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert row.next_attempt_at == clock.now + BACKOFF[attempt - 1]
            clock.advance(BACKOFF[attempt - 1])
    row = _row(services, outbox_id)
    assert row.status == "failed" and row.next_attempt_at is None
    assert row.last_error.startswith(f"Gave up after {MAX_ATTEMPTS} attempts.")
    assert report.gave_up == 1
    clock.advance(timedelta(days=1))
    assert sender.send_due().claimed == 0
    outbox.OutboxService(services.ctx).retry(outbox_id)  # the Outbox page's Retry
    assert _sender(services, clock).send_due().claimed == 1


def test_a_recipient_refused_for_good_is_not_retried_but_a_partly_refused_message_is_sent(services, tmp_path):
    with SmtpServer(tmp_path, refuse={"nobody@example.com"}) as server:
        use_smtp(services, server)
        refused = _queue(services, recipients=("nobody@example.com",))
        partly = _queue(services, recipients=("nobody@example.com", "ann@example.com"))
        report = _sender(services).send_due()
    assert (report.sent, report.gave_up) == (1, 1)
    row = _row(services, refused)
    assert row.status == "failed" and row.next_attempt_at is None
    assert "refused the recipient" in row.last_error and "550 5.1.1" in row.last_error
    row = _row(services, partly)
    assert row.status == "sent" and "refused: nobody@example.com: 550" in row.server_reply
    assert [r.rcpt_tos for r in server.received] == [["ann@example.com"]]


def test_a_stale_lease_is_reclaimed_and_a_live_one_is_not(services, smtp):
    use_smtp(services, smtp)
    outbox_id = _queue(services)
    clock = Clock()
    with services.ctx.write() as session:  # another sender claimed it and went quiet
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(status="sending", claimed_by="dead:1:x", claimed_until=clock.now + timedelta(minutes=5),
                    attempts=1, message_id="<fixed@coolair.example.com>")
        )  # fmt: skip
    assert _sender(services, clock).send_due().claimed == 0
    clock.advance(timedelta(minutes=6))
    assert _sender(services, clock).send_due().sent == 1
    row = _row(services, outbox_id)
    assert row.status == "sent" and row.attempts == 2
    assert [r.message["Message-ID"] for r in smtp.received] == ["<fixed@coolair.example.com>"]


def test_a_subject_with_a_line_break_never_reaches_the_server(services, smtp):
    use_smtp(services, smtp)
    outbox_id = _queue(services)

    def evil(session, row):
        return PlainMessage(subject="Hi\r\nBcc: everyone@example.com", text="x")

    report = _sender(services, renderer=evil).send_due()
    assert report.gave_up == 1 and smtp.received == []
    row = _row(services, outbox_id)
    assert row.status == "failed" and "line break" in row.last_error


def test_a_template_that_fails_fails_its_row_only(services, smtp):
    use_smtp(services, smtp)
    bad = _queue(services, text="boom")
    good = _queue(services)

    def render(session, row):
        if row.id == bad:
            raise ValueError("template broken")
        return plain_render(session, row)

    report = _sender(services, renderer=render).send_due()
    assert (report.sent, report.gave_up) == (1, 1)
    assert _row(services, bad).status == "failed" and "template broken" in _row(services, bad).last_error
    assert _row(services, good).status == "sent"


def test_messages_waiting_too_long_expire_instead_of_going_out_late(services, smtp):
    use_smtp(services, smtp)
    outbox_id = _queue(services)
    clock = Clock()
    clock.advance(timedelta(days=4))
    report = _sender(services, clock).send_due()
    assert report.expired == 1 and report.claimed == 0 and smtp.received == []
    row = _row(services, outbox_id)
    assert row.status == "failed" and row.next_attempt_at is None and "waited too long" in row.last_error


def test_the_background_loop_sends_when_woken_and_stops(services, smtp):
    import threading

    use_smtp(services, smtp)
    loop = SenderLoop(MailSender(services.ctx.db, renderer=plain_render), interval=30)  # the wall clock
    stop = threading.Event()
    thread = threading.Thread(target=loop.run, args=(stop,), daemon=True)
    thread.start()
    try:
        _queue(services)
        loop.wake()
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while not smtp.received and datetime.now(UTC) < deadline:
            threading.Event().wait(0.05)
    finally:
        stop.set()
        thread.join(5)
    assert len(smtp.received) == 1 and not thread.is_alive()
    assert loop.last_error == ""


@pytest.mark.parametrize("limit", [3])
def test_send_due_respects_its_limit(services, smtp, limit):
    use_smtp(services, smtp)
    for _ in range(5):
        _queue(services)
    assert _sender(services, batch=2).send_due(limit).sent == limit
    assert _sender(services).send_due().sent == 5 - limit


def test_an_address_with_non_ascii_letters_goes_out_with_smtputf8(services, smtp):
    use_smtp(services, smtp)
    outbox_id = _queue(services, recipients=("jörg@example.com",))
    assert _sender(services).send_due().sent == 1
    [got] = smtp.received
    assert got.rcpt_tos == ["jörg@example.com"] and got.message["To"] == "jörg@example.com"
    assert _row(services, outbox_id).status == "sent"


def test_an_unexpected_error_fails_its_row_for_a_retry_and_the_pass_goes_on(services, smtp, monkeypatch):
    from tuffops_desktop.services import mail_sender

    use_smtp(services, smtp)
    broken, fine = _queue(services), _queue(services)
    real = mail_sender.SmtpConnection.send

    def send(self, message, sender, recipients):
        if message["Message-ID"].startswith(f"<outbox.{broken}."):
            raise KeyError("a bug")
        return real(self, message, sender, recipients)

    monkeypatch.setattr(mail_sender.SmtpConnection, "send", send)
    report = _sender(services).send_due()
    assert (report.sent, report.retrying) == (1, 1)
    row = _row(services, broken)
    assert row.status == "failed" and row.next_attempt_at is not None and "KeyError" in row.last_error
    assert _row(services, fine).status == "sent"
