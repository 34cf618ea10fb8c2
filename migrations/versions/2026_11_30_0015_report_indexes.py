"""indexes the Reports page's aggregates need

Revision ID: 0015_report_indexes
Revises: 0014_notifications
Create Date: 2026-11-30

The report figures (``services/reports.py``) read facts the work-order history holds, by
status and time, over 200,000 work orders and their million history rows; measured in
``benchmarks/bench_reports.py`` (numbers in ``benchmarks/README.md``, "Reports"):

* ``ix_work_order_history_to_status_at`` (to_status, at, work_order_id, from_status, id):
  the approvals (moves to ``completed``) of a period for the completed / SLA / first-time-fix
  figures, and the moves to ``ongoing`` for time on site, read from the index alone (the id
  orders a work order's moves; PostgreSQL needs it in the index for an index-only scan);
* ``ix_work_order_history_from_status_at`` (from_status, at, work_order_id, to_status, id):
  the moves away from ``ongoing`` that end a stretch on site, likewise;
* ``ix_work_orders_unit_type_created`` (unit_id, work_type, created_at): a completion's
  call-backs (repairs on the same unit created in the 30 days after it), one index range
  per completion;
* ``ix_work_orders_booked`` (technician_id, scheduled_start, status, estimated_hours): the
  hours booked per technician in a period (utilisation) from the index alone (0005's
  technician/start index sent every booking back to the table for its status and hours);
* ``ix_customer_requests_created_at``: the requests received in a period (the inbox's index
  leads with the status).

Plain indexes, the same on both databases; no table is rewritten (``work_orders`` keeps
0008's search triggers).
"""

from __future__ import annotations

from alembic import op

revision = "0015_report_indexes"
down_revision = "0014_notifications"
branch_labels = None
depends_on = None

INDEXES = (  # the same as db/models/requests.py declares
    (
        "ix_work_order_history_to_status_at",
        "work_order_history",
        ["to_status", "at", "work_order_id", "from_status", "id"],
    ),
    (
        "ix_work_order_history_from_status_at",
        "work_order_history",
        ["from_status", "at", "work_order_id", "to_status", "id"],
    ),
    ("ix_work_orders_unit_type_created", "work_orders", ["unit_id", "work_type", "created_at"]),
    ("ix_work_orders_booked", "work_orders", ["technician_id", "scheduled_start", "status", "estimated_hours"]),
    ("ix_customer_requests_created_at", "customer_requests", ["created_at"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
