"""Files in a rep's team window, against the real PostgreSQL through a real TCP proxy the test
kills: several search results made available offline download in the background and stay; a
preview's download shows how far it is and can be cancelled (the partial kept, the next try
completes it); offline, a piece whose file is not on the laptop says so and offers to keep it,
and the file comes at the next sync."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Iterator

import pytest
from PySide6.QtCore import QItemSelectionModel

from enablement.config import Settings
from enablement.models.dto import UseRecord
from enablement.team.blobs import CHUNK_BYTES, ServerBlobCache
from enablement.team.signin import login_context, sign_in
from tests.team.files_support import team_with_files
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer
from tests.team.test_files import words_file
from tests.ui.pages_support import click
from ui import flows
from ui.context import AppContext
from ui.pages.piece_detail import PieceDetailDialog
from ui.tasks import TaskRunner

pytestmark = [pytest.mark.postgres, pytest.mark.ui, pytest.mark.slow]
PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TeamServer, dict[str, tuple[int, bytes]]]]:
    folder = tmp_path_factory.mktemp("offline-files")
    sources = {"big": words_file(folder / "onboarding.txt", CHUNK_BYTES * 3 + CHUNK_BYTES // 2, 21),
               "a": words_file(folder / "pricing.txt", 150_000, 22),
               "b": words_file(folder / "security.txt", 150_000, 23)}
    with team_with_files(folder, sources) as published:
        yield published


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    with Proxy(PG_HOST, int(PG_PORT)) as p:
        yield p


@pytest.fixture
def window(make_window, server, proxy: Proxy, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Rita's window on a laptop that downloads nothing ahead (no prefetch quota)."""
    srv, _pieces = server
    root = tmp_path / "laptop"
    root.mkdir()
    Settings(prefetch_mb=0).save(root / "settings.json")
    url = srv.url(srv.logins["Rita Rep"]).replace(HOST, f"127.0.0.1:{proxy.port}")
    library, actor, team = sign_in(url, root=root, with_index=True)
    runner = TaskRunner()
    win = make_window(AppContext(login_context(library, actor, team), runner, library.taxonomy.get(), team=team))
    yield win
    for dialog in win.findChildren(PieceDetailDialog):
        dialog.close()
    win.close()
    runner.wait_idle()
    library.close()


def cache_of(window) -> ServerBlobCache:  # type: ignore[no-untyped-def]
    cache = window.app.library.ctx.blobs
    assert isinstance(cache, ServerBlobCache)
    return cache


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_chosen_results_are_made_available_offline_in_the_background(qtbot, window, server) -> None:  # type: ignore[no-untyped-def]
    _srv, pieces = server
    page = window.library_page
    window.show_page("Library")
    page.run_query()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    assert page.offline_button.isVisible() and not page.offline_button.isEnabled()
    for name in ("big", "a"):  # two results, chosen as Ctrl-click would
        index = page.model.index(page.model.row_of(pieces[name][0]), 0)
        page.view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.Select)
    assert sorted(page.selected_piece_ids()) == sorted([pieces["big"][0], pieces["a"][0]])
    messages: list[str] = []
    window.app.signals.status_message.connect(messages.append)
    click(qtbot, page.offline_button)
    qtbot.waitUntil(lambda: any("available offline" in m for m in messages), timeout=30_000)
    assert messages[-1] == "2 pieces available offline (2 files downloaded)."
    cache = cache_of(window)
    for name in ("big", "a"):
        assert cache.path_for(sha(pieces[name][1])).read_bytes() == pieces[name][1]
    assert not cache.exists(sha(pieces["b"][1]))
    assert cache.kept() == {pieces["big"][0], pieces["a"][0]}
    assert not page.download.isVisible()


def test_a_preview_download_shows_progress_and_can_be_cancelled(qtbot, window, server,  # type: ignore[no-untyped-def]
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _srv, pieces = server
    big_id, big = pieces["big"]
    gate = threading.Event()  # the second chunk takes its time until the test lets it through
    real_chunk = ServerBlobCache._chunk

    def slow_chunk(conn, sha256: str, n: int) -> bytes:  # type: ignore[no-untyped-def]
        if n == 1:
            gate.wait(30)
        return real_chunk(conn, sha256, n)
    monkeypatch.setattr(ServerBlobCache, "_chunk", staticmethod(slow_chunk))

    detail = flows.open_piece(window, window.app, big_id)
    bar = detail.preview.download
    # the first chunk came, the second waits: the bar says how far
    qtbot.waitUntil(lambda: bar.isVisible() and bar.bar.value() > 0, timeout=15_000)
    assert bar.label.text().startswith("Downloading “Onboarding”") and "1.0 of 3.5 MB" in bar.label.text()
    click(qtbot, bar.cancel_button)  # the GUI answers while the worker waits for the server
    gate.set()
    preview = detail.preview
    qtbot.waitUntil(lambda: preview.message.text().startswith("Download cancelled"), timeout=15_000)
    assert not bar.isVisible() and preview.message_button.text() == "Download again"
    final = cache_of(window).path_for(sha(big))
    partial = final.with_name(final.name + ".partial")
    assert not final.exists() and partial.stat().st_size == 2 * CHUNK_BYTES  # whole chunks, kept to resume

    click(qtbot, preview.message_button)
    qtbot.waitUntil(lambda: preview.currentWidget() is preview.text, timeout=30_000)
    assert final.read_bytes() == big and not partial.exists()
    detail.close()


def test_offline_a_file_not_here_says_so_offers_to_keep_it_and_comes_at_the_next_sync(  # type: ignore[no-untyped-def]
        qtbot, window, server, proxy: Proxy) -> None:
    _srv, pieces = server
    link = window.team_link
    qtbot.waitUntil(lambda: link.status is not None and link.status.connection == "online", timeout=15_000)
    proxy.kill()
    b_id, b = pieces["b"]
    window.app.library.usage.record(window.app.actor, UseRecord(kind="sent", piece_id=b_id))
    qtbot.waitUntil(lambda: link.status is not None and link.status.connection == "offline", timeout=30_000)

    detail = flows.open_piece(window, window.app, b_id)
    preview = detail.preview
    qtbot.waitUntil(lambda: "not on this laptop" in preview.message.text(), timeout=15_000)
    assert preview.message_button.text() == "Keep it on this laptop"
    cache = cache_of(window)
    assert cache.queued() == [sha(b)]
    click(qtbot, preview.message_button)
    qtbot.waitUntil(lambda: preview.message.text().startswith("Kept for this laptop"), timeout=15_000)
    assert b_id in cache.kept()
    detail.close()

    proxy.start()
    link.sync_now()  # back: the sync sends the use, then the queued file comes
    qtbot.waitUntil(lambda: cache.exists(sha(b)) and cache.queued() == [], timeout=60_000)
    assert cache.path_for(sha(b)).read_bytes() == b
