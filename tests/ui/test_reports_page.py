"""Reports page: headline, charts, coverage grid, drill-down, search gap → request, hours
assumption, filters and export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.pages_support import actor, add_link, click, gates, use
from enablement.models.vocab import UsageKind
from ui.dialogs import files
from ui.models.journey_grid_model import CellRole
from ui.pages.reports_page import ReportsPage

pytestmark = pytest.mark.ui


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




def test_dashboard_shows_headline_charts_and_coverage(qtbot, open_page, app, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    page = open_page(ReportsPage, app)
    bundle = page.bundle
    assert bundle is not None and bundle.used.published == 2 and bundle.used.used == 1
    assert page.cards["used"].value_label.text() == "50%"
    assert "1 never came up in a search" in page.reasons_label.text()
    assert len(page._charts) == 3
    qtmodeltester.check(page.ignored_table.table_model)
    qtmodeltester.check(page.gaps_table.table_model)
    qtmodeltester.check(page.coverage_grid.grid_model)
    g = gates(app.library)
    model = page.coverage_grid.grid_model
    assert model.index_of(g[0].stage_id, g[0].id).data(CellRole).used_pieces == 1
    assert model.index_of(g[1].stage_id, g[1].id).data(CellRole).empty
    # Clicking a gate lists the pieces behind its numbers.
    page.tabs.setCurrentIndex(1)
    page.coverage_grid.select_cell(g[0].stage_id, g[0].id)
    assert [p.title for p in page.cell_pieces.table_model.rows] == ["ROI business case"]


def test_ignored_pieces_drill_down_to_the_piece(qtbot, open_page, app) -> None:  # type: ignore[no-untyped-def]
    page = open_page(ReportsPage, app)
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


def test_search_gap_request_this_files_a_request(qtbot, open_page, app) -> None:  # type: ignore[no-untyped-def]
    page = open_page(ReportsPage, app)
    page.tabs.setCurrentIndex(4)
    assert page.gaps_table.proxy.rowCount() == 1
    click(qtbot, page.gaps_table.action_button(0))
    dialog = page.request_dialog
    assert "hipaa baa template" in dialog.title_edit.text().lower()
    click(qtbot, dialog.submit_button)
    [request] = app.library.requests.list(app.actor)
    assert "hipaa baa template" in request.title.lower()


def test_hours_per_piece_assumption_is_editable(qtbot, open_page, app) -> None:  # type: ignore[no-untyped-def]
    page = open_page(ReportsPage, app)
    page.tabs.setCurrentIndex(7)
    reuses = page.bundle.hours.reuses
    assert reuses == 1
    page.hours_spin.setValue(10)
    page.hours_spin.editingFinished.emit()
    assert page.hours_result.text() == "10.0 hours"
    assert "10 hours to build one piece" in page.formula_label.text()
    assert "hours saved = reuses" in page.formula_label.text()


def test_hours_per_piece_is_saved_through_the_write_lane(qtbot, open_page, app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from enablement.config import Settings

    writes: list[str] = []
    real_write = app.runner.write
    monkeypatch.setattr(app.runner, "write", lambda fn, *a, **k: writes.append(fn.__name__) or real_write(fn, *a, **k))
    page = open_page(ReportsPage, app)
    assert page.hours_spin.value() == app.library.settings.get().hours_to_build_piece == 4.0
    page.hours_spin.setValue(6.5)
    page.hours_spin.editingFinished.emit()
    assert writes == ["set_hours_per_piece"]
    assert Settings.load(app.library.ctx.paths.settings_file).hours_to_build_piece == 6.5  # on disk
    assert page.cards["hours"].detail.text().endswith("× 6.5 h")
    page.hours_spin.editingFinished.emit()  # focus leaving the box again: nothing new to save
    assert writes == ["set_hours_per_piece"]

    # The next time the page is built (another session), the box starts from the saved value.
    again = open_page(ReportsPage, app)
    assert again.hours_spin.value() == 6.5
    assert again.bundle.hours.hours_per_piece == 6.5


def test_filters_reload_with_the_chosen_rep_and_period(qtbot, open_page, app) -> None:  # type: ignore[no-untyped-def]
    page = open_page(ReportsPage, app)
    rep = actor(app.library, "rep")
    page.rep_combo.setCurrentIndex(page.rep_combo.findData(rep.user_id))
    assert page.bundle.filter.user_id == rep.user_id
    page.period_combo.setCurrentIndex(0)
    f = page.bundle.filter
    assert (f.until - f.since).days == 29
    page.period_combo.setCurrentIndex(page.period_combo.count() - 1)  # custom
    assert page.since_edit.isVisible() and page.until_edit.isVisible()


def test_export_csv_xlsx_pdf(qtbot, open_page, app, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(ReportsPage, app)
    for fmt, button in (("csv", page.csv_button), ("xlsx", page.xlsx_button), ("pdf", page.pdf_button)):
        target = tmp_path / f"report.{fmt}"
        monkeypatch.setattr(files, "ask_save_file", lambda parent, title, suggested, t=target: t)
        click(qtbot, button)
        assert target.is_file() and target.stat().st_size > 0
        assert str(target) in page.banner.label.text()


def test_rep_is_told_reports_are_for_managers(qtbot, open_page, make_app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    page = open_page(ReportsPage, app)
    assert page.denied_label.isVisible() and not page.tabs.isVisible()
    assert page.bundle is None
