"""The PostgreSQL role of ``tuffops notify serve``: read what rendering needs, mark the outbox.

The mail service runs unattended on the office server, so its database password sits in
a service definition. ``grant_sender_role`` gives that role the least the sender needs:

* SELECT on the settings (templates, company details, the E-mail settings) and on the
  records an e-mail or its attached PDF is drawn from (customers, units and their
  models, work orders and their items, invoices, payments, quotations);
* SELECT on the outbox, and UPDATE of the delivery columns only (status, attempts,
  lease, Message-ID, error, the server's answer…): it cannot change a message's
  recipients, context or attachment, nor add or delete messages;
* of ``users``, only id, user name and full name (a technician's name in a message),
  never password hashes, roles or e-mail addresses;
* nothing else: no audit log, no internal notes, no requests, no inventory, no INSERT or
  DELETE anywhere, no sequences, no CREATE; statements time out after 30 s.

``tests/notifications/test_sender_role.py`` attacks the role with real ``psql`` sessions
and runs the sender under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text

from tuffops_desktop.errors import KnownError

DEFAULT_ROLE = "tuffops_sender"
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

READ_TABLES: tuple[str, ...] = (
    "alembic_version",  # the service refuses to run on a schema it does not know
    "settings",
    "outbox",
    "customers",
    "units",
    "device_models",
    "device_types",
    "manufacturers",
    "work_orders",
    "work_order_items",
    "price_list_items",
    "invoices",
    "invoice_lines",
    "payments",
    "quotations",
    "quotation_units",
    "quotation_lines",
)
"""Tables the sender reads whole: rendering a message and its PDF."""

USER_COLUMNS: tuple[str, ...] = ("id", "username", "full_name")
"""What it may read of ``users``."""

OUTBOX_UPDATE_COLUMNS: tuple[str, ...] = (
    "status",
    "attempts",
    "next_attempt_at",
    "claimed_until",
    "claimed_by",
    "message_id",
    "subject",
    "last_error",
    "server_reply",
    "updated_at",
    "sent_at",
)
"""The delivery columns of the outbox, the only ones the sender changes."""


class SenderRoleError(KnownError):
    """The sender's role cannot be set up as asked."""


@dataclass(frozen=True)
class SenderRoleReport:
    role: str
    database: str


def grant_sender_role(conn: Connection, role: str = DEFAULT_ROLE, password: str | None = None) -> SenderRoleReport:
    """Create (or reset) the mail service's role with exactly the rights listed above.

    Run as the database owner (``tuffops notify grant-role``); running it again puts a
    role that was granted more back to exactly these rights.
    """
    if conn.dialect.name != "postgresql":
        raise SenderRoleError("The mail service's role is a PostgreSQL feature; SQLite has no roles.")
    if not _ROLE_NAME.match(role):
        raise SenderRoleError("Role names are lower-case letters, digits and underscores (at most 63).")
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
    if not exists:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN NOINHERIT'))
    conn.execute(
        text(f'ALTER ROLE "{role}" LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS')
    )
    if password:
        literal = conn.execute(text("SELECT quote_literal(:v)"), {"v": password}).scalar_one()
        conn.execute(text(f'ALTER ROLE "{role}" PASSWORD {literal}'))
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    statements = [
        f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"',
        f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "{role}"',
        f'REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM "{role}"',
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f'REVOKE TEMPORARY ON DATABASE "{database}" FROM PUBLIC',
        f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT ON {", ".join(READ_TABLES)} TO "{role}"',
        f'GRANT SELECT ({", ".join(USER_COLUMNS)}) ON users TO "{role}"',
        f'GRANT UPDATE ({", ".join(OUTBOX_UPDATE_COLUMNS)}) ON outbox TO "{role}"',
        f"ALTER ROLE \"{role}\" SET statement_timeout = '30s'",
        f"ALTER ROLE \"{role}\" SET idle_in_transaction_session_timeout = '60s'",
    ]
    # Column grants outlive a table-level REVOKE: clear them first, so a re-run is exact.
    for table, column in conn.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.column_privileges "
            "WHERE grantee = :r AND table_schema = 'public'"
        ),
        {"r": role},
    ).all():
        conn.execute(text(f'REVOKE ALL ("{column}") ON "{table}" FROM "{role}"'))
    for statement in statements:
        conn.execute(text(statement))
    return SenderRoleReport(role, database)
