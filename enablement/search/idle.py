"""Letting go of an open index while nobody searches.

tantivy maps its index files into memory, and every page a search touches counts in the
process's resident memory: after an hour of searching a 100,000-piece library, most of the
710 MB index (bench/ANALYSIS.md). The pages stay in the system's file cache either way, so
closing the reader after a quiet spell gives that memory back at the cost of one slower
search (opening the reader again from cached files: tens of milliseconds at 100k).
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Callable

# An open index is let go after this long without a search (reps search in bursts, before a
# call; a search after the pause reopens it).
IDLE_SECONDS = 60.0


class IdleRelease:
    """Calls ``release`` once ``seconds`` have passed since the last ``touch``.

    One daemon thread per owner, started by the first ``touch`` after a release and ended by
    the release (or by the owner going away: the thread holds it only weakly)."""

    def __init__(self, owner: object, release: Callable[[object, float], bool],
                 seconds: float | None = IDLE_SECONDS) -> None:
        """``release(owner, idle_for)`` lets go of what ``owner`` holds if it has not been used
        for ``idle_for`` seconds, and says whether it did. ``seconds=None``: never."""
        self.seconds = seconds
        self._wake = threading.Event()
        self._owner = weakref.ref(owner)
        self._release = release
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last_use = time.monotonic()

    def set_seconds(self, seconds: float | None) -> None:
        """Change the quiet spell (a waiting release is re-timed at once)."""
        self.seconds = seconds
        self._wake.set()

    def touch(self) -> None:
        """The owner was just used: release it ``seconds`` from now unless used again."""
        self.last_use = time.monotonic()
        if self.seconds is None:
            return
        with self._lock:  # the watcher leaves under this lock (see _watch): never a use without one
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="search-idle", daemon=True)
                self._thread.start()

    def _watch(self) -> None:
        while True:
            seconds = self.seconds
            checked = time.monotonic()
            if seconds is not None:
                wait = self.last_use + seconds - checked
                if wait > 0:
                    self._wake.wait(min(wait, seconds) + 0.01)
                    self._wake.clear()
                    continue
            owner = self._owner()
            done = seconds is None or owner is None or self._release(owner, seconds)
            del owner  # held only weakly while waiting
            if not done:  # a read is under way: look again shortly
                self._wake.wait(0.05)
                self._wake.clear()
            elif self._leave(checked):
                return

    def _leave(self, checked: float) -> bool:
        """End the watch unless the owner was used since ``checked`` (a search that came as the
        watch ended found it still running, so started none: this watch goes on for it)."""
        with self._lock:
            if self.last_use >= checked and self.seconds is not None and self._owner() is not None:
                return False
            self._thread = None
            return True
