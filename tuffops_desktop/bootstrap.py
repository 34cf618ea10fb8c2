"""Composition root for everything that is not Qt: open the database (upgrading its
schema), and build the services for an actor. The desktop app (``app.py``), the CLI and
the intake listener all start here; nothing below creates engines or sessions itself."""

from __future__ import annotations

from tuffops_desktop.db.engine import SessionFactories, make_engine, make_session_factories
from tuffops_desktop.db.migrate import upgrade
from tuffops_desktop.services.context import SYSTEM_ACTOR, Actor, ServiceContext
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
