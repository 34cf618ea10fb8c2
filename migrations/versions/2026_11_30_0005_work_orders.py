"""work orders grow up: technician, schedule, estimate, history and notes

Revision ID: 0005_work_orders
Revises: 0004_change_log
Create Date: 2026-11-30

Before this revision a converted request made a minimal, unassigned work order. Every
existing row is kept with its id (so ``WO-000123`` keeps its number) and gets the history
row of its creation, from which its status replays.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_work_orders"
down_revision = "0004_change_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("technician_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("scheduled_start", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("time_window", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("estimated_hours", sa.Numeric(6, 1), nullable=False, server_default="2"))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_work_orders_technician_id_users"), "users",
                                    ["technician_id"], ["id"])
        batch_op.create_index("ix_work_orders_status_due", ["status", "due_at"], unique=False)
        batch_op.create_index("ix_work_orders_technician_start", ["technician_id", "scheduled_start"], unique=False)
        batch_op.create_index("ix_work_orders_customer_id", ["customer_id"], unique=False)
    op.execute("UPDATE work_orders SET updated_at = created_at")
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)

    op.create_table(
        "work_order_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["work_order_id"], ["work_orders.id"],
                                name=op.f("fk_work_order_history_work_order_id_work_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order_history")),
    )
    op.create_index("ix_work_order_history_work_order_id", "work_order_history", ["work_order_id", "id"])
    op.execute("INSERT INTO work_order_history (work_order_id, at, by, from_status, to_status, reason) "
               "SELECT id, created_at, created_by, NULL, 'unassigned', '' FROM work_orders")
    op.execute("INSERT INTO work_order_history (work_order_id, at, by, from_status, to_status, reason) "
               "SELECT id, created_at, created_by, 'unassigned', status, 'before history was kept' "
               "FROM work_orders WHERE status <> 'unassigned'")

    op.create_table(
        "work_order_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["work_order_id"], ["work_orders.id"],
                                name=op.f("fk_work_order_notes_work_order_id_work_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order_notes")),
    )
    op.create_index("ix_work_order_notes_work_order_id", "work_order_notes", ["work_order_id"])


def downgrade() -> None:
    op.drop_index("ix_work_order_notes_work_order_id", table_name="work_order_notes")
    op.drop_table("work_order_notes")
    op.drop_index("ix_work_order_history_work_order_id", table_name="work_order_history")
    op.drop_table("work_order_history")
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_work_orders_customer_id")
        batch_op.drop_index("ix_work_orders_technician_start")
        batch_op.drop_index("ix_work_orders_status_due")
        batch_op.drop_constraint(batch_op.f("fk_work_orders_technician_id_users"), type_="foreignkey")
        for name in ("updated_at", "estimated_hours", "time_window", "scheduled_start", "technician_id"):
            batch_op.drop_column(name)
