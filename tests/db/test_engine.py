import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tuffops_desktop.db.engine import make_engine, normalize_url
from tuffops_desktop.errors import DatabaseUrlInvalid


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{(tmp_path / 'x.sqlite3').as_posix()}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        conn.execute(text("CREATE TABLE p (id INTEGER PRIMARY KEY)"))
        conn.execute(text("CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id))"))
        with pytest.raises(IntegrityError):
            conn.execute(text("INSERT INTO c (id, p) VALUES (1, 42)"))
    engine.dispose()


def test_urls():
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    for bad in ("foo:bar", "mysql://u@h/db", ""):
        with pytest.raises(DatabaseUrlInvalid):
            make_engine(bad)
