"""One translator from database and file-system failures to errors a user can act on.

It reads what the driver reports (SQLite's result code, PostgreSQL's SQLSTATE) rather than
the wording of messages where it can, so SQLite and PostgreSQL failures of the same kind
become the same named error: ``PermissionDenied`` (grants, row-level security), ``Offline``
(refused or lost connection), ``Busy`` (locked, serialization failure, deadlock: already
waited for or retried), ``DiskFull`` and ``StorageError`` (read-only, cannot open). A raw
driver error never reaches the user; anything unrecognised stays a bug and is re-raised.
"""

from __future__ import annotations

import errno
import sqlite3
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from enablement.errors import (Busy, DiskFull, EditConflict, LibraryError, Offline, PermissionDenied,
                               StorageError, UserFacingError)

DISK_FULL = "The disk holding the library is full; free some space and try again."
BUSY = "The library is busy (another program is writing to it); try again in a moment."
OFFLINE = "The team server cannot be reached ({detail}); check the connection and try again."

# SQLite primary result codes (the low byte of an extended code).
_SQLITE_PERM, _SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 3, 5, 6, 8
_SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 13, 14


def translate(exc: BaseException) -> UserFacingError | None:
    """The user-facing error for ``exc``, or None when it is not a storage condition (a bug)."""
    if isinstance(exc, UserFacingError):
        return exc
    if isinstance(exc, StaleDataError):
        # a versioned row (a piece) changed between this transaction's read and its write:
        # the UPDATE ... WHERE row_version = <as read> matched nothing, so nothing was overwritten
        return EditConflict()
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        if isinstance(orig, sqlite3.Error):
            return _sqlite(orig)
        sqlstate = getattr(orig, "sqlstate", None)
        if sqlstate is not None or _is_psycopg(orig):
            return _postgres(sqlstate, orig, exc.connection_invalidated)
        return None
    if isinstance(exc, sqlite3.Error):
        return _sqlite(exc)
    if _is_psycopg(exc):
        return _postgres(getattr(exc, "sqlstate", None), exc, False)
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DiskFull(DISK_FULL)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return StorageError(f"Permission denied: {exc.filename or 'library folder'}")
    return None


@contextmanager
def storage_errors() -> Iterator[None]:
    """Re-raise storage failures inside the block as their user-facing error."""
    try:
        yield
    except (DBAPIError, StaleDataError, sqlite3.Error, OSError) as exc:
        translated = translate(exc)
        if translated is None:
            raise
        raise translated from exc
    except Exception as exc:
        if not _is_psycopg(exc):
            raise
        translated = translate(exc)
        if translated is None:
            raise
        raise translated from exc


def _is_psycopg(exc: object) -> bool:
    return type(exc).__module__.startswith("psycopg")


def _sqlite(exc: sqlite3.Error) -> UserFacingError | None:
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary == _SQLITE_FULL or "disk is full" in text:
        return DiskFull(DISK_FULL)
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or "database is locked" in text:
        return Busy(BUSY)
    if primary == _SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return StorageError("The library is read-only here; check the folder's permissions.")
    if primary == _SQLITE_CANTOPEN or "unable to open" in text:
        return StorageError("The library database cannot be opened; check that its folder exists and is writable.")
    if primary == _SQLITE_PERM:
        return StorageError("The library database may not be written here (access denied).")
    if primary == _SQLITE_IOERR or "disk i/o error" in text:
        return StorageError("The disk holding the library failed to read or write; check the disk.")
    return None


def _postgres(sqlstate: str | None, exc: object, invalidated: bool) -> UserFacingError | None:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if sqlstate == "42501":
        if "row-level security" in text or "row level security" in text:
            return PermissionDenied("The team library does not let your role change that row.")
        return PermissionDenied("The team library does not let your role do that (the server refused it).")
    if sqlstate in ("28000", "28P01"):
        return PermissionDenied("The team server did not accept your login; check your user name and password.")
    if sqlstate in ("40001", "40P01"):
        return Busy("The team library was busy with a clashing change; try again.", retryable=True)
    if sqlstate == "55P03":
        return Busy("The team library was busy with a clashing change; try again.")
    if sqlstate in ("53100",):
        return DiskFull("The team server's disk is full; ask its administrator to free space.")
    if sqlstate == "53300":
        return Busy("The team server has too many connections right now; try again in a moment.")
    if sqlstate == "3D000":
        return LibraryError(f"The team library does not exist on the server ({text}).")
    if sqlstate is not None and (sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03")):
        return Offline(OFFLINE.format(detail=_short(text)))
    if invalidated or (sqlstate is None and type(exc).__name__ in ("OperationalError", "InterfaceError")):
        return Offline(OFFLINE.format(detail=_short(text)))
    return None


def _short(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "..."
