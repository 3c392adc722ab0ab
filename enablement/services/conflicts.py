"""One rule for edits that overwrite nobody (pieces and taxonomy alike).

An edit carries the version of each row as the editor read it. The write first asks whether
any of them changed since; if so nothing is written and ``EditConflict`` names who changed
what and when. A clash the check could not see (another write landed between this
transaction's read and its UPDATE) is caught by the ORM's version counter and named the same
way, read where the write went (the team server, not the replica).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from sqlmodel import Session

from enablement.errors import ChangedMeanwhile, EditConflict
from enablement.models.changes import Changes
from enablement.services.context import LibraryContext
from enablement.storage.source import UnitOfWork

FindChanged = Callable[[Session], list[ChangedMeanwhile]]


@contextmanager
def checked_write(ctx: LibraryContext, check: bool, find_changed: FindChanged, of: int = 1,
                  meanwhile: Changes | None = None) -> Iterator[UnitOfWork]:
    """A unit of work that is refused whole when ``check`` and ``find_changed`` finds rows
    changed since they were read; ``of`` is how many rows the edit was for (the message).
    ``meanwhile``: what a refusal shows changed elsewhere, for the caches (the cache hook hears
    it as any committed change, so a cached copy, such as the taxonomy, is read again)."""
    try:
        with ctx.write() as w:
            if check:
                changed = find_changed(w.session)
                if changed:
                    raise EditConflict(changed, of)
            yield w
    except EditConflict as exc:
        changed = list(exc.changed)
        if not changed and check:
            # the race was lost between this transaction's read and its write: who won it
            with ctx.write() as again:
                changed = find_changed(again.session)
        ctx.catch_up()  # a reload now shows what the other person saved
        if meanwhile is not None:
            ctx.caches(meanwhile)
        if changed == list(exc.changed):
            raise
        raise EditConflict(changed, of) from exc
