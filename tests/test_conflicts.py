"""Optimistic concurrency on pieces (embedded library, SQLite): an edit carries the version the
editor saw; if anyone changed the piece since, nothing is saved and the refusal says who and
when. Two ``Library`` objects on one folder are two app windows (or processes) on one library."""

from __future__ import annotations

from datetime import date
from typing import Iterator

import pytest
from sqlmodel import Session

from enablement.errors import EditConflict, conflict_message, when_text
from enablement.models.dto import TagSelection
from enablement.models.tables import Piece
from enablement.services.library import Library
from enablement.storage.engine import write_session
from tests.conftest import make_ready, settings_for_tests


@pytest.fixture
def second(library: Library) -> Iterator[Library]:
    """Another window on the same library folder (its own engine and caches)."""
    other = Library.open(library.ctx.paths.root, settings=settings_for_tests())
    yield other
    other.close()


def link(library: Library, actors, title: str = "Pricing sheet") -> int:
    return library.importer.add_link(actors["marketing"], "https://example.com/" + title.replace(" ", "-"),
                                     title).value


def test_an_edit_on_a_piece_changed_meanwhile_is_refused_and_names_who_and_when(library, second, actors):
    pid = link(library, actors)
    seen = library.pieces.get(pid).summary.row_version  # Maya opens the editor
    admin = second.users.actor("Ada Admin")
    second.pieces.update(admin, pid, title="Pricing sheet 2027", seen=seen)  # Ada saves first, elsewhere

    with pytest.raises(EditConflict) as refused:
        library.pieces.update(actors["marketing"], pid, title="Pricing sheet (EMEA)", owner="Maya",
                              tags=TagSelection(stages=[library.taxonomy.get().stages[0].id]), seen=seen)
    now = library.pieces.get(pid)
    assert now.title == "Pricing sheet 2027" and now.summary.owner == "" and not now.summary.tags  # nothing of Maya's
    assert now.updated_by == "Ada Admin"
    [changed] = refused.value.changed
    assert (changed.piece_id, changed.by, changed.at, changed.by_you) == (pid, "Ada Admin", now.summary.updated_at,
                                                                            False)
    assert str(refused.value) == (f"Changed by Ada Admin at {when_text(now.summary.updated_at)} while you were "
                                  "editing — your change was not saved.")
    # with the version just read (the reload), the same edit goes through and the version moves on
    library.pieces.update(actors["marketing"], pid, title="Pricing sheet (EMEA)", seen=now.summary.row_version)
    after = library.pieces.get(pid)
    assert after.title == "Pricing sheet (EMEA)" and after.updated_by == "Maya Marketing"
    assert after.summary.row_version == now.summary.row_version + 1


def test_every_change_of_a_piece_moves_its_version_on_by_one(library, actors):
    mk = actors["marketing"]
    pid = link(library, actors)
    versions = [library.pieces.get(pid).summary.row_version]
    library.pieces.update(mk, pid, owner="Maya Marketing")
    library.pieces.set_tags(mk, pid, TagSelection(stages=[library.taxonomy.get().stages[1].id]))
    library.pieces.publish(mk, make_ready(library, mk, pid))
    library.pieces.archive(mk, pid)
    library.pieces.restore(mk, pid)
    versions.append(library.pieces.get(pid).summary.row_version)
    assert versions[1] > versions[0] + 4  # make_ready edits too


def test_the_same_person_in_another_window_is_told_so(library, second, actors):
    pid = link(library, actors)
    seen = library.pieces.get(pid).summary.row_version
    second.pieces.archive(second.users.actor("Maya Marketing"), pid, seen=seen)
    with pytest.raises(EditConflict) as refused:
        library.pieces.publish(actors["marketing"], pid, seen=seen)
    assert refused.value.changed[0].by_you
    assert str(refused.value).startswith("Changed by you elsewhere (another window or computer) at ")
    assert library.pieces.get(pid).summary.status == "archived"


def test_a_bulk_edit_with_one_piece_changed_meanwhile_changes_none_and_names_it(library, second, actors):
    mk = actors["marketing"]
    ids = [link(library, actors, f"Case study {i}") for i in range(4)]
    seen = {p.id: p.row_version for p in library.pieces.summaries(ids)}
    second.pieces.update(second.users.actor("Ada Admin"), ids[2], owner="Ada")

    gate = library.taxonomy.get().stages[0].gates[0]
    for bulk in (lambda: library.pieces.bulk_update(mk, ids, owner="Priya", review_by=date(2030, 1, 1), seen=seen),
                 lambda: library.pieces.bulk_set_tags(mk, ids, TagSelection(gates=[gate.id]), seen=seen),
                 lambda: library.pieces.publish_many(mk, ids, seen=seen)):
        with pytest.raises(EditConflict) as refused:
            bulk()
        assert [(c.piece_id, c.title, c.by) for c in refused.value.changed] == [(ids[2], "Case study 2", "Ada Admin")]
        assert str(refused.value).startswith("1 of the 4 pieces was changed while you were editing ('Case study 2' "
                                             "by Ada Admin at ")
        assert str(refused.value).endswith("— none of your changes was saved.")
    after = library.pieces.summaries(ids)
    assert [p.owner for p in after] == ["", "", "Ada", ""]
    assert all(not p.tags and p.status == "draft" for p in after)
    # reloaded, the bulk edit goes through for all four
    fresh = {p.id: p.row_version for p in after}
    assert library.pieces.bulk_update(mk, ids, owner="Priya", seen=fresh).value == 4
    assert [p.owner for p in library.pieces.summaries(ids)] == ["Priya"] * 4


def test_undo_does_not_overwrite_a_later_change_by_someone_else(library, second, actors):
    mk = actors["marketing"]
    pid = link(library, actors)
    before = library.pieces.states([pid])
    library.pieces.update(mk, pid, title="Renamed by Maya")
    left = library.pieces.versions_of([pid])
    second.pieces.update(second.users.actor("Ada Admin"), pid, description="Ada's description")
    with pytest.raises(EditConflict):
        library.pieces.put_back(mk, before, seen=left)
    now = library.pieces.get(pid)
    assert (now.title, now.description) == ("Renamed by Maya", "Ada's description")


def test_a_write_that_loses_the_race_between_its_read_and_its_update_changes_nothing(library, actors):
    """The version counter itself: a piece row read in a transaction is written back only if
    its version is still the one read (``UPDATE ... WHERE id = ? AND row_version = ?``)."""
    pid = link(library, actors)
    engine = library.ctx.engine
    with Session(engine, expire_on_commit=False) as reader:
        stale = reader.get(Piece, pid)
        assert stale is not None
    library.pieces.update(actors["marketing"], pid, title="Saved first")
    with pytest.raises(EditConflict) as refused:
        with write_session(engine) as session:
            row = session.merge(stale, load=False)  # the copy read before the other write
            row.title = "Saved second"
    assert str(refused.value) == conflict_message(())
    assert library.pieces.get(pid).title == "Saved first"


def test_edits_without_a_version_still_work_as_before(library, second, actors):
    """Scripts and imports that read and write in one go pass no ``seen``: last writer wins."""
    pid = link(library, actors)
    second.pieces.update(second.users.actor("Ada Admin"), pid, title="One")
    library.pieces.update(actors["marketing"], pid, title="Two")
    assert library.pieces.get(pid).title == "Two"


def test_who_changed_a_piece_is_stored_with_it(library, actors):
    pid = link(library, actors)
    library.pieces.update(actors["marketing"], pid, title="Kept")
    again = Library.open(library.ctx.paths.root, settings=settings_for_tests())
    try:
        assert again.pieces.get(pid).updated_by == "Maya Marketing"
    finally:
        again.close()


def test_the_command_line_refuses_a_stale_edit_in_one_line_and_exits_non_zero(cli, tmp_path):
    code, out, _ = cli("import", "--link", "https://example.com/a", "--title", "Battlecard")
    assert code == 0
    code, out, _ = cli("show", "1")
    version = int(out.split("version: ")[1].split()[0])
    assert cli("tag", "1", "--owner", "Ada", "--if-version", str(version))[0] == 0  # current: saved
    code, out, err = cli("tag", "1", "--title", "Stale edit", "--stage", "Awareness", "--if-version", str(version))
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("enablement: Changed by you elsewhere (another window or computer) at ")
    assert err.endswith(" while you were editing — your change was not saved.\n")
    code, out, _ = cli("show", "1")
    assert "Battlecard" in out and "Stale edit" not in out and "stage:" not in out
    assert f"version: {version + 1}" in out and " by Ada" in out
    assert cli("tag", "1", "2", "--owner", "x", "--if-version", "3")[0] == 1
