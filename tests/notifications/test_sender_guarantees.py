"""What the sender promises when several run and when one dies.

* Two senders at once (two threads, two connections, on PostgreSQL and SQLite): every
  message reaches the server exactly once.
* ``kill -9`` of a sender process after the server accepted a message and before the
  row was marked: the row stays ``sending`` until its lease runs out (nobody else sends
  it meanwhile), then another sender sends it again **with the same Message-ID**, and it
  is marked sent once. That is the stated guarantee: at least once, duplicates carry
  one Message-ID (``domain/notifications.py``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from tests.notifications.conftest import use_smtp
from tests.notifications.smtp_server import SmtpServer
from tuffops_desktop.db.models import OutboxMessage
from tuffops_desktop.domain.notifications import LEASE, Event
from tuffops_desktop.services import outbox
from tuffops_desktop.services.mail_sender import MailSender, plain_render

MESSAGES = 60


def _queue_many(services, count: int) -> list[int]:
    ids = []
    with services.ctx.write() as session:
        for n in range(count):
            ids.append(outbox.queue(session, services.ctx, Event.TEST, [f"c{n}@example.com"], {"subject": f"M{n}"}))
    return ids


def test_two_senders_at_once_deliver_each_message_exactly_once(services, tmp_path):
    with SmtpServer(tmp_path, delay=0.002) as server:  # a little slow, so the senders overlap
        use_smtp(services, server)
        ids = _queue_many(services, MESSAGES)
        senders = [MailSender(services.ctx.db, renderer=plain_render, batch=4, name=f"s{n}") for n in (1, 2)]
        reports = {}
        start = threading.Barrier(2)

        def run(sender: MailSender) -> None:
            start.wait()
            total = 0
            while True:  # like the loop: pass after pass until nothing is due
                report = sender.send_due(limit=8)
                total += report.sent
                if report.claimed == 0:
                    break
            reports[sender.name] = total

        threads = [threading.Thread(target=run, args=(s,)) for s in senders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    ids_sent = Counter(r.message["Message-ID"] for r in server.received)
    assert len(server.received) == MESSAGES and set(ids_sent.values()) == {1}
    assert sum(reports.values()) == MESSAGES
    assert all(reports.values()), reports  # both took part
    with services.ctx.read() as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.claimed_by,
                   OutboxMessage.message_id)
        ).all()  # fmt: skip
    assert sorted(r.id for r in rows) == sorted(ids)
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert {r.claimed_by for r in rows} == {"s1", "s2"}
    assert {r.message_id for r in rows} == set(ids_sent)


SENDER_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from tuffops_desktop.bootstrap import open_database
    from tuffops_desktop.services.mail_sender import MailSender, plain_render

    def hold(outbox_id):
        print(f"ACCEPTED {outbox_id}", flush=True)
        time.sleep(600)  # killed here: accepted by the server, not yet marked sent

    db = open_database(sys.argv[1], migrate=False)
    MailSender(db, renderer=plain_render, name="doomed", after_accept=hold).send_due()
    """
)


def test_kill_9_between_accept_and_mark_resends_with_the_same_message_id(services, db_url, tmp_path):
    script = tmp_path / "sender.py"
    script.write_text(SENDER_SCRIPT)
    with SmtpServer(tmp_path) as server:
        use_smtp(services, server)
        [outbox_id] = _queue_many(services, 1)
        process = subprocess.Popen(
            [sys.executable, str(script), db_url],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        try:
            line = process.stdout.readline()
            assert line.strip() == f"ACCEPTED {outbox_id}"
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == -signal.SIGKILL
        assert len(server.received) == 1  # the server has it…
        with services.ctx.read() as session:
            row = session.get(OutboxMessage, outbox_id)
            assert (row.status, row.claimed_by, row.attempts) == ("sending", "doomed", 1)  # …the row does not know
            first_id = row.message_id

        now = datetime.now(UTC)
        while_alive = MailSender(services.ctx.db, renderer=plain_render, clock=lambda: now).send_due()
        assert while_alive.claimed == 0  # within the lease nobody else touches it

        later = now + LEASE + timedelta(seconds=1)
        report = MailSender(services.ctx.db, renderer=plain_render, clock=lambda: later).send_due()
        assert report.sent == 1
    copies = [r.message["Message-ID"] for r in server.received]
    assert copies == [first_id, first_id]  # sent again, recognisably the same message
    assert server.received[0].message["Date"] == server.received[1].message["Date"]
    with services.ctx.read() as session:
        row = session.get(OutboxMessage, outbox_id)
        assert (row.status, row.attempts, row.message_id) == ("sent", 2, first_id)
