"""notifications outbox, per-customer opt-out, the intake function queues 'request received'

Revision ID: 0014_notifications
Revises: 0013_stock_levels
Create Date: 2026-11-30

(Placeholder: filled in by the issue's work.)
"""

from __future__ import annotations

revision = "0014_notifications"
down_revision = "0013_stock_levels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
