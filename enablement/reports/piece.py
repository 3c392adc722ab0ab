"""A single piece's numbers, for the piece page (one indexed query, ≤ 50 ms at 1M events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Optional

from sqlalchemy import func, select

from enablement.errors import NotFound
from enablement.models.vocab import UsageKind
from enablement.reports.base import EVENTS, PIECES, USE, count_if, fetch, ratio
from enablement.storage.source import ReadContext


@dataclass(frozen=True)
class PieceStats:
    """All-time counts of one piece. ``uses`` counts the use kinds (see DEFINITIONS)."""

    piece_id: int
    title: str
    by_kind: dict[str, int]
    uses: int
    uses_last_30_days: int
    uses_last_90_days: int
    users: int
    last_used: Optional[datetime]
    helpful: int
    not_helpful: int
    helpful_ratio: Optional[float]


def piece_stats(ctx: ReadContext, piece_id: int) -> PieceStats:
    """Counts by kind, recent uses, distinct users, last use and feedback of one piece."""
    pieces = fetch(ctx.engine, select(PIECES.c.title).where(PIECES.c.id == piece_id))
    if not pieces:
        raise NotFound(f"No piece with id {piece_id}.")
    today: date = ctx.today()
    since_30 = datetime.combine(today - timedelta(days=29), datetime.min.time())
    since_90 = datetime.combine(today - timedelta(days=89), datetime.min.time())
    is_use = EVENTS.c.kind.in_(USE)
    # Three small queries, each answerable from a (piece_id, kind, occurred_at, user_id) index
    # alone; only the feedback rows (a few per cent) are read from the table for "helpful".
    rows = fetch(ctx.engine, select(
        EVENTS.c.kind, func.count().label("n"),
        count_if(EVENTS.c.occurred_at >= since_30).label("n30"),
        count_if(EVENTS.c.occurred_at >= since_90).label("n90"),
        func.max(EVENTS.c.occurred_at).label("last"))
        .where(EVENTS.c.piece_id == piece_id).group_by(EVENTS.c.kind))
    users = fetch(ctx.engine, select(func.count(func.distinct(EVENTS.c.user_id)))
                  .where(EVENTS.c.piece_id == piece_id, is_use))[0][0]
    helpful = EVENTS.c.helpful
    yes, no = fetch(ctx.engine, select(count_if(helpful.is_(True)), count_if(helpful.is_(False)))
                    .where(EVENTS.c.piece_id == piece_id, EVENTS.c.kind == UsageKind.FEEDBACK.value))[0]
    yes, no = int(yes), int(no)
    uses = [r for r in rows if r.kind in USE]
    return PieceStats(piece_id=piece_id, title=pieces[0].title, by_kind={r.kind: int(r.n) for r in rows},
                      uses=sum(int(r.n) for r in uses), uses_last_30_days=sum(int(r.n30) for r in uses),
                      uses_last_90_days=sum(int(r.n90) for r in uses), users=int(users),
                      last_used=max((r.last for r in uses), default=None), helpful=yes, not_helpful=no,
                      helpful_ratio=ratio(yes, yes + no))
