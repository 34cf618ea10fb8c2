"""What the public intake listener may do with the database, and nothing more.

It reads an active unit's public page (GUID, friendly label, optionally the customer's
name) and the company's public details through two views, and adds requests. On
PostgreSQL it runs as a role granted exactly that (``grant_intake_role``): SELECT on the
two views and EXECUTE on ``intake_submit_request`` (migration 0003), and no table
privilege at all, so even a stolen listener password cannot read customers, forge audit
rows or office requests. On SQLite (one PC, no roles) the same facts are written by
``request_writer.insert_request``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Connection, bindparam, column, select, table, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.db.models import CustomerRequest, Unit
from tuffops_desktop.domain.errors import UnknownUnit, ValidationError
from tuffops_desktop.domain.requests import RequestFields, RequestSource, ticket_for
from tuffops_desktop.domain.settings import SETTINGS_BY_NAME, from_json
from tuffops_desktop.errors import IntakeRoleError
from tuffops_desktop.services.context import ServiceContext, database_errors
from tuffops_desktop.services.group_commit import GroupCommitWriter
from tuffops_desktop.services.request_writer import PUBLIC_FORM_ACTOR, insert_request

_unit_pages = table("intake_unit_pages", column("unit_id"), column("guid"), column("label"), column("customer_name"))
_company = table("intake_company", column("name"), column("value", JSON))
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_SUBMIT = text(
    "SELECT intake_submit_request(:guid, :key, :ticket, :request, :schedule_at, :schedule_time, :contact, :at)"
)
_ACTIVE_UNIT_ID = select(Unit.id).where(Unit.qr_code_guid == bindparam("guid"), Unit.active)
SUBMIT_FUNCTION = "intake_submit_request(text, text, text, text, date, text, text, timestamptz)"


@dataclass(frozen=True)
class PublicUnitPage:
    """Everything the public page may show about a unit."""

    guid: str
    label: str
    customer_name: str | None


@dataclass(frozen=True)
class CompanyInfo:
    name: str
    phone: str


class IntakeGateway:
    """Database access of the listener: one short transaction per call."""

    def __init__(self, db: SessionFactories, clock: Callable[[], datetime] | None = None) -> None:
        self._db = db
        self._ctx = (
            ServiceContext(db=db, actor=PUBLIC_FORM_ACTOR)
            if clock is None
            else ServiceContext(db=db, actor=PUBLIC_FORM_ACTOR, clock=clock)
        )
        # SQLite allows one writer: the listener's threads hand their requests to one
        # writer thread that commits them together (see group_commit.py and benchmarks).
        self._sqlite_writer: GroupCommitWriter[str] | None = (
            GroupCommitWriter(self._ctx, "intake-sqlite-writer") if db.dialect == "sqlite" else None
        )

    def now(self) -> datetime:
        """The listener's clock: the services' clock (``ServiceContext``)."""
        return self._ctx.now()

    def unit_page(self, guid: str) -> PublicUnitPage | None:
        """The page of the active unit with this canonical GUID; None for unknown, blank
        or retired codes. One indexed query, so a miss takes as long as a hit."""
        with self._connect() as conn:
            row = conn.execute(select(_unit_pages).where(_unit_pages.c.guid == guid)).first()
        return None if row is None else _page(row)

    def all_unit_pages(self) -> list[PublicUnitPage]:
        """Every active unit's page: the listener's snapshot for when the database is down."""
        with self._connect() as conn:
            return [_page(row) for row in conn.execute(select(_unit_pages))]

    def company(self) -> CompanyInfo:
        with self._connect() as conn:
            values = dict(conn.execute(select(_company.c.name, _company.c.value)).all())
        name, phone = (
            from_json(SETTINGS_BY_NAME[key], values.get(key)) or "" for key in ("company_name", "company_phone")
        )
        return CompanyInfo(name=str(name) or "Service request", phone=str(phone))

    def submit(self, guid: str, fields: RequestFields, submission_key: str, received_at: datetime) -> str:
        """Store a public request for the unit with ``guid``; returns its ticket.

        A repeated ``submission_key`` returns the ticket stored the first time and adds
        nothing. Raises ``UnknownUnit`` when no active unit has the GUID.
        """
        for attempt in range(3):
            ticket = ticket_for(submission_key, attempt)
            try:
                return self._store(guid, fields, submission_key, ticket, received_at)
            except IntegrityError:
                stored = self._ticket_of(submission_key)  # the same form again (a double tap, a re-delivery)
                if stored is not None:
                    return stored
                # else a clash with another request's ticket: the next derived ticket
        raise RuntimeError("could not allocate a ticket number")

    def _store(self, guid: str, fields: RequestFields, key: str, ticket: str, received_at: datetime) -> str:
        if self._sqlite_writer is None:
            return self._call_function(guid, fields, key, ticket, received_at)

        def write(session: Session) -> str:
            unit_id = session.connection().execute(_ACTIVE_UNIT_ID, {"guid": guid}).scalar()
            if unit_id is None:
                raise UnknownUnit("No active unit has this code.")
            insert_request(
                session,
                self._ctx,
                unit_id=unit_id,
                fields=fields,
                submission_key=key,
                ticket=ticket,
                source=RequestSource.QR,
                received_at=received_at,
            )
            return ticket

        with database_errors():
            return self._sqlite_writer.run(write)

    def _ticket_of(self, key: str) -> str | None:
        if self._sqlite_writer is None:
            return None  # on PostgreSQL the function itself answers a repeated key
        with self._connect() as conn:
            found = conn.execute(select(CustomerRequest.ticket).where(CustomerRequest.submission_key == key))
            return found.scalar_one_or_none()

    def _call_function(self, guid: str, fields: RequestFields, key: str, ticket: str, received_at: datetime) -> str:
        params = {
            "guid": guid,
            "key": key,
            "ticket": ticket,
            "request": fields.request,
            "schedule_at": fields.schedule_at,
            "schedule_time": fields.schedule_time.value,
            "contact": fields.contact_info,
            "at": received_at,
        }
        try:
            with self._connect() as conn:
                return str(conn.execute(_SUBMIT, params).scalar_one())
        except IntegrityError:
            raise
        except DBAPIError as exc:
            state = getattr(exc.orig, "sqlstate", None)
            if state == "P0002":
                raise UnknownUnit("No active unit has this code.") from None
            if state == "22023":
                raise ValidationError({"request": "The database refused this request."}) from None
            raise

    @contextlib.contextmanager
    def _connect(self) -> Iterator[Connection]:
        """One short transaction; connection failures become ``DatabaseUnavailable``."""
        with database_errors(), self._db.engine.begin() as conn:
            yield conn


def _page(row: object) -> PublicUnitPage:
    return PublicUnitPage(row.guid, row.label or "this unit", row.customer_name)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class IntakeRoleReport:
    """What ``grant_intake_role`` did, and what it cannot do from inside the database."""

    role: str
    database: str
    other_databases: tuple[str, ...]  # the role may still connect there (through PUBLIC)


def grant_intake_role(conn: Connection, role: str, password: str | None) -> IntakeRoleReport:
    """Create (or reset) the listener's PostgreSQL role with the least it needs.

    Granted: CONNECT to this database, USAGE on the schema, SELECT on the two intake
    views, EXECUTE on ``intake_submit_request``. Everything else it might hold is revoked
    (tables, sequences, functions), PUBLIC loses CREATE on the schema and TEMP on this
    database, and its statements time out after 5 s. CONNECT to the cluster's other
    databases comes from PUBLIC and can only be closed in ``pg_hba.conf`` (reported).
    """
    if conn.dialect.name != "postgresql":
        raise IntakeRoleError("The intake role is a PostgreSQL feature; SQLite has no roles.")
    if not _ROLE_NAME.match(role):
        raise IntakeRoleError("Role names are lower-case letters, digits and underscores (at most 63).")
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if not exists:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOINHERIT'))
    conn.execute(
        text(f'ALTER ROLE "{role}" LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS')
    )
    if password:
        conn.execute(text(f'ALTER ROLE "{role}" PASSWORD {_literal(conn, password)}'))
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    for statement in (
        f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"',
        f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "{role}"',
        f'REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM "{role}"',
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f'REVOKE TEMPORARY ON DATABASE "{database}" FROM PUBLIC',
        f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT ON intake_unit_pages, intake_company TO "{role}"',
        f'GRANT EXECUTE ON FUNCTION {SUBMIT_FUNCTION} TO "{role}"',
        f"ALTER ROLE \"{role}\" SET statement_timeout = '5s'",
        f"ALTER ROLE \"{role}\" SET idle_in_transaction_session_timeout = '10s'",
    ):
        conn.execute(text(statement))
    others = (
        conn.execute(
            text(
                "SELECT datname FROM pg_database WHERE datallowconn AND datname <> current_database() "
                "AND has_database_privilege(:r, datname, 'CONNECT') ORDER BY datname"
            ),
            {"r": role},
        )
        .scalars()
        .all()
    )
    return IntakeRoleReport(role, database, tuple(others))


def _literal(conn: Connection, value: str) -> str:
    return str(conn.execute(text("SELECT quote_literal(:v)"), {"v": value}).scalar_one())
