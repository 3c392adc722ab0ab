"""renditions: a Word, PowerPoint or Excel version's pages as a PDF made from it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

An office renderer (LibreOffice, where installed) draws each new DOCX/PPTX/XLSX version as a
PDF once; the PDF is a blob like any file and this row links it to its version, so thumbnails,
page previews and page hits come from it on every machine. Derived: ``check`` makes missing
ones again. A failed try is kept with its reason so it is not retried on every start.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "renditions",
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("piece_versions.id"), primary_key=True),
        sa.Column("piece_id", sa.Integer(), sa.ForeignKey("pieces.id"), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), sa.ForeignKey("blobs.sha256"), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("renderer", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_renditions_blob_sha256", "renditions", ["blob_sha256"])
    op.create_index("ix_renditions_piece_id", "renditions", ["piece_id"])


def downgrade() -> None:
    op.drop_index("ix_renditions_piece_id", table_name="renditions")
    op.drop_index("ix_renditions_blob_sha256", table_name="renditions")
    op.drop_table("renditions")
