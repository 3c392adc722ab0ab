"""Report 7: freshness. Published pieces past their review date, by owner.

Stale = review-by date before today (as of today, whatever the period). The period only
sets the "used in period" column of the stale list: a stale piece still in use is the riskiest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import and_, func, select

from enablement.reports.base import (all_of, DEFINITIONS, PIECES, USE, Report, ReportFilter, ReportTable, count_if, fetch,
                                     published_conditions, ratio)
from enablement.reports.pieces import pieces_with_events
from enablement.storage.source import ReadContext


@dataclass(frozen=True, kw_only=True)
class FreshnessReport(Report):
    published: int
    stale: int
    share_stale: Optional[float]
    no_review_date: int
    HEADLINE = (("published", "Published pieces"), ("stale", "Past their review date"),
                ("share_stale", "Share stale"), ("no_review_date", "Without a review date"))


def freshness(ctx: ReadContext, f: ReportFilter) -> FreshnessReport:
    """Stale published pieces by owner, and the list of stale pieces."""
    today = ctx.today()
    where = all_of(published_conditions(f))
    stale = and_(PIECES.c.review_by.is_not(None), PIECES.c.review_by < today)
    owner = PIECES.c.owner
    by_owner = fetch(ctx.engine, select(owner, func.count().label("published"), count_if(stale).label("stale"),
                                        func.min(PIECES.c.review_by).filter(stale).label("oldest"))
                     .where(where).group_by(owner).order_by(count_if(stale).desc(), owner))
    stale_rows = fetch(ctx.engine, select(PIECES.c.id, PIECES.c.title, owner, PIECES.c.review_by)
                       .where(where, stale).order_by(PIECES.c.review_by, PIECES.c.title, PIECES.c.id))
    in_use = pieces_with_events(ctx.engine, f, [r.id for r in stale_rows], USE)
    no_date = fetch(ctx.engine, select(func.count()).where(where, PIECES.c.review_by.is_(None)))[0][0]
    owners = tuple((r.owner or "(no owner)", int(r.published), int(r.stale), ratio(int(r.stale), int(r.published)),
                    (today - r.oldest).days if r.oldest else None) for r in by_owner)
    pieces = tuple((r.id, r.title, r.owner or "(no owner)", r.review_by, (today - r.review_by).days,
                    "yes" if r.id in in_use else "no") for r in stale_rows)
    published = sum(o[1] for o in owners)
    n_stale = len(pieces)
    notes = (DEFINITIONS["stale"], DEFINITIONS["published"],
             "Days overdue = days since the review-by date. Used in period: a stale piece still in use is the "
             "riskiest (see 'used').")
    tables = (
        ReportTable("by_owner", "Stale pieces by owner",
                    ("owner", "published", "stale", "share_stale", "most_days_overdue"), owners),
        ReportTable("stale", "Pieces past their review date (most overdue first)",
                    ("piece_id", "title", "owner", "review_by", "days_overdue", "used_in_period"), pieces),
    )
    return FreshnessReport(name="freshness", title="Freshness", filter=f, today=today, tables=tables, notes=notes,
                           published=published, stale=n_stale, share_stale=ratio(n_stale, published),
                           no_review_date=int(no_date))
