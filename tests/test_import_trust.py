"""Imports store exactly the bytes they checked, and a lost race is a duplicate.

The source is replaced mid-import (a shared drive being written to) with a macro-carrying
file: what is stored, hashed and indexed must be the original the import checked. On
PostgreSQL two processes import the same folder at once: every file lands once, the other
process reports it as a duplicate, neither dies.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import time
from pathlib import Path

import pytest

from enablement.errors import InvalidInput
from enablement.services.library import Library
from tests.conftest import settings_for_tests
from tests.filemaker_docs import make_docx
from tests.filemaker_hostile import make_macro_docx
from tests.pg import throwaway_database_url


def test_the_bytes_stored_are_the_bytes_checked(library: Library, actors, tmp_path: Path):
    folder = tmp_path / "share"
    folder.mkdir()
    source = make_docx(folder / "a-case-study.docx", ["Checked and harmless text"])
    checked = source.read_bytes()
    (folder / "b-empty.txt").write_bytes(b"")  # checked second: its progress report comes mid-import
    swapped = make_macro_docx(tmp_path / "macro.docx")

    def progress(done: int, total: int, name: str) -> None:
        if name.endswith(": b-empty.txt"):  # a-case-study.docx has been read; replace it on the "share"
            source.write_bytes(swapped.read_bytes())

    summary = library.importer.import_paths(actors["marketing"], [folder], progress=progress).value
    outcomes = {Path(o.path).name: o for o in summary.outcomes}
    assert outcomes["a-case-study.docx"].outcome == "ok" and outcomes["b-empty.txt"].outcome == "rejected"
    assert source.read_bytes() == swapped.read_bytes()  # the swap really happened
    assert set(library.ctx.blobs.all_hashes()) == {hashlib.sha256(checked).hexdigest()}
    piece = library.pieces.get(outcomes["a-case-study.docx"].piece_id)
    assert "Checked and harmless" in piece.text_excerpt
    assert library.ctx.blobs.leftover_temp_files() == [] and library.maintenance.check().ok


def test_nothing_to_import_says_why(library: Library, actors, tmp_path: Path):
    (tmp_path / "empty").mkdir()
    link = tmp_path / "link.pdf"
    link.symlink_to(tmp_path / "empty")
    cases = {"/dev/null": "not a regular file", str(tmp_path / "nope.pdf"): "does not exist",
             str(link): "symbolic link", str(library.ctx.paths.root): "library's own folder",
             str(tmp_path / "empty"): "holds no files"}
    for path, words in cases.items():
        with pytest.raises(InvalidInput, match=words):
            library.importer.import_paths(actors["marketing"], [Path(path)])


def _import_in_process(root: str, url: str, folder: str, start_at: float, results) -> None:  # type: ignore[no-untyped-def]
    """One 'machine': its own library folder on the shared database."""
    try:
        with Library.open(Path(root), settings=settings_for_tests(), database_url=url) as lib:
            actor = lib.users.actor("Ada Admin")
            while time.time() < start_at:  # both start together
                time.sleep(0.01)
            summary = lib.importer.import_paths(actor, [Path(folder)]).value
            results.put([(Path(o.path).name, o.outcome) for o in summary.outcomes])
    except BaseException as exc:  # reported, so the test fails with the reason
        results.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.postgres
@pytest.mark.slow
def test_two_imports_of_one_folder_at_once_on_postgresql(tmp_path: Path):
    folder = tmp_path / "share"
    folder.mkdir()
    for n in range(12):
        (folder / f"note{n:02}.txt").write_text(f"Objection handling note number {n}\n" * 20)
    with throwaway_database_url() as url:
        with Library.open(tmp_path / "seed", settings=settings_for_tests(), database_url=url) as lib:
            lib.users.create(None, "Ada Admin", "admin")
        ctx = multiprocessing.get_context("spawn")
        results = ctx.Queue()
        start_at = time.time() + 8  # after both have opened their library
        procs = [ctx.Process(target=_import_in_process, args=(str(tmp_path / f"m{i}"), url, str(folder),
                                                                start_at, results)) for i in range(2)]
        import psycopg

        # Force the race: both imports reach the same file together and wait (on the blobs
        # table, whose inserts an EXCLUSIVE lock blocks, or on each other); released, exactly
        # one may add the piece and the other must find it.
        with psycopg.connect(url) as gate:
            gate.execute("LOCK TABLE blobs IN EXCLUSIVE MODE")
            for p in procs:
                p.start()
            deadline = time.time() + 240
            while time.time() < deadline:
                waiting = gate.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND "
                                       "(relation = 'blobs'::regclass OR locktype = 'advisory')").fetchone()[0]
                if waiting >= 2:
                    break
                time.sleep(0.2)
            assert waiting >= 2, "both imports should be waiting to store the same file"
            gate.commit()
        got = [results.get(timeout=300) for _ in procs]
        for p in procs:
            p.join(30)
        assert all(isinstance(g, list) for g in got), got
        by_file: dict[str, list[str]] = {}
        for outcomes in got:
            for name, outcome in outcomes:
                by_file.setdefault(name, []).append(outcome)
        assert len(by_file) == 12
        assert all(sorted(map(str, o)) == ["duplicate", "ok"] for o in by_file.values()), by_file
        with Library.open(tmp_path / "seed", settings=settings_for_tests(), database_url=url) as lib:
            assert len(lib.pieces.list(statuses=None)) == 12
