"""team mode: kits carry the id the owner's laptop gave them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

A rep's kit may be made or changed on the laptop first (replica + outbox) and sent to the
server later, perhaps more than once; ``client_uuid`` (unique) names the kit across both, so
the server stores a new kit once and the laptop recognises it when a pull brings it back.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("kits", sa.Column("client_uuid", sa.String(length=36), nullable=True))
    op.create_index("ix_kits_client_uuid", "kits", ["client_uuid"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_kits_client_uuid", table_name="kits")
    op.drop_column("kits", "client_uuid")
