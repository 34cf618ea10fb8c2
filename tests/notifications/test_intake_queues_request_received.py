"""PostgreSQL: the listener's database function also queues "request received" when the
contact is an e-mail address — the row, its audit entry and its change notification in
the request's transaction, with the ticket and what the customer saw or typed, nothing
internal. The listener's role still cannot touch the outbox itself (real psql sessions).
Migration 0014 downgrades to 0003's function and upgrades again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from tests.factories import make_customer, make_unit
from tests.intake.test_role_attack import KEY, ROLE, _call, psql
from tests.notifications.conftest import use_smtp
from tests.notifications.smtp_server import SmtpServer
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.engine import make_engine
from tuffops_desktop.db.migrate import upgrade
from tuffops_desktop.db.models import AuditEntry, Customer, CustomerRequest, OutboxMessage
from tuffops_desktop.services.intake import grant_intake_role
from tuffops_desktop.services.mail_sender import MailSender, plain_render


@pytest.fixture
def pg_services(request, tmp_path):
    from tests.conftest import new_database_url

    db = open_database(new_database_url("postgresql", request, tmp_path))
    services = system_services(db)
    yield services
    db.engine.dispose()


def _setup(services, **customer):
    customer_id = make_customer(services, company_name="Secret Corp", notes="owes us", **customer).id
    unit = make_unit(services, customer_id=customer_id, location="Lobby AC #2")
    with services.ctx.db.engine.begin() as conn:
        grant_intake_role(conn, ROLE, None)
    return customer_id, unit


def _outbox(services) -> list[OutboxMessage]:
    with services.ctx.read() as s:
        rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for row in rows:
            s.expunge(row)
        return list(rows)


def _url(services) -> str:
    return services.ctx.db.engine.url.render_as_string(hide_password=False)


def test_an_email_contact_queues_request_received_with_public_facts_only(pg_services):
    customer_id, unit = _setup(pg_services)
    result = psql(_url(pg_services), _call(unit.qr_code_guid, contact="'  Ann.Lee@Example.COM '"))
    assert result.returncode == 0, result.stderr
    [row] = _outbox(pg_services)
    with pg_services.ctx.read() as s:
        request_row = s.scalars(select(CustomerRequest)).one()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "outbox")).one()
    assert (row.event, row.status, row.recipients) == ("request_received", "queued", ["Ann.Lee@example.com"])
    assert row.context == {
        "ticket": request_row.ticket,
        "unit": "Lobby AC #2",
        "preferred_date": request_row.schedule_at.isoformat(),
        "preferred_window": "Morning",
    }
    assert row.customer_id == customer_id and row.dedupe_key == f"request_received:{request_row.id}"
    assert row.next_attempt_at == row.created_at == request_row.created_at and len(row.token) == 16
    assert (audit.username, audit.action, audit.entity_id) == ("public form", "create", str(row.id))
    assert "Secret Corp" not in str(row.context) and "owes us" not in str(row.context)
    # the same form again: the same ticket, still one message
    assert psql(_url(pg_services), _call(unit.qr_code_guid, contact="'ann.lee@example.com'")).returncode == 0
    assert len(_outbox(pg_services)) == 1


@pytest.mark.parametrize("contact", ["'555-0100'", "'call me: ann@example.com'", "'ann@example.com, 555-0100'"])
def test_no_message_unless_the_contact_is_one_email_address(pg_services, contact):
    _, unit = _setup(pg_services)
    assert psql(_url(pg_services), _call(unit.qr_code_guid, contact=contact)).returncode == 0
    assert _outbox(pg_services) == []


def test_no_message_to_a_customer_who_opted_out(pg_services):
    customer_id, unit = _setup(pg_services)
    with pg_services.ctx.write() as s:
        s.get(Customer, customer_id).notify_opt_out = True
    assert psql(_url(pg_services), _call(unit.qr_code_guid, contact="'ann@example.com'")).returncode == 0
    assert _outbox(pg_services) == []


OUTBOX_ATTACKS = [
    "SELECT * FROM outbox LIMIT 1",
    "SELECT recipients FROM outbox",
    "INSERT INTO outbox (event, status, recipients, context, token, created_at, updated_at) "
    "VALUES ('test', 'queued', '[\"victim@example.com\"]', '{}', 'x', now(), now())",
    "UPDATE outbox SET recipients = '[\"attacker@example.com\"]'",
    "UPDATE outbox SET status = 'cancelled'",
    "DELETE FROM outbox",
    "TRUNCATE outbox",
    "SELECT nextval('outbox_id_seq')",
]


def test_the_listener_role_cannot_touch_the_outbox(pg_services):
    _, unit = _setup(pg_services)
    assert psql(_url(pg_services), _call(unit.qr_code_guid, contact="'ann@example.com'")).returncode == 0
    before = [(r.id, r.status, r.recipients) for r in _outbox(pg_services)]
    for statement in OUTBOX_ATTACKS:
        result = psql(_url(pg_services), statement)
        assert result.returncode != 0 and "permission denied" in result.stderr, (statement, result.stderr)
    assert [(r.id, r.status, r.recipients) for r in _outbox(pg_services)] == before


def test_the_queued_row_is_delivered_by_the_sender(pg_services, tmp_path):
    _, unit = _setup(pg_services)
    assert psql(_url(pg_services), _call(unit.qr_code_guid, contact="'ann@example.com'")).returncode == 0
    with SmtpServer(tmp_path) as server:
        use_smtp(pg_services, server)
        assert MailSender(pg_services.ctx.db, renderer=plain_render).send_due().sent == 1
    [got] = server.received
    assert got.rcpt_tos == ["ann@example.com"] and _outbox(pg_services)[0].status == "sent"


def test_downgrading_0014_restores_the_function_of_0003(pg_services):
    _, unit = _setup(pg_services)
    url = _url(pg_services)
    pg_services.ctx.db.engine.dispose()
    engine = make_engine(url)
    from alembic import command

    from tuffops_desktop.db.migrate import migrate

    migrate(engine, lambda cfg: command.downgrade(cfg, "0013_stock_levels"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('public.outbox')")).scalar() is None
        body = conn.execute(text("SELECT prosrc FROM pg_proc WHERE proname = 'intake_submit_request'")).scalar()
    assert "outbox" not in body and "public form" in body
    # the old function still takes requests (with an e-mail contact, nothing to queue)
    assert psql(url, _call(unit.qr_code_guid, key=KEY, contact="'ann@example.com'")).returncode == 0
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM customer_requests")).scalar() == 1
        assert (
            "outbox"
            in conn.execute(text("SELECT prosrc FROM pg_proc WHERE proname = 'intake_submit_request'")).scalar()
        )
    engine.dispose()


def test_downgrading_0014_on_sqlite_drops_the_outbox_and_the_opt_out(request, tmp_path):
    from alembic import command

    from tests.conftest import new_database_url
    from tuffops_desktop.db.migrate import migrate

    engine = make_engine(new_database_url("sqlite", request, tmp_path))
    migrate(engine, lambda cfg: command.downgrade(cfg, "0013_stock_levels"))
    with engine.connect() as conn:
        tables = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
        columns = {r[1] for r in conn.execute(text("PRAGMA table_info(customers)"))}
        triggers = conn.execute(text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")).scalar()
    assert "outbox" not in tables and "notify_opt_out" not in columns and triggers > 0
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(OutboxMessage.__table__)).scalar() == 0
    engine.dispose()


def test_the_sqlite_path_and_the_database_function_queue_the_same_message(request, tmp_path):
    """One writer per fact: a public request on SQLite (request_writer → notification_events)
    and on PostgreSQL (intake_submit_request) leave the same outbox row and audit entry."""
    from datetime import date, timedelta

    from tests.conftest import new_database_url
    from tuffops_desktop.domain.requests import RequestInput, validate_request
    from tuffops_desktop.services.intake import IntakeGateway

    stored = {}
    for dialect in ("sqlite", "postgresql"):
        db = open_database(new_database_url(dialect, request, tmp_path))
        services = system_services(db)
        customer_id = make_customer(services).id
        unit = make_unit(services, customer_id=customer_id, location="  Roof unit 3 ")
        fields = validate_request(
            RequestInput("Dripping", date.today() + timedelta(days=1), "Afternoon", "Ann.Lee@Example.COM"), date.today()
        )
        ticket = IntakeGateway(db).submit(unit.qr_code_guid, fields, KEY, services.ctx.now())
        with services.ctx.read() as s:
            (row,) = s.scalars(select(OutboxMessage)).all()
            request_id = s.scalar(select(CustomerRequest.id))
            (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.entity == "outbox")).all()
            stored[dialect] = (
                (row.event, row.status, row.recipients, row.context, row.attempts, row.created_by),
                (row.customer_id == customer_id, row.dedupe_key == f"request_received:{request_id}"),
                (row.attachment_kind, row.attachment_id, row.work_order_id, row.message_id, len(row.token)),
                (entry.username, entry.user_id, entry.action, entry.entity_id == str(row.id)),
                {k: v for k, v in entry.changes.items() if k != "dedupe_key"},
                entry.changes["dedupe_key"] == [None, row.dedupe_key],
                row.context["ticket"] == ticket,
            )
        db.engine.dispose()
    assert stored["sqlite"] == stored["postgresql"]
    assert stored["sqlite"][0][2] == ["Ann.Lee@example.com"] and stored["sqlite"][0][3]["unit"] == "Roof unit 3"
