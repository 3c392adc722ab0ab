"""Typed errors: what the user must be told, versus what is a bug.

A ``UserFacingError`` carries a message meant for a person (the CLI prints it on one
line, the app shows it in a message box). Anything else that escapes a service is a
bug: it is logged with its traceback and shown with a report dialog.
"""

from __future__ import annotations


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


class LibraryError(UserFacingError):
    """The library cannot be opened or is inconsistent."""


class PageDrawingFailed(Exception):
    """A page drawer's verdict on a file it could not draw (raised inside the render worker)."""
