"""The command line's actions over an open library (parsing lives in cli.py)."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from enablement.cli import ProgressBar, parse_date_arg, print_json
from enablement.errors import InvalidInput
from enablement.models.dto import Actor, PieceSummary
from enablement.models.vocab import FACETS, Outcome
from enablement.services.library import Library
from enablement.services.pieces import TagSelection
from enablement.services.taxonomy import resolve_tag

OUTCOME_WORDS = {
    Outcome.OK: "imported", Outcome.OK_NO_TEXT: "imported, no searchable text",
    Outcome.FAILED: "imported, but unreadable", Outcome.REJECTED: "rejected",
    Outcome.DUPLICATE: "duplicate", Outcome.CANCELLED: "not imported (cancelled)",
}


def tag_selection(lib: Library, args: argparse.Namespace) -> TagSelection | None:
    """Tags named on the command line (None when none were given)."""
    taxonomy = lib.taxonomy.get()
    stages = [resolve_tag(taxonomy, "stage", s) for s in args.stage] if args.stage else None
    gates = [resolve_tag(taxonomy, "gate", g) for g in args.gate] if args.gate else None
    facets = {f: [resolve_tag(taxonomy, f, v) for v in getattr(args, f)]
              for f in FACETS if getattr(args, f, None)}
    if stages is None and gates is None and not facets:
        return None
    return TagSelection(stages, gates, facets or None)


def piece_line(p: PieceSummary) -> str:
    flags = []
    if p.stale:
        flags.append("STALE")
    if p.outcome not in ("ok",):
        flags.append(p.outcome)
    if p.source == "rep":
        flags.append(f"rep-made:{p.review_state}")
    stages = ", ".join(p.labels("stage")) or "-"
    flag_text = f" [{' '.join(flags)}]" if flags else ""
    return f"{p.id:>5}  {p.status:<9} {p.file_type:<5} {p.title[:60]:<60} {stages[:30]}{flag_text}"


def dispatch(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    command = args.command
    handler = COMMANDS.get(command)
    if handler is not None:
        return handler(args, lib, actor)
    from enablement.cli_more import dispatch_more

    return dispatch_more(args, lib, actor)


def cmd_import(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    tags = tag_selection(lib, args)
    source = "rep" if args.rep_made else "marketing"
    if args.link:
        if not args.title:
            raise InvalidInput("A link needs --title.")
        done = lib.importer.add_link(actor, args.link, args.title, tags=tags, source=source)
        print(f"Added link {done.value}: {args.title}")
        return 0
    if not args.paths:
        raise InvalidInput("Name files or folders to import (or --link URL --title T).")
    for path in args.paths:
        if not path.exists():
            raise InvalidInput(f"No such file or folder: {path}")
    bar = ProgressBar("Importing")
    cancel = threading.Event()
    try:
        done = lib.importer.import_paths(actor, args.paths, tags=tags, source=source, owner=args.owner,
                                         progress=bar, cancel=cancel)
    except KeyboardInterrupt:
        cancel.set()
        raise
    finally:
        bar.close()
    summary = done.value
    if args.json:
        print_json(summary)
    else:
        for o in summary.outcomes:
            word = OUTCOME_WORDS.get(o.outcome, o.outcome)
            extra = f": {o.detail}" if o.detail else ""
            ident = f" (piece {o.piece_id})" if o.piece_id else ""
            print(f"{word:<30} {o.path}{ident}{extra}")
        counts = {}
        for o in summary.outcomes:
            counts[o.outcome] = counts.get(o.outcome, 0) + 1
        print("Summary: " + ", ".join(f"{n} {OUTCOME_WORDS.get(k, k)}" for k, n in sorted(counts.items())))
    failed = summary.count(Outcome.FAILED) + summary.count(Outcome.REJECTED)
    return 0 if not failed else 3


def cmd_list(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    statuses = None if args.status == "all" else ([args.status] if args.status else ["draft", "published"])
    pieces = lib.pieces.list(statuses=statuses)
    if args.json:
        print_json(pieces)
    else:
        for p in pieces:
            print(piece_line(p))
        print(f"{len(pieces)} pieces")
    return 0


def cmd_show(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    d = lib.pieces.get(args.id)
    if args.json:
        print_json(d)
        return 0
    s = d.summary
    print(f"{s.title}  (piece {s.id}, {s.status}, {s.source})")
    if d.url:
        print(f"  link:      {d.url}")
    print(f"  owner:     {s.owner or '-'}   review by: {s.review_by or '-'}{'  STALE' if s.stale else ''}")
    for dim in ("stage", "gate", *FACETS):
        labels = s.labels(dim)
        if labels:
            name = "type" if dim == "content_type" else dim
            print(f"  {name + ':':<11}{'; '.join(labels)}")
    print(f"  uses:      {s.use_count}")
    if d.description:
        print(f"  about:     {d.description}")
    for v in d.versions:
        detail = f" — {v.outcome_detail}" if v.outcome_detail else ""
        print(f"  v{v.number}: {v.original_name} ({v.file_type}, {v.size:,} bytes, "
              f"{v.page_count or '?'} pages) {v.outcome}{detail}")
    return 0


def cmd_tag(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    tags = tag_selection(lib, args)
    changed = False
    if tags is not None:
        lib.pieces.set_tags(actor, args.id, tags)
        changed = True
    review = parse_date_arg(args.review_by)
    if any(v is not None for v in (args.title, args.description, args.owner)) or review != "keep":
        lib.pieces.update(actor, args.id, title=args.title, description=args.description, owner=args.owner,
                          review_by=review)
        changed = True
    if not changed:
        raise InvalidInput("Nothing to change: give --stage/--gate/--persona/... or --title/--owner/--review-by.")
    print(f"Updated piece {args.id}.")
    return 0


PAST = {"publish": "Published", "archive": "Archived", "restore": "Restored", "purge": "Purged"}


def cmd_simple(action: str):  # type: ignore[no-untyped-def]
    def run(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
        getattr(lib.pieces, action)(actor, args.id)
        print(f"{PAST[action]} piece {args.id}.")
        return 0
    return run


def cmd_new_version(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    done = lib.importer.new_version(actor, args.id, args.path, note=args.note)
    o = done.value
    extra = f" ({o.detail})" if o.detail else ""
    print(f"New version of piece {args.id}: {o.outcome}{extra}")
    return 0


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


def cmd_users(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    if args.action == "add":
        user = lib.users.create(actor, args.name, args.role, args.team).value
        print(f"Added {user.name} ({user.role}).")
        return 0
    users = lib.users.list()
    if args.json:
        print_json(users)
    else:
        for u in users:
            print(f"{u.id:>4}  {u.name:<30} {u.role:<10} {u.team}")
    return 0


def cmd_check(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    if args.repair:
        if lib.ctx.index is not None:
            lib.ctx.index.ensure_fresh()
        removed = lib.maintenance.collect_garbage(actor)
        print(f"Repaired: index in step; removed {removed['blob_files']} unused files, "
              f"{removed['blob_rows']} unused file rows, {removed['temp_files']} temp files.")
    report = lib.maintenance.check(verify_hashes=not args.quick)
    if args.json:
        print_json({"ok": report.ok, "problems": report.problems, "facts": report.facts})
    else:
        for p in report.problems:
            print(f"PROBLEM [{p.kind}] {p.detail}")
        facts = report.facts
        print(f"{facts.get('pieces')} pieces, {facts.get('blobs')} files, schema {facts.get('schema')}; "
              f"collectable: {facts.get('collectable_blob_files')} unused files, "
              f"{facts.get('leftover_temp_files')} temp files")
        index = facts.get("index")
        if isinstance(index, dict) and index.get("problem"):
            print(f"note: {index['problem']}")
        print("Library is consistent." if report.ok else f"{len(report.problems)} problems found.")
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    path = lib.maintenance.backup(args.target)
    print(f"Backup written to {path}")
    return 0


COMMANDS = {
    "import": cmd_import, "list": cmd_list, "show": cmd_show, "tag": cmd_tag,
    "publish": cmd_simple("publish"), "archive": cmd_simple("archive"), "unarchive": cmd_simple("restore"),
    "purge": cmd_simple("purge"), "new-version": cmd_new_version, "taxonomy": cmd_taxonomy,
    "users": cmd_users, "check": cmd_check, "backup": cmd_backup,
}
