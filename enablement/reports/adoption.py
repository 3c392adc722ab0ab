"""Report 4: adoption. Active reps vs all reps, uses per rep, reps who never searched, and
rep-made versus marketing pieces in use.

Reps = active user accounts with role rep (in the chosen team / the chosen rep). A rep is
active in the period when they have any usage event or search in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import func, select

from enablement.models.vocab import Role
from enablement.reports.base import (all_of, DEFINITIONS, EVENTS, SEARCHES, USE, USERS, Report, ReportFilter, ReportTable,
                                     event_conditions, fetch, ratio, search_conditions, unindexed)
from enablement.reports.pieces import pieces_with_events, published_pieces
from enablement.storage.source import ReadContext


@dataclass(frozen=True, kw_only=True)
class AdoptionReport(Report):
    reps: int
    active_reps: int
    share_active: Optional[float]
    rep_uses: int
    uses_per_rep: Optional[float]
    reps_never_searched: int
    HEADLINE = (("reps", "Reps"), ("active_reps", "Active reps"), ("share_active", "Share of reps active"),
                ("rep_uses", "Uses by reps"), ("uses_per_rep", "Uses per rep (all reps)"),
                ("reps_never_searched", "Reps who never searched"))


def adoption(ctx: ReadContext, f: ReportFilter) -> AdoptionReport:
    """Who uses the library, how much, and whose pieces are in use."""
    today = ctx.today()
    engine = ctx.engine
    rep_conds = [USERS.c.role == Role.REP.value, USERS.c.active == True]  # noqa: E712
    if f.team is not None:
        rep_conds.append(USERS.c.team == f.team)
    if f.user_id is not None:
        rep_conds.append(USERS.c.id == f.user_id)
    if f.exclude_demo:
        rep_conds.append(USERS.c.is_demo == False)  # noqa: E712
    reps = fetch(engine, select(USERS.c.id, USERS.c.name, USERS.c.team).where(all_of(rep_conds))
                 .order_by(USERS.c.name))
    # Two queries on purpose: events and last activity per user come from the covering
    # (user_id, occurred_at) index; uses need the kind, i.e. one scan of the log.
    by_user = EVENTS.c.user_id
    if f.stage_id is not None or f.content_type_value_id is not None:
        by_user = unindexed(engine, by_user).label("user_id")  # piece filters need the table anyway
    events = {int(r.user_id): r for r in fetch(engine, select(
        by_user, func.count().label("events"), func.max(EVENTS.c.occurred_at).label("last"))
        .where(all_of(event_conditions(f, scan=engine))).group_by(by_user))}
    user = unindexed(engine, EVENTS.c.user_id).label("user_id")
    uses_of = {int(r.user_id): int(r.uses) for r in fetch(engine, select(user, func.count().label("uses"))
                                                       .where(all_of(event_conditions(f, USE, scan=engine)))
                                                       .group_by(user))}
    searches = {r.user_id: r for r in fetch(engine, select(
        SEARCHES.c.user_id, func.count().label("searches"), func.max(SEARCHES.c.occurred_at).label("last"))
        .where(all_of(search_conditions(f))).group_by(SEARCHES.c.user_id))}
    rows, active, uses, never_searched = [], 0, 0, []
    for rep in reps:
        e, s = events.get(rep.id), searches.get(rep.id)
        n_uses, n_events, n_searches = uses_of.get(rep.id, 0), int(e.events) if e else 0, int(s.searches) if s else 0
        is_active = n_events > 0 or n_searches > 0
        active += is_active
        uses += n_uses
        last = max([x.last for x in (e, s) if x is not None], default=None)
        if not n_searches:
            never_searched.append((rep.id, rep.name, rep.team, n_uses))
        rows.append((rep.id, rep.name, rep.team, n_uses, n_events, n_searches, "yes" if is_active else "no",
                     last.date() if last else None))
    notes = (DEFINITIONS["active_rep"], DEFINITIONS["used"],
             "Uses per rep = uses by reps / all reps (inactive reps count as zero).",
             "Events = usage events of any kind (uses, views, previews, feedback).",
             "Pieces in use = published pieces with a use in the period, by anyone in the filter.",
             DEFINITIONS["published"])
    tables = (
        ReportTable("reps", "Uses per rep", ("user_id", "rep", "team", "uses", "events", "searches", "active",
                                             "last_active"), tuple(rows)),
        ReportTable("never_searched", "Reps who never searched in the period", ("user_id", "rep", "team", "uses"),
                    tuple(never_searched)),
        ReportTable("by_source", "Rep-made vs marketing pieces in use",
                    ("source", "published", "pieces_used", "share_used"), _by_source(ctx, f)),
    )
    return AdoptionReport(name="adoption", title="Adoption", filter=f, today=today, tables=tables, notes=notes,
                          reps=len(reps), active_reps=active, share_active=ratio(active, len(reps)),
                          rep_uses=uses, uses_per_rep=ratio(uses, len(reps)),
                          reps_never_searched=len(never_searched))


def _by_source(ctx: ReadContext, f: ReportFilter) -> tuple[tuple[Any, ...], ...]:
    pieces = published_pieces(ctx.engine, f, ctx.today())
    used = pieces_with_events(ctx.engine, f, [p.id for p in pieces], USE)
    out = []
    for source, label in (("marketing", "marketing"), ("rep", "rep-made")):
        mine = [p.id for p in pieces if p.source == source]
        n_used = sum(1 for i in mine if i in used)
        out.append((label, len(mine), n_used, ratio(n_used, len(mine))))
    return tuple(out)
