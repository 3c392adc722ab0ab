"""Optimistic concurrency on the taxonomy (embedded library, SQLite), as on pieces: an edit
of a stage, a gate, a facet value, an order or the synonyms carries the versions the editor
read; if anyone changed them since, nothing is saved and the refusal says who and when. Two
``Library`` objects on one folder are two app windows on one library."""

from __future__ import annotations

from typing import Iterator

import pytest

from enablement.errors import EditConflict, when_text
from enablement.models.dto import TaxonomyInfo
from enablement.services.library import Library
from tests.conftest import settings_for_tests


@pytest.fixture
def second(library: Library) -> Iterator[Library]:
    """Another window on the same library folder (its own engine and cached taxonomy)."""
    other = Library.open(library.ctx.paths.root, settings=settings_for_tests())
    yield other
    other.close()


def evaluation(tax: TaxonomyInfo):  # type: ignore[no-untyped-def]
    return next(s for s in tax.stages if s.key == "evaluation")


def test_a_gate_edited_meanwhile_refuses_the_stale_edit_and_names_who_and_when(library, second, actors):
    maya = actors["marketing"]
    gate = evaluation(library.taxonomy.get()).gates[0]  # Maya reads the gate into the form
    ada = second.users.actor("Ada Admin")
    stale = evaluation(second.taxonomy.get()).gates[0]
    second.taxonomy.edit_gate(ada, stale.id, question="Why you over the shortlist?", seen=stale.row_version)

    with pytest.raises(EditConflict) as refused:
        library.taxonomy.edit_gate(maya, gate.id, question="Why pick us?", exit_criteria="Shortlist of one",
                                   seen=gate.row_version)
    now = library.taxonomy.get().gate(gate.id)
    assert (now.question, now.exit_criteria) == ("Why you over the shortlist?", gate.exit_criteria)  # nothing of Maya's
    assert now.row_version == gate.row_version + 1
    [changed] = refused.value.changed
    assert (changed.row_id, changed.kind, changed.by, changed.by_you) == (gate.id, "gate", "Ada Admin", False)
    assert changed.at is not None
    assert str(refused.value) == (f"The gate 'Why you over the shortlist?' was changed by Ada Admin at "
                                  f"{when_text(changed.at)} while you were editing — your change was not saved.")
    # put back on the gate as it is now, Maya's edit goes through
    library.taxonomy.edit_gate(maya, gate.id, question="Why pick us?", seen=now.row_version)
    assert library.taxonomy.get().gate(gate.id).question == "Why pick us?"


@pytest.mark.parametrize("stale_edit", ["edit_stage", "set_stage_retired", "rename_facet_value",
                                        "set_facet_value_retired", "set_gate_retired"])
def test_every_single_row_edit_is_checked(library, second, actors, stale_edit):
    maya, ada = actors["marketing"], second.users.actor("Ada Admin")
    tax = library.taxonomy.get()
    stage, value = evaluation(tax), tax.facets["persona"][0]
    gate = stage.gates[0]
    # Ada renames all three first, in the other window
    second.taxonomy.edit_stage(ada, stage.id, name="Technical evaluation")
    second.taxonomy.rename_facet_value(ada, value.id, "Chief financial officer")
    second.taxonomy.edit_gate(ada, gate.id, exit_criteria="Signed off")
    calls = {
        "edit_stage": lambda: library.taxonomy.edit_stage(maya, stage.id, name="Proof", seen=stage.row_version),
        "set_stage_retired": lambda: library.taxonomy.set_stage_retired(maya, stage.id, True, seen=stage.row_version),
        "rename_facet_value": lambda: library.taxonomy.rename_facet_value(maya, value.id, "CFO",
                                                                          seen=value.row_version),
        "set_facet_value_retired": lambda: library.taxonomy.set_facet_value_retired(maya, value.id, True,
                                                                                    seen=value.row_version),
        "set_gate_retired": lambda: library.taxonomy.set_gate_retired(maya, gate.id, True, seen=gate.row_version),
    }
    with pytest.raises(EditConflict, match="by Ada Admin"):
        calls[stale_edit]()
    now = library.taxonomy.get()
    assert evaluation(now).name == "Technical evaluation" and not evaluation(now).retired
    assert now.facets["persona"][0].label == "Chief financial officer" and not now.facets["persona"][0].retired
    assert not now.gate(gate.id).retired


def test_an_order_read_before_a_stage_was_added_is_refused(library, second, actors):
    maya, ada = actors["marketing"], second.users.actor("Ada Admin")
    stages = library.taxonomy.get().stages
    seen = {s.id: s.row_version for s in stages}
    added = second.taxonomy.add_stage(ada, "Advocacy").value
    order = [s.id for s in stages]
    with pytest.raises(EditConflict) as refused:
        library.taxonomy.reorder_stages(maya, [order[-1], *order[:-1]], seen=seen)
    assert [(c.row_id, c.title, c.by) for c in refused.value.changed] == [(added, "Advocacy", "Ada Admin")]
    assert f"1 of the {len(stages)} stages was changed" in str(refused.value)
    assert [s.id for s in library.taxonomy.get().stages] == [*order, added]  # the order is Ada's
    # the gates of a stage: reordered elsewhere meanwhile
    stage = evaluation(library.taxonomy.get())
    gates = [g.id for g in stage.gates]
    second.taxonomy.reorder_gates(ada, stage.id, list(reversed(gates)))
    with pytest.raises(EditConflict, match="gates were changed"):
        library.taxonomy.reorder_gates(maya, stage.id, gates[1:] + gates[:1],
                                       seen={g.id: g.row_version for g in stage.gates})
    assert [g.id for g in evaluation(library.taxonomy.get()).gates] == list(reversed(gates))


def test_synonyms_saved_over_a_group_added_meanwhile_are_refused(library, second, actors):
    maya, ada = actors["marketing"], second.users.actor("Ada Admin")
    read = library.taxonomy.get()
    groups = [list(g) for g in read.synonyms]
    second.taxonomy.set_synonyms(ada, [*groups, ["msa", "master agreement"]],
                                 seen=second.taxonomy.get().synonym_versions)
    with pytest.raises(EditConflict, match="1 of the .* synonym groups was changed .*'msa, master agreement' by Ada Admin"):
        library.taxonomy.set_synonyms(maya, [*groups, ["deck", "presentation"]], seen=read.synonym_versions)
    now = library.taxonomy.get()
    assert ("msa", "master agreement") in now.synonyms and ("deck", "presentation") not in now.synonyms
    library.taxonomy.set_synonyms(maya, [*map(list, now.synonyms), ["deck", "presentation"]],
                                  seen=now.synonym_versions)
    assert ("deck", "presentation") in library.taxonomy.get().synonyms


def test_an_edit_without_a_version_is_not_checked_and_every_write_is_stamped(library, actors):
    maya = actors["marketing"]
    stage = evaluation(library.taxonomy.get())
    library.taxonomy.edit_stage(maya, stage.id, name="Proof")  # a script: no version carried
    library.taxonomy.edit_stage(maya, stage.id, description="Hands-on", seen=0)  # 0: not known
    now = evaluation(library.taxonomy.get())
    assert (now.name, now.description, now.row_version) == ("Proof", "Hands-on", stage.row_version + 2)
    # a later stale edit names Maya herself, as "you elsewhere"
    with pytest.raises(EditConflict, match="you elsewhere"):
        library.taxonomy.edit_stage(maya, stage.id, name="Trial", seen=stage.row_version)
