"""Engines and sessions for PostgreSQL (shared office database) and SQLite (one PC).

SQLite gets WAL (readers never wait for the writer), foreign keys on, a busy timeout, and
explicit transactions: write units of work start with ``BEGIN IMMEDIATE`` so two writers
queue instead of one failing half-way; read units of work use a plain ``BEGIN``.

PostgreSQL connections fail fast when the server is gone or hung rather than blocking a
worker for minutes: a new connection gives up after ``CONNECT_TIMEOUT_S`` (a paused
postmaster accepts the TCP connection but never answers); a pooled connection is checked
with a ``SELECT 1`` that waits at most ``PING_TIMEOUT_S`` before the pool drops it and
connects afresh (SQLAlchemy's own pre-ping has no time limit, and a hung server's kernel
keeps acknowledging, so TCP never notices); TCP keepalives and ``tcp_user_timeout`` end
connections to a peer that vanished from the network; and waiting for a free pooled
connection is bounded too.
"""

from __future__ import annotations

import select
import sys
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from tuffops_desktop.errors import DatabaseUrlInvalid

SQLITE_BUSY_TIMEOUT_S = 15
# An example in the form of this platform's own paths, for messages.
SQLITE_URL_EXAMPLE = (
    "sqlite:///C:/Users/you/tuffops.sqlite3" if sys.platform == "win32" else "sqlite:////home/you/tuffops.sqlite3"
)
CONNECT_TIMEOUT_S = 2  # psycopg's minimum; a LAN or VPN server answers in milliseconds
PING_TIMEOUT_S = 1.0
POOL_TIMEOUT_S = 5
POSTGRES_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": CONNECT_TIMEOUT_S,
    "application_name": "tuffops",
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,  # ms of unacknowledged data before the connection is dropped
}


def driver_message(exc: BaseException) -> str:
    """The first line of what the database driver said (no SQL, no parameters)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://…``)."""
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlInvalid(
            f"“{url}” is not a database address. Use {SQLITE_URL_EXAMPLE} or postgresql://user:password@host/dbname."
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = create_engine(
            parsed,
            echo=echo,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        )
        _install_sqlite_hooks(engine)
        return engine
    if backend == "postgresql":
        if parsed.drivername != "postgresql+psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(
            parsed,
            echo=echo,
            pool_size=5,
            max_overflow=5,
            pool_timeout=POOL_TIMEOUT_S,
            connect_args=dict(POSTGRES_CONNECT_ARGS),
        )
        event.listen(engine, "checkout", _ping_on_checkout)
        return engine
    raise DatabaseUrlInvalid(f"Unsupported database “{backend}”. Use PostgreSQL or SQLite.")


def ping(dbapi_connection: Any, timeout: float = PING_TIMEOUT_S) -> None:
    """``SELECT 1`` on an idle psycopg connection, waiting at most ``timeout`` seconds.

    Raises ``DisconnectionError`` when the server does not answer in time or the
    connection is broken. Uses libpq's non-blocking calls and ``select`` (Windows too).
    """
    conn = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    pgconn = conn.pgconn
    if pgconn.transaction_status != 0:  # not idle: nothing to check here
        return
    deadline = time.monotonic() + timeout
    try:
        pgconn.send_query(b"SELECT 1")
        while pgconn.flush() != 0:
            _wait_socket(pgconn.socket, deadline, write=True)
        while True:
            pgconn.consume_input()
            if not pgconn.is_busy():
                break
            _wait_socket(pgconn.socket, deadline)
        while (result := pgconn.get_result()) is not None:
            if result.status != 2:  # TUPLES_OK
                raise DisconnectionError(f"ping failed: {pgconn.error_message.decode(errors='replace').strip()}")
    except DisconnectionError:
        raise
    except Exception as exc:  # noqa: BLE001 - any driver failure means the connection is unusable
        raise DisconnectionError(f"ping failed: {exc}") from exc


def _wait_socket(sock: int, deadline: float, *, write: bool = False) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise DisconnectionError("the database server did not answer in time")
    readable, writable, _ = select.select([] if write else [sock], [sock] if write else [], [], remaining)
    if not readable and not writable:
        raise DisconnectionError("the database server did not answer in time")


def _ping_on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    # Raising DisconnectionError here makes the pool discard this connection and connect anew.
    ping(dbapi_connection)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Let SQLAlchemy, not the driver, decide where transactions begin (pysqlite's
        # implicit BEGIN breaks SAVEPOINT and BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


@dataclass(frozen=True)
class SessionFactories:
    """Session makers for read-only and writing units of work."""

    engine: Engine
    read: sessionmaker[Session]
    write: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def make_session_factories(engine: Engine) -> SessionFactories:
    """Build the two session makers over one engine (shared connection pool)."""
    write_bind = engine.execution_options(sqlite_begin="IMMEDIATE") if engine.dialect.name == "sqlite" else engine
    return SessionFactories(
        engine=engine,
        read=sessionmaker(bind=engine, expire_on_commit=False, autoflush=False),
        write=sessionmaker(bind=write_bind, expire_on_commit=False, autoflush=False),
    )
