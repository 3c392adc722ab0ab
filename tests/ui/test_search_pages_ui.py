"""A hit in a deck says which slides it is on, and opening it shows the preview at the first."""

from __future__ import annotations

from tests.test_search_pages import twelve_slides
from tests.ui.test_library_page import search
from tests.ui.test_renditions_ui import marked_rows
from ui.models.piece_table_model import SnippetRole


def test_a_slide_hit_is_shown_and_the_preview_opens_at_that_slide(make_app_ctx, make_window, qtbot, tmp_path):
    ctx = make_app_ctx("marketing")  # marketing sees drafts: the deck need not be published
    deck = twelve_slides(tmp_path / "qbr.pptx", "zanzibarite")
    pid = ctx.library.importer.import_paths(ctx.actor, [deck]).value.piece_ids[0]
    window = make_window(ctx)
    page = search(window, qtbot, "zanzibarite")
    assert [p.id for p in page.model.rows] == [pid]
    index = page.model.index(0, 0)
    assert index.data(SnippetRole).startswith("Slide 5: ")
    assert "zanzibarite" in index.data(SnippetRole)
    page.view.setCurrentIndex(index)
    page.view.activated.emit(index)
    detail = window.last_dialog
    assert detail.piece_id == pid and detail.start_page == 5
    preview = detail.preview
    qtbot.waitUntil(lambda: preview.currentWidget() is preview.text)
    qtbot.waitUntil(lambda: preview.text.verticalScrollBar().value() > 0)
    # Slide 5 is on screen (at the top, or as high as the slides after it let it go); slide 1 is not.
    viewport = preview.text.viewport().height()
    slide5 = preview.text.cursorRect(preview.text.document().find("Slide 5: what is next")).top()
    slide1 = preview.text.cursorRect(preview.text.document().find("Slide 1: quarterly")).top()
    at_end = preview.text.verticalScrollBar().value() == preview.text.verticalScrollBar().maximum()
    marked = [sel.cursor.selectedText() for sel in preview.text.extraSelections()]
    assert marked == ["zanzibarite"]  # the hit's word, marked where it is
    assert (0 <= slide5 < viewport // 2) or (at_end and 0 <= slide5 < viewport)
    assert slide1 < 0


def test_a_hit_without_pages_opens_at_the_start(make_app_ctx, make_window, qtbot, tmp_path):
    from tests.filemaker_docs import make_docx

    ctx = make_app_ctx("marketing")
    doc = make_docx(tmp_path / "memo.docx", ["The zanzibarite memo"] * 3, title="Memo about minerals")
    pid = ctx.library.importer.import_paths(ctx.actor, [doc]).value.piece_ids[0]
    window = make_window(ctx)
    page = search(window, qtbot, "zanzibarite")
    index = page.model.index(0, 0)
    assert not index.data(SnippetRole).startswith(("Slide", "Page"))
    page.view.activated.emit(index)
    assert window.last_dialog.piece_id == pid and window.last_dialog.start_page == 0


def open_handbook_hit(make_app_ctx, make_window, qtbot, tmp_path, pages: int, hit: int, word: str):  # type: ignore[no-untyped-def]
    """A handbook PDF of ``pages`` pages with ``word`` on page ``hit`` only, searched in a
    window and opened from its hit: (piece id, the index activated, the preview once drawn)."""
    from tests.filemaker_docs import make_pdf

    ctx = make_app_ctx("marketing")
    texts = [f"Chapter {n}: operations handbook" for n in range(1, pages + 1)]
    texts[hit - 1] = f"Chapter {hit}: the {word} procedure"
    pid = ctx.library.importer.import_paths(ctx.actor, [make_pdf(tmp_path / "handbook.pdf", texts)]).value.piece_ids[0]
    window = make_window(ctx)
    page = search(window, qtbot, word)
    index = page.model.index(0, 0)
    page.view.activated.emit(index)
    assert window.last_dialog.piece_id == pid and window.last_dialog.start_page == hit
    preview = window.last_dialog.preview
    qtbot.waitUntil(lambda: preview.currentWidget() is preview.pages_area)
    return pid, index, preview


def assert_at_marked_page(qtbot, preview, hit: int) -> None:  # type: ignore[no-untyped-def]
    """The preview scrolled to page ``hit``, the only page with the hit's word marked."""
    bar = preview.pages_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0)
    assert bar.value() == min(preview.page_labels[hit - 1].y(), bar.maximum())
    marks = [marked_rows(label.pixmap().toImage()) for label in preview.page_labels]
    assert [n for n, rows in enumerate(marks, 1) if rows] == [hit]  # the word marked where it stands


def test_a_pdf_hit_opens_the_preview_at_its_page(make_app_ctx, make_window, qtbot, tmp_path):
    _pid, index, preview = open_handbook_hit(make_app_ctx, make_window, qtbot, tmp_path, 8, 6, "zanzibarite")
    assert index.data(SnippetRole).startswith("Page 6: ")
    assert len(preview.page_labels) == 8
    assert_at_marked_page(qtbot, preview, 6)


def test_a_hit_past_the_first_pages_draws_the_preview_up_to_it(make_app_ctx, make_window, qtbot, tmp_path):
    _pid, _index, preview = open_handbook_hit(make_app_ctx, make_window, qtbot, tmp_path, 20, 16, "quokkaword")
    assert len(preview.page_labels) == 17 and preview.page_count == 20  # past the usual 12: the hit and one more
    assert_at_marked_page(qtbot, preview, 16)
