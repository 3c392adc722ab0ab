"""Aggregations behind the journey map: published pieces and recent use per gate and per
stage, each one GROUP BY query (never one query per cell)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Sequence

from sqlalchemy import and_, case, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from enablement.models.tables import Gate, Piece, PieceFacet, PieceGate, PieceStage, UsageEvent
from enablement.models.vocab import USE_KINDS, Status


@dataclass(frozen=True)
class CellCounts:
    """Raw numbers of one gate (or of a stage's pieces that carry none of its gates)."""

    published: int = 0
    stale: int = 0
    freshest: datetime | None = None
    used_pieces: int = 0
    uses: int = 0


def _published_pieces(facet_value_ids: Sequence[int]) -> SelectOfScalar[int | None]:
    """Ids of published pieces carrying every given facet value."""
    query = select(col(Piece.id)).where(Piece.status == Status.PUBLISHED)
    for vid in facet_value_ids:
        query = query.where(col(Piece.id).in_(
            select(PieceFacet.piece_id).where(PieceFacet.facet_value_id == vid)))
    return query


def _stage_only_pieces() -> Select[int, int]:
    """(piece_id, stage_id) pairs where the piece is tagged with the stage but with none of
    that stage's gates."""
    tagged_gate = (select(PieceGate.piece_id)
                   .join(Gate, col(Gate.id) == col(PieceGate.gate_id))
                   .where(PieceGate.piece_id == PieceStage.piece_id, Gate.stage_id == PieceStage.stage_id))
    return select(PieceStage.piece_id, PieceStage.stage_id).where(~tagged_gate.exists())


def content_by_gate(session: Session, today: date, facet_value_ids: Sequence[int] = ()) -> dict[int, CellCounts]:
    """gate id → published pieces, stale pieces and the latest change to one of them."""
    published = _published_pieces(facet_value_ids).subquery()
    stale = func.sum(case((and_(col(Piece.review_by).is_not(None), col(Piece.review_by) < today), 1), else_=0))
    query = (select(PieceGate.gate_id, func.count(func.distinct(Piece.id)), stale, func.max(Piece.updated_at))
             .join(Piece, col(Piece.id) == col(PieceGate.piece_id))
             .join(published, published.c.id == col(Piece.id))
             .group_by(col(PieceGate.gate_id)))
    return {gid: CellCounts(published=n, stale=int(st or 0), freshest=_as_datetime(fresh))
            for gid, n, st, fresh in session.exec(query)}


def use_by_gate(session: Session, since: datetime, facet_value_ids: Sequence[int] = ()) -> dict[int, tuple[int, int]]:
    """gate id → (distinct published pieces used since ``since``, number of uses)."""
    published = _published_pieces(facet_value_ids).subquery()
    query = (select(PieceGate.gate_id, func.count(func.distinct(UsageEvent.piece_id)), func.count())
             .join(UsageEvent, col(UsageEvent.piece_id) == col(PieceGate.piece_id))
             .join(published, published.c.id == col(PieceGate.piece_id))
             .where(col(UsageEvent.kind).in_(USE_KINDS), UsageEvent.occurred_at >= since)
             .group_by(col(PieceGate.gate_id)))
    return {gid: (pieces, uses) for gid, pieces, uses in session.exec(query)}


def content_by_stage_only(session: Session, today: date,
                          facet_value_ids: Sequence[int] = ()) -> dict[int, CellCounts]:
    """stage id → the same numbers for pieces tagged with the stage but none of its gates."""
    published = _published_pieces(facet_value_ids).subquery()
    pairs = _stage_only_pieces().subquery()
    stale = func.sum(case((and_(col(Piece.review_by).is_not(None), col(Piece.review_by) < today), 1), else_=0))
    query = (select(pairs.c.stage_id, func.count(func.distinct(Piece.id)), stale, func.max(Piece.updated_at))
             .join(Piece, col(Piece.id) == pairs.c.piece_id)
             .join(published, published.c.id == col(Piece.id))
             .group_by(pairs.c.stage_id))
    return {sid: CellCounts(published=n, stale=int(st or 0), freshest=_as_datetime(fresh))
            for sid, n, st, fresh in session.exec(query)}


def use_by_stage_only(session: Session, since: datetime,
                      facet_value_ids: Sequence[int] = ()) -> dict[int, tuple[int, int]]:
    published = _published_pieces(facet_value_ids).subquery()
    pairs = _stage_only_pieces().subquery()
    query = (select(pairs.c.stage_id, func.count(func.distinct(UsageEvent.piece_id)), func.count())
             .join(UsageEvent, col(UsageEvent.piece_id) == pairs.c.piece_id)
             .join(published, published.c.id == pairs.c.piece_id)
             .where(col(UsageEvent.kind).in_(USE_KINDS), UsageEvent.occurred_at >= since)
             .group_by(pairs.c.stage_id))
    return {sid: (pieces, uses) for sid, pieces, uses in session.exec(query)}


def cell_piece_ids(session: Session, stage_id: int, gate_id: int | None,
                   facet_value_ids: Sequence[int] = ()) -> list[int]:
    """Published pieces of one cell (a gate, or a stage's gate-less pieces), newest first."""
    published = _published_pieces(facet_value_ids).subquery()
    if gate_id is not None:
        query = (select(col(Piece.id)).join(PieceGate, col(PieceGate.piece_id) == col(Piece.id))
                 .where(PieceGate.gate_id == gate_id))
    else:
        pairs = _stage_only_pieces().subquery()
        query = (select(col(Piece.id)).join(pairs, pairs.c.piece_id == col(Piece.id))
                 .where(pairs.c.stage_id == stage_id))
    query = query.join(published, published.c.id == col(Piece.id)).order_by(col(Piece.updated_at).desc())
    return [pid for pid in dict.fromkeys(session.exec(query)) if pid is not None]


def recent_use_counts(session: Session, piece_ids: Sequence[int], since: datetime) -> dict[int, int]:
    """piece id → uses since ``since``."""
    if not piece_ids:
        return {}
    query = (select(UsageEvent.piece_id, func.count())
             .where(col(UsageEvent.piece_id).in_(list(piece_ids)), col(UsageEvent.kind).in_(USE_KINDS),
                    UsageEvent.occurred_at >= since)
             .group_by(col(UsageEvent.piece_id)))
    return {pid: n for pid, n in session.exec(query) if pid is not None}


def _as_datetime(value: object) -> datetime | None:
    # SQLite hands aggregate datetimes back as text.
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None
