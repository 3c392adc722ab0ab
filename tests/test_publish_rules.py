"""Publish rules: a piece is published only when it carries the library's required fields
(stage, gate, owner and review date unless an admin says otherwise). The app, the command
line and bulk publishing all ask the one rule in services.permissions."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from enablement.errors import InvalidInput, PermissionDenied
from enablement.models.dto import TagSelection
from enablement.services.library import Library
from enablement.services.permissions import NotReadyToPublish
from tests.conftest import make_ready


def link(library: Library, actors, title: str) -> int:
    return library.importer.add_link(actors["marketing"], f"https://example.com/{len(title)}", title).value


def test_an_untagged_piece_is_refused_with_every_missing_field_named(library: Library, actors):
    pid = link(library, actors, "Pricing one-pager")
    with pytest.raises(NotReadyToPublish) as refused:
        library.pieces.publish(actors["marketing"], pid)
    assert refused.value.missing == ("stage", "gate", "owner", "review date")
    assert "'Pricing one-pager' (piece" in str(refused.value)
    assert "has no stage, gate, owner or review date" in str(refused.value)
    after = library.pieces.get(pid)
    assert after.summary.status == "draft" and after.published_at is None and after.summary.review_by is None
    # Each field filled narrows the list; with all four the piece is published.
    library.pieces.update(actors["marketing"], pid, owner="Priya")
    with pytest.raises(NotReadyToPublish) as refused:
        library.pieces.publish(actors["marketing"], pid)
    assert refused.value.missing == ("stage", "gate", "review date")
    library.pieces.publish(actors["marketing"], make_ready(library, actors["marketing"], pid))
    assert library.pieces.get(pid).summary.status == "published"


def test_only_an_admin_may_force_a_publish(library: Library, actors):
    pid = link(library, actors, "Half-done battlecard")
    with pytest.raises(PermissionDenied, match=r"Maya Marketing \(marketing\) may not publish pieces that lack"):
        library.pieces.publish(actors["marketing"], pid, force=True)
    assert library.pieces.get(pid).summary.status == "draft"
    library.pieces.publish(actors["admin"], pid, force=True)
    assert library.pieces.get(pid).summary.status == "published"


def test_the_rule_is_a_library_setting_admins_change(library: Library, actors, tmp_path: Path):
    with pytest.raises(PermissionDenied, match="may not change the library's publishing rules"):
        library.settings.set_publish_requires(actors["marketing"], ["stage"])
    with pytest.raises(InvalidInput, match="Unknown field 'colour'"):
        library.settings.set_publish_requires(actors["admin"], ["stage", "colour"])
    done = library.settings.set_publish_requires(actors["admin"], ["persona", "owner", "owner"])
    assert done.value.publish_requires == ("owner", "persona") and done.changes.settings
    # Kept beside the database: a library opened again has the same rule.
    assert json.loads(library.ctx.paths.settings_file.read_text())["publish_requires"] == ["owner", "persona"]
    again = Library.open(library.ctx.paths.root, with_index=False)
    try:
        assert again.settings.get().publish_requires == ("owner", "persona")
    finally:
        again.close()
    pid = link(library, actors, "CFO brief")
    library.pieces.update(actors["marketing"], pid, owner="Priya")
    with pytest.raises(NotReadyToPublish, match="has no persona"):
        library.pieces.publish(actors["marketing"], pid)
    cfo = next(v.id for v in library.taxonomy.get().facets["persona"] if v.label == "CFO")
    library.pieces.set_tags(actors["marketing"], pid, TagSelection(facets={"persona": [cfo]}))
    library.pieces.publish(actors["marketing"], pid)  # no stage or gate needed by this library
    summary = library.pieces.get(pid).summary
    assert summary.status == "published" and summary.review_by is not None  # the usual period was set
    # No fields at all: anything can be published.
    library.settings.set_publish_requires(actors["admin"], [])
    bare = link(library, actors, "Anything goes")
    library.pieces.publish(actors["marketing"], bare)
    assert library.pieces.get(bare).summary.status == "published"


def test_a_hand_edited_settings_file_cannot_require_an_unknown_field(tmp_path: Path):
    root = tmp_path / "lib"
    root.mkdir()
    (root / "settings.json").write_text(json.dumps({"publish_requires": ["owner", "shoe size", 7]}))
    with Library.open(root, settings=None, with_index=False) as lib:
        lib.users.create(None, "Ada", "admin")
        admin = lib.users.default_actor()
        pid = lib.importer.add_link(admin, "https://example.com/a", "Overview").value
        lib.pieces.update(admin, pid, owner="Ada")
        lib.pieces.publish(admin, pid)  # "shoe size" asks for nothing; 7 is not a field name
        assert lib.pieces.get(pid).summary.status == "published"


def test_bulk_publish_publishes_the_ready_and_says_why_the_rest_were_skipped(library: Library, actors):
    mk = actors["marketing"]
    ready = [make_ready(library, mk, link(library, actors, f"Case study {n}")) for n in range(3)]
    untagged = link(library, actors, "Scan of a whiteboard")
    owned = link(library, actors, "Owned only")
    library.pieces.update(mk, owned, owner="Priya", review_by=date(2030, 1, 1))
    already = make_ready(library, mk, link(library, actors, "Already out"))
    library.pieces.publish(mk, already)
    ids = [*ready, untagged, owned, already]
    plan = library.pieces.publish_plan(ids)
    assert [p.id for p in plan.ready] == ready and [p.id for p in plan.already] == [already]
    assert [(p.id, missing) for p, missing in plan.skipped] == [
        (untagged, ("stage", "gate", "owner", "review date")), (owned, ("stage", "gate"))]
    assert all(p.status == "draft" for p in library.pieces.summaries(ids[:-1]))  # a plan changes nothing
    done = library.pieces.publish_many(mk, ids)
    assert [p.id for p in done.value.ready] == ready and done.changes.piece_ids == frozenset(ready)
    status = {p.id: p.status for p in library.pieces.summaries(ids)}
    assert [status[i] for i in ids] == ["published"] * 3 + ["draft", "draft", "published"]


def test_reviewing_a_rep_made_piece_follows_the_same_rule(library: Library, actors, tmp_path: Path):
    from tests.filemaker_docs import make_pdf

    path = make_pdf(tmp_path / "deck.pdf", ["My deal deck"])
    pid = library.importer.import_paths(actors["rep"], [path], source="rep").value.piece_ids[0]
    with pytest.raises(NotReadyToPublish):
        library.pieces.publish(actors["marketing"], pid)
    assert library.pieces.get(pid).summary.review_state == "pending"


@pytest.fixture
def cli(cli):  # type: ignore[no-untyped-def]
    """The command line over a library with Ada (admin) and Maya (marketing)."""
    assert cli("users", "add", "Maya", "--role", "marketing")[0] == 0
    return cli


def test_cli_publish_refuses_naming_the_missing_fields(cli):
    assert cli("--user", "Maya", "import", "--link", "https://example.com/x", "--title", "Roadmap")[0] == 0
    code, out, err = cli("--user", "Maya", "publish", "1")
    assert code == 1 and out == ""
    assert "'Roadmap' (piece 1) cannot be published: it has no stage, gate, owner or review date" in err
    assert err.count("\n") == 1
    code, _, err = cli("--user", "Maya", "publish", "1", "--force")
    assert code == 1 and "Maya (marketing) may not publish pieces that lack" in err
    assert json.loads(cli("show", "1", "--json")[1])["summary"]["status"] == "draft"
    code, out, _ = cli("publish", "1", "--force")  # Ada is the admin
    assert code == 0 and out == "Published piece 1.\n"


def test_cli_publish_of_several_reports_each_and_fails_when_any_is_skipped(cli):
    for title in ("Ready one", "Bare one"):
        cli("--user", "Maya", "import", "--link", f"https://example.com/{title[0]}", "--title", title)
    cli("--user", "Maya", "tag", "1", "--gate", "security-ok", "--owner", "Priya", "--review-by", "2030-01-01")
    code, out, _ = cli("--user", "Maya", "publish", "1", "2")
    assert code == 1
    assert "Published piece 1: Ready one" in out and "Not published: piece 2: Bare one: no stage, gate" in out
    code, _, err = cli("--user", "Maya", "publish", "1", "999")
    assert code == 1 and "No piece with id 999" in err


def test_cli_rules_shows_and_sets_the_required_fields(cli):
    assert cli("rules")[1].startswith("A piece needs stage, gate, owner and review date before it is published.\n")
    code, _, err = cli("--user", "Maya", "rules", "--require", "stage")
    assert code == 1 and "may not change the library's publishing rules" in err
    said = cli("rules", "--require", "stage", "persona")[1]
    assert said.startswith("A piece needs stage and persona before it is published.\n")
    code, _, err = cli("rules", "--require", "stage", "mood")
    assert code == 1 and "Unknown field 'mood'" in err
    assert cli("rules", "--require")[1].startswith("Any piece can be published.\n")


def test_tag_and_publish_reviews_a_rep_made_piece_in_one_step_or_saves_nothing(library: Library, actors,
                                                                                tmp_path: Path):
    path = tmp_path / "my-battlecard.txt"
    path.write_text("How we win against the incumbent: faster onboarding and a clear price.")
    pid = library.importer.import_paths(actors["rep"], [path], source="rep").value.piece_ids[0]
    stage = library.ctx.taxonomy().stages[1]
    gate = stage.gates[0]
    maya = actors["marketing"]
    with pytest.raises(NotReadyToPublish) as refused:  # no gate yet: refused whole
        library.pieces.tag_and_publish(maya, pid, tags=TagSelection(stages=[stage.id]), owner="Priya",
                                       review_by=date(2031, 1, 31))
    assert refused.value.missing == ("gate",)
    before = library.pieces.get(pid).summary
    assert (before.status, before.owner, before.review_by, before.ids("stage")) == ("draft", "", None, ())
    done = library.pieces.tag_and_publish(maya, pid, tags=TagSelection(stages=[stage.id], gates=[gate.id]),
                                          owner="Priya", review_by=date(2031, 1, 31))
    assert pid in done.changes.piece_ids
    after = library.pieces.get(pid).summary
    assert (after.status, after.review_state, after.owner, after.review_by) == ("published", "published", "Priya",
                                                                                 date(2031, 1, 31))
    assert after.ids("stage") == (stage.id,) and after.ids("gate") == (gate.id,)
    with pytest.raises(PermissionDenied):
        library.pieces.tag_and_publish(actors["rep"], pid, tags=TagSelection(), owner="", review_by=None)
