"""Search as you type, facets, sort, did-you-mean and the empty state, on a real window."""

from __future__ import annotations

from enablement.models.vocab import Status


def search(window, qtbot, text):  # type: ignore[no-untyped-def]
    page = window.library_page
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, text)
    qtbot.waitUntil(lambda: page.text == text and page.shown_seq == page.seq and not page.debounce.isActive())
    return page


def titles(page):  # type: ignore[no-untyped-def]
    return [p.title for p in page.model.rows]


def test_search_as_you_type_shows_trust_and_facets(demo_ctx, make_window, qtbot):
    window = make_window(demo_ctx)
    page = search(window, qtbot, "security review")
    assert any("Security" in t for t in titles(page)[:3])
    assert page.summary.text().startswith(f"{page.outcome.results.total} piece")
    assert all(p.status == Status.PUBLISHED for p in page.model.rows)  # a rep sees published only
    assert ("stage", "evaluation") in page.facets.buttons
    assert page.stack.currentWidget() is page.view
    grabbed = page.view.grab()
    assert not grabbed.isNull()


def test_clicking_a_facet_filters_and_clicking_again_clears(demo_ctx, make_window, qtbot):
    window = make_window(demo_ctx)
    page = search(window, qtbot, "")
    everything = page.outcome.results.total
    page.facets.buttons[("stage", "evaluation")].click()
    qtbot.waitUntil(lambda: page.shown_seq == page.seq)
    assert 0 < page.outcome.results.total < everything
    assert all("Evaluation" in p.labels("stage") for p in page.model.rows)
    page.facets.buttons[("stage", "evaluation")].click()
    qtbot.waitUntil(lambda: page.shown_seq == page.seq)
    assert page.outcome.results.total == everything


def test_sort_most_used(demo_ctx, make_window, qtbot):
    window = make_window(demo_ctx)
    page = search(window, qtbot, "")
    page.sort_box.setCurrentIndex(page.sort_box.findData("most_used"))
    qtbot.waitUntil(lambda: page.shown_seq == page.seq)
    uses = [p.use_count for p in page.model.rows]
    assert uses[0] == max(uses) and uses[0] >= uses[-1]


def test_did_you_mean(demo_ctx, make_window, qtbot):
    window = make_window(demo_ctx)
    page = search(window, qtbot, "securty")
    if page.outcome.results.did_you_mean:
        assert page.did_you_mean.isVisibleTo(window)
        page.did_you_mean.linkActivated.emit(page.outcome.results.did_you_mean)
        assert window.search_box.text() == page.outcome.results.did_you_mean


def test_a_corrected_query_says_so_and_offers_the_query_as_typed(demo_ctx, make_window, qtbot):
    window = make_window(demo_ctx)
    page = search(window, qtbot, "securty")
    assert page.outcome.results.showing_results_for == "security" and page.outcome.results.total > 0
    assert page.did_you_mean.isVisibleTo(window)
    assert page.did_you_mean.text() == ('Showing results for <b>security</b>. '
                                        '<a href="#as-typed">Search instead for securty</a>')
    assert not any("Showing results for" in h for h in page.hints.text().split("  "))
    seq = page.seq
    page.did_you_mean.linkActivated.emit("#as-typed")
    qtbot.waitUntil(lambda: page.shown_seq == page.seq > seq)
    assert page.outcome.results.total == 0 and page.outcome.results.showing_results_for is None
    assert page.stack.currentWidget() is page.empty
    assert page.did_you_mean.text() == 'Did you mean <a href="security">security</a>?'
    assert window.search_box.text() == "securty"  # the box still holds what was typed
    # a new query corrects again
    page = search(window, qtbot, "onbaording")
    assert page.outcome.results.showing_results_for == "onboarding"


def test_nothing_found_offers_a_request_with_the_query(demo_ctx, make_window, qtbot):
    window = make_window(demo_ctx)
    page = search(window, qtbot, "hipaa baa template for zeppelins")
    assert page.stack.currentWidget() is page.empty
    assert "Nothing in the library matches" in page.empty_title.text()
    assert page.request_button.isVisibleTo(window)
    page.request_button.click()
    dialog = window.last_dialog
    assert dialog.title.text() == "hipaa baa template for zeppelins"
    dialog.accept()
    mine = demo_ctx.library.requests.list(demo_ctx.actor, mine=True)
    assert mine[0].title == "hipaa baa template for zeppelins"


def test_empty_library_says_what_to_do(make_app_ctx, make_window, qtbot):
    ctx = make_app_ctx("marketing")
    window = make_window(ctx)
    page = search(window, qtbot, "")
    assert page.empty_title.text() == "The library is empty."
    assert "Import" in page.empty_text.text() and page.import_button.isVisibleTo(window)


def test_results_come_a_page_at_a_time_as_the_list_scrolls(demo_ctx, make_window, qtbot, monkeypatch):
    from ui.pages import library_page

    monkeypatch.setattr(library_page, "PAGE_SIZE", 4)  # the demo library has a few dozen pieces
    window = make_window(demo_ctx)
    page = search(window, qtbot, "")
    total = page.outcome.results.total
    assert total > 3 * 4
    # The first page fills the view (a page that did not would load the next one at once).
    shown = page.model.rowCount()
    assert shown < total and shown % 4 == 0
    assert shown * library_page.ROW_HEIGHT >= page.view.viewport().height()
    for _ in range(total):
        if page.model.rowCount() >= total:
            break
        before = page.model.rowCount()
        page.view.scrollToBottom()
        qtbot.waitUntil(lambda: page.model.rowCount() > before)
    assert page.model.rowCount() == total
    assert len({p.id for p in page.model.rows}) == total
