"""``shelf list|save|run|rename|delete|recommend|recent`` and ``favourite add|remove|list``:
saved and recommended searches, favourite pieces, recently opened pieces."""

from __future__ import annotations

import argparse

from enablement.cli.arguments import optional_tag
from enablement.cli.output import print_json
from enablement.cli.registry import Registry
from enablement.display import count, escape_display as shown
from enablement.errors import InvalidInput
from enablement.models.dto import Actor, TaxonomyInfo
from enablement.models.shelves import SavedSearchInfo
from enablement.models.vocab import FACETS
from enablement.search.documents import SORT_ORDERS
from enablement.services.library import Library
from enablement.services.taxonomy import resolve_tag

ORDER = 65
ALIASES = {"type": "content_type", "lang": "language"}  # as the query language names them


def register(registry: Registry) -> None:
    """Add ``shelf`` and ``favourite``."""
    sp = registry.add("shelf", cmd_shelf, help="saved and recommended searches, recently opened pieces")
    sub = sp.add_subparsers(dest="action", required=True)
    sl = sub.add_parser("list", help="your saved searches and the recommended ones")
    sl.add_argument("--counts", action="store_true", help="also count what each finds now")
    sl.add_argument("--json", action="store_true")
    ss = sub.add_parser("save", help="save a search under a name")
    ss.add_argument("name")
    ss.add_argument("query", nargs="?", default="")
    ss.add_argument("--filter", action="append", default=[], metavar="DIMENSION=VALUE",
                    help="a filter, e.g. stage=evaluation or persona=CFO (repeatable)")
    ss.add_argument("--sort", choices=SORT_ORDERS, default="relevance")
    ss.add_argument("--recommend", action="store_true", help="share it with everyone (marketing, admins)")
    ss.add_argument("--for-stage", help="recommended for this stage (name or key)")
    ss.add_argument("--for-gate", help="recommended for this gate (key or question)")
    ss.add_argument("--replace", action="store_true", help="replace a search of the same name")
    sr = sub.add_parser("run", help="run a saved search")
    sr.add_argument("search", help="its name or id")
    sr.add_argument("--limit", type=int, default=20)
    sr.add_argument("--json", action="store_true")
    sn = sub.add_parser("rename")
    sn.add_argument("search", help="its name or id")
    sn.add_argument("name")
    sd = sub.add_parser("delete")
    sd.add_argument("search", help="its name or id")
    sc = sub.add_parser("recommend", help="share a saved search with everyone (marketing, admins)")
    sc.add_argument("search", help="its name or id")
    sc.add_argument("--for-stage")
    sc.add_argument("--for-gate")
    sc.add_argument("--off", action="store_true", help="take the recommendation back")
    rc = sub.add_parser("recent", help="the pieces you opened lately")
    rc.add_argument("--limit", type=int, default=20)
    rc.add_argument("--json", action="store_true")

    fp = registry.add("favourite", cmd_favourite, help="star pieces and list your favourites")
    fsub = fp.add_subparsers(dest="action", required=True)
    for action in ("add", "remove"):
        fa = fsub.add_parser(action)
        fa.add_argument("pieces", type=int, nargs="+")
    fl = fsub.add_parser("list")
    fl.add_argument("--json", action="store_true")


def parse_filters(taxonomy: TaxonomyInfo, given: list[str]) -> dict[str, set[str]]:
    """``--filter DIMENSION=VALUE`` options as the search's filters (tags named by key, name or label)."""
    out: dict[str, set[str]] = {}
    for item in given:
        dimension, sep, value = item.partition("=")
        dimension, value = ALIASES.get(dimension.strip().lower(), dimension.strip().lower()), value.strip()
        if not sep or not dimension or not value:
            raise InvalidInput(f"'{item}' is not a filter; write DIMENSION=VALUE, e.g. stage=evaluation.")
        if dimension in ("stage", "gate", *FACETS):
            tag_id = resolve_tag(taxonomy, dimension, value)
            if dimension == "stage":
                value = next(s.key for s in taxonomy.stages if s.id == tag_id)
            elif dimension == "gate":
                value = next(g.key for s in taxonomy.stages for g in s.gates if g.id == tag_id)
            else:
                value = next(v.key for v in taxonomy.facets[dimension] if v.id == tag_id)
        out.setdefault(dimension, set()).add(value)
    return out


def cmd_shelf(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    shelves = lib.shelves
    if args.action == "list":
        searches = shelves.searches(actor)
        counts = {s.id: n for s in searches if args.counts and (n := shelves.count(actor, s)) is not None}
        if args.json:
            print_json([{**_as_dict(s), "count": counts.get(s.id)} for s in searches])
            return 0
        if not searches:
            print("No saved searches yet: `enablement shelf save NAME QUERY` saves one.")
        for s in searches:
            mark = "recommended" + (f" for {s.target}" if s.target else "") if s.recommended else "yours"
            found = f"  ({count(counts[s.id], 'piece')})" if s.id in counts else ""
            print(f"{s.id:>4}  {shown(s.name)}{found}  [{shown(mark)}]")
            print(f"      {shown(s.describe())}")
    elif args.action == "save":
        taxonomy = lib.taxonomy.get()
        search_id = shelves.save(
            actor, args.name, args.query, parse_filters(taxonomy, args.filter), args.sort,
            recommended=args.recommend or bool(args.for_stage or args.for_gate),
            stage_id=optional_tag(lib, "stage", args.for_stage), gate_id=optional_tag(lib, "gate", args.for_gate),
            replace=args.replace).value
        saved = shelves.get(actor, search_id)
        print(f"Saved search {search_id}: {shown(saved.name)} ({shown(saved.describe())})"
              + (f", recommended{' for ' + saved.target if saved.target else ''}" if saved.recommended else ""))
    elif args.action == "run":
        from enablement.cli.commands.search import print_outcome

        saved = shelves.find(actor, args.search)
        outcome = lib.search.search(actor, saved.query, sort=saved.sort, filters=saved.filter_map(),
                                    limit=max(1, min(args.limit, 500)))
        if not args.json:
            print(f"{shown(saved.name)}: {shown(saved.describe())}")
        print_outcome(outcome, args.json)
    elif args.action == "rename":
        saved = shelves.find(actor, args.search)
        shelves.rename(actor, saved.id, args.name)
        print(f"Renamed '{shown(saved.name)}' to '{shown(' '.join(args.name.split()))}'.")
    elif args.action == "delete":
        saved = shelves.find(actor, args.search)
        shelves.delete(actor, saved.id)
        print(f"Deleted the saved search '{shown(saved.name)}'.")
    elif args.action == "recommend":
        saved = shelves.find(actor, args.search)
        shelves.recommend(actor, saved.id, not args.off, optional_tag(lib, "stage", args.for_stage),
                          optional_tag(lib, "gate", args.for_gate))
        now = shelves.get(actor, saved.id)
        print(f"'{shown(now.name)}' is " + (f"recommended to everyone{' for ' + now.target if now.target else ''}."
                                            if now.recommended else "no longer recommended."))
    else:
        recent = shelves.recent(actor, max(1, min(args.limit, 200)))
        if args.json:
            print_json([{"piece": r.piece, "at": r.at, "kind": r.kind} for r in recent])
            return 0
        if not recent:
            print("Nothing opened yet.")
        for r in recent:
            print(f"{r.piece.id:>5}  {shown(r.piece.title)}  ({r.kind.replace('_', ' ')} {r.at:%Y-%m-%d %H:%M})")
    return 0


def cmd_favourite(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    shelves = lib.shelves
    if args.action in ("add", "remove"):
        for pid in args.pieces:
            shelves.set_favourite(actor, pid, args.action == "add")
        print(f"{'Starred' if args.action == 'add' else 'Unstarred'} {count(len(args.pieces), 'piece')}.")
        return 0
    favourites = shelves.favourites(actor)
    if args.json:
        print_json([{"piece_id": f.piece_id, "title": f.title, "starred_at": f.starred_at, "note": f.note,
                     "piece": f.piece} for f in favourites])
        return 0
    if not favourites:
        print("No favourites yet: `enablement favourite add ID` stars a piece.")
    for f in favourites:
        print(f"{f.piece_id:>5}  {shown(f.title)}" + (f"  ({f.note})" if f.note else ""))
    return 0


def _as_dict(s: SavedSearchInfo) -> dict[str, object]:
    from dataclasses import asdict

    out = asdict(s)
    out["filters"] = {d: list(keys) for d, keys in s.filters}
    return out
