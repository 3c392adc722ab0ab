"""pieces remember who changed them last

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

A marketing edit carries the ``row_version`` the editor saw; when someone changed the piece
meanwhile, the edit is refused and says who changed it and when (``updated_by_id`` with
``updated_at``). Embedded: the person acting; on a team server a trigger sets it from the
login (``app.me()``), so nobody can name another person.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (a batch copy would drop a table that others reference); SQLite cannot
    # add a named foreign key after the fact, so the link to users is the model's only
    op.add_column("pieces", sa.Column("updated_by_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("pieces", "updated_by_id")
