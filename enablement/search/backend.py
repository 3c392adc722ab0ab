"""The interface every search engine implements (Whoosh now, tantivy next).

Nothing here imports an engine. All methods may raise only ``enablement.search.errors``
types (plus ``ValueError`` for a malformed argument that is a caller bug).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from enablement.search.documents import (IndexDoc, IndexStatus, SearchRequest, SearchResults,
                                         SimilarDoc, Vocabulary)

# Called during a rebuild with the number of documents written so far. Raising from it
# cancels the rebuild and leaves the previous index untouched.
Progress = Callable[[int], None]


class SearchBackend(Protocol):
    """A full-text index of pieces, derived from (and rebuildable from) the database."""

    def status(self) -> IndexStatus:
        """Check the index: ``ok``, ``missing``, ``damaged`` or ``outdated_schema``."""
        ...

    def stamps(self) -> dict[int, str]:
        """piece_id → stamp of every indexed doc (to find missing or stale docs)."""
        ...

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace docs in one commit; returns how many were written."""
        ...

    def delete(self, piece_ids: Iterable[int]) -> None:
        """Remove docs (unknown ids are ignored)."""
        ...

    def rebuild(self, docs: Iterable[IndexDoc], progress: Progress | None = None) -> int:
        """Build a fresh index from ``docs`` and swap it in atomically; returns the count."""
        ...

    def search(self, request: SearchRequest, vocabulary: Vocabulary) -> SearchResults:
        """Run one search (see ``SearchRequest``)."""
        ...

    def more_like_this(self, piece_id: int, limit: int = 5) -> list[tuple[int, float]]:
        """Pieces similar to an indexed piece, best first, as ``(piece_id, score)``."""
        ...

    def similar_to_text(self, title: str, text: str, limit: int = 5) -> list[SimilarDoc]:
        """Indexed pieces similar to a not-yet-indexed text, with their tags."""
        ...

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Title words starting with ``prefix``, most common first."""
        ...

    def close(self) -> None:
        """Release open files. The backend may be used again (it reopens lazily)."""
        ...
