"""taxonomy rows remember who changed them last and when

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01

A taxonomy edit (a stage, a gate, a facet value, the synonyms) carries the ``row_version``
the editor saw, as a piece edit does; when someone changed the row meanwhile, the edit is
refused and says who changed it and when (``updated_by_id`` with ``updated_at``). Embedded:
the person acting; on a team server a trigger sets it from the login (``app.me()``).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = ("stages", "gates", "facet_values", "synonyms")


def upgrade() -> None:
    # plain ADD COLUMN: a batch copy would drop tables that pieces' tags reference
    for table in TABLES:
        op.add_column(table, sa.Column("updated_at", sa.DateTime(), nullable=True))
        op.add_column(table, sa.Column("updated_by_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "updated_by_id")
        op.drop_column(table, "updated_at")
