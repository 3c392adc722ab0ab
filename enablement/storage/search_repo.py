"""The rows the search index is built from (the index itself lives in ``enablement.search``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, Sequence

from sqlalchemy import String, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from enablement.models.tables import Piece, PieceFacet, PieceGate, PieceStage, PieceVersion, Rendition

PURGED = "purged"


def _changed_text() -> Any:
    """A piece's last change as the database holds it (text): what an index document's stamp
    carries. Turning 100,000 stored times into datetimes and back to text took most of the
    check an open makes."""
    return cast(col(Piece.updated_at), String)


def stamp_rows(session: Session) -> list[tuple[int, str, int | None]]:
    """(piece id, last change as text, current version id) of every piece not purged."""
    rows: Any = session.connection().execute(
        sa_select(col(Piece.id), _changed_text(), col(Piece.current_version_id)).where(col(Piece.status) != PURGED))
    return [(pid, updated, vid) for pid, updated, vid in rows if pid is not None]


# Files whose own text has no pages (Word): their rendition's text, page by page, is indexed
# instead, so a hit says which page it is on.
PAGED_BY_RENDITION = ("docx",)


def _paged() -> tuple[Any, ...]:
    """Where a rendition's text is a version's indexed text (joined to its version)."""
    return (col(PieceVersion.id) == Rendition.version_id, col(PieceVersion.file_type).in_(PAGED_BY_RENDITION),
            Rendition.outcome == "ok", Rendition.text != "")


def paged_by_rendition(session: Session, version_ids: Sequence[int]) -> dict[int, str]:
    """version id → its rendition's paged text, for these versions whose own text has no
    pages (``PAGED_BY_RENDITION``) and whose rendition has text."""
    if not version_ids:
        return {}
    query = select(Rendition.version_id, Rendition.text).where(*_paged(), col(Rendition.version_id).in_(list(version_ids)))
    return {vid: text for vid, text in session.exec(query)}


def versions_paged_by_rendition(session: Session) -> set[int]:
    """Every version whose indexed text is its rendition's (the index's stamps say so)."""
    return set(session.exec(select(Rendition.version_id).where(*_paged())))


class PieceRow(NamedTuple):
    """The columns of a piece an index document is made of."""

    id: int
    title: str
    description: str
    kind: str
    url: str
    owner: str
    status: str
    source: str
    updated_at: datetime
    review_by: date | None
    current_version_id: int | None
    updated_text: str   # ``updated_at`` as the database holds it (see ``stamp_rows``)


class VersionRow(NamedTuple):
    id: int
    text: str
    file_type: str


_PIECE_COLUMNS = tuple(col(c) for c in (
    Piece.id, Piece.title, Piece.description, Piece.kind, Piece.url, Piece.owner, Piece.status,
    Piece.source, Piece.updated_at, Piece.review_by, Piece.current_version_id)) + (_changed_text(),)


@dataclass
class DocumentRows:
    """Everything the index documents of a batch of pieces are made of."""

    pieces: list[PieceRow]
    versions: dict[int, VersionRow]
    stages: dict[int, list[int]] = field(default_factory=dict)
    gates: dict[int, list[int]] = field(default_factory=dict)
    facets: dict[int, list[int]] = field(default_factory=dict)
    paged: dict[int, str] = field(default_factory=dict)  # version id → rendition text (see above)


def document_rows(session: Session, piece_ids: Sequence[int]) -> DocumentRows:
    """The pieces (not purged), their current versions and their tag ids.

    Plain columns, not ORM objects: a full rebuild reads every piece, and building ORM rows
    took a good part of its time."""
    chunk = list(piece_ids)
    connection = session.connection()
    found: Any = connection.execute(
        sa_select(*_PIECE_COLUMNS).where(col(Piece.id).in_(chunk), col(Piece.status) != PURGED))
    pieces = [PieceRow(*r) for r in found]
    vids = [p.current_version_id for p in pieces if p.current_version_id]
    found = connection.execute(
        sa_select(col(PieceVersion.id), col(PieceVersion.text), col(PieceVersion.file_type))
        .where(col(PieceVersion.id).in_(vids)))
    versions = {r[0]: VersionRow(*r) for r in found}
    rows = DocumentRows(pieces, versions, paged=paged_by_rendition(session, [v for v in vids if v]))
    for pid, sid in connection.execute(sa_select(col(PieceStage.piece_id), col(PieceStage.stage_id))
                                       .where(col(PieceStage.piece_id).in_(chunk))):
        rows.stages.setdefault(pid, []).append(sid)
    for pid, gid in connection.execute(sa_select(col(PieceGate.piece_id), col(PieceGate.gate_id))
                                       .where(col(PieceGate.piece_id).in_(chunk))):
        rows.gates.setdefault(pid, []).append(gid)
    for pid, vid in connection.execute(sa_select(col(PieceFacet.piece_id), col(PieceFacet.facet_value_id))
                                       .where(col(PieceFacet.piece_id).in_(chunk))):
        rows.facets.setdefault(pid, []).append(vid)
    return rows


def live_piece_count(session: Session) -> int:
    """How many pieces are not purged (the engine choice goes by library size)."""
    return int(session.exec(select(func.count()).select_from(Piece).where(Piece.status != PURGED)).one())
