"""Backing up and restoring the embedded (SQLite) database.

``backup_database`` copies the live database with SQLite's online backup API in one
step: the copy is one consistent moment of the database even while the app or the
intake listener keeps writing (in WAL mode a reader never blocks the writers). The copy
is written next to its destination under a temporary name, turned into a self-contained
single file (no ``-wal``), checked (``quick_check`` and a TuffOps schema revision), and
only then given its name. An existing file is never overwritten.

``restore_database`` puts a backup in place of the embedded database. It refuses a file
that is not an SQLite database, not a TuffOps database, damaged, or from a newer
TuffOps Desktop than this one. The current database is never overwritten: it is first
moved aside as ``<name>-before-restore-<time>.sqlite3`` (it must not be in use: the app
and the listener must be closed), then the checked copy takes its place.

A PostgreSQL office database is backed up with ``pg_dump`` and restored with
``pg_restore`` instead (``docs/backup.md``); the commands say so.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from tuffops_desktop import __version__
from tuffops_desktop.db.engine import normalize_url
from tuffops_desktop.db.migrate import head_revision
from tuffops_desktop.db.probe import known_revisions
from tuffops_desktop.errors import KnownError

SQLITE_HEADER = b"SQLite format 3\x00"
VERSION_TABLE = "alembic_version"
# Tables every TuffOps schema since the first revision has.
CORE_TABLES = frozenset({"users", "settings", "customers", "units", "audit_log"})
IN_USE_TIMEOUT_S = 2.0
POSTGRES_HINT = (
    "This is a PostgreSQL database: back it up with pg_dump and restore it with pg_restore "
    "(see docs/backup.md in the TuffOps Desktop folder)."
)


class BackupError(KnownError):
    """A backup or restore cannot be done as asked; nothing was changed."""


@dataclass(frozen=True)
class BackupReport:
    """What a backup or restore wrote."""

    path: Path
    revision: str
    tables: int
    rows: int
    size: int
    moved_aside: Path | None = None


def sqlite_path(url: str) -> Path:
    """The file of an embedded database URL; refuses PostgreSQL with the pg_dump hint."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(POSTGRES_HINT)
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("This database lives in memory only; there is nothing to back up.")
    return Path(parsed.database)


def backup_database(url: str, out: Path) -> BackupReport:
    """Copy the embedded database at ``url`` to the new file ``out`` (online, consistent)."""
    source = sqlite_path(url)
    out = Path(out)
    if not source.is_file():
        raise BackupError(f"There is no database at {source}.")
    if out.exists():
        raise BackupError(f"{out} exists already; choose a new file name (nothing was written).")
    if not out.parent.is_dir():
        raise BackupError(f"The folder {out.parent} does not exist.")
    if out.resolve() == source.resolve():
        raise BackupError("The backup cannot be the database itself; choose another file.")
    with _temporary_next_to(out) as temp:
        with _connect(source) as src:
            _copy(src, temp)
        report = _verify(temp)
        _publish(temp, out)
    return BackupReport(out, report.revision, report.tables, report.rows, out.stat().st_size)


def restore_database(backup: Path, url: str, *, now: datetime | None = None) -> BackupReport:
    """Put the backup file ``backup`` in place of the embedded database at ``url``."""
    target = sqlite_path(url)
    backup = Path(backup)
    if not backup.is_file():
        raise BackupError(f"There is no file {backup}.")
    if target.exists() and backup.resolve() == target.resolve():
        raise BackupError("That file is the database itself; choose a backup file.")
    _require_sqlite_file(backup)
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    with _temporary_next_to(target) as temp:
        with _connect(backup, read_only=True) as src:
            _verify_connection(src, backup)  # refuse before copying anything
            _copy(src, temp)
        report = _verify(temp)
        aside = _move_aside(target, now or datetime.now()) if target.exists() else None
        _publish(temp, target)
    return BackupReport(target, report.revision, report.tables, report.rows, target.stat().st_size, aside)


def default_backup_name(url: str, now: datetime | None = None) -> Path:
    """Where the app puts the backup it offers before an upgrade: a ``backups`` folder
    next to the database, one file per moment (``tuffops-2026-11-30-1405.sqlite3``)."""
    source = sqlite_path(url)
    stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    return source.parent / "backups" / f"{source.stem}-{stamp}{source.suffix or '.sqlite3'}"


# ----------------------------------------------------------------- helpers
@dataclass(frozen=True)
class _Contents:
    revision: str
    tables: int
    rows: int


def _connect(path: Path, *, read_only: bool = False) -> contextlib.closing[sqlite3.Connection]:
    mode = "ro" if read_only else "rw"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=IN_USE_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise BackupError(f"Cannot open {path}: {exc}.") from None
    return contextlib.closing(conn)


def _copy(src: sqlite3.Connection, temp: Path) -> None:
    """One-step online backup into ``temp``, then make it a single self-contained file."""
    try:
        with contextlib.closing(sqlite3.connect(temp)) as dst:
            src.backup(dst)  # pages=-1: the whole database at one consistent moment
            dst.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"The copy failed: {exc}. Nothing was written.") from None


def _require_sqlite_file(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise BackupError(f"Cannot read {path}: {exc.strerror}.") from None
    if header != SQLITE_HEADER:
        raise BackupError(f"{path} is not a TuffOps backup (not an SQLite database file). Nothing was changed.")


def _verify(path: Path) -> _Contents:
    with _connect(path, read_only=True) as conn:
        return _verify_connection(conn, path)


def _verify_connection(conn: sqlite3.Connection, path: Path) -> _Contents:
    """Damaged, foreign or newer databases are refused; returns the revision and counts."""
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a usable database ({exc}). Nothing was changed.") from None
    if not check or check[0] != "ok":
        raise BackupError(f"{path} is damaged (integrity check: {check[0] if check else '?'}). Nothing was changed.")
    if VERSION_TABLE not in tables or not set(tables) >= CORE_TABLES:
        raise BackupError(f"{path} is not a TuffOps database. Nothing was changed.")
    row = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    revision = row[0] if row else ""
    if not revision:
        raise BackupError(f"{path} has no TuffOps schema revision. Nothing was changed.")
    if revision != head_revision() and revision not in known_revisions():
        raise BackupError(
            f"{path} comes from a newer TuffOps Desktop (schema {revision}) than this one ({__version__}). "
            "Install the newer version to restore it. Nothing was changed."
        )
    rows = sum(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in tables)
    return _Contents(revision, len(tables), rows)


def _move_aside(target: Path, now: datetime) -> Path:
    """Move the current database out of the way, after making sure nobody has it open.

    Switching a WAL database to rollback-journal mode needs it to be the only connection,
    and folds the ``-wal`` file into the database: one file to move, or a clear refusal.
    """
    try:
        with contextlib.closing(sqlite3.connect(target, timeout=IN_USE_TIMEOUT_S)) as conn:
            conn.execute(f"PRAGMA busy_timeout={int(IN_USE_TIMEOUT_S * 1000)}")
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()
            if not mode or str(mode[0]).lower() != "delete":
                raise BackupError(_in_use(target))
    except sqlite3.OperationalError:
        raise BackupError(_in_use(target)) from None
    aside = target.with_name(f"{target.stem}-before-restore-{now.strftime('%Y-%m-%d-%H%M%S')}{target.suffix}")
    if aside.exists():
        raise BackupError(f"{aside} exists already; try again in a second.")
    try:
        os.replace(target, aside)
    except OSError as exc:
        raise BackupError(f"Cannot move the current database aside ({exc.strerror}); nothing was changed.") from None
    for suffix in ("-wal", "-shm", "-journal"):
        leftover = target.with_name(target.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    return aside


def _in_use(target: Path) -> str:
    return (
        f"The database {target} is in use. Close TuffOps Desktop and stop the intake listener on "
        "this computer, then restore again. Nothing was changed."
    )


@contextlib.contextmanager
def _temporary_next_to(path: Path) -> Iterator[Path]:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    try:
        yield temp
    finally:
        for leftover in (temp, temp.with_name(temp.name + "-journal")):
            leftover.unlink(missing_ok=True)


def _publish(temp: Path, final: Path) -> None:
    with temp.open("rb") as handle:
        os.fsync(handle.fileno())
    try:
        os.replace(temp, final)
    except OSError as exc:
        raise BackupError(f"Cannot write {final}: {exc.strerror}.") from None


def run_command(command: str, url: str, path: Path) -> str:
    """``tuffops db backup --out FILE`` / ``tuffops db restore FILE``: do it, return what to print."""
    if command == "backup":
        report = backup_database(url, path)
        return (
            f"Backed up {sqlite_path(url)} to {report.path}: {report.tables} tables, {report.rows:,} rows, "
            f"schema {report.revision}, {_size(report.size)}."
        )
    report = restore_database(path, url)
    lines = [
        f"Restored {path} as {report.path}: {report.tables} tables, {report.rows:,} rows, schema {report.revision}."
    ]
    if report.moved_aside is not None:
        lines.append(f"The database it replaced was moved to {report.moved_aside}.")
    if report.revision != head_revision():
        lines.append("It comes from an earlier version and will be upgraded when it is next opened.")
    return "\n".join(lines)


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, round(size / 1024))} KB"
