"""stock levels, parts on order, stocked parts on work orders

Revision ID: 0013_stock_levels
Revises: 0012_inventory
Create Date: 2026-11-30

* ``stock_levels``: one row per part and location — the cached on hand and reserved
  (kept by the one ledger writer, ``services/stock_ledger.py``, in the transaction that
  appends the movement; a test proves they always equal the ledger's sums), plus what the
  office sets there: the minimum, the reorder quantity and the bin. Filled from the
  ledger written so far.
* ``stock_orders``: parts ordered from a supplier for a location and not yet delivered —
  the "incoming" the low-stock list counts.
* ``work_order_items.part_id`` / ``stock_location_id``: a material line that is a stocked
  part, and where its stock is reserved and taken from. Plain ``ALTER TABLE … ADD
  COLUMN`` on SQLite (never a batch copy).
* ``ix_stock_movements_part_id_id``: a part's ledger, newest first, without sorting.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_stock_levels"
down_revision = "0012_inventory"
branch_labels = None
depends_on = None

ON_HAND_KINDS = ("receive", "transfer_out", "transfer_in", "adjust", "consume", "return")
RESERVED_KINDS = ("reserve", "release")
FK_PART = "fk_work_order_items_part_id_parts"
FK_LOCATION = "fk_work_order_items_stock_location_id_stock_locations"


def upgrade() -> None:
    op.create_table(
        "stock_levels",
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("on_hand", sa.Numeric(15, 3), nullable=False, server_default="0"),
        sa.Column("reserved", sa.Numeric(15, 3), nullable=False, server_default="0"),
        sa.Column("minimum", sa.Numeric(12, 3), nullable=True),
        sa.Column("reorder_quantity", sa.Numeric(12, 3), nullable=True),
        sa.Column("bin", sa.String(length=20), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["part_id"], ["parts.id"], name=op.f("fk_stock_levels_part_id_parts")),
        sa.ForeignKeyConstraint(
            ["location_id"], ["stock_locations.id"], name=op.f("fk_stock_levels_location_id_stock_locations")
        ),
        sa.PrimaryKeyConstraint("part_id", "location_id", name=op.f("pk_stock_levels")),
    )
    op.create_index("ix_stock_levels_location_id", "stock_levels", ["location_id", "part_id"])
    on_hand = ", ".join(f"'{k}'" for k in ON_HAND_KINDS)
    reserved = ", ".join(f"'{k}'" for k in RESERVED_KINDS)
    op.execute(
        "INSERT INTO stock_levels (part_id, location_id, on_hand, reserved, bin) "
        f"SELECT part_id, location_id, COALESCE(SUM(CASE WHEN kind IN ({on_hand}) THEN quantity ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN kind IN ({reserved}) THEN quantity ELSE 0 END), 0), '' "
        "FROM stock_movements GROUP BY part_id, location_id"
    )

    op.create_table(
        "stock_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("part_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("supplier", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("reference", sa.String(length=60), nullable=False, server_default=""),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ordered_by", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(["part_id"], ["parts.id"], name=op.f("fk_stock_orders_part_id_parts")),
        sa.ForeignKeyConstraint(
            ["location_id"], ["stock_locations.id"], name=op.f("fk_stock_orders_location_id_stock_locations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_orders")),
    )
    op.create_index("ix_stock_orders_part_location_status", "stock_orders", ["part_id", "location_id", "status"])
    op.create_index("ix_stock_orders_status", "stock_orders", ["status"])

    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE work_order_items ADD COLUMN part_id INTEGER CONSTRAINT {FK_PART} REFERENCES parts (id)"
        )
        op.execute(
            "ALTER TABLE work_order_items ADD COLUMN stock_location_id INTEGER "
            f"CONSTRAINT {FK_LOCATION} REFERENCES stock_locations (id)"
        )
    else:
        op.add_column("work_order_items", sa.Column("part_id", sa.Integer(), nullable=True))
        op.add_column("work_order_items", sa.Column("stock_location_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK_PART, "work_order_items", "parts", ["part_id"], ["id"])
        op.create_foreign_key(FK_LOCATION, "work_order_items", "stock_locations", ["stock_location_id"], ["id"])
    op.create_index("ix_work_order_items_part_id", "work_order_items", ["part_id"])
    op.create_index("ix_stock_movements_part_id_id", "stock_movements", ["part_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_stock_movements_part_id_id", table_name="stock_movements")
    op.drop_index("ix_work_order_items_part_id", table_name="work_order_items")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE work_order_items DROP COLUMN stock_location_id")
        op.execute("ALTER TABLE work_order_items DROP COLUMN part_id")
    else:
        op.drop_constraint(FK_LOCATION, "work_order_items", type_="foreignkey")
        op.drop_constraint(FK_PART, "work_order_items", type_="foreignkey")
        op.drop_column("work_order_items", "stock_location_id")
        op.drop_column("work_order_items", "part_id")
    op.drop_index("ix_stock_orders_status", table_name="stock_orders")
    op.drop_index("ix_stock_orders_part_location_status", table_name="stock_orders")
    op.drop_table("stock_orders")
    op.drop_index("ix_stock_levels_location_id", table_name="stock_levels")
    op.drop_table("stock_levels")
