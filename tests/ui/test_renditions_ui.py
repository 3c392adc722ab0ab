"""Every file looks like itself: a deck's card shows its first slide and its preview its real
slides, opened at the slide a hit is on — drawn once by LibreOffice (the window's background
rendition maker) and kept with the version. Without a renderer, the card shows the picture
saved inside the file and the preview lays each slide out as a card, never a bare badge."""

from __future__ import annotations

from pathlib import Path

from enablement.models.tables import Piece, Rendition
from tests.office import office  # noqa: F401  (a fixture)
from tests.test_renditions import paged_docx
from tests.test_search_pages import twelve_slides
from tests.ui.test_library_page import search
from ui.pdf_pages import DRAWER, MARK
from ui.widgets.preview import PAGE_WIDTH
from ui.widgets.thumbnails import load_or_render_thumbnail


def thumbnail(ctx, piece_id: int):  # type: ignore[no-untyped-def]
    """The card's picture, made as the library page makes it: in a task."""
    summary = next(p for p in ctx.library.pieces.list() if p.id == piece_id)
    got: list = []
    ctx.runner.op(load_or_render_thumbnail, ctx.library, summary).success(got.append).read()
    return got[0]


def marked_rows(image) -> list[int]:  # type: ignore[no-untyped-def]
    """The rows of a drawn page that carry the hit words' mark (its colour over white paper)."""
    mark = MARK.rgb() & 0xFFFFFF
    rows = []
    for y in range(image.height()):
        if sum(1 for x in range(0, image.width(), 2) if image.pixel(x, y) & 0xFFFFFF == mark) >= 6:
            rows.append(y)
    return rows


def rendition(ctx, piece_id: int) -> Rendition | None:  # type: ignore[no-untyped-def]
    with ctx.library.ctx.read() as s:
        piece = s.get(Piece, piece_id)
        return s.get(Rendition, piece.current_version_id) if piece else None


def test_the_window_draws_a_deck_and_its_hit_opens_the_real_fifth_slide(  # noqa: F811
        office, make_app_ctx, make_window, qtbot, tmp_path: Path) -> None:
    ctx = make_app_ctx("marketing")
    deck = twelve_slides(tmp_path / "qbr.pptx", "zanzibarite")
    doc = paged_docx(tmp_path / "guide.docx", "quokkaword", page=3)
    ids = ctx.library.importer.import_paths(ctx.actor, [deck, doc]).value.piece_ids
    assert rendition(ctx, ids[0]) is None  # the import itself drew nothing
    messages: list[str] = []
    ctx.signals.status_message.connect(messages.append)
    window = make_window(ctx)  # its rendition maker draws what waits, off the GUI thread
    qtbot.waitUntil(lambda: not window.renditions.running, timeout=120_000)
    assert all((r := rendition(ctx, pid)) is not None and r.outcome == "ok" for pid in ids)
    assert "Pages drawn for 2 Word/PowerPoint/Excel files." in messages

    # The card: the first slide as drawn, not a file-type badge.
    card = thumbnail(ctx, ids[0])
    first = ctx.library.files.page_images(ids[0], 1, 120, drawer=DRAWER).pages[0]
    assert card is not None and (card.width(), card.height()) == (first.width, first.height)
    assert card.height() < card.width()  # a slide, landscape

    page = search(window, qtbot, "zanzibarite")
    index = page.model.index(0, 0)
    page.view.setCurrentIndex(index)
    page.view.activated.emit(index)
    detail = window.last_dialog
    assert detail.piece_id == ids[0] and detail.start_page == 5
    preview = detail.preview
    qtbot.waitUntil(lambda: preview.currentWidget() is preview.pages_area)
    assert preview.page_count == 12 and len(preview.page_labels) == 12
    assert all(label.pixmap().width() == PAGE_WIDTH for label in preview.page_labels)
    bar = preview.pages_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0)
    assert bar.value() == min(preview.page_labels[4].y(), bar.maximum())  # slide 5 at the top
    # The hit's word is marked on slide 5, where it stands, and nowhere else; the mark is in view.
    marks = [marked_rows(label.pixmap().toImage()) for label in preview.page_labels]
    assert [n for n, rows in enumerate(marks, 1) if rows] == [5]
    label = preview.page_labels[4]
    top = label.y() + (label.height() - label.pixmap().height()) // 2 + marks[4][0]
    assert bar.value() <= top < bar.value() + preview.pages_area.viewport().height()

    # The Word file's hit is on page 3 of its rendition, and its preview opens there.
    page = search(window, qtbot, "quokkaword")
    index = page.model.index(0, 0)
    page.view.activated.emit(index)
    detail = window.last_dialog
    assert detail.piece_id == ids[1] and detail.start_page == 3
    preview = detail.preview
    qtbot.waitUntil(lambda: preview.currentWidget() is preview.pages_area)
    assert preview.page_count == 4
    bar = preview.pages_area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0)
    assert bar.value() == min(preview.page_labels[2].y(), bar.maximum())


def test_without_a_renderer_a_deck_shows_its_own_picture_and_its_slides_as_cards(
        make_app_ctx, make_window, qtbot, tmp_path: Path) -> None:
    ctx = make_app_ctx("marketing")
    deck = twelve_slides(tmp_path / "qbr.pptx", "zanzibarite")
    pid = ctx.library.importer.import_paths(ctx.actor, [deck]).value.piece_ids[0]
    window = make_window(ctx)
    assert not window.renditions.running and rendition(ctx, pid) is None  # nothing to draw with here
    card = thumbnail(ctx, pid)
    assert card is not None and card.width() == 120  # the picture saved in the file, not a badge

    page = search(window, qtbot, "zanzibarite")
    page.view.activated.emit(page.model.index(0, 0))
    preview = window.last_dialog.preview
    qtbot.waitUntil(lambda: preview.currentWidget() is preview.text)
    text = preview.text.toPlainText()
    assert "Slide 5 of 12" in text and "Slide 5: what is next" in text
    assert "The zanzibarite programme starts in March" in text
    assert all(f"Slide {n} of 12" in text for n in range(1, 13))
    from PySide6.QtGui import QTextTable

    frames = preview.text.document().rootFrame().childFrames()
    cards = [f for f in frames if isinstance(f, QTextTable)]
    assert len(cards) == 12  # each slide on a card of its own
