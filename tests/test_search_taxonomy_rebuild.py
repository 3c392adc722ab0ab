"""A taxonomy change that would re-index many pieces rebuilds the index in the child process.

A persona's label (a stage's name, a gate's question) is in the documents of the pieces tagged
with it, and the taxonomy's fingerprint in every document's stamp: renaming one makes every
document out of date. Over ``SearchIndex.rebuild_over`` documents the app's process does not
re-index them itself (minutes at 100k pieces, holding its interpreter lock): the rebuild child
writes a new index, searches answer from the old one (the old name) until the swap, then the
new name; the change log's marker then matches, so the next open has nothing to do; an app
killed mid-way leaves the old index answering and the next start completes the rebuild.
Below the threshold the pieces are re-indexed where they are, as before.
"""

from __future__ import annotations

import os
import time

import pytest

from enablement.services.library import Library
from enablement.services.search import SearchIndex
from enablement.services.search_rebuild import ChildRebuild
from tests.test_search_rebuild_child import PAUSE_FILE, _paused_child, kill_the_app_mid_rebuild
from tests.test_search_service import lib, titles  # noqa: F401  (the fixture)

PAUSING = "tests.test_search_rebuild_child:pause_after_one"


def _cfo(library: Library) -> int:
    return next(v.id for v in library.taxonomy.get().facets["persona"] if v.label == "CFO")


def _generations(library: Library) -> int:
    return len([p for p in library.ctx.paths.index.iterdir() if p.name.startswith("gen-")])


@pytest.fixture
def built_here(monkeypatch) -> list[int]:
    """How many documents this process built (the rebuild child's are not counted)."""
    built: list[int] = []
    made = SearchIndex.documents

    def counting(self, piece_ids):  # type: ignore[no-untyped-def]
        for doc in made(self, piece_ids):
            built.append(doc.piece_id)
            yield doc
    monkeypatch.setattr(SearchIndex, "documents", counting)
    return built


def test_a_rename_over_the_threshold_rebuilds_in_the_child_and_the_old_name_answers_until_the_swap(
        lib: Library, actors, tmp_path, monkeypatch, built_here):  # noqa: F811
    rep, admin = actors["rep"], actors["admin"]
    index = lib.search.index
    assert titles(lib, rep, "cfo") == ["ROI Business Case"]
    marker = tmp_path / "paused"
    monkeypatch.setenv(PAUSE_FILE, str(marker))
    index.write_in_child()
    index.rebuilder = ChildRebuild(documents_hook=PAUSING)
    index.rebuild_over = 2  # the library has 4 pieces: all of them are out of date after a rename
    seen = []
    index.work_listeners.append(seen.append)
    built_here.clear()

    lib.taxonomy.rename_facet_value(admin, _cfo(lib), "Treasury Chief")
    assert titles(lib, rep, "treasury") == []  # this search started the rebuild...
    child = _paused_child(marker)
    assert child != os.getpid() and index.switching()
    assert titles(lib, rep, "cfo") == ["ROI Business Case"]  # ...and the old index answers meanwhile
    assert index.work().state == "updating" and seen and seen[0].state == "updating"

    marker.with_suffix(".go").write_text("")
    index._switch.join(timeout=120)
    assert index.switch_error is None and index.work().state == "idle" and seen[-1].state == "idle"
    assert any(w.total == 4 for w in seen)  # progress came from the child
    assert titles(lib, rep, "treasury") == ["ROI Business Case"]
    assert titles(lib, rep, "cfo") == []
    assert built_here == []  # no document of the rename was built in this process
    assert _generations(lib) == 1 and index.check()["state"] == "ok" and "problem" not in index.check()

    lib.close()  # the change log's marker matches: the next open re-indexes nothing
    with Library.open(lib.ctx.paths.root) as again:
        assert again.search.index.ensure_fresh() == 0 and not again.search.index.switching()
        assert again.search.index._catch_up() == 0
        assert titles(again, rep, "treasury") == ["ROI Business Case"]
    assert built_here == []


def test_a_rename_under_the_threshold_is_indexed_here_at_once(lib: Library, actors, built_here):  # noqa: F811
    rep, admin = actors["rep"], actors["admin"]
    index = lib.search.index
    titles(lib, rep, "cfo")
    index.write_in_child()
    index.rebuild_over = 4
    built_here.clear()
    lib.taxonomy.rename_facet_value(admin, _cfo(lib), "Treasury Chief")
    assert titles(lib, rep, "treasury") == ["ROI Business Case"]  # no wait for a swap
    assert index._switch is None and len(set(built_here)) == 4  # every piece (one archived), here


_APP_KILLED = """
import sys, time
from pathlib import Path
from enablement.services.library import Library
from enablement.services.search_rebuild import ChildRebuild

library = Library.open(Path(sys.argv[1]))
index = library.search.index
index.write_in_child()
index.rebuilder = ChildRebuild(documents_hook="tests.test_search_rebuild_child:pause_after_one")
index.rebuild_over = 2
admin = library.users.actor("Ada Admin")
value = next(v.id for v in library.taxonomy.get().facets["persona"] if v.label == "CFO")
library.taxonomy.rename_facet_value(admin, value, "Treasury Chief")
index.ensure_fresh()
time.sleep(600)
"""


def test_an_app_killed_mid_rebuild_keeps_the_old_index_and_the_next_start_completes(
        lib: Library, actors, tmp_path):  # noqa: F811
    rep = actors["rep"]
    assert titles(lib, rep, "cfo") == ["ROI Business Case"]
    root = lib.ctx.paths.root
    lib.close()
    kill_the_app_mid_rebuild(_APP_KILLED, root, tmp_path / "paused")
    assert len([p for p in (root / "index").iterdir() if p.name.startswith("gen-")]) == 2  # the half-written one
    with Library.open(root) as again:
        index = again.search.index
        index.write_in_child()
        index.rebuild_over = 2
        assert titles(again, rep, "cfo") == ["ROI Business Case"]  # the old index, and the rebuild starts
        index._switch.join(timeout=120)
        assert index.switch_error is None
        assert titles(again, rep, "treasury") == ["ROI Business Case"] and titles(again, rep, "cfo") == []
        assert _generations(again) == 1
    with Library.open(root) as third:  # done: nothing left for the next start
        assert third.search.index.ensure_fresh() == 0 and third.search.index._catch_up() == 0


def test_two_windows_on_one_library_rebuild_it_once(lib: Library, actors, tmp_path, monkeypatch):  # noqa: F811
    """Both find the index out of date; the first one's rebuild owns the folder's turn and the
    other waits for its swap (saying it is updating), then finds the new index in place."""
    rep, admin = actors["rep"], actors["admin"]
    assert titles(lib, rep, "cfo") == ["ROI Business Case"]
    marker = tmp_path / "paused"
    monkeypatch.setenv(PAUSE_FILE, str(marker))
    first = lib.search.index
    first.write_in_child()
    first.rebuilder = ChildRebuild(documents_hook=PAUSING)
    first.rebuild_over = 2
    lib.taxonomy.rename_facet_value(admin, _cfo(lib), "Treasury Chief")
    first.ensure_fresh()
    _paused_child(marker)
    with Library.open(lib.ctx.paths.root) as other:
        second = other.search.index
        second.write_in_child()
        second.rebuild_over = 2
        started: list[object] = []
        run = second.rebuilder.run
        monkeypatch.setattr(second.rebuilder, "run", lambda job, progress=None: started.append(job) or run(job, progress))
        assert titles(other, rep, "cfo") == ["ROI Business Case"]  # the old index answers; its check waits
        time.sleep(0.5)
        assert second.switching() and second.work().state == "updating" and started == []
        marker.with_suffix(".go").write_text("")
        first._switch.join(timeout=120)
        second._switch.join(timeout=30)
        assert started == [] and first.switch_error is None and second.switch_error is None
        assert titles(other, rep, "treasury") == ["ROI Business Case"] and titles(other, rep, "cfo") == []
        assert not second.switching() and second.ensure_fresh() == 0  # the first one's index, caught up
        assert titles(lib, rep, "treasury") == ["ROI Business Case"]
    assert _generations(lib) == 1


def test_a_window_whose_rebuild_turn_is_free_takes_it(lib: Library, tmp_path):  # noqa: F811
    """The turn is the folder's: free again after a rebuild, failed or not."""
    from enablement.search.store import rebuild_turn

    folder = lib.ctx.paths.index
    with rebuild_turn(folder, lambda: False) as ours:
        assert ours
        with rebuild_turn(folder, lambda: True) as also:  # held: waits (here: stopped at once)
            assert not also
    with rebuild_turn(folder, lambda: False) as again:
        assert again
