"""Offline in the app, against the real PostgreSQL through a real TCP proxy the test kills.

What a rep does before a call keeps working from the laptop's copy (search, a piece's detail,
log a use, ask for a piece, kits, adding their own piece); what only the team server takes
(marketing edits, publishing, imports, reports, taxonomy) is disabled with the reason on hover, by the
one action policy, and comes back when the server answers again."""

from __future__ import annotations

from typing import Iterator

import psycopg
import pytest
from PySide6.QtCore import Qt

from enablement.models.dto import UseRecord
from tests.team.files_support import desk, publish_link
from tests.team.proxy import Proxy
from tests.team.server import TeamServer, team_server
from tests.ui.team_windows import proxy, team_window, wait_link  # noqa: F401  (fixtures)
from ui import flows
from ui.actions import OFFLINE_REASON
from ui.pages.kits_page import KitsPage

pytestmark = [pytest.mark.postgres, pytest.mark.ui, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        srv.add("Rita Rep", "rita", "rep")
        with desk(srv, tmp_path_factory.mktemp("desk")) as (lib, maya):
            publish_link(lib, maya, "https://example.com/q", "Quokka onboarding guide")
        yield srv


@pytest.fixture
def windows(team_window):  # type: ignore[no-untyped-def]
    """Rita's (rep) and Maya's (marketing) windows, each on its own laptop copy, both through the proxy."""
    return [team_window("Rita Rep", with_index=True), team_window("Maya Marketing", with_index=True)]


def requests_on_server(server: TeamServer, title: str) -> int:
    with psycopg.connect(server.dba_url) as dba:
        row = dba.execute("SELECT count(*) FROM content_requests WHERE title = %s", (title,)).fetchone()
    assert row is not None
    return int(row[0])


def test_offline_server_actions_wait_with_the_reason_and_rep_actions_work(qtbot, windows, server: TeamServer,
                                                                          proxy: Proxy) -> None:
    rita_w, maya_w = windows
    for window in windows:
        wait_link(qtbot, window, "online")
    rita_kits = rita_w.page("Kits")
    assert isinstance(rita_kits, KitsPage)
    assert rita_w.submit_action.isEnabled() and rita_kits.new_button.isEnabled()
    assert maya_w.import_action.isEnabled()
    reports = maya_w.show_page("Reports")  # Maya looks at the reports once while online
    qtbot.waitUntil(lambda: reports.bundle is not None, timeout=30_000)
    assert reports.bundle.as_of is None and not reports.kept_banner.isVisible()
    maya_w.show_page("Library")

    proxy.kill()  # the network goes
    # Rita logs a use: it waits on the laptop, and the link finds the server gone
    rita = rita_w.app.actor
    piece = rita_w.app.library.search.search(rita, "quokka").pieces[0].id
    rita_w.app.library.usage.record(rita, UseRecord(kind="sent", piece_id=piece))
    maya_w.team_link.sync_now()
    for window in windows:
        wait_link(qtbot, window, "offline")

    # Rep: adding a piece, kit changes, search, detail, log use and requests all work on the
    # laptop's copy (what changes waits in the outbox)
    assert rita_w.submit_action.isEnabled() and rita_w.submit_action.toolTip() != OFFLINE_REASON
    assert rita_kits.new_button.isEnabled() and rita_kits.new_button.toolTip() != OFFLINE_REASON
    assert rita_kits.items.dragEnabled()  # reordering by drag too
    rita_w.search_box.setText("quokka")
    rita_w.library_page.run_query()
    qtbot.waitUntil(lambda: rita_w.library_page.model.rowCount() == 1, timeout=10_000)
    detail = flows.open_piece(rita_w, rita_w.app, piece)
    qtbot.waitUntil(lambda: detail.buttons["log"].isEnabled(), timeout=10_000)
    assert detail.buttons["request"].isEnabled()
    assert detail.buttons["kit"].isEnabled() and detail.buttons["kit"].toolTip() != OFFLINE_REASON
    request = flows.request_piece(rita_w, rita_w.app, "Quokka pricing sheet")
    request.accept()
    qtbot.waitUntil(lambda: rita_w.team_link.status is not None and rita_w.team_link.status.waiting >= 3,
                    timeout=10_000)  # the use, the view, the request: on the laptop, sent later
    assert requests_on_server(server, "Quokka pricing sheet") == 0
    detail.close()

    # Marketing: imports, edits, publishing, reports and the taxonomy wait for the server
    assert not maya_w.import_action.isEnabled() and maya_w.import_action.toolTip() == OFFLINE_REASON
    maya_detail = flows.open_piece(maya_w, maya_w.app, piece)
    qtbot.waitUntil(lambda: maya_detail.view is not None, timeout=10_000)
    assert maya_detail.editor is not None and not maya_detail.editor.isEnabled()
    assert maya_detail.editor.toolTip() == OFFLINE_REASON
    archive = maya_detail.buttons["archive"]
    assert archive.isVisible() and not archive.isEnabled() and archive.toolTip() == OFFLINE_REASON
    assert maya_detail.buttons["log"].isEnabled()
    row = next(r for r, (p, _n) in enumerate(maya_w.pages) if p.title == "Taxonomy")
    assert maya_w.nav.item(row).toolTip() == OFFLINE_REASON
    assert not maya_w.page("Taxonomy").isEnabled()
    # the reports: the copy kept while online, read-only and saying so
    assert reports.isEnabled()
    maya_w.show_page("Reports")
    qtbot.waitUntil(lambda: reports.bundle is not None and reports.bundle.as_of is not None, timeout=30_000)
    assert reports.kept_banner.isVisible()
    assert reports.kept_banner.label.text().startswith("As of ")
    assert "offline; reconnect for current numbers" in reports.kept_banner.label.text()
    assert not reports.period_combo.isEnabled() and not reports.hours_spin.isEnabled()

    # back: the link finds the server, the actions come back, what waited is sent
    proxy.start()
    for window in windows:
        window.team_link.sync_now()
    for window in windows:
        wait_link(qtbot, window, "online", timeout=60_000)
    assert rita_w.submit_action.isEnabled() and rita_w.submit_action.toolTip() != OFFLINE_REASON
    assert rita_kits.new_button.isEnabled() and rita_kits.items.dragEnabled()
    assert maya_w.import_action.isEnabled()
    assert maya_detail.editor.isEnabled() and archive.isEnabled() and archive.toolTip() == ""
    qtbot.waitUntil(lambda: reports.bundle is not None and reports.bundle.as_of is None, timeout=30_000)
    assert not reports.kept_banner.isVisible() and reports.period_combo.isEnabled()
    qtbot.waitUntil(lambda: requests_on_server(server, "Quokka pricing sheet") == 1, timeout=30_000)
    maya_detail.close()


def test_dialogs_open_when_the_link_drops_wait_with_the_reason_and_keep_what_was_typed(
        qtbot, windows, server: TeamServer, proxy: Proxy) -> None:  # type: ignore[no-untyped-def]
    rita_w, maya_w = windows
    for window in windows:
        wait_link(qtbot, window, "online")
    # Maya starts adding a stage and has the review queue open; Rita is asking for a piece
    taxonomy = maya_w.page("Taxonomy")
    maya_w.show_page("Taxonomy")
    qtbot.waitUntil(lambda: taxonomy.stages_model.rowCount() > 0, timeout=10_000)
    taxonomy.add_stage_button.click()
    prompt = taxonomy.prompt
    qtbot.keyClicks(prompt.editor, "Advocacy")
    queue = flows.review_queue(maya_w, maya_w.app)
    publish = queue.action_buttons["decline"]  # (the queue's actions wait offline)
    request = flows.request_piece(rita_w, rita_w.app, "Quokka security FAQ")
    assert prompt.ok_button.isEnabled() and request.submit_button.isEnabled()

    proxy.kill()  # the network goes while the dialogs are open
    for window in windows:
        window.team_link.sync_now()
    for window in windows:
        wait_link(qtbot, window, "offline")
    assert not prompt.ok_button.isEnabled() and prompt.ok_button.toolTip() == OFFLINE_REASON
    assert not publish.isEnabled() and publish.toolTip() == OFFLINE_REASON
    assert prompt.isVisible() and prompt.editor.text() == "Advocacy"  # nothing typed is lost
    assert prompt.isEnabled() and prompt.editor.isEnabled()  # though the page under it waits
    queue.close()  # (a window-modal dialog over the prompt would take the keys)
    qtbot.keyClicks(prompt.editor, " & referrals")  # the prompt enables its OK as text comes: held back
    assert not prompt.ok_button.isEnabled() and prompt.ok_button.toolTip() == OFFLINE_REASON
    assert request.submit_button.isEnabled()  # a rep's request waits on the laptop: it goes on

    proxy.start()  # back: the dialogs' buttons come back by themselves
    for window in windows:
        window.team_link.sync_now()
    for window in windows:
        wait_link(qtbot, window, "online", timeout=60_000)
    assert prompt.ok_button.isEnabled() and prompt.ok_button.toolTip() != OFFLINE_REASON
    assert prompt.editor.text() == "Advocacy & referrals"
    qtbot.mouseClick(prompt.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(s.name == "Advocacy & referrals" for s in maya_w.app.library.taxonomy.get().stages),
                    timeout=10_000)
    with psycopg.connect(server.dba_url) as dba:
        assert dba.execute("SELECT count(*) FROM stages WHERE name = 'Advocacy & referrals'").fetchone()[0] == 1
    request.close()
