"""Fault injection: fail the N-th fsync, rename or commit of a 50-file import.

After each failure the library must check clean (no row pointing at a missing or damaged
file) and a re-import must complete exactly: 50 pieces, one per file, nothing twice.

The suite runs N over an even spread of each kind's range (``ENABLEMENT_FAULT_STRIDE``,
default 4 points per kind); ``ENABLEMENT_FAULT_STRIDE=1`` runs every N (a few hundred
imports: minutes, for a quiet machine).
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
from contextlib import ExitStack
from pathlib import Path
from typing import Callable
from unittest import mock

import pytest
from sqlalchemy import event

from enablement.services.library import Library
from tests.conftest import settings_for_tests

FILES = 50
# Calls one clean 50-file import makes (measured: see count_calls); the points tried spread
# over them.
KINDS = ("fsync", "rename", "commit")


def make_files(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True)
    hashes = {}
    for n in range(FILES):
        path = folder / f"note{n:02}.txt"
        path.write_text(f"Objection handling note {n}: pricing, security and onboarding.\n" * 8)
        hashes[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def open_library(root: Path) -> Library:
    lib = Library.open(root, settings=settings_for_tests())
    if not lib.users.list():
        lib.users.create(None, "Ada Admin", "admin")
    return lib


def with_faults(lib: Library, kind: str, fail_at: int | None, stack: ExitStack) -> dict[str, int]:
    """Count fsyncs, renames and commits; make the ``fail_at``-th one of ``kind`` fail."""
    counts = dict.fromkeys(KINDS, 0)

    def tick(which: str) -> None:
        counts[which] += 1
        if which == kind and counts[which] == fail_at:
            if which == "commit":
                raise sqlite3.OperationalError("disk I/O error")
            raise OSError(errno.EIO, f"injected {which} failure")

    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        tick("fsync")
        real_fsync(fd)

    def replace(src, dst) -> None:  # type: ignore[no-untyped-def]
        tick("rename")
        real_replace(src, dst)

    def on_commit(conn) -> None:  # type: ignore[no-untyped-def]
        tick("commit")

    stack.enter_context(mock.patch("os.fsync", fsync))
    stack.enter_context(mock.patch("os.replace", replace))
    event.listen(lib.ctx.engine, "commit", on_commit)
    stack.callback(event.remove, lib.ctx.engine, "commit", on_commit)
    return counts


def points(total: int) -> list[int]:
    stride = int(os.environ.get("ENABLEMENT_FAULT_STRIDE", "0")) or max(1, total // 4)
    chosen = list(range(1, total + 1, stride))
    return chosen if total in chosen else chosen + [total]


@pytest.fixture(scope="module")
def calls(tmp_path_factory) -> dict[str, int]:
    """How many of each call a clean 50-file import makes."""
    tmp = tmp_path_factory.mktemp("count")
    make_files(tmp / "docs")
    lib = open_library(tmp / "lib")
    try:
        with ExitStack() as stack:
            counts = with_faults(lib, "none", None, stack)
            summary = lib.importer.import_paths(lib.users.default_actor(), [tmp / "docs"]).value
        assert summary.count("ok") == FILES
        return counts
    finally:
        lib.close()


def trial(tmp: Path, kind: str, n: int) -> None:
    hashes = make_files(tmp / "docs")
    lib = open_library(tmp / "lib")
    actor = lib.users.default_actor()
    try:
        with ExitStack() as stack:
            with_faults(lib, kind, n, stack)
            try:
                lib.importer.import_paths(actor, [tmp / "docs"])
            except Exception:  # the injected failure may surface (it must leave no damage)
                pass
        report = lib.maintenance.check()
        assert report.ok, (kind, n, report.problems)
        again = lib.importer.import_paths(actor, [tmp / "docs"]).value
        assert {o.outcome for o in again.outcomes} <= {"duplicate", "ok"}, (kind, n, again.outcomes)
        pieces = lib.pieces.list(statuses=None)
        assert len(pieces) == FILES, (kind, n, len(pieces))
        stored = {lib.pieces.get(p.id).versions[0].original_name for p in pieces}
        assert stored == set(hashes)
        assert set(hashes.values()) <= set(lib.ctx.blobs.all_hashes())
        assert lib.maintenance.check().ok and lib.ctx.blobs.leftover_temp_files() == []
    finally:
        lib.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_a_failed_fsync_rename_or_commit_leaves_a_library_that_checks_and_reimports(
        calls: dict[str, int], kind: str, tmp_path: Path) -> None:
    assert calls[kind] >= FILES  # every file is fsynced, renamed and committed at least once
    for n in points(calls[kind]):
        trial(tmp_path / f"{kind}-{n}", kind, n)
