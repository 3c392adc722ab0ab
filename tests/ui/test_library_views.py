"""Views of the library's results: a list, a grid of cards, and a table whose columns sort (in
the search, not the loaded rows), resize, move and hide; the choice is remembered."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.pages_support import actor, add_link, click, gates
from tests.conftest import make_ready
from ui.models.piece_table_model import COL_GATES, COL_HELPFUL, COL_OWNER, COL_TITLE, COL_USES
from ui.pages.library_page import PAGE_SIZE, LibraryPage

pytestmark = pytest.mark.ui


def settled(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.shown_seq == page.seq and not page.debounce.isActive())


def titles(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.title for p in page.model.rows]


@pytest.fixture
def many(make_app_ctx):  # type: ignore[no-untyped-def]
    """A library with more pieces than one page of results, titled so that their order by
    title is the reverse of their order by age."""
    app = make_app_ctx("rep")
    mk = actor(app.library, "marketing")
    gate = gates(app.library)[0]
    count = PAGE_SIZE * 4  # more than a table on the screen shows
    for n in range(count):
        pid = app.library.importer.add_link(mk, f"https://example.com/{n}", f"Piece {count - n:03d}").value
        app.library.pieces.publish(mk, make_ready(app.library, mk, pid))
    add_link(app.library, "aardvark overview", gates=(gate.id,))
    return app


def test_list_grid_and_table_show_the_same_results_and_keep_the_selection(many, open_page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = open_page(LibraryPage, many)
    settled(page, qtbot)
    page.view.setCurrentIndex(page.model.index(3, 0))
    for key, view in (("grid", page.grid), ("table", page.table), ("list", page.view)):
        click(qtbot, page.findChild(type(page.view_buttons.buttons()[0]), f"view-{key}"))
        assert page.view_mode == key and page.stack.currentWidget() is view
        assert view.currentIndex().row() == 3
        assert not view.grab().isNull()
    assert page.grid.viewMode() == page.grid.ViewMode.IconMode


def test_a_column_click_sorts_in_the_search_not_the_loaded_rows(many, open_page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = open_page(LibraryPage, many)
    page.set_view("table")
    settled(page, qtbot)
    assert page.model.rowCount() < page.outcome.results.total  # only a page is loaded
    header = page.table.horizontalHeader()
    header.sectionClicked.emit(COL_TITLE)
    settled(page, qtbot)
    assert page.sort == "title" and page.sort_box.currentData() == "title"
    everything = sorted((p.title for p in many.library.pieces.list()), key=str.casefold)
    assert titles(page) == everything[:page.model.rowCount()]  # the top of all pieces, not of the first page
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COL_TITLE, Qt.SortOrder.AscendingOrder)

    header.sectionClicked.emit(COL_TITLE)  # again: the other way
    settled(page, qtbot)
    assert page.sort == "title_desc" and titles(page)[0] == everything[-1]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    header.sectionClicked.emit(COL_USES)  # uses: the most used first
    settled(page, qtbot)
    assert page.sort == "most_used" and header.sortIndicatorSection() == COL_USES

    page.sort_box.setCurrentIndex(page.sort_box.findData("relevance"))  # best match: no column
    settled(page, qtbot)
    assert header.sortIndicatorSection() == -1


def test_the_table_model_passes_the_model_tester(many, open_page, qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    page = open_page(LibraryPage, many)
    page.set_view("table")
    settled(page, qtbot)
    qtmodeltester.check(page.model)
    assert page.model.headerData(COL_HELPFUL, Qt.Orientation.Horizontal) == "Helpful"
    assert page.model.index(0, COL_HELPFUL).data() == "—"  # nobody answered "did it help?" yet


def test_columns_hide_show_and_the_choice_is_remembered(many, make_window, qtbot, window_state) -> None:  # type: ignore[no-untyped-def]
    window = make_window(many)
    page = window.library_page
    settled(page, qtbot)
    page.set_view("table")
    assert page.table.isColumnHidden(COL_GATES)  # long questions: shown on request
    menu = {a.text(): a for a in page.columns_menu().actions()}
    assert "Title" not in menu  # the title always shows
    menu["Gates"].trigger()
    menu["Owner"].trigger()
    assert not page.table.isColumnHidden(COL_GATES) and page.table.isColumnHidden(COL_OWNER)
    page.table.setColumnWidth(COL_TITLE, 333)
    page.table.horizontalHeader().sectionClicked.emit(COL_TITLE)
    settled(page, qtbot)
    window.close()  # saves the window's state

    again = make_window(many)
    page = again.library_page
    settled(page, qtbot)
    assert page.view_mode == "table" and page.stack.currentWidget() is page.table
    assert page.sort == "title" and titles(page)[0] == "aardvark overview"
    assert not page.table.isColumnHidden(COL_GATES) and page.table.isColumnHidden(COL_OWNER)
    assert page.table.columnWidth(COL_TITLE) == 333
    assert page.table.horizontalHeader().sortIndicatorSection() == COL_TITLE


@pytest.mark.parametrize("mode", ["grid", "table"])
def test_the_grid_and_table_load_more_as_the_user_scrolls(mode, many, open_page, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = open_page(LibraryPage, many)
    page.set_view(mode)
    settled(page, qtbot)
    total = page.outcome.results.total
    assert page.model.rowCount() < total
    bar = page.current_view().verticalScrollBar()
    for _page in range(total // PAGE_SIZE + 1):  # a page per scroll to the end
        qtbot.wait(50)  # the view lays the new rows out
        bar.setValue(bar.maximum())
    assert page.model.rowCount() == total
