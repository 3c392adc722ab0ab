"""What every service shares: the library's paths, settings, data source, blob store and index.

Built once by ``Library.open`` (the composition root for the core) and passed down; no
module-level engines or sessions exist anywhere. Services read through ``ctx.read()`` and
write through ``ctx.write()`` (a unit of work); each committed unit's change-set reaches
``ctx.caches``, the one hook that keeps derived caches in step.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Callable, ContextManager

from sqlalchemy.engine import Engine
from sqlmodel import Session

from enablement.config import LibraryPaths, Settings
from enablement.models.dto import TaxonomyInfo
from enablement.services.caches import CacheHook
from enablement.storage.blobs import BlobStore
from enablement.storage.source import DataSource, EngineSource, UnitOfWork

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
    source: DataSource | None = None
    caches: CacheHook = field(init=False, repr=False)
    _taxonomy: TaxonomyInfo | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.caches = CacheHook(self)
        if self.source is None:
            self.source = EngineSource(self.engine, on_commit=self.caches)

    def read(self) -> ContextManager[Session]:
        """A read session from the library's data source."""
        assert self.source is not None
        return self.source.read()

    def write(self) -> ContextManager[UnitOfWork]:
        """A unit of work on the library's data source; its change-set reaches the cache
        hook once it commits."""
        assert self.source is not None
        return self.source.write()

    def queue(self) -> ContextManager[UnitOfWork]:
        """A unit of work for writes that may wait for the server (a person's own use,
        searches and requests): on a team replica they are stored with an outbox entry."""
        assert self.source is not None
        return self.source.queue()

    def catch_up(self) -> None:
        """Reads catch up with the write side (team mode: a pull); see ``DataSource.catch_up``."""
        assert self.source is not None
        self.source.catch_up()

    def taxonomy(self) -> TaxonomyInfo:
        """The taxonomy, read once and cached until it changes."""
        with self._lock:
            if self._taxonomy is None:
                from enablement.storage.taxonomy_repo import read_taxonomy

                with self.read() as s:
                    self._taxonomy = read_taxonomy(s)
            return self._taxonomy

    def drop_taxonomy(self) -> None:
        """Forget the cached taxonomy (the cache hook calls this after a taxonomy change)."""
        with self._lock:
            self._taxonomy = None
