"""Live changes from the team server: a listener thread on the change channel, through a real
TCP proxy that the test kills. A burst of commits becomes one debounced call; with the
listener's line down while three changes commit, all three are found after it reconnects
(LISTEN first, then a pull from the last sequence number seen); stop() leaves no thread."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import psycopg
import pytest

from enablement.team.connection import connect, parse_server_url
from enablement.team.listener import NOTIFY, OFFLINE, ONLINE, RECONNECT, ChangeListener
from tests.team.proxy import Proxy
from tests.team.server import TeamServer, team_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
WAIT_S = 30  # a bound against hangs, not a timing claim


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Rita Rep", "rita", "rep")
        yield srv


def wait_for(what: Callable[[], bool], message: str) -> None:
    end = time.monotonic() + WAIT_S
    while not what():
        assert time.monotonic() < end, message
        time.sleep(0.02)


class ChangeLogReader:
    """What a pull does first: the change-log entries after the last sequence number seen,
    read as the rep's login through the proxy."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.last = 0
        self.seen: list[tuple[str, int | None]] = []
        self.reasons: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, reason: str) -> None:
        with connect(parse_server_url(self.url), password_sources=[]) as conn:
            rows = conn.execute("SELECT seq, entity, entity_id FROM app.change_log WHERE seq > %s ORDER BY seq",
                                (self.last,)).fetchall()
        with self.lock:
            self.reasons.append(reason)
            for seq, entity, entity_id in rows:
                self.seen.append((entity, entity_id))
                self.last = seq


def change_stages(srv: TeamServer, ids: list[int]) -> None:
    """Marketing-like commits: one transaction per stage renamed."""
    with psycopg.connect(srv.dba_url, autocommit=True) as dba:
        for sid in ids:
            dba.execute("UPDATE stages SET name = name || ' *' WHERE id = %s", (sid,))


def stage_ids(srv: TeamServer) -> list[int]:
    with psycopg.connect(srv.dba_url) as dba:
        return [r[0] for r in dba.execute("SELECT id FROM stages ORDER BY id LIMIT 4")]


def listener_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("enablement-")]


def test_changes_committed_while_the_line_was_down_all_arrive_after_reconnect(server: TeamServer) -> None:
    stages = stage_ids(server)
    with Proxy("127.0.0.1", 5432) as proxy:
        url = f"postgresql://{server.logins['Rita Rep']}@127.0.0.1:{proxy.port}/{server.dbname}"
        reader = ChangeLogReader(url)
        states: list[str] = []
        listener = ChangeListener(lambda: connect(parse_server_url(url), autocommit=True, password_sources=[]),
                                  reader, backoff_s=(0.2, 1.0), on_state=states.append).start()
        try:
            wait_for(lambda: reader.reasons == [RECONNECT], "the first connect asks for a pull")
            change_stages(server, stages[:1])
            wait_for(lambda: ("taxonomy", stages[0]) in reader.seen, "a commit reaches the listener")
            assert reader.reasons[-1] == NOTIFY

            proxy.kill()
            wait_for(lambda: listener.state == OFFLINE, "a killed line is noticed")
            calls_before = len(reader.reasons)
            change_stages(server, stages[1:4])
            proxy.start()
            wait_for(lambda: {("taxonomy", s) for s in stages[1:4]} <= set(reader.seen), "all three arrive")
            assert RECONNECT in reader.reasons[calls_before:]
            assert listener.connects == 2 and states == [ONLINE, OFFLINE, ONLINE]
        finally:
            listener.stop()
    assert not listener.alive and listener_threads() == []


def test_a_burst_of_commits_becomes_one_call(server: TeamServer) -> None:
    url = server.url(server.logins["Rita Rep"])
    reader = ChangeLogReader(url)
    listener = ChangeListener(lambda: connect(parse_server_url(url), autocommit=True, password_sources=[]),
                              reader, debounce_s=3.0)
    with listener:
        wait_for(lambda: len(reader.reasons) == 1, "the first connect asks for a pull")
        before = len(reader.seen)
        change_stages(server, stage_ids(server) * 5)  # twenty commits, well inside the debounce window
        wait_for(lambda: len(reader.reasons) >= 2, "the burst reaches the listener")
        assert reader.reasons == [RECONNECT, NOTIFY] and len(reader.seen) - before == 20  # one call saw all
    assert listener_threads() == []


def test_stop_cuts_a_line_that_never_answers(server: TeamServer) -> None:
    """A listener whose server went silent mid-way (the proxy killed while a heartbeat waits)
    still stops at once."""
    with Proxy("127.0.0.1", 5432) as proxy:
        url = f"postgresql://{server.logins['Rita Rep']}@127.0.0.1:{proxy.port}/{server.dbname}"
        reader = ChangeLogReader(url)
        listener = ChangeListener(lambda: connect(parse_server_url(url), autocommit=True, password_sources=[]),
                                  reader, heartbeat_s=0.0).start()
        wait_for(lambda: listener.state == ONLINE, "online")
        listener.stop(timeout=WAIT_S)
        assert not listener.alive and listener_threads() == []


def test_a_published_piece_is_found_on_another_laptop_with_only_its_listener(server: TeamServer,
                                                                              tmp_path: Path) -> None:
    """Marketing publishes a piece with a new word; a rep's replica, opened before and left
    alone with its listener wired to a pull, finds it by search (bench/team_bench.py measures
    how fast: the issue's 2 s)."""
    from enablement.team.library import open_team_library
    from enablement.team.listener import live_changes
    from tests.conftest import make_ready, settings_for_tests
    from tests.filemaker_docs import make_pdf

    if "Maya Marketing" not in server.logins:
        server.add("Maya Marketing", "maya", "marketing")
    rep, rita = open_team_library(server.url(server.logins["Rita Rep"]), tmp_path / "laptop",
                                  settings=settings_for_tests(), password_sources=[])
    mk, maya = open_team_library(server.url(server.logins["Maya Marketing"]), tmp_path / "desk",
                                 settings=settings_for_tests(), with_index=False, password_sources=[])
    listener = live_changes(rep)
    try:
        wait_for(lambda: listener.connects == 1, "the listener connects")
        assert not rep.search.search(rita, "zygomorphic").pieces
        pdf = make_pdf(tmp_path / "new.pdf", ["A zygomorphic pricing story for banks"], title="Bank pricing")
        pid = mk.importer.import_paths(maya, [pdf]).value.piece_ids[0]
        mk.pieces.publish(maya, make_ready(mk, maya, pid))
        wait_for(lambda: [p.id for p in rep.search.search(rita, "zygomorphic").pieces] == [pid],
                 "the published piece is found on the rep's laptop")
    finally:
        listener.stop()
        mk.close()
        rep.close()
    assert listener_threads() == []
