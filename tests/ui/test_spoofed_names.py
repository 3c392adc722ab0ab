"""Issue 14 item 5 in the app: a title or file name made to deceive (a right-to-left override,
control characters, HTML) shows inert wherever it is drawn — kit items and kits, requests,
the import dialog and the piece's preview header (heading and details)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.conftest import make_ready
from tests.filemaker_docs import make_pdf
from tests.ui.pages_support import actor
from ui import flows
from ui.models.import_outcome_model import COL_FILE
from ui.models.kit_items_model import TITLE as KIT_TITLE
from ui.models.requests_table_model import TITLE as REQUEST_TITLE
from ui.pages.kits_page import KitsPage
from ui.pages.requests_page import RequestsPage

pytestmark = pytest.mark.ui

RLO = "\u202e"
# Reads "…pdf.png"-like when drawn raw; carries markup and a terminal escape besides.
SPOOF_FILE = f"<img src=x><b>invoice<b>-{RLO}fdp.exe"  # no "/": a file name cannot hold one
SPOOF_TITLE = f"<a href='http://evil.example'>Pricing</a>\x1b[31m {RLO}gnp.pdf\nsecond line"


def inert(text: str) -> bool:
    """Escaped for display: no raw override, escape or newline left, the escapes visible."""
    return RLO not in text and "\x1b" not in text and "\n" not in text and "\\u202e" in text


def _spoofed_piece(app, tmp_path: Path) -> int:  # type: ignore[no-untyped-def]
    marketing = actor(app.library, "marketing")
    path = make_pdf(tmp_path / f"{SPOOF_FILE}.pdf", ["Pricing sheet"])
    pid = app.library.importer.import_paths(marketing, [path]).value.piece_ids[0]
    app.library.pieces.update(marketing, pid, title=SPOOF_TITLE)
    app.library.pieces.publish(marketing, make_ready(app.library, marketing, pid))
    return pid


def test_kit_items_and_kit_names_are_drawn_inert(qtbot, open_page, make_app_ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    pid = _spoofed_piece(app, tmp_path)
    kit_id = app.library.kits.create(app.actor, f"Acme {RLO}llac\x07").value
    app.library.kits.add(app.actor, kit_id, pid, note=f"say {RLO}this")
    page = open_page(KitsPage, app)
    qtbot.waitUntil(lambda: page.kit is not None and page.kit.id == kit_id)
    title = page.items_model.index(0, KIT_TITLE).data()
    assert inert(title) and "<a href" in title  # shown as the characters it is made of
    name = page.kit_list_model.index(0, 0).data().split("\n")[0]
    assert RLO not in name and "\\u202e" in name and "\\x07" in name
    tip = page.items_model.index(0, KIT_TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip is None or "<a href" not in tip


def test_requests_list_and_detail_are_drawn_inert(qtbot, open_page, make_app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    request_id = app.library.requests.create(app.actor, SPOOF_TITLE, f"Need <b>this</b> {RLO}now\nfor Friday",
                                             account=f"Acme{RLO}").value
    page = open_page(RequestsPage, app)
    assert page.select_request(request_id)
    assert inert(page.model.index(0, REQUEST_TITLE).data())
    assert page.detail_title.textFormat() == Qt.TextFormat.PlainText and inert(page.detail_title.text())
    need = page.need_label.text()
    assert page.need_label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>this</b>" in need and RLO not in need and "\n" in need  # its own line break kept
    assert RLO not in page.detail_fields["account"].text()
    tip = page.model.index(0, REQUEST_TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert "<b>this</b>" not in tip and "&lt;b&gt;this&lt;/b&gt;" in tip


def test_import_dialog_shows_spoofed_file_names_inert(qtbot, make_app_ctx, make_window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("marketing")
    path = make_pdf(tmp_path / f"{SPOOF_FILE}.pdf", ["Quote"])
    window = make_window(app)
    dialog = flows.import_paths(window, app, [path])
    qtbot.waitUntil(lambda: dialog.outcomes.rowCount() == 1)
    shown_name = dialog.outcomes.index(0, COL_FILE).data()
    assert RLO not in shown_name and "\\u202e" in shown_name and "<img src=x>" in shown_name
    for label in (dialog.progress_label, dialog.summary_label, dialog.lookalike_label, dialog.selected_label):
        assert label.textFormat() == Qt.TextFormat.PlainText
    tip = dialog.outcomes.index(0, COL_FILE).data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tip and "&lt;img src=x&gt;" in tip and RLO not in tip
    dialog.show_tagging()
    dialog.tag_view.selectRow(0)
    assert RLO not in dialog.selected_label.text()
    dialog.close()


def test_preview_header_shows_title_and_file_name_inert(qtbot, make_app_ctx, make_window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    pid = _spoofed_piece(app, tmp_path)
    window = make_window(app)
    detail = flows.open_piece(window, app, pid)
    qtbot.waitUntil(lambda: detail.view is not None)
    assert detail.heading.textFormat() == Qt.TextFormat.PlainText and inert(detail.heading.text())
    assert RLO not in detail.windowTitle()
    info = detail.info.text()  # rich text: the file name is in it, escaped as HTML
    assert "&lt;img src=x&gt;&lt;b&gt;invoice&lt;b&gt;" in info and "<img" not in info and RLO not in info
