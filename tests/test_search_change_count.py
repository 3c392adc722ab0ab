"""Opening a library compares one change count with the index, not every piece's stamp.

The database counts every write to the rows an index document's stamp is made of (triggers on
pieces, versions and renditions); the index records the count it last matched. An unchanged
library then opens without reading 100,000 stamps from disk, and anything that changed the
database (another program, a restored backup changed again, a migration that rebuilt a table
and with it dropped a trigger) or the index still makes the next open compare and repair.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from enablement.search.documents import SearchRequest
from enablement.services.library import Library
from enablement.services.search import SearchIndex
from enablement.storage import search_repo
from tests.conftest import settings_for_tests
from tests.filemaker_docs import make_pdf


@pytest.fixture(params=["whoosh", "tantivy"])
def lib(request, library: Library, actors, tmp_path) -> Library:
    from dataclasses import replace

    library.ctx.settings = replace(library.ctx.settings, search_engine=request.param)
    docs = tmp_path / "docs"
    docs.mkdir()
    for n, words in enumerate(["security review answers", "pricing and discounts", "onboarding plan"]):
        make_pdf(docs / f"p{n}.pdf", [f"The {words} for buyers"], title=f"Piece {n}")
    library.importer.import_paths(actors["marketing"], sorted(docs.iterdir()))
    library.search.index.ensure_fresh()
    return library


def _opened(lib: Library, reads: list[str]) -> SearchIndex:
    """A new index object for ``lib`` (as the next start makes), noting what it reads."""
    index = SearchIndex(lib.ctx)
    real = index.backend.stamps
    index.backend.stamps = lambda: reads.append("index") or real()  # type: ignore[method-assign]
    return index


@pytest.fixture
def stamp_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real = search_repo.stamp_rows
    monkeypatch.setattr(search_repo, "stamp_rows", lambda s: reads.append("database") or real(s))
    return reads


def _sql(lib: Library, statement: str) -> None:
    """A write by another program (no cache hook, no index update)."""
    with sqlite3.connect(lib.ctx.paths.database) as conn:
        conn.execute(statement)


def test_an_unchanged_library_opens_without_reading_any_stamp(lib: Library, stamp_reads):
    _opened(lib, stamp_reads).ensure_fresh()  # the first open with a count may compare once
    stamp_reads.clear()
    assert _opened(lib, stamp_reads).ensure_fresh() == 0
    assert stamp_reads == []


def test_a_change_by_another_program_is_still_found_and_repaired(lib: Library, stamp_reads):
    _opened(lib, stamp_reads).ensure_fresh()
    _sql(lib, "UPDATE pieces SET title = 'Zebrafish pricing', updated_at = '2099-01-01 00:00:00' "
              "WHERE title = 'Piece 1'")
    stamp_reads.clear()
    index = _opened(lib, stamp_reads)
    assert index.ensure_fresh() == 1
    assert stamp_reads == ["database", "index"]
    assert index.search(SearchRequest(text="zebrafish")).total == 1
    stamp_reads.clear()
    assert _opened(lib, stamp_reads).ensure_fresh() == 0 and stamp_reads == []


def test_a_restored_backup_changed_again_never_passes_for_the_state_it_left(lib: Library, stamp_reads,
                                                                          tmp_path: Path):
    _opened(lib, stamp_reads).ensure_fresh()
    database = lib.ctx.paths.database
    with sqlite3.connect(database) as conn:  # a backup, taken while nothing is written
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(database, tmp_path / "backup.db")
    _sql(lib, "UPDATE pieces SET description = 'first' WHERE title = 'Piece 0'")
    assert _opened(lib, stamp_reads).ensure_fresh() == 0  # the stamp did not change: no repair
    with sqlite3.connect(database) as conn:  # the backup back, then one other change
        with sqlite3.connect(tmp_path / "backup.db") as backup:
            backup.backup(conn)
    _sql(lib, "UPDATE pieces SET updated_at = '2099-01-01 00:00:00' WHERE title = 'Piece 2'")
    stamp_reads.clear()
    assert _opened(lib, stamp_reads).ensure_fresh() == 1
    assert stamp_reads == ["database", "index"]


def test_a_dropped_trigger_is_made_again_and_the_stamps_compared(lib: Library, stamp_reads):
    _opened(lib, stamp_reads).ensure_fresh()
    # A migration that rebuilds the pieces table (SQLite's batch mode) drops its triggers.
    _sql(lib, f"DROP TRIGGER {search_repo.CHANGE_TABLE}_pieces_update")
    _sql(lib, "UPDATE pieces SET updated_at = '2099-01-01 00:00:00' WHERE title = 'Piece 2'")
    stamp_reads.clear()
    assert _opened(lib, stamp_reads).ensure_fresh() == 1
    assert "database" in stamp_reads
    stamp_reads.clear()
    assert _opened(lib, stamp_reads).ensure_fresh() == 0 and stamp_reads == []
    _sql(lib, "UPDATE pieces SET updated_at = '2099-02-01 00:00:00' WHERE title = 'Piece 2'")
    assert _opened(lib, stamp_reads).ensure_fresh() == 1


def test_a_changed_index_is_still_found(lib: Library, stamp_reads):
    _opened(lib, stamp_reads).ensure_fresh()
    lib.search.index.backend.delete([lib.search.search(lib.users.actor("Maya Marketing"), "pricing").pieces[0].id])
    stamp_reads.clear()
    assert _opened(lib, stamp_reads).ensure_fresh() == 1
    assert stamp_reads == ["database", "index"]


def test_a_library_on_postgresql_keeps_no_count_and_compares_the_stamps(tmp_path: Path, stamp_reads):
    from tests.pg import throwaway_database_url

    with throwaway_database_url() as url:
        lib = Library.open(tmp_path / "pg", settings=settings_for_tests(), database_url=url)
        try:
            lib.users.create(None, "Ada Admin", "admin")
            admin = lib.users.default_actor()
            make_pdf(tmp_path / "a.pdf", ["Pricing for buyers"], title="Price list")
            lib.importer.import_paths(admin, [tmp_path / "a.pdf"])
            with lib.ctx.read() as s:
                assert search_repo.change_count(s) is None
            lib.search.index.ensure_fresh()
            stamp_reads.clear()
            index = _opened(lib, stamp_reads)
            assert index.ensure_fresh() == 0
            assert stamp_reads == ["database"]  # the digest of every stamp, as before
            assert index.search(SearchRequest(text="pricing")).total == 1
            index.close()
        finally:
            lib.close()


def test_a_rebuild_records_the_count_so_the_next_open_reads_no_stamp(tmp_path: Path, stamp_reads):
    lib = Library.open(tmp_path / "fresh", settings=settings_for_tests())
    try:
        lib.users.create(None, "Ada Admin", "admin")
        make_pdf(tmp_path / "a.pdf", ["Pricing for buyers"], title="Price list")
        lib.importer.import_paths(lib.users.default_actor(), [tmp_path / "a.pdf"])
        _sql(lib, f"DROP TABLE IF EXISTS {search_repo.CHANGE_TABLE}")  # a library from before the count
        lib.search.reindex()
        stamp_reads.clear()
        assert _opened(lib, stamp_reads).ensure_fresh() == 0
        assert stamp_reads == []
    finally:
        lib.close()
