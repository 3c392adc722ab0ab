"""Local users and roles. The acting user is chosen at start (app) or by --user (CLI)."""

from __future__ import annotations

from enablement.errors import Conflict, InvalidInput, NotFound
from enablement.models.changes import NO_CHANGES, Changes
from enablement.models.dto import Actor, Done, UserInfo
from enablement.models.tables import User, stored_id
from enablement.models.vocab import Role
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, require
from enablement.storage import users_repo

ROLES = tuple(r.value for r in Role)
USERS_CHANGED = Changes(users=True)


def _info(u: User) -> UserInfo:
    return UserInfo(stored_id(u.id), u.name, u.role, u.team, u.active, u.is_demo)


def user_name(typed: str) -> str:
    """The name a user gets from what was typed (spaces tidied), or "" when it is no name:
    empty, spaces, or only punctuation and invisible marks."""
    name = " ".join((typed or "").split())
    return name if any(ch.isalnum() for ch in name) else ""


def _checked(name: str, role: str) -> str:
    """The name a new user gets, or InvalidInput: every way of adding a user passes here."""
    name = user_name(name)
    if not name:
        raise InvalidInput("A user needs a name.")
    if role not in ROLES:
        raise InvalidInput(f"Unknown role '{role}'; roles are: {', '.join(ROLES)}.")
    return name


class UserService:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def list(self, include_inactive: bool = False) -> list[UserInfo]:
        with self.ctx.read() as s:
            return [_info(u) for u in users_repo.users(s, include_inactive)]

    def get(self, user_id: int) -> UserInfo:
        with self.ctx.read() as s:
            user = s.get(User, user_id)
            if user is None:
                raise NotFound(f"No user with id {user_id}.")
            return _info(user)

    def find(self, name: str) -> UserInfo | None:
        with self.ctx.read() as s:
            user = users_repo.user_named(s, name.strip())
            return _info(user) if user else None

    def actor(self, name: str) -> Actor:
        """The actor for a user name; a clear error when there is no such active user."""
        from enablement.services.identity import LocalUser

        return LocalUser(name).identify_in(self)

    def actor_for(self, user: UserInfo) -> Actor:
        return Actor(user.id, user.name, user.role)

    def default_actor(self) -> Actor:
        """The first active admin (the library's creator), for the command line."""
        from enablement.services.identity import LocalUser

        return LocalUser().identify_in(self)

    def create(self, actor: Actor | None, name: str, role: str, team: str = "",
               is_demo: bool = False) -> Done[UserInfo]:
        """Add a user. ``actor`` may be None only while the library has no users at all."""
        name = _checked(name, role)
        with self.ctx.write() as w:
            s = w.session
            w.record(USERS_CHANGED)
            if users_repo.has_users(s):
                if actor is None:
                    raise InvalidInput("Say who is adding the user.")
                require(actor, Permission.MANAGE_USERS)
            if users_repo.user_named(s, name) is not None:
                raise Conflict(f"There is already a user called '{name}'.")
            user = User(name=name, role=role, team=team, is_demo=is_demo)
            s.add(user)
            s.flush()
            info = _info(user)
        return Done(info, USERS_CHANGED)

    def ensure(self, name: str, role: str, team: str = "", is_demo: bool = False) -> Done[UserInfo]:
        """The user called ``name``, created with ``role`` if missing (start-up and demo);
        the change-set is empty when the user was already there."""
        name = _checked(name, role)
        existing = self.find(name)
        if existing is not None:
            return Done(existing, NO_CHANGES)
        with self.ctx.write() as w:
            s = w.session
            w.record(USERS_CHANGED)
            user = User(name=name, role=role, team=team, is_demo=is_demo)
            s.add(user)
            s.flush()
            made = _info(user)
        return Done(made, w.changes)

    def set_role(self, actor: Actor, user_id: int, role: str) -> Done[None]:
        require(actor, Permission.MANAGE_USERS)
        if role not in ROLES:
            raise InvalidInput(f"Unknown role '{role}'; roles are: {', '.join(ROLES)}.")
        with self.ctx.write() as w:
            s = w.session
            w.record(USERS_CHANGED)
            user = s.get(User, user_id)
            if user is None:
                raise NotFound(f"No user with id {user_id}.")
            user.role = role
        return Done(None, USERS_CHANGED)

    def set_active(self, actor: Actor, user_id: int, active: bool) -> Done[None]:
        require(actor, Permission.MANAGE_USERS)
        with self.ctx.write() as w:
            s = w.session
            w.record(USERS_CHANGED)
            user = s.get(User, user_id)
            if user is None:
                raise NotFound(f"No user with id {user_id}.")
            user.active = active
        return Done(None, USERS_CHANGED)
