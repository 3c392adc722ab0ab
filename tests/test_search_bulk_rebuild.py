"""A bulk edit of more pieces than ``SearchIndex.rebuild_over`` re-indexes in the rebuild child.

Tagging, publishing or re-owning thousands of pieces at once makes each one's document out of
date; building them all in the app's process (rows and stored text read, documents made in
Python) held its interpreter lock for seconds while the window waited. Where the app has a
rebuild child, the change-set's way into the index (``SearchIndex.refresh``) hands a large
one to it, as a renamed persona does: searches answer from the old index until the new one
is swapped in, then find the new tags (bulk tags stay visible to search); an app killed
mid-way leaves the old index and its change log entry, and the next start completes it.
A smaller change-set, and a small edit made while the rebuild runs, are re-indexed here at once.
"""

from __future__ import annotations

import os

import pytest

from enablement.models.dto import TagSelection
from enablement.services.library import Library
from enablement.services.search_rebuild import ChildRebuild
from tests.test_search_rebuild_child import PAUSE_FILE, _paused_child, kill_the_app_mid_rebuild
from tests.test_search_service import lib, titles  # noqa: F401  (the fixture)
from tests.test_search_taxonomy_rebuild import PAUSING, _generations, built_here  # noqa: F401

PUBLISHED = ["Overview", "ROI Business Case", "Security Whitepaper"]


def _stage(library: Library):  # type: ignore[no-untyped-def]
    """A stage no piece of the fixture carries."""
    return library.taxonomy.get().stages[0]


def _published_ids(library: Library) -> list[int]:
    return sorted(p.id for p in library.pieces.list() if p.status == "published")


def _in_child(index, rebuild_over: int, tmp_path=None, monkeypatch=None):  # type: ignore[no-untyped-def]
    """As the app: writes and rebuilds in children; with ``tmp_path`` the rebuild pauses
    after one document (returns the marker the child writes its pid into)."""
    index.write_in_child()
    index.rebuild_over = rebuild_over
    if tmp_path is None:
        return None
    marker = tmp_path / "paused"
    monkeypatch.setenv(PAUSE_FILE, str(marker))
    index.rebuilder = ChildRebuild(documents_hook=PAUSING)
    return marker


def test_a_bulk_tag_over_the_threshold_rebuilds_in_the_child_and_the_old_index_answers_until_the_swap(
        lib: Library, actors, tmp_path, monkeypatch, built_here):  # noqa: F811
    rep, mk = actors["rep"], actors["marketing"]
    index = lib.search.index
    stage = _stage(lib)
    assert titles(lib, rep, f"stage:{stage.key}") == []
    marker = _in_child(index, 2, tmp_path, monkeypatch)
    seen = []
    index.work_listeners.append(seen.append)
    built_here.clear()

    lib.pieces.bulk_set_tags(mk, _published_ids(lib), TagSelection(stages=[stage.id]))
    child = _paused_child(marker)
    assert child != os.getpid() and index.switching()
    assert titles(lib, rep, f"stage:{stage.key}") == []  # the old index answers meanwhile
    assert index.work().state == "updating" and seen and seen[0].state == "updating"

    marker.with_suffix(".go").write_text("")
    index._switch.join(timeout=120)
    assert index.switch_error is None and index.work().state == "idle" and seen[-1].state == "idle"
    assert titles(lib, rep, f"stage:{stage.key}") == PUBLISHED  # the bulk tags, found by search
    assert built_here == []  # no document of the bulk tag was built in this process
    assert _generations(lib) == 1 and "problem" not in index.check()

    lib.close()  # the new index holds the change log's entry: the next open re-indexes nothing
    with Library.open(lib.ctx.paths.root) as again:
        assert again.search.index.ensure_fresh() == 0 and again.search.index._catch_up() == 0
        assert titles(again, rep, f"stage:{stage.key}") == PUBLISHED
    assert built_here == []


def test_a_bulk_edit_under_the_threshold_is_indexed_here_at_once(lib: Library, actors, built_here):  # noqa: F811
    rep, mk = actors["rep"], actors["marketing"]
    index = lib.search.index
    stage = _stage(lib)
    titles(lib, rep, "")
    _in_child(index, 3)
    built_here.clear()
    ids = _published_ids(lib)
    lib.pieces.bulk_set_tags(mk, ids, TagSelection(stages=[stage.id]))
    assert index._switch is None and sorted(built_here) == ids  # here, no rebuild
    assert titles(lib, rep, f"stage:{stage.key}") == PUBLISHED


@pytest.mark.parametrize("edit", ["owner", "archive-and-restore"])
def test_other_bulk_writes_over_the_threshold_go_to_the_child_too(lib: Library, actors, built_here,  # noqa: F811
                                                                  edit: str):
    """Whatever the write: the change-set's size decides, in the one place it reaches the index."""
    rep, mk = actors["rep"], actors["marketing"]
    index = lib.search.index
    titles(lib, rep, "")
    _in_child(index, 2)
    built_here.clear()
    ids = _published_ids(lib)
    if edit == "owner":
        lib.pieces.bulk_update(mk, ids, owner="Zebulon Quill")
    else:
        before = lib.pieces.states(ids)
        for pid in ids:
            lib.pieces.archive(mk, pid)  # one at a time: each is re-indexed here
        assert len(built_here) == len(ids)
        built_here.clear()
        lib.pieces.put_back(mk, before)  # all of them back at once: the child
    assert index._switch is not None
    index._switch.join(timeout=120)
    assert built_here == [] and index.switch_error is None
    query = "owner:zebulon" if edit == "owner" else ""
    assert titles(lib, rep, query) == PUBLISHED


def test_a_small_edit_while_the_child_rebuilds_reaches_the_old_index_at_once_and_the_new_one(
        lib: Library, actors, tmp_path, monkeypatch, built_here):  # noqa: F811
    rep, mk = actors["rep"], actors["marketing"]
    index = lib.search.index
    stage = _stage(lib)
    titles(lib, rep, "")
    marker = _in_child(index, 2, tmp_path, monkeypatch)
    ids = _published_ids(lib)
    lib.pieces.bulk_set_tags(mk, ids, TagSelection(stages=[stage.id]))
    _paused_child(marker)
    built_here.clear()
    old_title = lib.pieces.get(ids[0]).title
    lib.pieces.update(mk, ids[0], title="Quarterly Zeppelin Review")
    assert built_here == [ids[0]]  # the edited piece alone, here
    assert titles(lib, rep, "zeppelin") == ["Quarterly Zeppelin Review"]  # the old index has it now
    assert titles(lib, rep, f"stage:{stage.key}") == []  # the bulk tags wait for the swap
    marker.with_suffix(".go").write_text("")
    index._switch.join(timeout=120)
    assert index.switch_error is None
    assert titles(lib, rep, "zeppelin") == ["Quarterly Zeppelin Review"]
    renamed = sorted(["Quarterly Zeppelin Review"] + [t for t in PUBLISHED if t != old_title])
    assert titles(lib, rep, f"stage:{stage.key}") == renamed
    assert "problem" not in index.check()


_APP_KILLED = """
import sys
from pathlib import Path
from enablement.models.dto import TagSelection
from enablement.services.library import Library
from enablement.services.search_rebuild import ChildRebuild

library = Library.open(Path(sys.argv[1]))
index = library.search.index
index.ensure_fresh()
index.write_in_child()
index.rebuilder = ChildRebuild(documents_hook="tests.test_search_rebuild_child:pause_after_one")
index.rebuild_over = 2
marketing = library.users.actor("Maya Marketing")
ids = [p.id for p in library.pieces.list() if p.status == "published"]
library.pieces.bulk_set_tags(marketing, ids, TagSelection(stages=[library.taxonomy.get().stages[0].id]))
index._switch.join()
"""


def test_an_app_killed_mid_rebuild_keeps_the_old_index_and_the_next_start_completes(
        lib: Library, actors, tmp_path, built_here):  # noqa: F811
    rep = actors["rep"]
    stage = _stage(lib)
    assert titles(lib, rep, f"stage:{stage.key}") == []
    root = lib.ctx.paths.root
    lib.close()
    kill_the_app_mid_rebuild(_APP_KILLED, root, tmp_path / "paused")
    assert len([p for p in (root / "index").iterdir() if p.name.startswith("gen-")]) == 2  # the half-written one
    with Library.open(root) as again:
        index = again.search.index
        _in_child(index, 2)
        built_here.clear()
        assert titles(again, rep, f"stage:{stage.key}") == []  # the old index, and the rebuild starts
        assert index._switch is not None
        index._switch.join(timeout=120)
        assert index.switch_error is None and built_here == []
        assert titles(again, rep, f"stage:{stage.key}") == PUBLISHED
        assert _generations(again) == 1
    with Library.open(root) as third:  # done: nothing left for the next start
        assert third.search.index.ensure_fresh() == 0 and third.search.index._catch_up() == 0
