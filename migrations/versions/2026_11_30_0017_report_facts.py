"""when a work order was completed, and when each stretch on site began, kept for the reports

Revision ID: 0017_report_facts
Revises: 0016_transfer_group_index
Create Date: 2026-11-30

The Reports page's two largest figures read them out of the work-order history: the
completions of a period (joined back to their work orders, one random read each in a
table of a million rows), and the stretches ``ongoing`` (every move to and from it paired
by a window over the history). Over 12 months of 200,000 work orders that was two thirds
of the page's time (``benchmarks/bench_reports.py``). Two facts are now kept where the
figures read them:

* ``work_orders.completed_at``: the time of the work order's approval (the move to
  ``completed``; a work order is approved at most once: completed only moves on to billed).
  Index ``ix_work_orders_completed`` (completed_at, status, work_type, due_at, unit_id,
  technician_id, customer_id): the completions of a period with what the figures and their
  filters need, from the index alone.
* ``work_order_history.ongoing_since``: on a move AWAY from ``ongoing``, when that stretch
  on site began (the work order's latest move to ``ongoing`` before it). Index
  ``ix_work_order_history_stretches`` (from_status, at, ongoing_since, work_order_id): each
  finished stretch of a period is one index entry.

And ``ix_work_orders_booked`` (0015: technician, start, status, hours) also carries the work
type and the customer, so utilisation filtered by them stays index-only (repairs over 12
months: 243 → 32 ms on SQLite).

A trigger on ``work_order_history`` is their one writer, so every writer of history (the
work-order service, the demo and benchmark bulk writers, the tests' generated histories)
keeps them right without knowing. It fires only for the rows concerned (an approval, a
move away from ``ongoing``). Existing rows are filled in here. Like 0008, plain
``ADD COLUMN``: no table is copied (a SQLite batch copy would drop 0008's triggers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_report_facts"
down_revision = "0016_transfer_group_index"
branch_labels = None
depends_on = None

COMPLETED_INDEX = (
    "ix_work_orders_completed",
    "work_orders",
    ["completed_at", "status", "work_type", "due_at", "unit_id", "technician_id", "customer_id"],
)
BOOKED_BEFORE = ["technician_id", "scheduled_start", "status", "estimated_hours"]
BOOKED = [*BOOKED_BEFORE, "work_type", "customer_id"]
STRETCH_INDEX = (
    "ix_work_order_history_stretches",
    "work_order_history",
    ["from_status", "at", "ongoing_since", "work_order_id"],
)

# The start of the stretch a history row (NEW, or the alias ``h``) ends: the work order's
# latest move to ongoing before it (history ids grow with time within a work order).
_STRETCH_START = (
    "(SELECT s.at FROM work_order_history s WHERE s.work_order_id = {row}.work_order_id "
    "AND s.to_status = 'ongoing' AND s.id < {row}.id ORDER BY s.id DESC LIMIT 1)"
)


def upgrade() -> None:
    op.add_column("work_orders", sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("work_order_history", sa.Column("ongoing_since", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE work_orders SET completed_at = (SELECT max(h.at) FROM work_order_history h "
        "WHERE h.work_order_id = work_orders.id AND h.to_status = 'completed')"
    )
    op.execute(
        "UPDATE work_order_history SET ongoing_since = "
        + _STRETCH_START.format(row="work_order_history")
        + " WHERE from_status = 'ongoing'"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION work_order_history_facts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.from_status = 'ongoing' THEN NEW.ongoing_since := "
            + _STRETCH_START.format(row="NEW")
            + "; END IF; "
            "IF NEW.to_status = 'completed' THEN "
            "UPDATE work_orders SET completed_at = NEW.at WHERE id = NEW.work_order_id; END IF; "
            "RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER work_order_history_facts BEFORE INSERT ON work_order_history FOR EACH ROW "
            "WHEN (NEW.from_status = 'ongoing' OR NEW.to_status = 'completed') "
            "EXECUTE FUNCTION work_order_history_facts()"
        )
    else:
        op.execute(
            "CREATE TRIGGER work_order_history_stretch AFTER INSERT ON work_order_history "
            "WHEN NEW.from_status = 'ongoing' BEGIN "
            "UPDATE work_order_history SET ongoing_since = "
            + _STRETCH_START.format(row="NEW")
            + " WHERE id = NEW.id; END"
        )
        op.execute(
            "CREATE TRIGGER work_order_history_completed AFTER INSERT ON work_order_history "
            "WHEN NEW.to_status = 'completed' BEGIN "
            "UPDATE work_orders SET completed_at = NEW.at WHERE id = NEW.work_order_id; END"
        )
    for name, table, columns in (COMPLETED_INDEX, STRETCH_INDEX):
        op.create_index(name, table, columns)
    op.drop_index("ix_work_orders_booked", table_name="work_orders")
    op.create_index("ix_work_orders_booked", "work_orders", BOOKED)


def downgrade() -> None:
    op.drop_index("ix_work_orders_booked", table_name="work_orders")
    op.create_index("ix_work_orders_booked", "work_orders", BOOKED_BEFORE)
    for name, table, _columns in (STRETCH_INDEX, COMPLETED_INDEX):
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS work_order_history_facts ON work_order_history")
        op.execute("DROP FUNCTION IF EXISTS work_order_history_facts()")
    else:
        op.execute("DROP TRIGGER IF EXISTS work_order_history_stretch")
        op.execute("DROP TRIGGER IF EXISTS work_order_history_completed")
    op.drop_column("work_order_history", "ongoing_since")
    op.drop_column("work_orders", "completed_at")
