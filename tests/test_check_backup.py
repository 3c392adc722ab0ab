"""``check`` finds every broken invariant; backups restore a working library."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from enablement.errors import InvalidInput
from enablement.models.tables import Blob, Piece
from enablement.services.library import Library
from enablement.services.restore import restore_backup
from enablement.storage.engine import write_session
from tests.filemaker_docs import make_pdf


@pytest.fixture
def filled(library: Library, actors, tmp_path) -> Library:
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(3):
        make_pdf(folder / f"doc{n}.pdf", [f"Onboarding guide part {n}"])
    library.importer.import_paths(actors["marketing"], [folder])
    return library


def kinds(library: Library) -> list[str]:
    return sorted(p.kind for p in library.maintenance.check().problems)


def test_a_healthy_library_checks_ok(filled: Library):
    report = filled.maintenance.check()
    assert report.ok and report.facts["pieces"] == 3 and report.facts["blobs"] == 3


def test_an_empty_library_checks_ok_with_its_index_ok(library: Library, actors):
    """A new library's index holds no documents: that is a healthy index, not a damaged one."""
    library.search.search(actors["rep"], "pricing")  # builds the (empty) index
    index = library.maintenance.check().facts["index"]
    assert index["state"] == "ok" and index["documents"] == 0 and "problem" not in index


def test_missing_and_damaged_blobs_are_problems(filled: Library):
    hashes = sorted(filled.ctx.blobs.all_hashes())
    filled.ctx.blobs.path_for(hashes[0]).unlink()
    path = filled.ctx.blobs.path_for(hashes[1])
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    problems = filled.maintenance.check().problems
    assert any("missing" in p.detail for p in problems)
    assert any("no longer matches its hash" in p.detail for p in problems)
    # --quick skips re-hashing, so only the missing one shows.
    assert [p.kind for p in filled.maintenance.check(verify_hashes=False).problems] == ["blob"]


def test_row_pointing_at_missing_version_is_a_problem(filled: Library):
    with write_session(filled.ctx.engine) as s:
        piece = s.exec(select(Piece)).first()
        piece.current_version_id = 9999
    assert kinds(filled) == ["piece"]


def test_orphans_are_collectable_not_problems(filled: Library, actors, tmp_path):
    orphan = filled.ctx.blobs.put_file(make_pdf(tmp_path / "orphan.pdf", ["Left by a killed import"]))
    (filled.ctx.blobs.root / ".incoming-dead").write_bytes(b"partial")
    report = filled.maintenance.check()
    assert report.ok
    assert report.facts["collectable_blob_files"] == 1 and report.facts["leftover_temp_files"] == 1
    removed = filled.maintenance.collect_garbage(actors["admin"]).value
    assert removed == {"blob_files": 1, "blob_rows": 0, "temp_files": 1}
    assert not filled.ctx.blobs.exists(orphan.sha256)
    assert filled.maintenance.check().facts["collectable_blob_files"] == 0


def test_backup_and_restore_round_trip(filled: Library, tmp_path):
    archive = filled.maintenance.backup(tmp_path / "backups")
    assert archive.name.startswith("enablement-backup-") and archive.suffix == ".zip"
    titles = sorted(p.title for p in filled.pieces.list())
    restore_backup(archive, tmp_path / "restored")
    with Library.open(tmp_path / "restored") as lib:
        assert sorted(p.title for p in lib.pieces.list()) == titles
        assert lib.maintenance.check().ok
        assert lib.search.search(lib.users.default_actor(), "onboarding").results.total == 3
    with pytest.raises(InvalidInput, match="already holds a library"):
        restore_backup(archive, tmp_path / "restored")
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="not an Enablement backup"):
        restore_backup(bogus, tmp_path / "elsewhere")


def test_blob_rows_without_files_are_reported(filled: Library):
    with write_session(filled.ctx.engine) as s:
        s.add(Blob(sha256="0" * 64, size=3, file_type="pdf"))
    problems = filled.maintenance.check().problems
    assert [p.kind for p in problems] == ["blob"] and "missing" in problems[0].detail
