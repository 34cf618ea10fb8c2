"""Alembic environment: migrations run on the app's own connection when it passes one
(the app upgrades the database on start), else on ``TUFFOPS_DATABASE_URL``."""

from __future__ import annotations

import os

from alembic import context

from tuffops_desktop.db import models  # noqa: F401  (registers tables)
from tuffops_desktop.db.base import Base
from tuffops_desktop.db.engine import make_engine

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite ALTER support; a no-op on PostgreSQL
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = os.environ.get("TUFFOPS_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `tuffops db upgrade`.")
run_migrations_online()
