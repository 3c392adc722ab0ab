"""Saved searches, favourites and a person's recently opened pieces."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from enablement.models.tables import Favourite, SavedSearch, UsageEvent, User


def saved_searches(session: Session, user_id: int) -> list[tuple[SavedSearch, str]]:
    """The person's own searches and every recommended one, each with its owner's name:
    recommended first, then by name."""
    query = (select(SavedSearch, User.name).join(User, col(User.id) == col(SavedSearch.owner_id), isouter=True)
             .where(or_(col(SavedSearch.owner_id) == user_id, col(SavedSearch.recommended).is_(True)))
             .order_by(col(SavedSearch.recommended).desc(), func.lower(SavedSearch.name), col(SavedSearch.id)))
    return [(row, name or "") for row, name in session.exec(query)]


def named(session: Session, user_id: int, name: str, recommended: bool) -> SavedSearch | None:
    """A search of this name (any case): among the person's own, or among the recommended ones."""
    query = select(SavedSearch).where(func.lower(SavedSearch.name) == name.lower(),
                                      col(SavedSearch.recommended).is_(recommended))
    if not recommended:
        query = query.where(SavedSearch.owner_id == user_id)
    return session.exec(query.limit(1)).first()


def favourites(session: Session, user_id: int) -> list[Favourite]:
    """The person's favourites, most recently starred first."""
    query = (select(Favourite).where(Favourite.user_id == user_id)
             .order_by(col(Favourite.created_at).desc(), col(Favourite.piece_id).desc()))
    return list(session.exec(query))


def favourite_ids(session: Session, user_id: int) -> set[int]:
    return set(session.exec(select(Favourite.piece_id).where(Favourite.user_id == user_id)))


def recent_uses(session: Session, user_id: int, kinds: Sequence[str], limit: int,
                scan: int = 2000) -> list[tuple[int, datetime, str]]:
    """(piece id, when, how) of the ``limit`` pieces the person used last, newest first. Reads
    the person's latest ``scan`` events through the (user, time) index, never the whole table."""
    query = (select(UsageEvent.piece_id, UsageEvent.occurred_at, UsageEvent.kind)
             .where(UsageEvent.user_id == user_id, col(UsageEvent.kind).in_(list(kinds)),
                    col(UsageEvent.piece_id).is_not(None))
             .order_by(col(UsageEvent.occurred_at).desc()).limit(scan))
    out: dict[int, tuple[int, datetime, str]] = {}
    for piece_id, at, kind in session.exec(query):
        if piece_id is not None and piece_id not in out:
            out[piece_id] = (piece_id, at, kind)
            if len(out) >= limit:
                break
    return list(out.values())
