"""What each role may do. Services call ``require`` before acting.

In the embedded mode this is a convenience (anyone with the file can edit it); in team
mode the database's own grants are the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable, Sequence

from enablement.display import listed
from enablement.errors import Conflict, InvalidInput, PermissionDenied
from enablement.models.dto import Actor, PieceSummary
from enablement.models.vocab import FACETS, Role


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
    FORCE_PUBLISH = "publish pieces that lack the library's required fields"
    LIBRARY_RULES = "change the library's publishing rules"
    RECOMMEND_SEARCHES = "share recommended searches"


_ALL = frozenset(Permission)
_GRANTS: dict[str, frozenset[Permission]] = {
    Role.REP: frozenset({Permission.SUBMIT_REP_PIECE, Permission.LOG_USE, Permission.KITS,
                         Permission.REQUEST}),
    Role.MARKETING: frozenset({Permission.EDIT_PIECES, Permission.PUBLISH, Permission.IMPORT,
                               Permission.SUBMIT_REP_PIECE, Permission.EDIT_TAXONOMY,
                               Permission.LOG_USE, Permission.KITS, Permission.REQUEST,
                               Permission.TRIAGE_REQUESTS, Permission.VIEW_REPORTS,
                               Permission.RECOMMEND_SEARCHES}),
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


# --- the publish rule ------------------------------------------------------------------------
# What a piece must carry before reps see it. The library's setting names which of these it
# requires (``Settings.publish_requires``); every path that publishes (the app, the command
# line, bulk publishing, reviewing a rep-made piece) asks ``publish_check`` and nothing else.
PUBLISH_FIELDS: dict[str, str] = {
    "stage": "stage", "gate": "gate", "owner": "owner", "review_by": "review date",
    **{facet: facet.replace("_", " ") for facet in FACETS},
}


def check_publish_fields(fields: Iterable[str]) -> tuple[str, ...]:
    """The given required-field names in a stable order, or InvalidInput naming an unknown one."""
    wanted = list(dict.fromkeys(f.strip() for f in fields if f.strip()))
    unknown = [f for f in wanted if f not in PUBLISH_FIELDS]
    if unknown:
        raise InvalidInput(f"Unknown field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                           f"a piece can be required to have: {', '.join(PUBLISH_FIELDS)}.")
    return tuple(f for f in PUBLISH_FIELDS if f in wanted)


def missing_for_publish(piece: PieceSummary, required: Sequence[str]) -> tuple[str, ...]:
    """The required fields ``piece`` lacks, in words ("stage", "review date")."""
    present = {name for name in required if name in PUBLISH_FIELDS and (
        bool(piece.owner.strip()) if name == "owner" else piece.review_by is not None if name == "review_by"
        else bool(piece.ids(name)))}
    return missing_among(required, present)


def missing_among(required: Sequence[str], present: Iterable[str]) -> tuple[str, ...]:
    """The required fields not among ``present`` (field names: "stage", "owner", "review_by"…),
    in words; for a form being filled in (the review queue's "tag and publish")."""
    have = set(present)
    # a name this version does not know (a hand-edited settings file) asks for nothing
    return tuple(PUBLISH_FIELDS[name] for name in required if name in PUBLISH_FIELDS and name not in have)


class NotReadyToPublish(Conflict):
    """A piece lacks fields the library requires before publishing."""

    def __init__(self, piece: PieceSummary, missing: Sequence[str]) -> None:
        super().__init__(f"'{piece.title}' (piece {piece.id}) cannot be published: it has no "
                         f"{listed(missing, 'or')}. Set {'it' if len(missing) == 1 else 'them'} first"
                         " (an admin may publish it anyway).")
        self.piece_id = piece.id
        self.missing = tuple(missing)


def publish_check(actor: Actor, piece: PieceSummary, required: Sequence[str], force: bool = False) -> tuple[str, ...]:
    """The one publish rule: raise unless ``actor`` may publish ``piece`` now. Returns the
    missing fields (non-empty only when an admin forces the publish)."""
    require(actor, Permission.PUBLISH)
    missing = missing_for_publish(piece, required)
    if missing:
        if not force:
            raise NotReadyToPublish(piece, missing)
        require(actor, Permission.FORCE_PUBLISH)
    return missing


@dataclass(frozen=True)
class PublishPlan:
    """What a bulk publish would do: pieces ready, pieces skipped (with the fields they
    lack) and pieces already published."""

    ready: tuple[PieceSummary, ...]
    skipped: tuple[tuple[PieceSummary, tuple[str, ...]], ...]
    already: tuple[PieceSummary, ...]


def plan_publish(pieces: Sequence[PieceSummary], required: Sequence[str]) -> PublishPlan:
    """Sort ``pieces`` by what publishing them would do under the rule."""
    ready, skipped, already = [], [], []
    for piece in pieces:
        if piece.status == "published":
            already.append(piece)
            continue
        missing = missing_for_publish(piece, required)
        if missing:
            skipped.append((piece, missing))
        else:
            ready.append(piece)
    return PublishPlan(tuple(ready), tuple(skipped), tuple(already))

