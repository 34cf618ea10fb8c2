"""Composition root for everything that is not Qt: open the database (upgrading its
schema), and build the services for an actor. The desktop app (``app.py``), the CLI and
the intake listener all start here; nothing below creates engines or sessions itself.

The first-run steps the desktop app's wizard runs before anyone can sign in are here too
(each on its own short-lived engine): create or upgrade the schema (after a backup of an
embedded database), upgrade an office database with an administrator's consent, and
create the first administrator."""

from __future__ import annotations

from pathlib import Path

from tuffops_desktop.db.backup import backup_database
from tuffops_desktop.db.engine import SessionFactories, make_engine, make_session_factories
from tuffops_desktop.db.migrate import upgrade
from tuffops_desktop.services.context import SYSTEM_ACTOR, Actor, ServiceContext
from tuffops_desktop.services.first_run import FIRST_RUN_ACTOR, FirstRunService
from tuffops_desktop.services.registry import Services, build_services


def open_database(url: str, *, migrate: bool = True) -> SessionFactories:
    """Engine + session makers for ``url``; the schema is brought up to date first."""
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return make_session_factories(engine)


def services_for(db: SessionFactories, actor: Actor) -> Services:
    return build_services(ServiceContext(db=db, actor=actor))


def system_services(db: SessionFactories) -> Services:
    """Services acting as the system (CLI administration, demo seeding)."""
    return services_for(db, SYSTEM_ACTOR)


def upgrade_database(url: str, *, backup_to: Path | None = None) -> str:
    """Create or upgrade the schema of ``url``; returns the revision now in place. With
    ``backup_to`` (embedded database only), a backup is written there first, and a failed
    backup stops before anything is changed."""
    if backup_to is not None:
        backup_to.parent.mkdir(parents=True, exist_ok=True)
        backup_database(url, backup_to)
    engine = make_engine(url)
    try:
        return upgrade(engine)
    finally:
        engine.dispose()


def upgrade_shared_database(url: str, admin_username: str, admin_password: str) -> str:
    """Upgrade an office database's older schema once a TuffOps administrator agrees
    (their password is checked on the schema as it is); returns the new revision."""
    db = open_database(url, migrate=False)
    try:
        FirstRunService(ServiceContext(db=db, actor=FIRST_RUN_ACTOR)).confirm_administrator(
            admin_username, admin_password
        )
        return upgrade(db.engine)
    finally:
        db.engine.dispose()


def create_first_admin(url: str, username: str, password: str, *, full_name: str = "") -> Actor:
    """Add the first administrator of a database without users; returns them signed in."""
    db = open_database(url, migrate=False)
    try:
        return FirstRunService(ServiceContext(db=db, actor=FIRST_RUN_ACTOR)).create_first_admin(
            username, password, full_name=full_name
        )
    finally:
        db.engine.dispose()
