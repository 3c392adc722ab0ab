"""A full rebuild of a library's search index in a child process (what the desktop app uses).

Building every document (stored text read from the database, tags looked up, an ``IndexDoc``
made in Python) and writing it with Whoosh hold the interpreter lock for most of a rebuild:
on a thread of the app's process that stalls the window for the whole run (tens of seconds at
100k pieces). ``ChildRebuild.run`` does all of it in one spawned process (spawned, not forked:
the app runs Qt and thread pools, which a fork would copy half-locked) that opens the library's
database read-only itself and writes the new generation beside the live one with
``LibraryIndex.rebuild``, which swaps it in atomically, then catches up with the changes made
meanwhile (they went to the old generation). The calling thread only waits on a pipe.

What the child says, one message at a time: ``("beat",)`` every ``HEARTBEAT_S`` from a thread
of its own, ``("progress", done, total)`` as documents are written, then ``("done", count)``
or ``("failed", kind, message)``. The parent gives up on a child, kills it and raises
``IndexWriteFailed`` (the caller retries later; the old index keeps answering) when:

- the child died (killed, out of memory): its process sentinel fires;
- nothing was heard for ``silent_s`` (the child is frozen);
- no document was written for ``stuck_s`` (it hangs on something, a lock for example; before
  the documents begin, at least ``STARTUP_S``: it is still importing and reading the stamps);
- ``stop()`` was called (the library is closing).

The child ends itself when its parent goes away (the pipe's end-of-file), so a killed app
leaves no rebuild running; the half-written generation is removed by the next rebuild.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from enablement.errors import Busy, DiskFull, StorageError
from enablement.search.documents import IndexDoc
from enablement.search.errors import IndexBusy, IndexDamaged, IndexWriteFailed

if TYPE_CHECKING:
    from enablement.services.search import SearchIndex

log = logging.getLogger(__name__)
_CTX = get_context("spawn")
HEARTBEAT_S = 1.0
SILENT_S = 60.0    # a frozen child (native code holding the interpreter lock would need this long)
STARTUP_S = 60.0   # a fresh interpreter importing the engines, on a busy machine
STUCK_S = 300.0    # a child alive but writing nothing (a 100k-piece commit takes well under this)
_JOIN_S = 5.0
NICENESS = 5       # the child's lower scheduling priority (POSIX)
_PARENT_GONE = 3   # the child's exit status when its parent went away


@dataclass(frozen=True)
class RebuildJob:
    """What the child needs: where the library and its rows are, which engine to write."""

    root: str               # the library folder (its index folder is rebuilt)
    database_url: str       # the database reads go to (a team library's local replica)
    engine: str
    database_busy_ms: int   # how long a read waits for a locked database
    documents_hook: str | None = None  # "package.module:function" wrapping the documents (tests only)


class ChildRebuild:
    """Runs rebuilds in a child process, one at a time, and stops a running one on ``stop``."""

    def __init__(self, silent_s: float = SILENT_S, stuck_s: float = STUCK_S, database_busy_ms: int | None = None,
                 documents_hook: str | None = None) -> None:
        """``database_busy_ms``: how long the child's reads wait for a locked database (default:
        as long as the app's own). ``documents_hook`` ("package.module:function", called in the
        child with the document iterator and returning one) lets tests make a rebuild pause,
        hang or crash half-way; it is only ever set explicitly."""
        self.silent_s = silent_s
        self.stuck_s = stuck_s
        self.documents_hook = documents_hook
        self.database_busy_ms = database_busy_ms
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._stopped = False

    @property
    def pid(self) -> int | None:
        """The running child's process id (None when no rebuild runs)."""
        process = self._process
        return process.pid if process is not None else None

    def job(self, index: "SearchIndex", engine: str) -> RebuildJob:
        """The job that rebuilds ``index``'s library with ``engine``."""
        from enablement.storage.engine import BUSY_TIMEOUT_MS

        ctx = index.ctx
        reads = ctx.source.engine if ctx.source is not None else ctx.engine
        return RebuildJob(root=str(ctx.paths.root), database_url=reads.url.render_as_string(hide_password=False),
                          engine=engine, database_busy_ms=self.database_busy_ms or BUSY_TIMEOUT_MS,
                          documents_hook=self.documents_hook)

    def run(self, job: RebuildJob, progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild in a fresh child; returns how many documents the new index holds.

        Raises ``IndexWriteFailed`` if the child dies, hangs or is stopped, ``IndexBusy`` if
        another writer holds the index, ``StorageError`` if the database cannot be read."""
        parent_conn, child_conn = _CTX.Pipe(duplex=True)
        process = _CTX.Process(target=child_main, name="enablement-reindex", args=(child_conn, job),
                               daemon=True)
        with self._lock:
            process.start()
            self._process, self._stopped = process, False
        child_conn.close()  # so this side sees end-of-file when the child dies
        try:
            return self._follow(process, parent_conn, progress)
        finally:
            with self._lock:
                self._process = None
            if process.is_alive():
                process.kill()
            process.join(_JOIN_S)
            parent_conn.close()

    def _follow(self, process: BaseProcess, conn: Connection,
                progress: Callable[[int, int], None] | None) -> int:
        heard = advanced = time.monotonic()
        started = False  # until the child's first word, it may take STARTUP_S to start
        working = False  # until its first progress (the documents begin), it still imports and reads
        while True:
            now = time.monotonic()
            silent = self.silent_s if started else max(self.silent_s, STARTUP_S)
            stuck = self.stuck_s if working else max(self.stuck_s, STARTUP_S)
            if now - heard > silent:
                raise IndexWriteFailed(f"the search index rebuild stopped answering for {silent:g} s "
                                       "and was ended; it is tried again later")
            if started and now - advanced > stuck:
                raise IndexWriteFailed(f"the search index rebuild made no progress for {stuck:g} s "
                                       "and was ended; it is tried again later")
            deadline = min(heard + silent, advanced + stuck) if started else heard + silent
            wait([conn, process.sentinel], max(0.0, deadline - now))
            while conn.poll():
                try:
                    message = conn.recv()
                except (EOFError, OSError):  # the child closed its end: it is ending
                    process.join(_JOIN_S)
                    break
                heard = time.monotonic()
                if not started:
                    started, advanced = True, heard
                if message[0] == "progress":
                    advanced, working = heard, True
                    if progress is not None:
                        progress(int(message[1]), int(message[2]))
                elif message[0] == "done":
                    return int(message[1])
                elif message[0] == "failed":
                    raise _error(str(message[1]), str(message[2]))
            if not process.is_alive():
                process.join(_JOIN_S)
                if self._stopped:
                    raise IndexWriteFailed("the search index rebuild was stopped (the library closed); "
                                           "it is tried again later")
                raise IndexWriteFailed(f"the search index rebuild stopped unexpectedly (exit status "
                                       f"{process.exitcode}); it is tried again later")

    def stop(self) -> None:
        """End the running rebuild, if any (the library is closing): its ``run`` raises."""
        with self._lock:
            process = self._process
            self._stopped = process is not None
        if process is not None and process.is_alive():
            process.kill()


# What the child reports, by kind, and what the parent raises for it (subclasses first).
_KINDS: tuple[tuple[str, type[Exception]], ...] = (
    ("busy", IndexBusy), ("write", IndexWriteFailed), ("damaged", IndexDamaged),
    ("storage-busy", Busy), ("storage-full", DiskFull), ("storage", StorageError))


def _error(kind: str, message: str) -> Exception:
    """The parent's exception for a failure the child reported."""
    for name, error in _KINDS:
        if name == kind:
            return error(message)
    return IndexWriteFailed(f"rebuilding the search index failed: {message}")


def _kind(exc: BaseException) -> str:
    return next((name for name, error in _KINDS if isinstance(exc, error)), "other")


# --- in the child ------------------------------------------------------------------------------

def child_main(conn: Connection, job: RebuildJob) -> None:
    """The child process: rebuild, saying how it goes, and end if the parent goes away."""
    sending = threading.Lock()

    def send(*message: Any) -> None:
        with sending:
            conn.send(message)

    def parent_watch() -> None:
        try:
            conn.recv()  # the parent never writes: this returns only when it is gone
        except (EOFError, OSError):
            pass
        os._exit(_PARENT_GONE)

    def heartbeat() -> None:
        while True:
            time.sleep(HEARTBEAT_S)
            try:
                send("beat")
            except OSError:
                os._exit(_PARENT_GONE)

    if hasattr(os, "nice"):  # background work: on a busy machine the app's window runs first
        try:
            os.nice(NICENESS)
        except OSError:
            pass
    threading.Thread(target=parent_watch, name="parent-watch", daemon=True).start()
    threading.Thread(target=heartbeat, name="heartbeat", daemon=True).start()
    send("beat")  # started: from now on silence and a lack of progress count
    try:
        count = rebuild_here(job, lambda done, total: send("progress", done, total))
    except BaseException as exc:  # everything is said to the parent, which decides
        log.warning("search index rebuild failed: %r", exc)
        try:
            send("failed", _kind(exc), str(exc) or repr(exc))
        except OSError:
            pass
        return
    send("done", count)


def rebuild_here(job: RebuildJob, progress: Callable[[int, int], None]) -> int:
    """Rebuild the index of ``job``'s library in this process, reading the database read-only.
    ``progress(0, total)`` says when the documents start (after the database's stamps are read)."""
    from enablement.config import LibraryPaths, Settings
    from enablement.services.context import LibraryContext
    from enablement.services.search import SearchIndex
    from enablement.storage.blobs import BlobStore
    from enablement.storage.engine import make_engine

    hook = _load_hook(job.documents_hook)

    class Index(SearchIndex):
        def documents(self, piece_ids: Sequence[int]) -> Iterator[IndexDoc]:
            progress(0, len(piece_ids))
            made = super().documents(piece_ids)
            return hook(made) if hook is not None else made

    paths = LibraryPaths(Path(job.root))
    engine = make_engine(job.database_url, busy_timeout_ms=job.database_busy_ms, read_only=True)
    try:
        ctx = LibraryContext(paths=paths, settings=Settings.load(paths.settings_file), engine=engine,
                             blobs=BlobStore(paths.blobs))
        index = Index(ctx)
        try:
            count = index.rebuild_in_process(progress, engine=job.engine)
            # Changes committed while it ran were written to the old generation: bring the new
            # one up to date here too (nothing to do, one small read, when there were none).
            index._sync()
            return count
        finally:
            index.close()
    finally:
        engine.dispose()


def _load_hook(spec: str | None) -> Callable[[Iterator[IndexDoc]], Iterator[IndexDoc]] | None:
    if not spec:
        return None
    module, _, name = spec.partition(":")
    hook: Callable[[Iterator[IndexDoc]], Iterator[IndexDoc]] = getattr(importlib.import_module(module), name)
    return hook
