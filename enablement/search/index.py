"""``LibraryIndex``: the ``SearchBackend`` of one library's index folder, for every engine.

The folder's ``CURRENT.json`` says which engine ("whoosh" or "tantivy") and which schema
version wrote the current generation; reads open that engine. ``rebuild(docs, engine=...)``
writes a new generation with any engine next to the live one and swaps the pointer
atomically: searches keep answering from the old generation until the swap, and a crash (or
kill) mid-rebuild leaves the old index in place (the half-written folder is removed by the
next rebuild).

Thread use: one instance may be shared by a read pool and a write lane. Reads are serialised
by an internal lock; writes take the folder's OS file lock (``IndexBusy`` after a short
backoff); a rebuild also takes ``REBUILDLOCK`` for its whole run, and ``WRITELOCK`` only at
its start and for the swap, so upserts go on during a long rebuild (the service re-syncs
stamps after the swap).

Writes in a child process (``write_in_child=True``, what the desktop app uses): Whoosh is pure
Python, and an upsert holds the interpreter lock for long stretches (its segment sort and
commit), which stalls the GUI thread even from another thread. With this option upserts and
deletes run in one spawned child process that lives as long as the index object; the calling
thread only waits on a pipe. Readers notice the new segments as they notice any other
process's writes.

Error policy: every exception from an engine (or from unreadable files) becomes an
``enablement.search.errors`` type. Exceptions raised by the caller's own doc iterator or
progress callback pass through unchanged.
"""

from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import shutil
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, cast

from enablement.search import pipeline
from enablement.search.backend import Progress
from enablement.search.documents import (IndexDoc, IndexStatus, SearchRequest, SearchResults,
                                         SimilarDoc, Vocabulary)
from enablement.search.engine import EngineReader
from enablement.search.idle import IDLE_SECONDS, IdleRelease
from enablement.search.errors import (IndexBusy, IndexDamaged, IndexMissing, IndexOutdated,
                                      IndexWriteFailed, SearchError)
from enablement.search.store import (FORMAT, REBUILD_LOCK, PointerError, has_legacy_index, rebuild_turn,
                                     new_generation_name, pointer_signature, read_pointer,
                                     remove_other_generations, write_lock, write_pointer)

T = TypeVar("T")
ENGINES = ("whoosh", "tantivy")
_USER_ERRNOS = {errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EROFS, errno.EDQUOT}
PROGRESS_EVERY = 200
SWAP_TIMEOUT = 60.0  # a rebuild waits this long for upserts to finish before its swap
SYNCED = "SYNCED.json"  # what the index held when it last matched the database (see mark_synced)


def engine_module(name: str) -> ModuleType:
    """The engine module (imported on first use: each engine costs ~100 ms to import)."""
    if name == "whoosh":
        from enablement.search import whoosh_engine

        return whoosh_engine
    if name == "tantivy":
        from enablement.search import tantivy_engine

        return tantivy_engine
    raise ValueError(f"unknown search engine {name!r} (choose whoosh or tantivy)")


def _fatal(exc: BaseException) -> bool:
    return isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError))


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


class LibraryIndex:
    """A ``SearchBackend`` storing its index under ``index_dir`` (created on first write)."""

    def __init__(self, index_dir: Path, *, engine: str = "whoosh", busy_timeout: float = 2.0,
                 bulk_limitmb: int = 256, bulk_procs: int = 1, use_mmap: bool = False,
                 write_in_child: bool = False, idle_seconds: float | None = IDLE_SECONDS) -> None:
        """``engine``: the engine a missing index is created with, and the default of
        ``rebuild``; an existing index is read with whichever engine wrote it.
        ``busy_timeout``: how long a writer retries a held lock before ``IndexBusy``.
        ``bulk_limitmb``/``bulk_procs``: Whoosh's rebuild buffer and processes (one by
        default: forking a process that runs Qt threads is unsafe). ``use_mmap``: map Whoosh
        files into memory (a truncated file then crashes with SIGBUS). ``write_in_child``:
        upserts and deletes run in a child process (see the module notes). ``idle_seconds``:
        the open reader is closed after this long without a read (``search.idle``; None: never)."""
        engine_module(engine)  # an unknown name is a caller bug: say so now
        self._dir = Path(index_dir)
        self.engine = engine
        self._busy_timeout = busy_timeout
        self._bulk_limitmb = bulk_limitmb
        self._bulk_procs = bulk_procs
        self._use_mmap = use_mmap
        self._lock = threading.RLock()
        self._handle: Any = None
        self._handle_engine: str | None = None
        self._signature: tuple[int, int, int] | None = None
        self._child = _ChildWriter() if write_in_child else None
        self.idle = IdleRelease(self, lambda index, idle_for: cast(LibraryIndex, index).release_if_idle(idle_for),
                                idle_seconds)

    # --- opening ------------------------------------------------------------------------------

    def current_engine(self) -> str | None:
        """The engine that wrote the current generation (None: no readable index)."""
        try:
            pointer = read_pointer(self._dir)
        except PointerError:
            return None
        if pointer is None or pointer.format != FORMAT or pointer.engine not in ENGINES:
            return None
        return pointer.engine

    def _open_current(self) -> Any:
        """Open the current generation with its engine, or raise a typed error saying why not."""
        try:
            pointer = read_pointer(self._dir)
        except PointerError as exc:
            raise IndexDamaged(f"search index pointer unreadable: {exc}") from exc
        if pointer is None:
            if has_legacy_index(self._dir):
                raise IndexOutdated("search index has an outdated layout; rebuild it")
            raise IndexMissing("there is no search index yet")
        if pointer.format != FORMAT or pointer.engine not in ENGINES:
            raise IndexOutdated("search index was written by another version; rebuild it")
        module = engine_module(pointer.engine)
        if pointer.schema != module.SCHEMA_VERSION:
            raise IndexOutdated(f"search index schema {pointer.schema} is outdated; rebuild it")
        folder = self._dir / pointer.generation
        if not folder.is_dir():
            raise IndexDamaged(f"search index folder {pointer.generation} is missing")
        return self._handle_for(module, folder)

    def _handle_for(self, module: ModuleType, folder: Path) -> Any:
        if module.NAME == "whoosh":
            return module.WhooshHandle(folder, self._busy_timeout, self._use_mmap)
        return module.TantivyHandle(folder, self._busy_timeout)

    def _close_reader(self) -> None:
        handle, self._handle, self._signature, self._handle_engine = self._handle, None, None, None
        if handle is not None:
            try:
                handle.close()
            except Exception:  # closing a damaged reader may fail too; nothing to save
                pass

    def _reader(self) -> EngineReader:
        signature = pointer_signature(self._dir)
        if signature is None or signature != self._signature or self._handle is None:
            self._close_reader()
            self._handle = self._open_current()
            self._handle_engine = self._handle.name
            self._signature = signature
        return self._handle.reader()

    def _read(self, work: Callable[[EngineReader], T]) -> T:
        """Run ``work(reader)`` under the read lock, turning failures into typed errors.

        A file that vanished under an open reader is first taken for a writer's segment
        merge (another thread or process committed and removed the old segments): the reader
        is reopened and the work tried once more before the index counts as damaged."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    found = work(self._reader())
                    self.idle.touch()
                    return found
                except SearchError:
                    self._close_reader()
                    raise
                except BaseException as exc:  # tantivy reports some damage as a Rust panic
                    if _fatal(exc):
                        raise
                    self._close_reader()
                    if attempt == 1 and isinstance(exc, FileNotFoundError):
                        continue
                    raise IndexDamaged(f"search index unreadable: {exc!r}") from exc
            raise AssertionError("unreachable")

    def release_if_idle(self, idle_for: float) -> bool:
        """Close the open reader (and let go of its mapped files and caches) if no read used it
        for ``idle_for`` seconds; the next read opens it again. True when nothing is held."""
        if not self._lock.acquire(blocking=False):
            return False  # a read is under way
        try:
            if time.monotonic() - self.idle.last_use < idle_for:
                return False
            self._close_reader()
            return True
        finally:
            self._lock.release()

    # --- reading --------------------------------------------------------------------------------

    def status(self) -> IndexStatus:
        """Check the index thoroughly enough to catch damage before a search hits it."""
        if not self._dir.is_dir():
            return IndexStatus("missing")
        try:
            count = self._read(lambda r: r.verify())
        except IndexMissing as exc:
            return IndexStatus("missing", detail=str(exc))
        except IndexOutdated as exc:
            return IndexStatus("outdated_schema", detail=str(exc))
        except IndexDamaged as exc:
            return IndexStatus("damaged", detail=str(exc))
        return IndexStatus("ok", doc_count=count)

    def content_signature(self) -> str | None:
        """A value that changes whenever what the index holds changes, whichever process
        writes: the current generation and the name, size and time of each of its files
        (locks left out). None when there is no readable index."""
        try:
            pointer = read_pointer(self._dir)
        except PointerError:
            return None
        if pointer is None or pointer.format != FORMAT or pointer.engine not in ENGINES:
            return None
        if pointer.schema != engine_module(pointer.engine).SCHEMA_VERSION:
            return None  # outdated: never "as it was when synced", it must be rebuilt
        try:
            files = sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns)
                           for e in os.scandir(self._dir / pointer.generation)
                           if e.is_file() and "lock" not in e.name.lower())
        except OSError:
            return None
        raw = repr((pointer.generation, pointer.engine, pointer.schema, files))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def mark_synced(self, database: str) -> None:
        """Remember that the index as it is now matches the database state ``database`` (a
        digest of every piece's stamp), so the next start can skip reading every document's
        stamp (seconds at 100k pieces) when neither has changed. Best effort."""
        signature = self.content_signature()
        if signature is None:
            return
        tmp = self._dir / f".{SYNCED}.{os.getpid()}.tmp"
        try:
            tmp.write_text(json.dumps({"index": signature, "database": database}), encoding="utf-8")
            os.replace(tmp, self._dir / SYNCED)
        except OSError:
            tmp.unlink(missing_ok=True)

    def synced_with(self, database: str) -> bool:
        """True when the index is exactly as it was when ``mark_synced(database)`` was said."""
        return self.synced_state() == database

    def synced_state(self) -> str | None:
        """The database state the index last matched (``mark_synced``), if the index is
        exactly as it was then; else None."""
        try:
            marker = json.loads((self._dir / SYNCED).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(marker, dict) or not isinstance(marker.get("database"), str):
            return None
        signature = self.content_signature()
        return marker["database"] if signature is not None and marker.get("index") == signature else None

    def doc_count(self) -> int:
        """How many documents the index holds (0 if there is no index yet)."""
        try:
            return self._read(lambda r: r.doc_count())
        except IndexMissing:
            return 0

    def stamps(self) -> dict[int, str]:
        """piece_id → stamp for every live doc; empty if there is no index yet."""
        try:
            return self._read(lambda r: r.stamps())
        except IndexMissing:
            return {}

    def search(self, request: SearchRequest, vocabulary: Vocabulary) -> SearchResults:
        """Run one search; raises ``IndexDamaged``/``IndexMissing`` if the index is unusable."""
        return self._read(lambda r: pipeline.run_search(r, request, vocabulary))

    def more_like_this(self, piece_id: int, limit: int = 5) -> list[tuple[int, float]]:
        """Pieces similar to ``piece_id`` (archived ones left out), best first."""
        return self._read(lambda r: pipeline.more_like_this(r, piece_id, limit))

    def similar_to_text(self, title: str, text: str, limit: int = 5) -> list[SimilarDoc]:
        """Indexed, non-archived pieces similar to a new text, with their tags."""
        return self._read(lambda r: pipeline.similar_to_text(r, title, text, limit))

    def suggest(self, prefix: str, limit: int = 8) -> list[str]:
        """Title words starting with ``prefix`` (unstemmed), most common first."""
        return self._read(lambda r: pipeline.suggest(r, prefix, limit))

    def close(self) -> None:
        """Close the open reader and end the child writer; the next call reopens them."""
        with self._lock:
            self._close_reader()
        if self._child is not None:
            self._child.stop()

    # --- writing --------------------------------------------------------------------------------

    @contextmanager
    def _writing(self, timeout: float | None = None, lock: str | None = None) -> Iterator[None]:
        """Hold one of the folder's locks and translate failures into typed errors."""
        try:
            if lock is None:
                with write_lock(self._dir, self._busy_timeout if timeout is None else timeout):
                    yield
            else:
                with write_lock(self._dir, self._busy_timeout if timeout is None else timeout, lock):
                    yield
        except _CallerError as exc:
            raise exc.original from None
        except SearchError:
            raise
        except OSError as exc:
            if exc.errno in _USER_ERRNOS:
                raise IndexWriteFailed(f"could not write the search index: {exc.strerror}") from exc
            raise IndexDamaged(f"search index write failed: {exc!r}") from exc
        except BaseException as exc:
            if _fatal(exc):
                raise
            if self._is_lock_error(exc):
                raise IndexBusy("the search index is locked by another writer; try again") from exc
            raise IndexDamaged(f"search index write failed: {exc!r}") from exc

    def _is_lock_error(self, exc: BaseException) -> bool:
        return any(engine_module(name).is_lock_error(exc) for name in ENGINES
                   if name in (self.engine, self._handle_engine, self.current_engine()))

    def _write_handle(self, create: bool) -> Any:
        """The current generation for writing; created with ``self.engine`` if missing."""
        with self._lock:
            self._close_reader()  # the writer and the reader must not share stale state
        try:
            return self._open_current()
        except IndexMissing:
            if not create:
                return None
        generation = new_generation_name()
        folder = self._dir / generation
        folder.mkdir(parents=True)
        module = engine_module(self.engine)
        module.create(folder)
        write_pointer(self._dir, generation, module.NAME, module.SCHEMA_VERSION)
        return self._handle_for(module, folder)

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace docs (by piece_id) in one commit. Creates the index if missing;
        raises ``IndexDamaged`` if it is damaged or outdated (rebuild instead)."""
        if self._child is not None:
            batch = list(docs)  # the caller's iterator runs here: its errors stay the caller's
            return self._child.run(_child_upsert, self._child_options(), batch)
        with self._writing():
            handle = self._write_handle(create=True)
            try:
                return handle.upsert(_guarded(docs))
            finally:
                handle.close()

    def delete(self, piece_ids: Iterable[int]) -> None:
        """Remove docs by piece id; unknown ids and a missing index are fine."""
        ids = [int(p) for p in piece_ids]
        if not ids:
            return
        if self._child is not None:
            self._child.run(_child_delete, self._child_options(), ids)
            return
        with self._writing():
            handle = self._write_handle(create=False)
            if handle is None:
                return
            try:
                handle.delete(ids)
            finally:
                handle.close()

    def rebuild(self, docs: Iterable[IndexDoc], progress: Progress | None = None,
                engine: str | None = None) -> int:
        """Write every doc into a new generation (with ``engine``, default ``self.engine``),
        then swap it in atomically.

        Readers (this and other processes) keep the old index until the swap. If ``docs`` or
        ``progress`` raises, the new generation is discarded and the exception passes through.
        """
        module = engine_module(engine or self.engine)
        with self._writing(lock=REBUILD_LOCK):
            with self._writing():  # a rebuild starts only when no other writer is busy
                self._dir.mkdir(parents=True, exist_ok=True)
                current = read_pointer_quietly(self._dir)
                # Leftovers of a rebuild that was killed: not current, not ours.
                remove_other_generations(self._dir, keep=current or "")
            generation = new_generation_name()
            folder = self._dir / generation
            folder.mkdir()
            counted = [0]

            def tick(count: int) -> None:
                counted[0] = count
                if progress is not None and count % PROGRESS_EVERY == 0:
                    try:
                        progress(count)
                    except Exception as exc:
                        raise _CallerError(exc) from exc
            try:
                if module.NAME == "whoosh":
                    count = module.build(folder, _guarded(docs), tick, limitmb=self._bulk_limitmb,
                                         procs=self._bulk_procs, busy_timeout=self._busy_timeout)
                else:
                    count = module.build(folder, _guarded(docs), tick)
                with self._writing(timeout=SWAP_TIMEOUT):
                    write_pointer(self._dir, generation, module.NAME, module.SCHEMA_VERSION)
                    with self._lock:
                        self._close_reader()
                    remove_other_generations(self._dir, keep=generation)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
        if progress is not None:
            progress(count)  # after the swap: an exception here is the caller's own
        return count


    def rebuild_turn(self, stopped: Callable[[], bool]) -> AbstractContextManager[bool]:
        """This process's turn to rebuild the folder (``store.rebuild_turn``): True while it is
        ours; False after waiting for another process's rebuild to end."""
        return rebuild_turn(self._dir, stopped)

    def use_child_writer(self) -> None:
        """Write in a child process from now on (as if made with ``write_in_child=True``)."""
        if self._child is None:
            self._child = _ChildWriter()

    def _child_options(self) -> dict[str, Any]:
        return {"index_dir": str(self._dir), "engine": self.engine, "busy_timeout": self._busy_timeout,
                "use_mmap": self._use_mmap}


class _ChildWriter:
    """One spawned process that performs index writes; started on the first write.

    Spawned, not forked: the app runs Qt and thread pools, which a fork would copy half-locked.
    If the child dies (killed, out of memory), that write fails as ``IndexWriteFailed`` and
    the next one starts a new child."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            pool = self._pool
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool as exc:
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            raise IndexWriteFailed("the search index writer stopped unexpectedly; the next change retries") from exc

    def stop(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _child_index(options: dict[str, Any]) -> LibraryIndex:
    return LibraryIndex(Path(options["index_dir"]), engine=options["engine"], busy_timeout=options["busy_timeout"],
                        use_mmap=options["use_mmap"])


def _child_upsert(options: dict[str, Any], docs: list[IndexDoc]) -> int:
    """In the child writer: one upsert, as the parent would have done it."""
    return _child_index(options).upsert(docs)


def _child_delete(options: dict[str, Any], piece_ids: list[int]) -> None:
    """In the child writer: one delete."""
    _child_index(options).delete(piece_ids)


def read_pointer_quietly(index_dir: Path) -> str | None:
    """The current generation's folder name, or None if there is no readable pointer."""
    try:
        pointer = read_pointer(index_dir)
    except PointerError:
        return None
    return pointer.generation if pointer is not None else None
