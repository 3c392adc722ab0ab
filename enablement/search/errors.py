"""Typed errors raised by the search package.

Callers never see a Whoosh (or, later, tantivy) exception: every failure of the index is
turned into one of these, so the service layer can decide what to do without knowing which
engine is behind the interface. The index is a disposable cache of the database, so the usual
answer to ``IndexDamaged`` (and ``IndexMissing``) is "rebuild it from the database".
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class of every error raised by ``enablement.search``."""


class IndexDamaged(SearchError):
    """The index files are unreadable or inconsistent: rebuild the index from the database."""


class IndexMissing(IndexDamaged):
    """There is no index yet (first run, or its folder was deleted): build it.

    A subclass of ``IndexDamaged`` because the cure is the same: a caller that rebuilds on
    ``IndexDamaged`` handles this too.
    """


class IndexOutdated(IndexDamaged):
    """The index was written by another schema version of this program: rebuild it."""


class IndexBusy(SearchError):
    """Another writer (another window, the CLI, a sync) holds the index lock; try again later."""


class IndexWriteFailed(SearchError):
    """Writing the index failed for a reason the user can act on (disk full, permissions).

    The previous index is left intact; the message says what the operating system said.
    """
