"""The kept copies of reports (a team library offline shows the last one computed): every
report of the dashboard comes back equal, and reading a copy never runs code, whatever the
file holds."""

from __future__ import annotations

import json
import pickle
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

import pytest

from enablement.services.library import Library
from enablement.services.reports_service import REPORTS
from enablement.storage import report_copies

AT = datetime(2026, 11, 30, 9, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    from enablement.services.demo import create_demo_library

    lib = create_demo_library(tmp_path_factory.mktemp("demo") / "lib")
    yield lib
    lib.close()


def test_the_dashboard_and_every_report_come_back_equal(demo: Library, tmp_path: Path) -> None:
    manager = demo.users.actor("Morgan Lee")
    board = demo.reports.dashboard(manager)
    report_copies.keep(tmp_path, "dashboard", board, AT)
    copy = report_copies.kept(tmp_path, "dashboard")
    assert copy is not None and copy.at == AT
    assert copy.value == board  # every report, table, chart series and date, field by field
    assert type(copy.value.used) is type(board.used)
    for name in REPORTS:
        report = demo.reports.run(manager, name)
        report_copies.keep(tmp_path, name, report, AT)
        kept = report_copies.kept(tmp_path, name)
        assert kept is not None and kept.value == report, name
    assert (tmp_path / "dashboard.json").read_text(encoding="utf-8").startswith('{"format":')


def _write(folder: Path, key: str, value: Any) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{key}.json").write_text(json.dumps({"format": report_copies.FORMAT, "at": AT.isoformat(),
                                                    "value": value}), encoding="utf-8")


@pytest.mark.parametrize("value", [
    {"$dc": "os:system", "fields": {}},  # not one of the app's modules
    {"$dc": "subprocess:Popen", "fields": {"args": "touch /tmp/x"}},
    {"$enum": "builtins:eval", "value": "1"},
    {"$dc": "enablement.reports.base:ReportFilter", "fields": {"nonsense": 1}},  # another shape
    {"$dc": "enablement.reports.base:__import__", "fields": {}},
    {"$dc": "enablement.reports.base:date.today", "fields": {}},  # a name that is not a dataclass
    {"$unknown": 1},
])
def test_a_copy_naming_anything_else_is_absent_and_runs_nothing(tmp_path: Path, value: Any) -> None:
    _write(tmp_path, "used", value)
    assert report_copies.kept(tmp_path, "used") is None


def test_a_pickle_damaged_or_foreign_file_is_absent(tmp_path: Path) -> None:
    class Boom:
        def __reduce__(self) -> Any:
            return (Path("/tmp/lead-should-never-exist").touch, ())

    (tmp_path / "used.pickle").write_bytes(pickle.dumps(Boom()))  # what an older version kept
    (tmp_path / "coverage.json").write_bytes(pickle.dumps(Boom()))  # a pickle under the new name
    (tmp_path / "trends.json").write_text('{"format": 2, "at": "2026-', encoding="utf-8")
    (tmp_path / "adoption.json").write_text('{"format": 1, "at": "2026-11-30T09:15:00", "value": 1}',
                                            encoding="utf-8")
    (tmp_path / "freshness.json").write_text("[" * 100_000, encoding="utf-8")  # deeper than the parser goes
    for key in ("used", "coverage", "trends", "adoption", "freshness", "never-kept"):
        assert report_copies.kept(tmp_path, key) is None, key
    assert not Path("/tmp/lead-should-never-exist").exists()


def test_a_value_no_copy_can_hold_is_not_kept_and_the_folder_may_be_unwritable(tmp_path: Path) -> None:
    report_copies.keep(tmp_path, "odd", object(), AT)
    assert report_copies.kept(tmp_path, "odd") is None
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")
    report_copies.keep(blocked, "used", {"a": (1, 2)}, AT)  # the folder cannot be made: nothing kept, no error
    report_copies.keep(tmp_path, "plain", {"a": (1, 2), 3: {4.5, 6}}, AT)
    kept = report_copies.kept(tmp_path, "plain")
    assert kept is not None and kept.value == {"a": (1, 2), 3: {4.5, 6}}
