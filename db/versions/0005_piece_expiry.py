"""pieces carry an expiry date

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Marketing may give a piece an expiry date (a price list valid until the end of the quarter,
an event invitation): on that date it is archived, or flagged as expired, as the library's
``expiry_action`` setting says. Empty means it never expires.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pieces", sa.Column("expires_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("pieces", "expires_on")
