"""What every service shares: the library's paths, settings, engine, blob store and index.

Built once by ``Library.open`` (the composition root for the core) and passed down; no
module-level engines or sessions exist anywhere.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from sqlalchemy.engine import Engine

from enablement.config import LibraryPaths, Settings
from enablement.models.dto import TaxonomyInfo
from enablement.storage.blobs import BlobStore

if TYPE_CHECKING:
    from enablement.services.search import SearchIndex


def _today() -> date:
    return datetime.now(timezone.utc).date()


@dataclass
class LibraryContext:
    paths: LibraryPaths
    settings: Settings
    engine: Engine
    blobs: BlobStore
    today: Callable[[], date] = _today
    index: "SearchIndex | None" = None
    _taxonomy: TaxonomyInfo | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _deferred: set[int] | None = field(default=None, repr=False)

    def taxonomy(self) -> TaxonomyInfo:
        """The taxonomy, read once and cached until it changes."""
        with self._lock:
            if self._taxonomy is None:
                from enablement.services.taxonomy import read_taxonomy_now

                self._taxonomy = read_taxonomy_now(self)
            return self._taxonomy

    def taxonomy_changed(self) -> None:
        with self._lock:
            self._taxonomy = None
        if self.index is not None:
            self.index.taxonomy_changed()

    def pieces_changed(self, piece_ids: Iterable[int]) -> None:
        """Bring the derived search index up to date for these pieces (best effort: the
        database is the truth and a stale index is repaired at the next open)."""
        if self._deferred is not None:
            self._deferred.update(piece_ids)
        elif self.index is not None:
            self.index.refresh(piece_ids)

    @contextmanager
    def index_batch(self) -> Iterator[None]:
        """Collect index updates and apply them once at the end: each index commit costs
        far more than a database row, so bulk work refreshes the index one time."""
        if self._deferred is not None:
            yield
            return
        self._deferred = set()
        try:
            yield
        finally:
            ids, self._deferred = self._deferred, None
            if ids and self.index is not None:
                self.index.refresh(ids)
