"""`enablement report NAME ...`: every manager report on the command line.

    enablement report list
    enablement report used --since 90d --team West
    enablement report trends --bucket month --json
    enablement report coverage --csv > coverage.csv
    enablement report all --pdf meeting.pdf --since 2024-10-01

``run(args, library, actor, out)`` prints to ``out`` (stdout by default); UserFacingError from here
becomes a one-line message.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from enablement.cli.registry import Registry
from enablement.errors import InvalidInput
from enablement.models.dto import Actor
from enablement.reports.base import ReportFilter
from enablement.services.library import Library

ORDER = 100
ALL = "all"


def register(registry: Registry) -> None:
    """Add ``report``."""
    p = registry.add("report", run, help="manager reports (list, used, coverage, trends, ...)",
                     description="Run a manager report. 'report list' names them; 'all' exports every "
                                 "report (with --xlsx or --pdf).")
    p.add_argument("name", help="a report name, 'list', or 'all' (with --xlsx/--pdf)")
    p.add_argument("--since", help="first day: YYYY-MM-DD, or N days/weeks back (90d, 12w)")
    p.add_argument("--until", help="last day (YYYY-MM-DD); default today")
    p.add_argument("--rep", help="only this rep's activity (user name)")
    p.add_argument("--team", help="only this team's activity")
    p.add_argument("--stage", help="only pieces tagged with this stage (name or key)")
    p.add_argument("--type", dest="content_type", help="only pieces of this content type (label or key)")
    p.add_argument("--exclude-demo", action="store_true", help="leave out demo data")
    p.add_argument("--bucket", choices=("week", "month"), default="week", help="trends: group uses by week or month")
    p.add_argument("--hours-per-piece", type=float, help="hours-saved: hours to build a piece from scratch")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print CSV")
    out.add_argument("--xlsx", metavar="FILE", help="write an Excel workbook")
    out.add_argument("--pdf", metavar="FILE", help="write a meeting-ready PDF with charts")


def parse_day(text: str, today: date, what: str) -> date:
    """YYYY-MM-DD, or '90d' / '12w' counted back from today."""
    text = text.strip().lower()
    m = re.fullmatch(r"(\d+)\s*([dw])", text)
    if m:
        n = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        try:
            return today - timedelta(days=n)
        except OverflowError:
            raise InvalidInput(f"{what} goes back further than the calendar does ('{text}').") from None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{what} must be a date like 2024-10-01 or a span like 90d or 12w, not '{text}'.") from exc


def build_filter(args: argparse.Namespace, library: Library) -> ReportFilter:
    """The ReportFilter named by the command-line options (names resolved to ids)."""
    today = library.ctx.today()
    since = parse_day(args.since, today, "--since") if args.since else None
    until = parse_day(args.until, today, "--until") if args.until else None
    if since and until and since > until:
        raise InvalidInput(f"--since ({since}) is after --until ({until}).")
    user_id = None
    if args.rep:
        user = library.users.find(args.rep)
        if user is None:
            raise InvalidInput(f"No user called '{args.rep}'.")
        user_id = user.id
    taxonomy = library.ctx.taxonomy()
    stage_id = None
    if args.stage:
        wanted = args.stage.strip().lower()
        stage = next((s for s in taxonomy.stages if wanted in (s.name.lower(), s.key.lower())), None)
        if stage is None:
            raise InvalidInput(f"No stage '{args.stage}'. Stages: {', '.join(s.name for s in taxonomy.stages)}.")
        stage_id = stage.id
    type_id = None
    if args.content_type:
        wanted = args.content_type.strip().lower()
        values = taxonomy.facets.get("content_type", ())
        value = next((v for v in values if wanted in (v.label.lower(), v.key.lower())), None)
        if value is None:
            raise InvalidInput(f"No content type '{args.content_type}'. Types: {', '.join(v.label for v in values)}.")
        type_id = value.id
    return ReportFilter(since=since, until=until, team=args.team, user_id=user_id, stage_id=stage_id,
                        content_type_value_id=type_id, exclude_demo=bool(args.exclude_demo))


def _json_default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def run(args: argparse.Namespace, library: Library, actor: Actor, out: TextIO | None = None) -> int:
    """Run ``enablement report``; print to ``out`` (stdout) or write the chosen file."""
    from enablement.reports.export import csv_text
    from enablement.reports.text import render_text
    from enablement.services.reports_service import REPORTS

    out = out or sys.stdout
    name = args.name.strip().lower()
    if name == "list":
        width = max(len(n) for n in REPORTS)
        for spec in REPORTS.values():
            out.write(f"{spec.name.ljust(width)}  {spec.description}\n")
        return 0
    names = list(REPORTS) if name == ALL else [name]
    if name != ALL and name not in REPORTS:
        raise InvalidInput(f"No report called '{args.name}'. Reports: {', '.join(REPORTS)} (or 'list').")
    if name == ALL and not (args.xlsx or args.pdf or args.json):
        raise InvalidInput("'report all' needs --xlsx FILE, --pdf FILE or --json.")
    f = build_filter(args, library)
    options = {"bucket": args.bucket, "hours_per_piece": args.hours_per_piece}
    if args.xlsx or args.pdf:
        fmt, path = ("xlsx", args.xlsx) if args.xlsx else ("pdf", args.pdf)
        written = library.reports.export(actor, names, fmt, Path(path), f, **options)
        out.write(f"Wrote {written}\n")
        return 0
    reports = [library.reports.run(actor, n, f, **options) for n in names]
    if args.json:
        data: Any = reports[0].to_dict() if name != ALL else [r.to_dict() for r in reports]
        out.write(json.dumps(data, indent=2, default=_json_default, ensure_ascii=False) + "\n")
    elif args.csv:
        out.write(csv_text(reports[0]))
    else:
        out.write(render_text(reports[0]))
    return 0
