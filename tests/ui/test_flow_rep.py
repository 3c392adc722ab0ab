"""Acceptance, as a rep before a call: search → open the security whitepaper → preview →
log "used in call" with feedback → kit with a case study → export → the merged PDF opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pypdf import PdfReader

from ui.dialogs.kit_picker import NEW_KIT
from ui.pages.piece_detail import PieceDetailDialog


def search_and_open(window, qtbot, query, title_part):  # type: ignore[no-untyped-def]
    page = window.library_page
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, query)
    qtbot.waitUntil(lambda: page.text == query and page.shown_seq == page.seq and not page.debounce.isActive())
    row = next(r for r, p in enumerate(page.model.rows) if title_part in p.title)
    assert row < 5, f"{title_part!r} should be near the top for {query!r}"
    index = page.model.index(row, 0)
    page.view.scrollTo(index)
    rect = page.view.visualRect(index)
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.current_piece_id() == page.model.row_at(row).id
    qtbot.keyClick(page.view, Qt.Key.Key_Return)  # Enter opens the selected result
    detail = window.last_dialog
    assert isinstance(detail, PieceDetailDialog)
    qtbot.waitUntil(lambda: detail.view is not None)
    return detail


def test_rep_finds_logs_kits_and_exports(demo_ctx, make_window, qtbot, tmp_path):
    library = demo_ctx.library
    window = make_window(demo_ctx)
    detail = search_and_open(window, qtbot, "security review", "Security, Privacy and Compliance")
    piece_id = detail.piece_id
    before = library.usage.piece_stats(piece_id)

    # The preview shows the PDF's pages, rendered.
    qtbot.waitUntil(lambda: detail.preview.currentWidget() is detail.preview.pages_area)
    assert detail.preview.page_count == detail.view.detail.summary.page_count >= 2
    assert len(detail.preview.page_labels) == detail.preview.page_count
    assert all(not label.pixmap().isNull() for label in detail.preview.page_labels)

    # Log "used in call" with the deal's context and feedback.
    detail.buttons["log"].click()
    log_dialog = detail.sub_dialog
    log_dialog.account.setText("Acme Health")
    log_dialog.deal.stage.setCurrentIndex(log_dialog.deal.stage.findText("Evaluation"))
    log_dialog.deal.gate.setCurrentIndex(1)
    log_dialog.helped_yes.setChecked(True)
    log_dialog.comment.setPlainText("Their CISO loved section 2.")
    log_dialog.accept()
    after = library.usage.piece_stats(piece_id)
    assert after["by_kind"].get("used_in_call", 0) == before["by_kind"].get("used_in_call", 0) + 1
    assert after["helpful_yes"] == before["helpful_yes"] + 1
    call = next(u for u in library.usage.history(piece_id) if u["kind"] == "used_in_call")
    assert call["account"] == "Acme Health"

    # Add it to a new kit.
    detail.buttons["kit"].click()
    picker = detail.sub_dialog
    picker.kit.setCurrentIndex(picker.kit.findData(NEW_KIT))
    picker.name.setText("Acme security review")
    picker.account.setText("Acme Health")
    picker.accept()
    kit = next(k for k in library.kits.list(demo_ctx.actor) if k.name == "Acme security review")
    assert [i.piece.id for i in kit.items] == [piece_id]
    detail.close()

    # A case study goes into the same kit.
    detail = search_and_open(window, qtbot, "case study", "")
    case_id = detail.piece_id
    assert "case" in detail.view.detail.title.lower() or "Case Study" in detail.view.detail.summary.labels("content_type")
    detail.buttons["kit"].click()
    picker = detail.sub_dialog
    picker.kit.setCurrentIndex(picker.kit.findData(kit.id))
    picker.accept()
    detail.close()
    kit = library.kits.get(demo_ctx.actor, kit.id)
    assert [i.piece.id for i in kit.items] == [piece_id, case_id]

    # Export the kit from the Kits page; the merged PDF has a cover and every page.
    kits_page = window.show_page("Kits")
    qtbot.waitUntil(lambda: kits_page.kit_list_model.row_of(kit.id) >= 0)
    kits_page.select_kit(kit.id)
    kits_page._kit_chosen(kits_page.kit_list.currentIndex())
    kits_page.export(False, tmp_path / "exports")
    result = kits_page.last_export
    merged = PdfReader(str(result.merged_pdf))
    pages = [library.pieces.summaries([pid])[0].page_count or 0 for pid in (piece_id, case_id)
             if library.pieces.summaries([pid])[0].file_type == "pdf"]
    assert len(merged.pages) >= 1 + sum(pages)
    assert "Acme security review" in merged.pages[0].extract_text()
