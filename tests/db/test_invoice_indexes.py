"""Migration 0011's indexes serve the Invoices list's own queries (the SQL the service
sends, with its bound values), so 100,000 invoices list by balance or "overdue only"
without sorting the table (numbers: benchmarks/README.md).

The planner is told to avoid sequential scans and sorts, so it takes an index whenever
one matches the query, whatever the table's size: if the service's balance expression
or overdue filter drifts from the indexed text, the index no longer matches and the plan
shows it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.services.listing import Flag, ListQuery
from tuffops_desktop.services.registry import Services

BY_BALANCE = ListQuery(sort="balance", descending=True)
OVERDUE = ListQuery(sort="due", filters={"overdue": Flag(True)})


@contextmanager
def sent_sql(db: SessionFactories) -> Iterator[list[tuple[str, Any]]]:
    """Every statement (and its parameters) the engine sends while inside."""
    sent: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def plan_of(db: SessionFactories, services: Services, query: ListQuery) -> str:
    """PostgreSQL's plan of the id query ``list_ids(query)`` sends, with its bound values."""
    with sent_sql(db) as sent:
        services.invoices.list_ids(query)
    statement, parameters = next((s, p) for s, p in sent if "FROM invoices" in s and "ORDER BY" in s)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_sort = off")
        cursor.execute("EXPLAIN " + statement, parameters)
        return "\n".join(str(row[0]) for row in cursor.fetchall())
    finally:
        raw.rollback()
        raw.close()


def test_the_lists_by_balance_and_overdue_are_read_from_their_indexes_on_postgresql(
    db: SessionFactories, services: Services
):
    if db.engine.dialect.name == "postgresql":
        plan = plan_of(db, services, BY_BALANCE)
        assert "Index Only Scan Backward using ix_invoices_balance" in plan and "Sort" not in plan, plan
        plan = plan_of(db, services, ListQuery(sort="balance"))
        assert "Index Only Scan using ix_invoices_balance" in plan and "Sort" not in plan, plan
        plan = plan_of(db, services, OVERDUE)
        assert "Index Only Scan using ix_invoices_overdue" in plan and "Sort" not in plan, plan
    else:
        # SQLite matches neither index to the service's bound values: neither is made there
        with db.engine.connect() as conn:
            names = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "ix_invoices_status_due_on" in names
        assert not names & {"ix_invoices_balance", "ix_invoices_overdue"}
