"""A laptop's cache of the team server's files, with real bytes on a real server: a download
killed midway resumes from its last whole chunk; a corrupted chunk is found by the hash and
fetched again; a kit export on a laptop that never had the files fetches them; files of
kits stay, the most-used published pieces are prefetched within the quota, other files are
evicted least recently used; files of vanished pieces go."""

from __future__ import annotations

import hashlib
import logging
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from enablement.errors import FileNotHere, Offline
from enablement.models.dto import UseRecord
from enablement.team.blobs import CHUNK_BYTES, ServerBlobCache
from enablement.team.library import open_team_library
from tests.conftest import settings_for_tests
from tests.team.files_support import publish_files
from tests.team.proxy import Proxy
from tests.team.server import TeamServer, team_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def words_file(path: Path, size: int, seed: int) -> Path:
    """A text file of ``size`` bytes of words (indexable, different for each seed)."""
    rnd = random.Random(seed)
    vocab = [f"w{rnd.randrange(10**6)}" for _ in range(5000)] + [f"marker{seed}"]
    out, n = [], 0
    while n < size:
        word = rnd.choice(vocab)
        out.append(word)
        n += len(word) + 1
    path.write_text(" ".join(out)[:size], encoding="ascii")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TeamServer, dict[str, tuple[int, bytes]]]]:
    """A server with four published pieces: 'big' spans 4 chunks (3.5 MiB), the others are small."""
    folder = tmp_path_factory.mktemp("files-in")
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        for name, login in (("Rita Rep", "rita"), ("Ravi Rep", "ravi"), ("Rosa Rep", "rosa"), ("Remy Rep", "remy"),
                            ("Rhea Rep", "rhea")):
            srv.add(name, login, "rep")  # one rep per test: kits and uses live on the server
        sources = {"big": words_file(folder / "big.txt", CHUNK_BYTES * 3 + CHUNK_BYTES // 2, 1),
                   "a": words_file(folder / "a.txt", 300_000, 2),
                   "b": words_file(folder / "b.txt", 300_000, 3),
                   "c": words_file(folder / "c.txt", 300_000, 4)}
        yield srv, publish_files(srv, folder / "desk", sources)


def open_rep(srv: TeamServer, folder: Path, name: str = "Rita Rep"):  # type: ignore[no-untyped-def]
    return open_team_library(srv.url(srv.logins[name]), folder, settings=settings_for_tests(),
                             with_index=False)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


KILL_AFTER_TWO_CHUNKS = """
import os, signal, sys
from pathlib import Path
from enablement.team.library import open_team_library
lib, _ = open_team_library(sys.argv[1], Path(sys.argv[2]), with_index=False, password_sources=[])
def progress(done, total):
    if done == 2:
        os.kill(os.getpid(), signal.SIGKILL)
lib.ctx.blobs.fetch(sys.argv[3], progress)
"""


def test_a_download_killed_midway_resumes_from_its_last_whole_chunk(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, pieces = server
    _, data = pieces["big"]
    laptop = tmp_path / "laptop"
    child = subprocess.run([sys.executable, "-c", KILL_AFTER_TWO_CHUNKS, srv.url(srv.logins["Rita Rep"]),
                            str(laptop), sha(data)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr
    lib, _ = open_rep(srv, laptop)
    try:
        cache = lib.ctx.blobs
        partial = cache.path_for(sha(data)).with_name(sha(data) + ".partial")
        assert partial.stat().st_size == 2 * CHUNK_BYTES and not cache.exists(sha(data))
        seen: list[int] = []
        path = cache.fetch(sha(data), lambda done, total: seen.append(done))
        assert seen == [3, 4]  # only the two chunks it did not have
        assert path.read_bytes() == data and not partial.exists()
    finally:
        lib.close()


def test_a_corrupted_chunk_is_found_by_the_hash_and_fetched_again(server, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    srv, pieces = server
    _, data = pieces["big"]
    lib, _ = open_rep(srv, tmp_path / "laptop")
    try:
        cache = lib.ctx.blobs
        partial = cache.path_for(sha(data)).with_name(sha(data) + ".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        damaged = bytearray(data[:3 * CHUNK_BYTES])  # three whole chunks here, the second one damaged
        damaged[CHUNK_BYTES + 12345] ^= 0xFF
        partial.write_bytes(bytes(damaged))
        seen: list[int] = []
        with caplog.at_level(logging.WARNING, logger="enablement.team.blobs"):
            path = cache.fetch(sha(data), lambda done, total: seen.append(done))
        assert seen == [4]
        assert path.read_bytes() == data
        assert "1 chunk(s) did not match" in caplog.text
    finally:
        lib.close()


def test_a_kit_export_on_a_laptop_that_never_had_the_files_fetches_them(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, pieces = server
    lib, rita = open_rep(srv, tmp_path / "laptop")
    try:
        cache = lib.ctx.blobs
        assert cache.report().files == 0
        kit = lib.kits.create(rita, "Acme call", account="Acme").value
        for name in ("big", "a"):
            lib.kits.add(rita, kit, pieces[name][0])
        exported = lib.kits.export(rita, kit, tmp_path / "out").value
        assert sorted(f.read_bytes() for f in exported.files) == sorted([pieces["big"][1], pieces["a"][1]])
        report = cache.report()
        assert (report.files, report.pinned_files) == (2, 2)
        assert report.bytes == len(pieces["big"][1]) + len(pieces["a"][1]) == report.pinned_bytes
        assert "2 kept for your kits" in report.line()
    finally:
        lib.close()


def test_kit_files_stay_and_other_files_go_least_recently_used_first(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, pieces = server
    lib, rita = open_rep(srv, tmp_path / "laptop", "Ravi Rep")
    try:
        cache: ServerBlobCache = lib.ctx.blobs
        kit = lib.kits.create(rita, "Pinned").value
        lib.kits.add(rita, kit, pieces["big"][0])
        for name in ("big", "a", "b"):
            lib.pieces.version_file(pieces[name][0])
        past = time.time() - 3600
        for name, age in (("big", 300), ("a", 200), ("b", 100)):  # big oldest, then a, then b
            os.utime(cache.path_for(sha(pieces[name][1])), (past - age, past - age))
        cache.cache_bytes = len(pieces["big"][1]) + len(pieces["a"][1]) + len(pieces["b"][1])  # room for all three, not a fourth
        lib.pieces.version_file(pieces["a"][0])  # a is used again: now the most recent
        lib.pieces.version_file(pieces["c"][0])  # c comes on demand: over the limit by one file
        held = {name for name in pieces if cache.exists(sha(pieces[name][1]))}
        assert held == {"big", "a", "c"}  # b, the least recently used unpinned file, went; big is pinned
        cache.cache_bytes = 0
        assert cache.evict() == (2, len(pieces["a"][1]) + len(pieces["c"][1]))
        assert {name for name in pieces if cache.exists(sha(pieces[name][1]))} == {"big"}
    finally:
        lib.close()


def test_the_most_used_published_pieces_are_prefetched_within_the_quota(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, pieces = server
    lib, rita = open_rep(srv, tmp_path / "laptop", "Rosa Rep")
    try:
        for name, uses in (("c", 20), ("b", 10)):  # other tests' kit exports count one use each
            for _ in range(uses):
                lib.usage.record(rita, UseRecord(kind="used_in_call", piece_id=pieces[name][0]))
        lib.replica.sync()  # the uses go to the server (popularity counts them there)
        cache: ServerBlobCache = lib.ctx.blobs
        small = len(pieces["c"][1]) + len(pieces["b"][1])
        cache.prefetch_bytes = small + 10  # room for the two most used small files only
        moved = cache.sync_files()
        held = {name for name in pieces if cache.exists(sha(pieces[name][1]))}
        assert held == {"c", "b"}
        assert (moved.downloaded, moved.downloaded_bytes, moved.evicted) == (2, small, 0)
        assert cache.sync_files().downloaded == 0  # nothing new the second time
    finally:
        lib.close()


def test_files_of_pieces_that_vanished_are_forgotten(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, pieces = server
    lib, _ = open_rep(srv, tmp_path / "laptop")
    try:
        cache: ServerBlobCache = lib.ctx.blobs
        lib.pieces.version_file(pieces["a"][0])
        cache.forget([sha(pieces["a"][1]), sha(pieces["b"][1])])
        assert cache.report().files == 0
    finally:
        lib.close()


def test_offline_a_missing_file_says_so_is_queued_and_comes_at_the_next_sync(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, pieces = server
    big, small = sha(pieces["big"][1]), sha(pieces["b"][1])
    with Proxy("127.0.0.1", 5432) as proxy:
        url = f"postgresql://{srv.logins['Remy Rep']}@127.0.0.1:{proxy.port}/{srv.dbname}"
        lib, _ = open_team_library(url, tmp_path / "laptop", settings=settings_for_tests(), with_index=False,
                                   password_sources=[])
        try:
            cache: ServerBlobCache = lib.ctx.blobs
            cache.prefetch_bytes = 0

            def cut_after_two(done: int, total: int) -> None:
                if done == 2:
                    proxy.kill()  # the network goes in the middle of a download

            with pytest.raises(Offline):
                cache.fetch(big, cut_after_two)
            with pytest.raises(FileNotHere, match="not on this laptop and the team server cannot be reached"):
                cache.local_path(small)
            with pytest.raises(FileNotHere):  # asked again while offline: at once, and queued once
                cache.local_path(big)
            assert cache.queued() == [small, big] and cache.report().queued == 2
            assert "2 waiting to download" in cache.report().line()

            proxy.start()
            seen: list[int] = []
            path = cache.fetch(big, lambda done, total: seen.append(done))
            assert seen == [3, 4] and path.read_bytes() == pieces["big"][1]  # resumed after the cut
            moved = cache.sync_files()
            assert moved.downloaded == 1 and moved.still_queued == 0 and cache.queued() == []
            assert cache.local_path(small).read_bytes() == pieces["b"][1]
        finally:
            lib.close()


def test_sync_fetches_the_files_a_laptop_keeps_and_status_reports_the_cache(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.team.test_outbox import _cli

    srv, pieces = server
    folder = tmp_path / "laptop"
    lib, rhea = open_rep(srv, folder, "Rhea Rep")
    try:
        kit = lib.kits.create(rhea, "Pinned").value
        lib.kits.add(rhea, kit, pieces["a"][0])
    finally:
        lib.close()
    url = srv.url(srv.logins["Rhea Rep"])
    synced = _cli(url, folder, "sync")
    assert synced.returncode == 0, synced.stderr
    total = sum(len(data) for _, data in pieces.values())
    assert f"Files: 4 files downloaded ({total / 2**20:.1f} MB), 0 files removed" in synced.stdout  # within 512 MB
    status = _cli(url, folder, "status")
    assert status.returncode == 0, status.stderr
    assert "file cache 4 files" in status.stdout and "1 kept for your kits" in status.stdout
