"""Pieces: ``import``, ``list``, ``show``, ``tag``, ``publish``, ``rules``, ``archive``,
``unarchive``, ``purge`` and ``new-version``."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence
from pathlib import Path

from enablement.cli.arguments import add_tag_args, parse_date_arg, tag_selection
from enablement.cli.output import ProgressBar, print_json
from enablement.cli.registry import LibraryHandler, Registry
from enablement.display import escape_display as shown, listed, count
from enablement.errors import InvalidInput, NotFound, when_text
from enablement.models.dto import Actor, PieceSummary
from enablement.models.vocab import FACETS, Outcome
from enablement.services.library import Library
from enablement.services.permissions import PUBLISH_FIELDS

ORDER = 20

OUTCOME_WORDS: dict[str, str] = {
    Outcome.OK: "imported", Outcome.OK_NO_TEXT: "imported, no searchable text",
    Outcome.FAILED: "imported, but unreadable", Outcome.REJECTED: "rejected",
    Outcome.DUPLICATE: "duplicate", Outcome.CANCELLED: "not imported (cancelled)",
}


def piece_line(p: PieceSummary) -> str:
    flags = []
    if p.stale:
        flags.append("STALE")
    if p.expired:
        flags.append("EXPIRED")
    if p.outcome not in ("ok",):
        flags.append(p.outcome)
    if p.source == "rep":
        flags.append(f"rep-made:{p.review_state}")
    stages = ", ".join(p.labels("stage")) or "-"
    flag_text = f" [{' '.join(flags)}]" if flags else ""
    return f"{p.id:>5}  {p.status:<9} {p.file_type:<5} {shown(p.title)[:60]:<60} {shown(stages)[:30]}{flag_text}"


def register(registry: Registry) -> None:
    """Add the piece commands."""
    sp = registry.add("import", cmd_import, help="import files, folders (recursively) or --link URL")
    sp.add_argument("paths", nargs="*", type=Path)
    sp.add_argument("--link", help="add a link instead of files (needs --title)")
    sp.add_argument("--title", help="title of the link")
    sp.add_argument("--rep-made", action="store_true", help="import as a rep-made piece for review")
    sp.add_argument("--owner", default="")
    add_tag_args(sp)
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--no-renditions", action="store_true",
                    help="do not draw Word/PowerPoint/Excel pages now (the app or 'renditions' does it later)")

    sp = registry.add("list", cmd_list, help="list pieces")
    sp.add_argument("--status", choices=["draft", "published", "archived", "all"], default=None)
    sp.add_argument("--json", action="store_true")
    sp = registry.add("show", cmd_show, help="show one piece")
    sp.add_argument("id", type=int)
    sp.add_argument("--json", action="store_true")

    sp = registry.add("tag", cmd_tag, help="set tags of one or more pieces, or metadata of one")
    sp.add_argument("ids", type=int, nargs="+", metavar="id", help="piece id (several for bulk tagging)")
    add_tag_args(sp)
    sp.add_argument("--add", action="store_true",
                    help="add the named tags to what each piece has (default: replace those dimensions)")
    sp.add_argument("--title")
    sp.add_argument("--description")
    sp.add_argument("--owner")
    sp.add_argument("--review-by", help="YYYY-MM-DD, or 'none'")
    sp.add_argument("--expires", help="YYYY-MM-DD (archived or flagged on that date, see 'rules'), or 'none'")
    sp.add_argument("--if-version", type=int, metavar="N",
                    help="change the piece only if it is still at version N (see 'show'): if anyone changed "
                         "it since, nothing is saved and the command says who and when (exit 1)")
    sp = registry.add("publish", cmd_publish,
                      help="publish pieces that carry the library's required fields (see 'rules')")
    sp.add_argument("ids", type=int, nargs="+", metavar="id")
    sp.add_argument("--force", action="store_true", help="admins: publish even with required fields missing")
    sp = registry.add("rules", cmd_rules, help="show or set (admins) what a piece needs before it is published")
    sp.add_argument("--require", nargs="*", metavar="FIELD", default=None,
                    help=f"the fields a piece must have: any of {', '.join(PUBLISH_FIELDS)} (none lifts the rule)")
    sp.add_argument("--on-expiry", choices=["archive", "flag"], help="what a piece's expiry date does")
    registry.add("expire", cmd_expire, help="archive the pieces whose expiry date has come")
    for name, action, helptext in (("archive", "archive", "archive a piece"),
                                   ("unarchive", "restore", "bring an archived piece back"),
                                   ("purge", "purge", "erase a piece (admin)")):
        registry.add(name, cmd_simple(action), help=helptext).add_argument("id", type=int)
    sp = registry.add("new-version", cmd_new_version, help="replace a piece's file with a new version")
    sp.add_argument("id", type=int)
    sp.add_argument("path", type=Path)
    sp.add_argument("--note", default="")
    sp.add_argument("--no-renditions", action="store_true", help="do not draw the new version's pages now")


def cmd_import(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    tags = tag_selection(lib, args)
    source = "rep" if args.rep_made else "marketing"
    if args.link:
        if not args.title:
            raise InvalidInput("A link needs --title.")
        added = lib.importer.add_link(actor, args.link, args.title, tags=tags, source=source)
        print(f"Added link{_piece_ref(lib, added.value)}: {args.title}")
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
            ident = _piece_ref(lib, o.piece_id) if o.piece_id else ""
            print(f"{word:<30} {shown(o.path)}{ident}{shown(extra)}")
        counts: dict[str, int] = {}
        for o in summary.outcomes:
            counts[o.outcome] = counts.get(o.outcome, 0) + 1
        print("Summary: " + ", ".join(f"{n} {OUTCOME_WORDS.get(k, k)}" for k, n in sorted(counts.items())))
    if not args.no_renditions:
        make_renditions(lib, summary.piece_ids, quiet=args.json)
    failed = summary.count(Outcome.FAILED) + summary.count(Outcome.REJECTED)
    return 0 if not failed else 3


def make_renditions(lib: Library, piece_ids: Sequence[int] | None, quiet: bool = False) -> int:
    """Draw the pages of these pieces' Word/PowerPoint/Excel files (all that wait when None)
    where an office renderer is installed; says what came of it unless ``quiet``."""
    if lib.renditions.office() is None:
        return 0
    waiting = lib.renditions.pending(piece_ids)
    if not waiting:
        return 0
    bar = ProgressBar("Drawing pages")
    try:
        drawn = lib.renditions.draw(waiting, progress=bar)
    finally:
        bar.close()
    made = lib.renditions.store(drawn).value
    if not quiet:
        for d in drawn:
            if d.outcome != "ok":
                title = next((w.title for w in waiting if w.version_id == d.version_id), "")
                print(f"Pages not drawn for '{shown(title)}': {shown(d.detail)} (its preview shows its text)")
        print(f"Pages drawn for {count(made, 'Word/PowerPoint/Excel file')}.")
    return made


def _piece_ref(lib: Library, piece_id: int) -> str:
    """' (piece 12)'; a rep's submission made on a team laptop is sent first when the server
    answers (then it has the server's id), else it says it waits."""
    if piece_id > 0:
        return f" (piece {piece_id})"
    replica = getattr(lib, "replica", None)
    if replica is not None and replica.outbox_size():
        getattr(lib, "push_quietly")()  # a team library (it has a replica)
    server_id = replica.server_piece_ids().get(piece_id) if replica is not None else None
    return f" (piece {server_id}, sent for review)" if server_id else " (waiting on this computer to be sent for review)"


def cmd_list(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    statuses = None if args.status == "all" else ([args.status] if args.status else ["draft", "published"])
    pieces = lib.pieces.list(statuses=statuses)
    if args.json:
        print_json(pieces)
    else:
        for p in pieces:
            print(piece_line(p))
        print(count(len(pieces), "piece"))
    return 0


def cmd_show(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    d = lib.pieces.get(args.id)
    if args.json:
        print_json(d)
        return 0
    s = d.summary
    print(f"{shown(s.title)}  (piece {s.id}, {s.status}, {s.source})")
    if d.url:
        print(f"  link:      {shown(d.url)}")
    if d.title_source:
        print(f"  title:     from {shown(d.title_source)}")
    print(f"  owner:     {shown(s.owner) or '-'}   review by: {s.review_by or '-'}{'  STALE' if s.stale else ''}")
    if s.expires_on:
        print(f"  expires:   {s.expires_on}{'  EXPIRED' if s.expired else ''}")
    for dim in ("stage", "gate", *FACETS):
        labels = s.labels(dim)
        if labels:
            name = "type" if dim == "content_type" else dim
            print(f"  {name + ':':<11}{shown('; '.join(labels))}")
    print(f"  changed:   {when_text(s.updated_at)}{' by ' + shown(d.updated_by) if d.updated_by else ''}"
          f"   version: {s.row_version}")
    print(f"  uses:      {s.use_count}")
    if d.description:
        print(f"  about:     {shown(d.description)}")
    for v in d.versions:
        detail = f" — {shown(v.outcome_detail)}" if v.outcome_detail else ""
        print(f"  v{v.number}: {shown(v.original_name)} ({v.file_type}, {v.size:,} bytes, "
              f"{count(v.page_count, 'page') if v.page_count else '? pages'}) {v.outcome}{detail}")
    return 0


def cmd_tag(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    ids = list(dict.fromkeys(args.ids))  # a repeated id is tagged once
    tags = tag_selection(lib, args)
    review = parse_date_arg(args.review_by)
    expires = parse_date_arg(args.expires)
    metadata = (any(v is not None for v in (args.title, args.description, args.owner))
                or review != "keep" or expires != "keep")
    if tags is None and not metadata:
        raise InvalidInput("Nothing to change: give --stage/--gate/--persona/... or "
                           "--title/--owner/--review-by/--expires.")
    if metadata and len(ids) > 1:
        raise InvalidInput("--title, --description, --owner, --review-by and --expires change one piece: "
                           "give one id.")
    if args.if_version is not None and len(ids) > 1:
        raise InvalidInput("--if-version checks one piece: give one id.")
    if len(ids) == 1:
        # Tags and metadata of one piece in one transaction, refused whole if it changed since --if-version.
        lib.pieces.update(actor, ids[0], title=args.title, description=args.description, owner=args.owner,
                          review_by=review, expires_on=expires, tags=tags, add_tags=args.add, seen=args.if_version)
    elif tags is not None:  # (several ids carry tags only: metadata changes one piece)
        # One transaction for all the pieces, the path the app's bulk tagging takes.
        lib.pieces.bulk_set_tags(actor, ids, tags, add_only=args.add)
    print(f"Updated piece {ids[0]}." if len(ids) == 1 else f"Updated {len(ids)} pieces: {', '.join(map(str, ids))}.")
    return 0


def cmd_publish(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    ids = list(dict.fromkeys(args.ids))
    if len(ids) == 1 or args.force:
        for pid in ids:  # one by one: a refusal names the piece and every field it lacks
            lib.pieces.publish(actor, pid, force=args.force)
            print(f"Published piece {pid}.")
        return 0
    plan = lib.pieces.publish_many(actor, ids).value
    for piece in plan.ready:
        print(f"Published piece {piece.id}: {shown(piece.title)}")
    for piece in plan.already:
        print(f"Already published: piece {piece.id}")
    for piece, missing in plan.skipped:
        print(f"Not published: piece {piece.id}: {shown(piece.title)}: no {', '.join(missing)}")
    if len(plan.ready) + len(plan.already) + len(plan.skipped) < len(ids):
        found = {p.id for p in (*plan.ready, *plan.already, *(p for p, _ in plan.skipped))}
        raise NotFound("No piece with id " + ", ".join(str(i) for i in ids if i not in found) + ".")
    return 0 if not plan.skipped else 1


def cmd_rules(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    if args.require is not None:
        lib.settings.set_publish_requires(actor, args.require)
    if args.on_expiry is not None:
        lib.settings.set_expiry_action(actor, args.on_expiry)
    settings = lib.settings.get()
    words = listed([PUBLISH_FIELDS[f] for f in settings.publish_requires if f in PUBLISH_FIELDS])
    print(f"A piece needs {words} before it is published." if words else "Any piece can be published.")
    print("On its expiry date a piece is " + ("archived." if settings.expiry_action == "archive"
                                               else "flagged as expired (it stays published)."))
    return 0


def cmd_expire(args: argparse.Namespace, lib: Library, actor: Actor) -> int:
    done = lib.pieces.expire_due(actor)
    if lib.settings.get().expiry_action != "archive":
        print("Nothing archived: this library flags expired pieces instead (see 'rules').")
    else:
        print(f"Archived {count(done.value, 'expired piece')}.")
    return 0


PAST = {"archive": "Archived", "restore": "Restored", "purge": "Purged"}


def cmd_simple(action: str) -> LibraryHandler:
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
    if not args.no_renditions:
        make_renditions(lib, [args.id])
    return 0
