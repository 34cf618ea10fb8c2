"""Test connection: each way of failing has its own clear message, found against a real
PostgreSQL (a cluster of its own, ``tests/office_cluster.py``, where roles sign in with a
password), and the schema states the first-run wizard acts on (empty, older, current,
newer) on both databases."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.office_cluster import office_url, start_office_cluster
from tests.pgcluster import Cluster, free_port
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.engine import make_engine
from tuffops_desktop.db.migrate import head_revision, upgrade
from tuffops_desktop.db.probe import (
    ConnectionNotAllowed,
    DatabaseMissing,
    NotATuffOpsDatabase,
    SchemaState,
    ServerUnreachable,
    WrongPassword,
    check_database,
    classify_connect_error,
)
from tuffops_desktop.errors import DatabaseTooNew, DatabaseUnavailable


@pytest.fixture(scope="module")
def office() -> Iterator[Cluster]:
    cluster = start_office_cluster()
    yield cluster
    cluster.stop()


def test_wrong_password(office):
    with pytest.raises(WrongPassword) as refused:
        check_database(office_url(office, password="not-it"))
    assert refused.value.message.startswith("The server refused the user name “office” or its password.")
    with pytest.raises(WrongPassword):
        check_database(office_url(office, password=""))


def test_missing_database(office):
    with pytest.raises(DatabaseMissing) as refused:
        check_database(office_url(office, database="tuffops_typo"))
    assert "has no database named “tuffops_typo”" in refused.value.message


def test_a_computer_the_server_turns_away(office):
    with pytest.raises(ConnectionNotAllowed) as refused:
        check_database(office_url(office, user="outsider"))
    assert "does not accept connections from this computer for the user “outsider”" in refused.value.message


def test_closed_port_and_unknown_server_are_unreachable():
    with pytest.raises(ServerUnreachable) as refused:
        check_database(f"postgresql://office:x@127.0.0.1:{free_port()}/tuffops")
    assert refused.value.message.startswith("Nothing answers on “127.0.0.1” port")
    with pytest.raises(ServerUnreachable) as unknown:
        check_database("postgresql://office:x@no-such-server.invalid/tuffops")
    assert "“no-such-server.invalid” is not known" in unknown.value.message
    assert isinstance(unknown.value, DatabaseUnavailable)  # the rest of the app treats it as "unreachable"


def test_the_four_messages_differ(office):
    messages = set()
    for url in (
        office_url(office, password="wrong"),
        office_url(office, database="missing"),
        f"postgresql://office:x@127.0.0.1:{free_port()}/tuffops",
    ):
        with pytest.raises(Exception) as caught:
            check_database(url)
        messages.add(type(caught.value))
    assert messages == {WrongPassword, DatabaseMissing, ServerUnreachable}


def test_an_empty_office_database_and_who_may_set_it_up(office):
    found = check_database(office_url(office))
    assert (found.schema, found.revision, found.users, found.dialect) == (SchemaState.EMPTY, None, 0, "postgresql")
    assert found.may_change_schema and not found.ready
    assert not check_database(office_url(office, user="clerk")).may_change_schema  # PostgreSQL 15: no CREATE


def test_older_current_and_newer_schema_on_the_office_server(office):
    name = "tuffops_states"
    admin = create_engine(office.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} OWNER office"))
    url = office_url(office, database=name)
    try:
        engine = make_engine(url)
        upgrade(engine, "0011_invoice_indexes")
        older = check_database(url)
        assert (older.schema, older.revision, older.head) == (
            SchemaState.OLDER,
            "0011_invoice_indexes",
            head_revision(),
        )
        assert older.may_change_schema  # the owner of the tables
        with engine.begin() as conn:
            conn.execute(text("GRANT CONNECT ON DATABASE tuffops_states TO clerk"))
            conn.execute(text("GRANT USAGE ON SCHEMA public TO clerk"))
            conn.execute(text("GRANT SELECT ON ALL TABLES IN SCHEMA public TO clerk"))
        clerk = check_database(office_url(office, user="clerk", database=name))
        assert clerk.schema is SchemaState.OLDER and not clerk.may_change_schema

        upgrade(engine)
        current = check_database(url)
        assert current.schema is SchemaState.CURRENT and current.users == 0 and not current.ready
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_a_newer_app'"))
        engine.dispose()
        with pytest.raises(DatabaseTooNew) as refused:
            check_database(url)
        assert "(schema 0099_from_a_newer_app) was upgraded by a newer TuffOps Desktop" in refused.value.message
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_schema_states_on_both_databases(db_url):
    """The shared fixtures' databases (migrated, no users), on SQLite and PostgreSQL."""
    found = check_database(db_url)
    assert found.schema is SchemaState.CURRENT and found.users == 0 and found.may_change_schema
    db = open_database(db_url)
    try:
        system_services(db).users.add("boss", "long-enough-1", "admin")
        assert check_database(db_url).ready
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_future'"))
    finally:
        db.engine.dispose()
    with pytest.raises(DatabaseTooNew):
        check_database(db_url)


def test_embedded_database_new_file_foreign_file_and_missing_folder(tmp_path):
    new = check_database(f"sqlite:///{(tmp_path / 'new.sqlite3').as_posix()}")
    assert (new.schema, new.embedded, new.may_change_schema) == (SchemaState.EMPTY, True, True)
    foreign = tmp_path / "recipes.sqlite3"
    with contextlib.closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY)")
    with pytest.raises(NotATuffOpsDatabase, match=r"tables of another program \(recipes\)"):
        check_database(f"sqlite:///{foreign.as_posix()}")
    with pytest.raises(DatabaseUnavailable, match="Cannot reach the database"):
        check_database(f"sqlite:///{(tmp_path / 'missing' / 'x.sqlite3').as_posix()}")


def test_classification_reads_the_server_wording():
    url = "postgresql://ann@db.office/tuffops"

    def said(text_: str) -> type:
        return type(classify_connect_error(Exception(text_), url))

    assert said('FATAL:  password authentication failed for user "ann"') is WrongPassword
    assert said('FATAL:  role "ann" does not exist') is WrongPassword
    assert said('FATAL:  database "tuffops" does not exist') is DatabaseMissing
    assert said('could not translate host name "db.office" to address') is ServerUnreachable
    assert said("timeout expired") is ServerUnreachable
    assert said("something else entirely") is DatabaseUnavailable
