"""usage index for a single piece's stats

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_usage_piece_kind_time", "usage_events", ["piece_id", "kind", "occurred_at", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_usage_piece_kind_time", table_name="usage_events")
