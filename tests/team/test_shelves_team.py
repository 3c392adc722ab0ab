"""Shelves in a team library, on a real PostgreSQL: the database itself keeps saved searches and
favourites their owner's (a rep can neither write a recommended search nor read another rep's
searches, even with a raw SQL client), a rep's shelves made on the laptop go through the outbox
(offline too, sent once however often) and reach the person's second laptop, and marketing's
recommended searches reach every laptop."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from psycopg import errors

from enablement.team.library import open_team_library
from tests.conftest import make_ready, settings_for_tests
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer
from tests.team.test_outbox import rep, server  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.postgres]

PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture(scope="module")
def shared(server: TeamServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """A published piece and a recommended search for its gate, made by marketing on the server."""
    lib, maya = open_team_library(server.url(server.logins["Maya Marketing"]), tmp_path_factory.mktemp("desk"),
                                  settings=settings_for_tests(), with_index=False)
    try:
        pid = lib.importer.add_link(maya, "https://example.com/okapi", "Okapi security brief").value
        lib.pieces.publish(maya, make_ready(lib, maya, pid))
        gate = lib.pieces.get(pid).summary.ids("gate")[0]
        sid = lib.shelves.save(maya, "Okapi proof", "okapi", {"persona": ["cfo"]}, "newest", recommended=True,
                               gate_id=gate).value
        assert sid > 0  # written on the server itself
        return {"piece": pid, "recommended": sid, "gate": gate}
    finally:
        lib.close()


def _as(server: TeamServer, login: str) -> psycopg.Connection:
    return psycopg.connect(server.url(login), autocommit=True)


def test_the_database_keeps_searches_and_favourites_their_owners(server: TeamServer, shared: dict[str, int],
                                                                  rep: str) -> None:
    other = server.add("Other Rep", "other_rep", "rep") if "Other Rep" not in server.logins else server.logins["Other Rep"]
    with _as(server, rep) as me, _as(server, other) as them:
        my_id = me.execute("SELECT app.me()").fetchone()[0]
        their_id = them.execute("SELECT app.me()").fetchone()[0]
        me.execute("INSERT INTO saved_searches (owner_id, name, query, filters, sort, recommended, created_at, "
                   "updated_at) VALUES (%s, 'Mine', 'okapi', '', 'relevance', false, now(), now())", (my_id,))
        # a rep cannot make, change or delete a recommended search
        with pytest.raises(errors.InsufficientPrivilege):
            me.execute("INSERT INTO saved_searches (owner_id, name, query, filters, sort, recommended, created_at, "
                       "updated_at) VALUES (%s, 'For all', '', '', 'relevance', true, now(), now())", (my_id,))
        assert me.execute("UPDATE saved_searches SET name = 'Hijacked' WHERE id = %s",
                          (shared["recommended"],)).rowcount == 0
        assert me.execute("DELETE FROM saved_searches WHERE id = %s", (shared["recommended"],)).rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege):  # nor turn their own into a recommended one
            me.execute("UPDATE saved_searches SET recommended = true WHERE name = 'Mine'")
        # another rep sees the recommended search, never this rep's own
        names = {r[0] for r in them.execute("SELECT name FROM saved_searches")}
        assert names == {"Okapi proof"}
        assert them.execute("UPDATE saved_searches SET name = 'x' WHERE name = 'Mine'").rowcount == 0
        # favourites: one's own only
        me.execute("INSERT INTO favourites (user_id, piece_id, title, created_at) VALUES (%s, %s, 't', now())",
                   (my_id, shared["piece"]))
        with pytest.raises(errors.InsufficientPrivilege):
            them.execute("INSERT INTO favourites (user_id, piece_id, title, created_at) VALUES (%s, %s, 't', now())",
                         (my_id, shared["piece"]))
        assert them.execute("SELECT count(*) FROM favourites").fetchone()[0] == 0
        assert them.execute("DELETE FROM favourites").rowcount == 0
        assert their_id != my_id
        me.execute("DELETE FROM favourites")
        me.execute("DELETE FROM saved_searches WHERE NOT recommended")


def _server_shelf(server: TeamServer, login: str) -> tuple[set[str], set[int]]:
    with psycopg.connect(server.dba_url) as dba:
        names = {r[0] for r in dba.execute("SELECT s.name FROM saved_searches s JOIN users u ON u.id = s.owner_id "
                                           "WHERE u.login = %s AND NOT s.recommended", (login,))}
        favs = {r[0] for r in dba.execute("SELECT f.piece_id FROM favourites f JOIN users u ON u.id = f.user_id "
                                          "WHERE u.login = %s", (login,))}
    return names, favs


def test_shelves_made_offline_are_sent_once_and_reach_the_second_laptop(
        server: TeamServer, shared: dict[str, int], rep: str, tmp_path: Path) -> None:
    pid = shared["piece"]
    with Proxy(PG_HOST, int(PG_PORT)) as proxy:
        url = server.url(rep).replace(HOST, f"127.0.0.1:{proxy.port}")
        lib, me = open_team_library(url, tmp_path / "laptop", settings=settings_for_tests(), with_index=False,
                                    password_sources=[])
        try:
            # the recommended search came with the first pull, for its gate
            stage = lib.ctx.taxonomy().gate(shared["gate"]).stage_id
            assert [s.name for s in lib.shelves.recommended(stage, shared["gate"])] == ["Okapi proof"]
            proxy.kill()
            sid = lib.shelves.save(me, "Okapi for CFOs", "okapi", {"persona": ["cfo"]}, "newest").value
            assert sid < 0  # made here: a provisional id until the server stores it
            lib.shelves.set_favourite(me, pid)
            lib.shelves.rename(me, sid, "Okapi, CFO view")
            assert lib.replica.outbox_counts() == {"shelf": 3}
            assert _server_shelf(server, rep) == (set(), set())
            proxy.start()
            report = lib.connect(sync=True, raise_offline=True)
            assert report is not None and report.refused == []
            assert _server_shelf(server, rep) == ({"Okapi, CFO view"}, {pid})
            assert lib.replica.outbox_size() == 0
            # the replica now holds the server's rows (server ids), recommended included
            assert sorted((s.name, s.recommended, s.id > 0) for s in lib.shelves.searches(me)) == [
                ("Okapi proof", True, True), ("Okapi, CFO view", False, True)]
            # a rep cannot recommend, even from the laptop
            with pytest.raises(Exception, match="may not share recommended searches"):
                lib.shelves.save(me, "For everyone", "x", recommended=True)
        finally:
            lib.close()

    # the same shelf entry sent again (the link died after the server's COMMIT) changes nothing
    second, me2 = open_team_library(server.url(rep), tmp_path / "laptop-2", settings=settings_for_tests(),
                                    with_index=False, password_sources=[])
    try:
        assert {s.name for s in second.shelves.searches(me2)} == {"Okapi proof", "Okapi, CFO view"}
        assert second.shelves.favourite_ids(me2) == {pid}
        second.shelves.set_favourite(me2, pid, False)
        with second.replica.engine.connect() as local:
            from enablement.storage import replica_repo as rr

            [entry] = rr.outbox_batch(local, 10)
        second.replica.sync()
        with second.replica.engine.begin() as local:
            rr.queue(local, [(entry["kind"], entry["key"], entry["payload"])], "2026-12-01T00:00:00")
        second.replica.sync()
        assert _server_shelf(server, rep) == ({"Okapi, CFO view"}, set())
        assert json.loads(json.dumps(entry["payload"]))["favourites"] == []
    finally:
        second.close()
