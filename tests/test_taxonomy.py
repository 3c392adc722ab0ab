"""Taxonomy editing never breaks existing tags; export and import round-trip."""

from __future__ import annotations

import json

import pytest

from enablement.errors import InvalidInput, PermissionDenied
from enablement.services.library import Library
from enablement.models.dto import TagSelection
from enablement.services.taxonomy import resolve_tag


def test_add_rename_reorder_retire_keep_tags(library: Library, actors, tmp_path):
    mk = actors["marketing"]
    pid = library.importer.add_link(mk, "https://example.com/a", "A link").value
    tax = library.taxonomy.get()
    evaluation = next(s for s in tax.stages if s.key == "evaluation")
    gate = evaluation.gates[0]
    library.pieces.set_tags(mk, pid, TagSelection(gates=[gate.id]))

    new_stage = library.taxonomy.add_stage(mk, "Advocacy", "Customers become references.").value
    new_gate = library.taxonomy.add_gate(mk, new_stage, "Will we speak for you?", "Reference agreed").value
    library.taxonomy.edit_stage(mk, evaluation.id, name="Technical evaluation")
    library.taxonomy.edit_gate(mk, gate.id, question="Why you over the shortlist?")
    library.taxonomy.set_gate_retired(mk, gate.id, True)
    order = [s.id for s in library.taxonomy.get().stages]
    library.taxonomy.reorder_stages(mk, [order[-1], *order[:-1]])

    tax = library.taxonomy.get()
    assert tax.stages[0].name == "Advocacy" and tax.stages[0].gates[0].id == new_gate
    assert tax.gate(gate.id).retired and tax.gate(gate.id).question == "Why you over the shortlist?"
    piece = library.pieces.get(pid).summary
    # The retired, renamed gate is still on the piece, under its new wording.
    assert piece.labels("gate") == ("Why you over the shortlist?",)
    assert piece.labels("stage") == ("Technical evaluation",)
    with pytest.raises(InvalidInput):
        library.taxonomy.reorder_stages(mk, order[:2])


def test_facet_values_and_synonyms(library: Library, actors):
    mk = actors["marketing"]
    vid = library.taxonomy.add_facet_value(mk, "industry", "Energy").value
    library.taxonomy.rename_facet_value(mk, vid, "Energy & Utilities")
    assert any(v.label == "Energy & Utilities" for v in library.taxonomy.get().facets["industry"])
    with pytest.raises(InvalidInput, match="Unknown facet"):
        library.taxonomy.add_facet_value(mk, "colour", "Blue")
    library.taxonomy.set_synonyms(mk, [["ROI", "payback"], ["solo"]])
    assert library.taxonomy.get().synonyms == (("roi", "payback"),)


def test_only_marketing_and_admins_edit_the_taxonomy(library: Library, actors):
    for who in ("rep", "manager"):
        with pytest.raises(PermissionDenied, match="may not edit the taxonomy"):
            library.taxonomy.add_stage(actors[who], "Nope")


def test_export_then_import_round_trips_and_merges_by_key(library: Library, actors, tmp_path):
    path = library.taxonomy.export_file(tmp_path / "taxonomy.json")
    doc = json.loads(path.read_text())
    assert doc["format"] == "enablement-taxonomy" and len(doc["stages"]) == 7
    doc["stages"][0]["name"] = "Problem awareness"
    doc["stages"][0]["gates"].append({"key": "budget-exists", "question": "Is there budget?"})
    doc["facets"]["persona"].append({"key": "cto", "label": "CTO"})
    path.write_text(json.dumps(doc))
    counts = library.taxonomy.import_file(actors["admin"], path).value
    assert counts == {"added": 2, "updated": 1, "retired": 0}
    tax = library.taxonomy.get()
    assert tax.stages[0].name == "Problem awareness"
    assert [g.key for g in tax.stages[0].gates][-1] == "budget-exists"
    # Re-importing the same file changes nothing.
    assert library.taxonomy.import_file(actors["admin"], path).value == {"added": 0, "updated": 0, "retired": 0}


def test_bad_taxonomy_files_get_clear_errors(library: Library, actors, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    with pytest.raises(InvalidInput, match="not valid JSON"):
        library.taxonomy.import_file(actors["admin"], bad)
    bad.write_text(json.dumps({"format": "enablement-taxonomy", "stages": [{"name": "A", "gates": [{}]}]}))
    with pytest.raises(InvalidInput, match="has no question"):
        library.taxonomy.import_file(actors["admin"], bad)
    bad.write_text(json.dumps({"stages": []}))
    with pytest.raises(InvalidInput, match="Not a taxonomy file"):
        library.taxonomy.import_file(actors["admin"], bad)


def test_resolve_tag_by_key_name_question_and_prefix(library: Library):
    tax = library.taxonomy.get()
    evaluation = next(s for s in tax.stages if s.key == "evaluation")
    assert resolve_tag(tax, "stage", "EVALUATION") == evaluation.id
    assert resolve_tag(tax, "stage", "eval") == evaluation.id
    worth = next(g for s in tax.stages for g in s.gates if g.key == "worth-investment")
    assert resolve_tag(tax, "gate", "is this worth the investment") == worth.id
    assert resolve_tag(tax, "content_type", "case study") > 0
    with pytest.raises(InvalidInput, match="No stage called 'Nirvana'"):
        resolve_tag(tax, "stage", "Nirvana")
