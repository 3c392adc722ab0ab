"""Opening a library re-indexes only the pieces its change log names, not every piece's stamp.

Triggers log every write to what a search document is made of (pieces, versions, renditions,
tags) in the same transaction; the index records the log entry it last matched, after its own
refreshes too. An unchanged library then opens with one small read, a library changed by
another program re-indexes just those pieces, and anything that makes the log untrustworthy
(a taxonomy change, a dropped trigger or table, a restored backup, a changed index) makes the
next open compare every stamp, as before. Bookkeeping never breaks a write.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from enablement.search.documents import SearchRequest
from enablement.services import search as search_service
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


def _found(index: SearchIndex, words: str) -> int:
    return index.search(SearchRequest(text=words)).total


def _log_rows(lib: Library) -> list[tuple[int, int | None]]:
    with sqlite3.connect(lib.ctx.paths.database) as conn:
        return conn.execute(f"SELECT seq, piece_id FROM {search_repo.CHANGE_LOG} ORDER BY seq").fetchall()


def test_an_unchanged_library_opens_without_reading_any_stamp(lib: Library, stamp_reads):
    assert _opened(lib, stamp_reads).ensure_fresh() == 0
    assert stamp_reads == []


def test_writes_made_in_the_app_leave_nothing_for_the_next_open(lib: Library, actors, stamp_reads):
    pid = lib.search.search(actors["marketing"], "pricing").pieces[0].id
    lib.pieces.update(actors["marketing"], pid, title="Kangaroo pricing")  # the index follows through the hook
    assert _opened(lib, stamp_reads).ensure_fresh() == 0
    assert stamp_reads == []


def test_a_change_by_another_program_is_reindexed_alone(lib: Library, stamp_reads):
    _sql(lib, "UPDATE pieces SET title = 'Zebrafish pricing' WHERE title = 'Piece 1'")  # its stamp is unchanged
    index = _opened(lib, stamp_reads)
    assert index.ensure_fresh() == 1
    assert stamp_reads == []
    assert _found(index, "zebrafish") == 1
    assert _opened(lib, stamp_reads).ensure_fresh() == 0 and stamp_reads == []


def test_a_purged_piece_leaves_the_index_at_the_next_open(lib: Library, stamp_reads):
    _sql(lib, "UPDATE pieces SET status = 'purged' WHERE title = 'Piece 0'")
    index = _opened(lib, stamp_reads)
    assert index.ensure_fresh() == 1 and stamp_reads == []
    assert _found(index, "security") == 0


def test_a_rolled_back_write_leaves_no_entry(lib: Library, stamp_reads):
    before = _log_rows(lib)
    conn = sqlite3.connect(lib.ctx.paths.database, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE pieces SET title = 'Never' WHERE title = 'Piece 2'")
    conn.execute("ROLLBACK")
    conn.close()
    assert _log_rows(lib) == before
    assert _opened(lib, stamp_reads).ensure_fresh() == 0 and stamp_reads == []


def test_a_taxonomy_rename_compares_every_stamp(lib: Library, actors, stamp_reads):
    stage = lib.taxonomy.get().stages[0]
    _sql(lib, f"UPDATE stages SET name = 'Wombat stage' WHERE id = {stage.id}")  # another program
    lib.ctx.drop_taxonomy()  # as a new start reads it
    index = _opened(lib, stamp_reads)
    index.ensure_fresh()
    assert stamp_reads == ["database", "index"]
    stamp_reads.clear()
    assert _opened(lib, stamp_reads).ensure_fresh() == 0 and stamp_reads == []


def test_a_restored_backup_changed_again_never_passes_for_the_state_it_left(lib: Library, stamp_reads,
                                                                          tmp_path: Path):
    database = lib.ctx.paths.database
    with sqlite3.connect(database) as conn:  # a backup, taken while nothing is written
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(database, tmp_path / "backup.db")
    for n in range(3):
        _sql(lib, f"UPDATE pieces SET updated_at = '2098-01-0{n + 1} 00:00:00' WHERE title = 'Piece 0'")
    assert _opened(lib, stamp_reads).ensure_fresh() == 1 and stamp_reads == []
    with sqlite3.connect(database) as conn:  # the backup back, then as many other changes
        with sqlite3.connect(tmp_path / "backup.db") as backup:
            backup.backup(conn)
    for n in range(3):
        _sql(lib, f"UPDATE pieces SET updated_at = '2099-01-0{n + 1} 00:00:00' WHERE title = 'Piece 2'")
    index = _opened(lib, stamp_reads)
    assert index.ensure_fresh() == 2  # Piece 0 back as it was, Piece 2 changed
    assert stamp_reads == ["database", "index"]
    assert index.check()["stale"] == 0


def test_a_log_emptied_and_numbered_again_never_passes_for_the_entry_the_index_saw(lib: Library, stamp_reads):
    newest = _log_rows(lib)[-1][0]
    _sql(lib, f"DELETE FROM {search_repo.CHANGE_LOG}")
    _sql(lib, f"DELETE FROM sqlite_sequence WHERE name = '{search_repo.CHANGE_LOG}'")
    for n in range(newest):  # until an entry carries the number the index recorded
        _sql(lib, f"UPDATE pieces SET updated_at = '2099-01-01 00:00:{n % 60:02d}' WHERE title = 'Piece 1'")
    assert _log_rows(lib)[-1][0] == newest
    assert _opened(lib, stamp_reads).ensure_fresh() == 1
    assert stamp_reads == ["database", "index"]


def test_a_dropped_trigger_is_made_again_and_the_stamps_compared(lib: Library, stamp_reads):
    # A migration that rebuilds the pieces table (SQLite's batch mode) drops its triggers.
    _sql(lib, f"DROP TRIGGER {search_repo.CHANGE_LOG}_pieces_update")
    _sql(lib, "UPDATE pieces SET updated_at = '2099-01-01 00:00:00' WHERE title = 'Piece 2'")
    assert _opened(lib, stamp_reads).ensure_fresh() == 1
    assert stamp_reads == ["database", "index"]
    stamp_reads.clear()
    assert _opened(lib, stamp_reads).ensure_fresh() == 0 and stamp_reads == []
    _sql(lib, "UPDATE pieces SET updated_at = '2099-02-01 00:00:00' WHERE title = 'Piece 2'")
    assert _opened(lib, stamp_reads).ensure_fresh() == 1 and stamp_reads == []


def test_a_log_dropped_by_hand_breaks_no_write_and_the_next_open_repairs(lib: Library, actors, stamp_reads):
    _sql(lib, f"DROP TABLE {search_repo.CHANGE_LOG}")
    pid = lib.search.search(actors["marketing"], "onboarding").pieces[0].id
    lib.pieces.update(actors["marketing"], pid, title="Platypus onboarding")  # the app's own write
    lib.close()
    with sqlite3.connect(lib.ctx.paths.database) as conn:  # by hand again, the app closed
        conn.execute(f"DROP TABLE {search_repo.CHANGE_LOG}")
    again = Library.open(lib.ctx.paths.root, settings=lib.ctx.settings)
    try:
        again.pieces.update(actors["marketing"], pid, title="Echidna onboarding")
        index = _opened(again, stamp_reads)
        assert index.ensure_fresh() == 0  # the write's hook re-indexed it; the open compared to be sure
        assert stamp_reads == ["database", "index"]
        assert _found(index, "echidna") == 1
        stamp_reads.clear()
        _sql(again, "UPDATE pieces SET title = 'Quokka onboarding' WHERE title = 'Echidna onboarding'")
        assert _opened(again, stamp_reads).ensure_fresh() == 1 and stamp_reads == []
    finally:
        again.close()


def test_a_changed_index_is_still_found(lib: Library, stamp_reads):
    lib.search.index.backend.delete([lib.search.search(lib.users.actor("Maya Marketing"), "pricing").pieces[0].id])
    assert _opened(lib, stamp_reads).ensure_fresh() == 1
    assert stamp_reads == ["database", "index"]


def test_the_log_is_pruned_below_the_index_entry(lib: Library, stamp_reads, monkeypatch):
    monkeypatch.setattr(search_service, "_PRUNE_EVERY", 3)
    for n in range(5):
        _sql(lib, f"UPDATE pieces SET description = 'change {n}' WHERE title = 'Piece 1'")
    newest = _log_rows(lib)[-1][0]
    assert _opened(lib, stamp_reads).ensure_fresh() == 1 and stamp_reads == []
    assert [seq for seq, _ in _log_rows(lib)] == [newest]  # the index's own entry stays
    _sql(lib, "UPDATE pieces SET title = 'Narwhal pricing' WHERE title = 'Piece 1'")
    index = _opened(lib, stamp_reads)
    assert index.ensure_fresh() == 1 and stamp_reads == []
    assert _found(index, "narwhal") == 1


def test_many_changes_are_reindexed_a_batch_at_a_time(lib: Library, stamp_reads, monkeypatch):
    monkeypatch.setattr(search_service, "_REINDEX_BATCH", 2)
    _sql(lib, "UPDATE pieces SET title = 'Axolotl ' || title WHERE title IN ('Piece 1', 'Piece 2')")
    _sql(lib, "UPDATE pieces SET status = 'purged' WHERE title = 'Piece 0'")
    index = _opened(lib, stamp_reads)
    assert index.ensure_fresh() == 3 and stamp_reads == []
    assert _found(index, "axolotl") == 2 and _found(index, "security") == 0


def test_two_indexes_of_one_library_follow_each_other(lib: Library, stamp_reads):
    """Two processes of one library share its index folder: each one's refresh moves the entry."""
    first, second = _opened(lib, stamp_reads), _opened(lib, stamp_reads)
    first.ensure_fresh()
    second.ensure_fresh()
    assert stamp_reads == []
    pid = first.search(SearchRequest(text="pricing")).hits[0].piece_id
    _sql(lib, f"UPDATE pieces SET title = 'Wallaby pricing' WHERE id = {pid}")
    first.refresh([pid])
    _sql(lib, "UPDATE pieces SET title = 'Dingo plan' WHERE title = 'Piece 2'")
    third = _opened(lib, stamp_reads)
    assert third.ensure_fresh() == 1  # only the second change is left
    assert stamp_reads == []
    assert _found(third, "wallaby") == 1 and _found(third, "dingo") == 1


def test_a_rebuild_records_the_log_entry_so_the_next_open_reads_no_stamp(tmp_path: Path, stamp_reads):
    lib = Library.open(tmp_path / "fresh", settings=settings_for_tests())
    try:
        lib.users.create(None, "Ada Admin", "admin")
        make_pdf(tmp_path / "a.pdf", ["Pricing for buyers"], title="Price list")
        lib.importer.import_paths(lib.users.default_actor(), [tmp_path / "a.pdf"])
        lib.search.reindex()
        stamp_reads.clear()
        assert _opened(lib, stamp_reads).ensure_fresh() == 0
        assert stamp_reads == []
    finally:
        lib.close()


@pytest.mark.postgres
def test_a_library_on_postgresql_keeps_the_log_and_finds_a_late_commit(tmp_path: Path, stamp_reads):
    """On PostgreSQL commit order is not sequence order: a transaction that drew its entry
    before the index read the log, and committed after, is still found at the next open."""
    from enablement.storage.engine import make_engine
    from tests.pg import throwaway_database_url

    with throwaway_database_url() as url:
        lib = Library.open(tmp_path / "pg", settings=settings_for_tests(), database_url=url)
        other = make_engine(url)  # another program
        try:
            lib.users.create(None, "Ada Admin", "admin")
            admin = lib.users.default_actor()
            for n, words in enumerate(["Pricing for buyers", "Security answers"]):
                make_pdf(tmp_path / f"{n}.pdf", [words], title=f"Piece {n}")
                lib.importer.import_paths(admin, [tmp_path / f"{n}.pdf"])
            lib.search.index.ensure_fresh()
            stamp_reads.clear()
            assert _opened(lib, stamp_reads).ensure_fresh() == 0 and stamp_reads == []
            late = other.connect()
            slow = late.begin()
            late.execute(text("UPDATE pieces SET title = 'Ocelot pricing' WHERE title = 'Piece 0'"))
            with other.begin() as conn:
                conn.execute(text("UPDATE pieces SET title = 'Lynx security' WHERE title = 'Piece 1'"))
            index = _opened(lib, stamp_reads)
            assert index.ensure_fresh() == 1 and stamp_reads == []
            assert _found(index, "lynx") == 1 and _found(index, "ocelot") == 0
            slow.commit()
            late.close()
            index = _opened(lib, stamp_reads)
            assert index.ensure_fresh() == 1 and stamp_reads == []  # the late commit alone
            assert _found(index, "ocelot") == 1
            index.close()
            with other.begin() as conn:  # the sequence set back by hand: numbers still never repeat
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{search_repo.CHANGE_LOG}', 'seq'), 1)"))
                conn.execute(text("UPDATE pieces SET title = 'Caracal security' WHERE title = 'Lynx security'"))
            index = _opened(lib, stamp_reads)
            assert index.ensure_fresh() == 1 and stamp_reads == []
            assert _found(index, "caracal") == 1
            index.close()
            with other.begin() as conn:  # by hand: writes go on, the next open compares and repairs
                conn.execute(text(f"DROP TABLE {search_repo.CHANGE_LOG}"))
                conn.execute(text("UPDATE pieces SET title = 'Serval pricing', updated_at = '2099-01-01' "
                                  "WHERE title = 'Ocelot pricing'"))
            index = _opened(lib, stamp_reads)
            assert index.ensure_fresh() == 1 and stamp_reads == ["database", "index"]
            assert _found(index, "serval") == 1
            stamp_reads.clear()
            assert _opened(lib, stamp_reads).ensure_fresh() == 0 and stamp_reads == []  # the log made again
            index.close()
        finally:
            other.dispose()
            lib.close()
