"""Usage-event reads for one piece (its page); reports aggregate in ``enablement.reports``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from enablement.models.tables import UsageEvent


def recent_uses(session: Session, piece_id: int, limit: int) -> list[UsageEvent]:
    """A piece's uses, newest first."""
    return list(session.exec(select(UsageEvent).where(UsageEvent.piece_id == piece_id)
                             .order_by(col(UsageEvent.occurred_at).desc()).limit(limit)))


def piece_use_counts(session: Session, piece_id: int) -> dict[str, Any]:
    """Counts by kind, distinct users, last use and helpful yes/no of one piece."""
    of_piece = UsageEvent.piece_id == piece_id
    by_kind = dict(session.exec(select(UsageEvent.kind, func.count()).where(of_piece)
                                .group_by(UsageEvent.kind)).all())
    users = session.exec(select(func.count(func.distinct(UsageEvent.user_id))).where(of_piece)).one()
    last = session.exec(select(func.max(UsageEvent.occurred_at)).where(of_piece)).one()
    yes = session.exec(select(func.count()).where(of_piece, UsageEvent.helpful == True)).one()  # noqa: E712
    no = session.exec(select(func.count()).where(of_piece, UsageEvent.helpful == False)).one()  # noqa: E712
    return {"by_kind": by_kind, "users": users, "last_used": last, "helpful_yes": yes, "helpful_no": no}
