"""foundation: settings, users, customers, catalogue, units, audit

Revision ID: 0001_foundation
Revises: 
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001_foundation'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id'], unique=False)

    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_type', sa.String(length=16), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('company_name', sa.String(length=100), nullable=False),
    sa.Column('display_name', sa.String(length=320), nullable=False),
    sa.Column('emails', sa.Text(), nullable=False),
    sa.Column('phones', sa.Text(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=200), nullable=False),
    sa.Column('discount_rate', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('default_sla_hours', sa.Integer(), nullable=True),
    sa.Column('remote_id', sa.String(length=100), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('remote_id', name=op.f('uq_customers_remote_id'))
    )
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index('ix_customers_display_name', ['display_name'], unique=False)
        batch_op.create_index('ix_customers_type_display', ['customer_type', 'display_name'], unique=False)

    op.create_table('device_types',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_types')),
    sa.UniqueConstraint('name', name=op.f('uq_device_types_name'))
    )
    op.create_table('manufacturers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manufacturers')),
    sa.UniqueConstraint('name', name=op.f('uq_manufacturers_name'))
    )
    op.create_table('settings',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('readonly', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_settings'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('extra_permissions', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('device_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('manufacturer_id', sa.Integer(), nullable=False),
    sa.Column('device_type_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('default_cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('default_warranty_months', sa.Integer(), nullable=True),
    sa.Column('default_maintenance_frequency', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['device_type_id'], ['device_types.id'], name=op.f('fk_device_models_device_type_id_device_types')),
    sa.ForeignKeyConstraint(['manufacturer_id'], ['manufacturers.id'], name=op.f('fk_device_models_manufacturer_id_manufacturers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_models')),
    sa.UniqueConstraint('manufacturer_id', 'name', name='uq_device_models_manufacturer_name')
    )
    op.create_table('unit_link_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_unit_link_groups_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_link_groups'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('qr_code_guid', sa.String(length=36), nullable=False),
    sa.Column('device_model_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('link_group_id', sa.Integer(), nullable=True),
    sa.Column('serial_number', sa.String(length=100), nullable=False),
    sa.Column('location', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=200), nullable=False),
    sa.Column('installed_at', sa.Date(), nullable=True),
    sa.Column('warranty_months', sa.Integer(), nullable=True),
    sa.Column('maintenance_frequency', sa.String(length=16), nullable=False),
    sa.Column('serviced_at', sa.Date(), nullable=True),
    sa.Column('maintained_at', sa.Date(), nullable=True),
    sa.Column('sticker_printed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_units_customer_id_customers')),
    sa.ForeignKeyConstraint(['device_model_id'], ['device_models.id'], name=op.f('fk_units_device_model_id_device_models')),
    sa.ForeignKeyConstraint(['link_group_id'], ['unit_link_groups.id'], name=op.f('fk_units_link_group_id_unit_link_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('qr_code_guid', name=op.f('uq_units_qr_code_guid'))
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index('ix_units_customer_id', ['customer_id'], unique=False)
        batch_op.create_index('ix_units_link_group_id', ['link_group_id'], unique=False)
        batch_op.create_index('ix_units_location', ['location'], unique=False)
        batch_op.create_index('ix_units_serial_number', ['serial_number'], unique=False)

    op.create_table('blank_qr_labels',
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('bound_unit_id', sa.Integer(), nullable=True),
    sa.Column('bound_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bound_unit_id'], ['units.id'], name=op.f('fk_blank_qr_labels_bound_unit_id_units')),
    sa.PrimaryKeyConstraint('guid', name=op.f('pk_blank_qr_labels'))
    )
    op.create_table('retired_qr_codes',
    sa.Column('guid', sa.String(length=36), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_retired_qr_codes_unit_id_units')),
    sa.PrimaryKeyConstraint('guid', name=op.f('pk_retired_qr_codes'))
    )
    op.create_table('unit_ownerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_unit_ownerships_customer_id_customers')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_ownerships_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_ownerships'))
    )
    with op.batch_alter_table('unit_ownerships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_ownerships_unit_id'), ['unit_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('unit_ownerships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_ownerships_unit_id'))

    op.drop_table('unit_ownerships')
    op.drop_table('retired_qr_codes')
    op.drop_table('blank_qr_labels')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index('ix_units_serial_number')
        batch_op.drop_index('ix_units_location')
        batch_op.drop_index('ix_units_link_group_id')
        batch_op.drop_index('ix_units_customer_id')

    op.drop_table('units')
    op.drop_table('unit_link_groups')
    op.drop_table('device_models')
    op.drop_table('users')
    op.drop_table('settings')
    op.drop_table('manufacturers')
    op.drop_table('device_types')
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_type_display')
        batch_op.drop_index('ix_customers_display_name')

    op.drop_table('customers')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')

    op.drop_table('audit_log')

