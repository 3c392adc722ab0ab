"""Reports page: headline, charts, coverage grid, drill-down, search gap → request, hours
assumption, filters and export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.pages_support import actor, add_link, gates, use
from enablement.models.vocab import UsageKind
from ui.dialogs import files
from ui.models.journey_grid_model import CellRole
from ui.pages.reports_page import ReportsPage

pytestmark = [pytest.mark.ui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.fixture
def app(make_app_ctx):  # type: ignore[no-untyped-def]
    app = make_app_ctx("manager")
    library = app.library
    g = gates(library)
    rep = actor(library, "rep")
    used = add_link(library, "ROI business case", gates=(g[0].id,))
    add_link(library, "Forgotten datasheet", gates=(g[2].id,))
    use(library, rep, used, kind=UsageKind.USED_IN_CALL, days_ago=3)
    use(library, rep, used, kind=UsageKind.FEEDBACK, days_ago=3, helpful=True)
    library.usage.log_search(rep, "hipaa baa template", "", 0, [])
    return app


def _page(qtbot, app) -> ReportsPage:  # type: ignore[no-untyped-def]
    page = ReportsPage(app)
    qtbot.addWidget(page)
    page.resize(1300, 850)
    page.show()
    page.activate()
    return page


def _click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_dashboard_shows_headline_charts_and_coverage(qtbot, app, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, app)
    bundle = page.bundle
    assert bundle is not None and bundle.used.published == 2 and bundle.used.used == 1
    assert page.cards["used"].value_label.text() == "50%"
    assert "1 never came up in a search" in page.reasons_label.text()
    assert len(page._charts) == 3
    qtmodeltester.check(page.ignored_table.rows)
    qtmodeltester.check(page.gaps_table.rows)
    qtmodeltester.check(page.coverage_grid.grid_model)
    g = gates(app.library)
    model = page.coverage_grid.grid_model
    assert model.index_of(g[0].stage_id, g[0].id).data(CellRole).used_pieces == 1
    assert model.index_of(g[1].stage_id, g[1].id).data(CellRole).empty
    # Clicking a gate lists the pieces behind its numbers.
    page.tabs.setCurrentIndex(1)
    page.coverage_grid.select_cell(g[0].stage_id, g[0].id)
    assert [p.title for p in page.cell_pieces.rows.pieces] == ["ROI business case"]


def test_ignored_pieces_drill_down_to_the_piece(qtbot, app) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, app)
    page.tabs.setCurrentIndex(2)
    table = page.ignored_table
    assert table.proxy.rowCount() == 1
    page._reason_chosen({"reason": "surfaced but never opened"})
    assert table.proxy.rowCount() == 0
    page._reason_chosen({"reason": ""})
    index = table.proxy.index(0, 0)
    with qtbot.waitSignal(app.signals.open_piece) as opened:
        rect = table.visualRect(index)
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    title = app.library.pieces.get(opened.args[0]).title
    assert title == "Forgotten datasheet"


def test_search_gap_request_this_files_a_request(qtbot, app) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, app)
    page.tabs.setCurrentIndex(4)
    assert page.gaps_table.proxy.rowCount() == 1
    _click(qtbot, page.gaps_table.action_button(0))
    dialog = page.request_dialog
    assert "hipaa baa template" in dialog.title_edit.text().lower()
    _click(qtbot, dialog.submit_button)
    [request] = app.library.requests.list(app.actor)
    assert "hipaa baa template" in request.title.lower()


def test_hours_per_piece_assumption_is_editable(qtbot, app) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, app)
    page.tabs.setCurrentIndex(7)
    reuses = page.bundle.hours.reuses
    assert reuses == 1
    page.hours_spin.setValue(10)
    page.hours_spin.editingFinished.emit()
    assert page.hours_result.text() == "10.0 hours"
    assert "10 hours to build one piece" in page.formula_label.text()
    assert "hours saved = reuses" in page.formula_label.text()


def test_filters_reload_with_the_chosen_rep_and_period(qtbot, app) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, app)
    rep = actor(app.library, "rep")
    page.rep_combo.setCurrentIndex(page.rep_combo.findData(rep.user_id))
    assert page.bundle.filter.user_id == rep.user_id
    page.period_combo.setCurrentIndex(0)
    f = page.bundle.filter
    assert (f.until - f.since).days == 29
    page.period_combo.setCurrentIndex(page.period_combo.count() - 1)  # custom
    assert page.since_edit.isVisible() and page.until_edit.isVisible()


def test_export_csv_xlsx_pdf(qtbot, app, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, app)
    for fmt, button in (("csv", page.csv_button), ("xlsx", page.xlsx_button), ("pdf", page.pdf_button)):
        target = tmp_path / f"report.{fmt}"
        monkeypatch.setattr(files, "ask_save_file", lambda parent, title, suggested, t=target: t)
        _click(qtbot, button)
        assert target.is_file() and target.stat().st_size > 0
        assert str(target) in page.banner.label.text()


def test_rep_is_told_reports_are_for_managers(qtbot, make_app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    page = _page(qtbot, app)
    assert page.denied_label.isVisible() and not page.tabs.isVisible()
    assert page.bundle is None
