"""Restore treats a backup as untrusted: everything is checked before anything is written.

Hostile backups are made in the test from a real one: settings that would switch off the
parser's limits, oversized or over-compressed members, a damaged or newer-schema
database, a file whose bytes differ from its hash, a missing file, unexpected names.
"""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from enablement.config import ImportLimits, Settings
from enablement.errors import InvalidInput, LibraryError, StorageError
from enablement.services import restore as restore_module
from enablement.services.library import Library
from enablement.services.restore import restore_backup
from enablement.services.restore import FILE_MISSING
from tests.filemaker_docs import make_pdf

Edit = Callable[[str, bytes], "bytes | None"]


@pytest.fixture
def backup(library: Library, actors, tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(3):
        make_pdf(folder / f"doc{n}.pdf", [f"Pricing guide part {n}"])
    library.importer.import_paths(actors["marketing"], [folder])
    return library.maintenance.backup(tmp_path / "backups")


def rewrite(src: Path, dst: Path, edit: Edit | None = None, extra: dict[str, bytes] | None = None,
            compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """Copy a backup, passing each member through ``edit`` (None drops it), adding ``extra``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if edit is not None:
                data = edit(info.filename, data)
            if data is not None:
                zout.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def edit_database(src: Path, dst: Path, tmp: Path, sql: str) -> Path:
    """A backup whose database had ``sql`` run on it."""
    db = tmp / "edited.db"
    with zipfile.ZipFile(src) as zf:
        db.write_bytes(zf.read("library.db"))
    con = sqlite3.connect(db)
    with con:
        con.executescript(sql)
    con.close()
    return rewrite(src, dst, lambda name, data: db.read_bytes() if name == "library.db" else data)


def assert_left_nothing(root: Path) -> None:
    assert not root.exists()
    assert not [p for p in root.parent.iterdir() if p.name.startswith(".restore-")]


def test_settings_in_a_backup_never_reach_machine_local_values(backup: Path, tmp_path):
    hostile = {"database_url": "postgresql://attacker@evil.example/db", "workers": 999,
               "limits": {"memory_bytes": 0, "timeout_seconds": 1e9, "max_pages": 10 ** 9},
               "review_period_days": 90, "hours_to_build_piece": float("nan"),
               "stale_warning_days": 10 ** 9}
    crafted = rewrite(backup, tmp_path / "crafted.zip",
                      lambda n, d: json.dumps(hostile).encode() if n == "settings.json" else d)
    report = restore_backup(crafted, tmp_path / "restored")
    assert report.settings_taken == ("review_period_days",)
    assert set(report.settings_ignored) == {"database_url", "workers", "limits", "hours_to_build_piece",
                                            "stale_warning_days"}
    settings = Settings.load(tmp_path / "restored" / "settings.json")
    assert settings.review_period_days == 90
    assert settings.limits == ImportLimits() and settings.database_url == ""
    assert settings.workers == Settings().workers and settings.hours_to_build_piece == 4.0


def test_backup_carries_only_library_wide_settings(library: Library, tmp_path):
    library.ctx.settings = Settings(database_url="postgresql://me@server/lib", review_period_days=30)
    with zipfile.ZipFile(library.maintenance.backup(tmp_path / "b.zip")) as zf:
        carried = json.loads(zf.read("settings.json"))
    assert carried == {"review_period_days": 30, "stale_warning_days": 30, "hours_to_build_piece": 4.0}


def test_force_keeps_the_machine_local_settings_of_the_replaced_library(backup: Path, tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    Settings(workers=3, limits=ImportLimits(max_pages=50)).save(target / "settings.json")
    restore_backup(backup, target, force=True)
    settings = Settings.load(target / "settings.json")
    assert settings.workers == 3 and settings.limits.max_pages == 50
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("target.replaced-")]


def test_an_oversized_member_is_refused_from_the_directory_alone(backup: Path, tmp_path):
    big = os.urandom(3 * 1024 * 1024)
    with zipfile.ZipFile(backup) as zf:
        name = next(n for n in zf.namelist() if n.startswith("blobs/"))
    crafted = rewrite(backup, tmp_path / "big.zip", lambda n, d: big if n == name else d,
                      compression=zipfile.ZIP_STORED)
    with pytest.raises(InvalidInput, match="would expand to 3 MB"):
        restore_backup(crafted, tmp_path / "restored", limits=ImportLimits(max_file_bytes=1024 * 1024))
    assert_left_nothing(tmp_path / "restored")


def test_a_zero_filled_database_is_refused_before_it_is_written(backup: Path, tmp_path):
    crafted = rewrite(backup, tmp_path / "zeros.zip",
                      lambda n, d: b"\0" * (16 * 1024 * 1024) if n == "library.db" else d)
    with pytest.raises(InvalidInput, match="expands too much"):
        restore_backup(crafted, tmp_path / "restored")
    assert_left_nothing(tmp_path / "restored")
    junk = rewrite(backup, tmp_path / "junk.zip", lambda n, d: os.urandom(4096) if n == "library.db" else d)
    with pytest.raises(LibraryError, match="not an SQLite database"):
        restore_backup(junk, tmp_path / "restored")
    assert_left_nothing(tmp_path / "restored")


def test_no_free_space_refuses_before_writing(backup: Path, tmp_path, monkeypatch):
    real = restore_module.shutil.disk_usage

    def tiny(path):  # the disk as a nearly full one would report it
        usage = real(path)
        return type(usage)(usage.total, usage.total - 1024, 1024)

    monkeypatch.setattr(restore_module.shutil, "disk_usage", tiny)
    with pytest.raises(StorageError, match="Not enough free space"):
        restore_backup(backup, tmp_path / "restored")
    assert_left_nothing(tmp_path / "restored")


def test_a_damaged_database_is_refused(backup: Path, tmp_path):
    def damage(name: str, data: bytes) -> bytes:
        if name != "library.db":
            return data
        page = int.from_bytes(data[16:18], "big")
        body = bytearray(data)
        for at in range(page, len(body) - page, page):  # every b-tree page header but the first
            body[at:at + 8] = b"\xee" * 8
        return bytes(body)

    crafted = rewrite(backup, tmp_path / "damaged.zip", damage)
    with pytest.raises(LibraryError, match="damaged"):
        restore_backup(crafted, tmp_path / "restored")
    assert_left_nothing(tmp_path / "restored")


def test_a_newer_schema_is_refused_and_leaves_nothing(backup: Path, tmp_path):
    crafted = edit_database(backup, tmp_path / "newer.zip", tmp_path,
                            "UPDATE alembic_version SET version_num = '9999_from_the_future'")
    with pytest.raises(LibraryError, match="newer version"):
        restore_backup(crafted, tmp_path / "restored")
    assert_left_nothing(tmp_path / "restored")


def test_a_file_whose_bytes_differ_from_its_hash_is_refused(backup: Path, tmp_path):
    def flip(name: str, data: bytes) -> bytes:
        if not name.startswith("blobs/"):
            return data
        return data[:-5] + bytes(b ^ 0xFF for b in data[-5:])

    crafted = rewrite(backup, tmp_path / "flipped.zip", flip)
    with pytest.raises(LibraryError, match="hash differs"):
        restore_backup(crafted, tmp_path / "restored")
    assert_left_nothing(tmp_path / "restored")


def test_a_file_whose_size_disagrees_with_its_record_is_refused(backup: Path, tmp_path):
    crafted = rewrite(backup, tmp_path / "longer.zip",
                      lambda n, d: d + b"\0" * 10 if n.startswith("blobs/") else d)
    with pytest.raises(LibraryError, match="its record says"):
        restore_backup(crafted, tmp_path / "restored")
    assert_left_nothing(tmp_path / "restored")


def test_missing_files_are_listed_and_their_pieces_marked(backup: Path, tmp_path):
    with zipfile.ZipFile(backup) as zf:
        dropped = next(n for n in zf.namelist() if n.startswith("blobs/"))
    crafted = rewrite(backup, tmp_path / "partial.zip", lambda n, d: None if n == dropped else d)
    report = restore_backup(crafted, tmp_path / "restored")
    assert not report.complete and report.pieces == 3 and report.files == 2
    assert [m.sha256 for m in report.missing] == [dropped.rsplit("/", 1)[1]]
    with Library.open(tmp_path / "restored") as lib:
        detail = lib.pieces.get(report.missing[0].piece_id)
        assert FILE_MISSING in repr(detail)
        assert [p.kind for p in lib.maintenance.check().problems] == ["blob"]


@pytest.mark.parametrize("name", ["../evil", "blobs/ab/../../x", "/etc/passwd", "notes.txt",
                                  "blobs/00/" + "ab" * 32])
def test_unexpected_entries_are_refused(backup: Path, tmp_path, name):
    crafted = rewrite(backup, tmp_path / "odd.zip", extra={name: b"x"})
    with pytest.raises(InvalidInput, match="unexpected entry|misfiled entry"):
        restore_backup(crafted, tmp_path / "restored")
    assert_left_nothing(tmp_path / "restored")


def test_not_a_file_and_not_a_folder_are_refused(backup: Path, tmp_path):
    with pytest.raises(InvalidInput, match="not a file"):
        restore_backup(tmp_path, tmp_path / "restored")
    occupied = tmp_path / "occupied"
    occupied.write_text("a file, not a folder")
    with pytest.raises(InvalidInput, match="is a file"):
        restore_backup(backup, occupied)


def test_the_command_line_lists_missing_files_and_exits_3(backup: Path, tmp_path, capsys, monkeypatch):
    from enablement.cli import main

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with zipfile.ZipFile(backup) as zf:
        dropped = next(n for n in zf.namelist() if n.startswith("blobs/"))
    crafted = rewrite(backup, tmp_path / "partial.zip", lambda n, d: None if n == dropped else d)
    code = main(["--library", str(tmp_path / "restored"), "restore", str(crafted)])
    out = capsys.readouterr().out
    assert code == 3
    assert out.count("MISSING piece") == 1 and "(3 pieces, 2 files; 1 piece without a file)" in out
    code = main(["--library", str(tmp_path / "refused"), "restore", str(rewrite(
        backup, tmp_path / "odd.zip", extra={"../evil": b"x"}))])
    err = capsys.readouterr().err
    assert code == 1 and "unexpected entry" in err and len(err.strip().splitlines()) == 1
    assert_left_nothing(tmp_path / "refused")
