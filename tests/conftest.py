"""Test fixtures: every service test runs on SQLite and on a real PostgreSQL.

The PostgreSQL cluster is a throwaway one started here (``initdb``/``pg_ctl`` from the
Debian packages, through ``runuser -u postgres`` when we are root, since initdb refuses
root). Each test gets its own database: on PostgreSQL a copy of a migrated template
(``CREATE DATABASE … TEMPLATE``), on SQLite a copy of a migrated file. Tests therefore
commit for real, and concurrency tests can open several real connections.

No PostgreSQL binaries means a hard failure, never a silent skip.
``TEST_DATABASE_URL`` (a server where we may create databases) replaces the cluster.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.pgcluster import start_cluster  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.db.engine import SessionFactories, make_engine  # noqa: E402
from tuffops_desktop.db.migrate import upgrade  # noqa: E402
from tuffops_desktop.services.registry import Services  # noqa: E402

# Property tests: no per-example deadline (two cores shared with other test runs make
# timings noisy); failures print the example and the seed to reproduce them.
settings.register_profile("tuffops", deadline=None, print_blob=True)
settings.load_profile("tuffops")

DIALECTS = ("sqlite", "postgresql")
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """URL of the maintenance database of a PostgreSQL server we may create databases on."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    try:
        cluster = start_cluster()
    except RuntimeError as exc:
        pytest.fail(f"{exc} (or set TEST_DATABASE_URL).", pytrace=False)
    try:
        yield cluster.url
    finally:
        cluster.stop()


def _admin_engine(server_url: str):  # noqa: ANN202
    return create_engine(server_url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template(pg_server_url: str) -> str:
    """Name of a migrated template database on the test server."""
    name = f"tuffops_tpl_{os.getpid()}"
    admin = _admin_engine(pg_server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(pg_server_url).set(database=name).render_as_string(hide_password=False))
    upgrade(engine)
    engine.dispose()
    admin.dispose()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path.as_posix()}")
    upgrade(engine)
    engine.dispose()
    return path


def new_database_url(dialect: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated, empty database of ``dialect``; dropped when the test ends."""
    if dialect == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / f"db{next(_counter)}.sqlite3"
        shutil.copyfile(template, target)
        return f"sqlite:///{target.as_posix()}"
    server_url = request.getfixturevalue("pg_server_url")
    template_name = request.getfixturevalue("pg_template")
    name = f"t_{os.getpid()}_{next(_counter)}"
    admin = _admin_engine(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"'))

    def _drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    request.addfinalizer(_drop)
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=DIALECTS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh migrated database URL, once per dialect."""
    return new_database_url(request.param, request, tmp_path)


@pytest.fixture
def db(db_url: str) -> Iterator[SessionFactories]:
    factories = open_database(db_url)
    yield factories
    factories.engine.dispose()


@pytest.fixture
def services(db: SessionFactories) -> Services:
    """Services acting as the system (all permissions)."""
    return system_services(db)
