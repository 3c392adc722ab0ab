"""With the real threaded runner, typing is processed while a slow search runs, and the
slow search's late result is dropped (proved by the order of events, never by timing)."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLineEdit

from tests.ui.pages_support import actor
from ui.context import AppContext
from ui.pages import library_page
from ui.pages.library_page import LibraryPage
from ui.tasks import TaskRunner


def test_typing_stays_responsive_and_stale_results_are_dropped(demo_library, qtbot, monkeypatch):
    runner = TaskRunner()
    ctx = AppContext(demo_library, actor(demo_library, "rep"), runner)
    release = threading.Event()
    slow_started = threading.Event()
    events: list[tuple[str, str]] = []
    real_search = library_page.run_search

    def slow_search(library, actor, text, *args):  # type: ignore[no-untyped-def]
        events.append(("start", text))
        if text == "sec":
            slow_started.set()
            release.wait(60)
        outcome = real_search(library, actor, text, *args)
        events.append(("end", text))
        return outcome

    monkeypatch.setattr(library_page, "run_search", slow_search)
    page = LibraryPage(ctx)
    box = QLineEdit()
    box.textChanged.connect(page.set_query)
    qtbot.addWidget(page)
    qtbot.addWidget(box)
    page.show()
    try:
        qtbot.keyClicks(box, "sec")
        qtbot.waitUntil(slow_started.is_set)
        # The "sec" search is stuck in a worker; the GUI thread keeps taking keystrokes.
        qtbot.keyClicks(box, "urity")
        assert box.text() == "security" and page.text == "security"
        qtbot.waitUntil(lambda: page.shown_seq == page.seq and page.outcome is not None)
        assert page.summary.text().endswith("for “security”")
        assert ("end", "sec") not in events  # the newer search finished first...
        shown = [p.id for p in page.model.rows]
        release.set()
        qtbot.waitUntil(lambda: ("end", "sec") in events)
        assert runner.wait_idle(30_000)
        qtbot.wait(50)  # let the late result's signal be delivered (and dropped)
        # ...and the late, stale result did not replace it.
        assert page.summary.text().endswith("for “security”")
        assert [p.id for p in page.model.rows] == shown
        assert events.index(("end", "security")) < events.index(("end", "sec"))
    finally:
        release.set()
        runner.wait_idle(30_000)
