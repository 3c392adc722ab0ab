"""Journey map page: the grid, a cell's pieces, and a request filed from an empty gate."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.pages_support import add_link, gates, use
from enablement.models.changes import Changes
from ui.models.journey_grid_model import CellRole
from ui.pages.journey_map_page import JourneyMapPage

pytestmark = pytest.mark.ui


def _click_cell(qtbot, page: JourneyMapPage, stage_id: int, gate_id, double: bool = False) -> None:  # type: ignore[no-untyped-def]
    index = page.grid.grid_model.index_of(stage_id, gate_id)
    assert index.isValid()
    rect = page.grid.visualRect(index)
    page.grid.scrollTo(index)
    qtbot.mouseClick(page.grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


@pytest.fixture
def page(open_page, make_app_ctx):  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    library = app.library
    g = gates(library)
    roi = add_link(library, "ROI business case", gates=(g[0].id,))
    add_link(library, "Cost of doing nothing", gates=(g[0].id,))
    use(library, app.actor, roi, days_ago=3)
    return open_page(JourneyMapPage, app)


def test_grid_shows_every_gate_with_counts(page: JourneyMapPage, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.grid.grid_model)
    g = gates(page.app.library)
    model = page.grid.grid_model
    assert model.columnCount() == len(page.app.library.taxonomy.get().stages)
    cell = model.index_of(g[0].stage_id, g[0].id).data(CellRole)
    assert (cell.published, cell.used_pieces) == (2, 1)
    assert model.index_of(g[1].stage_id, g[1].id).data(CellRole).empty
    assert "1 of" in page.summary_label.text() or "of" in page.summary_label.text()


def test_clicking_a_cell_lists_its_pieces_and_double_click_opens(page: JourneyMapPage, qtbot,  # type: ignore[no-untyped-def]
                                                                 qtmodeltester) -> None:
    g = gates(page.app.library)
    _click_cell(qtbot, page, g[0].stage_id, g[0].id)
    rows = page.pieces.table_model
    qtmodeltester.check(rows)
    assert [p.title for p in rows.rows] == ["ROI business case", "Cost of doing nothing"]
    assert page.cell_title.text() == g[0].question
    first = page.pieces.proxy.index(0, 0)
    with qtbot.waitSignal(page.app.signals.open_piece) as opened:
        rect = page.pieces.visualRect(first)
        # A view only reports a double-click on the index it saw pressed first.
        qtbot.mouseClick(page.pieces.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(page.pieces.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args[0] == rows.rows[0].id


def test_empty_cell_files_a_request_prefilled_with_stage_and_gate(page: JourneyMapPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    library = page.app.library
    g = gates(library)
    _click_cell(qtbot, page, g[1].stage_id, g[1].id)
    assert page.detail_stack.currentWidget() is page.empty_state
    qtbot.mouseClick(page.empty_request, Qt.MouseButton.LeftButton)
    dialog = page.request_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.stage_combo.currentData() == g[1].stage_id
    assert dialog.gate_combo.currentData() == g[1].id
    dialog.title_edit.clear()
    qtbot.keyClicks(dialog.title_edit, "Why-now piece for CFOs")
    with qtbot.waitSignal(page.app.signals.changed):
        qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    stored = library.requests.list(page.app.actor)
    assert [(r.title, r.stage_id, r.gate_id) for r in stored] == [("Why-now piece for CFOs", g[1].stage_id, g[1].id)]
    assert not dialog.isVisible()


def test_changes_reload_only_when_they_concern_the_map(page: JourneyMapPage) -> None:
    library = page.app.library
    g = gates(library)
    add_link(library, "Buyer-ready overview", gates=(g[1].id,))
    page.apply_changes(Changes(requests=True))
    assert page.grid.grid_model.index_of(g[1].stage_id, g[1].id).data(CellRole).empty
    page.apply_changes(Changes(pieces=True))
    assert page.grid.grid_model.index_of(g[1].stage_id, g[1].id).data(CellRole).published == 1


def test_persona_filter_narrows_the_map(page: JourneyMapPage) -> None:
    library = page.app.library
    g = gates(library)
    persona = library.taxonomy.get().facets["persona"][0]
    add_link(library, "For the CFO", gates=(g[2].id,), facets={"persona": [persona.id]})
    page.apply_changes(Changes(pieces=True))
    page.persona_combo.setCurrentIndex(page.persona_combo.findData(persona.id))
    model = page.grid.grid_model
    assert model.index_of(g[2].stage_id, g[2].id).data(CellRole).published == 1
    assert model.index_of(g[0].stage_id, g[0].id).data(CellRole).empty


def test_context_menu_request_on_marketing_view(make_app_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("marketing")
    page = JourneyMapPage(app)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    g = gates(app.library)
    cell = page.grid.grid_model.index_of(g[4].stage_id, g[4].id).data(CellRole)
    page.grid.request_wanted.emit(cell)
    assert page.request_dialog.gate_combo.currentData() == g[4].id
    assert "content plan" in page.header.subtitle_label.text()
    page.request_dialog.reject()
