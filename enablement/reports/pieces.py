"""Per-piece building blocks shared by several reports: the published pieces in scope, their
use counts in the period (one GROUP BY piece_id over the usage log) and cheap yes/no
facts per piece (EXISTS probes on the (piece_id, occurred_at) index)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional, Sequence

from sqlalchemy import and_, exists, select
from sqlalchemy.engine import Engine

from enablement.reports.base import (all_of, EVENTS, PIECES, USE, ReportFilter, age_days, count_if, event_conditions, fetch,
                                     published_conditions, unindexed)


@dataclass(frozen=True)
class PublishedPiece:
    """The facts of a published piece the reports show."""

    id: int
    title: str
    owner: str
    source: str
    review_by: Optional[date]
    published_at: Optional[datetime]
    created_at: datetime
    age_days: Optional[int]

    def stale(self, today: date) -> bool:
        """Past its review-by date."""
        return self.review_by is not None and self.review_by < today


@dataclass(frozen=True)
class PieceUses:
    """A piece's uses in the period, and in the two trend windows when asked for."""

    uses: int
    recent: int = 0
    before: int = 0


def published_pieces(engine: Engine, f: ReportFilter, today: date) -> list[PublishedPiece]:
    """Every published piece in scope, ordered by title."""
    stmt = (select(PIECES.c.id, PIECES.c.title, PIECES.c.owner, PIECES.c.source, PIECES.c.review_by,
                   PIECES.c.published_at, PIECES.c.created_at)
            .where(all_of(published_conditions(f))).order_by(PIECES.c.title, PIECES.c.id))
    return [PublishedPiece(r.id, r.title, r.owner, r.source, r.review_by, r.published_at, r.created_at,
                           age_days(r.published_at, r.created_at, today)) for r in fetch(engine, stmt)]


def uses_by_piece(engine: Engine, f: ReportFilter, recent_from: Optional[datetime] = None,
                  before_from: Optional[datetime] = None) -> dict[int, PieceUses]:
    """Uses per piece in the period (pieces without a use are absent). With ``recent_from``
    and ``before_from`` also the uses from ``recent_from`` on and in [before_from, recent_from)."""
    piece = unindexed(engine, EVENTS.c.piece_id).label("piece_id")
    cols = [piece, count_if(EVENTS.c.kind.in_(USE)).label("uses")]
    if recent_from is not None and before_from is not None:
        t = EVENTS.c.occurred_at
        cols += [count_if(t >= recent_from).label("recent"),
                 count_if(and_(t >= before_from, t < recent_from)).label("before")]
    stmt = (select(*cols).where(all_of(event_conditions(f, USE, scan=engine)), piece.is_not(None))
            .group_by(piece))
    out = {}
    for r in fetch(engine, stmt):
        m = r._mapping
        out[int(r.piece_id)] = PieceUses(int(r.uses), int(m.get("recent", 0)), int(m.get("before", 0)))
    return out


def pieces_with_events(engine: Engine, f: ReportFilter, piece_ids: Sequence[int], kinds: Sequence[str]) -> set[int]:
    """Which of ``piece_ids`` have at least one event of ``kinds`` in the period (one EXISTS
    probe per piece on the (piece_id, occurred_at) index: stops at the first match)."""
    if not piece_ids:
        return set()
    probe = exists(select(EVENTS.c.id).where(EVENTS.c.piece_id == PIECES.c.id,
                                             *event_conditions(f, kinds)))
    found: set[int] = set()
    ids = list(piece_ids)
    for i in range(0, len(ids), 500):
        stmt = select(PIECES.c.id).where(PIECES.c.id.in_(ids[i:i + 500]), probe)
        found |= {r.id for r in fetch(engine, stmt)}
    return found
