"""User rows: listing and lookup by name."""

from __future__ import annotations

from sqlmodel import Session, select

from enablement.models.tables import User


def users(session: Session, include_inactive: bool = False) -> list[User]:
    """Users by name (active ones only unless ``include_inactive``)."""
    query = select(User).order_by(User.name)
    if not include_inactive:
        query = query.where(User.active == True)  # noqa: E712
    return list(session.exec(query))


def user_named(session: Session, name: str) -> User | None:
    return session.exec(select(User).where(User.name == name)).first()


def has_users(session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is not None


def names_by_id(session: Session) -> dict[int, str]:
    """Every user's name by id (for showing who did what)."""
    return {u.id: u.name for u in session.exec(select(User)) if u.id is not None}
