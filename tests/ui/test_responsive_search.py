"""With the real threaded runner, typing is processed while a slow search runs; the searches
of the keystrokes typed meanwhile are coalesced into one (the last), which runs only after
the slow one ends, and the slow one's stale result is never shown (proved by the order of
events, never by timing)."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLineEdit

from tests.ui.pages_support import app_context
from ui.pages import library_page
from ui.pages.library_page import LibraryPage
from ui.tasks import TaskRunner


def test_typing_stays_responsive_and_only_the_latest_query_runs(demo_library, qtbot, monkeypatch):
    runner = TaskRunner()
    ctx = app_context(demo_library, "rep", runner)
    release = threading.Event()
    slow_started = threading.Event()
    events: list[tuple[str, str]] = []
    query_of: dict[int, str] = {}
    real_search = library_page.run_search

    def slow_search(library, actor, text, *args):  # type: ignore[no-untyped-def]
        events.append(("start", text))
        if text == "sec":
            slow_started.set()
            release.wait(60)
        outcome = real_search(library, actor, text, *args)
        query_of[id(outcome)] = text
        events.append(("end", text))
        return outcome

    monkeypatch.setattr(library_page, "run_search", slow_search)
    page = LibraryPage(ctx)
    shown: list[str] = []
    show_outcome = page._show_outcome
    monkeypatch.setattr(page, "_show_outcome", lambda out: (shown.append(query_of[id(out)]), show_outcome(out)))
    box = QLineEdit()
    box.textChanged.connect(page.set_query)
    qtbot.addWidget(page)
    qtbot.addWidget(box)
    page.show()
    try:
        qtbot.keyClicks(box, "sec")
        qtbot.waitUntil(slow_started.is_set)
        # The "sec" search is stuck in a worker; the GUI thread keeps taking keystrokes, and a
        # slow typist's every keystroke asks for its own search.
        for ch in "urity":
            qtbot.keyClick(box, ch)
            page.run_query()
        assert box.text() == "security" and page.text == "security"
        assert runner.latest_busy(page._lane)
        assert events == [("start", "sec")]  # nothing else competes with the GUI thread
        release.set()
        qtbot.waitUntil(lambda: page.shown_seq == page.seq and page.outcome is not None)
        assert runner.wait_idle(30_000)
        qtbot.wait(50)  # let any late signal be delivered
        # "secu" … "securit" never ran; "sec" ran to its end but was dropped, unseen.
        assert events == [("start", "sec"), ("end", "sec"), ("start", "security"), ("end", "security")]
        assert shown == ["security"]
        assert page.summary.text().endswith("for “security”")
        assert not runner.latest_busy(page._lane)
    finally:
        release.set()
        runner.wait_idle(30_000)
