"""``taxonomy show|export|import``."""

from __future__ import annotations

import argparse
from pathlib import Path

from enablement.cli.output import print_json
from enablement.cli.registry import Registry
from enablement.models.dto import Actor
from enablement.services.library import Library

ORDER = 30


def register(registry: Registry) -> None:
    """Add ``taxonomy``."""
    sp = registry.add("taxonomy", cmd_taxonomy, help="export or import the taxonomy")
    tsub = sp.add_subparsers(dest="action", required=True)
    tsub.add_parser("show", help="print the taxonomy").add_argument("--json", action="store_true")
    tsub.add_parser("export", help="write the taxonomy to a file").add_argument("file", type=Path)
    ti = tsub.add_parser("import", help="merge a taxonomy file (by key; never deletes)")
    ti.add_argument("file", type=Path)
    ti.add_argument("--retire-missing", action="store_true")


def cmd_taxonomy(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    if args.action == "export":
        path = lib.taxonomy.export_file(args.file)
        print(f"Wrote {path}")
    elif args.action == "import":
        counts = lib.taxonomy.import_file(actor, args.file, retire_missing=args.retire_missing).value
        print(f"Taxonomy merged: {counts['added']} added, {counts['updated']} updated, {counts['retired']} retired.")
    else:
        info = lib.taxonomy.get()
        if args.json:
            print_json(info)
            return 0
        for s in info.stages:
            print(f"{s.name}{' (retired)' if s.retired else ''}  [{s.key}]")
            for g in s.gates:
                print(f"   - {g.question}{' (retired)' if g.retired else ''}  [{g.key}]")
        for facet, values in info.facets.items():
            print(f"{facet}: {', '.join(v.label for v in values if not v.retired)}")
    return 0
