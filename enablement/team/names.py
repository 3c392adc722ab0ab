"""The names of a team library's roles, derived from one prefix.

Roles are cluster-wide in PostgreSQL, so every group role of a library carries the
library's prefix: several team libraries (or test runs) can share one server.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from enablement.errors import InvalidInput

APP_ROLES = ("rep", "marketing", "manager", "admin")
_PREFIX = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
_LOGIN = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")


def default_prefix(database: str) -> str:
    """A prefix from the database name (lower case, letters, digits and _ only)."""
    cleaned = re.sub(r"[^a-z0-9_]+", "_", database.lower()).strip("_") or "enablement"
    if cleaned[0].isdigit():
        cleaned = "e_" + cleaned
    return cleaned[:40]


def check_login(login: str) -> str:
    """A login name as PostgreSQL will store it, or a clear error."""
    login = (login or "").strip()
    if not _LOGIN.match(login):
        raise InvalidInput(f"'{login}' is not a usable login: use lower-case letters, digits, '_', '.' or '-' "
                           "(at most 63, starting with a letter).")
    return login


@dataclass(frozen=True)
class RoleNames:
    """Every role and server-side name of one team library."""

    prefix: str

    def __post_init__(self) -> None:
        if not _PREFIX.match(self.prefix):
            raise InvalidInput(f"'{self.prefix}' is not a usable role prefix: lower-case letters, digits and _ "
                               "(at most 40).")

    @property
    def owner(self) -> str:
        return f"{self.prefix}_owner"

    @property
    def user(self) -> str:
        return f"{self.prefix}_user"

    def group(self, role: str) -> str:
        """The group role of an app role (rep, marketing, manager, admin)."""
        if role not in APP_ROLES:
            raise InvalidInput(f"Unknown role '{role}'; roles are: {', '.join(APP_ROLES)}.")
        return f"{self.prefix}_{role}"

    @property
    def groups(self) -> tuple[str, ...]:
        return tuple(self.group(r) for r in APP_ROLES)

    @property
    def channel(self) -> str:
        """The NOTIFY channel of the change feed."""
        return f"{self.prefix}_changes"

    @property
    def lock_key(self) -> int:
        """The advisory-lock key that orders the change log (stable per prefix)."""
        return int.from_bytes(hashlib.sha256(self.prefix.encode()).digest()[:4], "big") & 0x7FFFFFFF
