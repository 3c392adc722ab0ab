"""shelves: saved searches (personal or recommended by marketing) and favourites

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

A saved search keeps a query, its filters (JSON) and sort under a name; marketing may mark
one "recommended" (seen by everyone), optionally for a stage and/or gate of the journey map.
A favourite is one person's star on one piece. "Recently opened" needs no table: it is read
from the person's own usage events.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("query", sa.String(length=500), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("sort", sa.String(length=32), nullable=False),
        sa.Column("recommended", sa.Boolean(), nullable=False),
        sa.Column("stage_id", sa.Integer(), sa.ForeignKey("stages.id"), nullable=True),
        sa.Column("gate_id", sa.Integer(), sa.ForeignKey("gates.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("client_uuid", sa.String(length=36), nullable=True),
    )
    op.create_index("ix_saved_searches_owner_id", "saved_searches", ["owner_id"])
    op.create_index("ix_saved_searches_recommended", "saved_searches", ["recommended"])
    op.create_index("ix_saved_searches_client_uuid", "saved_searches", ["client_uuid"], unique=True)
    op.create_table(
        "favourites",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("piece_id", sa.Integer(), sa.ForeignKey("pieces.id"), primary_key=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_favourites_piece_id", "favourites", ["piece_id"])


def downgrade() -> None:
    op.drop_index("ix_favourites_piece_id", table_name="favourites")
    op.drop_table("favourites")
    op.drop_index("ix_saved_searches_client_uuid", table_name="saved_searches")
    op.drop_index("ix_saved_searches_recommended", table_name="saved_searches")
    op.drop_index("ix_saved_searches_owner_id", table_name="saved_searches")
    op.drop_table("saved_searches")
