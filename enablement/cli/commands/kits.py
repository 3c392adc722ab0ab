"""``kit create|add|list|export``: kits of pieces for one account or call."""

from __future__ import annotations

import argparse
from pathlib import Path

from enablement.display import count
from enablement.cli.output import ProgressBar, print_json
from enablement.cli.registry import Registry
from enablement.models.dto import Actor
from enablement.services.library import Library

ORDER = 80


def register(registry: Registry) -> None:
    """Add ``kit``."""
    sp = registry.add("kit", cmd_kit, help="build and export kits")
    ksub = sp.add_subparsers(dest="action", required=True)
    kc = ksub.add_parser("create")
    kc.add_argument("name")
    kc.add_argument("--account", default="")
    kc.add_argument("--notes", default="")
    ka = ksub.add_parser("add")
    ka.add_argument("kit", type=int)
    ka.add_argument("pieces", type=int, nargs="+")
    ke = ksub.add_parser("export")
    ke.add_argument("kit", type=int)
    ke.add_argument("target", type=Path)
    ke.add_argument("--zip", action="store_true")
    kl = ksub.add_parser("list")
    kl.add_argument("--json", action="store_true")


def cmd_kit(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    if args.action == "create":
        kit_id = lib.kits.create(actor, args.name, args.account, args.notes).value
        replica = getattr(lib, "replica", None)
        if kit_id < 0 and replica is not None:  # made on a team laptop: sent now when the server answers
            getattr(lib, "push_quietly")()  # a team library (it has a replica)
            kit_id = replica.server_piece_ids("kit").get(kit_id, kit_id)
        print(f"Created kit {kit_id}: {args.name}")
    elif args.action == "add":
        for pid in args.pieces:
            lib.kits.add(actor, args.kit, pid)
        kit = lib.kits.get(actor, args.kit)
        print(f"'{kit.name}' now holds {count(len(kit.items), 'piece')}.")
        for w in kit.warnings:
            print(f"warning: {w}")
    elif args.action == "list":
        kits = lib.kits.list(actor)
        if args.json:
            print_json(kits)
        else:
            for k in kits:
                print(f"{k.id:>4}  {k.name}  ({count(len(k.items), 'piece')}){'  account: ' + k.account if k.account else ''}")
    else:
        kit = lib.kits.get(actor, args.kit)
        for w in kit.warnings:
            print(f"warning: {w}")
        bar = ProgressBar("Exporting")
        result = lib.kits.export(actor, args.kit, args.target, as_zip=args.zip, progress=bar).value
        bar.close()
        print(f"Exported {count(len(result.files), 'file')} to {result.folder}")
        print(f"Merged PDF: {result.merged_pdf} ({count(result.merged_pages, 'page')}, cover included)")
        if result.zip_path:
            print(f"Zip: {result.zip_path}")
        for s in result.skipped:
            print(f"note: {s}")
    return 0
