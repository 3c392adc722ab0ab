"""``runner.op``: the one way pages call a service. A change-set reaches the window's routing,
``success`` gets the value, and every failure is either shown or reported, never dropped."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from enablement.errors import Conflict
from enablement.models.changes import Changes
from enablement.models.dto import Done
from ui.tasks import SyncTaskRunner, TaskRunner

UI = Path(__file__).resolve().parents[2] / "ui"


class Bug(Exception):
    pass


def raises(exc: BaseException):  # type: ignore[no-untyped-def]
    def fn() -> None:
        raise exc

    return fn


@pytest.fixture
def runner(qapp):  # type: ignore[no-untyped-def]
    runner = SyncTaskRunner()
    runner.reported = []  # type: ignore[attr-defined]
    runner.announced = []  # type: ignore[attr-defined]
    runner.task_failed.connect(runner.reported.append)  # type: ignore[attr-defined]
    runner.changes_done.connect(runner.announced.append)  # type: ignore[attr-defined]
    return runner


def test_a_done_result_is_announced_before_success_gets_its_value(runner) -> None:  # type: ignore[no-untyped-def]
    order: list = []
    runner.changes_done.connect(lambda c: order.append(("announced", c)))
    changes = Changes(kits=True)
    runner.op(lambda a, b: Done(a + b, changes), 2, b=3).success(lambda v: order.append(("success", v))).write()
    assert order == [("announced", changes), ("success", 5)]


def test_a_bare_change_set_is_announced_and_an_empty_one_is_not(runner) -> None:  # type: ignore[no-untyped-def]
    got: list = []
    runner.op(lambda: Changes(usage=True)).success(got.append).write()
    runner.op(lambda: Done(1, Changes())).success(got.append).write()
    runner.op(lambda: [1, 2]).success(got.append).read()
    assert runner.announced == [Changes(usage=True)]
    assert got == [None, 1, [1, 2]]


def test_a_users_error_goes_to_its_handler_or_else_to_the_window(runner) -> None:  # type: ignore[no-untyped-def]
    shown: list = []
    refused = Conflict("That name is taken.")
    runner.op(raises(refused)).failure(shown.append).write()
    assert shown == [refused] and runner.reported == []
    runner.op(raises(refused)).write()
    assert runner.reported == [refused]


def test_a_handler_that_only_tidies_up_leaves_the_message_to_the_window(runner) -> None:  # type: ignore[no-untyped-def]
    tidied: list = []
    refused = Conflict("Disk full.")
    runner.op(raises(refused)).failure(tidied.append, shows_user_errors=False).write()
    assert tidied == [refused] and runner.reported == [refused]


def test_a_bug_is_always_reported_even_with_a_handler(runner) -> None:  # type: ignore[no-untyped-def]
    shown: list = []
    bug = Bug("boom")
    runner.op(raises(bug)).failure(shown.append).read()
    assert shown == [bug] and runner.reported == [bug]
    assert "Bug: boom" in bug.__traceback_text__  # type: ignore[attr-defined]


def test_a_quiet_operation_logs_its_failure_with_the_reason(runner, caplog) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        runner.op(raises(Bug("x"))).quiet(" ")
    seen: list = []
    with caplog.at_level(logging.WARNING, logger="ui.tasks"):
        runner.op(raises(Bug("no thumbnail"))).failure(seen.append).quiet("a tile shows instead").read()
    assert runner.reported == [] and len(seen) == 1
    assert "a tile shows instead" in caplog.text and "no thumbnail" in caplog.text


def test_progress_reaches_the_handler(runner) -> None:  # type: ignore[no-untyped-def]
    ticks: list = []

    def work(progress=None):  # type: ignore[no-untyped-def]
        progress(1, 2, "one")
        progress(2, 2, "two")
        return Done("ok", Changes())

    runner.op(work).progress(lambda d, t, text: ticks.append((d, t, text))).write()
    assert ticks == [(1, 2, "one"), (2, 2, "two")]


def test_on_real_threads_the_result_arrives_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    import threading

    runner = TaskRunner()
    main = threading.get_ident()
    where: list = []
    announced: list = []
    runner.changes_done.connect(announced.append)

    def work() -> Done:
        where.append(threading.get_ident())
        return Done(7, Changes(pieces=True))

    got: list = []
    try:
        runner.op(work).success(lambda v: (got.append(v), where.append(threading.get_ident()))).write()
        qtbot.waitUntil(lambda: got == [7])
        assert where[0] != main and where[1] == main
        assert announced == [Changes(pieces=True)]
    finally:
        runner.wait_idle()


def _ui_sources() -> list[tuple[Path, str]]:
    return [(p, p.read_text(encoding="utf-8")) for p in sorted(UI.rglob("*.py")) if p.name != "screenshots.py"]


def test_no_failure_is_swallowed_and_no_write_bypasses_the_operation() -> None:
    for path, text in _ui_sources():
        assert not re.search(r"lambda \w+: None", text), f"{path.name} drops a failure"
        if path.name not in ("tasks.py", "app.py"):  # the runner itself; start-up before the window exists
            assert "runner.write(" not in text, f"{path.name} writes without runner.op"


def test_roles_are_checked_through_the_permission_policy_only() -> None:
    literal = re.compile(r"[\"'](rep|marketing|manager|admin)[\"']")
    for path, text in _ui_sources():
        for n, line in enumerate(text.splitlines(), 1):
            by_hand = ("role" in line.lower() and literal.search(line)) or re.search(r"\.role\s+(not\s+)?in\b", line) \
                or re.search(r"frozenset\(\{[\"'](rep|marketing|manager|admin)", line)
            assert not by_hand, f"{path.name}:{n} checks a role by hand: {line.strip()}"
