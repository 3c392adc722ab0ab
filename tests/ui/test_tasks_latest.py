"""``runner.latest``: at most one task per key; only the newest request waits; a superseded
task's result or error is dropped. Proved by the order of events, never by timing."""

from __future__ import annotations

import threading

from ui.tasks import SyncTaskRunner, TaskRunner


class Boom(Exception):
    pass


def make_work(events: list, gates: dict[str, threading.Event]):  # type: ignore[no-untyped-def]
    def work(name: str) -> str:
        events.append(("start", name))
        gate = gates.get(name)
        if gate is not None:
            gate.wait(60)
        events.append(("end", name))
        if name.startswith("fail"):
            raise Boom(name)
        return name

    return work


def test_threaded_latest_runs_one_at_a_time_and_only_the_newest_waiting(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    events: list = []
    started_a = threading.Event()
    gate = threading.Event()
    delivered: list = []

    def work(name: str) -> str:
        events.append(("start", name))
        if name == "a":
            started_a.set()
            gate.wait(60)
        events.append(("end", name))
        return name

    try:
        runner.latest("k", work, delivered.append, delivered.append, "a")
        qtbot.waitUntil(started_a.is_set)
        runner.latest("k", work, delivered.append, delivered.append, "b")
        runner.latest("k", work, delivered.append, delivered.append, "c")
        assert runner.latest_busy("k")
        # Another key is another lane: it runs at once.
        runner.latest("other", work, delivered.append, delivered.append, "x")
        qtbot.waitUntil(lambda: delivered == ["x"])
        assert ("start", "b") not in events and ("start", "c") not in events
        gate.set()
        qtbot.waitUntil(lambda: not runner.latest_busy("k"))
        assert runner.wait_idle(30_000)
        qtbot.wait(20)
        assert delivered == ["x", "c"]  # "a" is stale, "b" never ran
        assert [e for e in events if e[1] != "x"] == [("start", "a"), ("end", "a"), ("start", "c"), ("end", "c")]
        assert runner.busy == 0
    finally:
        gate.set()
        runner.wait_idle(30_000)


def test_threaded_latest_drops_a_stale_error_and_reports_the_latest_one(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    events: list = []
    gate = threading.Event()
    work = make_work(events, {"fail-old": gate})
    errors: list = []
    unhandled: list = []
    runner.task_failed.connect(unhandled.append)
    try:
        runner.latest("k", work, None, errors.append, "fail-old")
        qtbot.waitUntil(lambda: ("start", "fail-old") in events)
        runner.latest("k", work, None, None, "fail-new")  # no on_error: the window is told
        gate.set()
        qtbot.waitUntil(lambda: len(unhandled) == 1)
        assert errors == []  # the stale failure is not shown
        assert str(unhandled[0]) == "fail-new"
    finally:
        gate.set()
        runner.wait_idle(30_000)


def test_sync_latest_runs_inline_and_allows_a_new_request_from_the_callback(qapp) -> None:  # type: ignore[no-untyped-def]
    runner = SyncTaskRunner()
    events: list = []
    work = make_work(events, {})
    delivered: list = []

    def done(result: str) -> None:
        delivered.append(result)
        if result == "first":
            runner.latest("k", work, delivered.append, None, "second")  # e.g. load the next page

    runner.latest("k", work, done, None, "first")
    assert delivered == ["first", "second"]
    assert events == [("start", "first"), ("end", "first"), ("start", "second"), ("end", "second")]
    assert not runner.latest_busy("k") and runner.busy == 0

    errors: list = []
    runner.latest("k", work, delivered.append, errors.append, "fail")
    assert len(errors) == 1 and isinstance(errors[0], Boom) and str(errors[0]) == "fail"
