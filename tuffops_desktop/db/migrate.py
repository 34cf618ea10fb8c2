"""Schema upgrades: the app runs Alembic on its own connection at start.

A database written by a newer app (a revision this app does not know) is refused with a
clear message instead of being touched. After the schema, setting defaults are written
put-if-missing, so a new key gets its default and an edited value is never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import OperationalError

from tuffops_desktop import __version__
from tuffops_desktop.config.paths import migrations_dir
from tuffops_desktop.db.base import table_of, utcnow
from tuffops_desktop.db.engine import driver_message
from tuffops_desktop.db.models import Setting
from tuffops_desktop.domain.settings import SETTINGS, to_json
from tuffops_desktop.errors import DatabaseTooNew, DatabaseUnavailable


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return heads[0]


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str:
    """Bring the schema to ``revision`` (default: newest) and return the revision now in place."""
    script = ScriptDirectory.from_config(alembic_config())

    def run(cfg: Config) -> None:
        conn: Connection = cfg.attributes["connection"]
        current = current_revision(conn)
        if current is not None and _unknown(script, current):
            raise DatabaseTooNew(
                f"This database (schema {current}) was upgraded by a newer TuffOps Desktop than "
                f"this one ({__version__}). Install the newer version on this computer."
            )
        command.upgrade(cfg, revision)
        ensure_setting_defaults(conn)

    return migrate(engine, run)


def migrate(engine: Engine, action: Callable[[Config], None]) -> str:
    """Run an Alembic ``action`` in one transaction; returns the revision then in place.

    On SQLite, altering a table rebuilds it (copy, drop, rename), and dropping a table
    that other rows point at fails while foreign keys are enforced. So foreign keys are
    switched off for the migration (outside the transaction: SQLite ignores the switch
    inside one), every reference is checked with ``foreign_key_check`` before the commit,
    and enforcement is switched back on afterwards.
    """
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                _sqlite_pragma(conn, "PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    cfg = alembic_config()
                    cfg.attributes["connection"] = conn
                    action(cfg)
                    if sqlite:
                        broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                        if broken:
                            raise RuntimeError(f"The migration would leave broken references: {broken[:5]}")
                    return current_revision(conn) or ""
            finally:
                if sqlite:
                    _sqlite_pragma(conn, "PRAGMA foreign_keys=ON")
    except OperationalError as exc:
        raise DatabaseUnavailable(f"Cannot reach the database: {driver_message(exc)}") from exc


def _sqlite_pragma(conn: Connection, pragma: str) -> None:
    """A PRAGMA on the driver's connection, outside any transaction (where it takes effect)."""
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.execute(pragma)


def _unknown(script: ScriptDirectory, revision: str) -> bool:
    """True when ``revision`` is NOT known to this app (lookup errors count as unknown)."""
    try:
        return script.get_revision(revision) is None
    except Exception:  # alembic raises ResolutionError / CommandError for unknown ids
        return True


def ensure_setting_defaults(conn: Connection) -> None:
    """Insert every declared setting that is missing; never touch an existing value."""
    existing = set(conn.execute(select(Setting.name)).scalars())
    missing = [
        {"name": spec.name, "value": to_json(spec, spec.default), "readonly": spec.readonly, "version": 1}
        for spec in SETTINGS
        if spec.name not in existing
    ]
    if missing:
        now = utcnow()
        for row in missing:
            row["updated_at"] = now
        conn.execute(table_of(Setting).insert(), missing)
