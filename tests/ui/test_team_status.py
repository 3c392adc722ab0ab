"""The status bar of a team window, against the real PostgreSQL through a real TCP proxy the
test kills: online with the last sync, offline with what waits ("3 uses waiting to sync"),
back online by itself with everything sent; a change the server refuses shows as a sync problem
with the server's reason, and stays until it is dealt with."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator

import psycopg
import pytest

from enablement.models.dto import UseRecord
from tests.team.proxy import Proxy
from tests.team.server import TeamServer, team_server
from tests.ui.team_windows import proxy, team_window  # noqa: F401  (fixtures)
from ui.dialogs.sync_problems import SyncProblemsDialog

pytestmark = [pytest.mark.postgres, pytest.mark.ui, pytest.mark.slow]


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Rita Rep", "rita", "rep")
        yield srv


@pytest.fixture
def rep_window(team_window):  # type: ignore[no-untyped-def]
    return team_window("Rita Rep")


def events_on_server(server: TeamServer, kind: str) -> int:
    with psycopg.connect(server.dba_url) as dba:
        row = dba.execute("SELECT count(*) FROM usage_events WHERE kind = %s", (kind,)).fetchone()
    assert row is not None
    return int(row[0])


def test_online_offline_with_what_waits_and_back(qtbot, rep_window, server: TeamServer, proxy: Proxy) -> None:
    link = rep_window.team_link
    assert link is not None
    qtbot.waitUntil(lambda: link.button.text().startswith("● Online · synced "), timeout=15_000)

    proxy.kill()  # the network goes: uses logged now wait on this computer
    library, rita = rep_window.app.library, rep_window.app.actor
    for _ in range(3):
        library.usage.record(rita, UseRecord(kind="sent", piece_id=None))
    qtbot.waitUntil(lambda: link.button.text() == "● Offline · 3 uses waiting to sync", timeout=20_000)
    assert "does not answer" in link.button.toolTip() and "Next try at" in link.button.toolTip()
    assert events_on_server(server, "sent") == 0

    proxy.start()  # back: the app tries again after its wait, sends what waited and says so
    qtbot.waitUntil(lambda: link.button.text().startswith("● Online · synced "), timeout=60_000)
    assert events_on_server(server, "sent") == 3


def test_a_refused_change_is_a_sync_problem_with_the_servers_reason(qtbot, rep_window, server: TeamServer,
                                                                    qtmodeltester) -> None:
    link = rep_window.team_link
    qtbot.waitUntil(lambda: link.status is not None and link.status.connection == "online", timeout=15_000)
    library, rita = rep_window.app.library, rep_window.app.actor
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)  # a clock a day ahead: the server refuses it
    library.usage.record(rita, UseRecord(kind="used_in_call", piece_id=None, occurred_at=tomorrow))
    qtbot.waitUntil(lambda: link.button.text().endswith("· 1 sync problem"), timeout=20_000)
    link.button.problems_action.trigger()
    dialog = link.dialog
    assert isinstance(dialog, SyncProblemsDialog) and dialog.isVisible()
    assert dialog.model.rowCount() == 1
    qtmodeltester.check(dialog.model)
    assert dialog.model.index(0, 0).data() == "A use you logged (used in call)"
    assert dialog.model.index(0, 1).data() == ("The team server refuses records dated in the future; check this "
                                               "computer's clock.")
    assert events_on_server(server, "used_in_call") == 0
    # "Try again" sends it again: still dated tomorrow, refused again, and still kept
    dialog.retry_button.click()
    qtbot.waitUntil(lambda: not link.syncing and link.status is not None and link.status.waiting == 0
                    and len(link.status.problems) == 1, timeout=20_000)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1 and dialog.retry_button.isEnabled(), timeout=10_000)
    assert events_on_server(server, "used_in_call") == 0
    dialog.close()


def test_what_waits_is_named_by_kind() -> None:
    from ui.widgets.team_status import LinkStatus, waiting_words

    assert waiting_words(LinkStatus("offline", 3, waiting_by_kind=(("usage", 3),))) == "3 uses waiting to sync"
    assert waiting_words(LinkStatus("offline", 4, waiting_by_kind=(("usage", 3), ("request", 1)))) == \
        "3 uses and 1 request waiting to sync"
    assert waiting_words(LinkStatus("offline", 3, waiting_by_kind=(("usage", 1), ("search", 1), ("opened", 1)))) == \
        "1 use, 1 search and 1 opened result waiting to sync"
    assert waiting_words(LinkStatus("offline", 3, waiting_by_kind=(("submission", 1), ("usage", 2)))) == \
        "1 shared piece and 2 uses waiting to sync"
    assert waiting_words(LinkStatus("offline", 3, waiting_by_kind=(("usage", 1), ("kit", 2)))) == \
        "1 use and 2 kit changes waiting to sync"
    # a kind the bar has no word for: it still counts everything, in the general word
    assert waiting_words(LinkStatus("offline", 2, waiting_by_kind=(("usage", 1), ("other", 1)))) == \
        "2 changes waiting to sync"
