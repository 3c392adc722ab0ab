"""Renditions in team windows, on a real PostgreSQL with two logins and their own replicas:
marketing's window (LibreOffice on its machine) draws the pages of the deck it imported in the
background and stores them on the server; a rep's window on a laptop with no renderer opens a
slide hit at slide 5 of the real slides, the hit's word marked there."""

from __future__ import annotations

from pathlib import Path

import pytest

from enablement.extract.convert import OFFICE_ENV
from enablement.team.signin import login_context, sign_in
from tests.conftest import make_ready
from tests.office import office  # noqa: F401  (a fixture)
from tests.team.server import team_server
from tests.team.test_renditions_team import server_rendition
from tests.test_search_pages import twelve_slides
from tests.ui.test_renditions_ui import marked_rows
from ui import flows
from ui.context import AppContext
from ui.tasks import TaskRunner

pytestmark = [pytest.mark.postgres, pytest.mark.ui, pytest.mark.slow]


def team_window(make_window, url: str, root: Path):  # type: ignore[no-untyped-def,unused-ignore]
    library, actor, team = sign_in(url, root=root, with_index=True)
    runner = TaskRunner()
    window = make_window(AppContext(login_context(library, actor, team), runner, library.taxonomy.get(), team=team))
    return window, runner, library


def test_marketing_window_draws_the_pages_a_rep_window_without_a_renderer_shows(  # noqa: F811
        office, make_window, qtbot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    deck = twelve_slides(tmp_path / "qbr.pptx", "zanzibarite")
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        srv.add("Rita Rep", "rita", "rep")
        window, runner, library = team_window(make_window, srv.url(srv.logins["Maya Marketing"]), tmp_path / "desk")
        try:
            maya = window.app.actor
            imported: list[int] = []
            # imported as the window imports (a write whose change-set the window hears)
            window.app.runner.op(library.importer.import_paths, maya, [deck]).success(
                lambda summary: imported.extend(summary.piece_ids)).write()
            qtbot.waitUntil(lambda: bool(imported), timeout=60_000)
            pid = imported[0]
            library.pieces.publish(maya, make_ready(library, maya, pid))
            qtbot.waitUntil(lambda: server_rendition(srv, pid) is not None, timeout=120_000)  # drawn in the background
            qtbot.waitUntil(lambda: not window.renditions.running, timeout=60_000)
            assert server_rendition(srv, pid)[1:4:2] == (12, "ok")  # type: ignore[index]
        finally:
            window.close()
            runner.wait_idle()
            library.close()

        monkeypatch.setenv(OFFICE_ENV, "none")  # the rep's laptop has no LibreOffice
        window, runner, library = team_window(make_window, srv.url(srv.logins["Rita Rep"]), tmp_path / "laptop")
        try:
            assert library.renditions.office() is None
            detail = flows.open_piece(window, window.app, pid, 5, ["zanzibarite"])
            preview = detail.preview
            qtbot.waitUntil(lambda: preview.currentWidget() is preview.pages_area, timeout=60_000)
            assert preview.page_count == 12 and len(preview.page_labels) == 12
            marks = [marked_rows(label.pixmap().toImage()) for label in preview.page_labels]
            assert [n for n, rows in enumerate(marks, 1) if rows] == [5]
            bar = preview.pages_area.verticalScrollBar()
            qtbot.waitUntil(lambda: bar.value() > 0)
            assert bar.value() == min(preview.page_labels[4].y(), bar.maximum())
            detail.close()
        finally:
            window.close()
            runner.wait_idle()
            library.close()
