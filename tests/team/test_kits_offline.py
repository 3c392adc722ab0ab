"""A rep's kits are their own, so they change on the laptop like a use: offline a rep makes,
fills, empties, renames and deletes kits (each change written with an outbox entry in one
local transaction); back online the server's kits become what the laptop left, once, whatever
happens in between (the proxy killed in the middle of the push, the client killed after the
server's COMMIT), and a pull while a change waits does not undo it."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from enablement.team.library import open_team_library
from tests.conftest import make_ready, settings_for_tests
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer
from tests.team.test_outbox import _cli, _sync_process, _wait_for, rep, server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture(scope="module")
def pieces(server: TeamServer, tmp_path_factory: pytest.TempPathFactory) -> list[int]:
    lib, maya = open_team_library(server.url(server.logins["Maya Marketing"]), tmp_path_factory.mktemp("desk"),
                                  settings=settings_for_tests(), with_index=False)
    try:
        ids = [lib.importer.add_link(maya, f"https://example.com/{n}", f"Ocelot {n}").value for n in ("a", "b", "c")]
        for pid in ids:
            lib.pieces.publish(maya, make_ready(lib, maya, pid))
        return ids
    finally:
        lib.close()


def _server_kits(server: TeamServer, login: str) -> dict[str, list[int]]:
    """The login's kits on the server: name → piece ids in order."""
    with psycopg.connect(server.dba_url) as dba:
        rows = dba.execute("SELECT k.id, k.name FROM kits k JOIN users u ON u.id = k.owner_id WHERE u.login = %s",
                           (login,)).fetchall()
        return {name: [r[0] for r in dba.execute("SELECT piece_id FROM kit_items WHERE kit_id = %s "
                                                 "ORDER BY position, id", (kid,))] for kid, name in rows}


def _local_kits(lib: Any, actor: Any) -> dict[str, list[int]]:
    return {k.name: [i.piece.id for i in k.items] for k in lib.kits.list(actor)}


def test_kits_changed_offline_become_on_the_server_what_the_laptop_left(
        server: TeamServer, pieces: list[int], rep: str, tmp_path: Path) -> None:
    a, b, c = pieces
    with Proxy(PG_HOST, int(PG_PORT)) as proxy:
        url = server.url(rep).replace(HOST, f"127.0.0.1:{proxy.port}")
        lib, me = open_team_library(url, tmp_path / "laptop", settings=settings_for_tests(), with_index=False,
                                    password_sources=[])
        try:
            # online: a kit made on the laptop is sent at the next sync and takes the server's id
            existing = lib.kits.create(me, "Existing", piece_ids=[a]).value
            assert existing < 0 and lib.replica.outbox_counts() == {"kit": 1}
            lib.replica.sync()
            existing = lib.replica.server_piece_ids("kit")[existing]
            assert _server_kits(server, rep) == {"Existing": [a]}
            assert [k.id for k in lib.kits.list(me)] == [existing]
            # a change waiting in the outbox survives a pull (the laptop's state wins until sent)
            lib.kits.update(me, existing, notes="for Tuesday")
            lib.replica.pull()
            assert lib.kits.get(me, existing).notes == "for Tuesday"

            proxy.kill()
            made = lib.kits.create(me, "Acme call", account="Acme", piece_ids=[a, b]).value
            lib.kits.add(me, made, c)
            lib.kits.remove(me, made, a)
            lib.kits.update(me, made, name="Acme renewal call")
            lib.kits.reorder(me, made, [c, b])
            lib.kits.update(me, existing, name="Existing, renamed")
            lib.kits.add(me, existing, b)
            lib.kits.remove(me, existing, a)
            scratch = lib.kits.create(me, "Scratch", piece_ids=[c]).value
            lib.kits.delete(me, scratch)
            left = {"Acme renewal call": [c, b], "Existing, renamed": [b]}
            assert _local_kits(lib, me) == left
            assert _server_kits(server, rep) == {"Existing": [a]}

            proxy.start()
            report = lib.connect(sync=True, raise_offline=True)
            assert report is not None and report.refused == []
            assert _server_kits(server, rep) == left
            assert _local_kits(lib, me) == left
            assert all(k.id > 0 for k in lib.kits.list(me)) and len(lib.kits.list(me)) == 2
            assert lib.kits.get(me, existing).notes == "for Tuesday"
            assert lib.replica.outbox_size() == 0
            lib.replica.sync()  # sending nothing again changes nothing
            assert _server_kits(server, rep) == left
        finally:
            lib.close()


def test_a_kit_made_offline_is_stored_once_through_a_cut_push_and_a_client_killed_after_commit(
        server: TeamServer, pieces: list[int], rep: str, tmp_path: Path) -> None:
    a, b, _ = pieces
    folder = tmp_path / "laptop"
    with Proxy(PG_HOST, int(PG_PORT)) as proxy:
        url = server.url(rep).replace(HOST, f"127.0.0.1:{proxy.port}")
        assert _cli(url, folder, "sync").returncode == 0
        proxy.kill()
        made = _cli(url, folder, "kit", "create", "Deal kit", "--account", "Initech")
        assert made.returncode == 0 and "queued on this computer (1 waiting)" in made.stderr, made.stderr
        kit_id = made.stdout.split("Created kit ")[1].split(":")[0]
        assert int(kit_id) < 0
        added = _cli(url, folder, "kit", "add", kit_id, str(a), str(b))
        assert added.returncode == 0 and "'Deal kit' now holds 2 pieces." in added.stdout, added.stderr
        proxy.start()
        # the proxy dies while the kit is on the server but not committed
        marker = tmp_path / "at-commit"
        client = _sync_process(url, folder, f"push_before_commit:{marker}")
        _wait_for(marker, client)
        proxy.kill()
        marker.unlink()
        out, err = client.communicate(timeout=60)
        assert client.returncode == 1 and "cannot reach the team server" in err, (out, err)
        assert _server_kits(server, rep) == {}
        proxy.start()
        # the client dies after the server's COMMIT, before its outbox forgets the entries
        marker = tmp_path / "after-commit"
        client = _sync_process(url, folder, f"push_after_commit:{marker}")
        _wait_for(marker, client)
        os.kill(client.pid, signal.SIGKILL)
        client.communicate(timeout=30)
        assert _server_kits(server, rep) == {"Deal kit": [a, b]}
        again = _cli(url, folder, "sync")
        assert again.returncode == 0, again.stderr
        listed = _cli(url, folder, "kit", "list")
        assert listed.returncode == 0 and listed.stdout.count("Deal kit") == 1, listed.stdout
        status = _cli(url, folder, "status", "--json")
        assert '"outbox": 0' in status.stdout and '"dead_letters": []' in status.stdout
    assert _server_kits(server, rep) == {"Deal kit": [a, b]}
