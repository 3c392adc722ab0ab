"""team mode: users.login links a person to a database login; row_version on editable rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

``row_version`` starts at 1; on a team server a trigger bumps it on every UPDATE so an edit
made against a stale copy can be detected (``UPDATE ... WHERE id = ? AND row_version = ?``).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VERSIONED = ("users", "stages", "gates", "facet_values", "synonyms", "pieces", "kits", "content_requests")


def upgrade() -> None:
    op.add_column("users", sa.Column("login", sa.String(length=63), nullable=True))
    op.create_index("ix_users_login", "users", ["login"], unique=True)
    for table in VERSIONED:
        op.add_column(table, sa.Column("row_version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35+): a batch copy would drop tables that others reference
    op.drop_index("ix_users_login", table_name="users")
    op.drop_column("users", "login")
    for table in VERSIONED:
        op.drop_column(table, "row_version")
