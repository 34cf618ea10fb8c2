"""quotations, their units, lines and notes; work_orders.quotation_id

Revision ID: 0010_quotations
Revises: 0009_invoices
Create Date: 2026-11-30

* ``quotations``: number ``Q-2026-00001`` from ``document_counters`` (kind ``quotation``,
  0009), customer (optional while a draft), status key (the ``quotation_statuses``
  setting), discount and tax rate snapshots, the total (for sorting), when it was sent
  (locked), answered and converted.
* ``quotation_units``: the units it covers (one work order each on conversion).
* ``quotation_lines``: price-list snapshots, optionally tied to one of the units.
* ``quotation_notes``: allowed while locked.
* ``work_orders.quotation_id``: the quotation a work order was made from.

``work_orders`` carries 0008's ``work_order_search`` triggers, so its column is added with
a plain ``ALTER TABLE ... ADD COLUMN`` (never a SQLite batch copy, which drops triggers);
on SQLite the foreign key is written into that statement (``REFERENCES``), the only way
SQLite adds one without copying the table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_quotations"
down_revision = "0009_invoices"
branch_labels = None
depends_on = None

FK_NAME = "fk_work_orders_quotation_id_quotations"


def upgrade() -> None:
    op.create_table(
        "quotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False, server_default="pending"),
        sa.Column("customer_requests", sa.Text(), nullable=False, server_default=""),
        sa.Column("discount_rate", sa.Numeric(5, 2), nullable=True),
        sa.Column("tax_rate", sa.Numeric(5, 2), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("total", sa.Numeric(12, 2), nullable=False, server_default="0"),
        sa.Column("search_text", sa.Text(), nullable=False, server_default=""),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("converted_by", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_quotations_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotations")),
        sa.UniqueConstraint("number", name=op.f("uq_quotations_number")),
        sa.UniqueConstraint("year", "sequence", name="uq_quotations_year_sequence"),
    )
    op.create_index("ix_quotations_customer_id", "quotations", ["customer_id"])
    op.create_index("ix_quotations_status_created", "quotations", ["status", "created_at"])
    op.create_index("ix_quotations_created_at", "quotations", ["created_at"])
    op.create_index("ix_quotations_total", "quotations", ["total"])
    op.create_table(
        "quotation_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quotation_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("notes", sa.String(length=200), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(
            ["quotation_id"], ["quotations.id"], name=op.f("fk_quotation_units_quotation_id_quotations")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_quotation_units_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotation_units")),
        sa.UniqueConstraint("quotation_id", "unit_id", name="uq_quotation_units_quotation_unit"),
    )
    op.create_index("ix_quotation_units_unit_id", "quotation_units", ["unit_id"])
    op.create_table(
        "quotation_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quotation_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["quotation_id"], ["quotations.id"], name=op.f("fk_quotation_lines_quotation_id_quotations")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_quotation_lines_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["price_list_item_id"],
            ["price_list_items.id"],
            name=op.f("fk_quotation_lines_price_list_item_id_price_list_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotation_lines")),
    )
    op.create_index("ix_quotation_lines_quotation_id", "quotation_lines", ["quotation_id", "position"])
    op.create_index("ix_quotation_lines_price_list_item_id", "quotation_lines", ["price_list_item_id"])
    op.create_table(
        "quotation_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quotation_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["quotation_id"], ["quotations.id"], name=op.f("fk_quotation_notes_quotation_id_quotations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotation_notes")),
    )
    op.create_index("ix_quotation_notes_quotation_id", "quotation_notes", ["quotation_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE work_orders ADD COLUMN quotation_id INTEGER CONSTRAINT {FK_NAME} REFERENCES quotations (id)"
        )
    else:
        op.add_column("work_orders", sa.Column("quotation_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FK_NAME, "work_orders", "quotations", ["quotation_id"], ["id"])
    op.create_index("ix_work_orders_quotation_id", "work_orders", ["quotation_id"])


def downgrade() -> None:
    op.drop_index("ix_work_orders_quotation_id", table_name="work_orders")
    if op.get_bind().dialect.name == "sqlite":
        # A plain ALTER (SQLite 3.35+; the column's own REFERENCES goes with it), not a
        # batch copy: work_orders carries 0008's triggers.
        op.execute("ALTER TABLE work_orders DROP COLUMN quotation_id")
    else:
        op.drop_constraint(FK_NAME, "work_orders", type_="foreignkey")
        op.drop_column("work_orders", "quotation_id")
    op.drop_index("ix_quotation_notes_quotation_id", table_name="quotation_notes")
    op.drop_table("quotation_notes")
    op.drop_index("ix_quotation_lines_price_list_item_id", table_name="quotation_lines")
    op.drop_index("ix_quotation_lines_quotation_id", table_name="quotation_lines")
    op.drop_table("quotation_lines")
    op.drop_index("ix_quotation_units_unit_id", table_name="quotation_units")
    op.drop_table("quotation_units")
    op.drop_index("ix_quotations_total", table_name="quotations")
    op.drop_index("ix_quotations_created_at", table_name="quotations")
    op.drop_index("ix_quotations_status_created", table_name="quotations")
    op.drop_index("ix_quotations_customer_id", table_name="quotations")
    op.drop_table("quotations")
