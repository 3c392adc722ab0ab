"""A laptop's replica of the team library: reads come from it online or not, a pull brings
exactly what changed (archived pieces vanish from search, the index and the file cache), a
replica older than the kept change log takes a full snapshot, and an unreachable server
(a real proxy, killed) leaves every read working while server-only writes say so at once.
Pulls feed the replica's search change log, so the next start re-indexes only what came."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import psycopg
import pytest
from sqlalchemy import create_engine

from enablement.search.documents import SearchRequest
from enablement.services.journey import journey_map
from enablement.services.search import SearchIndex
from enablement.storage import search_repo
from enablement.models.dto import Actor, TagSelection, UseRecord
from enablement.team.connection import ServerUnreachable
from enablement.team.library import open_team_library
from enablement.team.sync import prune_change_log
from tests.conftest import make_ready, settings_for_tests
from tests.filemaker_docs import make_pdf
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer, team_server

pytestmark = pytest.mark.postgres

PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        srv.add("Rita Rep", "rita", "rep")
        yield srv


def open_as(srv: TeamServer, name: str, folder: Path, *, port: int | None = None, with_index: bool = True):  # type: ignore[no-untyped-def]
    url = srv.url(srv.logins[name])
    if port is not None:
        url = url.replace(HOST, f"127.0.0.1:{port}")
    return open_team_library(url, folder, settings=settings_for_tests(), with_index=with_index,
                             password_sources=[])


def _found(lib, actor, words: str) -> list[int]:  # type: ignore[no-untyped-def]
    return [p.id for p in lib.search.search(actor, words).pieces]


def test_an_archived_piece_leaves_the_replica_its_search_and_its_file_cache(server: TeamServer,
                                                                            tmp_path: Path) -> None:
    doc = make_pdf(tmp_path / "zebra.pdf", ["Zebra onboarding checklist for new buyers"], title="Zebra checklist")
    mk, maya = open_as(server, "Maya Marketing", tmp_path / "desk")
    lib, rita = open_as(server, "Rita Rep", tmp_path / "laptop")
    try:
        pid = mk.importer.import_paths(maya, [doc]).value.piece_ids[0]
        mk.pieces.publish(maya, make_ready(mk, maya, pid))
        # marketing's own replica followed its writes (pulled after each)
        assert _found(mk, maya, "zebra") == [pid]
        lib.replica.pull()
        assert _found(lib, rita, "zebra") == [pid]
        cached = Path(lib.pieces.version_file(pid)[0])
        assert cached.read_bytes() == doc.read_bytes()

        mk.pieces.archive(maya, pid)
        changes = lib.replica.pull()
        assert pid in changes.piece_ids
        assert _found(lib, rita, "zebra") == []
        assert pid not in {p.id for p in lib.pieces.list(statuses=None)}
        assert not cached.exists()  # the file cache follows the change-set too
        with lib.replica.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM piece_versions WHERE piece_id = ?",
                                        (pid,)).scalar() == 0
        # marketing still sees it (archived), and brings it back: the rep's next pull has it again
        mk.pieces.restore(maya, pid)
        lib.replica.pull()
        assert _found(lib, rita, "zebra") == [pid]
    finally:
        mk.close()
        lib.close()


def test_a_replica_older_than_the_kept_log_takes_a_full_snapshot(server: TeamServer, tmp_path: Path) -> None:
    mk, maya = open_as(server, "Maya Marketing", tmp_path / "desk", with_index=False)
    lib, rita = open_as(server, "Rita Rep", tmp_path / "laptop")
    try:
        first = mk.importer.add_link(maya, "https://example.com/a", "Quokka pricing note").value
        mk.pieces.publish(maya, make_ready(mk, maya, first))
        lib.replica.pull()
        gone = mk.importer.add_link(maya, "https://example.com/b", "Quokka old note").value
        mk.pieces.publish(maya, make_ready(mk, maya, gone))
        lib.replica.pull()
        assert sorted(_found(lib, rita, "quokka")) == sorted([first, gone])
        mk.pieces.archive(maya, gone)
        mk.pieces.update(maya, first, title="Quokka pricing note, 2027")
        dba = create_engine(server.dba_url.replace("postgresql://", "postgresql+psycopg://"))
        with dba.begin() as conn:
            prune_change_log(conn, conn.exec_driver_sql("SELECT max(seq) FROM app.change_log").scalar_one())
        dba.dispose()
        report = lib.replica.sync()
        assert report.full
        assert _found(lib, rita, "quokka") == [first]
        assert lib.pieces.get(first).summary.title == "Quokka pricing note, 2027"
    finally:
        mk.close()
        lib.close()


@pytest.mark.slow
def test_offline_every_read_works_and_server_writes_say_so(server: TeamServer, tmp_path: Path) -> None:
    mk, maya = open_as(server, "Maya Marketing", tmp_path / "desk", with_index=False)
    try:
        pid = mk.importer.add_link(maya, "https://example.com/w", "Wombat discovery questions").value
        mk.pieces.publish(maya, make_ready(mk, maya, pid))
    finally:
        mk.close()
    with Proxy(PG_HOST, int(PG_PORT)) as proxy:
        lib, rita = open_as(server, "Rita Rep", tmp_path / "laptop", port=proxy.port)
        kit = lib.kits.create(rita, "Wombat call").value
        lib.kits.add(rita, kit, pid)
        lib.replica.sync()  # the kit made on the laptop goes to the server and takes its id
        kit = lib.replica.server_piece_ids("kit")[kit]
        lib.close()
        proxy.kill()
        lib, rita = open_as(server, "Rita Rep", tmp_path / "laptop", port=proxy.port)
        try:
            assert lib.offline
            assert _found(lib, rita, "wombat") == [pid]
            assert pid in {p.id for p in lib.pieces.list()}
            assert lib.pieces.get(pid).summary.title == "Wombat discovery questions"
            assert journey_map(lib).stages
            assert [k.id for k in lib.kits.list(rita)] == [kit]
            # a rep's own use waits in the outbox
            assert lib.usage.record(rita, UseRecord(kind="used_in_call", piece_id=pid)).value
            assert lib.replica.outbox_size() == 1
            # so do changes to the rep's own kits
            assert lib.kits.create(rita, "Another call").value < 0
            assert lib.replica.outbox_counts() == {"usage": 1, "kit": 1}
            # what needs the server says so at once (no second connect timeout)
            with pytest.raises(ServerUnreachable, match="cannot reach the team server"):
                lib.pieces.archive(Actor(rita.user_id, rita.name, "marketing"), pid)
            proxy.start()
            report = lib.connect(sync=True, raise_offline=True)
            assert report is not None and report.pushed == 2 and not lib.offline
            assert lib.replica.outbox_size() == 0
        finally:
            lib.close()
    with psycopg.connect(server.dba_url) as dba:
        assert dba.execute("SELECT count(*) FROM usage_events WHERE piece_id = %s AND kind = 'used_in_call'",
                           (pid,)).fetchone()[0] == 1


def test_every_kind_of_queued_entry_is_stored_once_however_often_it_is_sent(server: TeamServer,
                                                                             tmp_path: Path) -> None:
    from enablement.storage import replica_repo as rr

    mk, maya = open_as(server, "Maya Marketing", tmp_path / "desk", with_index=False)
    try:
        pid = mk.importer.add_link(maya, "https://example.com/e", "Echidna case study").value
        mk.pieces.publish(maya, make_ready(mk, maya, pid))
    finally:
        mk.close()
    lib, rita = open_as(server, "Rita Rep", tmp_path / "laptop", with_index=False)
    try:
        use = lib.usage.record(rita, UseRecord(kind="sent", piece_id=pid, account="Echidna Ltd"))
        search_id = lib.usage.log_search(rita, "echidna", "", 1, [pid]).value
        lib.usage.search_opened(search_id, pid)
        lib.requests.create(rita, "Echidna pricing sheet")
        with lib.replica.engine.connect() as conn:
            sent = rr.outbox_batch(conn, 100)
        assert [e["kind"] for e in sent] == ["usage", "search", "opened", "request"] and use.value
        assert lib.replica.sync().pushed == 4
        # the same entries again, as after a crash between the server's COMMIT and the local delete
        with lib.replica.engine.begin() as conn:
            rr.queue(conn, [(e["kind"], e["key"], e["payload"]) for e in sent], "2026-12-01T00:00:00+00:00")
        report = lib.replica.sync()
        assert report.pushed == 4 and report.refused == [] and lib.replica.outbox_size() == 0
        assert [r.title for r in lib.requests.list(rita)] == ["Echidna pricing sheet"]
        assert lib.requests.list(rita)[0].id > 0
    finally:
        lib.close()
    login = server.logins["Rita Rep"]
    with psycopg.connect(server.dba_url) as dba:
        def count(sql: str) -> int:
            return dba.execute(sql, (login,)).fetchone()[0]
        assert count("SELECT count(*) FROM usage_events e JOIN users u ON u.id = e.user_id "
                     "WHERE u.login = %s AND e.account = 'Echidna Ltd'") == 1
        assert count("SELECT count(*) FROM search_log s JOIN users u ON u.id = s.user_id "
                     f"WHERE u.login = %s AND s.query = 'echidna' AND s.opened_piece_id = {pid}") == 1
        assert count("SELECT count(*) FROM content_requests r JOIN users u ON u.id = r.requester_id "
                     "WHERE u.login = %s AND r.title = 'Echidna pricing sheet' AND r.client_uuid IS NOT NULL") == 1


def test_a_rep_ranks_by_the_whole_teams_use_as_of_the_last_pull(server: TeamServer, tmp_path: Path) -> None:
    server.add("Ravi Rep", "ravi", "rep")
    mk, maya = open_as(server, "Maya Marketing", tmp_path / "desk", with_index=False)
    try:
        pid = mk.importer.add_link(maya, "https://example.com/n", "Numbat renewal playbook").value
        mk.pieces.publish(maya, make_ready(mk, maya, pid))
    finally:
        mk.close()
    ravi, ravi_actor = open_as(server, "Ravi Rep", tmp_path / "ravi")
    lib, rita = open_as(server, "Rita Rep", tmp_path / "rita")
    try:
        for _ in range(3):
            ravi.usage.record(ravi_actor, UseRecord(kind="used_in_call", piece_id=pid))
        ravi.replica.sync()
        assert lib.ctx.index is not None
        assert lib.ctx.index.popularity().get(pid, 0) == 0  # Rita has not pulled since
        lib.replica.pull()
        assert lib.ctx.index.popularity()[pid] == 3  # Ravi's uses, which Rita may not read
        lib.usage.record(rita, UseRecord(kind="sent", piece_id=pid))  # waiting in her outbox
        lib.ctx.index.usage_changed()
        assert lib.ctx.index.popularity()[pid] == 4
    finally:
        ravi.close()
        lib.close()


def test_a_server_write_pulls_once_however_many_transactions_it_takes(server: TeamServer, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import enablement.services.importing as importing
    import enablement.team.replica as replica_module

    docs = [make_pdf(tmp_path / f"bulk{i}.pdf", [f"Kangaroo onboarding part {i}"], title=f"Kangaroo {i}")
            for i in range(3)]
    mk, maya = open_as(server, "Maya Marketing", tmp_path / "desk")
    try:
        pulls: list[int] = []
        real = replica_module.read_snapshot

        def counted(engine, last):  # type: ignore[no-untyped-def]
            pulls.append(last)
            return real(engine, last)

        monkeypatch.setattr(replica_module, "read_snapshot", counted)
        # the import's own flush (pieces searchable while a long import runs) pulls too: not here
        monkeypatch.setattr(importing, "_INDEX_BATCH_SECONDS", 3600.0)
        ids = mk.importer.import_paths(maya, docs).value.piece_ids  # three server transactions
        assert len(ids) == 3
        assert len(pulls) == 1
        assert sorted(_found(mk, maya, "kangaroo")) == sorted(ids)  # pulled and indexed
        pulls.clear()
        mk.pieces.bulk_set_tags(maya, ids, TagSelection(stages=[mk.taxonomy.get().stages[0].id]))
        mk.pieces.archive(maya, ids[0])
        assert len(pulls) == 2  # one per write
        assert sorted(_found(mk, maya, "kangaroo")) == sorted(ids[1:])
    finally:
        mk.close()


def test_new_replicas_opened_by_many_threads_at_once_all_open_at_the_current_schema(tmp_path: Path) -> None:
    import threading

    from enablement.config import LibraryPaths
    from enablement.storage.migrate import SCHEMA_HEAD, current_revision
    from enablement.team.replica import Replica

    never_asked = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # opening asks no server
    folders = [tmp_path / f"laptop{i % 4}" for i in range(8)]  # four new replicas, two threads each
    start = threading.Barrier(len(folders))
    opened: list[Replica] = []
    errors: list[BaseException] = []

    def open_one(folder: Path) -> None:
        paths = LibraryPaths(folder)
        paths.ensure()
        start.wait()
        try:
            opened.append(Replica(paths, never_asked))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=open_one, args=(f,)) for f in folders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert len(opened) == len(folders)
        for replica in opened:
            assert current_revision(replica.engine) == SCHEMA_HEAD
            assert replica.outbox_size() == 0 and replica.state() == {}
    finally:
        for replica in opened:
            replica.close()


def test_a_pull_that_brings_nothing_new_changes_nothing_and_a_write_is_heard_once(server: TeamServer,
                                                                                   tmp_path: Path) -> None:
    from enablement.models.changes import Changes

    mk, maya = open_as(server, "Maya Marketing", tmp_path / "maya", with_index=False)
    rep, rita = open_as(server, "Rita Rep", tmp_path / "rita", with_index=False)
    heard: list[Changes] = []
    mk.ctx.caches.listeners.append(heard.append)
    try:
        assert rep.replica.sync().changes.empty  # nothing happened since it opened
        pid = mk.importer.add_link(maya, "https://example.com/echo", "Echo sheet").value
        mk.pieces.publish(maya, make_ready(mk, maya, pid))
        writes = len(heard)
        assert writes and all(not c.usage and not c.kits for c in heard)
        # the server's notice of Maya's own write comes back to her window: the pull it causes
        # finds nothing new, and no view refreshes a second time
        assert mk.replica.sync().changes.empty and len(heard) == writes

        # another laptop's pull brings the piece, and only the piece
        brought = rep.replica.sync().changes
        assert brought.pieces and pid in brought.piece_ids
        assert not (brought.usage or brought.kits or brought.requests or brought.taxonomy)
        # a use Rita logs reaches the team's counts: Maya's next pull says usage changed
        rep.usage.record(rita, UseRecord(kind="sent", piece_id=pid))
        rep.replica.sync()
        used = mk.replica.sync().changes
        assert used.usage and not used.kits and not used.pieces
    finally:
        mk.close()
        rep.close()


def test_a_pull_without_the_index_open_is_caught_up_from_the_log(server: TeamServer, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Pulls feed the replica's search change log like any other write: the next start
    re-indexes just the pieces that came, without comparing every piece's stamp."""
    doc = make_pdf(tmp_path / "okapi.pdf", ["Onboarding checklist for new buyers"], title="Buyer checklist")
    mk, maya = open_as(server, "Maya Marketing", tmp_path / "desk", with_index=False)
    try:
        pid = mk.importer.import_paths(maya, [doc]).value.piece_ids[0]
        mk.pieces.publish(maya, make_ready(mk, maya, pid))
        lib, _rita = open_as(server, "Rita Rep", tmp_path / "laptop")
        assert lib.ctx.index is not None
        lib.ctx.index.ensure_fresh()  # the replica's log is made; the index records its entry
        lib.close()
        mk.pieces.update(maya, pid, title="Okapi checklist")
        lib, _rita = open_as(server, "Rita Rep", tmp_path / "laptop", with_index=False)  # pulls, indexes nothing
        try:
            reads: list[str] = []
            real = search_repo.stamp_rows
            monkeypatch.setattr(search_repo, "stamp_rows", lambda s: reads.append("database") or real(s))
            index = SearchIndex(lib.ctx)
            assert index.ensure_fresh() == 1
            assert reads == []
            assert [h.piece_id for h in index.search(SearchRequest(text="okapi")).hits] == [pid]
            index.close()
        finally:
            lib.close()
    finally:
        mk.close()
