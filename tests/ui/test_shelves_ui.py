"""The shelves in the library's sidebar: save a search, run it again (query, filters and sort
come back), star pieces, the Recent shelf, and marketing's recommended searches on the journey
map (a rep runs them, never changes them)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from enablement.models.dto import UseRecord
from tests.ui.pages_support import actor, app_context, click
from ui.models.journey_grid_model import CellRole
from ui.models.piece_table_model import COL_TITLE, FavouriteRole, SnippetRole
from ui.models.shelf_list_model import FAVOURITES, RECENT, RECOMMENDED, SAVED, EntryKindRole, ShelfListModel, shelf_entries
from ui.dialogs.text_prompt import TextPromptDialog
from ui.pages.journey_map_page import JourneyMapPage

pytestmark = pytest.mark.ui


def settle(page, qtbot):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.shown_seq == page.seq and not page.debounce.isActive())


def search(window, qtbot, text):  # type: ignore[no-untyped-def]
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, text)
    qtbot.waitUntil(lambda: window.library_page.text == text)
    settle(window.library_page, qtbot)
    return window.library_page


def shelf_row(page, kind, name=None) -> int:  # type: ignore[no-untyped-def]
    rows = page.shelves.panel.model.rows
    return next(n for n, e in enumerate(rows) if e.kind == kind and (name is None or e.label == name))


def click_row(page, qtbot, row):  # type: ignore[no-untyped-def]
    view = page.shelves.panel.view
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_shelf_model_passes_the_model_tester(demo_ctx, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    library, rep = demo_ctx.library, demo_ctx.actor
    library.shelves.save(rep, "Security", "security", {"stage": ["evaluation"]})
    library.shelves.save(actor(library, "marketing"), "Proof", "case study", recommended=True)
    model = ShelfListModel()
    model.set_rows(shelf_entries(library.shelves.searches(rep), 2, 5, {}))
    qtmodeltester.check(model)
    kinds = [model.index(n, 0).data(EntryKindRole) for n in range(model.rowCount())]
    assert kinds == [FAVOURITES, RECENT, "heading", SAVED, "heading", RECOMMENDED]
    assert not model.flags(model.index(2, 0)) & Qt.ItemFlag.ItemIsSelectable  # a heading is never chosen


def test_save_the_current_search_then_run_it_back(demo_ctx, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window = make_window(demo_ctx)
    page = search(window, qtbot, "security")
    page.facets.buttons[("stage", "evaluation")].click()
    settle(page, qtbot)
    page.set_sort("newest")
    settle(page, qtbot)
    found, total = [p.id for p in page.model.rows], page.outcome.results.total
    click(qtbot, page.shelves.panel.save_button)
    dialog = page.shelves.dialog
    assert dialog is not None and dialog.isVisible()
    assert "“security”" in dialog.what.text() and "stage: evaluation" in dialog.what.text()
    assert not dialog.recommend.isVisible()  # a rep saves for themselves only
    qtbot.keyClicks(dialog.name, "Security at evaluation")
    dialog.accept()
    saved = demo_ctx.library.shelves.searches(demo_ctx.actor)
    assert [(s.name, s.query, s.filter_map(), s.sort) for s in saved] == [
        ("Security at evaluation", "security", {"stage": frozenset({"evaluation"})}, "newest")]
    row = shelf_row(page, SAVED, "Security at evaluation")
    assert page.shelves.panel.model.rows[row].count == total  # the live count beside its name

    # elsewhere: another query, no filter, another sort
    page.facets.clear()
    page = search(window, qtbot, "pricing")
    page.set_sort("title")
    settle(page, qtbot)
    click_row(page, qtbot, shelf_row(page, SAVED, "Security at evaluation"))
    settle(page, qtbot)
    assert window.search_box.text() == "security" and page.text == "security"
    assert page.facets.filters() == {"stage": frozenset({"evaluation"})}
    assert page.sort_box.currentData() == "newest" and page.sort == "newest"
    assert [p.id for p in page.model.rows] == found

    # F2 renames one's own search, from the keyboard; Ctrl+S saves the search shown now
    view = page.shelves.panel.view
    window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    prompt = next(w for w in window.findChildren(TextPromptDialog) if w.isVisible())
    prompt.set_text("Security, evaluation stage")
    prompt.accept()
    assert [s.name for s in demo_ctx.library.shelves.searches(demo_ctx.actor)] == ["Security, evaluation stage"]
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.shelves.dialog.isVisible() and page.shelves.dialog.ok_button.text() == "Save"
    qtbot.keyClicks(page.shelves.dialog.name, "security, evaluation STAGE")
    assert page.shelves.dialog.ok_button.text() == "Replace"
    page.shelves.dialog.reject()


def test_star_a_result_with_the_keyboard_and_see_it_on_the_favourites_shelf(demo_ctx, make_window,  # type: ignore[no-untyped-def]
                                                                             qtbot) -> None:
    window = make_window(demo_ctx)
    page = search(window, qtbot, "")
    page.view.setCurrentIndex(page.model.index(0, 0))
    window.activateWindow()
    page.view.setFocus()
    qtbot.waitUntil(page.view.hasFocus)
    first = page.model.rows[0]
    qtbot.keyClick(page.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert demo_ctx.library.shelves.favourite_ids(demo_ctx.actor) == {first.id}
    index = page.model.index(page.model.row_of(first.id), COL_TITLE)
    assert index.data(FavouriteRole) and index.data().startswith("★ ")
    menu = page.results_menu(page.view, page.model.index(page.model.row_of(first.id), 0))
    assert "Remove from favourites" in [a.text() for a in menu.actions()]

    # marketing archives it: the shelf keeps it and says so
    library = demo_ctx.library
    library.pieces.archive(actor(library, "marketing"), first.id)
    click_row(page, qtbot, shelf_row(page, FAVOURITES))
    assert [p.id for p in page.model.rows] == [first.id]
    assert page.summary.text() == "Favourites: 1 piece (1 archived)"
    assert window.search_box.text() == "" and not page.facets.isEnabled()  # a shelf is not a search
    assert "Archived" in page.model.index(0, 0).data(SnippetRole)

    # typing leaves the shelf; unstarring from the shelf's own menu empties it
    page = search(window, qtbot, "security")
    assert page.shelves.shelf is None and page.facets.isEnabled()
    page.shelves.toggle_favourite(first.id)
    click_row(page, qtbot, shelf_row(page, FAVOURITES))
    assert page.model.rowCount() == 0 and page.stack.currentWidget() is page.empty
    assert "No favourites yet" in page.empty_title.text()


def test_the_recent_shelf_lists_what_the_rep_opened_newest_first(demo_ctx, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    library, rep = demo_ctx.library, demo_ctx.actor
    window = make_window(demo_ctx)
    page = search(window, qtbot, "")
    a, b = page.model.rows[0].id, page.model.rows[1].id
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(minutes=1)  # after the demo's uses
    library.usage.record(rep, UseRecord(kind="viewed", piece_id=a, occurred_at=now))
    done = library.usage.record(rep, UseRecord(kind="opened", piece_id=b, occurred_at=now + timedelta(seconds=5)))
    page.app.signals.changed.emit(done.changes)
    click_row(page, qtbot, shelf_row(page, RECENT))
    assert [p.id for p in page.model.rows][:2] == [b, a]
    assert page.summary.text().startswith("Recently opened:")
    assert page.model.index(0, 0).data(SnippetRole).startswith("You opened it")


def test_a_recommended_search_for_a_cell_shows_to_a_rep_who_runs_it_but_cannot_change_it(  # type: ignore[no-untyped-def]
        demo_ctx, make_window, qtbot) -> None:
    library = demo_ctx.library
    stage = next(s for s in library.ctx.taxonomy().stages if s.key == "evaluation")
    gate = stage.gates[0]
    search_id = library.shelves.save(actor(library, "marketing"), "Proof for security reviews", "security",
                                     {"content_type": ["case-study"]}, "most_used", recommended=True,
                                     gate_id=gate.id).value
    window = make_window(demo_ctx)
    page = window.library_page
    settle(page, qtbot)
    row = shelf_row(page, RECOMMENDED, "Proof for security reviews")
    index = page.shelves.panel.model.index(row, 0)
    assert f"Recommended by {actor(library, 'marketing').name} for Evaluation" in index.data(Qt.ItemDataRole.ToolTipRole)
    menu = page.shelves.panel.menu_for(index)
    assert [a.text() for a in menu.actions()] == ["Run this search"]  # no rename, delete or recommend
    page.shelves.panel.view.setCurrentIndex(index)
    window.activateWindow()
    page.shelves.panel.view.setFocus()
    qtbot.waitUntil(page.shelves.panel.view.hasFocus)
    qtbot.keyClick(page.shelves.panel.view, Qt.Key.Key_Delete)
    qtbot.keyClick(page.shelves.panel.view, Qt.Key.Key_F2)
    assert library.shelves.get(demo_ctx.actor, search_id).name == "Proof for security reviews"
    assert not [w for w in window.findChildren(QDialog) if w.isVisible()]

    journey = window.show_page("Journey map")
    assert isinstance(journey, JourneyMapPage)
    qtbot.waitUntil(lambda: journey.journey is not None)
    cell = journey.grid.grid_model.index_of(stage.id, gate.id).data(CellRole)
    journey.show_cell(cell)
    button = journey.recommended_box.findChild(type(page.shelves.panel.save_button), f"recommended:{search_id}")
    assert button is not None and journey.recommended_box.isVisible()
    other = next(g for s in library.ctx.taxonomy().stages for g in s.gates if g.stage_id != stage.id)
    journey.show_cell(journey.grid.grid_model.index_of(other.stage_id, other.id).data(CellRole))
    assert not journey.recommended_box.isVisible()
    journey.show_cell(cell)
    button = journey.recommended_box.findChild(type(page.shelves.panel.save_button), f"recommended:{search_id}")
    click(qtbot, button)
    settle(page, qtbot)
    assert window.stack.currentWidget() is page
    assert (page.text, page.sort, page.facets.filters()) == (
        "security", "most_used", {"content_type": frozenset({"case-study"})})


def test_marketing_recommends_from_the_save_dialog(demo_ctx, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    library = demo_ctx.library
    marketing = app_context(library, "marketing")
    window = make_window(marketing)
    page = search(window, qtbot, "roi")
    click(qtbot, page.shelves.panel.save_button)
    dialog = page.shelves.dialog
    assert dialog.recommend.isVisible() and not dialog.picker.stage.isEnabled()
    qtbot.keyClicks(dialog.name, "ROI for the business case")
    dialog.recommend.setChecked(True)
    stage = next(s for s in library.ctx.taxonomy().stages if s.key == "decision")
    dialog.picker.set(stage.id)
    dialog.accept()
    (saved,) = library.shelves.searches(demo_ctx.actor)  # the rep sees it
    assert (saved.name, saved.recommended, saved.stage_id, saved.gate_id) == (
        "ROI for the business case", True, stage.id, None)


def test_a_piece_is_starred_from_its_detail_and_then_is_recent(demo_ctx, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui import flows

    library, rep = demo_ctx.library, demo_ctx.actor
    window = make_window(demo_ctx)
    piece = next(p for p in library.pieces.list() if p.status == "published")
    detail = flows.open_piece(window, demo_ctx, piece.id)
    qtbot.waitUntil(lambda: detail.view is not None)
    assert detail.star_button.text() == "☆ Favourite"
    click(qtbot, detail.star_button)
    assert library.shelves.favourite_ids(rep) == {piece.id} and detail.star_button.text() == "★ Favourite"
    detail.activateWindow()
    detail.setFocus()
    qtbot.waitUntil(detail.isActiveWindow)
    qtbot.keyClick(detail, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # Ctrl+D: unstar
    assert library.shelves.favourite_ids(rep) == frozenset() and detail.star_button.text() == "☆ Favourite"
    detail.close()
    # opening it was a view: it heads the Recent shelf
    page = window.library_page
    click_row(page, qtbot, shelf_row(page, RECENT))
    assert page.model.rows[0].id == piece.id


def test_marketing_recommends_a_search_from_a_gate_card(demo_ctx, make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    library = demo_ctx.library
    marketing = app_context(library, "marketing")
    window = make_window(marketing)
    journey = window.show_page("Journey map")
    qtbot.waitUntil(lambda: journey.journey is not None)
    stage = next(s for s in library.ctx.taxonomy().stages if s.key == "decision")
    gate = stage.gates[0]
    journey.show_cell(journey.grid.grid_model.index_of(stage.id, gate.id).data(CellRole))
    add = journey.recommended_box.findChild(type(window.library_page.shelves.panel.save_button), "recommendHere")
    click(qtbot, add)
    dialog = journey.recommend_dialog
    assert dialog.query.isVisible() and dialog.recommend.isChecked()
    assert (dialog.picker.stage_id(), dialog.picker.gate_id()) == (stage.id, gate.id)
    qtbot.keyClicks(dialog.name, "Business case proof")
    qtbot.keyClicks(dialog.query, "roi OR tco")
    dialog.accept()
    (saved,) = library.shelves.recommended(stage.id, gate.id)
    assert (saved.name, saved.query, saved.recommended) == ("Business case proof", "roi OR tco", True)
    assert journey.recommended_box.findChild(type(add), f"recommended:{saved.id}") is not None
    # a rep sees it on the card, without the button to add one
    rep_window = make_window(demo_ctx)
    rep_journey = rep_window.show_page("Journey map")
    qtbot.waitUntil(lambda: rep_journey.journey is not None)
    rep_journey.show_cell(rep_journey.grid.grid_model.index_of(stage.id, gate.id).data(CellRole))
    assert rep_journey.recommended_box.findChild(type(add), f"recommended:{saved.id}") is not None
    assert rep_journey.recommended_box.findChild(type(add), "recommendHere") is None
