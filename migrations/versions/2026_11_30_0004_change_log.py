"""change log table for the SQLite change feed

Revision ID: 0004_change_log
Revises: 0003_intake_function
Create Date: 2026-11-30

Every service write records ``(entity, id, action)`` for other workstations' change
feeds. PostgreSQL carries it with NOTIFY on the ``tuffops_changes`` channel; SQLite has no
notifications, so the same facts go into ``change_log``, which each workstation polls by
id (rows older than a day are pruned by the feed). The table exists on both databases
so that the schema is the same everywhere.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_change_log"
down_revision = "0003_intake_function"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )


def downgrade() -> None:
    op.drop_table("change_log")
