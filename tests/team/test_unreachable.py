"""A server that refuses, or accepts TCP and never answers, gives one clear line within the
connect timeout: never a traceback, never a hang."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest

from enablement.team.connection import ServerUnreachable
from enablement.team.library import open_team_library
from tests.team.cluster import free_port

ROOT = Path(__file__).resolve().parents[2]
LIMIT_S = 10  # the bound; the connect timeout is 5 s


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A listener that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for s in held:
        s.close()
    server.close()


def _open_in_thread(url: str, root: Path) -> BaseException | None:
    """Open the library in a thread that must end within LIMIT_S (a hang fails the test)."""
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            lib, _ = open_team_library(url, root, password_sources=[], with_index=False)
            lib.close()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(LIMIT_S)
    assert not thread.is_alive(), f"opening {url} still waiting after {LIMIT_S} s"
    return outcome[0]


def _cli(args: list[str], home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({"XDG_STATE_HOME": str(home / "state"), "XDG_DATA_HOME": str(home / "data")})
    return subprocess.run([sys.executable, "-m", "enablement", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=LIMIT_S + 20, stdin=subprocess.DEVNULL)


def test_a_refused_port_is_one_clear_line(tmp_path: Path) -> None:
    port = free_port()
    url = f"postgresql://rita@127.0.0.1:{port}/library"
    error = _open_in_thread(url, tmp_path / "lib")
    assert isinstance(error, ServerUnreachable)
    assert str(error) == f"cannot reach the team server at 127.0.0.1:{port} (connection refused)"
    done = _cli(["--server", url, "list"], tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"enablement: cannot reach the team server at 127.0.0.1:{port} "
                                        "(connection refused)"]


@pytest.mark.slow
def test_a_black_hole_listener_is_one_clear_line_not_a_hang(tmp_path: Path, black_hole: int) -> None:
    url = f"postgresql://rita@127.0.0.1:{black_hole}/library"
    error = _open_in_thread(url, tmp_path / "lib")
    assert isinstance(error, ServerUnreachable)
    assert str(error) == f"cannot reach the team server at 127.0.0.1:{black_hole} (no answer within 5 s)"
    done = _cli(["--server", url, "search", "pricing"], tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"enablement: cannot reach the team server at 127.0.0.1:{black_hole} "
                                        "(no answer within 5 s)"]


def test_a_password_in_the_url_is_refused(tmp_path: Path) -> None:
    done = _cli(["--server", "postgresql://rita:hunter2@127.0.0.1:1/library", "list"], tmp_path)
    assert done.returncode == 1
    assert "hunter2" not in done.stderr
    assert done.stderr.splitlines() == ["enablement: Do not put a password in the server URL; use the keyring, "
                                        "a prompt, PGPASSWORD or ~/.pgpass."]
