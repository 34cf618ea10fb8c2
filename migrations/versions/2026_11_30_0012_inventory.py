"""inventory: parts, stock locations and the stock ledger

Revision ID: 0012_inventory
Revises: 0011_invoice_indexes
Create Date: 2026-11-30

* ``parts``: what is stocked (number unique, name, manufacturer, category, unit, cost,
  price, active).
* ``stock_locations``: warehouses and technicians' vans (name unique).
* ``stock_movements``: the append-only ledger; quantities are stored signed, as their
  effect on on hand or reserved (``domain/inventory.py``). The two rows of a transfer
  share a ``transfer_group``.

Only new tables: nothing existing is copied (0008's triggers stay untouched).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_inventory"
down_revision = "0011_invoice_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("manufacturer", sa.String(length=80), nullable=False, server_default=""),
        sa.Column("category", sa.String(length=80), nullable=False, server_default=""),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("cost", sa.Numeric(12, 2), nullable=True),
        sa.Column("price", sa.Numeric(12, 2), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parts")),
        sa.UniqueConstraint("number", name=op.f("uq_parts_number")),
    )
    op.create_table(
        "stock_locations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.ForeignKeyConstraint(["technician_id"], ["users.id"], name=op.f("fk_stock_locations_technician_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_locations")),
        sa.UniqueConstraint("name", name=op.f("uq_stock_locations_name")),
    )
    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("transfer_group", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["part_id"], ["parts.id"], name=op.f("fk_stock_movements_part_id_parts")),
        sa.ForeignKeyConstraint(
            ["location_id"], ["stock_locations.id"], name=op.f("fk_stock_movements_location_id_stock_locations")
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"], ["work_orders.id"], name=op.f("fk_stock_movements_work_order_id_work_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movements")),
    )
    op.create_index("ix_stock_movements_part_location", "stock_movements", ["part_id", "location_id"])
    op.create_index("ix_stock_movements_work_order_id", "stock_movements", ["work_order_id"])


def downgrade() -> None:
    op.drop_index("ix_stock_movements_work_order_id", table_name="stock_movements")
    op.drop_index("ix_stock_movements_part_location", table_name="stock_movements")
    op.drop_table("stock_movements")
    op.drop_table("stock_locations")
    op.drop_table("parts")
