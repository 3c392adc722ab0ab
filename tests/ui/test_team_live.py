"""Live team windows against the real PostgreSQL: a marketing window publishes and a rep window
(another login, its own replica, connected through a real TCP proxy) shows the piece without
anyone asking, keeping the rep's query, scroll position, selection and open dialog; the file is
fetched; the journey map counts it; a piece the rep has open that marketing archives says so in
its window and leaves the map on screen. Then the proxy
is killed: the rep window turns offline, keeps three uses, and when the proxy is back it
reconnects by itself and sends them (the server holds exactly three). An event-loop probe runs
all along: no stall over 50 ms finds the GUI thread waiting on I/O (the longest stall of each
phase is printed: on a loaded machine threads holding the GIL stall it too)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import psycopg
import pytest

from enablement.models.dto import UseRecord
from enablement.services.library import Library
from enablement.team.signin import login_context, sign_in
from tests.conftest import make_ready
from tests.filemaker_docs import make_pdf
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer, team_server
from tests.ui.loop_probe import EventLoopProbe
from ui.context import AppContext
from ui.dialogs.request_dialog import RequestDialog
from ui.pages.piece_detail import PieceDetailDialog
from ui.tasks import TaskRunner

pytestmark = [pytest.mark.postgres, pytest.mark.ui, pytest.mark.slow]
PG_HOST, PG_PORT = HOST.split(":")
SEEDED = 24  # more results than the window shows: the rep scrolls
# Marketing's own import and archive run in this process too (on a real desk they share nothing
# with the rep's laptop): the probe reports the stalls meanwhile apart and holds the rep's to 50 ms.
MARKETING = "marketing at work (same process)"


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        srv.add("Rita Rep", "rita", "rep")
        yield srv


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    with Proxy(PG_HOST, int(PG_PORT)) as p:
        yield p


class Windows:
    """Team windows of this test, each on its own runner; closed the way the app closes them."""

    def __init__(self, make_window: Callable[[AppContext], Any]) -> None:
        self.make_window = make_window
        self.opened: list[tuple[Any, TaskRunner, Library]] = []

    def open(self, url: str, root: Path) -> Any:
        library, actor, team = sign_in(url, root=root)
        runner = TaskRunner()
        window = self.make_window(AppContext(login_context(library, actor, team), runner, library.taxonomy.get(),
                                             team=team))
        self.opened.append((window, runner, library))
        return window

    def close(self) -> None:
        for window, runner, library in self.opened:
            window.close()
            assert runner.wait_idle(30_000)
            library.close()
        self.opened.clear()


@pytest.fixture
def windows(make_window) -> Iterator[Windows]:  # type: ignore[no-untyped-def]
    opened = Windows(make_window)
    yield opened
    opened.close()


def publish_link(library: Library, actor: Any, title: str) -> int:
    pid = library.importer.add_link(actor, f"https://example.com/{abs(hash(title))}", title).value
    library.pieces.publish(actor, make_ready(library, actor, pid))
    return pid


def publish_pdf(library: Library, actor: Any, path: Path) -> int:
    """Marketing's import and publish, as one worker task of the marketing window."""
    pid = library.importer.import_paths(actor, [path]).value.piece_ids[0]
    library.pieces.publish(actor, make_ready(library, actor, pid))
    return pid


def published_on_map(journey: Any) -> int:
    """Published pieces the journey map page shows (-1 before it loaded)."""
    return -1 if journey.journey is None else sum(c.published for c in journey.journey.cells)


def uses_on_server(server: TeamServer, kind: str) -> int:
    with psycopg.connect(server.dba_url) as dba:
        row = dba.execute("SELECT count(*) FROM usage_events e JOIN users u ON u.id = e.user_id "
                          "WHERE e.kind = %s AND u.login = %s", (kind, server.logins["Rita Rep"])).fetchone()
    assert row is not None
    return int(row[0])


def in_background(qtbot, fn: Callable[[], object]) -> None:  # type: ignore[no-untyped-def]
    """Run ``fn`` on a plain thread while the event loop keeps turning (a proxy start waits)."""
    done = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - reported on the test's thread
            failed.append(exc)
        finally:
            done.set()
    threading.Thread(target=run, daemon=True).start()
    qtbot.waitUntil(done.is_set, timeout=30_000)
    assert not failed, failed


def listener_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name in ("enablement-listener", "enablement-debounce")]


def test_a_rep_window_follows_marketing_live_goes_offline_and_syncs_back(
        qtbot, windows: Windows, server: TeamServer, proxy: Proxy, tmp_path: Path) -> None:
    maya_url = server.url(server.logins["Maya Marketing"])
    from enablement.team.library import open_team_library

    seeding, maya = open_team_library(maya_url, tmp_path / "seeding", with_index=False, password_sources=[])
    try:
        seeded = [publish_link(seeding, maya, f"Harbor story {n:02d} for insurers") for n in range(SEEDED)]
    finally:
        seeding.close()

    marketing = windows.open(maya_url, tmp_path / "desk")
    rep = windows.open(server.url(server.logins["Rita Rep"]).replace(HOST, f"127.0.0.1:{proxy.port}"),
                       tmp_path / "laptop")
    link, page = rep.team_link, rep.library_page
    assert link is not None and link.listener is not None
    qtbot.waitUntil(lambda: link.listener.connects >= 1 and link.status is not None
                    and link.status.connection == "online", timeout=30_000)

    # The rep at work: a query typed, a result selected, scrolled down, a request being written.
    rep.search_box.setText("harbor")
    qtbot.waitUntil(lambda: page.outcome is not None and page.text == "harbor"
                    and page.outcome.results.total == SEEDED, timeout=30_000)
    # the typed query's own results (not a refresh's that came first): selecting before they
    # arrive would lose the selection to them
    qtbot.waitUntil(lambda: not page.debounce.isActive() and page.shown_seq == page.seq, timeout=30_000)
    chosen = page.model.row_of(seeded[5])
    page.view.setCurrentIndex(page.model.index(chosen, 0))
    bar = page.view.verticalScrollBar()
    assert bar.maximum() > 0, "the results fill more than the window"
    bar.setValue(bar.maximum() // 2)
    qtbot.wait(300)  # more rows may load as the rep scrolls
    scrolled = bar.value()
    doomed = seeded[3]  # the rep has it open; marketing archives it below
    rep.app.signals.open_piece.emit(doomed)
    detail = next(d for d in rep.findChildren(PieceDetailDialog) if d.piece_id == doomed)
    qtbot.waitUntil(lambda: detail.view is not None, timeout=30_000)
    rep.library_page.request_piece.emit("Harbor pricing for brokers")
    request = next(d for d in rep.findChildren(RequestDialog) if d.isVisible())

    pdf = make_pdf(tmp_path / "harbor.pdf", ["Harbor zygomorphic pricing for marine insurers"],
                   title="Harbor marine pricing")
    probe = EventLoopProbe()
    probe.start(MARKETING)
    try:
        # Marketing publishes (its window's worker); the rep's window shows it, nobody asking.
        published: list[int] = []
        marketing.app.runner.op(publish_pdf, marketing.app.library, marketing.app.actor, pdf).success(
            published.append).write()
        qtbot.waitUntil(lambda: bool(published), timeout=60_000)
        new = published[0]
        probe.phase("live refresh")
        # How soon is the bench's to judge ("team: change visible on another laptop p95",
        # ≤ 2 s, from 20 commits); here it must come with nobody asking. A 2 s wait here
        # failed once under the whole suite's load on a slow 2-core machine.
        qtbot.waitUntil(lambda: page.model.row_of(new) >= 0, timeout=30_000)
        assert rep.search_box.text() == "harbor" and page.text == "harbor"
        assert page.current_piece_id() == seeded[5]
        assert bar.value() == scrolled
        assert request.isVisible() and request.title.text() == "Harbor pricing for brokers"
        journey = rep.show_page("Journey map")  # the map counts the new piece
        qtbot.waitUntil(lambda: published_on_map(journey) == SEEDED + 1, timeout=10_000)

        probe.phase("download")  # after the sync the file cache fetches the new file
        sha = marketing.app.library.pieces.get(new).versions[0].blob_sha256
        qtbot.waitUntil(lambda: rep.app.library.ctx.blobs.exists(sha), timeout=30_000)

        probe.phase(MARKETING)  # a piece open on the rep's screen leaves the library
        archived: list[object] = []
        marketing.app.runner.op(marketing.app.library.pieces.archive, marketing.app.actor, doomed).success(
            archived.append).write()
        qtbot.waitUntil(lambda: bool(archived), timeout=30_000)
        probe.phase("live refresh of an archived piece")
        qtbot.waitUntil(lambda: detail.gone.isVisible(), timeout=10_000)
        assert "archived or withdrawn on the team server" in detail.gone.text()
        assert not detail.buttons["kit"].isEnabled() and not detail.buttons["log"].isEnabled()
        assert detail.heading.text().startswith("Harbor story 03")  # what it was stays readable
        qtbot.waitUntil(lambda: published_on_map(journey) == SEEDED, timeout=10_000)  # the map on screen follows
        rep.show_page("Library")
        qtbot.waitUntil(lambda: page.model.row_of(doomed) < 0, timeout=10_000)
        assert page.current_piece_id() == seeded[5] and rep.search_box.text() == "harbor"
        assert request.isVisible()

        probe.phase("offline")
        in_background(qtbot, proxy.kill)
        qtbot.waitUntil(lambda: link.button.text().startswith("● Offline"), timeout=5_000)
        for _ in range(3):
            rep.app.runner.op(rep.app.library.usage.record, rep.app.actor,
                              UseRecord(kind="used_in_call", piece_id=new)).write()
        try:
            # the three uses wait (the rep's search of "harbor" may wait with them: "3 uses and 1 search")
            qtbot.waitUntil(lambda: link.status is not None and dict(link.status.waiting_by_kind).get("usage") == 3
                            and link.button.text().startswith("● Offline · 3 uses")
                            and link.button.text().endswith("waiting to sync"), timeout=10_000)
        except Exception:
            raise AssertionError(f"{link.button.text()!r} {link.status}")

        probe.phase("reconnect and sync")
        in_background(qtbot, proxy.start)
        qtbot.waitUntil(lambda: link.status is not None and link.status.connection == "online"
                        and link.status.waiting == 0, timeout=60_000)
        qtbot.waitUntil(lambda: link.button.text().startswith("● Online · synced "), timeout=10_000)
    finally:
        probe.stop()
    print(f"\nevent-loop probe (rep and marketing windows):\n{probe.report()}")
    rep_phases = set(probe.stalls) - {MARKETING}
    probe.record(rep_phases)  # for bench/team_bench.py, when it runs this test
    assert uses_on_server(server, "used_in_call") == 3
    # The rep's sync, download and reconnect never make the GUI thread wait on I/O; the longest
    # stall is a measurement of this machine (printed above; bench/ keeps numbers).
    assert probe.io_stalls(rep_phases) == [], probe.report()
    request.reject()
    windows.close()
    assert listener_threads() == []
