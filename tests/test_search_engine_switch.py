"""Choosing the search engine per library, and switching without a gap in search.

A switch rebuilds the index with the other engine in the background; searches answer from the
old index until the new one is swapped in; a rebuild killed half-way leaves the old index
answering, and the next check completes the switch.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from enablement.search import IndexDoc, SearchRequest, open_backend
from enablement.services import search as search_service
from enablement.services.library import Library
from tests.test_search_engines import DOCS, VOCAB
from tests.test_search_service import lib, titles  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parent.parent


def _titles(library: Library, actor, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return titles(library, actor, text)


def test_the_setting_switches_the_engine_in_the_background(lib: Library, actors):  # noqa: F811
    rep, admin = actors["rep"], actors["admin"]
    index = lib.search.index
    lib.settings.set_search_engine(admin, "whoosh")
    index.ensure_fresh()
    assert index.current_engine() == "whoosh"
    queries = ["security", "roi", "stage:decision", "approvals OR payback", "gate:none", ""]
    before = [_titles(lib, rep, q) for q in queries]

    lib.settings.set_search_engine(admin, "tantivy")
    index.ensure_fresh()                     # starts the switch, returns at once
    thread = index._switch
    assert thread is not None
    assert _titles(lib, rep, "security") == before[0]   # answers while switching
    thread.join(timeout=60)
    assert not index.switching() and index.switch_error is None
    assert index.current_engine() == "tantivy"
    assert [_titles(lib, rep, q) for q in queries] == before
    generations = [p for p in lib.ctx.paths.index.iterdir() if p.name.startswith("gen-")]
    assert len(generations) == 1


def test_auto_picks_tantivy_for_a_large_library_with_hysteresis(lib: Library, actors, monkeypatch):  # noqa: F811
    index = lib.search.index
    pieces = index._piece_count()
    assert lib.ctx.settings.search_engine == "auto"
    monkeypatch.setattr(search_service, "AUTO_TANTIVY_PIECES", pieces + 1)
    assert index.wanted_engine() == "whoosh"
    monkeypatch.setattr(search_service, "AUTO_TANTIVY_PIECES", pieces)
    assert index.wanted_engine() == "tantivy"
    index.switch_engine("tantivy", background=False)
    assert index.current_engine() == "tantivy"
    # Just under the line, a tantivy library stays on tantivy (no flip-flopping)...
    monkeypatch.setattr(search_service, "AUTO_TANTIVY_PIECES", pieces + 1)
    assert index.wanted_engine() == "tantivy"
    # ...and goes back to Whoosh only well below it.
    monkeypatch.setattr(search_service, "AUTO_TANTIVY_PIECES", 2 * pieces + 10)
    assert index.wanted_engine() == "whoosh"


def test_reindex_engine_on_the_command_line_is_remembered(lib: Library, actors, capsys):  # noqa: F811
    from enablement.cli import main

    root = lib.ctx.paths.root
    lib.close()
    assert main(["--library", str(root), "reindex", "--engine", "tantivy"]) == 0
    assert "(tantivy)" in capsys.readouterr().out
    assert json.loads((root / "settings.json").read_text())["search_engine"] == "tantivy"
    with Library.open(root) as again:
        again.search.index.ensure_fresh()
        assert again.search.index.current_engine() == "tantivy"
        assert _titles(again, actors["rep"], "security") == ["Security Whitepaper"]
    with pytest.raises(SystemExit) as refused:  # argparse: a one-line usage error, exit 2
        main(["--library", str(root), "reindex", "--engine", "nosuch"])
    assert refused.value.code == 2


_KILLED_REBUILD = """
import sys, time
from datetime import datetime
from pathlib import Path
from enablement.search import IndexDoc, open_backend

def docs():
    for n in range(100_000):
        if n == 300:
            print("halfway", flush=True)
            time.sleep(120)
        yield IndexDoc(piece_id=10_000 + n, title=f"Filler {n}", body="filler text",
                       updated_at=datetime(2024, 1, 1))

open_backend(Path(sys.argv[1])).rebuild(docs(), engine=sys.argv[2])
"""


def _kill_a_rebuild_half_way(folder: Path, engine: str) -> None:
    """Start a rebuild with ``engine`` in another process and SIGKILL it half-way."""
    child = subprocess.Popen([sys.executable, "-c", _KILLED_REBUILD, str(folder), engine],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert child.stdout.readline().strip() == "halfway"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)


@pytest.mark.parametrize("old, new", [("whoosh", "tantivy"), ("tantivy", "whoosh")])
def test_a_rebuild_killed_half_way_leaves_the_old_index_answering(tmp_path, old, new):
    folder = tmp_path / "index"
    backend = open_backend(folder, engine=old)
    backend.rebuild(DOCS)
    _kill_a_rebuild_half_way(folder, new)
    assert len([p for p in folder.iterdir() if p.name.startswith("gen-")]) == 2  # the half-built one
    assert backend.current_engine() == old
    assert backend.status().state == "ok"
    found = backend.search(SearchRequest(text="zebra"), VOCAB)
    assert {h.piece_id for h in found.hits} == {9, 10}
    # The next attempt completes the switch and clears what the killed one left.
    again = open_backend(folder, engine=new)
    assert again.rebuild(DOCS) == len(DOCS)
    assert again.current_engine() == new and backend.current_engine() == new
    assert {h.piece_id for h in backend.search(SearchRequest(text="zebra"), VOCAB).hits} == {9, 10}
    assert len([p for p in folder.iterdir() if p.name.startswith("gen-")]) == 1


def test_the_service_retries_a_switch_that_was_killed(lib: Library, actors):  # noqa: F811
    index = lib.search.index
    lib.settings.set_search_engine(actors["admin"], "whoosh")
    index.ensure_fresh()
    folder = lib.ctx.paths.index
    lib.close()
    _kill_a_rebuild_half_way(folder, "tantivy")
    with Library.open(lib.ctx.paths.root) as again:
        assert _titles(again, actors["rep"], "security") == ["Security Whitepaper"]
        again.settings.set_search_engine(actors["admin"], "tantivy")
        again.search.index.ensure_fresh()
        again.search.index._switch.join(timeout=60)
        assert again.search.index.current_engine() == "tantivy"
        assert _titles(again, actors["rep"], "security") == ["Security Whitepaper"]


def test_unknown_engine_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown search engine"):
        open_backend(tmp_path / "ix", engine="lucene")
    doc = IndexDoc(piece_id=1, title="x", updated_at=datetime(2024, 1, 1))
    backend = open_backend(tmp_path / "ix", engine="tantivy")
    backend.upsert([doc])
    assert backend.current_engine() == "tantivy"
