"""Before the app works with a database: can it be reached, and what does it need first?

The first-run wizard's "Test connection" and every start of the desktop app ask
``check_database(url)``. It either raises one of a few errors, each with a message an
office user can act on, or tells what the database needs before anyone can sign in:

- ``ServerUnreachable``: nothing answers at that server name and port (wrong name, server
  down, firewall). Tested with a plain TCP connection first, so the answer does not
  depend on the language the PostgreSQL client or server speaks.
- ``WrongPassword``: the server refused the user name or password.
- ``DatabaseMissing``: the server answers but has no database of that name.
- ``ConnectionNotAllowed``: the server's ``pg_hba.conf`` turns this computer away.
- ``DatabaseTooNew``: the schema was upgraded by a newer TuffOps Desktop than this one.
- ``NotATuffOpsDatabase``: the database holds another program's tables.

Otherwise the ``DatabaseCheck`` says whether the schema is empty (a new database), older
than this app (it needs an upgrade) or current, how many users exist (none: the first
administrator has to be created), and whether the database account may change the schema.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from tuffops_desktop import __version__
from tuffops_desktop.db.engine import CONNECT_TIMEOUT_S, driver_message, make_engine, normalize_url
from tuffops_desktop.db.migrate import alembic_config, current_revision, head_revision
from tuffops_desktop.errors import DatabaseTooNew, DatabaseUnavailable, KnownError

DEFAULT_PORT = 5432
VERSION_TABLE = "alembic_version"


class ServerUnreachable(DatabaseUnavailable):
    """Nothing answers at the server name and port (or the name is unknown)."""


class WrongPassword(KnownError):
    """The server refused the user name or password."""


class DatabaseMissing(KnownError):
    """The server answers, but has no database of that name."""


class ConnectionNotAllowed(KnownError):
    """The server's access rules (``pg_hba.conf``) turn this computer or user away."""


class NotATuffOpsDatabase(KnownError):
    """The database holds tables of another program (no TuffOps schema revision)."""


class SchemaState(StrEnum):
    EMPTY = "empty"  # no tables yet: a new database
    OLDER = "older"  # made by an earlier TuffOps Desktop: needs an upgrade
    CURRENT = "current"  # exactly this version's schema


@dataclass(frozen=True)
class DatabaseCheck:
    """What ``check_database`` found.

    Attributes:
        dialect: ``sqlite`` (embedded) or ``postgresql`` (office server).
        revision: the schema revision in the database (None when empty).
        head: the revision this app needs.
        schema: empty, older or current.
        users: how many users exist (0 on an empty database).
        may_change_schema: the database account may create and alter the tables (the
            embedded file is writable; on PostgreSQL a superuser, the owner of the
            TuffOps tables, or, on an empty database, an account allowed to create them).
    """

    dialect: str
    revision: str | None
    head: str
    schema: SchemaState
    users: int
    may_change_schema: bool

    @property
    def embedded(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def ready(self) -> bool:
        """Nothing to do before signing in: current schema and at least one user."""
        return self.schema is SchemaState.CURRENT and self.users > 0


def check_database(url: str) -> DatabaseCheck:
    """Connect to ``url`` and report what it needs; raises the errors listed above.

    On PostgreSQL the server is first tried with a plain TCP connection, bounded by the
    engine's connect timeout. An embedded database file that does not exist yet is
    created (empty): that is what choosing "This computer only" means.
    """
    parsed = _parse(url)
    if parsed.get_backend_name() == "postgresql":
        tcp_reachable(parsed.host or "localhost", parsed.port or DEFAULT_PORT)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return _inspect(conn)
    except OperationalError as exc:
        raise classify_connect_error(exc, parsed) from exc
    finally:
        engine.dispose()


def tcp_reachable(host: str, port: int, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Raise ``ServerUnreachable`` unless something accepts a TCP connection at host:port.

    A host that is a folder (a Unix socket directory) is left to the driver.
    """
    if host.startswith("/"):
        return
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return
    except socket.gaierror:
        raise ServerUnreachable(
            f"The server name “{host}” is not known on this network. Check the spelling, "
            "or use the server's IP address."
        ) from None
    except ConnectionRefusedError:
        raise ServerUnreachable(
            f"Nothing answers on “{host}” port {port}. Check the port, and that PostgreSQL is "
            "running on that server and accepts network connections (listen_addresses)."
        ) from None
    except (TimeoutError, OSError) as exc:
        reason = "it did not answer in time" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise ServerUnreachable(
            f"Cannot reach the server “{host}” (port {port}): {reason}. Check the server name, "
            "the network connection and any firewall between this computer and the server."
        ) from None


def classify_connect_error(exc: BaseException, url: URL | str) -> KnownError:
    """Turn what the driver said when connecting into one of the errors above.

    PostgreSQL reports connection failures as text only (no SQLSTATE reaches the client
    before the session exists), so this reads the server's English wording; anything
    not recognised keeps the driver's first line in a ``DatabaseUnavailable``.
    """
    parsed = url if isinstance(url, URL) else _parse(url)
    orig = getattr(exc, "orig", None) or exc
    lower = str(orig).lower()
    user = parsed.username or ""
    name = parsed.database or ""
    host = parsed.host or "localhost"
    port = parsed.port or DEFAULT_PORT
    if parsed.get_backend_name() == "sqlite":
        return DatabaseUnavailable(f"Cannot reach the database: {driver_message(exc)}")
    if (
        "password authentication failed" in lower
        or "no password supplied" in lower
        or ("role " in lower and "does not exist" in lower)
        or getattr(getattr(orig, "pgconn", None), "needs_password", False)
    ):
        return WrongPassword(
            f"The server refused the user name “{user}” or its password. Check both (the password is "
            "case-sensitive), or ask your administrator."
        )
    if "database" in lower and "does not exist" in lower:
        return DatabaseMissing(
            f"The server “{host}” has no database named “{name}”. Check the name, or ask your "
            f"administrator to create it (for example: createdb -O {user or 'tuffops'} {name or 'tuffops'})."
        )
    if "no pg_hba.conf entry" in lower or "pg_hba.conf rejects" in lower:
        return ConnectionNotAllowed(
            f"The server “{host}” does not accept connections from this computer for the user "
            f"“{user}” (its pg_hba.conf has no rule for it). Ask your administrator."
        )
    unreachable = (
        "could not translate host name",
        "connection refused",
        "timeout expired",
        "no route to host",
        "network is unreachable",
        "could not connect",
        "server closed the connection",
    )
    if any(marker in lower for marker in unreachable):
        return ServerUnreachable(
            f"Cannot reach the server “{host}” (port {port}): {driver_message(exc)}. Check the server "
            "name, the port and the network."
        )
    return DatabaseUnavailable(f"Cannot reach the database: {driver_message(exc)}")


def known_revisions() -> set[str]:
    """Every schema revision this app's migrations know."""
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def newer_schema_error(revision: str) -> DatabaseTooNew:
    return DatabaseTooNew(
        f"This database (schema {revision}) was upgraded by a newer TuffOps Desktop than this one "
        f"({__version__}). Install the newer version on this computer."
    )


def _inspect(conn: Connection) -> DatabaseCheck:
    dialect = conn.dialect.name
    head = head_revision()
    tables = set(inspect(conn).get_table_names())
    revision = current_revision(conn) if VERSION_TABLE in tables else None
    if revision is None:
        others = sorted(tables - {VERSION_TABLE})
        if others:
            shown = ", ".join(others[:3]) + ("…" if len(others) > 3 else "")
            raise NotATuffOpsDatabase(
                f"This database already holds tables of another program ({shown}) and no TuffOps "
                "schema. Use a new, empty database for TuffOps Desktop."
            )
        schema = SchemaState.EMPTY
    elif revision == head:
        schema = SchemaState.CURRENT
    elif revision in known_revisions():
        schema = SchemaState.OLDER
    else:
        raise newer_schema_error(revision)
    users = 0
    if schema is not SchemaState.EMPTY:
        try:
            users = int(conn.execute(text("SELECT count(*) FROM users")).scalar() or 0)
        except DBAPIError:  # no users table or no right to read it: not a TuffOps schema we know
            conn.rollback()
            raise NotATuffOpsDatabase(
                "This database has a schema revision but no readable users table. Use the database "
                "TuffOps Desktop created, or a new, empty one."
            ) from None
    return DatabaseCheck(
        dialect=dialect,
        revision=revision,
        head=head,
        schema=schema,
        users=users,
        may_change_schema=_may_change_schema(conn, schema),
    )


def _may_change_schema(conn: Connection, schema: SchemaState) -> bool:
    if conn.dialect.name == "sqlite":
        path = conn.engine.url.database or ""
        return not path or path == ":memory:" or os.access(Path(path), os.W_OK)
    if conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar():
        return True
    if schema is SchemaState.EMPTY:
        return bool(conn.execute(text("SELECT has_schema_privilege(current_schema(), 'CREATE')")).scalar())
    owner = conn.execute(
        text("SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = :t"),
        {"t": VERSION_TABLE},
    ).scalar()
    return bool(owner) and bool(
        conn.execute(text("SELECT pg_has_role(current_user, :owner, 'USAGE')"), {"owner": owner}).scalar()
    )


def _parse(url: str) -> URL:
    try:
        return make_url(normalize_url(url))
    except Exception:  # noqa: BLE001 - make_engine says the same thing in its own words
        make_engine(url)  # raises DatabaseUrlInvalid with the message users see elsewhere
        raise
