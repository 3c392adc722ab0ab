"""The one commit hook: derived caches follow each committed change-set.

Every write goes through a unit of work (``LibraryContext.write``); when it commits, its
``Changes`` arrive here and are applied to the search index, the popularity counts, the
thumbnail folder and the taxonomy cache. No service refreshes a cache by hand, so none
can forget to (bulk tagging once did, and search kept finding the old tags).
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from enablement.models.changes import Changes

if TYPE_CHECKING:
    from enablement.services.context import LibraryContext

log = logging.getLogger(__name__)

Listener = Callable[[Changes], None]
# After a batch applied in the background, the next one waits this many times as long as
# that batch took: applying (an index commit costs more as the index grows) then takes at
# most about a third of the time, and batches grow instead of commits piling up.
_REST_FACTOR = 2.0


def thumbnail_glob(piece_id: int) -> str:
    """The file names a piece's cached thumbnails carry (one per change of the piece)."""
    return f"piece-{piece_id}-*.png"


def drop_thumbnails(folder: Path, piece_ids: Iterable[int]) -> int:
    """Remove the cached thumbnails of these pieces (they are re-rendered when next shown)."""
    removed = 0
    if not folder.is_dir():
        return 0
    for pid in piece_ids:
        for path in folder.glob(thumbnail_glob(pid)):
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
            except OSError as exc:  # a cache file we cannot remove is only wasted space
                log.warning("cannot remove thumbnail %s: %s", path, exc)
    return removed


class CacheHook:
    """Applies committed change-sets to the library's derived caches."""

    def __init__(self, ctx: "LibraryContext") -> None:
        self.ctx = ctx
        self.listeners: list[Listener] = []
        self._lock = threading.Lock()
        self._held: Changes | None = None

    def __call__(self, changes: Changes) -> None:
        with self._lock:
            if self._held is not None:
                self._held = self._held | changes
                return
        self.apply(changes)

    def apply(self, changes: Changes) -> None:
        """Bring every derived cache in step with ``changes`` (already committed)."""
        ctx = self.ctx
        index = ctx.index
        if changes.taxonomy:
            ctx.drop_taxonomy()
            if index is not None:
                index.taxonomy_changed()
        if changes.piece_ids and (changes.pieces or changes.index):
            if index is not None:
                index.refresh(changes.piece_ids)
            drop_thumbnails(ctx.paths.thumbnails, changes.piece_ids)
        if changes.gone_blobs:
            ctx.blobs.forget(changes.gone_blobs)
        if changes.settings and index is not None:
            index.engine_setting_changed()  # the engine setting may have changed: checked at next use
        if changes.usage and index is not None:
            if changes.uses:
                for piece_id, kind in changes.uses:
                    index.usage_changed(piece_id, kind)
            else:
                index.usage_changed()
        for listener in list(self.listeners):
            listener(changes)

    @contextmanager
    def held(self, background: bool = False) -> Iterator[Callable[[], bool]]:
        """Collect change-sets and apply them once at the end: an index commit costs far
        more than a database row, so bulk work refreshes caches in few steps. Yields a
        ``flush`` that applies what was collected so far (a no-op inside an outer hold,
        which owns the flushing); it says whether it took them.

        With ``background`` the flush does not wait: what was collected is applied on a
        thread of its own while the caller goes on writing, one batch at a time (a flush
        while the previous batch is still being applied leaves the new change-sets for the
        next flush and says False, so batches grow when applying is slow; so does a flush
        soon after a batch, within twice the time that batch took). Leaving the hold
        waits for that thread, then applies the rest here."""
        with self._lock:
            outer = self._held is not None
            if not outer:
                self._held = Changes()
        if outer:
            yield lambda: False
            return
        assert self.ctx.source is not None
        try:
            # A team library's writes in here are pulled back from the server once, at the
            # end (or at a flush), and their change-sets join the held ones.
            with self.ctx.source.batch() as settle:
                applier = _Applier(self.apply) if background else None

                def flush() -> bool:
                    if applier is not None and applier.busy():
                        return False
                    settle()  # on the caller's thread: a team batch belongs to it
                    if applier is None:
                        self._flush()
                    else:
                        applier.start(self._take())
                    return True
                try:
                    yield flush
                finally:
                    if applier is not None:
                        applier.finish()
        finally:
            with self._lock:
                pending, self._held = self._held, None
            if pending is not None and not pending.empty:
                self.apply(pending)

    def _take(self) -> Changes:
        """The change-sets held so far; holding goes on."""
        with self._lock:
            pending, self._held = self._held, Changes()
        return pending if pending is not None else Changes()

    def _flush(self) -> None:
        pending = self._take()
        if not pending.empty:
            self.apply(pending)


class _Applier:
    """Applies one batch of held change-sets at a time on a thread of its own; an error
    there is raised again by ``finish`` on the holder's thread."""

    def __init__(self, apply: Listener) -> None:
        self._apply = apply
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._rest_until = 0.0

    def busy(self) -> bool:
        """Applying a batch, or resting after one (see ``_REST_FACTOR``)."""
        running = self._thread is not None and self._thread.is_alive()
        return running or time.monotonic() < self._rest_until

    def start(self, changes: Changes) -> None:
        self.finish()  # the previous batch is done (busy() said so); raises what it raised
        if changes.empty:
            return
        self._thread = threading.Thread(target=self._run, args=(changes,), name="enablement-cache-apply",
                                        daemon=True)
        self._thread.start()

    def _run(self, changes: Changes) -> None:
        began = time.monotonic()
        try:
            self._apply(changes)
        except BaseException as exc:  # handed to the holder's thread by finish()
            self._error = exc
        finally:
            ended = time.monotonic()
            self._rest_until = ended + _REST_FACTOR * (ended - began)

    def finish(self) -> None:
        """Wait for the batch being applied; raise what applying it raised."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        error, self._error = self._error, None
        if error is not None:
            raise error
