"""invoice list indexes for PostgreSQL: by balance, and overdue

Revision ID: 0011_invoice_indexes
Revises: 0010_quotations
Create Date: 2026-11-30

With 100,000 invoices on PostgreSQL, the Invoices page sorted by balance sorted every
invoice on ``CASE WHEN status = 'cancelled' THEN 0.00 ELSE total - paid END`` (the
balance ``services/invoices.py`` orders by), 110 ms in the server with the sort spilling
to disk at the default ``work_mem``, and "overdue only" filtered and sorted half the table
(47 ms). Two indexes let the server read both lists in order, from the index alone:

* ``ix_invoices_balance``: that expression, then year and sequence (the number, the
  list's tie-break), carrying id and the expression's columns (``INCLUDE``) so the scan
  never visits the table. The server matches the service's query to the expression
  after putting in its bound values, so the text must stay the service's.
* ``ix_invoices_overdue``: due date, year, sequence of the invoices that can be overdue
  (``status = 'sent' AND total > paid``, the service's overdue filter without the date),
  carrying id.

SQLite gets neither: it matches neither a partial nor an expression index to the bound
values the service sends (only to literal SQL), so there the lists sort as before.
``db/models/invoices.py`` declares both for PostgreSQL only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_invoice_indexes"
down_revision = "0010_quotations"
branch_labels = None
depends_on = None

# The same text as db/models/invoices.py (INVOICE_BALANCE_SQL, OVERDUE_CANDIDATE_WHERE).
# Laid out as PostgreSQL prints it back (pg_get_indexdef), which the schema comparison reads.
BALANCE = "(\nCASE\n    WHEN status = 'cancelled' THEN 0.00\n    ELSE total - paid\nEND)"
OVERDUE_CANDIDATE = "status = 'sent' AND total > paid"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_invoices_balance",
        "invoices",
        [sa.text(BALANCE), "year", "sequence"],
        postgresql_include=["id", "status", "total", "paid"],
    )
    op.create_index(
        "ix_invoices_overdue",
        "invoices",
        ["due_on", "year", "sequence"],
        postgresql_include=["id"],
        postgresql_where=sa.text(OVERDUE_CANDIDATE),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_invoices_overdue", table_name="invoices")
    op.drop_index("ix_invoices_balance", table_name="invoices")
