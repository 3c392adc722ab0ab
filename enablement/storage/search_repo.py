"""The rows the search index is built from (the index itself lives in ``enablement.search``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from enablement.models.tables import Piece, PieceFacet, PieceGate, PieceStage, PieceVersion

PURGED = "purged"


def stamp_rows(session: Session) -> list[tuple[int, datetime, int | None]]:
    """(piece id, last change, current version id) of every piece not purged."""
    rows = session.exec(select(Piece.id, Piece.updated_at, Piece.current_version_id).where(Piece.status != PURGED))
    return [(pid, updated, vid) for pid, updated, vid in rows if pid is not None]


@dataclass
class DocumentRows:
    """Everything the index documents of a batch of pieces are made of."""

    pieces: list[Piece]
    versions: dict[int, PieceVersion]
    stages: dict[int, list[int]] = field(default_factory=dict)
    gates: dict[int, list[int]] = field(default_factory=dict)
    facets: dict[int, list[int]] = field(default_factory=dict)


def document_rows(session: Session, piece_ids: Sequence[int]) -> DocumentRows:
    """The pieces (not purged), their current versions and their tag ids."""
    chunk = list(piece_ids)
    pieces = list(session.exec(select(Piece).where(col(Piece.id).in_(chunk), Piece.status != PURGED)))
    vids = [p.current_version_id for p in pieces if p.current_version_id]
    versions = {v.id: v for v in session.exec(select(PieceVersion).where(col(PieceVersion.id).in_(vids)))
                if v.id is not None}
    rows = DocumentRows(pieces, versions)
    for pid, sid in session.exec(select(PieceStage.piece_id, PieceStage.stage_id)
                                 .where(col(PieceStage.piece_id).in_(chunk))):
        rows.stages.setdefault(pid, []).append(sid)
    for pid, gid in session.exec(select(PieceGate.piece_id, PieceGate.gate_id)
                                 .where(col(PieceGate.piece_id).in_(chunk))):
        rows.gates.setdefault(pid, []).append(gid)
    for pid, vid in session.exec(select(PieceFacet.piece_id, PieceFacet.facet_value_id)
                                 .where(col(PieceFacet.piece_id).in_(chunk))):
        rows.facets.setdefault(pid, []).append(vid)
    return rows


def live_piece_count(session: Session) -> int:
    """How many pieces are not purged (the engine choice goes by library size)."""
    return int(session.exec(select(func.count()).select_from(Piece).where(Piece.status != PURGED)).one())
