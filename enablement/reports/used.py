"""Report 1: used vs ignored, and why the ignored pieces are ignored.

Definitions: see ``DEFINITIONS`` (used, surfaced, opened, published, age, stale). An ignored
piece is a published piece with no use in the period; its reason is the furthest it got:
"opened, never used" (viewed/previewed) > "surfaced, never opened" (shown in a search
result) > "never surfaced". Archiving candidates are ignored pieces that are also stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from enablement.reports.base import (DEFINITIONS, Report, ReportFilter, ReportTable, exploded_shown_ids,
                                     fetch, ratio)
from enablement.reports.base import USE, VIEW_KINDS
from enablement.reports.pieces import pieces_with_events, published_pieces
from enablement.storage.source import ReadContext

NEVER_SURFACED = "never surfaced in any search"
SURFACED_NOT_OPENED = "surfaced but never opened"
OPENED_NOT_USED = "opened but never used in a call or sent"


@dataclass(frozen=True, kw_only=True)
class UsedVsIgnoredReport(Report):
    published: int
    used: int
    ignored: int
    share_used: Optional[float]
    never_surfaced: int
    surfaced_not_opened: int
    opened_not_used: int
    archive_candidates: int
    HEADLINE = (("published", "Published pieces"), ("used", "Pieces used"), ("ignored", "Pieces ignored"),
                ("share_used", "Share of published pieces used"),
                ("never_surfaced", "Ignored: never surfaced in any search"),
                ("surfaced_not_opened", "Ignored: surfaced but never opened"),
                ("opened_not_used", "Ignored: opened but never used in a call or sent"),
                ("archive_candidates", "Archiving candidates (stale and unused)"))


def used_vs_ignored(ctx: ReadContext, f: ReportFilter) -> UsedVsIgnoredReport:
    """Share of published pieces used in the period (the headline), the ignored pieces with
    owner, age and reason, and the archiving candidates (stale and unused)."""
    today = ctx.today()
    pieces = published_pieces(ctx.engine, f, today)
    published_ids = [p.id for p in pieces]
    used_ids = pieces_with_events(ctx.engine, f, published_ids, USE)
    viewed_ids = pieces_with_events(ctx.engine, f, [i for i in published_ids if i not in used_ids], VIEW_KINDS)
    shown = {int(r.piece_id) for r in fetch(ctx.engine, exploded_shown_ids(ctx.engine, f))}
    ignored_rows, candidates = [], []
    counts = {NEVER_SURFACED: 0, SURFACED_NOT_OPENED: 0, OPENED_NOT_USED: 0}
    used = 0
    for p in pieces:
        if p.id in used_ids:
            used += 1
            continue
        if p.id in viewed_ids:
            reason = OPENED_NOT_USED
        elif p.id in shown:
            reason = SURFACED_NOT_OPENED
        else:
            reason = NEVER_SURFACED
        counts[reason] += 1
        stale = p.stale(today)
        ignored_rows.append((p.id, p.title, p.owner, p.age_days, reason, p.review_by, "yes" if stale else ""))
        if stale and p.review_by is not None:  # stale means past its review-by date
            candidates.append((p.id, p.title, p.owner, p.age_days, p.review_by, (today - p.review_by).days))
    notes = (DEFINITIONS["published"], DEFINITIONS["used"], DEFINITIONS["surfaced"], DEFINITIONS["opened"],
             DEFINITIONS["age"], DEFINITIONS["stale"],
             "An ignored piece's reason is the furthest it got: opened (viewed/previewed) > surfaced > never surfaced.")
    tables = (
        ReportTable("ignored", "Ignored pieces (no use in the period)",
                    ("piece_id", "title", "owner", "age_days", "why_ignored", "review_by", "stale"),
                    tuple(ignored_rows)),
        ReportTable("reasons", "Why pieces are ignored", ("reason", "pieces"),
                    tuple((k, v) for k, v in counts.items())),
        ReportTable("archive_candidates", "Archiving candidates: stale and unused",
                    ("piece_id", "title", "owner", "age_days", "review_by", "days_overdue"), tuple(candidates)),
    )
    return UsedVsIgnoredReport(
        name="used", title="Used vs ignored", filter=f, today=today, tables=tables, notes=notes,
        published=len(pieces), used=used, ignored=len(pieces) - used, share_used=ratio(used, len(pieces)),
        never_surfaced=counts[NEVER_SURFACED], surfaced_not_opened=counts[SURFACED_NOT_OPENED],
        opened_not_used=counts[OPENED_NOT_USED], archive_candidates=len(candidates))

