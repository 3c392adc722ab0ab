"""A marketing edit on a piece someone changed meanwhile: the editor says who and when, shows
the piece as it is now, and puts the refused changes back on request; nothing is overwritten."""

from __future__ import annotations

from datetime import date

from enablement.errors import when_text
from enablement.services.library import Library
from tests.ui.pages_support import actor, click
from ui import flows


def test_a_stale_save_is_refused_with_who_and_when_then_reloaded_and_can_be_put_back(
        make_app_ctx, make_window, qtbot):
    ctx = make_app_ctx("marketing")
    lib = ctx.library
    pid = lib.importer.add_link(ctx.actor, "https://example.com/roi", "ROI calculator").value
    window = make_window(ctx)
    detail = flows.open_piece(window, ctx, pid)
    qtbot.waitUntil(lambda: detail.view is not None)
    editor = detail.editor
    assert editor is not None
    detail.tabs.setCurrentWidget(editor)  # "Edit and tag"
    assert not editor.conflict.isVisible()

    # Meanwhile Priya, in her own window on the same library, renames the piece.
    other = Library.open(lib.ctx.paths.root)
    try:
        admin = actor(other, "admin")
        priya = other.users.actor_for(other.users.create(admin, "Priya Raman", "marketing").value)
        other.pieces.update(priya, pid, title="ROI calculator 2027", description="Now with 2027 prices.")
    finally:
        other.close()
    changed_at = lib.pieces.get(pid).summary.updated_at

    editor.title.setText("ROI calculator (EMEA)")
    editor.owner.setText("Maya")
    editor.has_review.setChecked(True)
    editor.review_by.setDate(date(2030, 3, 31))
    stage = lib.taxonomy.get().stages[2]
    editor.tags.check("stage", stage.id)
    click(qtbot, editor.save_button)

    message = (f"Changed by Priya Raman at {when_text(changed_at)} while you were editing — "
               "your change was not saved.")
    qtbot.waitUntil(lambda: editor.conflict.isVisible())
    assert editor.conflict.text().startswith(message)
    # nothing of Maya's was saved; the editor and the heading show the piece as it is now
    now = lib.pieces.get(pid)
    assert (now.title, now.summary.owner, now.summary.review_by, now.summary.tags) == \
           ("ROI calculator 2027", "", None, ())
    assert editor.title.text() == "ROI calculator 2027"
    assert editor.description.toPlainText() == "Now with 2027 prices."
    assert editor.owner.text() == "" and not editor.has_review.isChecked()
    qtbot.waitUntil(lambda: detail.heading.text().startswith("ROI calculator 2027"))
    assert editor.reapply.isVisible()

    # "Put my changes back" fills in what was refused, over the reloaded piece; saving it now works
    click(qtbot, editor.reapply)
    assert editor.title.text() == "ROI calculator (EMEA)" and editor.owner.text() == "Maya"
    assert editor.description.toPlainText() == "Now with 2027 prices."  # her description was not touched by Maya
    assert editor.has_review.isChecked() and ("stage", stage.id) in editor.tags.checked()
    assert not editor.reapply.isVisible()
    click(qtbot, editor.save_button)
    qtbot.waitUntil(lambda: not editor.conflict.isVisible())
    saved = lib.pieces.get(pid)
    assert (saved.title, saved.summary.owner, saved.summary.review_by, saved.description) == \
           ("ROI calculator (EMEA)", "Maya", date(2030, 3, 31), "Now with 2027 prices.")
    assert stage.id in saved.summary.ids("stage") and saved.updated_by == ctx.actor.name
    # the next save from the same editor carries the new version: no false refusal
    editor.owner.setText("Maya Marketing")
    click(qtbot, editor.save_button)
    assert lib.pieces.get(pid).summary.owner == "Maya Marketing" and not editor.conflict.isVisible()


def test_publishing_a_piece_changed_meanwhile_is_refused_and_the_piece_reloads(
        make_app_ctx, make_window, qtbot, monkeypatch):
    ctx = make_app_ctx("marketing")
    lib = ctx.library
    pid = lib.importer.add_link(ctx.actor, "https://example.com/tco", "TCO study").value
    from tests.conftest import make_ready

    make_ready(lib, ctx.actor, pid)
    window = make_window(ctx)
    shown: list[str] = []
    monkeypatch.setattr(window, "show_error", lambda exc: shown.append(str(exc)), raising=False)
    detail = flows.open_piece(window, ctx, pid)
    qtbot.waitUntil(lambda: detail.view is not None and detail.buttons["publish"].isEnabled())
    other = Library.open(lib.ctx.paths.root)
    try:
        other.pieces.update(actor(other, "admin"), pid, title="TCO study (withdrawn)")
    finally:
        other.close()
    ctx.runner.task_failed.disconnect()
    ctx.runner.task_failed.connect(lambda exc: shown.append(str(exc)))
    click(qtbot, detail.buttons["publish"])
    assert len(shown) == 1 and shown[0].startswith("Changed by Test Admin at ")
    assert lib.pieces.get(pid).summary.status == "draft"
    qtbot.waitUntil(lambda: detail.heading.text().startswith("TCO study (withdrawn)"))


def test_undo_never_puts_back_over_someone_elses_later_change(make_app_ctx, make_window, qtbot):
    ctx = make_app_ctx("marketing")
    lib = ctx.library
    pid = lib.importer.add_link(ctx.actor, "https://example.com/faq", "FAQ").value
    window = make_window(ctx)
    ctx.undo.run("edits", [pid], lib.pieces.update, ctx.actor, pid, title="FAQ 2027")
    ctx.undo.run("edits", [pid], lib.pieces.update, ctx.actor, pid, owner="Maya")
    window.undo_button.click()  # my own steps undo one after the other
    assert (lib.pieces.get(pid).title, lib.pieces.get(pid).summary.owner) == ("FAQ 2027", "")
    other = Library.open(lib.ctx.paths.root)
    try:
        other.pieces.update(actor(other, "admin"), pid, description="Written by the admin")
    finally:
        other.close()
    window.undo_button.click()
    qtbot.waitUntil(lambda: getattr(window, "last_error_box", None) is not None)
    assert window.last_error_box.text().startswith("Changed by Test Admin at ")
    now = lib.pieces.get(pid)
    assert (now.title, now.description) == ("FAQ 2027", "Written by the admin")
    assert ctx.undo.label == ""  # a refused undo cannot succeed later: it is dropped
