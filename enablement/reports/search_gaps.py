"""Report 5: search gaps. The queries that found nothing (zero results) or whose results
nobody opened, mapped to a stage/gate when the query names one; each row can be turned
into a content request with one click (``gap_request``).

Queries are grouped case-insensitively after trimming spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import and_, func, select

from enablement.display import count
from enablement.models.dto import TaxonomyInfo
from enablement.reports.base import (all_of, SEARCHES, Report, ReportFilter, ReportTable, count_if, fetch, ratio,
                                     search_conditions)
from enablement.storage.source import ReadContext

TOP_N = 50
_STOPWORDS = frozenset("a an and are for from how is it of on or our the this to we what with".split())


@dataclass(frozen=True, kw_only=True)
class SearchGapsReport(Report):
    searches: int
    zero_result_searches: int
    unopened_searches: int
    share_unanswered: Optional[float]
    gap_queries: int
    HEADLINE = (("searches", "Searches"), ("zero_result_searches", "Searches with zero results"),
                ("unopened_searches", "Searches with results but none opened"),
                ("share_unanswered", "Share of searches unanswered"), ("gap_queries", "Distinct gap queries"))


@dataclass(frozen=True)
class GapRequest:
    """The arguments of RequestService.create pre-filled from a gap row."""

    title: str
    need: str
    stage_id: Optional[int]
    gate_id: Optional[int]


def _words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def _has_phrase(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i:i + n] == phrase for i in range(len(words) - n + 1))


def resolve_stage_gate(query: str, taxonomy: TaxonomyInfo) -> tuple[Optional[int], Optional[int]]:
    """The stage and gate a query names, if any.

    A stage is named by its key or name as whole words ("evaluation"). A gate is named by its
    key ("security-ok" or "security ok"), its full question, or a word of its key (4+ letters,
    not a common word) that no other gate key contains ("security" → security-ok). A named
    gate implies its stage; a gate of another stage than the named stage is dropped."""
    words = _words(query)
    stages = [s for s in taxonomy.stages if not s.retired]
    stage = next((s for s in stages if _has_phrase(words, _words(s.key)) or _has_phrase(words, _words(s.name))),
                 None)
    gates = [g for s in stages for g in s.gates if not g.retired]
    owners: dict[str, set[int]] = {}
    for g in gates:
        for w in set(_words(g.key)):
            owners.setdefault(w, set()).add(g.id)
    gate = next((g for g in gates if _has_phrase(words, _words(g.key)) or _has_phrase(words, _words(g.question))),
                None)
    if gate is None:
        for w in words:
            ids = owners.get(w, set())
            if len(w) >= 4 and w not in _STOPWORDS and len(ids) == 1:
                gate = next(g for g in gates if g.id in ids)
                break
    if gate is not None and stage is not None and gate.stage_id != stage.id:
        gate = None
    stage_id = stage.id if stage else (gate.stage_id if gate else None)
    return stage_id, gate.id if gate else None


def search_gaps(ctx: ReadContext, f: ReportFilter) -> SearchGapsReport:
    """Top queries with zero results or no opened result, mapped to stage/gate."""
    today = ctx.today()
    conds = all_of(search_conditions(f))
    zero = SEARCHES.c.result_count == 0
    unopened = and_(SEARCHES.c.result_count > 0, SEARCHES.c.opened_piece_id.is_(None))
    totals = fetch(ctx.engine, select(func.count(), count_if(zero), count_if(unopened)).where(conds))[0]
    q = func.lower(func.trim(SEARCHES.c.query)).label("q")
    misses = count_if(zero) + count_if(unopened)
    stmt = (select(q, func.count().label("searches"), count_if(zero).label("zero"),
                   count_if(unopened).label("unopened"), func.count(func.distinct(SEARCHES.c.user_id)).label("users"),
                   func.max(SEARCHES.c.occurred_at).label("last"), func.count().over().label("groups"))
            .where(conds).group_by(q).having(misses > 0).order_by(misses.desc(), func.count().desc(), q))
    taxonomy = ctx.taxonomy()
    found = fetch(ctx.engine, stmt if f.stage_id is not None else stmt.limit(TOP_N))
    count = int(found[0].groups) if found else 0
    rows: list[tuple[Any, ...]] = []
    for r in found:
        stage_id, gate_id = resolve_stage_gate(r.q, taxonomy)
        if f.stage_id is not None and stage_id != f.stage_id:
            continue
        stage, gate = taxonomy.stage(stage_id) if stage_id else None, taxonomy.gate(gate_id) if gate_id else None
        rows.append((r.q, int(r.searches), int(r.zero), int(r.unopened), int(r.users), r.last.date(),
                     stage.name if stage else "", gate.question if gate else "", stage_id, gate_id))
    rows = rows[:TOP_N]
    notes = ("Zero results = the search returned nothing. No open = results were shown but none was opened.",
             "Queries are grouped ignoring case and surrounding spaces; the top "
             f"{TOP_N} by unanswered searches are listed.",
             "Stage/gate = the stage or gate the query names (by key, name, question or a distinctive key word).")
    table = ReportTable("gaps", "Search gaps", ("query", "searches", "zero_results", "no_open", "reps", "last_searched",
                                                "stage", "gate", "stage_id", "gate_id"), tuple(rows))
    n, z, u = (int(x) for x in totals)
    gap_count = len(rows) if f.stage_id is not None else count
    return SearchGapsReport(name="search-gaps", title="Search gaps", filter=f, today=today, tables=(table,),
                            notes=notes, searches=n, zero_result_searches=z, unopened_searches=u,
                            share_unanswered=ratio(z + u, n), gap_queries=gap_count)


def gap_request(row: dict[str, Any]) -> GapRequest:
    """Pre-fill a content request from a gap row (a dict of the gaps table's columns)."""
    query = str(row["query"])
    need = (f"Reps searched for '{query}' {count(row['searches'], 'time')} without finding a piece: "
            f"{count(row['zero_results'], 'search', 'searches')} had no results and {row['no_open']} had results "
            "nobody opened.")
    return GapRequest(title=f"Content for: {query}"[:300], need=need, stage_id=row.get("stage_id"),
                      gate_id=row.get("gate_id"))
