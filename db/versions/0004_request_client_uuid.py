"""team mode: content requests carry the id the requester's laptop gave them

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

A rep's request is written on the laptop first (replica + outbox) and sent to the server
later, perhaps more than once; ``client_uuid`` (unique) lets the server store it once
(``INSERT ... ON CONFLICT (client_uuid) DO NOTHING``). Requests made on the server itself
leave it empty.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("content_requests", sa.Column("client_uuid", sa.String(length=36), nullable=True))
    op.create_index("ix_content_requests_client_uuid", "content_requests", ["client_uuid"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_content_requests_client_uuid", table_name="content_requests")
    op.drop_column("content_requests", "client_uuid")
