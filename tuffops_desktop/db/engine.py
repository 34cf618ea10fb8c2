"""Engines and sessions for PostgreSQL (shared office database) and SQLite (one PC).

SQLite gets WAL (readers never wait for the writer), foreign keys on, a busy timeout, and
explicit transactions: write units of work start with ``BEGIN IMMEDIATE`` so two writers
queue instead of one failing half-way; read units of work use a plain ``BEGIN``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from tuffops_desktop.errors import DatabaseUrlInvalid

SQLITE_BUSY_TIMEOUT_S = 15


def driver_message(exc: BaseException) -> str:
    """The first line of what the database driver said (no SQL, no parameters)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use the psycopg 3 driver."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://…``)."""
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlInvalid(
            f"“{url}” is not a database address. Use sqlite:///C:/path/file.sqlite3 "
            "or postgresql://user:password@host/dbname."
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
        return create_engine(
            parsed,
            echo=echo,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args={"connect_timeout": 5, "application_name": "tuffops"},
        )
    raise DatabaseUrlInvalid(f"Unsupported database “{backend}”. Use PostgreSQL or SQLite.")


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
