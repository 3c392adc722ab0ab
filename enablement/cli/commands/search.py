"""``search``: the query language over the library (see the README)."""

from __future__ import annotations

import argparse
import html
import re
from typing import TYPE_CHECKING

from enablement.cli.output import print_json
from enablement.cli.registry import Registry
from enablement.display import count, escape_display as shown, pages_phrase
from enablement.models.dto import Actor
from enablement.search.documents import SORT_ORDERS
from enablement.services.library import Library

if TYPE_CHECKING:
    from enablement.services.search import SearchOutcome

ORDER = 60


def register(registry: Registry) -> None:
    """Add ``search``."""
    sp = registry.add("search", cmd_search, help="search the library (see the README for the query language)")
    sp.add_argument("query", nargs="?", default="")
    sp.add_argument("--sort", choices=SORT_ORDERS, default="relevance")
    sp.add_argument("--archived", action="store_true", help="include archived pieces")
    sp.add_argument("--limit", type=int, default=20)
    sp.add_argument("--facets", action="store_true", help="also print facet counts")
    sp.add_argument("--json", action="store_true")


def cmd_search(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    outcome = lib.search.search(actor, args.query, sort=args.sort, include_archived=args.archived,
                                limit=max(1, min(args.limit, 500)), log_search=True)
    print_outcome(outcome, args.json, args.facets)
    return 0


def print_outcome(outcome: "SearchOutcome", as_json: bool, facets: bool = False) -> None:
    """A search's hits as the terminal shows them (or JSON), then the count and facets."""
    r = outcome.results
    if as_json:
        print_json({"total": r.total, "hints": r.hints, "did_you_mean": r.did_you_mean,
                    "hits": [{"piece": p, "score": h.score, "snippet": h.snippet, "pages": list(h.pages)}
                             for h, p in zip(r.hits, outcome.pieces)],
                    "facets": outcome.facets if facets else None})
        return
    for hint in r.hints:
        print(f"hint: {hint}")
    if r.did_you_mean:
        print(f"Did you mean: {r.did_you_mean}")
    for h, p in zip(r.hits, outcome.pieces):
        stale = "  STALE" if p.stale else ""
        print(f"{p.id:>5}  {shown(p.title)}{stale}  ({', '.join(p.labels('stage')) or 'no stage'})")
        snippet = re.sub(r"</?b>", "*", h.snippet)  # matches stand out in a terminal
        where = pages_phrase(h.pages, p.file_type)
        if where:
            print(f"       {where}")
        if snippet:
            print(f"       {shown(html.unescape(snippet))[:160]}")
    print(count(r.total, "result"))
    if facets:
        for f in outcome.facets:
            print(f"  {f.dimension}: {f.label} ({f.count})")
