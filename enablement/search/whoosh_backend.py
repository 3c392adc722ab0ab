"""``WhooshBackend``: the ``SearchBackend`` over a Whoosh index folder.

Thread use: one instance may be shared by a read pool and a write lane. Reads are serialised
by an internal lock (a Whoosh searcher is not meant for concurrent use, and a search takes a
few milliseconds); writes take the folder's OS file lock, so a second writer in this or
another process gets ``IndexBusy`` after a short backoff instead of waiting forever.

Error policy: every exception from Whoosh (or from unreadable files) becomes an
``enablement.search.errors`` type. Readers raise ``IndexDamaged`` / ``IndexMissing`` and the
caller rebuilds; writers raise ``IndexBusy``, ``IndexWriteFailed`` (disk full, permissions)
or ``IndexDamaged``. Exceptions raised by the caller's own doc iterator or progress callback
pass through unchanged.
"""

from __future__ import annotations

import errno
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage

from enablement.search import whoosh_search
from enablement.search.backend import Progress
from enablement.search.documents import (IndexDoc, IndexStatus, SearchRequest, SearchResults,
                                         SimilarDoc, Vocabulary)
from enablement.search.errors import (IndexBusy, IndexDamaged, IndexMissing, IndexOutdated,
                                      IndexWriteFailed, SearchError)
from enablement.search.whoosh_cache import DocCache, SegmentFacts
from enablement.search.whoosh_schema import SCHEMA_VERSION, build_schema, doc_fields
from enablement.search.whoosh_store import (FORMAT, PointerError, has_legacy_index,
                                            new_generation_name, pointer_signature, read_pointer,
                                            remove_other_generations, write_lock, write_pointer)

T = TypeVar("T")
_USER_ERRNOS = {errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EROFS, errno.EDQUOT}
PROGRESS_EVERY = 200


class _CallerError(Exception):
    """Carries an exception raised by caller code (doc iterator, progress) through our handlers."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(repr(original))
        self.original = original


def _guarded(docs: Iterable[IndexDoc]) -> Iterator[IndexDoc]:
    iterator = iter(docs)
    while True:
        try:
            doc = next(iterator)
        except StopIteration:
            return
        except Exception as exc:
            raise _CallerError(exc) from exc
        yield doc


class WhooshBackend:
    """A ``SearchBackend`` storing its index under ``index_dir`` (created on first write)."""

    def __init__(self, index_dir: Path, *, busy_timeout: float = 2.0,
                 bulk_limitmb: int = 256, bulk_procs: int = 1, use_mmap: bool = False) -> None:
        """``busy_timeout``: how long a writer retries a held lock before ``IndexBusy``.
        ``bulk_limitmb``/``bulk_procs``: the rebuild writer's RAM buffer and processes. One
        process by default: on 2 cores a second one competes with the UI and the extractor,
        and forking a process that runs Qt threads is unsafe. ``use_mmap``: map index files
        into memory (slightly faster reads; a truncated file then crashes with SIGBUS)."""
        self._dir = Path(index_dir)
        self._busy_timeout = busy_timeout
        self._bulk_limitmb = bulk_limitmb
        self._bulk_procs = bulk_procs
        self._use_mmap = use_mmap
        self._lock = threading.RLock()
        self._ix: Any = None
        self._searcher: Any = None
        self._cache: DocCache | None = None
        self._segment_facts: dict[str, SegmentFacts] = {}  # reused across generations
        self._signature: tuple[int, int, int] | None = None

    # --- reading --------------------------------------------------------------------------

    def _close_reader(self) -> None:
        searcher, self._searcher, self._cache, self._signature = self._searcher, None, None, None
        self._ix = None
        self._segment_facts.clear()
        if searcher is not None:
            try:
                searcher.close()
            except Exception:  # closing a damaged reader may fail too; nothing to save
                pass

    def _open_generation(self) -> Any:
        """Open the current generation's index, or raise a typed error saying why not."""
        try:
            pointer = read_pointer(self._dir)
        except PointerError as exc:
            raise IndexDamaged(f"search index pointer unreadable: {exc}") from exc
        if pointer is None:
            if has_legacy_index(self._dir):
                raise IndexOutdated("search index has an outdated layout; rebuild it")
            raise IndexMissing("there is no search index yet")
        if pointer.format != FORMAT or pointer.schema != SCHEMA_VERSION:
            raise IndexOutdated(f"search index schema {pointer.schema} is outdated; rebuild it")
        folder = self._dir / pointer.generation
        if not folder.is_dir():
            raise IndexDamaged(f"search index folder {pointer.generation} is missing")
        # Passing our schema skips unpickling the stored one (and its analyzer objects).
        return self._storage(folder).open_index(schema=build_schema())

    def _storage(self, folder: Path) -> Any:
        # No mmap by default: if index files are truncated or rewritten under an open map
        # (a sync tool, a disk error), touching the map kills the process with SIGBUS instead
        # of raising an error we could turn into IndexDamaged.
        return FileStorage(str(folder), supports_mmap=self._use_mmap)

    def _current(self) -> tuple[Any, DocCache]:
        """The open searcher and its cache, reopened or refreshed if the index changed."""
        signature = pointer_signature(self._dir)
        if signature is None or signature != self._signature or self._searcher is None:
            self._close_reader()
            self._ix = self._open_generation()
            self._searcher, self._signature = self._ix.searcher(), signature
        elif not self._searcher.up_to_date():
            # A fresh searcher, not ``refresh()``: refresh reuses segment readers and keeps
            # their old deletion lists, so replaced docs would come back from the dead.
            self._searcher.close()
            self._searcher, self._cache = self._ix.searcher(), None
        if self._cache is None:
            self._cache = DocCache(self._searcher.reader(), self._segment_facts)
        return self._searcher, self._cache

    def _read(self, work: Callable[[Any, DocCache], T]) -> T:
        """Run ``work(searcher, cache)`` under the read lock, turning failures into types."""
        with self._lock:
            try:
                searcher, cache = self._current()
                return work(searcher, cache)
            except SearchError:
                self._close_reader()
                raise
            except Exception as exc:
                self._close_reader()
                raise IndexDamaged(f"search index unreadable: {exc!r}") from exc

    def status(self) -> IndexStatus:
        """Check the index thoroughly enough to catch damage before a search hits it."""
        if not self._dir.is_dir():
            return IndexStatus("missing")
        try:
            count = self._read(_verify)
        except IndexMissing as exc:
            return IndexStatus("missing", detail=str(exc))
        except IndexOutdated as exc:
            return IndexStatus("outdated_schema", detail=str(exc))
        except IndexDamaged as exc:
            return IndexStatus("damaged", detail=str(exc))
        return IndexStatus("ok", doc_count=count)

    def stamps(self) -> dict[int, str]:
        """piece_id → stamp for every live doc; empty if there is no index yet."""
        def work(searcher: Any, cache: DocCache) -> dict[int, str]:
            column = list(searcher.reader().column_reader("stamp"))
            return {cache.piece_ids[d]: column[d].decode("utf-8") for d in cache.live_ids}
        try:
            return self._read(work)
        except IndexMissing:
            return {}

    def search(self, request: SearchRequest, vocabulary: Vocabulary) -> SearchResults:
        """Run one search; raises ``IndexDamaged``/``IndexMissing`` if the index is unusable."""
        return self._read(lambda s, c: whoosh_search.run_search(s, c, request, vocabulary))

    def more_like_this(self, piece_id: int, limit: int = 5) -> list[tuple[int, float]]:
        """Pieces similar to ``piece_id`` (archived ones left out), best first."""
        return self._read(lambda s, c: whoosh_search.more_like_this(s, c, piece_id, limit))

    def similar_to_text(self, title: str, text: str, limit: int = 5) -> list[SimilarDoc]:
        """Indexed, non-archived pieces similar to a new text, with their tags."""
        return self._read(lambda s, c: whoosh_search.similar_to_text(s, c, title, text, limit))

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Title words starting with ``prefix`` (unstemmed), most common first."""
        return self._read(lambda s, c: whoosh_search.suggest(s, prefix, limit))

    def close(self) -> None:
        """Close the open searcher; the next call reopens it."""
        with self._lock:
            self._close_reader()

    # --- writing --------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the folder's writer lock and translate failures into typed errors."""
        try:
            with write_lock(self._dir, self._busy_timeout):
                yield
        except _CallerError as exc:
            raise exc.original from None
        except SearchError:
            raise
        except windex.LockError as exc:
            raise IndexBusy("the search index is locked by another writer; try again") from exc
        except OSError as exc:
            if exc.errno in _USER_ERRNOS:
                raise IndexWriteFailed(f"could not write the search index: {exc.strerror}") from exc
            raise IndexDamaged(f"search index write failed: {exc!r}") from exc
        except Exception as exc:
            raise IndexDamaged(f"search index write failed: {exc!r}") from exc

    def _writer(self, ix: Any, **kwargs: Any) -> Any:
        # Whoosh's own lock: normally free (we hold WRITELOCK), unless a foreign writer has it.
        return ix.writer(timeout=self._busy_timeout, delay=0.05, **kwargs)

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace docs (by piece_id) in one commit. Creates the index if missing;
        raises ``IndexDamaged`` if it is damaged or outdated (rebuild instead)."""
        with self._writing():
            try:
                ix = self._open_generation()
            except IndexMissing:
                ix = self._create_empty()
            count = 0
            with self._writer(ix) as writer:
                for doc in _guarded(docs):
                    writer.update_document(**doc_fields(doc))
                    count += 1
            return count

    def delete(self, piece_ids: Iterable[int]) -> None:
        """Remove docs by piece id; unknown ids and a missing index are fine."""
        ids = [int(p) for p in piece_ids]
        if not ids:
            return
        with self._writing():
            try:
                ix = self._open_generation()
            except IndexMissing:
                return
            with self._writer(ix) as writer:
                for piece_id in ids:
                    writer.delete_by_term("pid", str(piece_id))

    def _create_empty(self) -> Any:
        generation = new_generation_name()
        folder = self._dir / generation
        folder.mkdir(parents=True)
        ix = self._storage(folder).create_index(build_schema())
        write_pointer(self._dir, generation)
        return ix

    def rebuild(self, docs: Iterable[IndexDoc], progress: Progress | None = None) -> int:
        """Write every doc into a new generation, then swap it in atomically.

        Readers (this and other processes) keep the old index until the swap. If ``docs`` or
        ``progress`` raises, the new generation is discarded and the exception passes through.
        """
        with self._writing():
            self._dir.mkdir(parents=True, exist_ok=True)
            generation = new_generation_name()
            folder = self._dir / generation
            folder.mkdir()
            count = 0
            try:
                ix = self._storage(folder).create_index(build_schema())
                with self._writer(ix, limitmb=self._bulk_limitmb, procs=self._bulk_procs,
                                  multisegment=self._bulk_procs > 1) as writer:
                    for doc in _guarded(docs):
                        writer.add_document(**doc_fields(doc))
                        count += 1
                        if progress is not None and count % PROGRESS_EVERY == 0:
                            _report(progress, count)
                ix.close()
                write_pointer(self._dir, generation)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            # Still under the writer lock, so no other writer's new generation is deleted.
            with self._lock:
                self._close_reader()
            remove_other_generations(self._dir, keep=generation)
        if progress is not None:
            _report_final(progress, count)
        return count


def _report(progress: Progress, count: int) -> None:
    try:
        progress(count)
    except Exception as exc:
        raise _CallerError(exc) from exc


def _report_final(progress: Progress, count: int) -> None:
    progress(count)  # after the swap: an exception here is the caller's own, unwrapped


def _verify(searcher: Any, cache: DocCache) -> int:
    """Touch every part of the index a search reads: terms, postings, columns, stored fields.

    Building the ``DocCache`` already read the key-field postings and two columns; this adds
    the text fields and stored fields, so a truncated or garbled segment shows up here.
    """
    reader = searcher.reader()
    for field in ("content", "title", "tags", "owner"):
        for term in list(reader.lexicon(field))[:1]:
            list(reader.postings(field, term).all_ids())
    list(reader.column_reader("stamp"))
    if cache.live_ids:
        searcher.stored_fields(cache.live_ids[0])
        searcher.stored_fields(cache.live_ids[-1])
    return len(cache.live_ids)
