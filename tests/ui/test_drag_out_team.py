"""Drag out on a team laptop, against the real PostgreSQL through a real TCP proxy the test
kills: a file this laptop never had is fetched on a worker before the drag and handed out with
the server's bytes, the use waits in the outbox like any other; offline, a file that is not on
the laptop is not waited for: the drag says so."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QListView

from enablement.team.signin import login_context, sign_in
from tests.filemaker_docs import make_pdf
from tests.team.proxy import Proxy
from tests.team.files_support import team_with_files
from tests.team.server import HOST, TeamServer
from ui.context import AppContext
from ui.drag_out import Handouts, piece_handout
from ui.tasks import SyncTaskRunner

pytestmark = [pytest.mark.postgres, pytest.mark.ui, pytest.mark.slow]
PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TeamServer, dict[str, tuple[int, bytes]]]]:
    folder = tmp_path_factory.mktemp("drag-out-in")
    sources = {title: make_pdf(folder / f"{title}.pdf", [f"{title}\nfor the buyer"], title=title)
               for title in ("Security whitepaper", "Pricing sheet")}
    with team_with_files(folder, sources) as published:
        yield published


class DropTarget:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    def exec(self, drag: QDrag) -> Qt.DropAction:
        self.received += [Path(u.toLocalFile()).read_bytes() for u in drag.mimeData().urls()]
        return Qt.DropAction.CopyAction


def test_a_team_laptop_fetches_before_the_drag_and_says_so_when_offline(qapp, qtbot, server, tmp_path: Path,
                                                                          monkeypatch) -> None:
    srv, pieces = server
    target = DropTarget()
    monkeypatch.setattr(QDrag, "exec", lambda drag, *_actions: target.exec(drag))
    with Proxy(PG_HOST, int(PG_PORT)) as proxy:
        url = srv.url(srv.logins["Rita Rep"]).replace(HOST, f"127.0.0.1:{proxy.port}")
        library, rita, team = sign_in(url, root=tmp_path / "laptop", with_index=False)
        try:
            cache = library.ctx.blobs
            cache.forget(hashlib.sha256(data).hexdigest() for _pid, data in pieces.values())  # never had them
            app = AppContext(login_context(library, rita, team), SyncTaskRunner(), library.taxonomy.get(), team=team)
            messages: list[str] = []
            app.signals.status_message.connect(messages.append)
            handouts = Handouts(app)
            source = QListView()
            qtbot.addWidget(source)

            pid, data = pieces["Security whitepaper"]
            whitepaper = piece_handout(app, pid, "Security whitepaper")
            handouts.prepare(whitepaper)  # on a worker in the app: the download happens here
            assert handouts.drag(source, whitepaper) == Qt.DropAction.CopyAction
            assert target.received == [data]
            assert library.replica.outbox_counts().get("usage") == 1  # waits to sync like any other use

            proxy.kill()
            pid, _data = pieces["Pricing sheet"]
            pricing = piece_handout(app, pid, "Pricing sheet")
            handouts.prepare(pricing)
            assert handouts.drag(source, pricing) == Qt.DropAction.IgnoreAction
            assert "“Pricing sheet” cannot be dragged out" in messages[-1]
            assert "not on this laptop and the team server cannot be reached" in messages[-1]
            assert target.received == [data] and library.replica.outbox_counts().get("usage") == 1
        finally:
            library.close()
