"""What ``check``, garbage collection and backups ask of the database, every statement inside
the error translator (a locked, full or refusing database is said, never dumped)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from enablement.models.tables import Blob, Piece, PieceVersion, Rendition
from enablement.storage.engine import is_sqlite
from enablement.storage.errors import storage_errors
from enablement.storage.migrate import backup_sqlite, current_revision


@dataclass(frozen=True)
class CatalogRows:
    """Every blob, version and piece row, as ``check`` compares them."""

    blobs: dict[str, Blob]
    versions: list[PieceVersion]
    pieces: list[Piece]
    renditions: list[Rendition]


def schema_revision(engine: Engine) -> str | None:
    with storage_errors():
        return current_revision(engine)


def database_problems(engine: Engine) -> list[str]:
    """What SQLite's own checks find (quick_check, foreign keys); nothing on PostgreSQL."""
    if not is_sqlite(engine):
        return []
    problems: list[str] = []
    with storage_errors(), engine.connect() as conn:
        result = conn.exec_driver_sql("PRAGMA quick_check").scalar()
        if result != "ok":
            problems.append(f"SQLite quick_check: {result}")
        for row in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
            problems.append(f"broken reference in {row[0]} row {row[1]} → {row[2]}")
    return problems


def catalog_rows(session: Session) -> CatalogRows:
    return CatalogRows({b.sha256: b for b in session.exec(select(Blob))},
                       list(session.exec(select(PieceVersion))), list(session.exec(select(Piece))),
                       list(session.exec(select(Rendition))))


def delete_unused_blob_rows(session: Session) -> list[str]:
    """Remove the blob rows no version nor rendition names; their hashes."""
    used = select(PieceVersion.blob_sha256).where(col(PieceVersion.blob_sha256).is_not(None))
    drawn = select(Rendition.blob_sha256).where(col(Rendition.blob_sha256).is_not(None))
    unused = list(session.exec(select(Blob).where(col(Blob.sha256).not_in(used), col(Blob.sha256).not_in(drawn))))
    for blob in unused:
        session.delete(blob)
    return [blob.sha256 for blob in unused]


def blob_hashes(session: Session) -> set[str]:
    return set(session.exec(select(Blob.sha256)))


def copy_database(engine: Engine, target: Path) -> Path:
    """A consistent copy of the live SQLite database at ``target``."""
    with storage_errors():
        return backup_sqlite(engine, target)
