"""The database inside a backup being restored: read-only checks before anything is written,
and marking the versions whose files the backup lacks. Messages name the backup (nothing of
it has been restored when they are raised)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from enablement.errors import LibraryError


def read_staged_database(db_path: Path) -> tuple[list[Any], list[tuple[Any, Any]]]:
    """(schema versions, blob rows as (sha256, size)) of the staged database, after SQLite's
    integrity check; a clear error when it cannot be opened, is damaged or is no library."""
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise LibraryError(f"The backup's database cannot be opened ({_short(exc)}); nothing was restored.") from exc
    try:
        if con.execute("PRAGMA integrity_check(1)").fetchone()[0] != "ok":
            raise LibraryError("The backup's database is damaged; nothing was restored.")
        try:
            versions = [row[0] for row in con.execute("SELECT version_num FROM alembic_version")]
            rows = con.execute("SELECT sha256, size FROM blobs").fetchall()
        except sqlite3.Error as exc:
            raise LibraryError("The backup's database is not an Enablement library; nothing was restored.") from exc
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"The backup's database is damaged ({_short(exc)}); nothing was restored.") from exc
    finally:
        con.close()
    return versions, rows


def mark_versions_missing(db_path: Path, shas: list[str], note: str) -> list[tuple[int, str, str]]:
    """Prefix ``note`` to the outcome detail of every version stored as one of ``shas``;
    (piece id, title, sha) of each, in one transaction."""
    marked: list[tuple[int, str, str]] = []
    con = sqlite3.connect(db_path)
    try:
        with con:
            for sha in shas:
                rows = con.execute("SELECT v.id, p.id, p.title FROM piece_versions v JOIN pieces p "
                                   "ON p.id = v.piece_id WHERE v.blob_sha256 = ?", (sha,)).fetchall()
                for version_id, piece_id, title in rows:
                    con.execute("UPDATE piece_versions SET outcome_detail = substr(? || "
                                "CASE WHEN outcome_detail = '' THEN '' ELSE '; ' || outcome_detail END, 1, 500) "
                                "WHERE id = ?", (note, version_id))
                    marked.append((int(piece_id), str(title), sha))
    finally:
        con.close()
    return marked


def count_pieces(db_path: Path) -> int:
    """Pieces in the restored database (purged ones left out); 0 when it cannot be read."""
    con = sqlite3.connect(db_path)
    try:
        return int(con.execute("SELECT count(*) FROM pieces WHERE status != 'purged'").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        con.close()


def _short(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:120]
