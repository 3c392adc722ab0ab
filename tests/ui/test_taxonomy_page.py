"""Taxonomy page: stages, gates, facet values, synonyms and the taxonomy file."""

from __future__ import annotations

import json

import pytest

from enablement.services.library import Library
from enablement.services.taxonomy import TAXONOMY_CHANGED
from tests.ui.pages_support import actor, click
from ui.dialogs import files
from ui.pages.taxonomy_page import TaxonomyPage

pytestmark = pytest.mark.ui




def test_stages_add_rename_reorder_retire_restore(qtbot, open_page, make_app_ctx, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("marketing")
    page = open_page(TaxonomyPage, app)
    qtmodeltester.check(page.stages_model)
    qtmodeltester.check(page.gates_model)
    tax = app.library.taxonomy
    before = [s.name for s in tax.get().stages]

    click(qtbot, page.add_stage_button)
    qtbot.keyClicks(page.prompt.editor, "Advocacy")
    click(qtbot, page.prompt.ok_button)
    assert [s.name for s in tax.get().stages] == before + ["Advocacy"]

    page.stages_view.selectRow(len(before))
    click(qtbot, page.stage_up_button)
    assert [s.name for s in tax.get().stages][-2:] == ["Advocacy", before[-1]]
    assert page.stages_view.selectionModel().selectedRows()[0].data() == str(len(before))  # selection kept

    page.stage_name.setText("Advocacy & referrals")
    page.stage_description.setPlainText("Happy customers recommend us.")
    click(qtbot, page.save_stage_button)
    stage = next(s for s in tax.get().stages if s.key == "advocacy")
    assert (stage.name, stage.description) == ("Advocacy & referrals", "Happy customers recommend us.")

    click(qtbot, page.stage_retire_button)
    assert next(s for s in tax.get().stages if s.key == "advocacy").retired
    assert page.stage_retire_button.text() == "Restore"
    click(qtbot, page.stage_retire_button)
    assert not next(s for s in tax.get().stages if s.key == "advocacy").retired


def test_gates_add_edit_reorder_retire(qtbot, open_page, make_app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("admin")
    page = open_page(TaxonomyPage, app)
    tax = app.library.taxonomy
    page.stages_view.selectRow(3)
    stage = tax.get().stages[3]
    assert [g.question for g in page.gates_model.rows] == [g.question for g in stage.gates]

    click(qtbot, page.add_gate_button)
    qtbot.keyClicks(page.prompt.editor, "Who signs the contract?")
    click(qtbot, page.prompt.ok_button)
    gates = tax.get().stages[3].gates
    assert gates[-1].question == "Who signs the contract?"

    page.gates_view.selectRow(len(gates) - 1)
    page.gate_criteria.setPlainText("The signatory is named.")
    click(qtbot, page.save_gate_button)
    assert tax.get().gate(gates[-1].id).exit_criteria == "The signatory is named."

    click(qtbot, page.gate_up_button)
    assert tax.get().stages[3].gates[-2].id == gates[-1].id
    click(qtbot, page.gate_retire_button)
    assert tax.get().gate(gates[-1].id).retired


def test_facet_values_and_synonyms(qtbot, open_page, make_app_ctx, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("marketing")
    page = open_page(TaxonomyPage, app)
    tax = app.library.taxonomy
    page.tabs.setCurrentIndex(1)
    page.facet_list.setCurrentRow(1)  # industry
    qtmodeltester.check(page.values_model)
    click(qtbot, page.add_value_button)
    qtbot.keyClicks(page.prompt.editor, "Aerospace")
    click(qtbot, page.prompt.ok_button)
    added = next(v for v in tax.get().facets["industry"] if v.label == "Aerospace")
    page.values_view.selectRow(page.values_model.row_of(added.id))
    click(qtbot, page.rename_value_button)
    page.prompt.set_text("Aerospace & defence")
    click(qtbot, page.prompt.ok_button)
    click(qtbot, page.value_retire_button)
    value = next(v for v in tax.get().facets["industry"] if v.id == added.id)
    assert (value.label, value.retired) == ("Aerospace & defence", True)

    page.tabs.setCurrentIndex(2)
    page.synonyms_edit.setPlainText("roi, return on investment\nsoc 2, soc2, security audit\nlonely")
    click(qtbot, page.save_synonyms_button)
    assert ("roi", "return on investment") in tax.get().synonyms
    assert ("soc 2", "soc2", "security audit") in tax.get().synonyms
    assert not any("lonely" in g for g in tax.get().synonyms)


def test_export_and_import_the_taxonomy_file(qtbot, open_page, make_app_ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("marketing")
    page = open_page(TaxonomyPage, app)
    target = tmp_path / "taxonomy.json"
    monkeypatch.setattr(files, "ask_save_file", lambda parent, title, suggested: target)
    click(qtbot, page.export_button)
    doc = json.loads(target.read_text())
    assert [s["name"] for s in doc["stages"]][0] == app.library.taxonomy.get().stages[0].name
    doc["stages"][0]["name"] = "Problem awareness"
    target.write_text(json.dumps(doc))
    monkeypatch.setattr(files, "ask_open_file", lambda parent, title, file_filter="": target)
    click(qtbot, page.import_button)
    assert app.library.taxonomy.get().stages[0].name == "Problem awareness"
    assert "1 updated" in page.banner.label.text()
    assert page.stages_model.index(0, 1).data() == "Problem awareness"


def test_rep_sees_it_read_only(qtbot, open_page, make_app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    page = open_page(TaxonomyPage, app)
    assert page.readonly_label.isVisible()
    assert not page.add_stage_button.isVisible() and not page.import_button.isVisible()
    assert page.export_button.isVisible()
    assert page.stage_name.isReadOnly() and page.synonyms_edit.isReadOnly()
    assert page.stages_model.rowCount() == len(app.library.taxonomy.get().stages)


def test_a_gate_changed_in_another_window_refuses_the_save_and_puts_the_change_back(  # type: ignore[no-untyped-def]
        qtbot, open_page, make_app_ctx, tmp_path) -> None:
    library = Library.open(tmp_path / "shared")
    app = make_app_ctx("marketing", library=library)
    other = Library.open(tmp_path / "shared")  # another window on the same library
    try:
        page = open_page(TaxonomyPage, app)
        page.stages_view.selectRow(2)
        page.gates_view.selectRow(0)
        gate = page.gate_shown
        page.gate_question.clear()
        qtbot.keyClicks(page.gate_question, "Why pick us?")  # Maya is typing...

        admin = actor(other, "admin")
        other.taxonomy.edit_gate(admin, gate.id, question="Why you over the shortlist?")  # ...Ada saves first
        library.ctx.caches(TAXONOMY_CHANGED)  # as a live refresh brings it in (team mode: a pull)
        app.signals.changed.emit(TAXONOMY_CHANGED)
        assert page.gates_model.rows[0].question == "Why you over the shortlist?"
        assert page.gate_question.text() == "Why pick us?"  # the refresh left her typing alone
        assert page.gate_shown.row_version == gate.row_version

        click(qtbot, page.save_gate_button)
        assert library.taxonomy.get().gate(gate.id).question == "Why you over the shortlist?"  # nothing overwritten
        assert page.banner.isVisible()
        assert f"The gate 'Why you over the shortlist?' was changed by {admin.name}" in page.banner.label.text()
        assert page.gate_question.text() == "Why you over the shortlist?"  # shown as it is now
        assert page.banner.action.isVisible() and page.banner.action.text() == "Put my changes back"

        click(qtbot, page.banner.action)
        assert page.gate_question.text() == "Why pick us?" and "check it and save again" in page.banner.label.text()
        click(qtbot, page.save_gate_button)
        assert library.taxonomy.get().gate(gate.id).question == "Why pick us?"
        assert page.gate_question.text() == "Why pick us?" and not page.banner.isVisible()
        # saved over her own change, the form took the new version: the next save is not refused
        page.gate_criteria.setPlainText("Shortlist of one")
        click(qtbot, page.save_gate_button)
        assert library.taxonomy.get().gate(gate.id).exit_criteria == "Shortlist of one"
        assert not page.banner.isVisible()

        # synonyms typed over a group added elsewhere: refused, then put back
        page.tabs.setCurrentIndex(2)
        page.synonyms_edit.setPlainText(page.synonyms_edit.toPlainText() + "\ndeck, presentation")
        other.taxonomy.set_synonyms(admin, [*map(list, other.taxonomy.get().synonyms), ["msa", "master agreement"]])
        click(qtbot, page.save_synonyms_button)
        assert "msa, master agreement" in page.banner.label.text()
        assert "deck" not in page.synonyms_edit.toPlainText() and "msa" in page.synonyms_edit.toPlainText()
        click(qtbot, page.banner.action)
        assert "deck, presentation" in page.synonyms_edit.toPlainText()
    finally:
        other.close()
