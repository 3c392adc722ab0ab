"""Content-request rows and the names a request shows."""

from __future__ import annotations

from typing import Iterable, Sequence

from sqlmodel import Session, col, select

from enablement.models.tables import ContentRequest, FacetValue, Piece


def requests(session: Session, requester_id: int | None = None,
             statuses: Sequence[str] | None = None) -> list[ContentRequest]:
    """Requests newest first, optionally one requester's and only in ``statuses``."""
    query = select(ContentRequest).order_by(col(ContentRequest.created_at).desc(), col(ContentRequest.id).desc())
    if requester_id is not None:
        query = query.where(ContentRequest.requester_id == requester_id)
    if statuses:
        query = query.where(col(ContentRequest.status).in_(list(statuses)))
    return list(session.exec(query))


def facet_labels(session: Session) -> dict[int, str]:
    """Every facet value's label by id."""
    return {v.id: v.label for v in session.exec(select(FacetValue)) if v.id is not None}


def piece_titles(session: Session, piece_ids: Iterable[int]) -> dict[int, str]:
    return {p.id: p.title for p in session.exec(select(Piece).where(col(Piece.id).in_(list(piece_ids))))
            if p.id is not None}
