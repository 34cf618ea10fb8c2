"""Migration 0008 on PostgreSQL as a role that may not create extensions: the work-order
search index is left out (pg_trgm needs CREATE on the database), the migration completes
and the search still finds the same work orders, unindexed."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.factories import make_customer, make_unit
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.db.engine import make_engine
from tuffops_desktop.db.migrate import head_revision, upgrade
from tuffops_desktop.services.listing import ListQuery


def _index_present(url: str) -> bool:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_work_order_search_trgm'")).first()
    engine.dispose()
    return found is not None


def test_without_pg_trgm_the_search_works_unindexed(pg_server_url, pg_template):
    name, role = f"noext_{os.getpid()}", f"app_{os.getpid()}"
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))  # owned by the admin: the role has no CREATE on it
    as_admin = make_url(pg_server_url).set(database=name)
    owner = create_engine(as_admin, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(text(f'GRANT USAGE, CREATE ON SCHEMA public TO "{role}"'))
    owner.dispose()
    url = as_admin.set(username=role).render_as_string(hide_password=False)
    try:
        engine = make_engine(url)
        assert upgrade(engine) == head_revision()
        engine.dispose()
        assert not _index_present(url)
        db = open_database(url)
        services = system_services(db)
        customer = make_customer(services, last_name="Nindexed")
        unit = make_unit(services, customer_id=customer.id)
        order = services.work_orders.create(unit.id, "repair", "50% noisy fan")
        assert services.work_orders.list_ids(ListQuery(text="nindexed 50%")) == [order.id]
        db.engine.dispose()
        # The test databases' template (made by a superuser) has the index.
        template = make_url(pg_server_url).set(database=pg_template).render_as_string(hide_password=False)
        assert _index_present(template)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
