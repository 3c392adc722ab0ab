"""``request create|list|fulfil|decline``: asking for a missing piece, and triage."""

from __future__ import annotations

import argparse

from enablement.cli.arguments import optional_tag, parse_date
from enablement.cli.output import print_json
from enablement.cli.registry import Registry
from enablement.models.dto import Actor
from enablement.services.library import Library

ORDER = 90


def register(registry: Registry) -> None:
    """Add ``request``."""
    sp = registry.add("request", cmd_request, help="ask for a missing piece, or triage requests")
    rsub = sp.add_subparsers(dest="action", required=True)
    rc = rsub.add_parser("create")
    rc.add_argument("title")
    rc.add_argument("--need", default="")
    rc.add_argument("--stage")
    rc.add_argument("--gate")
    rc.add_argument("--persona")
    rc.add_argument("--industry")
    rc.add_argument("--account", default="")
    rc.add_argument("--due", help="YYYY-MM-DD")
    rl = rsub.add_parser("list")
    rl.add_argument("--status", choices=["open", "in_progress", "fulfilled", "declined"])
    rl.add_argument("--json", action="store_true")
    rf = rsub.add_parser("fulfil")
    rf.add_argument("request", type=int)
    rf.add_argument("piece", type=int)
    rd = rsub.add_parser("decline")
    rd.add_argument("request", type=int)
    rd.add_argument("reason")


def cmd_request(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    if args.action == "create":
        due = parse_date(args.due) if args.due else None
        rid = lib.requests.create(
            actor, args.title, args.need,
            stage_id=optional_tag(lib, "stage", args.stage),
            gate_id=optional_tag(lib, "gate", args.gate),
            persona_id=optional_tag(lib, "persona", args.persona),
            industry_id=optional_tag(lib, "industry", args.industry),
            account=args.account, due=due).value
        print(f"Request {rid} filed: {args.title}")
    elif args.action == "list":
        rows = lib.requests.list(actor, statuses=(args.status,) if args.status else None)
        if args.json:
            print_json(rows)
        else:
            for r in rows:
                where = " / ".join(x for x in (r.stage, r.gate) if x) or "-"
                outcome = (f" → {r.piece_title}" if r.piece_title else "") + \
                          (f" (declined: {r.decline_reason})" if r.decline_reason else "")
                print(f"{r.id:>4}  {r.status:<11} {r.title[:50]:<50} {r.requester:<18} {where[:40]}{outcome}")
    elif args.action == "fulfil":
        lib.requests.fulfil(actor, args.request, args.piece)
        print(f"Request {args.request} fulfilled with piece {args.piece}.")
    else:
        lib.requests.decline(actor, args.request, args.reason)
        print(f"Request {args.request} declined.")
    return 0
