"""customer requests, notes, minimal work orders

Revision ID: 0002_requests
Revises: 0001_foundation
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002_requests'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('work_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('work_type', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('customer_requests', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_work_orders_customer_id_customers')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_work_orders_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_orders'))
    )
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_orders_unit_id'), ['unit_id'], unique=False)

    op.create_table('customer_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.String(length=16), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('request', sa.Text(), nullable=False),
    sa.Column('schedule_at', sa.Date(), nullable=False),
    sa.Column('schedule_time', sa.String(length=16), nullable=False),
    sa.Column('contact_info', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('close_reason', sa.String(length=12), nullable=True),
    sa.Column('work_order_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_customer_requests_unit_id_units')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id'], name=op.f('fk_customer_requests_work_order_id_work_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_requests')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_customer_requests_submission_key')),
    sa.UniqueConstraint('ticket', name=op.f('uq_customer_requests_ticket'))
    )
    with op.batch_alter_table('customer_requests', schema=None) as batch_op:
        batch_op.create_index('ix_customer_requests_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_customer_requests_unit_id', ['unit_id'], unique=False)

    op.create_table('request_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['customer_requests.id'], name=op.f('fk_request_notes_request_id_customer_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_notes'))
    )
    with op.batch_alter_table('request_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_notes_request_id'), ['request_id'], unique=False)

    # The two links are circular (request → work order, work order → request): the second
    # foreign key can only be added once both tables exist.
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_work_orders_request_id_customer_requests'),
                                    'customer_requests', ['request_id'], ['id'])

    # What the public intake listener may read, and nothing more: an active unit's public
    # GUID and friendly label (plus the customer's name only when the company allows it),
    # and the company's public details. On PostgreSQL the listener's role is granted these
    # views only (see tuffops intake grant-role).
    op.execute(
        """
        CREATE VIEW intake_unit_pages AS
        SELECT u.id AS unit_id,
               u.qr_code_guid AS guid,
               COALESCE(NULLIF(u.location, ''), NULLIF(u.serial_number, ''), m.name) AS label,
               CASE WHEN (SELECT CAST(s.value AS TEXT) FROM settings s
                          WHERE s.name = 'public_page_show_customer_name') = 'true'
                    THEN c.display_name END AS customer_name
        FROM units u
        JOIN device_models m ON m.id = u.device_model_id
        LEFT JOIN customers c ON c.id = u.customer_id
        WHERE u.active
        """
    )
    op.execute(
        """
        CREATE VIEW intake_company AS
        SELECT name, value FROM settings
        WHERE name IN ('company_name', 'company_phone', 'public_page_show_customer_name')
        """
    )


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS intake_company")
    op.execute("DROP VIEW IF EXISTS intake_unit_pages")
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_work_orders_request_id_customer_requests'), type_='foreignkey')

    with op.batch_alter_table('request_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_notes_request_id'))

    op.drop_table('request_notes')
    with op.batch_alter_table('customer_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_requests_unit_id')
        batch_op.drop_index('ix_customer_requests_status_created')

    op.drop_table('customer_requests')
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_orders_unit_id'))

    op.drop_table('work_orders')

