"""Drag out and copy: a piece (or a kit as one zip) leaves the library as a real file with a
safe name, by dragging it from the results or by "Copy file", and every time a use is logged.

No other application runs in these tests, so the drop target is played by the drag's ``exec``:
it reads the dragged URLs the way a mail client or file manager would, and answers that it
copied them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDrag, QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QApplication

from enablement.models.vocab import UsageKind
from tests.ui.pages_support import actor, add_link, add_pdf, click
from ui.drag_out import file_mime
from ui.pages.kits_page import KitsPage
from ui.pages.library_page import LibraryPage

pytestmark = pytest.mark.ui


class DropTarget:
    """Stands in for the application the file is dropped on: it reads each dragged file."""

    def __init__(self, answer: Qt.DropAction = Qt.DropAction.CopyAction) -> None:
        self.answer = answer
        self.received: list[tuple[str, bytes]] = []
        self.drags = 0

    def exec(self, drag: QDrag, *_actions) -> Qt.DropAction:  # type: ignore[no-untyped-def]
        self.drags += 1
        for url in drag.mimeData().urls():
            assert url.isLocalFile()
            path = Path(url.toLocalFile())
            self.received.append((path.name, path.read_bytes()))
        return self.answer


@pytest.fixture
def drop_target(monkeypatch):  # type: ignore[no-untyped-def]
    target = DropTarget()
    monkeypatch.setattr(QDrag, "exec", lambda drag, *actions: target.exec(drag, *actions))
    return target


def _uses(app, piece_id: int, kind: str) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for u in app.library.usage.history(piece_id) if u["kind"] == kind)


def _library_page(open_page, app, qtbot):  # type: ignore[no-untyped-def]
    page = open_page(LibraryPage, app)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    return page


def _row_of(page, piece_id: int):  # type: ignore[no-untyped-def]
    row = page.model.row_of(piece_id)
    assert row >= 0
    return page.model.index(row, 0)


def _drag_with_the_mouse(qtbot, view, index) -> None:  # type: ignore[no-untyped-def]
    """Press on the row and move past the drag distance with the button held, as a user does."""
    start = view.visualRect(index).center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    end = start
    for _step in range(3):  # the first move starts dragging, a later one past the distance starts the drag
        end = end + QPoint(QApplication.startDragDistance(), 2)
        move = QMouseEvent(QMouseEvent.Type.MouseMove, end, view.viewport().mapToGlobal(end),
                           Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(view.viewport(), move)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)


def test_dragging_a_piece_out_hands_over_its_file_and_logs_a_use(make_app_ctx, open_page, qtbot, tmp_path,
                                                                  drop_target) -> None:
    app = make_app_ctx("rep")
    pid = add_pdf(app.library, tmp_path, "Harbor security review", "encryption at rest")
    app.library.pieces.update(actor(app.library, "marketing"), pid, title="Harbor: security/review?")
    page = _library_page(open_page, app, qtbot)
    index = _row_of(page, pid)
    page.view.setCurrentIndex(index)  # selecting the row makes its copy ready on a worker
    assert page.handouts.ready(("piece", pid)) is not None

    _drag_with_the_mouse(qtbot, page.view, index)

    assert drop_target.drags == 1
    [(name, data)] = drop_target.received
    blob, _original, _type = app.library.pieces.version_file(pid)
    assert data == Path(blob).read_bytes()
    assert name == "Harbor_ security_review_.pdf"  # no separators or reserved characters, its real extension
    assert _uses(app, pid, UsageKind.EXPORTED) == 1


def test_a_drag_before_the_file_is_ready_says_so_and_does_not_wait(make_app_ctx, open_page, qtbot, tmp_path,
                                                                   drop_target) -> None:
    app = make_app_ctx("rep")
    pid = add_pdf(app.library, tmp_path, "Pricing sheet", "list prices")
    page = _library_page(open_page, app, qtbot)
    page.view.setCurrentIndex(_row_of(page, pid))
    page.handouts.forget()  # as if the copy were still being made
    messages: list[str] = []
    app.signals.status_message.connect(messages.append)

    assert page.handouts.drag(page.view, page._handout(page.view.currentIndex())) == Qt.DropAction.IgnoreAction
    assert drop_target.drags == 0 and "Getting “Pricing sheet” ready to drag out" in messages[-1]
    assert _uses(app, pid, UsageKind.EXPORTED) == 0

    page.view.drag_requested.emit()  # the next drag takes the copy made meanwhile
    assert drop_target.drags == 1 and _uses(app, pid, UsageKind.EXPORTED) == 1


def test_a_drop_nobody_took_logs_no_use(make_app_ctx, open_page, qtbot, tmp_path, drop_target) -> None:
    drop_target.answer = Qt.DropAction.IgnoreAction
    app = make_app_ctx("rep")
    pid = add_pdf(app.library, tmp_path, "Pricing sheet", "list prices")
    page = _library_page(open_page, app, qtbot)
    page.view.setCurrentIndex(_row_of(page, pid))
    page.view.drag_requested.emit()
    assert drop_target.drags == 1 and _uses(app, pid, UsageKind.EXPORTED) == 0


def test_a_link_cannot_be_dragged_out_and_says_why(make_app_ctx, open_page, qtbot, drop_target) -> None:
    app = make_app_ctx("rep")
    from tests.ui.pages_support import gates

    pid = add_link(app.library, "Trust center", gates=(gates(app.library)[0].id,))
    page = _library_page(open_page, app, qtbot)
    page.view.setCurrentIndex(_row_of(page, pid))
    messages: list[str] = []
    app.signals.status_message.connect(messages.append)
    page.view.drag_requested.emit()
    assert drop_target.drags == 0
    assert "“Trust center” cannot be dragged out" in messages[-1] and "link" in messages[-1]


def test_copy_file_puts_the_file_on_the_clipboard_and_logs_a_use(make_app_ctx, open_page, qtbot, tmp_path) -> None:
    app = make_app_ctx("rep")
    pid = add_pdf(app.library, tmp_path, "Security FAQ", "single sign-on")
    page = _library_page(open_page, app, qtbot)
    page.view.setCurrentIndex(_row_of(page, pid))
    page.activateWindow()
    page.view.setFocus()
    qtbot.waitUntil(page.view.hasFocus)
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(page.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)  # Ctrl+C: "Copy file"

    mime = QGuiApplication.clipboard().mimeData()
    [url] = mime.urls()
    blob, _original, _type = app.library.pieces.version_file(pid)
    assert Path(url.toLocalFile()).read_bytes() == Path(blob).read_bytes()
    assert Path(url.toLocalFile()).name == "Security FAQ.pdf"
    assert bytes(mime.data("x-special/gnome-copied-files").data()).decode() == "copy\n" + url.toString(
        QUrl.ComponentFormattingOption.FullyEncoded)
    assert _uses(app, pid, UsageKind.EXPORTED) == 1


def test_the_context_menu_offers_copy_file(make_app_ctx, open_page, qtbot, tmp_path) -> None:
    app = make_app_ctx("rep")
    pid = add_pdf(app.library, tmp_path, "Security FAQ", "single sign-on")
    page = _library_page(open_page, app, qtbot)
    index = _row_of(page, pid)
    actions = {a.text(): a for a in page.results_menu(page.view, index).actions()}
    assert set(actions) >= {"Open", "Copy file"}
    actions["Copy file"].trigger()
    assert QGuiApplication.clipboard().mimeData().urls()
    assert _uses(app, pid, UsageKind.EXPORTED) == 1


def test_a_kit_drags_out_and_copies_as_one_zip(make_app_ctx, open_page, qtbot, tmp_path, drop_target) -> None:
    app = make_app_ctx("rep")
    first = add_pdf(app.library, tmp_path, "Security whitepaper", "encryption")
    second = add_pdf(app.library, tmp_path, "Harbor case study", "claims")
    kit = app.library.kits.create(app.actor, "Harbor / security call", "Harbor Mutual",
                                  piece_ids=[first, second]).value
    page = open_page(KitsPage, app)
    qtbot.waitUntil(lambda: page.kit is not None)
    index = page.kit_list_model.index(page.kit_list_model.row_of(kit), 0)
    _drag_with_the_mouse(qtbot, page.kit_list, index)  # the press makes the zip ready

    [(name, data)] = drop_target.received
    assert name == "Harbor _ security call.zip"
    zipped = tmp_path / "dropped.zip"
    zipped.write_bytes(data)
    with zipfile.ZipFile(zipped) as zf:
        names = zf.namelist()
    assert any(n.endswith("01 Security whitepaper.pdf") for n in names)
    assert any(n.endswith("merged.pdf") for n in names)
    assert _uses(app, first, UsageKind.KIT_EXPORTED) == _uses(app, second, UsageKind.KIT_EXPORTED) == 1

    click(qtbot, page.copy_zip_button)
    [url] = QGuiApplication.clipboard().mimeData().urls()
    assert url.toLocalFile().endswith(".zip") and Path(url.toLocalFile()).is_file()
    assert _uses(app, first, UsageKind.KIT_EXPORTED) == 2


def test_file_mime_names_real_files(tmp_path) -> None:
    path = tmp_path / "Q3 pricing – EMEA.pdf"
    path.write_bytes(b"%PDF-1.4")
    mime = file_mime([path])
    assert [Path(u.toLocalFile()) for u in mime.urls()] == [path]


def test_export_copies_have_safe_names_inside_the_library(make_app_ctx, tmp_path) -> None:
    app = make_app_ctx("rep")
    pid = add_pdf(app.library, tmp_path, "plain", "text")
    hostile = "../../CON\u202e.pdf.exe"
    path = app.library.files.export_copy(pid, hostile)
    out = app.library.ctx.paths.tmp / "out"
    assert path.resolve().parent.parent == out.resolve()
    assert "/" not in path.name and "\u202e" not in path.name and path.suffix == ".pdf"
    assert actor(app.library, "rep").role == "rep"


def test_a_drag_out_removes_only_its_own_copies_a_day_old(make_app_ctx, tmp_path) -> None:
    """Handed-out copies stay a day (the receiving app may read them late); a new drag-out then
    removes its own older ones, never a file opened in the office app nor anything else there."""
    import os
    import time

    app = make_app_ctx("rep")
    files = app.library.files
    pid = add_pdf(app.library, tmp_path, "plain", "text")
    two_days_ago = time.time() - 2 * 24 * 3600
    opened = files.open_copy(pid, "Opened in the office app")
    old_out = files.export_copy(pid, "Dragged two days ago")
    foreign = app.library.ctx.paths.tmp / "out" / "Not ours"
    foreign.mkdir()
    for folder in (opened.parent, old_out.parent, foreign):
        os.utime(folder, (two_days_ago, two_days_ago))
    fresh = files.export_copy(pid, "Dragged now")
    assert fresh.is_file() and not old_out.exists()
    assert opened.is_file() and foreign.is_dir()
