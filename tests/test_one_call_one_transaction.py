"""What the app does in one step is one service call in one transaction (issue 9 item 7):
saving the editor (metadata and tags), a new kit holding a piece, adding many pieces to a kit,
the review queue with its look-alikes, a rep's submissions with their notes. A failure part
way leaves nothing half done."""

from __future__ import annotations

from pathlib import Path

import pytest

from enablement.errors import InvalidInput, NotFound
from enablement.models.dto import Actor, TagSelection
from enablement.services.library import Library
from tests.conftest import make_ready
from tests.filemaker_docs import make_pdf


def _link(library: Library, who: Actor, title: str) -> int:
    return library.importer.add_link(who, "https://example.com/" + title.replace(" ", "-"), title).value


def test_saving_metadata_and_tags_is_one_transaction(library: Library, actors: dict[str, Actor]) -> None:
    pid = _link(library, actors["marketing"], "ROI calculator")
    stage = library.ctx.taxonomy().stages[2]
    done = library.pieces.update(actors["marketing"], pid, title="ROI calculator 2026", tags=TagSelection(stages=[stage.id]))
    piece = library.pieces.get(pid)
    assert piece.title == "ROI calculator 2026" and piece.summary.ids("stage") == (stage.id,)
    assert done.changes.piece_ids == frozenset({pid})
    with pytest.raises(InvalidInput):  # an empty title: the tags given with it are not kept either
        library.pieces.update(actors["marketing"], pid, title=" ", tags=TagSelection(stages=[]))
    assert library.pieces.get(pid).summary.ids("stage") == (stage.id,)


def test_a_new_kit_holding_a_piece_is_one_call_and_never_left_empty(library: Library,
                                                                      actors: dict[str, Actor]) -> None:
    rep = actors["rep"]
    pid = _link(library, actors["marketing"], "Security FAQ")
    library.pieces.publish(actors["marketing"], make_ready(library, actors["marketing"], pid))
    kit_id = library.kits.create(rep, "Acme security call", "Acme", piece_ids=[pid]).value
    assert [i.piece.id for i in library.kits.get(rep, kit_id).items] == [pid]
    with pytest.raises(NotFound):
        library.kits.create(rep, "Doomed kit", piece_ids=[pid, 999_999])
    assert [k.name for k in library.kits.list(rep)] == ["Acme security call"]


def test_adding_many_pieces_to_a_kit_is_all_or_nothing(library: Library, actors: dict[str, Actor]) -> None:
    rep = actors["rep"]
    ids = [_link(library, actors["marketing"], f"Piece {n}") for n in range(3)]
    kit_id = library.kits.create(rep, "Renewal").value
    assert library.kits.add_many(rep, kit_id, [ids[0], ids[1], ids[0]]).value == 2
    assert library.kits.add_many(rep, kit_id, [ids[1]]).value == 0  # already there: not an error
    with pytest.raises(NotFound):
        library.kits.add_many(rep, kit_id, [ids[2], 999_999])
    assert [i.piece.id for i in library.kits.get(rep, kit_id).items] == ids[:2]


def test_review_queue_and_submissions_come_in_one_call(library: Library, actors: dict[str, Actor],
                                                      tmp_path: Path) -> None:
    marketing, rep = actors["marketing"], actors["rep"]
    official = library.importer.import_paths(marketing, [make_pdf(tmp_path / "official.pdf", [
        "Security whitepaper: encryption at rest, SOC 2, data residency in the EU"])]).value.piece_ids[0]
    library.pieces.publish(marketing, make_ready(library, marketing, official))
    mine = library.importer.import_paths(rep, [make_pdf(tmp_path / "mine.pdf", [
        "My security whitepaper: encryption at rest, SOC 2 and data residency"])], source="rep").value.piece_ids[0]
    queue = library.search.review_queue()
    assert [p.id for p in queue.waiting] == [mine]
    assert [p.id for p in queue.lookalikes[mine]] == [official]
    assert [p.id for p in queue.official] == [official]
    assert library.search.lookalikes_of([mine]) == {mine: list(queue.lookalikes[mine])}
    [detail] = library.pieces.submission_details(rep.user_id)
    assert detail.id == mine and detail.summary.review_state == "pending"
    assert library.search.suggest_tags_for(mine) == library.search.suggest_tags(
        detail.title, detail.text_excerpt or detail.description, exclude_piece_id=mine)
