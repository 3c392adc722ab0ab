"""Renditions: which versions have their pages drawn as a PDF, which still need one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlmodel import Session, col, select

from enablement.models.tables import Blob, Piece, PieceVersion, Rendition

PURGED = "purged"


@dataclass(frozen=True)
class VersionToDraw:
    """A current version whose file an office renderer should draw."""

    piece_id: int
    version_id: int
    sha256: str
    file_type: str
    title: str


def to_draw(session: Session, file_types: Sequence[str], limit: int = 1000,
            piece_ids: Sequence[int] | None = None) -> list[VersionToDraw]:
    """Current versions of ``file_types`` with no rendition row yet (a failed try counts as
    one: it is not retried until its row is removed), newest first."""
    query = (select(PieceVersion, Piece.title)
             .join(PieceVersion, col(PieceVersion.id) == Piece.current_version_id)
             .outerjoin(Rendition, col(Rendition.version_id) == PieceVersion.id)
             .where(Piece.status != PURGED, col(PieceVersion.file_type).in_(list(file_types)),
                    col(PieceVersion.blob_sha256).is_not(None), col(Rendition.version_id).is_(None)))
    if piece_ids is not None:
        query = query.where(col(Piece.id).in_(list(piece_ids)))
    rows = session.exec(query.order_by(col(PieceVersion.id).desc()).limit(limit))
    return [VersionToDraw(v.piece_id, v.id, v.blob_sha256, v.file_type, title) for v, title in rows
            if v.id is not None and v.blob_sha256]


def store(session: Session, version_id: int, *, sha256: str | None, size: int, outcome: str, detail: str,
          page_count: int | None, text: str, renderer: str) -> int | None:
    """Write (or replace) a version's rendition row, with the PDF's blob row when new; the
    version's piece id, or None when the version is gone."""
    version = session.get(PieceVersion, version_id)
    if version is None:
        return None
    if sha256 is not None and session.get(Blob, sha256) is None:
        session.add(Blob(sha256=sha256, size=size, file_type="pdf"))
        session.flush()
    row = session.get(Rendition, version_id)
    if row is None:
        row = Rendition(version_id=version_id, piece_id=version.piece_id)
        session.add(row)
    row.blob_sha256, row.outcome, row.detail = sha256, outcome, detail[:500]
    row.page_count, row.text, row.renderer = page_count, text, renderer[:120]
    return version.piece_id


def for_version(session: Session, version_id: int) -> Rendition | None:
    return session.get(Rendition, version_id)


def all_rows(session: Session) -> list[Rendition]:
    return list(session.exec(select(Rendition)))


def forget(session: Session, version_ids: Sequence[int]) -> list[int]:
    """Remove these versions' rendition rows (to be made again); the pieces they belong to."""
    pieces: set[int] = set()
    for vid in version_ids:
        row = session.get(Rendition, vid)
        if row is not None:
            session.delete(row)
            version = session.get(PieceVersion, vid)
            if version is not None:
                pieces.add(version.piece_id)
    return sorted(pieces)


def paged_texts(session: Session, version_ids: Sequence[int]) -> dict[int, str]:
    """version id → the rendition's text with page breaks, for versions that have one."""
    if not version_ids:
        return {}
    rows = session.exec(select(Rendition.version_id, Rendition.text)
                        .where(col(Rendition.version_id).in_(list(version_ids)), Rendition.outcome == "ok",
                               Rendition.text != ""))
    return {vid: text for vid, text in rows}


def has_blob(session: Session, sha256: str) -> bool:
    return session.get(Blob, sha256) is not None


def failed_versions(session: Session) -> list[int]:
    return list(session.exec(select(Rendition.version_id).where(Rendition.outcome != "ok")))


def current_files(session: Session, piece_ids: Sequence[int]) -> dict[int, tuple[str, int]]:
    """piece id → (SHA-256, size) of the current version's rendition PDF, for those of these
    pieces that have one (a team laptop fetches it with the piece's file)."""
    found: dict[int, tuple[str, int]] = {}
    ids = list(dict.fromkeys(piece_ids))
    for start in range(0, len(ids), 500):
        rows = session.exec(select(Piece.id, Blob.sha256, Blob.size)
                            .join(Rendition, col(Rendition.version_id) == col(Piece.current_version_id))
                            .join(Blob, col(Blob.sha256) == col(Rendition.blob_sha256))
                            .where(col(Piece.id).in_(ids[start:start + 500]), Rendition.outcome == "ok"))
        found.update({int(pid): (str(sha), int(size or 0)) for pid, sha, size in rows if pid is not None})
    return found


def drawn_from(session: Session, file_shas: Sequence[str]) -> set[str]:
    """The rendition PDFs of the versions whose files are ``file_shas`` (kept beside them)."""
    out: set[str] = set()
    shas = sorted(set(file_shas))
    for start in range(0, len(shas), 500):
        rows = session.exec(select(Rendition.blob_sha256)
                            .join(PieceVersion, col(PieceVersion.id) == col(Rendition.version_id))
                            .where(col(PieceVersion.blob_sha256).in_(shas[start:start + 500]),
                                   col(Rendition.blob_sha256).is_not(None)))
        out.update(str(s) for s in rows if s)
    return out
