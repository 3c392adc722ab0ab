"""Renditions in a team library, on a real PostgreSQL with separate logins and replicas:
marketing's machine (with LibreOffice) draws a deck's pages when it imports it and stores the
PDF and its row on the server; a rep's laptop with no renderer pulls the row, fetches the PDF
with the piece's file and previews, thumbnails and finds slides from it. Without a rendition,
or with its bytes gone from the server, the preview falls back, never fails. A rep cannot
store one. A download of the pages cut off (the proxy killed) resumes later."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.errors import Cancelled
from enablement.extract.convert import OFFICE_ENV
from enablement.services.library import Library
from enablement.team.blobs import CHUNK_BYTES, ServerBlobCache
from enablement.team.library import open_team_library
from tests.conftest import make_ready, settings_for_tests
from tests.office import office  # noqa: F401  (a fixture)
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer, team_server
from tests.team.test_publish import empty_server
from tests.test_renditions import rendition_of
from tests.test_search_pages import twelve_slides
from ui.pdf_pages import DRAWER

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        srv.add("Rita Rep", "rita", "rep")
        srv.add("Ravi Rep", "ravi", "rep")
        yield srv


def open_as(srv: TeamServer, name: str, folder: Path, *, url: str = "", with_index: bool = False):  # type: ignore[no-untyped-def,unused-ignore]
    return open_team_library(url or srv.url(srv.logins[name]), folder, settings=settings_for_tests(),
                             with_index=with_index, password_sources=[])


def import_and_publish(srv: TeamServer, desk: Path, path: Path) -> int:
    """Marketing imports ``path`` on its desk (drawing its pages where it has a renderer, as
    the app and the command line do) and publishes it; returns the piece id."""
    lib, maya = open_as(srv, "Maya Marketing", desk)
    try:
        pid = lib.importer.import_paths(maya, [path]).value.piece_ids[0]
        lib.renditions.make_pending([pid])
        lib.pieces.publish(maya, make_ready(lib, maya, pid))
        return pid
    finally:
        lib.close()


def server_rendition(srv: TeamServer, piece_id: int) -> tuple[str, int, int, str] | None:
    """(PDF hash, page count, bytes on the server, outcome) of the piece's current rendition, read as the DBA."""
    with psycopg.connect(srv.dba_url) as conn:
        row = conn.execute("SELECT r.blob_sha256, r.page_count, r.outcome FROM renditions r "
                           "JOIN pieces p ON p.current_version_id = r.version_id WHERE p.id = %s",
                           (piece_id,)).fetchone()
        if row is None:
            return None
        size = conn.execute("SELECT coalesce(sum(length(data)), 0) FROM app.blob_chunks WHERE sha256 = %s",
                            (row[0],)).fetchone()
        return str(row[0]), int(row[1] or 0), int(size[0] if size else 0), str(row[2])


def test_marketing_draws_the_pages_and_a_rep_laptop_without_a_renderer_previews_them(
        server: TeamServer, office: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # noqa: F811
    deck = twelve_slides(tmp_path / "qbr.pptx", "zanzibarite")
    pid = import_and_publish(server, tmp_path / "desk", deck)
    on_server = server_rendition(server, pid)
    assert on_server is not None
    sha, pages, size, outcome = on_server
    assert (pages, outcome) == (12, "ok") and size > 0  # the row and the PDF's bytes, on the server

    monkeypatch.setenv(OFFICE_ENV, "none")  # the rep's laptop has no LibreOffice
    lib, rita = open_as(server, "Rita Rep", tmp_path / "laptop", with_index=True)
    try:
        assert lib.renditions.office() is None
        row = rendition_of(lib, pid)
        assert row is not None and row.blob_sha256 == sha and row.page_count == 12  # pulled with the catalog
        cache = lib.ctx.blobs
        assert isinstance(cache, ServerBlobCache) and not cache.exists(sha)

        seen: list[tuple[int, int]] = []
        result = lib.files.bring_here([pid], keep=True, progress=lambda d, t, _title: seen.append((d, t)))
        assert result.complete and result.downloaded == 1
        assert result.downloaded_bytes == deck.stat().st_size + size  # the file and its pages, in one progress
        assert seen[-1] == (deck.stat().st_size + size, deck.stat().st_size + size)
        assert hashlib.sha256(cache.path_for(sha).read_bytes()).hexdigest() == sha
        assert sha in cache.pinned()  # kept for offline use with the file

        drawn = lib.files.page_images(pid, 12, 160, drawer=DRAWER)
        assert len(drawn.pages) == 12 and drawn.pages[0].height < 160  # slides, wider than tall
        thumb = lib.files.thumbnail(pid, 160, drawer=DRAWER)
        assert thumb.pages and thumb.pages[0].pixels == drawn.pages[0].pixels
        assert lib.renditions.state(pid).startswith("pages drawn by LibreOffice")

        outcome_ = lib.search.search(rita, "zanzibarite")
        hit = next(h for h, p in zip(outcome_.results.hits, outcome_.pieces) if p.id == pid)
        assert hit.pages == (5,)  # the slide, from the rendition's text

        report = lib.maintenance.check()
        assert report.problems == () and report.facts["renditions"]["made"] == 1  # type: ignore[index,unused-ignore]
    finally:
        lib.close()

    # A rep's laptop with a renderer still draws nothing for the server, and the server
    # refuses a rendition row from a rep outright.
    monkeypatch.setenv(OFFICE_ENV, office)
    lib, _ravi = open_as(server, "Ravi Rep", tmp_path / "ravi")
    try:
        assert lib.renditions.office() is None
        # a card's picture needs only the PDF: the deck itself is not fetched for it
        assert len(lib.files.thumbnail(pid, 120, drawer=DRAWER).pages) == 1
        assert lib.ctx.blobs.exists(sha)
        assert not lib.ctx.blobs.exists(hashlib.sha256(deck.read_bytes()).hexdigest())
    finally:
        lib.close()
    with psycopg.connect(server.url(server.logins["Ravi Rep"])) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM renditions")


def test_without_a_rendition_or_its_bytes_the_preview_falls_back(
        server: TeamServer, office: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # noqa: F811
    monkeypatch.setenv(OFFICE_ENV, "none")  # marketing's desk has no renderer either
    plain = import_and_publish(server, tmp_path / "desk", twelve_slides(tmp_path / "plain.pptx", "plainword"))
    assert server_rendition(server, plain) is None
    monkeypatch.setenv(OFFICE_ENV, office)
    drawn_id = import_and_publish(server, tmp_path / "desk2", twelve_slides(tmp_path / "drawn.pptx", "drawnword"))
    found = server_rendition(server, drawn_id)
    assert found is not None
    with psycopg.connect(server.dba_url) as conn:  # the PDF's bytes lost on the server
        conn.execute("DELETE FROM app.blob_chunks WHERE sha256 = %s", (found[0],))

    monkeypatch.setenv(OFFICE_ENV, "none")
    lib, _rita = open_as(server, "Rita Rep", tmp_path / "laptop")
    try:
        for pid in (plain, drawn_id):
            result = lib.files.bring_here([pid])
            assert result.complete and result.downloaded == 1  # the file came; the missing pages cost nothing
            drawn = lib.files.page_images(pid, 3, 160, drawer=DRAWER)
            assert drawn.pages == () and "have not been drawn" in drawn.problem
            thumb = lib.files.thumbnail(pid, 160, drawer=DRAWER)
            assert len(thumb.pages) == 1  # the picture saved inside the file
        assert lib.renditions.state(plain) == "pages not drawn yet (they are drawn where marketing adds the file)"
        # derived: the missing one and the one whose bytes are gone will be made, no problem
        report = lib.maintenance.check()
        facts = report.facts["renditions"]
        assert report.problems == ()
        assert (facts["will_be_made"], facts["damaged"]) == (2, [found_version(server, drawn_id)])  # type: ignore[index,unused-ignore]
        lib.renditions.repair(facts["damaged"])  # type: ignore[index,unused-ignore]  # a rep's repair: nothing to refuse
    finally:
        lib.close()

    # marketing's machine (with LibreOffice) makes both again; the rep's laptop then has pages
    monkeypatch.setenv(OFFICE_ENV, office)
    desk, _maya = open_as(server, "Maya Marketing", tmp_path / "desk")
    try:
        damaged = desk.maintenance.check().facts["renditions"]["damaged"]
        desk.renditions.repair(damaged)
        assert desk.renditions.make_pending().value == 2
    finally:
        desk.close()
    monkeypatch.setenv(OFFICE_ENV, "none")
    lib, _rita = open_as(server, "Rita Rep", tmp_path / "laptop")
    try:
        for pid in (plain, drawn_id):
            assert len(lib.files.page_images(pid, 12, 120, drawer=DRAWER).pages) == 12
        assert lib.maintenance.check().facts["renditions"]["will_be_made"] == 0
    finally:
        lib.close()


def found_version(srv: TeamServer, piece_id: int) -> int:
    with psycopg.connect(srv.dba_url) as conn:
        row = conn.execute("SELECT current_version_id FROM pieces WHERE id = %s", (piece_id,)).fetchone()
        assert row is not None
        return int(row[0])


def photos_docx(path: Path) -> Path:
    """A Word file whose drawn PDF spans two 1 MiB chunks (a photo of noise does not compress)."""
    from docx import Document
    from docx.shared import Inches
    from PIL import Image

    picture = path.with_suffix(".png")
    Image.frombytes("RGB", (1300, 1300), os.urandom(1300 * 1300 * 3)).save(picture)
    doc = Document()
    doc.add_heading("Site survey photos", 1)
    doc.add_paragraph("The roof and the plant room.")
    doc.add_picture(str(picture), width=Inches(6))
    doc.save(str(path))
    return path


def test_a_download_of_the_pages_cut_off_by_the_network_falls_back_then_resumes(
        server: TeamServer, office: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # noqa: F811
    doc = photos_docx(tmp_path / "photos.docx")
    pid = import_and_publish(server, tmp_path / "desk", doc)
    found = server_rendition(server, pid)
    assert found is not None and found[2] > CHUNK_BYTES
    sha, _pages, size, _ = found

    monkeypatch.setenv(OFFICE_ENV, "none")
    proxy = Proxy(PG_HOST, int(PG_PORT))
    proxy.start()
    url = server.url(server.logins["Rita Rep"]).replace(HOST, f"127.0.0.1:{proxy.port}")
    lib, _rita = open_as(server, "Rita Rep", tmp_path / "laptop", url=url)
    try:
        cache = lib.ctx.blobs
        assert isinstance(cache, ServerBlobCache)
        file_size = doc.stat().st_size

        def progress(done: int, _total: int, _title: str) -> None:
            if done >= file_size + CHUNK_BYTES and proxy.running:
                proxy.kill()  # the network goes after the pages' first chunk
        result = lib.files.bring_here([pid], progress=progress)
        assert result.complete and result.downloaded == 1  # the file came; its pages did not, and that is no failure
        partial = cache.path_for(sha).with_name(sha + ".partial")
        assert not cache.exists(sha) and partial.stat().st_size == CHUNK_BYTES  # kept for the resume
        assert cache.queued() == [sha]

        offline = lib.files.page_images(pid, 1, 160, drawer=DRAWER)
        assert offline.pages == () and "have not been drawn" in offline.problem  # the fallback, no error
        assert len(lib.files.thumbnail(pid, 160, drawer=DRAWER).pages) in (0, 1)

        proxy.start()
        cache.mark_online()
        moved = cache.sync_files()  # the next sync fetches the rest of what was queued
        assert moved.still_queued == 0 and cache.exists(sha) and not partial.exists()
        assert cache.path_for(sha).stat().st_size == size
        drawn = lib.files.page_images(pid, 1, 160, drawer=DRAWER)
        assert len(drawn.pages) == 1
    finally:
        lib.close()
        if proxy.running:
            proxy.kill()


def test_team_publish_copies_the_renditions_of_an_embedded_library(
        office: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # noqa: F811
    from enablement.team.publish import publish_library

    root = tmp_path / "embedded"
    lib = Library.open(root, settings=settings_for_tests())
    try:
        lib.users.create(None, "Ada Admin", "admin")
        admin = lib.users.default_actor()
        pid = lib.importer.import_paths(admin, [twelve_slides(tmp_path / "qbr.pptx", "zanzibarite")]).value.piece_ids[0]
        assert lib.renditions.make_pending([pid]).value == 1
        lib.pieces.publish(admin, make_ready(lib, admin, pid))
        row = rendition_of(lib, pid)
        sha = row.blob_sha256 if row is not None else None
        assert sha
    finally:
        lib.close()
    with empty_server() as (url, suffix):
        report = publish_library(root, url, prefix=f"t{suffix}", login_suffix=f"_{suffix}", verify_reports=False)
        assert report.verified, report.lines()
        assert report.counts["renditions"] == (1, 1)
        with psycopg.connect(url) as conn:
            counted = conn.execute("SELECT r.page_count, (SELECT sum(length(data)) FROM app.blob_chunks c "
                               "WHERE c.sha256 = r.blob_sha256) FROM renditions r WHERE r.blob_sha256 = %s",
                               (sha,)).fetchone()
        assert counted is not None and counted[0] == 12 and counted[1] > 0
        login = {name: login for name, login, _ in report.logins}["Ada Admin"]
        monkeypatch.setenv(OFFICE_ENV, "none")  # a laptop without a renderer
        lib, _ada = open_team_library(f"postgresql://{login}@{HOST}/{url.rsplit('/', 1)[1]}", tmp_path / "laptop",
                                      settings=settings_for_tests(), with_index=False, password_sources=[])
        try:
            assert len(lib.files.page_images(pid, 12, 120, drawer=DRAWER).pages) == 12
        finally:
            lib.close()


def test_cancelling_the_download_of_the_pages_keeps_what_came_for_the_next_try(
        server: TeamServer, office: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # noqa: F811
    doc = photos_docx(tmp_path / "photos.docx")
    pid = import_and_publish(server, tmp_path / "desk", doc)
    found = server_rendition(server, pid)
    assert found is not None
    sha, _pages, size, _ = found
    monkeypatch.setenv(OFFICE_ENV, "none")
    lib, _rita = open_as(server, "Rita Rep", tmp_path / "laptop")
    try:
        cache = lib.ctx.blobs
        assert isinstance(cache, ServerBlobCache)
        cancel = threading.Event()
        file_size = doc.stat().st_size

        def progress(done: int, _total: int, _title: str) -> None:
            if done >= file_size + CHUNK_BYTES:
                cancel.set()  # the rep presses Cancel after the pages' first chunk
        with pytest.raises(Cancelled):
            lib.files.bring_here([pid], keep=True, progress=progress, cancel=cancel)
        partial = cache.path_for(sha).with_name(sha + ".partial")
        assert partial.stat().st_size == CHUNK_BYTES and not cache.exists(sha)
        seen: list[int] = []
        again = lib.files.bring_here([pid], keep=True, progress=lambda d, _t, _title: seen.append(d))
        assert again.complete and again.already == 1  # the file came the first time; the pages now
        assert cache.path_for(sha).stat().st_size == size and not partial.exists()
        assert CHUNK_BYTES not in seen and seen[-1] == size  # resumed after the first chunk, not restarted
    finally:
        lib.close()
