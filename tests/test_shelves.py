"""Shelves in the core: saved searches (a person's own), recommended searches (marketing's, for
a stage and/or gate), favourites and recently opened pieces."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from enablement.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from enablement.models.dto import UseRecord
from enablement.services.library import Library
from tests.conftest import make_ready


@pytest.fixture
def pieces(library: Library, actors) -> dict[str, int]:
    marketing = actors["marketing"]
    ids = {}
    for title in ("Security whitepaper", "Pricing sheet", "Harbor case study"):
        pid = library.importer.add_link(marketing, f"https://example.com/{title.split()[0].lower()}", title).value
        library.pieces.publish(marketing, make_ready(library, marketing, pid))
        ids[title] = pid
    return ids


def first_gate(library: Library):
    stage = next(s for s in library.ctx.taxonomy().stages if s.gates)
    return stage, stage.gates[0]


def test_a_saved_search_keeps_query_filters_and_sort_and_is_its_owners_alone(library, actors, pieces) -> None:
    rep, other = actors["rep"], actors["rep2"]
    sid = library.shelves.save(rep, "  Security   for CFOs ", "security", {"persona": ["cfo"], "stage": ["evaluation"]},
                               "newest").value
    saved = library.shelves.get(rep, sid)
    assert (saved.name, saved.query, saved.sort, saved.recommended) == ("Security for CFOs", "security", "newest", False)
    assert saved.filter_map() == {"persona": frozenset({"cfo"}), "stage": frozenset({"evaluation"})}
    assert "“security”" in saved.describe() and "newest" in saved.describe()
    assert [s.name for s in library.shelves.searches(rep)] == ["Security for CFOs"]
    assert library.shelves.searches(other) == []
    with pytest.raises(NotFound):
        library.shelves.get(other, sid)
    with pytest.raises(NotFound):
        library.shelves.delete(other, sid)
    with pytest.raises(NotFound):
        library.shelves.rename(other, sid, "Mine now")
    assert library.shelves.find(rep, "security for cfos").id == sid
    assert library.shelves.find(rep, str(sid)).id == sid


def test_names_are_checked_and_a_taken_name_asks_to_replace(library, actors) -> None:
    rep = actors["rep"]
    sid = library.shelves.save(rep, "Pricing", "pricing").value
    with pytest.raises(Conflict, match="already have a saved search called 'Pricing'"):
        library.shelves.save(rep, "pricing", "quote")
    assert library.shelves.save(rep, "pricing", "quote", replace=True).value == sid
    assert library.shelves.get(rep, sid).query == "quote"
    with pytest.raises(InvalidInput, match="needs a name"):
        library.shelves.save(rep, "   ", "x")
    with pytest.raises(InvalidInput, match="at most 120"):
        library.shelves.save(rep, "x" * 121, "x")
    with pytest.raises(InvalidInput, match="Cannot filter by 'colour'"):
        library.shelves.save(rep, "Bad", "", {"colour": ["red"]})
    with pytest.raises(InvalidInput, match="Sort by one of"):
        library.shelves.save(rep, "Bad", "", {}, "loudest")
    assert [s.name for s in library.shelves.searches(rep)] == ["pricing"]  # nothing half-saved


def test_rename_and_delete(library, actors) -> None:
    rep = actors["rep"]
    a = library.shelves.save(rep, "A", "a").value
    library.shelves.save(rep, "B", "b")
    with pytest.raises(Conflict):
        library.shelves.rename(rep, a, "b")
    library.shelves.rename(rep, a, "Renamed")
    assert [s.name for s in library.shelves.searches(rep)] == ["B", "Renamed"]
    library.shelves.delete(rep, a)
    assert [s.name for s in library.shelves.searches(rep)] == ["B"]
    with pytest.raises(NotFound):
        library.shelves.delete(rep, a)


def test_only_marketing_and_admins_recommend_and_everyone_sees_it_for_its_cell(library, actors) -> None:
    rep, marketing, manager = actors["rep"], actors["marketing"], actors["manager"]
    stage, gate = first_gate(library)
    with pytest.raises(PermissionDenied, match="may not share recommended searches"):
        library.shelves.save(rep, "For everyone", "x", recommended=True)
    sid = library.shelves.save(marketing, "Proof for this gate", "case study", recommended=True, gate_id=gate.id).value
    staged = library.shelves.save(marketing, "Whole stage", "overview", recommended=True, stage_id=stage.id).value
    library.shelves.save(marketing, "Anywhere", "roi", recommended=True)
    for who in (rep, manager):
        shown = library.shelves.searches(who)
        assert {s.name for s in shown} == {"Proof for this gate", "Whole stage", "Anywhere"}
    info = library.shelves.get(rep, sid)
    assert (info.stage_id, info.gate_id, info.gate) == (stage.id, gate.id, gate.question)
    assert info.owner == "Maya Marketing"
    # the journey map's cell: those meant for the gate, and for its whole stage; not those for no place
    assert {s.id for s in library.shelves.recommended(stage.id, gate.id)} == {sid, staged}
    other_gate = next(g for s in library.ctx.taxonomy().stages for g in s.gates if g.stage_id != stage.id)
    assert library.shelves.recommended(other_gate.stage_id, other_gate.id) == []
    # a rep may run it, never change it
    with pytest.raises(PermissionDenied):
        library.shelves.rename(rep, sid, "Mine")
    with pytest.raises(PermissionDenied):
        library.shelves.delete(rep, sid)
    with pytest.raises(PermissionDenied):
        library.shelves.recommend(rep, sid, False)
    library.shelves.rename(actors["admin"], sid, "Proof, renamed by an admin")
    assert library.shelves.get(rep, sid).name == "Proof, renamed by an admin"


def test_a_gate_must_belong_to_the_stage_named(library, actors) -> None:
    stages = [s for s in library.ctx.taxonomy().stages if s.gates]
    with pytest.raises(InvalidInput, match="is not in the stage"):
        library.shelves.save(actors["marketing"], "Odd", "", recommended=True, stage_id=stages[0].id,
                             gate_id=stages[1].gates[0].id)
    with pytest.raises(InvalidInput, match="No gate with id 999999"):
        library.shelves.save(actors["marketing"], "Odd", "", recommended=True, gate_id=999999)


def test_marketing_shares_its_own_search_and_takes_it_back(library, actors) -> None:
    marketing, rep = actors["marketing"], actors["rep"]
    stage, _gate = first_gate(library)
    sid = library.shelves.save(marketing, "Mine", "security").value
    assert library.shelves.searches(rep) == []
    library.shelves.recommend(marketing, sid, True, stage_id=stage.id)
    assert [s.stage for s in library.shelves.searches(rep)] == [stage.name]
    library.shelves.recommend(marketing, sid, False)
    assert library.shelves.searches(rep) == []
    assert [s.recommended for s in library.shelves.searches(marketing)] == [False]


def test_the_live_count_is_what_the_search_finds(library, actors, pieces) -> None:
    rep = actors["rep"]
    sid = library.shelves.save(rep, "Security", "security").value
    assert library.shelves.count(rep, library.shelves.get(rep, sid)) == 1
    everything = library.shelves.get(rep, library.shelves.save(rep, "All", "").value)
    assert library.shelves.count(rep, everything) == 3


def test_favourites_star_unstar_and_say_when_archived(library, actors, pieces) -> None:
    rep, marketing = actors["rep"], actors["marketing"]
    wp, price = pieces["Security whitepaper"], pieces["Pricing sheet"]
    assert library.shelves.set_favourite(rep, wp).value is True
    assert library.shelves.set_favourite(rep, wp).value is True  # again: no error, no second row
    assert library.shelves.toggle_favourite(rep, price).value is True
    assert library.shelves.favourite_ids(rep) == {wp, price}
    assert library.shelves.favourite_ids(actors["rep2"]) == frozenset()
    assert [f.piece_id for f in library.shelves.favourites(rep)][0:2] in ([price, wp], [wp, price])
    library.pieces.archive(marketing, wp)
    archived = next(f for f in library.shelves.favourites(rep) if f.piece_id == wp)
    assert archived.note == "archived" and archived.title == "Security whitepaper"
    assert library.shelves.toggle_favourite(rep, price).value is False
    assert library.shelves.favourite_ids(rep) == {wp}
    with pytest.raises(NotFound):
        library.shelves.set_favourite(rep, 424242)


def test_recent_lists_what_the_person_opened_newest_first(library, actors, pieces) -> None:
    rep = actors["rep"]
    wp, price, case = pieces["Security whitepaper"], pieces["Pricing sheet"], pieces["Harbor case study"]
    start = datetime(2026, 11, 1, 9, 0)
    for minutes, (pid, kind) in enumerate([(wp, "viewed"), (price, "opened"), (wp, "exported"), (case, "feedback")]):
        library.usage.record(rep, UseRecord(kind=kind, piece_id=pid, occurred_at=start + timedelta(minutes=minutes),
                                            helpful=True if kind == "feedback" else None))
    library.usage.record(actors["rep2"], UseRecord(kind="opened", piece_id=case))
    recent = library.shelves.recent(rep)
    assert [(r.piece.id, r.kind) for r in recent] == [(wp, "exported"), (price, "opened")]
    assert [r.piece.id for r in library.shelves.recent(rep, limit=1)] == [wp]


def test_the_command_line_saves_runs_recommends_and_stars(cli) -> None:
    assert cli("import", "--link", "https://example.com/sec", "--title", "Security whitepaper",
               "--stage", "evaluation")[0] == 0
    code, out, err = cli("shelf", "save", "Evaluation", "", "--filter", "stage=evaluation", "--sort", "newest")
    assert code == 0, err
    assert "Saved search 1: Evaluation" in out and "stage: evaluation" in out
    code, out, err = cli("shelf", "save", "evaluation", "x")
    assert code == 1 and "already have a saved search called 'Evaluation'" in err
    code, out, err = cli("shelf", "save", "Odd", "", "--filter", "colour")
    assert code == 1 and "DIMENSION=VALUE" in err
    code, out, _ = cli("shelf", "run", "Evaluation")
    assert code == 0 and "Security whitepaper" in out and "1 result" in out
    code, out, _ = cli("shelf", "recommend", "Evaluation", "--for-stage", "evaluation")
    assert code == 0 and "recommended to everyone for Evaluation" in out
    code, out, _ = cli("shelf", "list", "--json", "--counts")
    listed = json.loads(out)
    assert listed[0]["recommended"] is True and listed[0]["filters"] == {"stage": ["evaluation"]}
    assert listed[0]["count"] == 1
    code, out, _ = cli("shelf", "rename", "1", "Evaluation picks")
    assert code == 0
    code, out, _ = cli("shelf", "delete", "Evaluation picks")
    assert code == 0 and "Deleted" in out
    code, _out, err = cli("shelf", "run", "Evaluation picks")
    assert code == 1 and "No saved search called 'Evaluation picks'" in err
    code, _out, err = cli("favourite", "add", "99")
    assert code == 1 and "No piece with id 99" in err
    code, out, _ = cli("favourite", "list")
    assert code == 0 and "No favourites yet" in out
    assert cli("favourite", "add", "1")[0] == 0
    code, out, _ = cli("favourite", "list", "--json")
    assert [f["title"] for f in json.loads(out)] == ["Security whitepaper"]
    assert cli("archive", "1")[0] == 0
    code, out, _ = cli("favourite", "list")
    assert "Security whitepaper  (archived)" in out
