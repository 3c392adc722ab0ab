"""Piece detail: safe opening, structured previews, marketing edits, rep-made submissions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from enablement.errors import InvalidInput
from tests.filemaker_docs import make_docx, make_pdf
from ui import flows
from ui.dialogs import files
from ui.dialogs.first_run import WhoAreYouDialog
from ui.dialogs.review_dialogs import ReviewQueueDialog, SubmissionsDialog


def piece_titled(library, part, file_type=None):  # type: ignore[no-untyped-def]
    return next(p for p in library.pieces.list() if part in p.title and (file_type is None or p.file_type == file_type))


def test_open_copies_safely_and_logs_the_use(demo_ctx, make_window, qtbot, monkeypatch):
    window = make_window(demo_ctx)
    piece = piece_titled(demo_ctx.library, "Security", "pdf")
    opened: list[Path] = []
    monkeypatch.setattr(files, "open_in_default_app", lambda path: opened.append(path) or True)
    detail = flows.open_piece(window, demo_ctx, piece.id)
    qtbot.waitUntil(lambda: detail.view is not None)
    before = demo_ctx.library.usage.piece_stats(piece.id)["by_kind"].get("opened", 0)
    detail.buttons["open"].click()
    assert len(opened) == 1 and opened[0].suffix == ".pdf" and opened[0].read_bytes()[:5] == b"%PDF-"
    assert "/" not in opened[0].name and opened[0].parent.parent.name == "open"
    assert demo_ctx.library.usage.piece_stats(piece.id)["by_kind"]["opened"] == before + 1


def test_only_office_documents_open(make_app_ctx, tmp_path):
    ctx = make_app_ctx("marketing")
    note = tmp_path / "notes.txt"
    note.write_text("plain notes about pricing")
    pid = ctx.library.importer.import_paths(ctx.actor, [note]).value.piece_ids[0]
    with pytest.raises(InvalidInput, match="only PDF, Word, PowerPoint and Excel"):
        ctx.library.files.open_copy(pid, "notes")


def test_word_preview_shows_headings(make_app_ctx, make_window, qtbot, tmp_path):
    ctx = make_app_ctx("marketing")
    doc = make_docx(tmp_path / "guide.docx", ["Step one: connect the data."], headings=["Onboarding guide"])
    pid = ctx.library.importer.import_paths(ctx.actor, [doc]).value.piece_ids[0]
    window = make_window(ctx)
    detail = flows.open_piece(window, ctx, pid)
    qtbot.waitUntil(lambda: detail.preview.currentWidget() is detail.preview.text)
    html = detail.preview.text.toHtml()
    assert "Onboarding guide" in html and "Step one" in html


def test_marketing_edits_tags_versions_publishes_and_archives(make_app_ctx, make_window, qtbot, tmp_path,
                                                               monkeypatch):
    ctx = make_app_ctx("marketing")
    lib = ctx.library
    first = make_pdf(tmp_path / "pricing.pdf", ["Pricing and packaging, version one."])
    pid = lib.importer.import_paths(ctx.actor, [first]).value.piece_ids[0]
    window = make_window(ctx)
    detail = flows.open_piece(window, ctx, pid)
    qtbot.waitUntil(lambda: detail.view is not None)
    editor = detail.editor
    editor.title.setText("Pricing One-Pager 2026")
    editor.owner.setText("Priya Raman")
    editor.has_review.setChecked(True)
    editor.review_by.setDate(date(2030, 1, 31))
    stage = lib.taxonomy.get().stages[4]
    editor.tags.check("gate", stage.gates[0].id)
    editor.save_button.click()
    s = lib.pieces.get(pid).summary
    assert (s.title, s.owner, s.review_by) == ("Pricing One-Pager 2026", "Priya Raman", date(2030, 1, 31))
    assert stage.id in s.ids("stage") and stage.gates[0].id in s.ids("gate")
    qtbot.waitUntil(lambda: detail.heading.text().startswith("Pricing One-Pager 2026"))

    second = make_pdf(tmp_path / "pricing-v2.pdf", ["Pricing and packaging, version two.", "New tiers."])
    monkeypatch.setattr(files, "ask_open_file", lambda parent, title: second)
    detail.buttons["replace"].click()
    assert [v.number for v in lib.pieces.get(pid).versions] == [1, 2] or len(lib.pieces.get(pid).versions) == 2
    assert detail.versions.rowCount() == 2

    detail.buttons["publish"].click()
    assert lib.pieces.get(pid).summary.status == "published"
    assert detail.buttons["archive"].isVisibleTo(detail)
    detail.buttons["archive"].click()
    assert lib.pieces.get(pid).summary.status == "archived"
    detail.buttons["restore"].click()
    assert lib.pieces.get(pid).summary.status == "published"


def test_rep_submission_reviewed_by_marketing(demo_ctx, make_window, qtbot, tmp_path, monkeypatch):
    rep = demo_ctx
    mine = make_pdf(tmp_path / "my-security-one-pager.pdf",
                    ["Security, privacy and compliance at Northwind Flow: SOC 2 Type II, ISO 27001,",
                     "encryption, GDPR and data residency for the security review."])
    monkeypatch.setattr(files, "ask_open_files", lambda parent, title, *a: [mine])
    window = make_window(rep)
    assert window.submit_action.isVisible()
    window.submit_action.trigger()
    dialog = window.last_dialog
    qtbot.waitUntil(lambda: dialog.summary is not None)
    pid = dialog.summary.piece_ids[0]
    assert rep.library.pieces.get(pid).summary.status == "draft"
    qtbot.waitUntil(lambda: "official" in dialog.lookalike_label.text())
    assert "This looks like the official “" in dialog.lookalike_label.text()
    dialog.accept()

    marketing = rep("marketing")
    queue = ReviewQueueDialog(marketing)
    qtbot.addWidget(queue)
    assert queue.model.rowCount() >= 1
    row = queue.model.row_of(pid)
    queue.view.selectRow(queue.view.model().mapFromSource(queue.model.index(row, 0)).row())
    assert "looks like the official" in queue.hint.text()
    queue.decline()
    queue.sub_dialog.reason.setText("Use the official Security whitepaper instead.")
    queue.sub_dialog.accept()
    assert rep.library.pieces.get(pid).summary.review_state == "declined"

    mine_dialog = SubmissionsDialog(rep)
    qtbot.addWidget(mine_dialog)
    texts = [mine_dialog.model.index(r, c).data() for r in range(mine_dialog.model.rowCount()) for c in range(4)]
    assert "declined" in texts and "Use the official Security whitepaper instead." in texts


def test_who_are_you_picks_a_user_or_a_new_one(demo_ctx, qtbot):
    users = demo_ctx.library.users.list()
    dialog = WhoAreYouDialog(users, demo=True)
    qtbot.addWidget(dialog)
    user, _name, _role = dialog.choice()
    assert user is not None and user.role == "rep"
    dialog.new.setChecked(True)
    dialog.name.setText("Dana New")
    dialog.role.setCurrentIndex(dialog.role.findData("manager"))
    assert dialog.choice() == (None, "Dana New", "manager")


def test_a_draft_says_what_it_lacks_and_only_an_admin_publishes_it_anyway(make_app_ctx, make_window, qtbot,
                                                                            tmp_path):
    ctx = make_app_ctx("marketing")
    lib = ctx.library
    pid = lib.importer.add_link(ctx.actor, "https://example.com/r", "Roadmap teaser").value
    lib.pieces.update(ctx.actor, pid, owner="Priya")
    window = make_window(ctx)
    detail = flows.open_piece(window, ctx, pid)
    qtbot.waitUntil(lambda: detail.view is not None)
    assert detail.trust.text() == "Not ready to publish: no stage, gate or review date. Set them under Edit and tag."
    publish = detail.buttons["publish"]
    assert publish.isVisible() and not publish.isEnabled() and publish.text() == "Publish"
    assert publish.toolTip() == "It has no stage, gate or review date."
    # Filled in the editor, the piece is ready and publishes.
    stage = lib.taxonomy.get().stages[1]
    detail.editor.tags.check("gate", stage.gates[0].id)
    detail.editor.has_review.setChecked(True)
    detail.editor.review_by.setDate(date(2030, 6, 30))
    detail.editor.save_button.click()
    qtbot.waitUntil(lambda: publish.isEnabled())
    assert not detail.trust.text().startswith("Not ready")
    publish.click()
    assert lib.pieces.get(pid).summary.status == "published"

    admin = make_app_ctx("admin", library=lib)
    bare = lib.importer.add_link(admin.actor, "https://example.com/b", "Bare link").value
    admin_window = make_window(admin)
    admin_detail = flows.open_piece(admin_window, admin, bare)
    qtbot.waitUntil(lambda: admin_detail.view is not None)
    button = admin_detail.buttons["publish"]
    assert button.isEnabled() and button.text() == "Publish anyway"
    button.click()
    assert lib.pieces.get(bare).summary.status == "published"


def test_marketing_sees_where_the_title_came_from(make_app_ctx, make_window, qtbot, tmp_path):
    ctx = make_app_ctx("marketing")
    lib = ctx.library
    deck = make_docx(tmp_path / "pricing_one-pager.docx", ["Team, Business and Enterprise"], title="Word Document")
    pid = lib.importer.import_paths(ctx.actor, [deck]).value.piece_ids[0]
    window = make_window(ctx)
    detail = flows.open_piece(window, ctx, pid)
    qtbot.waitUntil(lambda: detail.view is not None)
    assert detail.heading.text().startswith("Pricing one pager")
    source = "the file name (its title “Word Document” is a template default)"
    assert detail.editor.title_source.text() == f"Title from {source}."
    assert "Title from" in detail.info.text() and "is a template default" in detail.info.text()
    detail.editor.title.setText("Pricing one-pager 2026")
    detail.editor.save_button.click()
    qtbot.waitUntil(lambda: detail.editor.title_source.text() == "Title from set in the library.")


def test_a_rep_does_not_see_the_title_source(demo_ctx, make_window, qtbot):
    window = make_window(demo_ctx)
    piece = piece_titled(demo_ctx.library, "Security", "pdf")
    detail = flows.open_piece(window, demo_ctx, piece.id)
    qtbot.waitUntil(lambda: detail.view is not None)
    assert detail.editor is None and "Title from" not in detail.info.text()


def test_pdf_pages_are_drawn_by_the_sandbox_and_a_damaged_pdf_falls_back_to_text(make_app_ctx, make_window,
                                                                                  qtbot, tmp_path):
    """Issue 14 item 6: the preview's pages and the thumbnails come from the sandboxed renderer;
    a PDF it cannot draw shows its text (if any) and says why, and the app carries on."""
    from ui.widgets.thumbnails import load_or_render_thumbnail

    ctx = make_app_ctx("marketing")
    good = make_pdf(tmp_path / "battlecard.pdf", ["Battlecard: why we win\n" * 20, "Objections"])
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    done = ctx.library.importer.import_paths(ctx.actor, [good, damaged]).value
    ids = {Path(o.path).name: o.piece_id for o in done.outcomes}
    assert ids["damaged.pdf"] is not None  # kept as a piece whose file could not be read

    window = make_window(ctx)
    detail = flows.open_piece(window, ctx, ids["battlecard.pdf"])
    qtbot.waitUntil(lambda: detail.preview.currentWidget() is detail.preview.pages_area)
    assert detail.preview.page_count == 2 and len(detail.preview.page_labels) == 2
    assert all(label.pixmap().width() == 620 for label in detail.preview.page_labels)
    detail.close()

    broken = flows.open_piece(window, ctx, ids["damaged.pdf"])
    qtbot.waitUntil(lambda: broken.preview.currentWidget() is broken.preview.text)
    assert "could not be drawn" in broken.preview.text.toPlainText()

    summaries = {p.id: p for p in ctx.library.pieces.summaries(list(ids.values()))}
    thumbnails: dict[str, object] = {}
    for name in ("battlecard.pdf", "damaged.pdf"):  # the worker function, run as a task (sync runner)
        ctx.runner.op(load_or_render_thumbnail, ctx.library, summaries[ids[name]]).success(
            lambda image, n=name: thumbnails.__setitem__(n, image)).read()
    assert thumbnails["battlecard.pdf"].width() == 120  # type: ignore[attr-defined]  # a QImage
    assert thumbnails["damaged.pdf"] is None
