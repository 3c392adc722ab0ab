"""Every service on the team server as each person's own login: marketing imports (bytes to
the server), tags, publishes, versions and archives; a rep on another machine finds the
piece, gets its bytes on demand, logs use, builds and exports a kit, asks for a piece and
submits their own; a manager runs every report; spoofing and forbidden asks end as
"not allowed" messages."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.errors import PermissionDenied
from enablement.models.dto import Actor, TagSelection, UseRecord
from enablement.services.reports_service import REPORTS
from enablement.team.library import open_team_library
from tests.conftest import make_ready, settings_for_tests
from tests.filemaker_docs import make_pdf
from tests.team.server import TeamServer, team_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        srv.add("Morgan Manager", "morgan", "manager")
        srv.add("Rita Rep", "rita", "rep")
        srv.add("Ravi Rep", "ravi", "rep")
        yield srv


def open_as(srv: TeamServer, name: str, folder: Path, with_index: bool = False):  # type: ignore[no-untyped-def]
    return open_team_library(srv.url(srv.logins[name]), folder, settings=settings_for_tests(), with_index=with_index)


def test_the_whole_flow_across_machines_and_roles(server: TeamServer, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    datasheet = make_pdf(tmp_path / "in" / "pricing-datasheet.pdf", ["Pricing tiers for enterprise buyers"],
                         title="Pricing datasheet")
    # --- marketing, on their desktop ------------------------------------------------------------
    mk, maya = open_as(server, "Maya Marketing", tmp_path / "desk", with_index=True)
    try:
        assert (maya.name, maya.role) == ("Maya Marketing", "marketing")
        summary = mk.importer.import_paths(maya, [datasheet]).value
        pid = summary.piece_ids[0]
        stage = mk.taxonomy.get().stages[2]
        mk.pieces.set_tags(maya, pid, TagSelection(stages=[stage.id]))
        mk.pieces.publish(maya, make_ready(mk, maya, pid))
        draft = mk.importer.import_paths(maya, [make_pdf(tmp_path / "in" / "draft.pdf", ["Not ready"])]).value
        draft_id = draft.piece_ids[0]
        old = mk.importer.import_paths(maya, [make_pdf(tmp_path / "in" / "old.pdf", ["Old deck"])]).value
        mk.pieces.publish(maya, make_ready(mk, maya, old.piece_ids[0]))
        mk.pieces.archive(maya, old.piece_ids[0])
        v2 = make_pdf(tmp_path / "in" / "pricing-v2.pdf", ["Pricing tiers for enterprise buyers, 2027"])
        mk.importer.new_version(maya, pid, v2, note="2027 prices")
    finally:
        mk.close()
    sha = hashlib.sha256(v2.read_bytes()).hexdigest()
    with psycopg.connect(server.dba_url) as dba:
        chunks = dba.execute("SELECT count(*), sum(length(data)) FROM app.blob_chunks WHERE sha256 = %s",
                             (sha,)).fetchone()
        assert chunks == (1, v2.stat().st_size)
        changes = dba.execute("SELECT count(*) FROM app.change_log WHERE entity = 'piece' AND entity_id = %s",
                              (pid,)).fetchone()[0]
        assert changes >= 4
        audited = dba.execute("SELECT count(*) FROM app.audit_log WHERE tbl = 'pieces' AND who = %s",
                              (server.logins["Maya Marketing"],)).fetchone()[0]
        assert audited >= 4
        assert dba.execute("SELECT row_version FROM pieces WHERE id = %s", (pid,)).fetchone()[0] > 1

    # --- a rep, on a laptop that has none of the files ---------------------------------------------
    lib, rita = open_as(server, "Rita Rep", tmp_path / "laptop", with_index=True)
    try:
        found = lib.search.search(rita, "pricing", log_search=True)
        assert [p.id for p in found.pieces] == [pid]
        assert draft_id not in {p.id for p in lib.pieces.list(statuses=None)}
        path, name, file_type = lib.pieces.version_file(pid)
        assert Path(path).read_bytes() == v2.read_bytes() and name == "pricing-v2.pdf"
        assert lib.usage.record(rita, UseRecord(kind="used_in_call", piece_id=pid, account="Acme")).value
        kit = lib.kits.create(rita, "Acme call", account="Acme").value
        lib.kits.add(rita, kit, pid)
        exported = lib.kits.export(rita, kit, tmp_path / "out").value
        assert exported.files and exported.files[0].read_bytes() == v2.read_bytes()
        queued = lib.requests.create(rita, "ROI calculator for banks").value
        assert queued < 0  # made on the laptop, in the outbox until the next sync
        assert lib.replica.sync().pushed >= 2
        request = next(r.id for r in lib.requests.list(rita) if r.title == "ROI calculator for banks")
        assert request > 0
        lib.requests.withdraw(rita, request)
        mine = lib.importer.import_paths(rita, [make_pdf(tmp_path / "in" / "my-deck.pdf", ["Rita's own deck"])],
                                         source="rep").value
        assert mine.piece_ids and lib.pieces.get(mine.piece_ids[0]).summary.review_state == "pending"
        # made on the laptop (file kept there) until the sync stores it on the server: it
        # then has the server's id
        assert mine.piece_ids[0] < 0 and lib.replica.outbox_counts() == {"submission": 1}
        assert lib.replica.sync().pushed == 1
        sub = lib.replica.server_piece_ids()[mine.piece_ids[0]]
        assert lib.pieces.get(sub).summary.review_state == "pending"
        # while it waits for review, the rep edits their own submission's metadata and tags
        first_stage = lib.taxonomy.get().stages[0]
        lib.pieces.update(rita, sub, title="Rita's own deck, v2", description="For Acme")
        lib.pieces.set_tags(rita, sub, TagSelection(stages=[first_stage.id]))
        edited = lib.pieces.get(sub)
        assert edited.summary.title == "Rita's own deck, v2"
        assert [t.label for t in edited.summary.tags if t.dimension == "stage"] == [first_stage.name]
        # what a rep may not do ends as "not allowed", whichever layer says it first
        with pytest.raises(PermissionDenied, match=r"\(rep\) may not publish"):
            lib.pieces.publish(rita, pid)
        with pytest.raises(PermissionDenied, match=r"\(rep\) may not view reports"):
            lib.reports.run(rita, "adoption")
        # spoofing: acting as another user or another role is refused by the database
        ravi_id = next(u.id for u in lib.users.list() if u.name == "Ravi Rep")
        # (a use waits in the outbox: the server refuses it when it arrives, and it is kept
        # as a dead letter with the reason)
        lib.usage.record(Actor(ravi_id, "Ravi Rep", "rep"), UseRecord(kind="opened", piece_id=pid))
        assert lib.replica.sync().refused == ["You (rep) may not add these usage records."]
        assert [d["reason"] for d in lib.replica.dead_letters()] == ["You (rep) may not add these usage records."]
        assert lib.replica.outbox_size() == 0
        # 'try again' puts it back in the outbox: refused again, nothing lost
        assert lib.replica.retry_dead_letters([d["id"] for d in lib.replica.dead_letters()]) == 1
        assert lib.replica.outbox_size() == 1 and lib.replica.dead_letters() == []
        assert lib.replica.sync().refused == ["You (rep) may not add these usage records."]
        with pytest.raises(PermissionDenied, match=r"^You \(rep\) may not change pieces\.$"):
            lib.pieces.archive(Actor(rita.user_id, rita.name, "marketing"), pid)
        # (the title column is theirs to edit on their own submission: row-level security refuses it)
        with pytest.raises(PermissionDenied, match=r"^You \(rep\) may not change these pieces\.$"):
            lib.pieces.update(Actor(rita.user_id, rita.name, "admin"), pid, title="Mine now")
    finally:
        lib.close()

    # --- the manager ------------------------------------------------------------------------------
    boss_lib, boss = open_as(server, "Morgan Manager", tmp_path / "office")
    try:
        for name in REPORTS:
            boss_lib.reports.run(boss, name)
        used = boss_lib.reports.run(boss, "used").to_dict()
        assert used and boss_lib.reports.piece_stats(boss, pid)
        with pytest.raises(PermissionDenied, match=r"\(manager\) may not"):
            boss_lib.pieces.update(Actor(boss.user_id, boss.name, "marketing"), pid, title="x")
    finally:
        boss_lib.close()


def test_a_rep_reads_the_whole_teams_use_counts_from_the_server(server: TeamServer, tmp_path: Path) -> None:
    """A rep may read only their own usage events, yet use counts read on the server as their
    login (storage.pieces_repo.use_counts over the server engine) are the whole team's: the
    server's counts-only app.popularity(). (The laptop replica carries these counts for ranking.)"""
    import uuid

    from sqlmodel import Session

    from enablement.storage import pieces_repo

    mk, maya = open_as(server, "Maya Marketing", tmp_path / "desk")
    try:
        doc = make_pdf(tmp_path / "objections.pdf", ["Objection handling for security reviews"])
        pid = mk.importer.import_paths(maya, [doc]).value.piece_ids[0]
        mk.pieces.publish(maya, make_ready(mk, maya, pid))
    finally:
        mk.close()
    with psycopg.connect(server.dba_url) as dba:  # two uses by Ravi, one by Rita
        uid = dict(dba.execute("SELECT login, id FROM users").fetchall())
        for login, kind in (("Ravi Rep", "used_in_call"), ("Ravi Rep", "sent"), ("Rita Rep", "opened")):
            dba.execute("INSERT INTO usage_events (id, kind, user_id, piece_id, occurred_at, account, comment, "
                        "is_demo) VALUES (%s, %s, %s, %s, now() AT TIME ZONE 'utc', '', '', false)",
                        (str(uuid.uuid4()), kind, uid[server.logins[login]], pid))
    lib, rita = open_as(server, "Rita Rep", tmp_path / "rita")
    try:
        with psycopg.connect(server.url(server.logins["Rita Rep"])) as conn:  # her own events only
            assert conn.execute("SELECT count(*) FROM usage_events WHERE piece_id = %s", (pid,)).fetchone()[0] == 1
        with Session(lib.ctx.engine) as s:  # the server, as Rita's login
            assert pieces_repo.use_counts(s)[pid] == 3
            assert pieces_repo.use_counts(s, [pid]) == {pid: 3}
    finally:
        lib.close()
