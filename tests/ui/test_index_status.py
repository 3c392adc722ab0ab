"""The status bar shows the search index's background rebuild, its progress and its failure.

A rebuild (here: the one a renamed persona starts, every document being out of date) runs in
the rebuild child while searches answer from the old index; the window says "Updating the
search index…" with the child's progress, and nothing once the new index is swapped in. A
rebuild that fails says why, that search uses the previous index, and when it is tried again;
the window asks for that retry when the time comes, and the status clears once it succeeds.
"""

from __future__ import annotations

import os
import re
import signal

import pytest

import enablement.services.search as search_module
from enablement.models.dto import IndexWork
from enablement.services.search_rebuild import ChildRebuild
from tests.test_search_rebuild_child import PAUSE_FILE, _gone, _paused_child
from ui.widgets.index_status import work_label, work_text

pytestmark = pytest.mark.ui
PAUSING = "tests.test_search_rebuild_child:pause_after_one"
WAIT_MS = 120_000


def _rename_a_persona(ctx, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Make the index rebuild in a pausing child after a persona's rename; returns the marker."""
    library = ctx.library
    index = library.ctx.index
    marker = tmp_path / "paused"
    monkeypatch.setenv(PAUSE_FILE, str(marker))
    index.write_in_child()
    index.rebuilder = ChildRebuild(documents_hook=PAUSING)
    index.rebuild_over = 2
    admin = library.users.actor(next(u.name for u in library.users.list() if u.role == "admin"))
    value = library.taxonomy.get().facets["persona"][0]
    library.taxonomy.rename_facet_value(admin, value.id, value.label + " Zeppelin")
    return marker


def test_a_running_rebuild_shows_its_progress_and_clears_after_the_swap(demo_ctx, make_window, qtbot,
                                                                        tmp_path, monkeypatch):
    ctx = demo_ctx(role="admin")
    window = make_window(ctx)
    status = window.index_status
    assert status is not None and not status.isVisible()
    marker = _rename_a_persona(ctx, tmp_path, monkeypatch)
    ctx.library.search.search(ctx.actor, "zeppelin")  # a search finds the index out of date
    _paused_child(marker)
    qtbot.waitUntil(lambda: status.isVisible() and status.text() == "Updating the search index… 0%",
                    timeout=WAIT_MS)
    marker.with_suffix(".go").write_text("")
    qtbot.waitUntil(lambda: not status.isVisible(), timeout=WAIT_MS)
    assert status.text() == "" and ctx.library.ctx.index.work().state == "idle"
    assert ctx.library.search.search(ctx.actor, "zeppelin").results.total > 0


def test_a_failed_rebuild_says_why_and_when_it_retries_then_retries(demo_ctx, make_window, qtbot,
                                                                    tmp_path, monkeypatch):
    ctx = demo_ctx(role="admin")
    window = make_window(ctx)
    status = window.index_status
    monkeypatch.setattr(search_module, "SWITCH_RETRY_S", 3.0)
    marker = _rename_a_persona(ctx, tmp_path, monkeypatch)
    index = ctx.library.ctx.index
    ctx.library.search.search(ctx.actor, "zeppelin")
    child = _paused_child(marker)
    os.kill(child, signal.SIGKILL)
    assert _gone(child)
    qtbot.waitUntil(lambda: status.text().startswith("Search index update failed"), timeout=WAIT_MS)
    assert status.isVisible()
    assert re.fullmatch(r"Search index update failed: the search index rebuild stopped unexpectedly "
                        r"\(exit status -9\)\. Search uses the previous index; retrying in [123] s\.", status.toolTip())
    assert re.fullmatch(r"Search index update failed; retrying in [123] s", status.text())
    assert ctx.library.search.search(ctx.actor, "zeppelin").results.total == 0  # the previous index answers
    index.rebuilder = ChildRebuild()  # the next try goes through
    qtbot.waitUntil(lambda: not status.isVisible(), timeout=WAIT_MS)  # the window asked for it
    assert index.work().state == "idle" and index.switch_error is None
    assert ctx.library.search.search(ctx.actor, "zeppelin").results.total > 0
    window.close()
    assert status.relay.emit_work not in index.work_listeners


def test_the_words_for_each_state():
    assert work_text(IndexWork("idle"), 0) == ""
    assert work_text(IndexWork("updating"), 0) == "Updating the search index…"
    assert work_text(IndexWork("updating", 42, 100), 0) == "Updating the search index… 42%"
    failed = IndexWork("failed", error="the disk is full; it is tried again later", retry_in=30)
    assert work_text(failed, 30) == ("Search index update failed: the disk is full. "
                                     "Search uses the previous index; retrying in 30 s.")
    assert work_text(failed, 0.2).endswith("retrying now.")
    assert work_label(failed, 30) == "Search index update failed; retrying in 30 s"
    assert work_label(IndexWork("updating", 42, 100), 0) == "Updating the search index… 42%"
    assert work_text(failed, 1800).endswith("retrying in 30 min.")
