"""An open index is let go while nobody searches, and opened again by the next search.

tantivy maps its files into memory: after many searches most of a large index counts in the
app's resident memory (470 MB at 100k pieces, bench/ANALYSIS.md). Closing the reader after a
quiet spell gives it back; the next search reopens it and answers the same."""

from __future__ import annotations

import threading
import time

import pytest

from enablement.search import SearchRequest, open_backend
from enablement.search.idle import IdleRelease
from tests.test_search_engines import DOCS, TODAY, VOCAB


def _mapped_bytes(folder) -> int:  # type: ignore[no-untyped-def]
    """Bytes of files under ``folder`` mapped into this process (Linux)."""
    total = 0
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            parts = line.split()
            if len(parts) >= 6 and parts[5].startswith(str(folder)):
                start, end = (int(x, 16) for x in parts[0].split("-"))
                total += end - start
    return total


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_an_idle_index_lets_go_of_its_reader_and_the_next_search_reopens_it(tmp_path, engine):
    backend = open_backend(tmp_path / "index", engine=engine, idle_seconds=None)
    backend.rebuild(DOCS)
    request = SearchRequest(text="security", today=TODAY)
    before = [h.piece_id for h in backend.search(request, VOCAB).hits]
    assert backend._handle is not None
    if engine == "tantivy":
        assert _mapped_bytes(tmp_path / "index") > 0
    assert not backend.release_if_idle(3600.0)  # used just now: kept
    assert backend.release_if_idle(0.0)
    assert backend._handle is None
    if engine == "tantivy":
        import gc

        gc.collect()
        assert _mapped_bytes(tmp_path / "index") == 0
    assert [h.piece_id for h in backend.search(request, VOCAB).hits] == before
    backend.close()


def test_a_reader_in_use_is_not_let_go(tmp_path):
    backend = open_backend(tmp_path / "index", engine="tantivy", idle_seconds=None)
    backend.rebuild(DOCS)
    backend.search(SearchRequest(text="security", today=TODAY), VOCAB)
    with backend._lock:  # a search under way on another thread
        released = []
        worker = threading.Thread(target=lambda: released.append(backend.release_if_idle(0.0)))
        worker.start()
        worker.join()
    assert released == [False] and backend._handle is not None
    backend.close()


def test_the_watcher_lets_go_after_the_quiet_spell_and_starts_again_on_the_next_search(tmp_path):
    backend = open_backend(tmp_path / "index", engine="tantivy", idle_seconds=0.05)
    backend.rebuild(DOCS)
    request = SearchRequest(text="security", today=TODAY)
    for _ in range(2):
        assert backend.search(request, VOCAB).total > 0
        deadline = time.monotonic() + 30  # a bound for a stuck watcher, not a timing check
        while backend._handle is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert backend._handle is None
    backend.close()


def test_a_search_as_the_watch_ends_is_watched_too() -> None:
    """A use that comes while the watcher is letting go (it finds the watcher still running, so
    starts none) is watched by that same watcher: the owner is let go again afterwards."""
    class Owner:
        pass

    owner = Owner()
    releases: list[float] = []

    def release(_owner: object, idle_for: float) -> bool:
        releases.append(time.monotonic())
        if len(releases) == 1:
            idle.touch()  # a search arrives just as the first release happens
        return True

    idle = IdleRelease(owner, release, 0.02)
    idle.touch()
    deadline = time.monotonic() + 30  # a bound for a stuck watcher, not a timing check
    while len(releases) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(releases) == 2  # the use during the first release was let go too
    while idle._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert idle._thread is None  # then the watch ends; the next use starts another
    idle.touch()
    assert idle._thread is not None
