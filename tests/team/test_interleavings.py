"""Concurrent marketing transactions against a replica pulling all the while: 1,000 small
transactions on four connections (retitle, archive or publish, tag, untag; some of two
statements, some rolled back), their statements and commits interleaved at random, a pull
running in a loop beside them. Afterwards the replica equals what the rep sees on the server,
and every change-log number committed after the start was seen by some pull (none skipped:
commit order equals sequence order)."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.storage import replica_repo as rr
from enablement.team import sync
from enablement.team.library import open_team_library
from tests.conftest import make_ready, settings_for_tests
from tests.team.server import TeamServer, team_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WORKERS, TRANSACTIONS, PIECES, SEED = 4, 1000, 12, 20261201


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        srv.add("Rita Rep", "rita", "rep")
        yield srv


def _work(url: str, pieces: list[int], stages: list[int], count: int, seed: int, errors: list[BaseException]) -> None:
    rnd = random.Random(seed)
    try:
        with psycopg.connect(url) as conn:
            for _ in range(count):
                try:
                    with conn.transaction() as tx:
                        for _ in range(rnd.choice((1, 1, 2))):
                            pid, sid = rnd.choice(pieces), rnd.choice(stages)
                            op = rnd.randrange(4)
                            if op == 0:
                                conn.execute("UPDATE pieces SET title = %s, updated_at = now() AT TIME ZONE 'utc' "
                                             "WHERE id = %s", (f"Piece {pid} take {rnd.randrange(10**6)}", pid))
                            elif op == 1:
                                conn.execute("UPDATE pieces SET status = CASE WHEN status = 'published' THEN "
                                             "'archived' ELSE 'published' END WHERE id = %s", (pid,))
                            elif op == 2:
                                conn.execute("INSERT INTO piece_stages (piece_id, stage_id) VALUES (%s, %s) "
                                             "ON CONFLICT DO NOTHING", (pid, sid))
                            else:
                                conn.execute("DELETE FROM piece_stages WHERE piece_id = %s AND stage_id = %s",
                                             (pid, sid))
                            time.sleep(rnd.random() / 1000)
                        if rnd.random() < 0.1:
                            raise psycopg.Rollback(tx)
                except psycopg.errors.DeadlockDetected:
                    pass  # two transactions crossed: one is aborted, as it would be in the app
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def test_a_thousand_interleaved_marketing_transactions_reach_the_replica_whole(server: TeamServer,
                                                                                 tmp_path: Path) -> None:
    mk, maya = open_team_library(server.url(server.logins["Maya Marketing"]), tmp_path / "desk",
                                 settings=settings_for_tests(), with_index=False)
    try:
        pieces = [mk.importer.add_link(maya, f"https://example.com/{n}", f"Piece {n}").value for n in range(PIECES)]
        mk.pieces.publish_many(maya, [make_ready(mk, maya, p) for p in pieces[: PIECES * 2 // 3]])
        stages = [s.id for s in mk.taxonomy.get().stages][:4]
    finally:
        mk.close()
    lib, _ = open_team_library(server.url(server.logins["Rita Rep"]), tmp_path / "laptop",
                               settings=settings_for_tests(), with_index=False)
    try:
        replica = lib.replica
        start = int(replica.state()["last_seq"])
        seen: list[int] = []
        done = threading.Event()
        errors: list[BaseException] = []

        def pull_once() -> None:
            last = int(replica.state()["last_seq"])
            snap = sync.read_snapshot(replica.server, last)
            assert not snap.full
            result = sync.apply_snapshot(replica.engine, snap, last)
            assert result.applied
            assert all(last < s <= snap.hi for s in snap.seqs)
            seen.extend(snap.seqs)

        def puller() -> None:
            try:
                while not done.is_set():
                    pull_once()
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        url = server.url(server.logins["Maya Marketing"])
        workers = [threading.Thread(target=_work, args=(url, pieces, stages, TRANSACTIONS // WORKERS, SEED + n, errors))
                   for n in range(WORKERS)]
        pulling = threading.Thread(target=puller)
        pulling.start()
        for w in workers:
            w.start()
        for w in workers:
            w.join(300)
        done.set()
        pulling.join(60)
        assert errors == []
        pull_once()

        with psycopg.connect(server.dba_url) as dba:
            committed = [r[0] for r in dba.execute("SELECT seq FROM app.change_log WHERE seq > %s ORDER BY seq",
                                                   (start,))]
        assert len(committed) > TRANSACTIONS // 2
        assert sorted(seen) == committed  # each seen once, none skipped
        assert int(replica.state()["last_seq"]) == committed[-1]

        columns = "id, title, status, current_version_id, updated_at, row_version"
        with psycopg.connect(server.url(server.logins["Rita Rep"])) as rita:
            server_pieces = rita.execute(f"SELECT {columns} FROM pieces ORDER BY id").fetchall()
            server_tags = rita.execute("SELECT piece_id, stage_id FROM piece_stages ORDER BY 1, 2").fetchall()
        with replica.engine.connect() as local:
            local_pieces = [tuple(r) for r in local.exec_driver_sql(f"SELECT {columns} FROM pieces ORDER BY id")]
            local_tags = [tuple(r) for r in local.exec_driver_sql("SELECT piece_id, stage_id FROM piece_stages "
                                                                  "ORDER BY 1, 2")]
            assert rr.outbox_size(local) == 0
        assert [(p[0], p[1], p[2], p[3], p[5]) for p in local_pieces] == \
               [(p[0], p[1], p[2], p[3], p[5]) for p in server_pieces]
        assert [str(p[4])[:19] for p in local_pieces] == [p[4].isoformat(sep=" ")[:19] for p in server_pieces]
        assert local_tags == server_tags
    finally:
        lib.close()
