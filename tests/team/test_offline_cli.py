"""A server that goes silent (accepts TCP, never answers) never blocks a command: commands
that read the replica run and say they are offline, commands that need the server say so in
one line, and while the link waits (backoff) a command does not ask the server at all."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from tests.team.files_support import desk, publish_link
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer, team_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        yield srv


@contextmanager
def black_hole(port: int) -> Iterator[None]:
    """On ``port``: accept connections and never say a word."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(8)
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        for s in held:
            s.close()
        listener.close()


def _cli(url: str, folder: Path, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") and not k.startswith("ENABLEMENT_")}
    env.update({"XDG_STATE_HOME": str(folder.parent / "state"), "XDG_DATA_HOME": str(folder.parent / "data")})
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "enablement", "--server", url, "--library", str(folder), *args],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60, stdin=subprocess.DEVNULL)
    return done, time.monotonic() - started


def test_a_silent_server_leaves_replica_commands_working_and_server_commands_saying_so(
        server: TeamServer, tmp_path: Path) -> None:
    with desk(server, tmp_path / "desk") as (lib, maya):
        pid = publish_link(lib, maya, "https://example.com/p", "Platypus security review")
    folder = tmp_path / "laptop"
    proxy = Proxy(PG_HOST, int(PG_PORT))
    proxy.start()
    url = server.url(server.logins["Maya Marketing"]).replace(HOST, f"127.0.0.1:{proxy.port}")
    try:
        assert _cli(url, folder, "sync")[0].returncode == 0
    finally:
        proxy.kill()
    with black_hole(proxy.port):
        found, _ = _cli(url, folder, "search", "platypus")
        assert found.returncode == 0, found.stderr
        assert "Platypus security review" in found.stdout
        assert found.stderr.splitlines()[0].startswith("enablement: offline, working from this computer's copy")
        # the link now waits before asking again: a server command says so at once, in one line
        archived, seconds = _cli(url, folder, "archive", str(pid))
        assert archived.returncode == 1
        lines = archived.stderr.splitlines()
        assert lines[-1].startswith("enablement: 'archive' needs the team server: cannot reach the team server")
        assert "run 'enablement sync' to try now" in lines[-1] and len(lines) == 2
        shown, _ = _cli(url, folder, "show", str(pid))
        assert shown.returncode == 0 and "Platypus security review" in shown.stdout
        # an explicit sync asks anyway, and fails within the connect timeout
        synced, _ = _cli(url, folder, "sync")
        assert synced.returncode == 1
        assert synced.stderr.splitlines() == [f"enablement: 'sync' needs the team server: cannot reach the team "
                                              f"server at 127.0.0.1:{proxy.port} (no answer within 5 s)"]
