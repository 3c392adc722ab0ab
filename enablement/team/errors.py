"""The team server's refusals as messages for a person.

Installed on a team library's engine (SQLAlchemy's ``handle_error``): a privilege error or a
row-level-security violation becomes "You (rep) may not …", a lost connection becomes
"cannot reach the team server", a server-side time limit a clear line. No driver error
reaches a person.
"""

from __future__ import annotations

import re
from typing import Callable

from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext

from enablement.errors import InvalidInput, PermissionDenied, StorageError
from enablement.team.connection import ServerAddress, ServerUnreachable

_TABLE_WORDS = {
    "pieces": "pieces", "piece_versions": "piece versions", "piece_stages": "piece tags",
    "piece_gates": "piece tags", "piece_facets": "piece tags", "usage_events": "usage records",
    "search_log": "search records", "users": "users", "stages": "the taxonomy", "gates": "the taxonomy",
    "facet_values": "the taxonomy", "synonyms": "the taxonomy", "blobs": "files", "blob_chunks": "files",
    "kits": "kits", "kit_items": "kits", "content_requests": "requests", "library_meta": "library settings",
    "alembic_version": "the schema version", "audit_log": "the audit log", "change_log": "the change log",
}
_VERBS = {"insert": "add", "update": "change", "delete": "delete", "select": "read"}


def what_was_refused(statement: str | None, message: str) -> str:
    """'change pieces', 'add usage records of another user'... from the statement and the error."""
    table = None
    found = re.search(r'(?:table|relation|policy for table)\s+"?([a-z_]+)"?', message)
    if found:
        table = found.group(1)
    verb = "use"
    if statement:
        first = statement.lstrip().split(None, 1)[0].lower() if statement.strip() else ""
        verb = _VERBS.get(first, "do")
        if table is None:
            target = re.search(r"(?:into|update|from)\s+([a-z_.]+)", statement.lower())
            table = target.group(1).split(".")[-1] if target else None
    noun = _TABLE_WORDS.get(table or "", table or "this")
    if "row-level security" in message:
        return f"{verb} these {noun}" if verb in ("add", "change") else f"{verb} {noun}"
    if "function" in message:
        return "do this (only an admin may)"
    return f"{verb} {noun}"


def install(engine: Engine, address: ServerAddress, role: Callable[[], str]) -> None:
    """Translate the team server's errors on every statement of ``engine``."""
    import psycopg
    from psycopg import errors as e

    @event.listens_for(engine, "handle_error")
    def _translate(context: ExceptionContext) -> None:
        if context.is_pre_ping:
            return
        exc = context.original_exception
        message = getattr(getattr(exc, "diag", None), "message_primary", None) or str(exc)
        if isinstance(exc, e.InsufficientPrivilege):
            raise PermissionDenied(f"You ({role()}) may not {what_was_refused(context.statement, message)}.") from exc
        if isinstance(exc, e.QueryCanceled):
            raise StorageError("The team server stopped a statement that took too long; try again or narrow it.") from exc
        if isinstance(exc, e.LockNotAvailable):
            raise StorageError("Someone else is changing the same thing on the team server; try again in a moment.") from exc
        if isinstance(exc, e.CheckViolation) and "dated in the future" in message:
            raise InvalidInput("The team server refuses records dated in the future; check this computer's clock.") from exc
        if isinstance(exc, e.CheckViolation) and "do not match its SHA-256" in message:
            raise StorageError("A file's bytes changed on the way to the team server; import it again.") from exc
        if context.is_disconnect or isinstance(exc, psycopg.OperationalError):
            raise ServerUnreachable(f"cannot reach the team server at {address.where} (the connection was lost)") from exc
