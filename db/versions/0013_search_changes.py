"""search_changes: the search index's change log

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

Triggers (made by ``enablement.storage.search_repo.keep_change_log`` the first time a search
index opens against the database, and made again when missing) append one row per change to
what a search document is made of: an index that matched the log up to an entry reads only
the pieces changed after it when the library opens, instead of every piece's stamp. A team
server, where no index opens, keeps the empty table and no triggers.

The change count kept before (``search_change_count``, made at run time on SQLite) goes.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD_COUNT = "search_change_count"
OLD_COUNTED = ("pieces", "piece_versions", "renditions")
LOGGED = ("pieces", "piece_versions", "renditions", "piece_stages", "piece_gates", "piece_facets")
EVENTS = ("insert", "update", "delete")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in OLD_COUNTED:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS {OLD_COUNT}_{table}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {OLD_COUNT}")
    op.create_table(
        "search_changes",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("piece_id", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(length=16), nullable=False),
        sa.Column("tx", sa.BigInteger(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), server_default=sa.text("CURRENT_TIMESTAMP"), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_search_changes_tx", "search_changes", ["tx"], sqlite_where=sa.text("tx IS NOT NULL"))


def downgrade() -> None:
    # the triggers write to the table: they go first, or every write to a piece would fail
    if op.get_bind().dialect.name == "sqlite":
        for table in LOGGED:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS search_changes_{table}_{event}")
    else:
        op.execute("DROP FUNCTION IF EXISTS search_log_change() CASCADE")
    op.drop_index("ix_search_changes_tx", table_name="search_changes")
    op.drop_table("search_changes")
