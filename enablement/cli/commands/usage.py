"""``log-use``: record that a piece was used with a buyer."""

from __future__ import annotations

import argparse
from typing import Any

from enablement.cli.arguments import optional_tag
from enablement.cli.registry import Registry
from enablement.models.dto import Actor, UseRecord
from enablement.services.library import Library
from enablement.services.usage import KINDS

ORDER = 70


def register(registry: Registry) -> None:
    """Add ``log-use``."""
    sp = registry.add("log-use", cmd_log_use, help="record a use of a piece")
    sp.add_argument("id", type=int, help="piece id")
    sp.add_argument("kind", choices=KINDS)
    sp.add_argument("--account", default="")
    sp.add_argument("--stage", help="the deal's stage")
    sp.add_argument("--gate", help="the gate the buyer is at")
    sp.add_argument("--helpful", choices=["yes", "no"])
    sp.add_argument("--comment", default="")
    sp.add_argument("--event-id", help="the client's UUID for this event (a retry with it stores nothing)")


def cmd_log_use(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    kwargs: dict[str, Any] = {}
    if args.event_id:
        kwargs["id"] = args.event_id
    record = UseRecord(kind=args.kind, piece_id=args.id, account=args.account,
                       deal_stage_id=optional_tag(lib, "stage", args.stage),
                       gate_id=optional_tag(lib, "gate", args.gate),
                       helpful={"yes": True, "no": False}.get(args.helpful or ""), comment=args.comment,
                       **kwargs)
    stored = lib.usage.record(actor, record).value
    print(f"Recorded {args.kind} of piece {args.id} ({record.id})." if stored
          else f"Already recorded ({record.id}); nothing stored twice.")
    return 0
