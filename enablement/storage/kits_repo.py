"""Kit and kit-item rows."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import func
from sqlmodel import Session, col, select

from enablement.models.tables import Kit, KitItem, Piece


def kit_ids_of(session: Session, owner_id: int) -> list[int]:
    """A user's kits, most recently changed first."""
    query = (select(col(Kit.id)).where(Kit.owner_id == owner_id)
             .order_by(col(Kit.updated_at).desc(), col(Kit.id).desc()))
    return [kid for kid in session.exec(query) if kid is not None]


def items(session: Session, kit_id: int) -> list[KitItem]:
    """A kit's items in their order."""
    return list(session.exec(select(KitItem).where(KitItem.kit_id == kit_id).order_by(col(KitItem.position))))


def item(session: Session, kit_id: int, piece_id: int) -> KitItem | None:
    return session.exec(select(KitItem).where(KitItem.kit_id == kit_id, KitItem.piece_id == piece_id)).first()


def last_position(session: Session, kit_id: int) -> int:
    """The highest item position in the kit, -1 when it is empty."""
    last = session.exec(select(func.max(KitItem.position)).where(KitItem.kit_id == kit_id)).one()
    return last if last is not None else -1


def current_versions(session: Session, piece_ids: Iterable[int]) -> dict[int, int | None]:
    """Each piece's current version id."""
    return {p.id: p.current_version_id for p in session.exec(select(Piece).where(col(Piece.id).in_(list(piece_ids))))
            if p.id is not None}


def delete_kit(session: Session, kit: Kit) -> None:
    """Delete a kit and its items (the items first: they reference the kit)."""
    for row in session.exec(select(KitItem).where(KitItem.kit_id == kit.id)):
        session.delete(row)
    session.flush()
    session.delete(kit)


def has_usage_history(session: Session, kit_id: int) -> bool:
    """True when a usage event names the kit (uses are never deleted, so neither is it)."""
    from enablement.models.tables import UsageEvent

    return session.exec(select(col(UsageEvent.id)).where(UsageEvent.kit_id == kit_id).limit(1)).first() is not None


def pinned_blobs(session: Session, owner_id: int) -> set[str]:
    """The files of the current versions of every piece in a person's kits (a laptop keeps them)."""
    from enablement.models.tables import PieceVersion

    query = (select(PieceVersion.blob_sha256).join(Piece, col(Piece.current_version_id) == col(PieceVersion.id))
             .join(KitItem, col(KitItem.piece_id) == col(Piece.id)).join(Kit, col(Kit.id) == col(KitItem.kit_id))
             .where(Kit.owner_id == owner_id, col(PieceVersion.blob_sha256).is_not(None)).distinct())
    return {sha for sha in session.exec(query) if sha}
