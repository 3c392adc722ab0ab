"""The piece life cycle and who may do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from enablement.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from enablement.services.library import Library
from enablement.models.dto import TagSelection
from tests.conftest import make_ready
from tests.filemaker_docs import make_pdf


@pytest.fixture
def piece_id(library: Library, actors, tmp_path) -> int:
    make_pdf(tmp_path / "case.pdf", ["Harbor Mutual cut claim handling time by 38 percent"])
    return library.importer.import_paths(actors["marketing"], [tmp_path / "case.pdf"]).value.piece_ids[0]


def test_publish_archive_restore(library: Library, actors, piece_id: int):
    mk = actors["marketing"]
    assert library.pieces.get(piece_id).summary.status == "draft"
    library.settings.set_publish_requires(actors["admin"], ["stage", "owner"])
    library.pieces.update(mk, piece_id, owner="Priya")
    library.pieces.set_tags(mk, piece_id, TagSelection(stages=[library.taxonomy.get().stages[0].id]))
    changes = library.pieces.publish(mk, piece_id).changes
    assert changes.pieces and piece_id in changes.piece_ids
    published = library.pieces.get(piece_id)
    assert published.summary.status == "published" and published.published_at is not None
    # Publishing without a review date (this library does not require one) sets one a period ahead.
    assert published.summary.review_by == library.ctx.today() + timedelta(days=180)
    library.pieces.archive(mk, piece_id)
    assert library.pieces.list() == []
    assert [p.id for p in library.pieces.list(statuses=["archived"])] == [piece_id]
    library.pieces.restore(mk, piece_id)
    assert library.pieces.get(piece_id).summary.status == "published"
    with pytest.raises(Conflict):
        library.pieces.restore(mk, piece_id)


def test_reps_and_managers_cannot_edit_or_publish(library: Library, actors, piece_id: int):
    for who in ("rep", "manager"):
        with pytest.raises(PermissionDenied, match="may not"):
            library.pieces.publish(actors[who], piece_id)
        with pytest.raises(PermissionDenied, match="may not edit pieces"):
            library.pieces.update(actors[who], piece_id, title="Mine now")
        with pytest.raises(PermissionDenied):
            library.pieces.archive(actors[who], piece_id)
    assert library.pieces.get(piece_id).title == "Case"


def test_metadata_owner_and_stale(library: Library, actors, piece_id: int):
    mk = actors["marketing"]
    yesterday = library.ctx.today() - timedelta(days=1)
    library.pieces.update(mk, piece_id, title="Harbor Mutual case study", owner="Priya", review_by=yesterday,
                          description="Insurance claims")
    library.pieces.publish(mk, make_ready(library, mk, piece_id))
    s = library.pieces.get(piece_id).summary
    assert (s.title, s.owner, s.review_by, s.stale) == ("Harbor Mutual case study", "Priya", yesterday, True)
    library.pieces.update(mk, piece_id, review_by=None)
    assert not library.pieces.get(piece_id).summary.stale
    with pytest.raises(InvalidInput):
        library.pieces.update(mk, piece_id, title="  ")
    with pytest.raises(InvalidInput, match="Only a link"):
        library.pieces.update(mk, piece_id, url="https://example.com")


def test_tags_replace_per_dimension_and_bulk_add(library: Library, actors, piece_id: int):
    mk = actors["marketing"]
    tax = library.taxonomy.get()
    persona = tax.facets["persona"]
    ctype = tax.facets["content_type"]
    library.pieces.set_tags(mk, piece_id, TagSelection(facets={"persona": [persona[0].id],
                                                                "content_type": [ctype[1].id]}))
    library.pieces.set_tags(mk, piece_id, TagSelection(facets={"persona": [persona[1].id]}))
    s = library.pieces.get(piece_id).summary
    assert s.ids("persona") == (persona[1].id,) and s.ids("content_type") == (ctype[1].id,)
    link = library.importer.add_link(mk, "https://example.com/v", "Video").value
    library.pieces.bulk_set_tags(mk, [piece_id, link], TagSelection(facets={"persona": [persona[2].id]}))
    assert set(library.pieces.get(piece_id).summary.ids("persona")) == {persona[1].id, persona[2].id}
    assert library.pieces.get(link).summary.ids("persona") == (persona[2].id,)
    with pytest.raises(InvalidInput, match="is not a persona"):
        library.pieces.set_tags(mk, piece_id, TagSelection(facets={"persona": [ctype[0].id]}))
    with pytest.raises(InvalidInput, match="No gate"):
        library.pieces.set_tags(mk, piece_id, TagSelection(gates=[99999]))


def test_rep_made_review_publish_merge_decline(library: Library, actors, tmp_path, piece_id: int):
    rep, mk = actors["rep"], actors["marketing"]
    paths = [make_pdf(tmp_path / f"rep{n}.pdf", [f"My deal deck number {n}"]) for n in range(3)]
    ids = [library.importer.import_paths(rep, [p], source="rep").value.piece_ids[0] for p in paths]
    # A rep may edit their own pending submission, not another's.
    library.pieces.update(rep, ids[0], title="Deal deck for Calder")
    with pytest.raises(PermissionDenied):
        library.pieces.update(actors["rep2"], ids[0], title="Hijack")
    library.pieces.publish(mk, make_ready(library, mk, ids[0]))
    version = library.pieces.merge_submission(mk, ids[1], piece_id).value
    library.pieces.decline_submission(mk, ids[2], "Use the official battlecard instead.")
    mine = {p.id: p for p in library.pieces.submissions_by(rep.user_id)}
    assert mine[ids[0]].review_state == "published" and mine[ids[0]].status == "published"
    assert mine[ids[1]].review_state == "merged" and mine[ids[1]].status == "archived"
    assert mine[ids[2]].review_state == "declined"
    assert library.pieces.get(ids[2]).review_note == "Use the official battlecard instead."
    official = library.pieces.get(piece_id)
    assert official.current_version_id == version and len(official.versions) == 2
    assert "deal deck number 1" in official.text_excerpt
    assert library.pieces.review_queue() == []
    with pytest.raises(InvalidInput, match="Say why"):
        library.pieces.decline_submission(mk, ids[0], " ")


def test_purge_is_admin_only_and_keeps_usage_consistent(library: Library, actors, piece_id: int):
    from enablement.models.dto import UseRecord

    library.usage.record(actors["rep"], UseRecord(kind="opened", piece_id=piece_id))
    with pytest.raises(PermissionDenied, match="only an admin"):
        library.pieces.purge(actors["marketing"], piece_id)
    blob = library.pieces.get(piece_id).versions[0].blob_sha256
    library.pieces.purge(actors["admin"], piece_id)
    with pytest.raises(NotFound):
        library.pieces.get(piece_id)
    assert not library.ctx.blobs.exists(blob)
    assert library.pieces.list(statuses=None) == []
    assert library.maintenance.check().ok


def test_bulk_add_writes_only_the_tags_it_adds(library: Library, actors, piece_id: int):
    """A bulk tag adds one tag to each piece: the tags they keep are not deleted and written
    back (row by row through the session, that was most of a bulk tag's time)."""
    from sqlalchemy import event

    mk = actors["marketing"]
    tax = library.taxonomy.get()
    gates = [g for s in tax.stages for g in s.gates]
    persona = tax.facets["persona"]
    links = [library.importer.add_link(mk, f"https://example.com/{n}", f"Link {n}").value for n in range(3)]
    ids = [piece_id, *links]
    library.pieces.bulk_set_tags(mk, ids, TagSelection(gates=[gates[0].id], facets={"persona": [persona[0].id]}))
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()).upper())
    event.listen(library.ctx.engine, "before_cursor_execute", seen)
    try:
        library.pieces.bulk_set_tags(mk, ids, TagSelection(stages=[tax.stages[-1].id], gates=[gates[-1].id],
                                                           facets={"persona": [persona[1].id]}))
    finally:
        event.remove(library.ctx.engine, "before_cursor_execute", seen)
    assert not [s for s in statements if s.startswith("DELETE FROM PIECE_")]  # nothing removed
    added = [s for s in statements if s.startswith("INSERT INTO PIECE_")]
    assert added and all(s.split()[2] in ("PIECE_STAGES", "PIECE_GATES", "PIECE_FACETS") for s in added)
    for pid in ids:
        summary = library.pieces.get(pid).summary
        assert set(summary.ids("gate")) == {gates[0].id, gates[-1].id}
        assert set(summary.ids("persona")) == {persona[0].id, persona[1].id}
        assert set(summary.ids("stage")) == {gates[0].stage_id, gates[-1].stage_id, tax.stages[-1].id}
    library.pieces.set_tags(mk, piece_id, TagSelection(gates=[gates[-1].id]))  # replacing still removes
    assert library.pieces.get(piece_id).summary.ids("gate") == (gates[-1].id,)
