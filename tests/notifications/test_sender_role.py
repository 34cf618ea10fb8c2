"""The mail service's PostgreSQL role (``tuffops notify grant-role``), attacked with real
``psql`` sessions, and the sender doing its whole job under it: claim, render, deliver,
mark. What it must not do — read the audit log, internal notes, requests or password
hashes, redirect or invent messages, write anything but the outbox's delivery columns —
is refused and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.conftest import new_database_url
from tests.factories import make_customer, make_unit
from tests.intake.test_role_attack import psql
from tests.notifications.conftest import use_smtp
from tests.notifications.smtp_server import SmtpServer
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.models import AuditEntry, OutboxMessage
from tuffops_desktop.domain.notifications import Event
from tuffops_desktop.services import outbox
from tuffops_desktop.services.mail_sender import MailSender, plain_render
from tuffops_desktop.services.sender_role import SenderRoleError, grant_sender_role

ROLE = "tuffops_sender"


@pytest.fixture
def pg_services(request, tmp_path):
    db = open_database(new_database_url("postgresql", request, tmp_path))
    services = system_services(db)
    yield services
    db.engine.dispose()


def _url(services, user: str | None = None) -> str:
    url = services.ctx.db.engine.url
    return (url.set(username=user) if user else url).render_as_string(hide_password=False)


def _queue(services) -> int:
    with services.ctx.write() as session:
        return outbox.queue(session, services.ctx, Event.TEST, ["ann@example.com"], {"subject": "Hi", "text": "x"})


FORBIDDEN = [
    "SELECT * FROM audit_log LIMIT 1",
    "SELECT * FROM request_notes LIMIT 1",
    "SELECT * FROM work_order_notes LIMIT 1",
    "SELECT * FROM customer_requests LIMIT 1",
    "SELECT * FROM quotation_notes LIMIT 1",
    "SELECT * FROM users LIMIT 1",
    "SELECT password_hash FROM users",
    "SELECT role, extra_permissions FROM users",
    "SELECT * FROM change_log LIMIT 1",
    "SELECT * FROM stock_movements LIMIT 1",
    "INSERT INTO outbox (event, status, recipients, context, token, created_at, updated_at) "
    "VALUES ('test', 'queued', '[\"victim@example.com\"]', '{}', 'x', now(), now())",
    "UPDATE outbox SET recipients = '[\"attacker@example.com\"]'",
    "UPDATE outbox SET context = '{}'",
    "UPDATE outbox SET attachment_id = 1",
    "DELETE FROM outbox",
    "TRUNCATE outbox",
    "UPDATE customers SET notify_opt_out = true",
    "UPDATE settings SET value = '\"x\"' WHERE name = 'smtp_host'",
    "INSERT INTO audit_log (at, username, entity, entity_id, action, changes) VALUES (now(), 'x', 'y', '1', 'z', '{}')",
    "UPDATE users SET role = 'admin'",
    "SELECT nextval('outbox_id_seq')",
    "CREATE TABLE public.loot(x int)",
    "CREATE TEMP TABLE scratch(x int)",
    "SELECT intake_submit_request('g', 'k', 't', 'r', current_date, 'Morning', 'c', now())",
]


def test_the_sender_role_is_refused_everything_but_reading_and_marking(pg_services):
    unit = make_unit(pg_services, customer_id=make_customer(pg_services).id)
    outbox_id = _queue(pg_services)
    with pg_services.ctx.db.engine.begin() as conn:
        grant_sender_role(conn, ROLE, None)
    url = _url(pg_services)
    with pg_services.ctx.read() as s:
        audit_before = s.scalar(select(func.count()).select_from(AuditEntry))
    for statement in FORBIDDEN:
        result = psql(url, statement, user=ROLE)
        assert result.returncode != 0, f"the sender role could run: {statement}\n{result.stdout}"
        assert "permission denied" in result.stderr, (statement, result.stderr)
    # what it may do
    assert psql(url, "SELECT full_name, username FROM users", user=ROLE).returncode == 0
    assert unit.qr_code_guid in psql(url, "SELECT qr_code_guid FROM units", user=ROLE).stdout
    marked = psql(url, f"UPDATE outbox SET last_error = 'probe' WHERE id = {outbox_id}", user=ROLE)
    assert marked.returncode == 0, marked.stderr
    with pg_services.ctx.read() as s:
        row = s.get(OutboxMessage, outbox_id)
        assert row.recipients == ["ann@example.com"] and row.last_error == "probe"
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_granting_again_is_exact_and_sqlite_has_no_roles(pg_services, request, tmp_path):
    with pg_services.ctx.db.engine.begin() as conn:
        grant_sender_role(conn, ROLE, "pw-1")
        conn.exec_driver_sql(f"GRANT SELECT ON audit_log TO {ROLE}")
        conn.exec_driver_sql(f"GRANT SELECT (password_hash) ON users TO {ROLE}")
        grant_sender_role(conn, ROLE, None)
    url = _url(pg_services)
    for statement in ("SELECT * FROM audit_log LIMIT 1", "SELECT password_hash FROM users"):
        assert "permission denied" in psql(url, statement, user=ROLE).stderr
    with pytest.raises(SenderRoleError):
        grant_sender_role(pg_services.ctx.db.engine.connect(), 'bad"name', None)
    sqlite = open_database(new_database_url("sqlite", request, tmp_path))
    with pytest.raises(SenderRoleError), sqlite.engine.begin() as conn:
        grant_sender_role(conn)
    sqlite.engine.dispose()


def test_the_sender_does_its_whole_job_under_the_role(pg_services, tmp_path):
    ids = [_queue(pg_services) for _ in range(3)]
    with pg_services.ctx.db.engine.begin() as conn:
        grant_sender_role(conn, ROLE, None)
    with SmtpServer(tmp_path) as server:
        use_smtp(pg_services, server)
        restricted = open_database(_url(pg_services, ROLE), migrate=False)
        try:
            assert make_url(str(restricted.engine.url)).username == ROLE
            report = MailSender(restricted, renderer=plain_render).send_due()
        finally:
            restricted.engine.dispose()
    assert (report.sent, report.errors) == (3, [])
    assert len(server.received) == 3
    with pg_services.ctx.read() as s:
        assert {s.get(OutboxMessage, i).status for i in ids} == {"sent"}


def test_every_event_with_its_pdf_renders_and_goes_out_under_the_role(pg_services, tmp_path):
    """The templates and the invoice's and quotation's PDFs need nothing the role lacks."""
    from tests.services.invoice_support import completed_work_order
    from tuffops_desktop.domain.pricing import PriceListInput
    from tuffops_desktop.domain.quotations import QuotationInput

    services = pg_services
    customer = make_customer(services, emails="ann@example.com, accounts@harbour.example.com")
    unit = make_unit(services, customer_id=customer.id)
    with SmtpServer(tmp_path) as server:
        use_smtp(services, server)
        order_id = completed_work_order(services, unit.id)
        invoice = services.invoices.issue(order_id, expected_version=services.work_orders.get(order_id).version)
        entry = services.price_list.add(PriceListInput("Split AC install", "service", "each", "1250"))
        quote = services.quotations.create(QuotationInput(title="New split unit", customer_id=customer.id))
        services.quotations.add_unit(quote.id, unit.id)
        quote = services.quotations.add_line(quote.id, entry.id, "1")
        services.quotations.act(quote.id, "send", quote.version)
        with services.ctx.read() as s:
            events = sorted(s.scalars(select(OutboxMessage.event)).all())
        with services.ctx.db.engine.begin() as conn:
            grant_sender_role(conn, ROLE, None)
        restricted = open_database(_url(services, ROLE), migrate=False)
        try:
            report = MailSender(restricted).send_due()  # the templates, as the service runs them
        finally:
            restricted.engine.dispose()
    assert {"invoice_issued", "quotation_sent"} <= set(events), events
    assert (report.sent, report.errors) == (len(events), [])
    attached = sorted(
        part.get_filename() for r in server.received for part in r.message.iter_attachments() if part.get_filename()
    )
    assert f"{invoice.number}.pdf" in attached and any(name.startswith("Q-") for name in attached), attached
