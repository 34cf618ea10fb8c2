"""What the public intake listener may do with the database, and nothing more.

It reads an active unit's public page (GUID, friendly label, optionally the customer's
name) and the company's public details through two views, and inserts requests. On
PostgreSQL it runs as a role granted exactly that (``grant_intake_role``), so even a
compromised listener cannot read customers, prices or work orders.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, column, insert, select, table, text
from sqlalchemy.exc import IntegrityError

from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.db.models import AuditEntry, CustomerRequest
from tuffops_desktop.domain.requests import RequestFields, RequestSource, RequestStatus, ticket_for
from tuffops_desktop.errors import DatabaseUnavailable
from tuffops_desktop.services.context import database_errors
from tuffops_desktop.services.requests import INBOX_CHANNEL

_unit_pages = table("intake_unit_pages", column("unit_id"), column("guid"), column("label"), column("customer_name"))
_company = table("intake_company", column("name"), column("value"))
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class PublicUnitPage:
    """Everything the public page may show about a unit."""

    unit_id: int
    guid: str
    label: str
    customer_name: str | None


@dataclass(frozen=True)
class CompanyInfo:
    name: str
    phone: str


class IntakeGateway:
    """Database access of the listener: one short transaction per HTTP request."""

    def __init__(self, db: SessionFactories) -> None:
        self._db = db
        # SQLite allows one writer; queueing the listener's own threads here is far
        # cheaper than SQLite's sleeping busy handler (p99 1.1 s → see benchmarks).
        self._sqlite_write_lock = threading.Lock() if db.dialect == "sqlite" else None

    def unit_page(self, guid: str) -> PublicUnitPage | None:
        """The page of the active unit with this GUID; None for unknown, blank or retired codes.

        Always exactly one indexed query, whatever the input, so a miss takes as long as a hit.
        """
        stmt = select(_unit_pages).where(_unit_pages.c.guid == guid[:36])
        with self._connect() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            return None
        return PublicUnitPage(row.unit_id, row.guid, row.label or "this unit", row.customer_name)

    def company(self) -> CompanyInfo:
        with self._connect() as conn:
            values = dict(conn.execute(select(_company.c.name, _company.c.value)).all())
        return CompanyInfo(name=_json_text(values.get("company_name")) or "Service request",
                           phone=_json_text(values.get("company_phone")))

    def submit(self, unit_id: int, fields: RequestFields, submission_key: str, received_at: datetime) -> str:
        """Insert a public request; returns its ticket. A repeated key returns the same ticket."""
        for attempt in range(3):
            ticket = ticket_for(submission_key, attempt)
            try:
                self._insert(unit_id, fields, submission_key, ticket, received_at)
                return ticket
            except IntegrityError:
                stored = self._ticket_of(submission_key)
                if stored is not None:
                    return stored  # the same form was submitted before: no second request
        raise RuntimeError("could not allocate a ticket number")

    def _insert(self, unit_id: int, fields: RequestFields, submission_key: str, ticket: str,
                received_at: datetime) -> None:
        if self._sqlite_write_lock is None:
            self._insert_now(unit_id, fields, submission_key, ticket, received_at)
            return
        with self._sqlite_write_lock:
            self._insert_now(unit_id, fields, submission_key, ticket, received_at)

    def _insert_now(self, unit_id: int, fields: RequestFields, submission_key: str, ticket: str,
                    received_at: datetime) -> None:
        with self._connect(write=True) as conn:
            request_id = conn.execute(
                insert(CustomerRequest).values(
                    ticket=ticket, submission_key=submission_key, unit_id=unit_id, request=fields.request,
                    schedule_at=fields.schedule_at, schedule_time=fields.schedule_time.value,
                    contact_info=fields.contact_info, source=RequestSource.QR.value,
                    status=RequestStatus.OPEN.value, created_at=received_at, updated_at=received_at,
                    created_by="public form", closed_by="", version=1,
                ).returning(CustomerRequest.id)
            ).scalar_one()
            conn.execute(insert(AuditEntry).values(
                at=received_at, user_id=None, username="public form", entity="customer_request",
                entity_id=str(request_id), action="create",
                changes={"ticket": [None, ticket], "unit_id": [None, unit_id], "source": [None, "qr"]},
            ))
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": INBOX_CHANNEL, "p": ticket})

    def _ticket_of(self, submission_key: str) -> str | None:
        with self._connect() as conn:
            return conn.execute(
                select(CustomerRequest.ticket).where(CustomerRequest.submission_key == submission_key)
            ).scalar_one_or_none()

    @contextlib.contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[Connection]:
        """One short transaction; connection failures become ``DatabaseUnavailable``."""
        engine = self._db.engine
        if write and engine.dialect.name == "sqlite":
            engine = engine.execution_options(sqlite_begin="IMMEDIATE")
        with database_errors(), engine.begin() as conn:
            yield conn


def _json_text(value: object) -> str:
    """Settings values are JSON; on SQLite they come back as JSON text."""
    if value is None:
        return ""
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return str(json.loads(value))
    return str(value)


def grant_intake_role(conn: Connection, role: str, password: str | None) -> None:
    """Create (or update) the PostgreSQL role of the intake listener with minimal rights."""
    if conn.dialect.name != "postgresql":
        raise DatabaseUnavailable("The intake role is a PostgreSQL feature; SQLite has no roles.")
    if not _ROLE_NAME.match(role):
        raise ValueError("Role names are lower-case letters, digits and underscores.")
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if not exists:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOINHERIT'))
    if password:
        conn.execute(text(f"ALTER ROLE \"{role}\" PASSWORD {_literal(conn, password)}"))
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    for statement in (
        f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"',
        f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT ON intake_unit_pages, intake_company TO "{role}"',
        f'GRANT INSERT (ticket, submission_key, unit_id, request, schedule_at, schedule_time, contact_info, '
        f'source, status, created_at, updated_at, created_by, closed_by, version) ON customer_requests TO "{role}"',
        # id for RETURNING; ticket and submission_key to recognise a repeated submission.
        f'GRANT SELECT (id, ticket, submission_key) ON customer_requests TO "{role}"',
        f'GRANT INSERT (at, user_id, username, entity, entity_id, action, changes) ON audit_log TO "{role}"',
        f'GRANT SELECT (id) ON audit_log TO "{role}"',
        f'GRANT USAGE ON SEQUENCE customer_requests_id_seq, audit_log_id_seq TO "{role}"',
    ):
        conn.execute(text(statement))


def _literal(conn: Connection, value: str) -> str:
    return conn.execute(text("SELECT quote_literal(:v)"), {"v": value}).scalar_one()


