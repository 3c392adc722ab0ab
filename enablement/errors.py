"""Typed errors: what the user must be told, versus what is a bug.

A ``UserFacingError`` carries a message meant for a person (the CLI prints it on one
line, the app shows it in a message box). Anything else that escapes a service is a
bug: it is logged with its traceback and shown with a report dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Sequence


class UserFacingError(Exception):
    """An error whose message is written for the user and needs no traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(UserFacingError):
    """The thing asked for does not exist (or was purged)."""


class PermissionDenied(UserFacingError):
    """The acting user's role may not do this (our own check, or the team database's grants
    and row-level security refusing it)."""


NotAllowed = PermissionDenied


class InvalidInput(UserFacingError):
    """A value given by the user is malformed or out of range."""


class Conflict(UserFacingError):
    """The change clashes with the current state (a duplicate, a stale edit...)."""


@dataclass(frozen=True)
class ChangedMeanwhile:
    """A piece (or a taxonomy entry: ``kind`` says which) someone changed after the editor
    read it: who (a name, "" when unknown) and when (naive UTC, as stored)."""

    row_id: int
    title: str
    by: str
    at: datetime | None
    by_you: bool = False  # the same person, in another window or on another computer
    kind: str = "piece"  # piece | stage | gate | value | synonym group

    @property
    def piece_id(self) -> int:
        return self.row_id


def when_text(at: datetime | None) -> str:
    """A stored (naive UTC) time as the reader's local clock shows it: "14:32 on 1 Dec 2026"."""
    if at is None:
        return "an unknown time"
    local = at.replace(tzinfo=timezone.utc).astimezone()
    return f"{local:%H:%M} on {local.day} {local:%b %Y}"


def _who(change: ChangedMeanwhile) -> str:
    if change.by_you:
        return "you elsewhere (another window or computer)"
    return change.by or "someone else"


class EditConflict(Conflict):
    """The piece (or pieces) changed after the editor read it: the edit was refused whole, so
    nothing anyone else saved is overwritten. ``changed`` says which, by whom and when;
    ``changed`` is empty when the clash was only noticed by the database (a service then
    reads who and when and raises a complete one)."""

    def __init__(self, changed: Sequence[ChangedMeanwhile] = (), of: int = 1) -> None:
        self.changed = tuple(changed)
        self.of = of  # how many pieces the refused edit was for
        super().__init__(conflict_message(self.changed, of))


def conflict_message(changed: Sequence[ChangedMeanwhile], of: int = 1) -> str:
    """ "Changed by <who> at <when> while you were editing — your change was not saved." """
    if not changed:
        return "Changed by someone else while you were editing — your change was not saved."
    kind = changed[0].kind
    if len(changed) == 1 and of <= 1:
        c = changed[0]
        what = "Changed" if kind == "piece" else f"The {kind} '{c.title}' was changed"
        return f"{what} by {_who(c)} at {when_text(c.at)} while you were editing — your change was not saved."
    shown = changed[:5]
    which = "; ".join(f"'{c.title}' by {_who(c)} at {when_text(c.at)}" for c in shown)
    more = f"; and {len(changed) - len(shown)} more" if len(changed) > len(shown) else ""
    verb = "was" if len(changed) == 1 else "were"
    return (f"{len(changed)} of the {max(of, len(changed))} {kind}s {verb} changed while you were editing "
            f"({which}{more}) — none of your changes was saved.")


class StorageError(UserFacingError):
    """Disk full, permission denied, read-only or locked storage: the user can act on it."""


class DiskFull(StorageError):
    """The disk (or the server's disk) holding the library is full."""


class Busy(StorageError):
    """Another writer holds the library, or the server had to abort a clashing transaction;
    the write was retried (waited for) and still could not go through. Try again.

    ``retryable``: the transaction was aborted whole (serialization failure, deadlock), so
    running it again from the start is safe (``storage.source.retrying`` does that)."""

    def __init__(self, message: str, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class Offline(UserFacingError):
    """The team server cannot be reached, refused the connection or dropped it."""


class FileNotHere(Offline):
    """A piece's file is not on this laptop and the team server cannot be reached now (the
    file is queued and downloads at the next sync)."""


class Cancelled(UserFacingError):
    """The person stopped a long task (a download: what came so far is kept and resumes)."""


class LibraryError(UserFacingError):
    """The library cannot be opened or is inconsistent."""


class PageDrawingFailed(Exception):
    """A page drawer's verdict on a file it could not draw (raised inside the render worker)."""
