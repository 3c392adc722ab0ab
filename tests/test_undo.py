"""Undo: a piece's states taken before a change are put back exactly (status, publication,
metadata, every tag), in one transaction, by those allowed to make the change."""

from __future__ import annotations

from datetime import date

import pytest

from enablement.errors import PermissionDenied
from enablement.models.dto import TagSelection
from enablement.services.library import Library
from tests.conftest import make_ready


def links(library: Library, actors, n: int) -> list[int]:
    return [library.importer.add_link(actors["marketing"], f"https://example.com/{i}", f"Piece {i}").value
            for i in range(n)]


def test_publish_then_undo_is_the_draft_it_was(library: Library, actors):
    mk = actors["marketing"]
    pid = make_ready(library, mk, links(library, actors, 1)[0])
    before = library.pieces.states([pid])
    library.pieces.publish(mk, pid)
    assert library.pieces.states([pid]) != before
    done = library.pieces.put_back(mk, before)
    assert done.value == 1 and pid in done.changes.piece_ids
    assert library.pieces.states([pid]) == before
    after = library.pieces.get(pid)
    assert after.summary.status == "draft" and after.published_at is None
    # The index agrees: a rep no longer finds it, marketing finds it as a draft.
    assert not library.search.search(actors["rep"], "Piece 0").pieces
    assert [p.status for p in library.search.search(mk, "Piece 0").pieces] == ["draft"]


def test_bulk_tags_and_metadata_then_undo(library: Library, actors):
    mk = actors["marketing"]
    ids = links(library, actors, 3)
    tax = library.taxonomy.get()
    cfo = next(v.id for v in tax.facets["persona"] if v.label == "CFO")
    library.pieces.set_tags(mk, ids[0], TagSelection(stages=[tax.stages[1].id], facets={"persona": [cfo]}))
    library.pieces.update(mk, ids[1], owner="Priya", review_by=date(2029, 1, 1), description="Keep me")
    before = library.pieces.states(ids)
    library.pieces.bulk_set_tags(mk, ids, TagSelection(gates=[tax.stages[3].gates[0].id]))
    library.pieces.bulk_update(mk, ids, owner="Someone else", review_by=None)
    library.pieces.update(mk, ids[1], title="Renamed", description="Changed")
    assert library.pieces.states(ids) != before
    library.pieces.put_back(mk, before)
    assert library.pieces.states(ids) == before


def test_archive_then_undo_and_who_may(library: Library, actors):
    mk = actors["marketing"]
    pid = make_ready(library, mk, links(library, actors, 1)[0])
    library.pieces.publish(mk, pid)
    before = library.pieces.states([pid])
    library.pieces.archive(mk, pid)
    with pytest.raises(PermissionDenied):
        library.pieces.put_back(actors["rep"], before)
    library.pieces.put_back(mk, before)
    assert library.pieces.states([pid]) == before and library.pieces.get(pid).summary.status == "published"
