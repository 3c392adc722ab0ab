"""Report 3: top and trending pieces, usage over time (week or month) and by content type.

Top = most uses in the period (ties: lower piece id first). Trending = biggest rise in uses between the 28 days that
end the period and the 28 days before them (only pieces that rose). Usage over time lists
every week (labelled by its Monday) or month of the period, zero where nothing happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from enablement.reports.base import (all_of, CALL_OR_SENT_KINDS, DEFINITIONS, EVENTS, PIECES, USE, Report, ReportFilter,
                                     ReportTable, bucket_expr, bucket_labels, content_types, count_if,
                                     event_conditions, fetch, narrowed, ratio)
from enablement.reports.pieces import uses_by_piece
from enablement.storage.source import ReadContext

TOP_N = 10
TREND_DAYS = 28


@dataclass(frozen=True, kw_only=True)
class TrendsReport(Report):
    bucket: str
    uses: int
    pieces_used: int
    HEADLINE = (("uses", "Uses in the period"), ("pieces_used", "Pieces used"), ("bucket", "Bucket"))


def trends(ctx: ReadContext, f: ReportFilter, bucket: str = "week") -> TrendsReport:
    """Top and trending pieces, uses per week/month and uses by content type."""
    today = ctx.today()
    engine = ctx.engine
    label = bucket_expr(engine, EVENTS.c.occurred_at, bucket).label("bucket")
    series = {r.bucket: r for r in fetch(engine, select(label, func.count().label("uses"),
                                                        count_if(EVENTS.c.kind.in_(CALL_OR_SENT_KINDS)).label("buyer"))
                                         .where(all_of(event_conditions(f, USE, scan=engine if narrowed(f) else None)))
                                         .group_by(label))}
    over_time: list[tuple[Any, ...]] = []
    if series:
        first = f.since or min(_label_date(k) for k in series)
        last = f.until or today
        for key in bucket_labels(first, max(last, first), bucket):
            r = series.get(key)
            over_time.append((key, int(r.uses) if r else 0, int(r.buyer) if r else 0))
    end = f.until or today
    recent_from = datetime.combine(end - timedelta(days=TREND_DAYS - 1), time())
    uses = uses_by_piece(engine, f, recent_from, recent_from - timedelta(days=TREND_DAYS))
    top_ids = sorted(uses, key=lambda i: (-uses[i].uses, i))[:TOP_N]
    rising = sorted((i for i in uses if uses[i].recent > uses[i].before),
                    key=lambda i: (-(uses[i].recent - uses[i].before), i))[:TOP_N]
    titles = {r.id: r.title for r in fetch(engine, select(PIECES.c.id, PIECES.c.title)
                                           .where(PIECES.c.id.in_(set(top_ids) | set(rising))))}
    top = [(i, titles.get(i, ""), uses[i].uses) for i in top_ids]
    trending = [(i, titles.get(i, ""), uses[i].recent, uses[i].before, uses[i].recent - uses[i].before)
                for i in rising]
    by_type: dict[str, list[int]] = {}
    for piece_id, types in content_types(engine, None).items():
        if piece_id in uses:
            for t in types:
                by_type.setdefault(t, []).append(uses[piece_id].uses)
    total = sum(u.uses for u in uses.values())
    notes = (DEFINITIONS["used"], "Uses = events of the use kinds; with buyers = used in a call, sent or kit exported.",
             f"Trending compares uses in the {TREND_DAYS} days ending {end} with the {TREND_DAYS} days before "
             "(within the period).",
             "Weeks are labelled by their Monday. A piece with several content types counts in each.")
    tables = (
        ReportTable("over_time", f"Uses per {bucket}", (bucket, "uses", "with_buyers"), tuple(over_time)),
        ReportTable("top", f"Top {TOP_N} pieces", ("piece_id", "title", "uses", "share_of_uses"),
                    tuple((i, t, n, ratio(n, total)) for i, t, n in top)),
        ReportTable("trending", "Trending pieces", ("piece_id", "title", "uses_recent", "uses_before", "change"),
                    tuple(trending)),
        ReportTable("by_type", "Uses by content type", ("content_type", "pieces_used", "uses"),
                    tuple(sorted(((t, len(v), sum(v)) for t, v in by_type.items()), key=lambda r: (-r[2], r[0])))),
    )
    return TrendsReport(name="trends", title="Top and trending pieces", filter=f, today=today, tables=tables,
                        notes=notes, bucket=bucket, uses=total, pieces_used=len(uses))


def _label_date(label: str) -> date:
    return date.fromisoformat(label if len(label) == 10 else label + "-01")
