"""Backups of the embedded database (``tuffops db backup`` / ``db restore``), and the
documented pg_dump / pg_restore routine for the office PostgreSQL database.

The embedded backup is taken while another connection keeps writing: it must be one
consistent moment (a transaction is in it whole or not at all) and restore into a new
file with every table's rows, compared by count and by a checksum of the rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.pgcluster import pg_bindir
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.backup import POSTGRES_HINT, BackupError, backup_database, restore_database
from tuffops_desktop.db.migrate import head_revision, upgrade
from tuffops_desktop.services.demo import seed_demo

BATCH = 5  # the writer's rows per transaction


def _url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database (migrated, seeded); tests copy it."""
    path = tmp_path_factory.mktemp("backup-demo") / "demo.sqlite3"
    db = open_database(_url(path))
    seed_demo(system_services(db).ctx, customers=12, technicians=2)
    db.engine.dispose()
    return path


@pytest.fixture
def live(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the demo database to back up, restore over, write to."""
    path = tmp_path / "tuffops.sqlite3"
    with contextlib.closing(sqlite3.connect(demo_file)) as src, contextlib.closing(sqlite3.connect(path)) as dst:
        src.backup(dst)
    return path


def sqlite_tables(path: Path) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows (in primary-key order)."""
    found: dict[str, tuple[int, str]] = {}
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for name in names:
            width = len(conn.execute(f'SELECT * FROM "{name}" LIMIT 0').description)
            order = ", ".join(str(i) for i in range(1, width + 1))
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY {order}'):
                digest.update(repr(row).encode())
                count += 1
            found[name] = (count, digest.hexdigest())
    return found


class Writer:
    """Another connection adding audit rows, ``BATCH`` per transaction, until stopped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.batches = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Writer:
        self._thread.start()
        while self.batches < 3:
            time.sleep(0.005)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        with contextlib.closing(sqlite3.connect(self.path, timeout=15, isolation_level=None)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            while not self._stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                for n in range(BATCH):
                    conn.execute(
                        "INSERT INTO audit_log (at, user_id, username, entity, entity_id, action, changes) "
                        "VALUES (datetime('now'), NULL, 'writer', 'backup-test', ?, 'create', '{}')",
                        (f"{self.batches}-{n}",),
                    )
                conn.execute("COMMIT")
                self.batches += 1


def _written(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM audit_log WHERE entity = 'backup-test'").fetchone()[0]


def test_a_backup_taken_while_another_connection_writes_restores_every_row(live, tmp_path):
    out = tmp_path / "backup-during-writes.sqlite3"
    with Writer(live) as writer:
        before = writer.batches
        report = backup_database(_url(live), out)
        after = writer.batches
        time.sleep(0.05)
    assert after > before or writer.batches > before, "the writer kept writing around the backup"
    during = _written(out)
    assert during % BATCH == 0, "a transaction is in the backup whole or not at all"
    assert 3 * BATCH <= during <= _written(live)
    assert report.revision == head_revision() and report.path == out and report.size == out.stat().st_size
    assert not list(tmp_path.glob(".*.tmp*")), "no temporary file is left behind"
    assert not Path(f"{out}-wal").exists(), "the backup is one self-contained file"

    # Writer stopped: a backup now equals the source table by table, and restores whole.
    quiet = tmp_path / "backup-quiet.sqlite3"
    backup_database(_url(live), quiet)
    source = sqlite_tables(live)
    assert sqlite_tables(quiet) == source
    assert source["customers"][0] == 12 and source["audit_log"][0] > during

    restored = tmp_path / "restored" / "new.sqlite3"
    restored.parent.mkdir()
    result = restore_database(quiet, _url(restored))
    assert result.moved_aside is None
    assert sqlite_tables(restored) == source
    assert result.rows == sum(count for count, _ in source.values())

    # The restored file is a working database for the app.
    db = open_database(_url(restored))
    try:
        assert system_services(db).customers.count() == 12
    finally:
        db.engine.dispose()


def test_restore_moves_the_current_database_aside_first(live, tmp_path):
    earlier = tmp_path / "earlier.sqlite3"
    backup_database(_url(live), earlier)
    with Writer(live):
        pass  # the live database moves on after the backup
    current = sqlite_tables(live)
    assert current != sqlite_tables(earlier)

    report = restore_database(earlier, _url(live))

    assert report.moved_aside is not None and report.moved_aside.parent == live.parent
    assert "before-restore" in report.moved_aside.name
    assert sqlite_tables(report.moved_aside) == current, "the replaced database is kept, unchanged"
    assert sqlite_tables(live) == sqlite_tables(earlier)


def _not_sqlite(path: Path) -> None:
    path.write_text("customer,phone\nA,1\n", encoding="utf-8")


def _foreign_sqlite(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        conn.commit()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_not_sqlite, r"is not a TuffOps backup \(not an SQLite database file\)"),
        (_foreign_sqlite, "is not a TuffOps database"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_tuffops_database(live, tmp_path, make, message):
    before = sqlite_tables(live)
    bad = tmp_path / "bad.sqlite3"
    make(bad)
    with pytest.raises(BackupError, match=message):
        restore_database(bad, _url(live))
    assert sqlite_tables(live) == before
    assert not [p.name for p in tmp_path.iterdir() if "before-restore" in p.name or p.name.endswith(".tmp")]


def test_restore_refuses_a_backup_from_a_newer_version(live, tmp_path):
    newer = tmp_path / "newer.sqlite3"
    backup_database(_url(live), newer)
    with contextlib.closing(sqlite3.connect(newer)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        conn.commit()
    before = sqlite_tables(live)
    with pytest.raises(BackupError, match=r"newer TuffOps Desktop \(schema 9999_from_the_future\)"):
        restore_database(newer, _url(live))
    assert sqlite_tables(live) == before


def test_restore_refuses_while_the_database_is_in_use(live, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    backup_database(_url(live), copy)
    engine = open_database(_url(live)).engine  # the app, still open on it
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM customers")).scalar()
            with pytest.raises(BackupError, match="is in use. Close TuffOps Desktop"):
                restore_database(copy, _url(live))
    finally:
        engine.dispose()
    assert live.exists() and not list(tmp_path.glob("*before-restore*"))


def test_backup_never_overwrites_and_postgres_is_told_to_use_pg_dump(live, tmp_path):
    out = tmp_path / "exists.sqlite3"
    out.write_bytes(b"keep me")
    with pytest.raises(BackupError, match="exists already"):
        backup_database(_url(live), out)
    assert out.read_bytes() == b"keep me"
    with pytest.raises(BackupError, match="There is no database"):
        backup_database(_url(tmp_path / "missing.sqlite3"), tmp_path / "x.sqlite3")
    for call in (
        lambda: backup_database("postgresql://u@server/tuffops", tmp_path / "pg.sqlite3"),
        lambda: restore_database(out, "postgresql://u@server/tuffops"),
    ):
        with pytest.raises(BackupError) as refused:
            call()
        assert refused.value.message == POSTGRES_HINT


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TUFFOPS_DATA_DIR": str(data_dir)}
    env.pop("TUFFOPS_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "tuffops_desktop", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_cli_backup_and_restore_of_the_embedded_database(live, tmp_path):
    out = tmp_path / "nightly.sqlite3"
    done = _cli("--database-url", _url(live), "db", "backup", "--out", str(out), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"to {out}:" in done.stdout and "customers" not in done.stderr
    # Default database: the embedded one in the data folder (as the app's first run makes it).
    data = tmp_path / "data"
    data.mkdir()
    restored = _cli("db", "restore", str(out), data_dir=data)
    assert restored.returncode == 0, restored.stderr
    assert f"as {data / 'tuffops.sqlite3'}" in restored.stdout
    assert sqlite_tables(data / "tuffops.sqlite3") == sqlite_tables(live)

    again = _cli("--database-url", _url(live), "db", "backup", "--out", str(out), data_dir=tmp_path)
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.strip().startswith("tuffops: ") and "exists already" in again.stderr
    pg = _cli("--database-url", "postgresql://u@127.0.0.1:1/x", "db", "backup", "--out", "x", data_dir=tmp_path)
    assert pg.returncode == 1 and "pg_dump" in pg.stderr


# ----------------------------------------------------------------- PostgreSQL
def pg_tables(url: str) -> dict[str, tuple[int, str]]:
    engine = create_engine(url)
    found: dict[str, tuple[int, str]] = {}
    try:
        with engine.connect() as conn:
            names = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            ).scalars()
            for name in list(names):
                rows = conn.execute(text(f'SELECT t::text FROM "{name}" t ORDER BY 1')).scalars().all()
                found[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    finally:
        engine.dispose()
    return found


def test_the_documented_pg_dump_and_pg_restore_routine_restores_every_row(pg_server_url, tmp_path):
    """docs/backup.md: pg_dump --format=custom, then pg_restore into a new empty database."""
    bindir = Path(pg_bindir() or "/usr/bin")
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    suffix = os.getpid()
    source_url = make_url(pg_server_url).set(database=f"office_{suffix}").render_as_string(hide_password=False)
    target_url = make_url(pg_server_url).set(database=f"restored_{suffix}").render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "office_{suffix}"'))
        conn.execute(text(f'CREATE DATABASE "restored_{suffix}"'))
    try:
        db = open_database(source_url)
        seed_demo(system_services(db).ctx, customers=8, technicians=2)
        db.engine.dispose()
        libpq = source_url.replace("postgresql+psycopg://", "postgresql://")
        dump = tmp_path / "tuffops.dump"
        subprocess.run(
            [str(bindir / "pg_dump"), "--format=custom", f"--file={dump}", libpq], check=True, capture_output=True
        )
        subprocess.run(
            [
                str(bindir / "pg_restore"),
                "--exit-on-error",
                "--single-transaction",
                "--no-owner",
                f"--dbname={target_url.replace('postgresql+psycopg://', 'postgresql://')}",
                str(dump),
            ],
            check=True,
            capture_output=True,
        )
        source = pg_tables(source_url)
        assert source["customers"][0] == 8 and source["alembic_version"][0] == 1
        assert pg_tables(target_url) == source
        engine = create_engine(target_url)
        try:
            assert upgrade(engine) == head_revision()  # the restored database opens as is
        finally:
            engine.dispose()
    finally:
        with admin.connect() as conn:
            for name in (f"office_{suffix}", f"restored_{suffix}"):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
