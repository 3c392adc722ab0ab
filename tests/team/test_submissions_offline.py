"""A rep's own piece added on a laptop with no server: it is stored on the laptop with its file
and an outbox entry in one local transaction (the command exits 0 and says it was queued),
and the next sync stores exactly one pending submission on the server with the same bytes,
whatever happens in between: the proxy killed in the middle of the push, or the client killed
after the server's COMMIT and before the local delete. The laptop's provisional row takes the
server's id (no duplicate after the pull), and a permanent refusal goes to the dead letters."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import uuid
from pathlib import Path
from typing import Any, Iterator

import psycopg
import pytest

from enablement.models.dto import UseRecord
from enablement.team.accounts import Accounts
from enablement.team.connection import parse_server_url
from enablement.team.library import open_team_library
from tests.conftest import settings_for_tests
from tests.filemaker_docs import make_pdf
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer
from tests.team.test_outbox import _cli, _sync_process, _wait_for, rep, server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    with Proxy(PG_HOST, int(PG_PORT)) as running:
        yield running


def _url(server: TeamServer, login: str, proxy: Proxy) -> str:
    return server.url(login).replace(HOST, f"127.0.0.1:{proxy.port}")


def _server_submissions(server: TeamServer, login: str) -> list[tuple[int, str, str, str, bytes]]:
    """(id, title, status/review state, client uuid, file bytes) of the login's pieces on the server."""
    with psycopg.connect(server.dba_url) as dba:
        rows = dba.execute(
            "SELECT p.id, p.title, p.status || '/' || p.review_state, p.client_uuid, v.blob_sha256 FROM pieces p "
            "JOIN users u ON u.id = p.created_by_id LEFT JOIN piece_versions v ON v.id = p.current_version_id "
            "WHERE u.login = %s ORDER BY p.id", (login,)).fetchall()
        out = []
        for pid, title, state, client_uuid, sha in rows:
            data = b"".join(bytes(r[0]) for r in dba.execute(
                "SELECT data FROM app.blob_chunks WHERE sha256 = %s ORDER BY n", (sha,))) if sha else b""
            out.append((pid, title, state, client_uuid, data))
        return out


def _local_pieces(url: str, folder: Path) -> list[dict[str, Any]]:
    listed = _cli(url, folder, "list", "--status", "all", "--json")
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)


def _doc(tmp_path: Path) -> Path:
    """A PDF of its own bytes (each test's rep submits a different file)."""
    return make_pdf(tmp_path / "wombat.pdf", ["Wombat pricing objections answered in one page",
                                              f"Edition {uuid.uuid4().hex}"], title="Wombat pricing one-pager")


def _offline_submit(url: str, folder: Path, doc: Path, proxy: Proxy) -> None:
    first = _cli(url, folder, "sync")
    assert first.returncode == 0, first.stderr
    proxy.kill()
    added = _cli(url, folder, "import", "--rep-made", str(doc))
    assert added.returncode == 0, added.stderr
    assert "waiting on this computer to be sent for review" in added.stdout
    assert "queued on this computer (1 waiting)" in added.stderr
    local = _local_pieces(url, folder)
    assert [(p["title"], p["review_state"]) for p in local] == [("Wombat pricing one-pager", "pending")]
    assert local[0]["id"] < 0  # provisional until the server stores it
    shown = _cli(url, folder, "show", str(local[0]["id"]))
    assert shown.returncode == 0 and "Wombat pricing one-pager" in shown.stdout, shown.stderr


def _sync_paused(url: str, folder: Path, doc: Path, proxy: Proxy, fault: str) -> subprocess.Popen[str]:
    """Submit ``doc`` offline, then start a sync that stops at the fault point (``point:marker``)."""
    _offline_submit(url, folder, doc, proxy)
    proxy.start()
    client = _sync_process(url, folder, fault)
    _wait_for(Path(fault.split(":", 1)[1]), client)
    return client


def test_a_submission_made_offline_arrives_once_with_its_bytes_and_takes_the_servers_id(
        server: TeamServer, rep: str, proxy: Proxy, tmp_path: Path) -> None:
    url, folder, doc = _url(server, rep, proxy), tmp_path / "laptop", _doc(tmp_path)
    _offline_submit(url, folder, doc, proxy)
    status = _cli(url, folder, "status")
    assert "Outbox:       1 waiting" in status.stdout
    assert _server_submissions(server, rep) == []
    proxy.start()
    synced = _cli(url, folder, "sync")
    assert synced.returncode == 0, synced.stderr
    assert "Sent 1 queued change to the server." in synced.stdout
    stored = _server_submissions(server, rep)
    assert len(stored) == 1
    pid, title, state, client_uuid, data = stored[0]
    assert (title, state) == ("Wombat pricing one-pager", "draft/pending") and client_uuid
    assert data == doc.read_bytes()
    local = _local_pieces(url, folder)
    assert [(p["id"], p["title"]) for p in local] == [(pid, "Wombat pricing one-pager")]
    shown = _cli(url, folder, "show", str(pid))
    assert shown.returncode == 0 and "Wombat pricing one-pager" in shown.stdout, shown.stderr
    again = _cli(url, folder, "sync")
    assert again.returncode == 0 and "Sent 0 queued changes" in again.stdout
    assert [p[0] for p in _server_submissions(server, rep)] == [pid]


def test_the_proxy_killed_in_the_middle_of_pushing_a_submission_stores_it_once(
        server: TeamServer, rep: str, proxy: Proxy, tmp_path: Path) -> None:
    url, folder, doc = _url(server, rep, proxy), tmp_path / "laptop", _doc(tmp_path)
    marker = tmp_path / "at-commit"
    # the piece, its version and its bytes are on the server, not committed
    client = _sync_paused(url, folder, doc, proxy, f"push_before_commit:{marker}")
    proxy.kill()
    marker.unlink()
    out, err = client.communicate(timeout=60)
    assert client.returncode == 1 and "cannot reach the team server" in err, (out, err)
    assert _server_submissions(server, rep) == []
    with psycopg.connect(server.dba_url) as dba:
        sha = hashlib.sha256(doc.read_bytes()).hexdigest()
        assert dba.execute("SELECT count(*) FROM blobs WHERE sha256 = %s", (sha,)).fetchone() == (0,)
    proxy.start()
    again = _cli(url, folder, "sync")
    assert again.returncode == 0, again.stderr
    stored = _server_submissions(server, rep)
    assert len(stored) == 1 and stored[0][4] == doc.read_bytes()
    assert [p["id"] for p in _local_pieces(url, folder)] == [stored[0][0]]


def test_the_client_killed_after_the_servers_commit_sends_the_submission_again_and_nothing_doubles(
        server: TeamServer, rep: str, proxy: Proxy, tmp_path: Path) -> None:
    url, folder, doc = _url(server, rep, proxy), tmp_path / "laptop", _doc(tmp_path)
    # committed on the server; the outbox still holds the submission
    client = _sync_paused(url, folder, doc, proxy, f"push_after_commit:{tmp_path / 'after-commit'}")
    os.kill(client.pid, signal.SIGKILL)
    client.communicate(timeout=30)
    stored = _server_submissions(server, rep)
    assert len(stored) == 1
    again = _cli(url, folder, "sync")
    assert again.returncode == 0, again.stderr
    assert _server_submissions(server, rep) == stored
    status = _cli(url, folder, "status", "--json")
    assert '"outbox": 0' in status.stdout and '"dead_letters": []' in status.stdout
    assert [p["id"] for p in _local_pieces(url, folder)] == [stored[0][0]]
    with psycopg.connect(server.dba_url) as dba:
        sha = hashlib.sha256(doc.read_bytes()).hexdigest()
        assert dba.execute("SELECT count(*) FROM app.blob_chunks WHERE sha256 = %s", (sha,)).fetchone() == (1,)


def test_a_use_of_the_submission_logged_offline_names_the_servers_piece(
        server: TeamServer, rep: str, proxy: Proxy, tmp_path: Path) -> None:
    url, folder = _url(server, rep, proxy), tmp_path / "laptop"
    assert _cli(url, folder, "sync").returncode == 0
    proxy.kill()
    lib, actor = open_team_library(url, folder, settings=settings_for_tests(), with_index=False, password_sources=[])
    try:
        assert lib.offline
        local_id = lib.importer.add_link(actor, "https://example.com/w", "Wombat field notes", source="rep").value
        assert local_id < 0
        lib.usage.record(actor, UseRecord(id=str(uuid.uuid4()), kind="used_in_call", piece_id=local_id))
        assert lib.replica.outbox_counts() == {"submission": 1, "usage": 1}
        proxy.start()
        report = lib.connect(sync=True, raise_offline=True)
        assert report is not None and report.pushed == 2 and report.refused == []
        server_id = lib.replica.server_piece_ids()[local_id]
        assert [p.id for p in lib.pieces.list(statuses=None)] == [server_id]
    finally:
        lib.close()
    with psycopg.connect(server.dba_url) as dba:
        uses = dba.execute("SELECT e.piece_id FROM usage_events e JOIN users u ON u.id = e.user_id "
                           "WHERE u.login = %s", (rep,)).fetchall()
    assert uses == [(server_id,)]


def test_a_submission_the_server_refuses_goes_to_the_dead_letters_with_the_reason(
        server: TeamServer, rep: str, proxy: Proxy, tmp_path: Path) -> None:
    url, folder, doc = _url(server, rep, proxy), tmp_path / "laptop", _doc(tmp_path)
    _offline_submit(url, folder, doc, proxy)
    # while the laptop was away, the person became a manager: managers do not submit pieces
    Accounts(parse_server_url(server.dba_url)).set_role(rep, "manager")
    proxy.start()
    synced = _cli(url, folder, "sync")
    assert synced.returncode == 1, synced.stderr
    assert "Refused by the server" in synced.stdout
    assert _server_submissions(server, rep) == []
    status = _cli(url, folder, "status", "--json")
    info = json.loads(status.stdout)
    assert info["outbox"] == 0 and [d["kind"] for d in info["dead_letters"]] == ["submission"]
    assert "may not add" in info["dead_letters"][0]["reason"]
