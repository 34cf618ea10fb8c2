"""indexes the Reports page's aggregates need

Revision ID: 0015_report_indexes
Revises: 0014_notifications
Create Date: 2026-11-30

(Placeholder: filled in by the issue's work.)
"""

from __future__ import annotations

revision = "0015_report_indexes"
down_revision = "0014_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
