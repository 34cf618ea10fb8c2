"""work-order text search index

Revision ID: 0008_search_indexes
Revises: 0007_work_order_items
Create Date: 2026-11-30

The work-orders list searches, for every work order, the text of its number
(``wo-000042``), its customer requests, its unit's ``search_text``, its customer's
``search_text`` and its technician's username. With 200,000 work orders a
``LIKE '%word%'`` over that concatenation read every row of four tables (0.7-2.4 s).
``work_order_search`` keeps that text, one row per work order, indexed for substrings:

* SQLite: an FTS5 table with the trigram tokenizer (``rowid`` = the work order's id);
  ``MATCH '"word"'`` finds every row containing the word, in any case.
* PostgreSQL: a table (``id``, ``text``) with a GIN ``pg_trgm`` index, which serves
  ``text LIKE '%word%'``. ``pg_trgm`` is a trusted extension since PostgreSQL 13: a role
  with CREATE on the database may create it. Where it cannot (older server, extension
  missing, no privilege), the table is created without the index: the search stays
  correct and scans one narrow table instead of joining four.

Triggers are the one writer of that text: a work order's insert, delete or change of
its requests, unit, customer or technician, and a change of a unit's or customer's
``search_text`` or of a username rewrite the rows concerned in the same transaction.
The text is the same lower-cased concatenation the search used before, so matching
did not change. A later migration that copies ``work_orders``, ``units``, ``customers``
or ``users`` (SQLite batch mode) drops their triggers and must create them again.
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0008_search_indexes"
down_revision = "0007_work_order_items"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

_NUMBER = {
    "sqlite": "printf('wo-%06d', {w}.id)",
    "postgresql": "'wo-' || CASE WHEN {w}.id < 1000000 THEN lpad({w}.id::text, 6, '0') ELSE {w}.id::text END",
}


def _text(dialect: str, w: str) -> str:
    """The search text of the work order ``w`` (a row alias, or NEW in a trigger)."""
    return (
        f"{_NUMBER[dialect].format(w=w)} || ' ' || lower({w}.customer_requests)"
        f" || ' ' || coalesce((SELECT u.search_text FROM units u WHERE u.id = {w}.unit_id), '')"
        f" || ' ' || coalesce((SELECT c.search_text FROM customers c WHERE c.id = {w}.customer_id), '')"
        f" || ' ' || coalesce((SELECT t.username FROM users t WHERE t.id = {w}.technician_id), '')"
    )


# (trigger name, table, column it watches, work_orders column that points at it)
_RELATED = (
    ("work_order_search_unit", "units", "search_text", "unit_id"),
    ("work_order_search_customer", "customers", "search_text", "customer_id"),
    ("work_order_search_technician", "users", "username", "technician_id"),
)
_WATCHED = "customer_requests, unit_id, customer_id, technician_id"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def _upgrade_sqlite() -> None:
    op.execute("CREATE VIRTUAL TABLE work_order_search USING fts5(text, tokenize = 'trigram')")
    op.execute(f"INSERT INTO work_order_search (rowid, text) SELECT w.id, {_text('sqlite', 'w')} FROM work_orders w")
    op.execute(
        "CREATE TRIGGER work_order_search_insert AFTER INSERT ON work_orders BEGIN "
        f"INSERT INTO work_order_search (rowid, text) VALUES (NEW.id, {_text('sqlite', 'NEW')}); END"
    )
    op.execute(
        f"CREATE TRIGGER work_order_search_update AFTER UPDATE OF {_WATCHED} ON work_orders BEGIN "
        "DELETE FROM work_order_search WHERE rowid = OLD.id; "
        f"INSERT INTO work_order_search (rowid, text) VALUES (NEW.id, {_text('sqlite', 'NEW')}); END"
    )
    op.execute(
        "CREATE TRIGGER work_order_search_delete AFTER DELETE ON work_orders BEGIN "
        "DELETE FROM work_order_search WHERE rowid = OLD.id; END"
    )
    for name, table, column, pointer in _RELATED:
        op.execute(
            f"CREATE TRIGGER {name} AFTER UPDATE OF {column} ON {table} "
            f"WHEN NEW.{column} IS NOT OLD.{column} BEGIN "
            f"DELETE FROM work_order_search WHERE rowid IN (SELECT id FROM work_orders WHERE {pointer} = NEW.id); "
            f"INSERT INTO work_order_search (rowid, text) "
            f"SELECT w.id, {_text('sqlite', 'w')} FROM work_orders w WHERE w.{pointer} = NEW.id; END"
        )


def _upgrade_postgresql() -> None:
    op.execute(
        "CREATE TABLE work_order_search ("
        " id integer CONSTRAINT pk_work_order_search PRIMARY KEY"
        " CONSTRAINT fk_work_order_search_id_work_orders REFERENCES work_orders (id) ON DELETE CASCADE,"
        " text text NOT NULL)"
    )
    op.execute(f"INSERT INTO work_order_search (id, text) SELECT w.id, {_text('postgresql', 'w')} FROM work_orders w")
    op.execute(
        "CREATE FUNCTION work_order_search_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO work_order_search (id, text) VALUES (NEW.id, {_text('postgresql', 'NEW')}) "
        "ON CONFLICT (id) DO UPDATE SET text = EXCLUDED.text; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER work_order_search_insert AFTER INSERT ON work_orders "
        "FOR EACH ROW EXECUTE FUNCTION work_order_search_write()"
    )
    op.execute(
        f"CREATE TRIGGER work_order_search_update AFTER UPDATE OF {_WATCHED} ON work_orders "
        "FOR EACH ROW EXECUTE FUNCTION work_order_search_write()"
    )
    for name, table, column, pointer in _RELATED:
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE work_order_search s SET text = {_text('postgresql', 'w')} "
            f"FROM work_orders w WHERE w.{pointer} = NEW.id AND s.id = w.id; RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {name} AFTER UPDATE OF {column} ON {table} FOR EACH ROW "
            f"WHEN (NEW.{column} IS DISTINCT FROM OLD.{column}) EXECUTE FUNCTION {name}()"
        )
    _create_trigram_index()


def _create_trigram_index() -> None:
    """The GIN trigram index, or nothing (with a warning) where ``pg_trgm`` cannot be had."""
    bind = op.get_bind()
    try:
        with bind.begin_nested():  # a refusal must not abort the migration's transaction
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            bind.exec_driver_sql(
                "CREATE INDEX ix_work_order_search_trgm ON work_order_search USING gin (text gin_trgm_ops)"
            )
    except DBAPIError as exc:
        log.warning("pg_trgm is not available (%s): the work-order search runs without its index.", exc.orig)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table, _column, _pointer in _RELATED:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        op.execute("DROP TRIGGER IF EXISTS work_order_search_insert ON work_orders")
        op.execute("DROP TRIGGER IF EXISTS work_order_search_update ON work_orders")
        op.execute("DROP FUNCTION IF EXISTS work_order_search_write()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS work_order_search_{name}")
        for name, _table, _column, _pointer in _RELATED:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS work_order_search")
