"""The migrations build exactly the schema the models describe, on both databases.

``work_order_search`` (migration 0008: an FTS5 table and its shadow tables on SQLite, a
table with a trigram index on PostgreSQL) is written by triggers only and has no model."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import tuffops_desktop.db.models  # noqa: F401  (registers every table)
from tuffops_desktop.db.base import Base
from tuffops_desktop.db.engine import make_engine


def _search_index(difference: object) -> bool:
    """A difference about ``work_order_search`` (its tables, or its index on PostgreSQL)."""
    if not isinstance(difference, tuple) or difference[0] not in ("remove_table", "remove_index"):
        return False
    table = difference[1] if difference[0] == "remove_table" else difference[1].table
    return str(table.name).startswith("work_order_search")


def _postgresql_only(difference: object, dialect: str) -> bool:
    """An index the models declare for PostgreSQL only (``Index.ddl_if``), on another database."""
    if not isinstance(difference, tuple) or difference[0] != "add_index":
        return False
    index = difference[1]
    declared = next((i for i in Base.metadata.tables[index.table.name].indexes if i.name == index.name), index)
    only = getattr(declared, "_ddl_if", None)
    return only is not None and only.dialect not in (None, dialect)


def test_migrated_schema_equals_the_models(db_url):
    engine = make_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
        differences = [
            d
            for d in compare_metadata(context, Base.metadata)
            if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")
            and not _search_index(d)
            and not _postgresql_only(d, engine.dialect.name)
        ]
    engine.dispose()
    assert differences == []
