"""Local users and roles. The acting user is chosen at start (app) or by --user (CLI)."""

from __future__ import annotations

from sqlmodel import select

from enablement.errors import Conflict, InvalidInput, NotFound
from enablement.models.changes import Changes
from enablement.models.dto import Actor, Done, UserInfo
from enablement.models.tables import User
from enablement.models.vocab import Role
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, require

ROLES = tuple(r.value for r in Role)
USERS_CHANGED = Changes(users=True)


def _info(u: User) -> UserInfo:
    return UserInfo(u.id, u.name, u.role, u.team, u.active, u.is_demo)


class UserService:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def list(self, include_inactive: bool = False) -> list[UserInfo]:
        with self.ctx.read() as s:
            query = select(User).order_by(User.name)
            if not include_inactive:
                query = query.where(User.active == True)  # noqa: E712
            return [_info(u) for u in s.exec(query)]

    def get(self, user_id: int) -> UserInfo:
        with self.ctx.read() as s:
            user = s.get(User, user_id)
            if user is None:
                raise NotFound(f"No user with id {user_id}.")
            return _info(user)

    def find(self, name: str) -> UserInfo | None:
        with self.ctx.read() as s:
            user = s.exec(select(User).where(User.name == name.strip())).first()
            return _info(user) if user else None

    def actor(self, name: str) -> Actor:
        """The actor for a user name; a clear error when there is no such active user."""
        user = self.find(name)
        if user is None or not user.active:
            names = ", ".join(u.name for u in self.list()) or "none yet"
            raise NotFound(f"No user called '{name}'. Users: {names}.")
        return Actor(user.id, user.name, user.role)

    def actor_for(self, user: UserInfo) -> Actor:
        return Actor(user.id, user.name, user.role)

    def default_actor(self) -> Actor:
        """The first active admin (the library's creator), for the command line."""
        users = self.list()
        admin = next((u for u in users if u.role == Role.ADMIN), None) or (users[0] if users else None)
        if admin is None:
            raise NotFound("This library has no users yet; run 'enablement init' first.")
        return Actor(admin.id, admin.name, admin.role)

    def create(self, actor: Actor | None, name: str, role: str, team: str = "",
               is_demo: bool = False) -> Done[UserInfo]:
        """Add a user. ``actor`` may be None only while the library has no users at all."""
        name = (name or "").strip()
        if not name:
            raise InvalidInput("A user needs a name.")
        if role not in ROLES:
            raise InvalidInput(f"Unknown role '{role}'; roles are: {', '.join(ROLES)}.")
        with self.ctx.write() as w:
            s = w.session
            w.record(USERS_CHANGED)
            has_users = s.exec(select(User.id).limit(1)).first() is not None
            if has_users:
                if actor is None:
                    raise InvalidInput("Say who is adding the user.")
                require(actor, Permission.MANAGE_USERS)
            if s.exec(select(User).where(User.name == name)).first() is not None:
                raise Conflict(f"There is already a user called '{name}'.")
            user = User(name=name, role=role, team=team, is_demo=is_demo)
            s.add(user)
            s.flush()
            info = _info(user)
        return Done(info, USERS_CHANGED)

    def ensure(self, name: str, role: str, team: str = "", is_demo: bool = False) -> UserInfo:
        """The user called ``name``, created with ``role`` if missing (start-up and demo)."""
        existing = self.find(name)
        if existing is not None:
            return existing
        with self.ctx.write() as w:
            s = w.session
            w.record(USERS_CHANGED)
            user = User(name=name.strip(), role=role, team=team, is_demo=is_demo)
            s.add(user)
            s.flush()
            return _info(user)

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
