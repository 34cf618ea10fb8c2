"""preventive maintenance period on work orders, technicians' working hours, list indexes

Revision ID: 0006_maintenance_and_hours
Revises: 0005_work_orders
Create Date: 2026-11-30

``work_orders.maintenance_due_on`` is the due date a maintenance work order is for; a
partial unique index keeps at most one open (not completed, billed or cancelled) work
order per unit and due date, on both databases. ``technician_hours`` holds one working
period per technician and weekday.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_maintenance_and_hours"
down_revision = "0005_work_orders"
branch_labels = None
depends_on = None

OPEN_MAINTENANCE_WHERE = ("maintenance_due_on IS NOT NULL AND status IN "
                          "('unassigned', 'pending', 'ongoing', 'paused', 'waiting_approval')")


def upgrade() -> None:
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("maintenance_due_on", sa.Date(), nullable=True))
    op.create_index("uq_work_orders_open_maintenance", "work_orders", ["unit_id", "maintenance_due_on"], unique=True,
                    sqlite_where=sa.text(OPEN_MAINTENANCE_WHERE), postgresql_where=sa.text(OPEN_MAINTENANCE_WHERE))
    # The work-orders list with 200,000 rows: due and booked ranges, and the sort by creation.
    for column in ("due_at", "scheduled_start", "created_at"):
        op.create_index(f"ix_work_orders_{column}", "work_orders", [column])
    op.create_table(
        "technician_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_technician_hours_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technician_hours")),
        sa.UniqueConstraint("user_id", "weekday", name=op.f("uq_technician_hours_user_id")),
    )


def downgrade() -> None:
    op.drop_table("technician_hours")
    for column in ("due_at", "scheduled_start", "created_at"):
        op.drop_index(f"ix_work_orders_{column}", table_name="work_orders")
    op.drop_index("uq_work_orders_open_maintenance", table_name="work_orders")
    # A plain ALTER (SQLite 3.35+), not a batch copy: history and notes rows point at work_orders,
    # and SQLite refuses to drop a referenced table while foreign keys are enforced.
    op.execute("ALTER TABLE work_orders DROP COLUMN maintenance_due_on")
