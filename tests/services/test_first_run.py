"""First run: the first administrator of a new database, and an administrator's consent
to upgrade an older shared schema (checked on that older schema), on both databases."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.engine import SessionFactories, make_engine, make_session_factories
from tuffops_desktop.db.migrate import upgrade
from tuffops_desktop.db.models import AuditEntry, User
from tuffops_desktop.domain.errors import AuthenticationFailed, ValidationError
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.first_run import (
    FIRST_RUN_ACTOR,
    FirstRunService,
    NotAnAdministrator,
    UsersAlreadyExist,
)


def first_run(db: SessionFactories) -> FirstRunService:
    return FirstRunService(ServiceContext(db=db, actor=FIRST_RUN_ACTOR))


def _users(db: SessionFactories) -> list[tuple[str, str]]:
    with db.read() as session:
        return [(u.username, u.role) for u in session.scalars(select(User).order_by(User.id))]


def test_the_first_administrator_is_created_once_with_an_audit_row(db):
    actor = first_run(db).create_first_admin("Owner", "correct horse 1", full_name="Ola Owner")

    assert (actor.username, actor.role, actor.full_name) == ("owner", "admin", "Ola Owner")
    assert actor.user_id is not None and actor.can("users.create") and actor.can("settings.edit")
    assert _users(db) == [("owner", "admin")]
    with db.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "user")).one()
    assert (entry.username, entry.action, entry.changes["role"]) == ("first-run setup", "create", [None, "admin"])

    with pytest.raises(UsersAlreadyExist):
        first_run(db).create_first_admin("second", "correct horse 2")
    assert _users(db) == [("owner", "admin")]


def test_bad_input_names_both_fields_and_stores_nothing(db):
    with pytest.raises(ValidationError) as refused:
        first_run(db).create_first_admin("X", "short")
    assert set(refused.value.field_errors) == {"username", "password"}
    assert _users(db) == []


def test_two_workstations_racing_make_one_administrator(db_url):
    """Two wizards on the same new database at the same moment: exactly one admin."""
    engines = [make_engine(db_url) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(n: int) -> None:
        service = first_run(make_session_factories(engines[n]))
        barrier.wait()
        try:
            service.create_first_admin(f"admin{n}", "correct horse 1")
            outcomes.append("created")
        except UsersAlreadyExist:
            outcomes.append("refused")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for engine in engines:
        engine.dispose()
    assert sorted(outcomes) == ["created", "refused"]
    db = open_database(db_url)
    try:
        assert len(_users(db)) == 1
    finally:
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def older_db(request: pytest.FixtureRequest, tmp_path) -> Iterator[SessionFactories]:  # noqa: ANN001
    """A database left at an earlier schema revision, with an admin and an office user."""
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path / 'older.sqlite3').as_posix()}"
        drop = None
    else:
        server = request.getfixturevalue("pg_server_url")
        name = f"older_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    engine = make_engine(url)
    upgrade(engine, "0009_invoices")  # as an earlier version left it
    current = make_session_factories(engine)
    services = system_services(current)
    services.users.add("boss", "boss-password-1", "admin")
    services.users.add("clerk", "clerk-password-1", "office")
    inactive = services.users.add("gone", "gone-password-1", "admin")
    services.users.set_active(inactive.id, False, inactive.version)
    yield current
    engine.dispose()
    if drop is not None:
        drop()


def test_an_administrator_agrees_to_upgrade_an_older_schema(older_db):
    service = first_run(older_db)
    assert service.confirm_administrator(" Boss ", "boss-password-1") == "boss"
    with pytest.raises(AuthenticationFailed):
        service.confirm_administrator("boss", "wrong-password")
    with pytest.raises(AuthenticationFailed):
        service.confirm_administrator("nobody", "boss-password-1")
    with pytest.raises(AuthenticationFailed):
        service.confirm_administrator("gone", "gone-password-1")
    with pytest.raises(NotAnAdministrator, match="“clerk” is not an administrator"):
        service.confirm_administrator("clerk", "clerk-password-1")
    with older_db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0009_invoices"
    upgrade(older_db.engine)  # what the wizard does next
