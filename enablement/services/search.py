"""Search glue: database rows → index documents, and the search API the UI and CLI call.

The index is a derived cache. ``SearchIndex`` keeps it in step with the database: the
database logs every change to what a document is made of (``search_repo``'s change log) and
the index records the log entry it last matched, so at first use only the pieces changed
since are re-indexed. Where that entry cannot be trusted (the taxonomy changed, the index
changed, the log lost an entry or a trigger) every document's stamp (row change time, current
version, taxonomy fingerprint) is compared with the database, as ``check`` does, and whatever
is missing, stale or extra is fixed. A missing, damaged or outdated index is rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from enablement.models.dto import (Actor, Done, FacetCount, IndexWork, PieceSummary, ReviewQueue, TagSuggestion,
                                   TaxonomyInfo)
from enablement.models.tables import stored_id
from enablement.models.vocab import Role, Source, Status
from enablement.search.documents import (NONE_KEY, STORED_ORDERS, IndexDoc, SearchRequest, SearchResults, SimilarDoc,
                                         Vocabulary, sort_order)
from enablement.errors import InvalidInput, StorageError
from enablement.search.errors import IndexBusy, IndexDamaged, IndexWriteFailed, SearchError
from enablement.services.context import LibraryContext
from enablement.storage import pieces_repo, search_repo

if TYPE_CHECKING:
    from enablement.services.pieces import PieceService
    from enablement.services.search_rebuild import ChildRebuild
    from enablement.services.usage import UsageService

log = logging.getLogger(__name__)
_BATCH = 500
# The change log is pruned below the index's own entry once this many entries lie before it.
_PRUNE_EVERY = 1_000
_REINDEX_BATCH = 5_000  # pieces re-indexed per commit when catching up with the change log
PURGED = "purged"
ENGINES = ("whoosh", "tantivy")
# "auto" picks tantivy from this many pieces on (bench/RESULTS.md, 2026-11-23: Whoosh's
# as-you-type p95 is 25 ms at 1,000 pieces and 88 ms at 10,000 against a 50 ms target, while
# tantivy's is ~1 ms at both), and goes back to Whoosh only below half of it, so a library
# near the line does not switch back and forth.
AUTO_TANTIVY_PIECES = 2_000
# A background switch that failed is tried again after this long (doubling up to 30 minutes),
# not at every search: a rebuild that fails the same way again would only load the machine.
SWITCH_RETRY_S = 30.0
# Where full rebuilds run in the rebuild child (the app), a repair that would re-index more
# pieces than this (a renamed stage, gate or persona: the taxonomy is in every document's
# stamp; at 100k pieces that took minutes in the app's process) rebuilds the whole index there
# instead, in the background: searches answer from the old index until the new one is swapped
# in. Fewer are re-indexed in place, as the command line re-indexes any number.
REBUILD_OVER = 1_000


def vocabulary_for(taxonomy: TaxonomyInfo) -> Vocabulary:
    """The query language's name → key tables, from the taxonomy (retired entries too, so
    old tags stay searchable)."""
    return Vocabulary.from_lists(
        stages=[(s.key, s.name) for s in taxonomy.stages],
        gates=[(g.key, g.question) for s in taxonomy.stages for g in s.gates],
        facets={facet: [(v.key, v.label) for v in values] for facet, values in taxonomy.facets.items()},
        synonyms=taxonomy.synonyms,
    )


def taxonomy_fingerprint(taxonomy: TaxonomyInfo) -> str:
    """Changes whenever a label that documents embed (in tags_text) changes."""
    parts = [f"s{s.id}:{s.key}:{s.name}" for s in taxonomy.stages]
    parts += [f"g{g.id}:{g.key}:{g.question}" for s in taxonomy.stages for g in s.gates]
    parts += [f"f{v.id}:{v.key}:{v.label}" for values in taxonomy.facets.values() for v in values]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


class SearchIndex:
    """Owns the backend for one library and keeps it in step with the database."""

    def __init__(self, ctx: LibraryContext, backend_factory: Callable[[], object] | None = None) -> None:
        self.ctx = ctx
        self._factory = backend_factory
        self._backend: Any = None  # the engine (LibraryIndex), or a test double from backend_factory
        self._write_lock = threading.RLock()
        self._fresh = False
        self._vocab: Vocabulary | None = None
        self._fingerprint: str | None = None
        self._popularity: dict[int, int] | None = None
        self._rankings: dict[str, list[int]] = {}  # sort order → every piece id in it (STORED_ORDERS)
        self.repaired = 0
        self._switch: threading.Thread | None = None
        self.switch_progress: tuple[str, int, int] | None = None  # (engine, done, total) while switching
        self.switch_error: str | None = None
        self._write_in_child = False
        self.rebuilder: ChildRebuild | None = None  # full rebuilds in a child process (write_in_child)
        self._switch_retry_at = 0.0
        self._switch_failures = 0
        self._switch_wake = threading.Event()  # ends a failed switch's wait before its retry
        self._switch_stopped = False
        self._count_made = False  # this process tried to make the database's change count
        self._pruned_at = 0  # the change log entry this process last pruned the log below
        self.rebuild_over = REBUILD_OVER
        self._taxonomy_epoch = 0  # counts taxonomy changes: a rebuild that began before one is stale
        self.work_listeners: list[Callable[[IndexWork], None]] = []  # told of each change of ``work()``

    # --- backend ------------------------------------------------------------------------------
    @property
    def backend(self) -> Any:
        if self._backend is None:
            if self._factory is not None:
                self._backend = self._factory()
            else:
                from enablement.search import open_backend

                self._backend = open_backend(self.ctx.paths.index, engine=self.wanted_engine(),
                                             write_in_child=self._write_in_child)
        return self._backend

    @property
    def writes_in_child(self) -> bool:
        return self._write_in_child

    def write_in_child(self) -> None:
        """From now on index upserts and deletes run in a child process, and full rebuilds
        (an engine switch, a repair) in another one, so they never hold the interpreter lock
        of a process that draws a window (the desktop app asks for this; bench/index_stall.py
        measures why)."""
        self._write_in_child = True
        if self.rebuilder is None:
            from enablement.services.search_rebuild import ChildRebuild

            self.rebuilder = ChildRebuild()
        if self._backend is not None and hasattr(self._backend, "use_child_writer"):
            self._backend.use_child_writer()

    # --- engine choice -------------------------------------------------------------------------
    def wanted_engine(self, pieces: int | None = None) -> str:
        """The engine this library should use: the setting, or by size when it is "auto"."""
        choice = getattr(self.ctx.settings, "search_engine", "auto")
        if choice in ENGINES:
            return choice
        if pieces is None:
            pieces = self._piece_count()
        current = self._backend.current_engine() if self._backend is not None else None
        if current == "tantivy" and pieces >= AUTO_TANTIVY_PIECES // 2:
            return "tantivy"
        return "tantivy" if pieces >= AUTO_TANTIVY_PIECES else "whoosh"

    def _piece_count(self) -> int:
        with self.ctx.read() as s:
            return search_repo.live_piece_count(s)

    def engine_setting_changed(self) -> None:
        """The engine setting changed: the next ``ensure_fresh`` switches if needed."""
        self._fresh = False
        self._switch_retry_at, self._switch_failures = 0.0, 0
        self._switch_wake.set()

    def current_engine(self) -> str | None:
        """The engine that wrote the index searches read now (None: no index yet)."""
        return self.backend.current_engine()

    def switching(self) -> bool:
        """A background engine switch is running (searches answer from the old index)."""
        return self._switch is not None and self._switch.is_alive()

    def switch_engine(self, engine: str, background: bool = True,
                      progress: Callable[[int, int], None] | None = None) -> threading.Thread | None:
        """Rebuild the index with ``engine`` while searches keep answering from the current
        one; the new index replaces it atomically when complete, then changes made meanwhile
        are synced. With ``background`` the rebuild runs in a thread (returned); after a
        failure the next background switch first waits ``SWITCH_RETRY_S`` (doubling; the
        setting changing ends the wait), searching from the current index meanwhile."""
        if engine not in ENGINES:
            raise ValueError(f"unknown search engine {engine!r}")

        def run() -> None:
            def counted(done: int, total: int) -> None:
                self.switch_progress = (engine, done, total)
                self._tell()
                if progress is not None:
                    progress(done, total)
            wait = self._switch_retry_at - time.monotonic() if background else 0.0
            if wait > 0:
                self._switch_wake.wait(wait)
                if self._switch_stopped:
                    self.switch_progress = None
                    return
            self._tell()
            try:
                self.rebuild(counted, engine=engine)
                if not self._rebuilds_in_child():  # (the rebuild child caught up itself)
                    with self._write_lock:
                        self._sync()
                self.switch_error = None
                self._switch_failures = 0
            except Exception as exc:  # the old index keeps answering; a later check retries
                log.warning("search index rebuild (%s) failed: %s", engine, exc)
                self.switch_error = str(exc)
                self._switch_failures += 1
                self._switch_retry_at = time.monotonic() + min(SWITCH_RETRY_S * 2 ** (self._switch_failures - 1),
                                                               1800.0)
                self._fresh = False
            finally:
                self.switch_progress = None
                self._tell()
        if not background:
            run()
            return None
        if self.switching():
            return self._switch
        self._switch_wake.clear()
        self._switch_stopped = False
        self._switch = threading.Thread(target=run, name=f"search-switch-{engine}", daemon=True)
        self.switch_progress = (engine, 0, 0)
        self._switch.start()
        return self._switch

    def work(self) -> IndexWork:
        """What the index is doing in the background (no I/O: read from this object's state)."""
        running = self.switch_progress
        if running is not None and self._switch_retry_at <= time.monotonic():
            return IndexWork("updating", running[1], running[2])
        if self.switch_error:
            return IndexWork("failed", error=self.switch_error,
                             retry_in=max(0.0, self._switch_retry_at - time.monotonic()))
        return IndexWork("idle")

    def _tell(self) -> None:
        """Tell the listeners what the index is doing now (from the thread that changed it)."""
        if not self.work_listeners:
            return
        work = self.work()
        for listener in list(self.work_listeners):
            try:
                listener(work)
            except Exception:  # a listener's failure is no reason for a rebuild to fail
                log.exception("search index: a listener of its background work failed")

    def close(self) -> None:
        """Close the index; a rebuild running in a child process is stopped (its switch is
        tried again at the next open)."""
        if self.rebuilder is not None:
            self.rebuilder.stop()
        self._switch_stopped = True
        self._switch_wake.set()
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    # --- derived state ------------------------------------------------------------------------
    def vocabulary(self) -> Vocabulary:
        if self._vocab is None:
            self._vocab = vocabulary_for(self.ctx.taxonomy())
        return self._vocab

    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = taxonomy_fingerprint(self.ctx.taxonomy())
        return self._fingerprint

    def popularity(self) -> dict[int, int]:
        if self._popularity is None:
            with self.ctx.read() as s:
                self._popularity = pieces_repo.use_counts(s)
        return self._popularity

    def ranking(self, sort: str) -> list[int] | None:
        """Every piece's id in ``sort``'s order when the database makes that order (the list is
        kept until pieces, tags, the taxonomy or uses change), else None."""
        found = self._rankings.get(sort)
        if found is not None:
            return found
        if sort == "least_used":
            with self.ctx.read() as s:
                newest = pieces_repo.ordered_ids(s, "updated", descending=True)
            popularity = self.popularity()
            found = sorted(newest, key=lambda p: popularity.get(p, 0))  # equal uses: the newest first
        elif sort in STORED_ORDERS:
            key, descending = STORED_ORDERS[sort]
            with self.ctx.read() as s:
                found = pieces_repo.ordered_ids(s, key, descending)
        else:
            return None
        self._rankings[sort] = found
        return found

    def taxonomy_changed(self) -> None:
        self._vocab, self._fingerprint, self._fresh = None, None, False
        self._taxonomy_epoch += 1
        self._rankings = {}

    def usage_changed(self, piece_id: int | None = None, kind: str | None = None) -> None:
        """A use was logged: count it in the cached popularity instead of recounting
        every event (which takes most of a second over a million events)."""
        self._rankings = {}
        if piece_id is None or kind is None:
            self._popularity = None
            return
        from enablement.models.vocab import USE_KINDS

        popularity = self._popularity
        if popularity is not None and kind in USE_KINDS:
            popularity[piece_id] = popularity.get(piece_id, 0) + 1

    # --- documents ----------------------------------------------------------------------------
    def db_stamps(self) -> dict[int, str]:
        """piece id → the stamp its document should carry (purged pieces left out)."""
        return self._db_state()[0]

    def _db_state(self) -> tuple[dict[int, str], str]:
        """Every piece's stamp, and one value for that state of the database read in the same
        transaction: the change log's newest entry where the database keeps the log, else a
        digest of the stamps. An index marked synced with it is known to match it."""
        fp = self.fingerprint()
        with self.ctx.read() as s:
            head = search_repo.log_head(s)
            paged = search_repo.versions_paged_by_rendition(s)
            stamps = {pid: f"{updated}|{vid}|{fp}{'|r' if vid in paged else ''}"
                      for pid, updated, vid in search_repo.stamp_rows(s)}
        return stamps, (_log_state(head, fp) if head is not None else _stamps_digest(stamps))

    def _engine(self) -> Any:
        """The engine of the database this index reads (a team library's replica)."""
        return self.ctx.source.engine if self.ctx.source else self.ctx.engine

    def _counted_db_state(self) -> str | None:
        """The database's state from its change log's newest entry alone (one small read), or
        None where it keeps no whole log. A library without one (or whose log lost a trigger or
        its table) gets it now, before its stamps are read, so the next open is quick."""
        fp = self.fingerprint()
        with self.ctx.read() as s:
            head = search_repo.log_head(s)
        if head is None and not self._count_made and self._factory is None:
            self._count_made = True
            try:
                search_repo.keep_change_log(self._engine())
            except StorageError as exc:  # read-only or busy: the stamps are compared instead
                log.info("search: no change log kept (%s)", exc)
            else:
                with self.ctx.read() as s:
                    head = search_repo.log_head(s)
        return None if head is None else _log_state(head, fp)

    def documents(self, piece_ids: Sequence[int]) -> Iterator[IndexDoc]:
        """Index documents for these pieces, built in batches."""
        taxonomy = self.ctx.taxonomy()
        fp = self.fingerprint()
        stage_keys = {s.id: (s.key, s.name) for s in taxonomy.stages}
        gate_keys = {g.id: (g.key, g.question) for s in taxonomy.stages for g in s.gates}
        values = {v.id: v for vs in taxonomy.facets.values() for v in vs}
        for i in range(0, len(piece_ids), _BATCH):
            chunk = list(piece_ids[i:i + _BATCH])
            with self.ctx.read() as s:
                rows = search_repo.document_rows(s, chunk)
            pieces, versions, stages, gates, facets = rows.pieces, rows.versions, rows.stages, rows.gates, rows.facets
            for p in pieces:
                pid = stored_id(p.id)
                v = versions.get(p.current_version_id or -1)
                labels = [stage_keys[x][1] for x in stages.get(pid, ()) if x in stage_keys]
                labels += [gate_keys[x][1] for x in gates.get(pid, ()) if x in gate_keys]
                by_facet: dict[str, list[str]] = {}
                for vid in facets.get(pid, ()):
                    value = values.get(vid)
                    if value is not None:
                        by_facet.setdefault(value.facet, []).append(value.key)
                        labels.append(value.label)
                body = v.text if v else ""
                paged = rows.paged.get(p.current_version_id or -1, "")
                if paged:
                    body = paged  # a Word file's text as its rendition pages it
                if p.kind == "link":
                    body = f"{p.url}\n{body}"
                yield IndexDoc(
                    piece_id=pid, title=p.title, description=p.description, body=body,
                    tags_text=" · ".join(labels),
                    stages=tuple(stage_keys[x][0] for x in stages.get(pid, ()) if x in stage_keys),
                    gates=tuple(gate_keys[x][0] for x in gates.get(pid, ()) if x in gate_keys),
                    persona=tuple(by_facet.get("persona", ())), industry=tuple(by_facet.get("industry", ())),
                    product=tuple(by_facet.get("product", ())),
                    content_type=tuple(by_facet.get("content_type", ())),
                    language=tuple(by_facet.get("language", ())),
                    owner=p.owner, status=p.status, source=p.source,
                    file_type=(v.file_type if v else ("link" if p.kind == "link" else "")), kind=p.kind,
                    updated_at=p.updated_at, review_by=p.review_by,
                    stamp=f"{p.updated_text}|{p.current_version_id}|{fp}{'|r' if paged else ''}")

    # --- keeping in step ----------------------------------------------------------------------
    def refresh(self, piece_ids: Iterable[int]) -> None:
        """Re-index these pieces now, with whatever else the change log says changed since the
        index last matched it (then it records the newer entry, so the next open has nothing to
        compare). Failure leaves the index stale, to be repaired at the next ``ensure_fresh``
        (the database already holds the change)."""
        ids = sorted({i for i in piece_ids if i is not None})
        self._rankings = {}
        if not ids:
            return
        try:
            with self._write_lock:
                if self._catch_up(ids) is None:
                    self._reindex(ids)
        except SearchError as exc:
            log.warning("search index not updated (%s); it will be repaired", exc)
            self._fresh = False

    def _reindex(self, ids: Sequence[int]) -> None:
        """Upsert these pieces' documents; those purged or gone leave the index. Many pieces
        (another program imported thousands) go a batch at a time, never all in memory."""
        for i in range(0, len(ids), _REINDEX_BATCH):
            chunk = ids[i:i + _REINDEX_BATCH]
            docs = list(self.documents(chunk))
            found = {d.piece_id for d in docs}
            if docs:
                self.backend.upsert(docs)
            gone = [pid for pid in chunk if pid not in found]
            if gone:
                self.backend.delete(gone)

    def _catch_up(self, also: Sequence[int] = ()) -> int | None:
        """Re-index the pieces the change log names after the entry the index last matched
        (and ``also``), then record the newest entry: returns how many were re-indexed. None,
        with nothing done, when the index holds no entry this database vouches for (the index
        changed since, the taxonomy changed, the log lost the entry or a trigger)."""
        fp = self.fingerprint()
        position = _logged_position(self.backend.synced_state() if hasattr(self.backend, "synced_state") else None, fp)
        if position is None:
            return None
        with self.ctx.read() as s:
            changes = search_repo.changes_since(s, position)
        if changes is None:
            return None
        ids = sorted(changes.pieces.union(also))
        if ids:
            self._reindex(ids)
        if changes.position != position or ids:
            self._mark_synced(_log_state(changes.position, fp))
        if changes.position.seq - max(changes.oldest, self._pruned_at) >= _PRUNE_EVERY:
            self._pruned_at = changes.position.seq
            try:  # entries before the index's own are needed by no index of this library
                search_repo.prune_change_log(self._engine(), changes.position.seq)
            except StorageError as exc:
                log.info("search: change log not pruned (%s)", exc)
        return len(ids)

    def ensure_fresh(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Repair the index against the database; returns how many documents were fixed.

        If the index was written by another engine than the library wants (the setting, or
        its size), a switch starts in the background and searches answer from the current
        index until it is done. A missing, damaged or outdated index is rebuilt right away."""
        if self._fresh or self.switching():
            return 0
        with self._write_lock:
            if self._fresh or self.switching():
                return 0
            caught_up = self._catch_up()
            if caught_up is not None:
                # The index files are exactly as they were when they matched the database up to
                # an entry of its change log: only the pieces changed since were read (one
                # small read when nothing changed), not every piece's stamp.
                fixed, rebuilt, pieces = caught_up, False, self.backend.doc_count()
            else:
                self._counted_db_state()  # the change log, made where missing: the next open is quick
                fixed, rebuilt, pieces = self._check_and_sync(progress)
            if not rebuilt:
                wanted = self.wanted_engine(pieces)
                if self.backend.current_engine() != wanted:
                    log.info("search engine: switching to %s in the background", wanted)
                    self.switch_engine(wanted)
            if self.switch_error and not self.switching():  # up to date after all: nothing to retry
                self.switch_error, self._switch_failures = None, 0
                self._tell()
            self._fresh = True
            self.repaired += fixed
            return fixed

    def _check_and_sync(self, progress: Callable[[int, int], None] | None) -> tuple[int, bool, int]:
        """Compare every stamp with the index, rebuilding a broken index: (documents fixed,
        whether it was rebuilt, pieces in the library)."""
        stamps, state = self._db_state()
        if self._synced(state):
            # The index files are exactly as they were when they last matched this very
            # database state (after a check and a sync, or a rebuild): no need to read every
            # column again. Damage that changes a file changes its size or time, and a search
            # that meets damage anyway rebuilds (``search``).
            return 0, False, len(stamps)
        status = self.backend.status()
        if status.state != "ok":
            log.info("search index %s (%s): rebuilding", status.state, status.detail)
            return self.rebuild(progress, engine=self.wanted_engine()), True, len(stamps)
        have = None
        if self._rebuilds_in_child():
            marked = _logged_taxonomy(self.backend.synced_state() if hasattr(self.backend, "synced_state") else None)
            if marked is not None and marked != self.fingerprint():
                out_of_date = len(stamps)  # each stamp carries the taxonomy's fingerprint: all of them
            else:
                have = self.backend.stamps()
                out_of_date = sum(map(len, _differences(stamps, have)))
            if out_of_date > self.rebuild_over:
                # Every document would be re-read and re-written here, holding the interpreter
                # lock of the app's process for minutes: the rebuild child writes them all into
                # a new index instead, and searches answer from this one until it is swapped in.
                log.info("search index: %d documents out of date, rebuilding in the background", out_of_date)
                self.switch_engine(self.wanted_engine(len(stamps)))
                return 0, True, len(stamps)
        return self._sync(stamps, state, have), False, len(stamps)

    def _synced(self, digest: str) -> bool:
        return bool(hasattr(self.backend, "synced_with") and self.backend.synced_with(digest))

    def _sync(self, wanted: dict[int, str] | None = None, digest: str | None = None,
              have: dict[int, str] | None = None) -> int:
        """Write the documents whose stamps differ from ``wanted`` (the database's), remove the
        extra ones; ``have``: the index's stamps, when just read."""
        if wanted is None or digest is None:
            wanted, digest = self._db_state()
        if self._synced(digest):
            return 0  # nothing changed on either side since they last matched
        stale, extra = _differences(wanted, self.backend.stamps() if have is None else have)
        if stale:
            self.backend.upsert(self.documents(stale))
        if extra:
            self.backend.delete(extra)
        self._mark_synced(digest)
        return len(stale) + len(extra)

    def _mark_synced(self, digest: str) -> None:
        if hasattr(self.backend, "mark_synced"):
            self.backend.mark_synced(digest)

    def rebuild(self, progress: Callable[[int, int], None] | None = None, processes: int = 1,
                engine: str | None = None) -> int:
        """Rebuild the whole index from stored text (no file is parsed again), with ``engine``
        (default: the one the library wants). Searches answer from the old index until the
        new one is swapped in.

        ``processes`` > 1 lets Whoosh index in parallel worker processes; only the command
        line asks for it (forking is unsafe inside the threaded app). tantivy indexes in its
        own native threads either way. After ``write_in_child`` (the app) the whole rebuild
        runs in a child process (``search_rebuild``): this thread only waits for it."""
        self._counted_db_state()  # makes the change count if missing: the next open is quick
        if self._rebuilds_in_child(processes):
            assert self.rebuilder is not None
            engine = engine or self.wanted_engine()
            with self.backend.rebuild_turn(lambda: self._switch_stopped) as ours:
                if not ours:
                    # Another window on this library was rebuilding it: its new index is in
                    # place now (or it failed). The next check looks again, instead of this
                    # process rebuilding it a second time.
                    self._fresh = False
                    return 0
                epoch = self._taxonomy_epoch
                count = self.rebuilder.run(self.rebuilder.job(self, engine), progress)
            # The child marked the index synced and caught up, with the taxonomy it read: one
            # changed since needs another look.
            self._fresh = self._taxonomy_epoch == epoch
            return count
        return self.rebuild_in_process(progress, processes, engine)

    def _rebuilds_in_child(self, processes: int = 1) -> bool:
        return self.rebuilder is not None and self._factory is None and processes <= 1

    def rebuild_in_process(self, progress: Callable[[int, int], None] | None = None, processes: int = 1,
                           engine: str | None = None) -> int:
        """``rebuild`` here, in this process (the command line; the app's rebuild child)."""
        wanted, state = self._db_state()
        ids = sorted(wanted)
        total = len(ids)
        engine = engine or self.wanted_engine(total)
        counted = (lambda done: progress(done, total)) if progress is not None else None
        if processes > 1 and self._factory is None and engine == "whoosh":
            from enablement.search import open_backend

            bulk = open_backend(self.ctx.paths.index, engine=engine, bulk_procs=processes)
            try:
                bulk.rebuild(self.documents(ids), progress=counted)
            finally:
                bulk.close()
        elif self._factory is None:
            self.backend.rebuild(self.documents(ids), progress=counted, engine=engine)
        else:
            self.backend.rebuild(self.documents(ids), progress=counted)
        self._mark_synced(state)
        self._fresh = True
        return len(ids)

    def check(self) -> dict[str, object]:
        """The index against the database, without changing either."""
        try:
            status = self.backend.status()
            if status.state != "ok":
                return {"state": status.state, "problem": f"search index is {status.state}: run 'enablement reindex'"}
            wanted = self.db_stamps()
            have = self.backend.stamps()
        except SearchError as exc:
            return {"state": "damaged", "problem": f"search index unreadable ({exc}): run 'enablement reindex'"}
        stale, extra = map(len, _differences(wanted, have))
        state: dict[str, object] = {"state": "ok", "documents": len(have), "stale": stale, "extra": extra}
        if stale or extra:
            # Out of step although this process thought it fresh (a write that bypassed the
            # cache hook, another process): drop the flag so the next search really repairs it.
            self._fresh = False
            state["problem"] = (f"search index out of step with the database ({stale} stale or missing, "
                                f"{extra} extra): the next search repairs it, or run 'enablement reindex'")
        return state

    def search(self, request: SearchRequest) -> SearchResults:
        """Search, repairing a damaged index once (then searching again).

        The index is never a reason for a search to fail: when it cannot be brought up to
        date (another writer holds its lock, the disk is full), the search answers from the
        index as it is and the repair is tried again next time. Only an index that cannot
        be read and cannot be rebuilt is an error, and then a plain one."""
        try:
            self.ensure_fresh()
        except (IndexBusy, IndexWriteFailed) as exc:
            log.warning("search index not brought up to date (%s); answering from it as it is", exc)
        try:
            return self.backend.search(request, self.vocabulary())
        except IndexDamaged:
            log.warning("search index damaged at search time: rebuilding")
            self._fresh = False
            self.close()
            try:
                self.rebuild()
            except (IndexBusy, IndexWriteFailed) as exc:
                raise StorageError(f"The search index is damaged and cannot be rebuilt now ({exc}).") from exc
            return self.backend.search(request, self.vocabulary())


@dataclass(frozen=True)
class SearchOutcome:
    """What the UI shows for a search: the page of pieces, their hits and the facet counts."""

    results: SearchResults
    pieces: tuple[PieceSummary, ...]
    facets: tuple[FacetCount, ...]
    search_id: str | None


class SearchService:
    def __init__(self, ctx: LibraryContext, pieces: PieceService, usage: UsageService) -> None:
        self.ctx = ctx
        self.pieces = pieces
        self.usage = usage

    @property
    def index(self) -> SearchIndex:
        if self.ctx.index is None:
            self.ctx.index = SearchIndex(self.ctx)
        return self.ctx.index

    def search(self, actor: Actor, text: str = "", *, sort: str = "relevance",
               filters: Mapping[str, Iterable[str]] | None = None, include_archived: bool = False,
               limit: int = 50, offset: int = 0, log_search: bool = False,
               as_you_type: bool = False, autocorrect: bool = True) -> SearchOutcome:
        """Search as ``actor``: reps and managers see published pieces, marketing and admins
        drafts too. ``log_search`` records it for the search-gap report. ``autocorrect=False``
        searches the text exactly as typed even when a correction would find something."""
        statuses = None
        if actor.role in (Role.REP, Role.MANAGER):
            statuses = frozenset({"published"})
        request = SearchRequest(
            text=text, sort=sort_order(sort), include_archived=include_archived, statuses=statuses,
            filters={k: frozenset(v) for k, v in (filters or {}).items()}, limit=limit, offset=offset,
            popularity=self.index.popularity(), ranking=self.index.ranking(sort), today=self.ctx.today(),
            as_you_type=as_you_type,
            autocorrect=autocorrect)
        results = self.index.search(request)
        pieces = tuple(self.pieces.summaries([h.piece_id for h in results.hits], uses=request.popularity))
        search_id = None
        if log_search and text.strip():
            search_id = self.usage.log_search(actor, text.strip(), _filters_text(filters), results.total,
                                              [p.id for p in pieces]).value
        return SearchOutcome(results, pieces, self._facet_counts(results), search_id)

    def _facet_counts(self, results: SearchResults) -> tuple[FacetCount, ...]:
        taxonomy = self.ctx.taxonomy()
        named: dict[str, dict[str, tuple[str, int]]] = {
            "stage": {s.key: (s.name, s.id) for s in taxonomy.stages},
            "gate": {g.key: (g.question, g.id) for s in taxonomy.stages for g in s.gates},
        }
        for facet, values in taxonomy.facets.items():
            named[facet] = {v.key: (v.label, v.id) for v in values}
        out = []
        for dimension, counts in results.facet_counts.items():
            table = named.get(dimension, {})
            order = list(table)
            for key, count in sorted(counts.items(), key=lambda kv: (
                    order.index(kv[0]) if kv[0] in table else len(order), kv[0])):
                if key == NONE_KEY:
                    out.append(FacetCount(dimension, key, "(none)", count, None))
                else:
                    label, tid = table.get(key, (key, None))
                    out.append(FacetCount(dimension, key, label, count, tid))
        return tuple(out)

    def more_like_this(self, piece_id: int, limit: int = 5) -> list[PieceSummary]:
        self.index.ensure_fresh()
        pairs = self.index.backend.more_like_this(piece_id, limit=limit)
        return self.pieces.summaries([pid for pid, _ in pairs])

    def lookalikes(self, piece_id: int, limit: int = 3, min_score: float = 0.0) -> list[PieceSummary]:
        """Official published pieces that look like this one (for rep-made submissions)."""
        return [p for p in self.more_like_this(piece_id, limit=limit + 5)
                if p.source == "marketing" and p.status == "published"][:limit]

    def lookalikes_of(self, piece_ids: Sequence[int], limit: int = 3) -> dict[int, list[PieceSummary]]:
        """``lookalikes`` of each piece (a rep's batch of submissions), in one call."""
        return {pid: self.lookalikes(pid, limit=limit) for pid in piece_ids}

    def review_queue(self) -> ReviewQueue:
        """The review queue as marketing sees it: what waits, what each looks like, and the
        official pieces a submission may be merged into."""
        waiting = self.pieces.review_queue()
        official = [p for p in self.pieces.list((Status.PUBLISHED,)) if p.source == Source.MARKETING]
        return ReviewQueue(tuple(waiting), {p.id: tuple(self.lookalikes(p.id)) for p in waiting}, tuple(official))

    def suggest_tags_for(self, piece_id: int, limit: int = 5) -> list[TagSuggestion]:
        """``suggest_tags`` for a stored piece, from its title and text."""
        detail = self.pieces.get(piece_id)
        return self.suggest_tags(detail.title, detail.text_excerpt or detail.description,
                                 exclude_piece_id=piece_id, limit=limit)

    def suggest_tags(self, title: str, text: str, exclude_piece_id: int | None = None,
                     limit: int = 5) -> list[TagSuggestion]:
        """Stage, gate, persona and type tags that similar, already-tagged pieces carry,
        each with the reason (which pieces, which shared words)."""
        self.index.ensure_fresh()
        similar: list[SimilarDoc] = []
        for doc in self.index.backend.similar_to_text(title, text, limit=8):
            if doc.piece_id != exclude_piece_id and all(d.piece_id != doc.piece_id for d in similar):
                similar.append(doc)
        if not similar:
            return []
        titles = {p.id: p.title for p in self.pieces.summaries([d.piece_id for d in similar])}
        taxonomy = self.ctx.taxonomy()
        lookup = {"stage": {s.key: (s.id, s.name) for s in taxonomy.stages},
                  "gate": {g.key: (g.id, g.question) for s in taxonomy.stages for g in s.gates}}
        for facet, values in taxonomy.facets.items():
            lookup[facet] = {v.key: (v.id, v.label) for v in values}
        scores: dict[tuple[str, str], float] = {}
        sources: dict[tuple[str, str], list[SimilarDoc]] = {}
        for doc in similar:
            for dimension, keys in (("stage", doc.stages), ("gate", doc.gates), ("persona", doc.persona),
                                    ("industry", doc.industry), ("content_type", doc.content_type),
                                    ("product", doc.product)):
                for key in dict.fromkeys(keys):
                    scores[(dimension, key)] = scores.get((dimension, key), 0.0) + doc.score
                    sources.setdefault((dimension, key), []).append(doc)
        total = sum(d.score for d in similar) or 1.0
        out = []
        for (dimension, key), score in sorted(scores.items(), key=lambda kv: -kv[1]):
            if key not in lookup.get(dimension, {}):
                continue
            tid, label = lookup[dimension][key]
            docs = sources[(dimension, key)]
            names = [f"'{titles.get(d.piece_id, d.piece_id)}'" for d in docs[:2]]
            more = f" and {len(docs) - 2} more" if len(docs) > 2 else ""
            words = sorted({w for d in docs for w in d.shared_terms})[:5]
            reason = f"like {', '.join(names)}{more}" + (f" (shared words: {', '.join(words)})" if words else "")
            out.append(TagSuggestion(dimension, tid, label, round(score / total, 3), reason))
        by_dim: dict[str, int] = {}
        kept = []
        for s in out:
            if by_dim.get(s.dimension, 0) < limit:
                kept.append(s)
                by_dim[s.dimension] = by_dim.get(s.dimension, 0) + 1
        return kept

    def reindex(self, progress: Callable[[int, int], None] | None = None, processes: int = 1,
                engine: str | None = None) -> int:
        """Rebuild the index from the database (no file is parsed again); ``engine`` forces
        one ("whoosh" or "tantivy") and is remembered in the library's settings."""
        if engine is not None:
            from dataclasses import replace as _replace

            if engine not in ENGINES:
                raise InvalidInput("The search engine must be whoosh or tantivy.")
            settings = _replace(self.ctx.settings, search_engine=engine)
            settings.save(self.ctx.paths.settings_file)
            self.ctx.settings = settings
        return self.index.rebuild(progress, processes=processes, engine=engine)

    def opened(self, search_id: str, piece_id: int) -> Done[None]:
        """The result a search led to (see ``UsageService.search_opened``)."""
        return self.usage.search_opened(search_id, piece_id)


def _filters_text(filters: Mapping[str, Iterable[str]] | None) -> str:
    if not filters:
        return ""
    return " ".join(f"{k}:{','.join(sorted(v))}" for k, v in sorted(filters.items()) if v)


__all__ = ["SearchIndex", "SearchService", "SearchOutcome"]


def _stamps_digest(stamps: dict[int, str]) -> str:
    """One value for the database's side of the index: every piece's id and stamp."""
    return hashlib.sha256("".join([f"{pid}={stamps[pid]}\n" for pid in sorted(stamps)]).encode("utf-8")).hexdigest()


def _log_state(position: search_repo.LogPosition, fingerprint: str) -> str:
    """The database's state by its change log's entry (the taxonomy is in every stamp too)."""
    return f"log {position.seq} {position.token} {position.horizon or '-'} taxonomy {fingerprint}"


def _logged_position(state: str | None, fingerprint: str) -> search_repo.LogPosition | None:
    """The change log entry ``_log_state`` wrote, if it was written with this taxonomy."""
    if _logged_taxonomy(state) != fingerprint:
        return None
    parts = (state or "").split()
    try:
        return search_repo.LogPosition(int(parts[1]), parts[2], "" if parts[3] == "-" else parts[3])
    except ValueError:
        return None


def _logged_taxonomy(state: str | None) -> str | None:
    """The taxonomy fingerprint of a state ``_log_state`` wrote (None for any other state)."""
    parts = (state or "").split()
    if len(parts) != 6 or parts[0] != "log" or parts[4] != "taxonomy":
        return None
    return parts[5]


def _differences(wanted: dict[int, str], have: dict[int, str]) -> tuple[list[int], list[int]]:
    """The pieces whose document is missing or stale, and the documents of no piece."""
    return ([pid for pid, stamp in wanted.items() if have.get(pid) != stamp],
            [pid for pid in have if pid not in wanted])
