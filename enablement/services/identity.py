"""Who is acting: the identity seam.

An ``IdentityProvider`` answers "which user is this?" for an open library. Embedded mode
uses ``LocalUser``: the person picks themselves (start-up dialog, ``--user``), or the
library's first admin acts (the command line's default). Team mode will answer from the
database login instead (the server knows who connected), behind the same interface, so
no service or page changes when it does.

Switching user never mutates a shared object: ``UserContext.switch`` returns a new
context, and work still running for the previous user keeps the context it started with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from enablement.errors import NotFound
from enablement.models.dto import Actor
from enablement.models.vocab import Role

if TYPE_CHECKING:
    from enablement.services.library import Library
    from enablement.services.users import UserService


class IdentityProvider(Protocol):
    """Names the acting user of an open library."""

    def identify(self, library: "Library") -> Actor:
        """The acting user; ``NotFound`` (a clear message) when there is none."""
        ...


@dataclass(frozen=True)
class LocalUser:
    """Embedded mode: the local user chosen by name; with no name, the library's first
    active admin (or its first user)."""

    name: str | None = None

    def identify(self, library: "Library") -> Actor:
        return self.identify_in(library.users)

    def identify_in(self, users: "UserService") -> Actor:
        """The same, from the user directory alone."""
        if self.name:
            user = users.find(self.name)
            if user is None or not user.active:
                names = ", ".join(u.name for u in users.list()) or "none yet"
                raise NotFound(f"No user called '{self.name}'. Users: {names}.")
            return Actor(user.id, user.name, user.role)
        listed = users.list()
        admin = next((u for u in listed if u.role == Role.ADMIN), None) or (listed[0] if listed else None)
        if admin is None:
            raise NotFound("This library has no users yet; run 'enablement init' first.")
        return Actor(admin.id, admin.name, admin.role)


@dataclass(frozen=True)
class UserContext:
    """One user's view of an open library: the library, who acts, and how that was known."""

    library: "Library"
    actor: Actor
    identity: IdentityProvider

    def switch(self, identity: IdentityProvider) -> "UserContext":
        """A new context for another user (this one is left as it was)."""
        return self.library.as_user(identity)
