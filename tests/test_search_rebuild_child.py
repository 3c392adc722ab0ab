"""The app's full index rebuilds (engine switch, repair) run in a child process.

The child opens the library's database read-only, writes the new generation beside the live one
and swaps it in; the app's thread only waits on a pipe. A child that dies, hangs, freezes or
fails says so as a clear error, the old index keeps answering, and a later check retries; a
library closed (or an app killed) mid-rebuild leaves no child running.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from enablement.errors import Busy, StorageError
from enablement.search import IndexDoc
from enablement.search.errors import IndexWriteFailed
from enablement.services.library import Library
from enablement.services.search_rebuild import ChildRebuild
from tests.test_search_service import lib, titles  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parent.parent
PAUSE_FILE = "ENABLEMENT_TEST_REBUILD_PAUSED"
QUERIES = ["security", "roi", "stage:decision", "approvals OR payback", "gate:none", ""]
OTHER = {"whoosh": "tantivy", "tantivy": "whoosh"}


def pause_after_one(docs: Iterator[IndexDoc]) -> Iterator[IndexDoc]:
    """In the rebuild child: after one document, say where it is (its pid) and wait long, or
    until the test makes the file named like the marker plus ".go"."""
    for n, doc in enumerate(docs):
        if n == 1:
            marker = Path(os.environ[PAUSE_FILE])
            marker.write_text(str(os.getpid()))
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and not marker.with_suffix(".go").exists():
                time.sleep(0.05)
        yield doc


def _gone(pid: int, within: float = 15.0) -> bool:
    """True once ``pid`` no longer runs (a zombie waiting for its parent counts as gone)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def _paused_child(marker: Path, within: float = 60.0) -> int:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if marker.exists() and marker.read_text():
            return int(marker.read_text())
        time.sleep(0.05)
    raise AssertionError("the rebuild child never reached the pause")


def _on(lib: Library, admin, engine: str) -> None:  # type: ignore[no-untyped-def]
    lib.settings.set_search_engine(admin, engine)
    lib.search.index.ensure_fresh()
    thread = lib.search.index._switch
    if thread is not None:
        thread.join(timeout=120)
    assert lib.search.index.current_engine() == engine


@pytest.mark.parametrize("old", ["whoosh", "tantivy"])
def test_the_app_switches_engines_in_a_child_process(lib: Library, actors, old):  # noqa: F811
    rep, admin = actors["rep"], actors["admin"]
    index = lib.search.index
    _on(lib, admin, old)
    before = [titles(lib, rep, q) for q in QUERIES]
    index.write_in_child()
    seen: list[tuple[int, int, int | None]] = []
    lib.settings.set_search_engine(admin, OTHER[old])
    index.ensure_fresh()
    index._switch.join(timeout=120)
    assert index.switch_error is None and index.current_engine() == OTHER[old]
    assert [titles(lib, rep, q) for q in QUERIES] == before
    # A repair runs there too, and says how far it got from the child.
    index.rebuild(lambda done, total: seen.append((done, total, index.rebuilder.pid)), engine=old)
    assert index.current_engine() == old
    assert seen[-1][:2] == (4, 4)
    assert all(pid is not None and pid != os.getpid() for _, _, pid in seen)
    assert [titles(lib, rep, q) for q in QUERIES] == before
    assert len([p for p in lib.ctx.paths.index.iterdir() if p.name.startswith("gen-")]) == 1


def _pausing(lib: Library, tmp_path: Path, monkeypatch, **limits: float) -> Path:  # type: ignore[no-untyped-def]
    """Make the app's next rebuild child pause after one document; returns the marker file."""
    marker = tmp_path / "paused"
    monkeypatch.setenv(PAUSE_FILE, str(marker))
    lib.search.index.write_in_child()
    lib.search.index.rebuilder = ChildRebuild(documents_hook=f"{__name__}:pause_after_one", **limits)
    return marker


def _retried_switch_completes(lib: Library, rep, new: str, before: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    index = lib.search.index
    assert index.switch_error and not index.switching()
    assert titles(lib, rep, "security") == ["Security Whitepaper"]  # the old index answers...
    assert index.switching() and index.switch_progress == (new, 0, 0)  # ...and a retry waits
    time.sleep(0.5)
    assert index.current_engine() != new and index.rebuilder.pid is None  # (not at once)
    index.rebuilder = ChildRebuild()
    index.engine_setting_changed()                    # ends the wait
    index._switch.join(timeout=120)
    assert index.switch_error is None and index.current_engine() == new
    assert [titles(lib, rep, q) for q in QUERIES] == before
    assert len([p for p in lib.ctx.paths.index.iterdir() if p.name.startswith("gen-")]) == 1


@pytest.mark.parametrize("old", ["whoosh", "tantivy"])
@pytest.mark.parametrize("trouble", ["killed", "hangs", "frozen"])
def test_a_rebuild_child_that_dies_or_hangs_is_an_error_and_the_switch_is_retried(
        lib: Library, actors, tmp_path, monkeypatch, old, trouble):  # noqa: F811
    rep, admin = actors["rep"], actors["admin"]
    index = lib.search.index
    _on(lib, admin, old)
    before = [titles(lib, rep, q) for q in QUERIES]
    marker = _pausing(lib, tmp_path, monkeypatch, silent_s=3.0, stuck_s=3.0 if trouble == "hangs" else 600.0)
    lib.settings.set_search_engine(admin, OTHER[old])
    index.ensure_fresh()
    child = _paused_child(marker)
    assert index.current_engine() == old and titles(lib, rep, "security") == ["Security Whitepaper"]
    if trouble == "killed":
        os.kill(child, signal.SIGKILL)
    elif trouble == "frozen":
        os.kill(child, signal.SIGSTOP)
    index._switch.join(timeout=60)
    assert _gone(child)
    assert index.current_engine() == old
    wanted = {"killed": "stopped unexpectedly", "hangs": "made no progress for 3 s",
              "frozen": "stopped answering for 3 s"}[trouble]
    assert wanted in (index.switch_error or "")
    _retried_switch_completes(lib, rep, OTHER[old], before)


def test_closing_the_library_mid_rebuild_stops_the_child(lib: Library, actors, tmp_path, monkeypatch):  # noqa: F811
    index = lib.search.index
    _on(lib, actors["admin"], "whoosh")
    marker = _pausing(lib, tmp_path, monkeypatch)
    lib.settings.set_search_engine(actors["admin"], "tantivy")
    index.ensure_fresh()
    child = _paused_child(marker)
    thread = index._switch
    lib.close()
    thread.join(timeout=30)
    assert not thread.is_alive() and _gone(child)
    assert "stopped" in (index.switch_error or "")
    with Library.open(lib.ctx.paths.root) as again:
        assert again.search.index.current_engine() == "whoosh"
        assert titles(again, actors["rep"], "security") == ["Security Whitepaper"]


_APP_KILLED = """
import os, sys, time
from pathlib import Path
from enablement.services.library import Library
from enablement.services.search_rebuild import ChildRebuild

library = Library.open(Path(sys.argv[1]))
index = library.search.index
index.write_in_child()
index.rebuilder = ChildRebuild(documents_hook="tests.test_search_rebuild_child:pause_after_one")
index.switch_engine("tantivy")
time.sleep(600)
"""


def kill_the_app_mid_rebuild(script: str, root: Path, marker: Path) -> None:
    """Run ``script`` (an app that starts a rebuild pausing in its child) on the library at
    ``root``, kill it once its child has paused, and check the child ended with it."""
    app = subprocess.Popen([sys.executable, "-c", script, str(root)], cwd=ROOT,
                           env={**os.environ, PAUSE_FILE: str(marker), "PYTHONPATH": str(ROOT)})
    try:
        child = _paused_child(marker)
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=30)
    assert _gone(child), "the rebuild child outlived the app"


def test_an_app_killed_mid_rebuild_leaves_no_child_and_the_next_start_switches(
        lib: Library, actors, tmp_path):  # noqa: F811
    rep = actors["rep"]
    _on(lib, actors["admin"], "whoosh")
    before = [titles(lib, rep, q) for q in QUERIES]
    lib.settings.set_search_engine(actors["admin"], "tantivy")  # (no search here: it would switch)
    root = lib.ctx.paths.root
    lib.close()
    kill_the_app_mid_rebuild(_APP_KILLED, root, tmp_path / "paused")
    with Library.open(root) as again:
        assert again.search.index.current_engine() == "whoosh"
        assert titles(again, rep, "security") == ["Security Whitepaper"]  # the old index answers
        again.search.index.write_in_child()
        again.search.index.ensure_fresh()       # the next start completes the switch
        again.search.index._switch.join(timeout=120)
        assert again.search.index.current_engine() == "tantivy"
        assert [titles(again, rep, q) for q in QUERIES] == before
        assert len([p for p in (root / "index").iterdir() if p.name.startswith("gen-")]) == 1


def test_damaged_text_in_the_database_is_a_clear_error_from_the_child(lib: Library, actors):  # noqa: F811
    index = lib.search.index
    _on(lib, actors["admin"], "whoosh")
    with sqlite3.connect(lib.ctx.paths.database) as raw:  # text that is not UTF-8 at all
        raw.execute("UPDATE piece_versions SET text = CAST(X'80FF00FE' AS TEXT) WHERE id = "
                    "(SELECT MIN(id) FROM piece_versions)")
    index.write_in_child()
    with pytest.raises((StorageError, IndexWriteFailed)) as failed:
        index.rebuild(engine="tantivy")
    assert "UTF-8" in str(failed.value) or "decode" in str(failed.value)
    assert index.current_engine() == "whoosh"
    assert titles(lib, actors["rep"], "security") == ["Security Whitepaper"]


def test_a_change_made_during_the_child_rebuild_is_in_the_new_index(lib: Library, actors, tmp_path,
                                                                    monkeypatch):  # noqa: F811
    rep, mk = actors["rep"], actors["marketing"]
    index = lib.search.index
    _on(lib, actors["admin"], "whoosh")
    marker = _pausing(lib, tmp_path, monkeypatch)
    lib.settings.set_search_engine(actors["admin"], "tantivy")
    index.ensure_fresh()
    _paused_child(marker)
    piece = next(p for p in lib.pieces.list() if p.title == "Security Whitepaper")
    lib.pieces.update(mk, piece.id, title="Zeppelin Security Whitepaper")  # indexed in the old one
    assert titles(lib, rep, "zeppelin") == ["Zeppelin Security Whitepaper"]
    marker.with_suffix(".go").write_text("")
    index._switch.join(timeout=120)
    assert index.switch_error is None and index.current_engine() == "tantivy"
    assert titles(lib, rep, "zeppelin") == ["Zeppelin Security Whitepaper"]
    assert index.check()["state"] == "ok" and "problem" not in index.check()


def test_a_locked_database_is_a_clear_error_from_the_child_not_a_hang(lib: Library, actors):  # noqa: F811
    index = lib.search.index
    _on(lib, actors["admin"], "whoosh")
    index.write_in_child()
    child = ChildRebuild(database_busy_ms=300)
    lib.ctx.engine.dispose()  # the app's pooled connections let go, so another program can take it all
    holder = sqlite3.connect(lib.ctx.paths.database, isolation_level=None)
    try:  # another program holds the library file exclusively while the child reads
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StorageError) as failed:
            child.run(child.job(index, "tantivy"))
    finally:
        holder.close()
    assert isinstance(failed.value, Busy) and "busy" in str(failed.value)
    assert index.current_engine() == "whoosh"
    assert titles(lib, actors["rep"], "security") == ["Security Whitepaper"]
    assert index.rebuild(engine="tantivy") == 4 and index.current_engine() == "tantivy"  # the retry
