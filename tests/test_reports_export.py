"""Exports (CSV, XLSX, PDF), the plain-text rendering and the `report` command line."""

from __future__ import annotations

import argparse
import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from enablement.cli.commands import report as cli
from enablement.cli.entry import build_parser
from enablement.errors import InvalidInput
from enablement.reports.export import to_csv
from enablement.reports.text import render_text
from enablement.services.reports_service import REPORTS
from tests.test_reports_core import JUNE, TODAY, build_world


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    lib, ids = build_world(tmp_path / "lib")
    yield lib, ids["actors"]["Max"]
    lib.close()


def test_csv_parses_back_with_headline_tables_and_definitions(world: Any, tmp_path: Path) -> None:
    lib, boss = world
    path = to_csv(lib.reports.used_vs_ignored(boss, JUNE), tmp_path / "used.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["# Used vs ignored"]
    headline = rows.index(["## Headline"])
    assert rows[headline + 1] == ["measure", "value"]
    assert ["Published pieces", "6"] in rows and ["Pieces used", "2"] in rows
    ignored = rows.index(["## Ignored pieces (no use in the period)"])
    assert rows[ignored + 1] == ["piece_id", "title", "owner", "age_days", "why_ignored", "review_by", "stale"]
    assert rows[ignored + 2] == ["3", "Case Study Acme", "Otto", "20", "opened but never used in a call or sent",
                                 "2025-01-01", ""]
    definitions = rows.index(["## Definitions"])
    assert any(r and r[0].startswith("Used = at least one event") for r in rows[definitions:])


def test_xlsx_has_a_summary_and_a_sheet_per_table(world: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    lib, boss = world
    path = lib.reports.export(boss, list(REPORTS), "xlsx", tmp_path / "all.xlsx", JUNE)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Summary"
    assert {"used ignored", "coverage grid", "trends over time", "adoption reps", "search-gaps gaps",
            "requests by gate", "freshness stale", "hours-saved by person", "helpfulness by gate"} <= set(wb.sheetnames)
    sheet = wb["adoption reps"]
    assert [c.value for c in sheet[1]] == ["user_id", "rep", "team", "uses", "events", "searches", "active",
                                           "last_active"]
    assert sheet[1][0].font.bold
    assert [c.value for c in sheet[4]][1:4] == ["Rita", "East", 5]
    summary = [tuple(r) for r in wb["Summary"].iter_rows(values_only=True)]
    assert ("Estimated hours saved", 20) in [(a, b) for a, b, *_ in summary]
    assert any(r[0] and str(r[0]).startswith("hours saved = reuses") for r in summary)


def test_pdf_has_title_page_charts_and_sections(world: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    lib, boss = world
    path = lib.reports.export(boss, list(REPORTS), "pdf", tmp_path / "meeting.pdf", JUNE)
    reader = PdfReader(str(path))
    text = [page.extract_text() for page in reader.pages]
    assert "Sales content report" in text[0] and "33.3%" in text[0]  # share of published pieces used
    assert "hours saved = reuses × hours to build a piece from scratch" in text[0]
    everything = "\n".join(text)
    for title in ("Used vs ignored", "Coverage map", "Top and trending pieces", "Adoption", "Search gaps",
                  "Content requests", "Freshness", "Hours saved (estimate)", "Helpfulness"):
        assert title in everything
    assert "worth-investment" in everything and "GAP: no piece" in everything  # the coverage heat grid
    assert "Uses per week" in everything and "Top pieces by uses" in everything
    assert 9 <= len(reader.pages) <= 25


def test_text_rendering_is_aligned(world: Any) -> None:
    lib, boss = world
    text = render_text(lib.reports.freshness(boss, JUNE))
    lines = text.splitlines()
    assert lines[0] == "Freshness"
    assert any(line.startswith("Share stale") and line.endswith("50.0%") for line in lines)
    header = next(i for i, line in enumerate(lines) if line.startswith("owner"))
    assert lines[header + 1].startswith("-----")
    assert lines[header + 2].split() == ["Mona", "3", "2", "66.7%", "60"]


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["report", *argv])


def test_cli_json_and_options(world: Any) -> None:
    lib, boss = world
    out = io.StringIO()
    assert cli.run(_args("used", "--since", "2024-06-01", "--until", "2024-06-30", "--json"), lib, boss, out) == 0
    data = json.loads(out.getvalue())
    assert data["headline"]["published"] == 6 and data["headline"]["used"] == 2
    assert data["tables"][0]["rows"][0][:4] == [3, "Case Study Acme", "Otto", 20]
    out = io.StringIO()
    cli.run(_args("hours-saved", "--since", "30d", "--rep", "Ravi", "--hours-per-piece", "3", "--json"), lib, boss, out)
    data = json.loads(out.getvalue())
    assert (data["headline"]["reuses"], data["headline"]["hours_saved"]) == (2, 6.0)  # since 2024-05-31
    out = io.StringIO()
    cli.run(_args("coverage", "--stage", "evaluation", "--type", "battlecard", "--csv"), lib, boss, out)
    assert "better-than-alternatives,Why this over the alternatives?,1,1,3,60,ok" in out.getvalue()
    out = io.StringIO()
    cli.run(_args("list"), lib, boss, out)
    assert [line.split()[0] for line in out.getvalue().splitlines()] == list(REPORTS)
    out = io.StringIO()
    cli.run(_args("trends", "--since", "2024-06-01", "--until", "2024-06-30", "--bucket", "month"), lib, boss, out)
    assert "Uses per month" in out.getvalue() and "2024-06" in out.getvalue()


def test_cli_files_and_errors(world: Any, tmp_path: Path) -> None:
    lib, boss = world
    out = io.StringIO()
    cli.run(_args("all", "--pdf", str(tmp_path / "m.pdf"), "--since", "2024-06-01"), lib, boss, out)
    assert (tmp_path / "m.pdf").stat().st_size > 5_000 and "Wrote" in out.getvalue()
    cli.run(_args("freshness", "--xlsx", str(tmp_path / "f.xlsx")), lib, boss, io.StringIO())
    assert (tmp_path / "f.xlsx").exists()
    for argv, message in ((("nope",), "No report called"), (("used", "--since", "yesterday"), "--since must be"),
                          (("used", "--rep", "Nobody"), "No user called"), (("used", "--stage", "x"), "No stage"),
                          (("all",), "needs --xlsx"),
                          (("used", "--since", "2024-06-02", "--until", "2024-06-01"), "is after")):
        with pytest.raises(InvalidInput, match=message):
            cli.run(_args(*argv), lib, boss, io.StringIO())


def test_parse_day() -> None:
    assert cli.parse_day("90d", TODAY, "--since") == date(2024, 4, 1)
    assert cli.parse_day("2w", TODAY, "--since") == date(2024, 6, 16)
    assert cli.parse_day("2024-01-02", TODAY, "--since") == date(2024, 1, 2)


@pytest.mark.parametrize("fmt, names", [("csv", ["used"]), ("xlsx", ["used", "coverage"]), ("pdf", ["used"])])
def test_a_failed_final_rename_leaves_no_part_file_and_says_so(world: Any, tmp_path: Path, fmt: str,
                                                                names: list[str]) -> None:
    """The export is written beside its target as ``.part`` and renamed over it; when the rename
    fails (here, for real: the target is a folder that is not empty) the ``.part`` file is removed
    and the error says what happened, in one line."""
    from enablement.errors import StorageError

    lib, boss = world
    out = tmp_path / "out"
    target = out / f"report.{fmt}"
    (target / "keep").mkdir(parents=True)  # a folder, with something in it, where the file should go
    with pytest.raises(StorageError, match=r"Could not save report\.\w+ in .*; the unfinished file was removed\.") as err:
        lib.reports.export(boss, names, fmt, target, JUNE)
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in out.iterdir()) == [f"report.{fmt}"]  # no report.*.part beside it
    assert (target / "keep").is_dir()  # and what was there is untouched


def test_a_failed_write_leaves_no_part_file(world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, boss = world
    out = tmp_path / "out"
    out.mkdir()
    report = lib.reports.used_vs_ignored(boss, JUNE)

    class Refuses(Exception):
        pass

    import enablement.reports.export as export

    real = export.write_csv

    def write_half(rep: Any, stream: Any) -> None:  # a real partial write, then the failure
        real(rep, stream)
        raise Refuses()

    monkeypatch.setattr(export, "write_csv", write_half)  # fault injection: the writer fails half-way
    with pytest.raises(Refuses):
        to_csv(report, out / "used.csv")
    assert list(out.iterdir()) == []
