"""price list and work-order items

Revision ID: 0007_work_order_items
Revises: 0006_maintenance_and_hours
Create Date: 2026-11-30

``price_list_items`` holds the billable services and materials (not the device catalogue);
``work_order_items`` the lines of each work order with a snapshot of name, kind, unit,
unit price and the customer's discount at the time the line was added.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_work_order_items"
down_revision = "0006_maintenance_and_hours"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_list_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("price", sa.Numeric(12, 2), nullable=False),
        sa.Column("cost", sa.Numeric(12, 2), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_list_items")),
        sa.UniqueConstraint("name", name=op.f("uq_price_list_items_name")),
    )
    op.create_table(
        "work_order_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("price_list_item_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("unit_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("discount_rate", sa.Numeric(5, 2), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(["work_order_id"], ["work_orders.id"],
                                name=op.f("fk_work_order_items_work_order_id_work_orders")),
        sa.ForeignKeyConstraint(["price_list_item_id"], ["price_list_items.id"],
                                name=op.f("fk_work_order_items_price_list_item_id_price_list_items")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order_items")),
    )
    op.create_index("ix_work_order_items_work_order_id", "work_order_items", ["work_order_id", "position"])
    op.create_index("ix_work_order_items_price_list_item_id", "work_order_items", ["price_list_item_id"])


def downgrade() -> None:
    op.drop_index("ix_work_order_items_price_list_item_id", table_name="work_order_items")
    op.drop_index("ix_work_order_items_work_order_id", table_name="work_order_items")
    op.drop_table("work_order_items")
    op.drop_table("price_list_items")
