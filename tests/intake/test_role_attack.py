"""The listener's PostgreSQL role, attacked with real ``psql`` sessions.

Someone who stole the listener's password connects with psql and tries every write the
listener would never do. Each attempt must be refused and leave the database unchanged;
the one thing allowed, adding a public request through ``intake_submit_request``, stores
only server-fixed values.
"""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from tests.conftest import new_database_url
from tests.factories import make_customer, make_unit
from tests.pgcluster import pg_bindir
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.engine import make_engine
from tuffops_desktop.db.migrate import upgrade
from tuffops_desktop.db.models import AuditEntry, CustomerRequest
from tuffops_desktop.domain.requests import RequestInput, validate_request
from tuffops_desktop.services.changes import CHANNEL, Change
from tuffops_desktop.services.intake import IntakeGateway, grant_intake_role
from tuffops_desktop.services.request_writer import PUBLIC_FORM_ACTOR

ROLE = "tuffops_intake"
KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def pg_url(request, tmp_path):
    return new_database_url("postgresql", request, tmp_path)


def psql(url: str, sql: str, *, user: str = ROLE, database: str | None = None) -> subprocess.CompletedProcess:
    """Run one statement as ``user`` in a fresh psql session, like an attacker would."""
    parsed = make_url(url)
    return subprocess.run(
        [
            str(Path(pg_bindir()) / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            parsed.host,
            "-p",
            str(parsed.port),
            "-U",
            user,
            "-d",
            database or parsed.database,
            "-At",
            "-c",
            sql,
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )


def _counts(services) -> tuple[int, int]:
    with services.ctx.read() as s:
        return (
            s.scalar(select(func.count()).select_from(CustomerRequest)),
            s.scalar(select(func.count()).select_from(AuditEntry)),
        )


def _call(
    guid: str,
    key: str = KEY,
    ticket: str = "R-AAAAA-BBBBB",
    request: str = "'Leaking'",
    when: str | None = None,
    window: str = "'Morning'",
    contact: str = "'555-0100'",
    at: str = "now()",
) -> str:
    when = when or f"'{(date.today() + timedelta(days=2)).isoformat()}'"
    return f"SELECT intake_submit_request('{guid}', '{key}', '{ticket}', {request}, {when}, {window}, {contact}, {at})"


FORBIDDEN = [
    # the forgeries the outside test made with the old role
    "INSERT INTO audit_log(at,user_id,username,entity,entity_id,action,changes) "
    "VALUES (now(),null,'admin','user','1','passwd','{}')",
    "INSERT INTO customer_requests(ticket, submission_key, unit_id, request, schedule_at, schedule_time, "
    "contact_info, source, status, created_at, updated_at, created_by, closed_by, version) VALUES "
    "('R-ZZZZZ-ZZZZZ','k1',1,'x',current_date,'Morning','x','office','closed',now(),now(),'admin','',1)",
    # every other write or read it might try
    "UPDATE customer_requests SET status = 'closed'",
    "DELETE FROM customer_requests",
    "DELETE FROM audit_log",
    "UPDATE units SET qr_code_guid = 'x'",
    "UPDATE settings SET value = '\"Hacked\"' WHERE name = 'company_name'",
    "UPDATE users SET role = 'admin'",
    "INSERT INTO users(username) VALUES ('evil')",
    "TRUNCATE audit_log",
    "SELECT * FROM customers LIMIT 1",
    "SELECT * FROM users LIMIT 1",
    "SELECT * FROM settings LIMIT 1",
    "SELECT id FROM audit_log LIMIT 1",
    "SELECT request, contact_info FROM customer_requests LIMIT 1",
    "SELECT id, ticket, submission_key FROM customer_requests LIMIT 1",
    "SELECT nextval('customer_requests_id_seq')",
    "SELECT nextval('audit_log_id_seq')",
    "COPY audit_log TO STDOUT",
    "CREATE TABLE public.loot(x int)",
    "CREATE TEMP TABLE scratch(x int)",
    "CREATE FUNCTION public.intake_submit_request(a int) RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE OR REPLACE VIEW intake_company AS SELECT 'name' AS name, '\"x\"'::text AS value",
    "ALTER FUNCTION intake_submit_request(text, text, text, text, date, text, text, timestamptz) SECURITY INVOKER",
    "SET ROLE postgres",
    "ALTER ROLE tuffops_intake SUPERUSER",
    "CREATE ROLE evil LOGIN",
    "SELECT pg_read_file('/etc/passwd')",
]


def test_the_role_can_write_nothing_the_listener_would_not(pg_url):
    services = system_services(open_database(pg_url))
    unit = make_unit(services, customer_id=make_customer(services, company_name="Secret Corp").id)
    with services.ctx.db.engine.begin() as conn:
        grant_intake_role(conn, ROLE, "listener-pw")
    before = _counts(services)
    for statement in FORBIDDEN:
        result = psql(pg_url, statement)
        assert result.returncode != 0, f"the listener role could run: {statement}\n{result.stdout}"
        assert "permission denied" in result.stderr or "must be" in result.stderr or "must be owner" in result.stderr, (
            statement,
            result.stderr,
        )
    assert _counts(services) == before
    # what it may do: read the two views
    assert unit.qr_code_guid in psql(pg_url, "SELECT guid FROM intake_unit_pages").stdout
    assert "Secret Corp" not in psql(pg_url, "SELECT * FROM intake_unit_pages").stdout
    # and add a request, but only with the values the server fixes
    result = psql(pg_url, _call(unit.qr_code_guid))
    assert result.returncode == 0, result.stderr
    with services.ctx.read() as s:
        (stored,) = s.scalars(select(CustomerRequest)).all()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "customer_request")).one()
    assert (stored.source, stored.status, stored.created_by, stored.unit_id) == ("qr", "open", "public form", unit.id)
    assert (audit.username, audit.user_id, audit.action, audit.entity_id) == (
        "public form",
        None,
        "create",
        str(stored.id),
    )
    services.ctx.db.engine.dispose()


BAD_CALLS = {
    "unknown unit": dict(guid="3f0c9b4e-0000-4000-8000-000000000000"),
    "key not hex": dict(key="z" * 32),
    "ticket format": dict(ticket="TICKET-1"),
    "empty request": dict(request="'   '"),
    "request too long": dict(request="repeat('x', 2001)"),
    "control characters": dict(request="E'bad\\x01byte'"),
    "contact too long": dict(contact="repeat('x', 201)"),
    "window": dict(window="'Midnight'"),
    "date in the past": dict(when="current_date - 5"),
    "date too far": dict(when="current_date + 800"),
}


@pytest.mark.parametrize("case", sorted(BAD_CALLS))
def test_the_function_validates_what_it_is_given(pg_url, case):
    services = system_services(open_database(pg_url))
    unit = make_unit(services, customer_id=make_customer(services).id)
    with services.ctx.db.engine.begin() as conn:
        grant_intake_role(conn, ROLE, None)
    args = {"guid": unit.qr_code_guid, **BAD_CALLS[case]}
    result = psql(pg_url, _call(**args))
    assert result.returncode != 0 and "ERROR" in result.stderr, result.stdout
    assert _counts(services)[0] == 0
    services.ctx.db.engine.dispose()


def test_a_received_time_cannot_be_backdated_or_set_in_the_future(pg_url):
    services = system_services(open_database(pg_url))
    unit = make_unit(services, customer_id=make_customer(services).id)
    with services.ctx.db.engine.begin() as conn:
        grant_intake_role(conn, ROLE, None)
    assert psql(pg_url, _call(unit.qr_code_guid, at="now() + interval '3 years'")).returncode == 0
    assert (
        psql(
            pg_url, _call(unit.qr_code_guid, key="f" * 32, ticket="R-CCCCC-DDDDD", at="now() - interval '3 years'")
        ).returncode
        == 0
    )
    with services.ctx.read() as s:
        newest, oldest = s.execute(
            select(func.max(CustomerRequest.created_at), func.min(CustomerRequest.created_at))
        ).one()
        now = s.scalar(text("SELECT now()"))
    assert newest <= now and (now - oldest).days <= 31
    services.ctx.db.engine.dispose()


def test_no_temp_tables_and_no_writes_in_other_databases(pg_url):
    services = system_services(open_database(pg_url))
    with services.ctx.db.engine.begin() as conn:
        report = grant_intake_role(conn, ROLE, None)
    assert "postgres" in report.other_databases  # reported: only pg_hba.conf can close CONNECT there
    for statement in ("CREATE TABLE public.loot(x int)", "CREATE SCHEMA loot"):
        result = psql(pg_url, statement, database="postgres")
        assert result.returncode != 0 and "permission denied" in result.stderr, statement
    result = psql(pg_url, "CREATE TEMP TABLE scratch(x int)")
    assert result.returncode != 0 and "permission denied" in result.stderr
    services.ctx.db.engine.dispose()


def test_the_python_writer_and_the_database_function_store_the_same_facts(tmp_path, request, pg_url):
    """One writer per fact: the SQLite path (request_writer) and the PostgreSQL function agree."""
    stored = {}
    for dialect in ("sqlite", "postgresql"):
        url = pg_url if dialect == "postgresql" else new_database_url("sqlite", request, tmp_path)
        db = open_database(url)
        services = system_services(db)
        unit = make_unit(services, customer_id=make_customer(services).id)
        fields = validate_request(
            RequestInput("Dripping\nwater", date.today() + timedelta(days=1), "Morning", "me@example.com"), date.today()
        )
        received = services.ctx.now()
        ticket = IntakeGateway(db).submit(unit.qr_code_guid, fields, KEY, received)
        assert IntakeGateway(db).submit(unit.qr_code_guid, fields, KEY, received) == ticket  # same key: same
        with services.ctx.read() as s:
            (req,) = s.scalars(select(CustomerRequest)).all()
            (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.entity == "customer_request")).all()
            stored[dialect] = (
                {
                    c: getattr(req, c)
                    for c in (
                        "ticket",
                        "submission_key",
                        "request",
                        "schedule_at",
                        "schedule_time",
                        "contact_info",
                        "source",
                        "status",
                        "created_by",
                        "closed_by",
                        "version",
                        "close_reason",
                        "work_order_id",
                    )
                },
                req.created_at == received,
                (
                    entry.username,
                    entry.user_id,
                    entry.action,
                    entry.entity_id == str(req.id),
                    entry.changes,
                    entry.at == received,
                ),
            )
        db.engine.dispose()
    assert stored["sqlite"] == stored["postgresql"]
    assert stored["sqlite"][2][0] == PUBLIC_FORM_ACTOR.username


def test_a_public_request_is_announced_on_the_change_feed(pg_url):
    services = system_services(open_database(pg_url))
    unit = make_unit(services, customer_id=make_customer(services).id)
    with services.ctx.db.engine.begin() as conn:
        grant_intake_role(conn, ROLE, None)
    parsed = make_url(pg_url)
    with psycopg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, dbname=parsed.database, autocommit=True
    ) as listener:
        listener.execute(f"LISTEN {CHANNEL}")
        assert psql(pg_url, _call(unit.qr_code_guid)).returncode == 0
        heard = [Change.from_payload(n.channel, n.payload) for n in listener.notifies(timeout=5, stop_after=1)]
    with services.ctx.read() as s:
        request_id = s.scalar(select(CustomerRequest.id))
    assert heard == [Change("customer_request", request_id, "create")]
    services.ctx.db.engine.dispose()


OLD_GRANTS = [
    'CREATE ROLE "old_listener" LOGIN NOINHERIT',
    'GRANT USAGE ON SCHEMA public TO "old_listener"',
    'GRANT SELECT ON intake_unit_pages, intake_company TO "old_listener"',
    "GRANT INSERT (ticket, submission_key, unit_id, request, schedule_at, schedule_time, contact_info, source, "
    'status, created_at, updated_at, created_by, closed_by, version) ON customer_requests TO "old_listener"',
    'GRANT SELECT (id, ticket, submission_key) ON customer_requests TO "old_listener"',
    'GRANT INSERT (at, user_id, username, entity, entity_id, action, changes) ON audit_log TO "old_listener"',
    'GRANT SELECT (id) ON audit_log TO "old_listener"',
    'GRANT USAGE ON SEQUENCE customer_requests_id_seq, audit_log_id_seq TO "old_listener"',
]


def test_upgrading_moves_a_listener_role_granted_the_old_way(pg_url):
    engine = make_engine(pg_url)
    with engine.begin() as conn:  # back to the schema before the function, with the old grants
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        conn.execute(text("DROP ROLE IF EXISTS old_listener"))
    upgrade(engine, "0002_requests")
    with engine.begin() as conn:
        for statement in OLD_GRANTS:
            conn.execute(text(statement))
    services = system_services(open_database(pg_url))  # upgrades to head
    unit = make_unit(services, customer_id=make_customer(services).id)
    forged = psql(pg_url, FORBIDDEN[0], user="old_listener")
    assert forged.returncode != 0 and "permission denied" in forged.stderr
    assert psql(pg_url, _call(unit.qr_code_guid), user="old_listener").returncode == 0
    services.ctx.db.engine.dispose()
    engine.dispose()
    with make_engine(pg_url).begin() as conn:
        conn.execute(text("DROP OWNED BY old_listener"))
        conn.execute(text("DROP ROLE old_listener"))
