"""Requests page: a rep files and follows requests; marketing starts, fulfils and declines."""

from __future__ import annotations

import pytest

from tests.ui.pages_support import actor, add_link, click, gates
from enablement.models.vocab import RequestStatus
from ui.models.requests_table_model import TITLE
from ui.pages.requests_page import RequestsPage

pytestmark = pytest.mark.ui




def test_rep_files_a_request_with_stage_gate_and_due_date(qtbot, open_page, make_app_ctx, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    page = open_page(RequestsPage, app)
    assert page.empty_label.isVisible()
    assert not page.fulfil_button.isVisible()  # a rep does not triage
    click(qtbot, page.new_button)
    dialog = page.request_dialog
    assert dialog is not None and not dialog.submit_button.isEnabled()  # a title is required
    qtbot.keyClicks(dialog.title_edit, "Security FAQ for hospitals")
    dialog.need_edit.setPlainText("The CISO asks how we store patient data.")
    stage = app.library.taxonomy.get().stages[2]
    dialog.stage_combo.setCurrentIndex(dialog.stage_combo.findData(stage.id))
    # The gate list follows the stage.
    assert [dialog.gate_combo.itemData(i) for i in range(1, dialog.gate_combo.count())] == [g.id for g in stage.gates]
    dialog.gate_combo.setCurrentIndex(2)
    dialog.due_check.setChecked(True)
    qtbot.keyClicks(dialog.account_edit, "St Aldric")
    click(qtbot, dialog.submit_button)

    [stored] = app.library.requests.list(app.actor)
    assert (stored.title, stored.stage_id, stored.gate_id, stored.account) == (
        "Security FAQ for hospitals", stage.id, stage.gates[1].id, "St Aldric")
    assert stored.due is not None and stored.status == RequestStatus.OPEN
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    assert page.proxy.rowCount() == 1
    assert "Waiting for marketing" in page.proxy.index(0, 5).data()


def test_rep_sees_what_came_back_and_opens_the_piece(qtbot, open_page, make_app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    library = app.library
    marketing = actor(library, "marketing")
    fulfilled = library.requests.create(app.actor, "ROI sheet").value
    declined = library.requests.create(app.actor, "Video testimonial").value
    piece = add_link(library, "ROI calculator", gates=(gates(library)[8].id,))
    library.requests.fulfil(marketing, fulfilled, piece)
    library.requests.decline(marketing, declined, "No budget for video this quarter")
    page = open_page(RequestsPage, app)
    assert page.select_request(declined)
    assert "No budget for video" in page.outcome_label.text()
    assert not page.open_piece_button.isVisible()
    assert page.select_request(fulfilled)
    assert page.outcome_label.text() == "Got: ROI calculator"
    with qtbot.waitSignal(app.signals.open_piece) as opened:
        click(qtbot, page.open_piece_button)
    assert opened.args == [piece]


def test_rep_withdraws_an_open_request(qtbot, open_page, make_app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("rep")
    rid = app.library.requests.create(app.actor, "Old ask").value
    page = open_page(RequestsPage, app)
    page.select_request(rid)
    click(qtbot, page.withdraw_button)
    assert app.library.requests.get(rid).status == RequestStatus.DECLINED


def test_marketing_works_the_queue(qtbot, open_page, make_app_ctx) -> None:  # type: ignore[no-untyped-def]
    app = make_app_ctx("marketing")
    library = app.library
    rep = actor(library, "rep")
    first = library.requests.create(rep, "Battlecard vs Kitestring").value
    second = library.requests.create(rep, "Pricing one-pager in German").value
    piece = add_link(library, "Kitestring battlecard", gates=(gates(library)[5].id,))
    page = open_page(RequestsPage, app)
    assert page._group_button["open"].isChecked()
    assert page.proxy.rowCount() == 2

    page.select_request(first)
    click(qtbot, page.start_button)
    assert library.requests.get(first).status == RequestStatus.IN_PROGRESS
    assert page.proxy.rowCount() == 1  # it left the Open tab
    assert page._group_button["in_progress"].text() == "In progress (1)"

    click(qtbot, page._group_button["in_progress"])
    page.select_request(first)
    click(qtbot, page.fulfil_button)
    picker = page.picker
    assert picker is not None and picker.isVisible()
    picker.search_edit.setText("Kitestring")
    picker.run_search()
    titles = [p.title for p in picker.results.table_model.rows]
    assert "Kitestring battlecard" in titles
    picker.results.selectRow(titles.index("Kitestring battlecard"))
    click(qtbot, picker.ok_button)
    done = library.requests.get(first)
    assert (done.status, done.piece_id) == (RequestStatus.FULFILLED, piece)

    click(qtbot, page._group_button["open"])
    page.select_request(second)
    click(qtbot, page.decline_button)
    prompt = page.prompt
    assert not prompt.ok_button.isEnabled()  # a reason is required
    prompt.set_text("We do not sell in Germany yet.")
    click(qtbot, prompt.ok_button)
    declined = library.requests.get(second)
    assert (declined.status, declined.decline_reason) == (RequestStatus.DECLINED, "We do not sell in Germany yet.")
    click(qtbot, page._group_button["done"])
    assert page.proxy.rowCount() == 2
    page.filter_edit.setText("german")
    assert [page.proxy.index(r, TITLE).data() for r in range(page.proxy.rowCount())] == ["Pricing one-pager in German"]


def test_request_dialog_as_a_plain_form_for_other_pages(qtbot, make_app_ctx) -> None:  # type: ignore[no-untyped-def]
    from ui.dialogs.request_dialog import RequestDialog

    app = make_app_ctx("rep")
    taxonomy = app.library.taxonomy.get()
    gate = taxonomy.stages[1].gates[0]
    dialog = RequestDialog(taxonomy, title="Update: pricing", need="Prices changed", gate_id=gate.id)
    qtbot.addWidget(dialog)
    dialog.open()
    with qtbot.waitSignal(dialog.accepted):
        click(qtbot, dialog.submit_button)
    args = dialog.arguments()
    assert (args["title"], args["need"], args["stage_id"], args["gate_id"]) == (
        "Update: pricing", "Prices changed", gate.stage_id, gate.id)
    assert app.library.requests.list(app.actor) == []  # the caller files it
