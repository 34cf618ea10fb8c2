"""invoices, invoice lines, payments, document counters

Revision ID: 0009_invoices
Revises: 0008_search_indexes
Create Date: 2026-11-30

* ``document_counters`` (kind, year, last): the last number given per kind of document
  and year; the issuing transaction increments it, so numbers are gapless.
* ``invoices``: one per issued invoice, with the bill-to, lines and totals snapshotted;
  at most one active (sent/paid) invoice per work order (partial unique index).
* ``invoice_lines``: the work-order items copied when the invoice was issued.
* ``payments``: never deleted; voided with a reason.
* ``customers.payment_terms_days`` (nullable: the setting ``default_payment_terms_days``).

``customers`` carries 0008's ``work_order_search`` trigger, so the column is added with
a plain ``ALTER TABLE ... ADD COLUMN`` (never a SQLite batch copy, which drops triggers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_invoices"
down_revision = "0008_search_indexes"
branch_labels = None
depends_on = None

ACTIVE_INVOICE_WHERE = "status IN ('sent', 'paid')"


def upgrade() -> None:
    op.add_column("customers", sa.Column("payment_terms_days", sa.Integer(), nullable=True))
    op.create_table(
        "document_counters",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("kind", "year", name=op.f("pk_document_counters")),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False, server_default="sent"),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("bill_to_name", sa.String(length=320), nullable=False, server_default=""),
        sa.Column("bill_to_address", sa.Text(), nullable=False, server_default=""),
        sa.Column("unit_label", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("payment_terms_days", sa.Integer(), nullable=False),
        sa.Column("tax_rate", sa.Numeric(5, 2), nullable=False),
        sa.Column("subtotal", sa.Numeric(12, 2), nullable=False),
        sa.Column("discount_total", sa.Numeric(12, 2), nullable=False),
        sa.Column("net", sa.Numeric(12, 2), nullable=False),
        sa.Column("tax", sa.Numeric(12, 2), nullable=False),
        sa.Column("total", sa.Numeric(12, 2), nullable=False),
        sa.Column("paid", sa.Numeric(12, 2), nullable=False, server_default="0"),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("cancel_reason", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(
            ["work_order_id"], ["work_orders.id"], name=op.f("fk_invoices_work_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_invoices_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
        sa.UniqueConstraint("year", "sequence", name="uq_invoices_year_sequence"),
    )
    op.create_index(
        "uq_invoices_active_work_order",
        "invoices",
        ["work_order_id"],
        unique=True,
        sqlite_where=sa.text(ACTIVE_INVOICE_WHERE),
        postgresql_where=sa.text(ACTIVE_INVOICE_WHERE),
    )
    op.create_index("ix_invoices_work_order_id", "invoices", ["work_order_id"])
    op.create_index("ix_invoices_customer_id", "invoices", ["customer_id", "issued_on"])
    op.create_index("ix_invoices_status_due_on", "invoices", ["status", "due_on"])
    op.create_index("ix_invoices_issued_on", "invoices", ["issued_on"])
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("unit_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("discount_rate", sa.Numeric(5, 2), nullable=True),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_lines_invoice_id_invoices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
    )
    op.create_index("ix_invoice_lines_invoice_id", "invoice_lines", ["invoice_id", "position"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False, server_default=""),
        sa.Column("voided", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("void_reason", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["invoice_id"], ["invoices.id"], name=op.f("fk_payments_invoice_id_invoices")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index("ix_payments_invoice_id", "payments", ["invoice_id"])
    op.create_index("ix_payments_paid_on", "payments", ["paid_on"])


def downgrade() -> None:
    op.drop_index("ix_payments_paid_on", table_name="payments")
    op.drop_index("ix_payments_invoice_id", table_name="payments")
    op.drop_table("payments")
    op.drop_index("ix_invoice_lines_invoice_id", table_name="invoice_lines")
    op.drop_table("invoice_lines")
    for name in (
        "ix_invoices_issued_on",
        "ix_invoices_status_due_on",
        "ix_invoices_customer_id",
        "ix_invoices_work_order_id",
        "uq_invoices_active_work_order",
    ):
        op.drop_index(name, table_name="invoices")
    op.drop_table("invoices")
    op.drop_table("document_counters")
    # A plain ALTER (SQLite 3.35+), not a batch copy: customers carries 0008's search trigger.
    op.execute("ALTER TABLE customers DROP COLUMN payment_terms_days")
