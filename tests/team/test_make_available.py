"""'Make available offline' and downloads a person can stop, with real bytes on a real server:
the files of the chosen pieces come with their progress and stay (pinned: eviction passes them
by); a cancelled download stops between chunks and keeps a resumable partial, never a corrupt
file; offline, what cannot come is named and queued."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Iterator

import pytest

from enablement.errors import Cancelled
from enablement.team.blobs import CHUNK_BYTES, ServerBlobCache
from enablement.team.library import open_team_library
from tests.conftest import settings_for_tests
from tests.team.files_support import desk, publish_link, team_with_files
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer
from tests.team.test_files import words_file

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TeamServer, dict[str, tuple[int, bytes]]]]:
    """Published pieces: 'big' spans 4 chunks, 'a' and 'b' are small, 'site' is a link (no file)."""
    folder = tmp_path_factory.mktemp("available-in")
    sources = {"big": words_file(folder / "big.txt", CHUNK_BYTES * 3 + CHUNK_BYTES // 2, 11),
               "a": words_file(folder / "a.txt", 200_000, 12),
               "b": words_file(folder / "b.txt", 200_000, 13)}
    with team_with_files(folder, sources, (("Rita Rep", "rita"), ("Ravi Rep", "ravi"), ("Rosa Rep", "rosa"))) \
            as (srv, pieces):
        with desk(srv, folder / "desk") as (lib, maya):
            pieces["site"] = (publish_link(lib, maya, "https://example.com/site", "Customer site"), b"")
        yield srv, pieces


def open_rep(srv: TeamServer, folder: Path, name: str, url: str = ""):  # type: ignore[no-untyped-def]
    return open_team_library(url or srv.url(srv.logins[name]), folder, settings=settings_for_tests(),
                             with_index=False, password_sources=[])


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_making_pieces_available_downloads_them_with_progress_and_keeps_them(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, pieces = server
    lib, _rita = open_rep(srv, tmp_path / "laptop", "Rita Rep")
    try:
        cache = lib.ctx.blobs
        assert isinstance(cache, ServerBlobCache)
        wanted = [pieces["big"][0], pieces["a"][0], pieces["site"][0]]
        seen: list[tuple[int, int, str]] = []
        result = lib.files.bring_here(wanted, keep=True, progress=lambda d, t, title: seen.append((d, t, title)))
        assert (result.pieces, result.downloaded, result.already, result.not_here) == (2, 2, 0, ())
        total = len(pieces["big"][1]) + len(pieces["a"][1])
        assert result.downloaded_bytes == total
        assert seen[-1][:2] == (total, total) and all(t == total for _d, t, _title in seen)
        assert [d for d, _t, _title in seen] == sorted(d for d, _t, _title in seen)  # it only moves forward
        assert {title for _d, _t, title in seen if title} == {"Big", "A"}
        for name in ("big", "a"):
            assert cache.path_for(sha(pieces[name][1])).read_bytes() == pieces[name][1]
        assert cache.kept() == {pieces["big"][0], pieces["a"][0]}  # a link has no file to keep
        assert result.message() == "2 pieces available offline (2 files downloaded)."
        # kept files stay when the cache is over its size; a file only previewed goes
        lib.files.bring_here([pieces["b"][0]])
        cache.cache_bytes = 1
        cache.evict()
        assert cache.exists(sha(pieces["big"][1])) and cache.exists(sha(pieces["a"][1]))
        assert not cache.exists(sha(pieces["b"][1]))
        again = lib.files.bring_here(wanted, keep=True)
        assert (again.downloaded, again.already) == (0, 2)
    finally:
        lib.close()


def test_a_cancelled_download_keeps_a_partial_that_the_next_try_resumes(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, pieces = server
    lib, _ravi = open_rep(srv, tmp_path / "laptop", "Ravi Rep")
    try:
        cache = lib.ctx.blobs
        assert isinstance(cache, ServerBlobCache)
        big_id, big = pieces["big"]
        final = cache.path_for(sha(big))
        partial = final.with_name(final.name + ".partial")
        cancel = threading.Event()

        def progress(done: int, _total: int, _title: str) -> None:
            if done >= 2 * CHUNK_BYTES:
                cancel.set()  # the person presses Cancel after two chunks
        with pytest.raises(Cancelled, match="next try continues"):
            lib.files.bring_here([big_id], progress=progress, cancel=cancel)
        assert not final.exists()  # no file under its name until it is whole and checked
        assert partial.stat().st_size == 2 * CHUNK_BYTES and partial.read_bytes() == big[:2 * CHUNK_BYTES]

        seen: list[int] = []
        result = lib.files.bring_here([big_id], progress=lambda d, _t, _title: seen.append(d))
        assert result.downloaded == 1 and final.read_bytes() == big and not partial.exists()
        # the resume starts after the two whole chunks: its first step is the third chunk's end
        assert [d for d in seen if d > 0][0] == 3 * CHUNK_BYTES
    finally:
        lib.close()


def test_offline_what_cannot_come_is_named_and_queued(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    srv, pieces = server
    proxy = Proxy(PG_HOST, int(PG_PORT))
    proxy.start()
    url = srv.url(srv.logins["Rosa Rep"]).replace(HOST, f"127.0.0.1:{proxy.port}")
    lib, _rosa = open_rep(srv, tmp_path / "laptop", "Rosa Rep", url)
    try:
        cache = lib.ctx.blobs
        assert isinstance(cache, ServerBlobCache)
        lib.files.bring_here([pieces["a"][0]])
        proxy.kill()
        result = lib.files.bring_here([pieces["a"][0], pieces["b"][0]], keep=True)
        assert (result.already, result.downloaded, result.not_here) == (1, 0, ("B",))
        assert result.message().startswith("1 file not on this laptop ('B') and the team server does not answer")
        assert cache.queued() == [sha(pieces["b"][1])]
        assert cache.kept() == {pieces["a"][0], pieces["b"][0]}
        proxy.start()
        cache.mark_online()
        moved = cache.sync_files()  # the next sync brings what was queued
        assert moved.downloaded >= 1 and cache.exists(sha(pieces["b"][1])) and cache.queued() == []
    finally:
        lib.close()
        if proxy.running:
            proxy.kill()
