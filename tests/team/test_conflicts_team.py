"""Optimistic concurrency on a real team server, as two marketing logins on two replicas: an
edit made against a stale copy (of a piece, or of the taxonomy: a gate, an order, the
synonyms) is refused, names who changed it (the login's person, stamped by the server) and
when, and leaves the replica showing their change; a write that loses the race between its
read and its UPDATE changes nothing either."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.errors import EditConflict, when_text
from enablement.models.dto import TagSelection
from enablement.models.tables import Piece
from enablement.storage.engine import make_engine, write_session
from enablement.team.library import open_team_library
from tests.conftest import settings_for_tests
from tests.team.server import TeamServer, team_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya_conflict", "marketing")
        srv.add("Mia Marketing", "mia_conflict", "marketing")
        srv.add("Rita Rep", "rita_conflict", "rep")
        yield srv


def open_as(srv: TeamServer, name: str, folder: Path):  # type: ignore[no-untyped-def]
    return open_team_library(srv.url(srv.logins[name]), folder, settings=settings_for_tests(), with_index=False)


def dba_piece(srv: TeamServer, title: str) -> int:
    """A draft link piece written by the DBA."""
    with psycopg.connect(srv.dba_url) as dba:
        return int(dba.execute("INSERT INTO pieces (title, description, kind, url, status, source, review_state, "
                               "review_note, owner, created_at, updated_at, is_demo) VALUES (%s, '', 'link', "
                               "'https://example.com', 'draft', 'marketing', 'none', '', '', now(), now(), false) "
                               "RETURNING id", (title,)).fetchone()[0])


def test_two_marketing_logins_edit_one_piece(server: TeamServer, tmp_path: Path) -> None:
    maya_lib, maya = open_as(server, "Maya Marketing", tmp_path / "maya")
    mia_lib, mia = open_as(server, "Mia Marketing", tmp_path / "mia")
    try:
        pid = maya_lib.importer.add_link(maya, "https://example.com/roi", "ROI calculator").value
        mia_lib.connect()  # Mia's replica has the piece; she opens it in the editor
        seen = mia_lib.pieces.get(pid).summary.row_version
        assert seen == maya_lib.pieces.get(pid).summary.row_version

        maya_lib.pieces.update(maya, pid, title="ROI calculator 2027", seen=seen)  # Maya saves first
        with pytest.raises(EditConflict) as refused:
            mia_lib.pieces.update(mia, pid, title="ROI calculator (EMEA)", owner="Mia",
                                  tags=TagSelection(stages=[mia_lib.taxonomy.get().stages[0].id]), seen=seen)
        with psycopg.connect(server.dba_url) as dba:
            title, owner, version, by, at = dba.execute(
                "SELECT p.title, p.owner, p.row_version, u.name, p.updated_at FROM pieces p "
                "JOIN users u ON u.id = p.updated_by_id WHERE p.id = %s", (pid,)).fetchone()
            tags = dba.execute("SELECT count(*) FROM piece_stages WHERE piece_id = %s", (pid,)).fetchone()[0]
        assert (title, owner, by, tags) == ("ROI calculator 2027", "", "Maya Marketing", 0)  # nothing of Mia's
        assert [(c.piece_id, c.by, c.at) for c in refused.value.changed] == [(pid, "Maya Marketing", at)]
        assert str(refused.value) == (f"Changed by Maya Marketing at {when_text(at)} while you were editing — "
                                      "your change was not saved.")
        # the refusal brought Mia's replica up to date: the reload shows Maya's change and version
        reloaded = mia_lib.pieces.get(pid)
        assert (reloaded.title, reloaded.summary.row_version, reloaded.updated_by) == \
               ("ROI calculator 2027", version, "Maya Marketing")
        # re-applied on the reloaded piece, Mia's edit goes through; the server names her
        mia_lib.pieces.update(mia, pid, owner="Mia", seen=reloaded.summary.row_version)
        assert mia_lib.pieces.get(pid).updated_by == "Mia Marketing"
        # a bulk edit with the stale version changes none of the pieces
        other = maya_lib.importer.add_link(maya, "https://example.com/tco", "TCO study").value
        maya_lib.connect()
        stale = maya_lib.pieces.versions_of([pid, other])
        mia_lib.pieces.bulk_update(mia, [pid], owner="Mia again")
        with pytest.raises(EditConflict) as bulk:
            maya_lib.pieces.bulk_update(maya, [pid, other], owner="Maya", seen=stale)
        assert [c.piece_id for c in bulk.value.changed] == [pid]
        with psycopg.connect(server.dba_url) as dba:
            owners = dict(dba.execute("SELECT id, owner FROM pieces WHERE id IN (%s, %s)", (pid, other)).fetchall())
        assert owners == {pid: "Mia again", other: ""}
    finally:
        maya_lib.close()
        mia_lib.close()


def test_the_server_names_the_login_whatever_the_client_writes(server: TeamServer) -> None:
    pid = dba_piece(server, "Spoof target")
    with psycopg.connect(server.dba_url) as dba:
        ids = dict(dba.execute("SELECT name, id FROM users").fetchall())
    with psycopg.connect(server.url(server.logins["Mia Marketing"])) as mia:
        mia.execute("UPDATE pieces SET title = 'x', updated_by_id = %s WHERE id = %s", (ids["Maya Marketing"], pid))
    with psycopg.connect(server.dba_url) as dba:
        assert dba.execute("SELECT updated_by_id FROM pieces WHERE id = %s", (pid,)).fetchone()[0] == \
               ids["Mia Marketing"]


def test_a_write_that_loses_the_race_on_the_server_changes_nothing(server: TeamServer, tmp_path: Path) -> None:
    """Maya's transaction read the row; Mia's UPDATE commits before Maya's UPDATE runs:
    Maya's ``WHERE row_version = <as read>`` matches nothing, and that is an EditConflict."""
    pid = dba_piece(server, "Race")
    engine = make_engine(server.url(server.logins["Maya Marketing"]))
    try:
        with pytest.raises(EditConflict):
            with write_session(engine) as session:
                row = session.get(Piece, pid)
                assert row is not None
                with psycopg.connect(server.url(server.logins["Mia Marketing"])) as mia:
                    mia.execute("UPDATE pieces SET title = 'Mia won' WHERE id = %s", (pid,))
                row.title = "Maya lost"
    finally:
        engine.dispose()
    with psycopg.connect(server.dba_url) as dba:
        assert dba.execute("SELECT title FROM pieces WHERE id = %s", (pid,)).fetchone()[0] == "Mia won"


def test_two_marketing_logins_edit_one_gate(server: TeamServer, tmp_path: Path) -> None:
    maya_lib, maya = open_as(server, "Maya Marketing", tmp_path / "maya")
    mia_lib, mia = open_as(server, "Mia Marketing", tmp_path / "mia")
    try:
        gate = mia_lib.taxonomy.get().stages[2].gates[0]  # Mia reads the gate into the form
        assert maya_lib.taxonomy.get().gate(gate.id).row_version == gate.row_version
        maya_lib.taxonomy.edit_gate(maya, gate.id, question="Why you over the shortlist?",
                                    seen=gate.row_version)  # Maya saves first

        with pytest.raises(EditConflict) as refused:
            mia_lib.taxonomy.edit_gate(mia, gate.id, question="Why pick us?", exit_criteria="Shortlist of one",
                                       seen=gate.row_version)
        with psycopg.connect(server.dba_url) as dba:
            question, criteria, version, by, at = dba.execute(
                "SELECT g.question, g.exit_criteria, g.row_version, u.name, g.updated_at FROM gates g "
                "JOIN users u ON u.id = g.updated_by_id WHERE g.id = %s", (gate.id,)).fetchone()
        assert (question, criteria, by) == ("Why you over the shortlist?", gate.exit_criteria, "Maya Marketing")
        assert [(c.row_id, c.kind, c.by, c.at) for c in refused.value.changed] == [(gate.id, "gate", by, at)]
        assert str(refused.value) == (f"The gate 'Why you over the shortlist?' was changed by Maya Marketing at "
                                      f"{when_text(at)} while you were editing — your change was not saved.")
        # the refusal brought Mia's replica (and its cached taxonomy) up to date
        now = mia_lib.taxonomy.get().gate(gate.id)
        assert (now.question, now.row_version) == ("Why you over the shortlist?", version)
        mia_lib.taxonomy.edit_gate(mia, gate.id, question="Why pick us?", seen=now.row_version)
        with psycopg.connect(server.dba_url) as dba:
            assert dba.execute("SELECT g.question, u.name FROM gates g JOIN users u ON u.id = g.updated_by_id "
                               "WHERE g.id = %s", (gate.id,)).fetchone() == ("Why pick us?", "Mia Marketing")

        # an order read before Maya added a stage is refused; so are synonyms read before her group
        stages = mia_lib.taxonomy.get().stages
        synonyms = mia_lib.taxonomy.get().synonym_versions
        added = maya_lib.taxonomy.add_stage(maya, "Advocacy").value
        maya_lib.taxonomy.set_synonyms(maya, [*map(list, maya_lib.taxonomy.get().synonyms), ["msa", "master agreement"]],
                                       seen=maya_lib.taxonomy.get().synonym_versions)
        order = [s.id for s in stages]
        with pytest.raises(EditConflict) as reorder:
            mia_lib.taxonomy.reorder_stages(mia, order[1:] + order[:1], seen={s.id: s.row_version for s in stages})
        assert [(c.row_id, c.by) for c in reorder.value.changed] == [(added, "Maya Marketing")]
        with pytest.raises(EditConflict, match="'msa, master agreement' by Maya Marketing"):
            mia_lib.taxonomy.set_synonyms(mia, [["deck", "presentation"]], seen=synonyms)
        assert ("msa", "master agreement") in mia_lib.taxonomy.get().synonyms
    finally:
        maya_lib.close()
        mia_lib.close()


def test_the_server_names_the_login_on_taxonomy_rows_whatever_the_client_writes(server: TeamServer) -> None:
    with psycopg.connect(server.dba_url) as dba:
        ids = dict(dba.execute("SELECT name, id FROM users").fetchall())
    with psycopg.connect(server.url(server.logins["Mia Marketing"])) as mia:
        mia.execute("UPDATE stages SET description = 'x', updated_by_id = %s WHERE key = 'awareness'",
                    (ids["Maya Marketing"],))
        mia.execute("INSERT INTO facet_values (facet, key, label, position, retired, updated_by_id) "
                    "VALUES ('industry', 'mining', 'Mining', 99, false, %s)", (ids["Maya Marketing"],))
    with psycopg.connect(server.dba_url) as dba:
        assert dba.execute("SELECT updated_by_id FROM stages WHERE key = 'awareness'").fetchone()[0] == \
               ids["Mia Marketing"]
        assert dba.execute("SELECT updated_by_id FROM facet_values WHERE key = 'mining'").fetchone()[0] == \
               ids["Mia Marketing"]
