"""team mode: rep-made submissions carry the id the rep's laptop gave them

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

A rep's own piece may be added on the laptop first (replica + outbox, file kept locally) and
sent to the server later, perhaps more than once; ``client_uuid`` (unique) lets the server
store it once and lets the laptop recognise the server's row as its own. Pieces added on the
server itself leave it empty.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pieces", sa.Column("client_uuid", sa.String(length=36), nullable=True))
    op.create_index("ix_pieces_client_uuid", "pieces", ["client_uuid"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_pieces_client_uuid", table_name="pieces")
    op.drop_column("pieces", "client_uuid")
