"""Undo in the app: publish, archive, edits, bulk tagging and bulk publishing are put back exactly,
from the "Undo" beside the confirmation or with Ctrl+Z, until the app closes."""

from __future__ import annotations

from enablement.models.dto import TagSelection
from tests.conftest import make_ready
from tests.filemaker_docs import make_pdf
from tests.ui.pages_support import actor
from ui import flows
from ui.dialogs.import_dialog import ImportDialog


def open_detail(window, ctx, qtbot, pid):  # type: ignore[no-untyped-def]
    detail = flows.open_piece(window, ctx, pid)
    qtbot.waitUntil(lambda: detail.view is not None)
    return detail


def test_publish_archive_and_edits_are_undone_in_the_piece_detail(make_app_ctx, make_window, qtbot):
    ctx = make_app_ctx("marketing")
    lib = ctx.library
    pid = make_ready(lib, ctx.actor, lib.importer.add_link(ctx.actor, "https://example.com/p", "Pricing").value)
    window = make_window(ctx)
    detail = open_detail(window, ctx, qtbot, pid)
    draft = lib.pieces.states([pid])
    assert not detail.undo_button.isVisible() and not window.undo_button.isVisible()

    detail.buttons["publish"].click()
    assert lib.pieces.get(pid).summary.status == "published"
    published = lib.pieces.states([pid])
    assert detail.undo_button.isVisible() and detail.undo_button.text() == "Undo publish"
    assert window.undo_button.text() == "Undo publish  (Ctrl+Z)"
    detail.buttons["archive"].click()
    assert lib.pieces.get(pid).summary.status == "archived"

    # Edits: title, owner and a tag, saved, then undone with Ctrl+Z in the piece's window.
    detail.editor.title.setText("Pricing 2027")
    detail.editor.owner.setText("Someone else")
    facet = lib.taxonomy.get().facets["persona"][0]
    detail.editor.tags.check("persona", facet.id)
    detail.editor.save_button.click()
    assert lib.pieces.get(pid).title == "Pricing 2027"
    detail.undo_shortcut.activated.emit()
    assert lib.pieces.get(pid).summary.status == "archived" and lib.pieces.get(pid).title == "Pricing"
    assert facet.id not in lib.pieces.get(pid).summary.ids("persona")

    detail.undo_button.click()  # the archive
    assert lib.pieces.states([pid]) == published
    window.undo_shortcut.activated.emit()  # the publish, from the main window
    assert lib.pieces.states([pid]) == draft
    assert not detail.undo_button.isVisible() and not window.undo_button.isVisible()
    window.undo_shortcut.activated.emit()  # nothing left: said, nothing changes
    assert lib.pieces.states([pid]) == draft


def test_ctrl_z_is_the_key_in_both_windows(make_app_ctx, make_window, qtbot):
    from PySide6.QtGui import QKeySequence

    ctx = make_app_ctx("marketing")
    lib = ctx.library
    pid = lib.importer.add_link(ctx.actor, "https://example.com/k", "Keyboard").value
    window = make_window(ctx)
    detail = open_detail(window, ctx, qtbot, pid)
    # Offscreen windows are never "active", so keys are not routed to shortcuts: check the key,
    # then activate the shortcut as the key would.
    for shortcut in (window.undo_shortcut, detail.undo_shortcut):
        assert shortcut.key().toString() == QKeySequence("Ctrl+Z").toString()
    before = lib.pieces.states([pid])
    lib_tags = TagSelection(stages=[lib.taxonomy.get().stages[2].id])
    ctx.undo.run("tag edits", [pid], lib.pieces.set_tags, ctx.actor, pid, lib_tags)
    assert lib.pieces.states([pid]) != before
    detail.undo_shortcut.activated.emit()
    assert lib.pieces.states([pid]) == before


def test_bulk_tagging_and_bulk_publishing_are_undone_in_the_import_dialog(make_app_ctx, make_window, qtbot,
                                                                         tmp_path, monkeypatch):
    from ui.dialogs import files

    ctx = make_app_ctx("marketing")
    lib = ctx.library
    folder = tmp_path / "drop"
    folder.mkdir()
    for n in range(3):
        make_pdf(folder / f"brief-{n}.pdf", [f"Value brief {n}"], title=f"Value brief {n}")
    window = make_window(ctx)
    monkeypatch.setattr(files, "ask_folder", lambda parent, title: folder)
    window.import_folder_action.trigger()
    dialog = window.last_dialog
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(lambda: dialog.summary is not None)
    dialog.show_tagging()
    ids = list(dialog.summary.piece_ids)
    untouched = lib.pieces.states(ids)

    gate = lib.taxonomy.get().stages[3].gates[0]
    dialog.select_ids(ids)
    dialog.tag_editor.check("gate", gate.id)
    dialog.owner_edit.setText("Priya Raman")
    dialog.has_review.setChecked(True)
    dialog.apply_button.click()
    tagged = lib.pieces.states(ids)
    assert all(gate.id in s.gate_ids and s.owner == "Priya Raman" for s in tagged)
    assert dialog.undo_button.isVisible() and dialog.undo_button.text() == "Undo tagging 3 pieces"

    dialog.select_ids(ids)
    dialog.publish_button.click()
    dialog.publish_box.ok_button.click()
    assert all(p.status == "published" for p in lib.pieces.summaries(ids))
    assert dialog.undo_button.text() == "Undo publishing"
    dialog.undo_button.click()
    assert lib.pieces.states(ids) == tagged
    dialog.undo_button.click()
    assert lib.pieces.states(ids) == untouched
    assert not dialog.undo_button.isVisible()
    qtbot.waitUntil(lambda: all(not p.tags for p in dialog.tag_pieces.rows))  # the table shows them as they are


def test_an_undo_refused_stays_on_the_stack(make_app_ctx, make_window, qtbot):
    ctx = make_app_ctx("marketing")
    lib = ctx.library
    pid = lib.importer.add_link(ctx.actor, "https://example.com/r", "Refused").value
    window = make_window(ctx)
    ctx.undo.run("tag edits", [pid], lib.pieces.set_tags, ctx.actor, pid,
                 TagSelection(stages=[lib.taxonomy.get().stages[0].id]))
    assert ctx.undo.label == "tag edits"
    lib.pieces.purge(actor(lib, "admin"), pid)
    window.undo_button.click()  # the piece is gone: the error is shown, the step is kept
    assert ctx.undo.label == "tag edits"
    qtbot.waitUntil(lambda: getattr(window, "last_error_box", None) is not None)
    assert "No piece with id" in window.last_error_box.text()
