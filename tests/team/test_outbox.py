"""The outbox, end to end with real processes and a real proxy that is killed: a rep offline
logs 50 uses (each command exits 0 and says it was queued), ``sync`` back online stores exactly
those 50 once; the proxy killed in the middle of a push batch, or the client killed after the
server's COMMIT and before the local delete, still ends with exactly 50 after the next sync."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.models.dto import UseRecord
from enablement.team.library import open_team_library
from enablement.team.sync import FAULT_ENV
from tests.conftest import make_ready, settings_for_tests
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer, team_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PG_HOST, PG_PORT = HOST.split(":")
USES = 50


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        yield srv


@pytest.fixture
def piece(server: TeamServer, tmp_path: Path) -> int:
    lib, maya = open_team_library(server.url(server.logins["Maya Marketing"]), tmp_path / "desk",
                                  settings=settings_for_tests(), with_index=False)
    try:
        pid = lib.importer.add_link(maya, "https://example.com/k", "Koala objection handling").value
        lib.pieces.publish(maya, make_ready(lib, maya, pid))
        return pid
    finally:
        lib.close()


@pytest.fixture
def rep(server: TeamServer) -> str:
    return server.add(f"Rep {uuid.uuid4().hex[:6]}", f"r{uuid.uuid4().hex[:6]}", "rep")


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and k != FAULT_ENV}
    env.update({"XDG_STATE_HOME": str(home / "state"), "XDG_DATA_HOME": str(home / "data"),
                "QT_QPA_PLATFORM": "offscreen", **extra})
    return env


def _cli(url: str, folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "enablement", "--server", url, "--library", str(folder), *args],
                          capture_output=True, text=True, cwd=ROOT, env=_env(folder.parent, **env), timeout=120,
                          stdin=subprocess.DEVNULL)


def _server_uses(server: TeamServer, login: str) -> list[str]:
    with psycopg.connect(server.dba_url) as dba:
        return [r[0] for r in dba.execute("SELECT e.id FROM usage_events e JOIN users u ON u.id = e.user_id "
                                          "WHERE u.login = %s ORDER BY e.id", (login,))]


def _queue_offline(url: str, folder: Path, pid: int) -> list[str]:
    """Log USES uses on a replica whose server cannot be reached (they wait in the outbox)."""
    lib, actor = open_team_library(url, folder, settings=settings_for_tests(), with_index=False, password_sources=[])
    try:
        assert lib.offline
        ids = [str(uuid.uuid4()) for _ in range(USES)]
        for event_id in ids:
            assert lib.usage.record(actor, UseRecord(id=event_id, kind="used_in_call", piece_id=pid)).value
        assert lib.replica.outbox_size() == USES
        return sorted(ids)
    finally:
        lib.close()


def test_fifty_uses_logged_offline_arrive_exactly_once(server: TeamServer, rep: str, piece: int,
                                                       tmp_path: Path) -> None:
    folder = tmp_path / "laptop"
    with Proxy(PG_HOST, int(PG_PORT)) as proxy:
        url = server.url(rep).replace(HOST, f"127.0.0.1:{proxy.port}")
        first = _cli(url, folder, "sync")
        assert first.returncode == 0, first.stderr
        proxy.kill()
        for n in range(USES):
            done = _cli(url, folder, "log-use", str(piece), "used_in_call", "--account", f"Account {n}")
            assert done.returncode == 0, done.stderr
            assert "queued on this computer" in done.stderr and f"({n + 1} waiting)" in done.stderr
            if n == 0:
                assert "offline, working from this computer's copy" in done.stderr
        found = _cli(url, folder, "search", "koala")
        assert found.returncode == 0 and "Koala objection handling" in found.stdout
        status = _cli(url, folder, "status")  # the search waits too (the search-gap report's data)
        assert status.returncode == 0 and f"Outbox:       {USES + 1} waiting" in status.stdout
        assert "Connection:   offline since" in status.stdout
        proxy.start()
        synced = _cli(url, folder, "sync")
        assert synced.returncode == 0, synced.stderr
        assert f"Sent {USES + 1} queued changes to the server." in synced.stdout
    ids = _server_uses(server, rep)
    assert len(ids) == USES == len(set(ids))
    with psycopg.connect(server.dba_url) as dba:
        accounts = {r[0] for r in dba.execute("SELECT account FROM usage_events WHERE id = ANY(%s)", (ids,))}
        searches = dba.execute("SELECT count(*) FROM search_log s JOIN users u ON u.id = s.user_id "
                               "WHERE u.login = %s AND s.query = 'koala'", (rep,)).fetchone()[0]
    assert accounts == {f"Account {n}" for n in range(USES)}
    assert searches == 1


def _wait_for(path: Path, process: subprocess.Popen[str], limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the client never reached the fault point"
        time.sleep(0.02)


def _sync_process(url: str, folder: Path, fault: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "enablement", "--server", url, "--library", str(folder), "sync"],
                            cwd=ROOT, env=_env(folder.parent, **{FAULT_ENV: fault}), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def test_the_proxy_killed_in_the_middle_of_a_push_batch_loses_and_doubles_nothing(
        server: TeamServer, rep: str, piece: int, tmp_path: Path) -> None:
    folder = tmp_path / "laptop"
    with Proxy(PG_HOST, int(PG_PORT)) as proxy:
        url = server.url(rep).replace(HOST, f"127.0.0.1:{proxy.port}")
        assert _cli(url, folder, "sync").returncode == 0
        proxy.kill()
        ids = _queue_offline(url, folder, piece)
        proxy.start()
        marker = tmp_path / "at-commit"
        client = _sync_process(url, folder, f"push_before_commit:{marker}")
        _wait_for(marker, client)  # the batch is on the server, not committed
        proxy.kill()
        marker.unlink()
        out, err = client.communicate(timeout=60)
        assert client.returncode == 1 and "cannot reach the team server" in err, (out, err)
        assert _server_uses(server, rep) == []
        proxy.start()
        again = _cli(url, folder, "sync")
        assert again.returncode == 0 and f"Sent {USES} queued changes" in again.stdout, again.stderr
    assert _server_uses(server, rep) == ids


def test_the_client_killed_after_the_servers_commit_sends_again_and_nothing_doubles(
        server: TeamServer, rep: str, piece: int, tmp_path: Path) -> None:
    folder = tmp_path / "laptop"
    with Proxy(PG_HOST, int(PG_PORT)) as proxy:
        url = server.url(rep).replace(HOST, f"127.0.0.1:{proxy.port}")
        assert _cli(url, folder, "sync").returncode == 0
        proxy.kill()
        ids = _queue_offline(url, folder, piece)
        proxy.start()
        marker = tmp_path / "after-commit"
        client = _sync_process(url, folder, f"push_after_commit:{marker}")
        _wait_for(marker, client)  # the server committed; the outbox still holds the batch
        os.kill(client.pid, signal.SIGKILL)
        client.communicate(timeout=30)
        assert _server_uses(server, rep) == ids
        again = _cli(url, folder, "sync")
        assert again.returncode == 0, again.stderr
        status = _cli(url, folder, "status", "--json")
        assert '"outbox": 0' in status.stdout and '"dead_letters": []' in status.stdout
    assert _server_uses(server, rep) == ids
