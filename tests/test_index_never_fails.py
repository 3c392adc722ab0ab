"""The search index is a cache: it is never a reason for a command to fail.

Locked by another writer → searches answer from the index as it is; the disk full while
updating it → the same; the index folder replaced by a file → moved aside and rebuilt.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from enablement.cli import main
from enablement.search.errors import IndexWriteFailed
from enablement.search.store import write_lock
from enablement.services.library import Library
from tests.conftest import settings_for_tests
from tests.filemaker_docs import make_pdf


@pytest.fixture
def filled(library: Library, actors, tmp_path: Path) -> Library:
    folder = tmp_path / "docs"
    folder.mkdir()
    make_pdf(folder / "pricing.pdf", ["Pricing tiers for enterprise buyers"], title="Pricing Guide")
    make_pdf(folder / "security.pdf", ["Security review and encryption"], title="Security Brief")
    library.importer.import_paths(actors["marketing"], [folder])
    assert library.search.search(actors["marketing"], "pricing").results.total == 1
    return library


def test_a_locked_index_still_answers(filled: Library, actors):
    piece = filled.search.search(actors["marketing"], "pricing").results.hits[0].piece_id
    with write_lock(filled.ctx.paths.index, 1.0):  # another process is writing the index
        filled.pieces.update(actors["marketing"], piece, title="Pricing Guide 2025")  # refresh fails: stale
        answer = filled.search.search(actors["marketing"], "pricing")
        assert answer.results.total == 1  # from the index as it was
    # The lock released, the next search repairs the index and sees the change.
    assert filled.search.search(actors["marketing"], "2025").results.total == 1


def test_a_full_disk_while_updating_the_index_still_answers(filled: Library, actors, monkeypatch):
    piece = filled.search.search(actors["marketing"], "pricing").results.hits[0].piece_id
    backend = filled.ctx.index.backend

    def full(*args, **kwargs):  # what the engine raises on ENOSPC
        raise IndexWriteFailed("could not write the search index: No space left on device")

    monkeypatch.setattr(backend, "upsert", full)
    filled.pieces.update(actors["marketing"], piece, title="Pricing Guide 2025")
    assert filled.search.search(actors["marketing"], "pricing").results.total == 1
    monkeypatch.undo()
    assert filled.search.search(actors["marketing"], "2025").results.total == 1


def test_an_index_path_that_is_a_file_is_moved_aside_and_rebuilt(filled: Library, actors, tmp_path, capsys,
                                                                  monkeypatch):
    root = filled.ctx.paths.root
    filled.close()
    import shutil

    shutil.rmtree(root / "index")
    (root / "index").write_text("not a folder")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    for argv in (["list"], ["check", "--repair"], ["search", "pricing"]):
        code = main(["--library", str(root), *argv])
        out = capsys.readouterr()
        assert code == 0, (argv, out.err)
    assert "Pricing Guide" in out.out
    assert (root / "index").is_dir()
    assert [p.read_text() for p in root.iterdir() if p.name.startswith("index.moved-aside-")] == ["not a folder"]
    with Library.open(root, settings=settings_for_tests()) as lib:
        assert lib.maintenance.check().ok
