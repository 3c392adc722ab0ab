"""What each role may do. Services call ``require`` before acting.

In the embedded mode this is a convenience (anyone with the file can edit it); in team
mode the database's own grants are the boundary.
"""

from __future__ import annotations

from enum import StrEnum

from enablement.errors import PermissionDenied
from enablement.models.dto import Actor
from enablement.models.vocab import Role


class Permission(StrEnum):
    EDIT_PIECES = "edit pieces"
    PUBLISH = "publish pieces"
    IMPORT = "import files"
    SUBMIT_REP_PIECE = "add rep-made pieces"
    PURGE = "purge pieces"
    EDIT_TAXONOMY = "edit the taxonomy"
    MANAGE_USERS = "manage users"
    LOG_USE = "log use"
    KITS = "build kits"
    REQUEST = "request content"
    TRIAGE_REQUESTS = "fulfil or decline requests"
    VIEW_REPORTS = "view reports"
    BACKUP = "back up and restore the library"


_ALL = frozenset(Permission)
_GRANTS: dict[str, frozenset[Permission]] = {
    Role.REP: frozenset({Permission.SUBMIT_REP_PIECE, Permission.LOG_USE, Permission.KITS,
                         Permission.REQUEST}),
    Role.MARKETING: frozenset({Permission.EDIT_PIECES, Permission.PUBLISH, Permission.IMPORT,
                               Permission.SUBMIT_REP_PIECE, Permission.EDIT_TAXONOMY,
                               Permission.LOG_USE, Permission.KITS, Permission.REQUEST,
                               Permission.TRIAGE_REQUESTS, Permission.VIEW_REPORTS}),
    Role.MANAGER: frozenset({Permission.LOG_USE, Permission.KITS, Permission.REQUEST,
                             Permission.VIEW_REPORTS}),
    Role.ADMIN: _ALL,
}


def can(actor: Actor, permission: Permission) -> bool:
    """True when the actor's role grants ``permission``."""
    return permission in _GRANTS.get(actor.role, frozenset())


def require(actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied with a clear message unless the actor may do this."""
    if not can(actor, permission):
        raise PermissionDenied(f"{actor.name} ({actor.role}) may not {permission.value}.")
