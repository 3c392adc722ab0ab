"""Kits page: create, rename, add, reorder, annotate, remove, warnings and export."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent

from tests.ui.pages_support import actor, add_link, add_pdf, click, gates
from ui.dialogs import files
from ui.models.kit_items_model import NOTE, WARNINGS
from ui.pages.kits_page import KitsPage

pytestmark = pytest.mark.ui




def _kit_titles(app, kit_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.piece.title for i in app.library.kits.get(app.actor, kit_id).items]


@pytest.fixture
def app(make_app_ctx):  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    g = gates(app.library)
    for n, title in enumerate(("Security whitepaper", "Harbor case study", "Security FAQ")):
        add_link(app.library, title, gates=(g[n].id,))
    return app


def test_create_rename_add_reorder_annotate_remove(qtbot, open_page, app, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    page = open_page(KitsPage, app)
    assert page.right.currentIndex() == 0  # the empty state
    click(qtbot, page.new_button)
    qtbot.keyClicks(page.prompt.editor, "Harbor - security call")
    click(qtbot, page.prompt.ok_button)
    [kit] = app.library.kits.list(app.actor)
    assert kit.name == "Harbor - security call"
    assert page.kit is not None and page.kit.id == kit.id

    page.name_edit.clear()
    page.name_edit.insert("Harbor Mutual — security review")  # keyClicks types ASCII only
    qtbot.keyClicks(page.account_edit, "Harbor Mutual")
    page.notes_edit.setPlainText("Thursday, CISO attends")
    click(qtbot, page.save_button)
    stored = app.library.kits.get(app.actor, kit.id)
    assert (stored.name, stored.account, stored.notes) == ("Harbor Mutual — security review", "Harbor Mutual",
                                                          "Thursday, CISO attends")

    click(qtbot, page.add_button)
    picker = page.picker
    picker.search_edit.setText("security")
    picker.run_search()
    assert {p.title for p in picker.results.table_model.rows} >= {"Security whitepaper", "Security FAQ"}
    picker.results.selectAll()
    click(qtbot, picker.ok_button)
    picker = page.picker
    click(qtbot, page.add_button)
    page.picker.search_edit.setText("Harbor")
    page.picker.run_search()
    page.picker.results.selectRow(0)
    click(qtbot, page.picker.ok_button)
    titles = _kit_titles(app, kit.id)
    assert sorted(titles) == ["Harbor case study", "Security FAQ", "Security whitepaper"]
    qtmodeltester.check(page.items_model)
    qtmodeltester.check(page.kit_list_model)

    page.items.selectRow(0)
    click(qtbot, page.down_button)
    assert _kit_titles(app, kit.id) == [titles[1], titles[0], titles[2]]
    assert page.selected_item().piece.title == titles[0]  # the selection follows the moved row

    click(qtbot, page.note_button)
    page.prompt.set_text("Answers the CISO's storage question")
    click(qtbot, page.prompt.ok_button)
    item = next(i for i in app.library.kits.get(app.actor, kit.id).items if i.piece.title == titles[0])
    assert item.note == "Answers the CISO's storage question"
    # Inline editing of the note column goes through the same service.
    page.items_model.setData(page.items_model.index(0, NOTE), "Lead with this")
    assert app.library.kits.get(app.actor, kit.id).items[0].note == "Lead with this"

    page.items.selectRow(2)
    click(qtbot, page.remove_button)
    assert _kit_titles(app, kit.id) == [titles[1], titles[0]]


def test_dragging_a_row_reorders_the_kit(qtbot, open_page, app) -> None:  # type: ignore[no-untyped-def]
    library = app.library
    kid = library.kits.create(app.actor, "Drag test").value
    for p in library.pieces.list():
        library.kits.add(app.actor, kid, p.id)
    before = _kit_titles(app, kid)
    page = open_page(KitsPage, app)
    view = page.items
    view.selectRow(0)
    view.setCurrentIndex(page.items_model.index(0, 1))
    target = view.visualRect(page.items_model.index(2, 1))
    mime = page.items_model.mimeData([page.items_model.index(0, 1)])
    event = QDropEvent(QPointF(target.center().x(), target.bottom() - 2), Qt.DropAction.MoveAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    _drop_from_view(view, event)
    assert _kit_titles(app, kid) == [before[1], before[2], before[0]]
    assert page.items_model.rowCount() == 3  # the view did not delete the dragged row


def _drop_from_view(view, event) -> None:  # type: ignore[no-untyped-def]
    # A QDropEvent made in Python has no source; stand in the view itself as the drag source.
    event.source = lambda: view  # type: ignore[method-assign]
    type(view).dropEvent(view, event)


def test_warnings_show_and_use_latest_version_clears_them(qtbot, open_page, make_app_ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    library = app.library
    marketing = actor(library, "marketing")
    pid = add_pdf(library, tmp_path, "Pricing one pager", "Price list")
    old = add_link(library, "Old ROI sheet", review_by=library.ctx.today() - timedelta(days=2))
    kid = library.kits.create(app.actor, "Pricing call").value
    library.kits.add(app.actor, kid, pid)
    library.kits.add(app.actor, kid, old)
    from tests.filemaker_docs import make_pdf

    library.importer.new_version(marketing, pid, make_pdf(tmp_path / "v2.pdf", ["Pricing one pager v2\nNew prices"]))
    page = open_page(KitsPage, app)
    assert page.warnings.isVisible()
    assert "new version" in page.warnings.label.text() and "past its review date" in page.warnings.label.text()
    assert page.items_model.index(1, WARNINGS).data().startswith("Is past its review date")
    page.items.selectRow(0)
    click(qtbot, page.latest_button)
    assert not any("new version" in w for w in library.kits.get(app.actor, kid).warnings)
    assert "new version" not in page.warnings.label.text()


def test_export_folder_and_zip_with_result_message(qtbot, open_page, make_app_ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    library = app.library
    a = add_pdf(library, tmp_path, "Security whitepaper", "Encryption at rest")
    b = add_link(library, "Trust portal")
    kid = library.kits.create(app.actor, "Security call", account="Harbor").value
    library.kits.add(app.actor, kid, a, note="Start here")
    library.kits.add(app.actor, kid, b)
    out = tmp_path / "out"
    monkeypatch.setattr(files, "ask_folder", lambda parent, title: out)
    opened: list[Path] = []
    monkeypatch.setattr(files, "open_in_default_app", lambda path: opened.append(path) or True)
    page = open_page(KitsPage, app)
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(page, "_export_progress", lambda d, t, text: seen.append((d, t)))
    click(qtbot, page.export_folder_button)
    export = page.last_export
    assert export is not None and export.folder.is_dir() and export.merged_pdf.is_file()
    assert [f.name for f in export.files] == ["01 Security whitepaper.pdf"]
    assert page.result.isVisible() and "Exported 1 file" in page.result.label.text()
    assert "Trust portal" in page.result.label.text()  # the link is named as skipped
    assert seen and seen[-1][0] == seen[-1][1]
    assert not page.progress.isVisible() and page.export_folder_button.isEnabled()
    click(qtbot, page.result.action)
    assert opened == [export.folder]
    # The export is logged as use of each piece.
    assert library.usage.piece_stats(a)["by_kind"].get("kit_exported") == 1

    click(qtbot, page.export_zip_button)
    assert page.last_export.zip_path is not None and page.last_export.zip_path.is_file()


def test_delete_kit_after_confirmation(qtbot, open_page, app) -> None:  # type: ignore[no-untyped-def]
    kid = app.library.kits.create(app.actor, "Throwaway").value
    page = open_page(KitsPage, app)
    page.select_kit(kid)
    click(qtbot, page.delete_button)
    click(qtbot, page.prompt.ok_button)
    assert app.library.kits.list(app.actor) == []
    assert page.right.currentIndex() == 0
