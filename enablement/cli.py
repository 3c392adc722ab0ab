"""The ``enablement`` command line, over the same services as the app.

Errors are one clear line on stderr (exit 1), never a traceback; a bug prints one line
naming the log file that holds the traceback (exit 70).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Sequence

from enablement.config import LIBRARY_ENV, default_library_dir, default_state_dir
from enablement.errors import InvalidInput, NotFound, UserFacingError

EXIT_PROBLEM = 1
EXIT_BUG = 70


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="enablement", description="Sales-enablement content library.")
    p.add_argument("--library", type=Path, help=f"library folder (default: ${LIBRARY_ENV} or the user data dir)")
    p.add_argument("--user", help="act as this user (default: the library's first admin)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sp = sub.add_parser("init", help="create a library with the default taxonomy and a first admin")
    sp.add_argument("--admin", default=os.environ.get("USER", "admin"), help="name of the first admin user")
    sub.add_parser("demo", help="create the demo library (sample collateral and demo usage)")

    sp = sub.add_parser("import", help="import files, folders (recursively) or --link URL")
    sp.add_argument("paths", nargs="*", type=Path)
    sp.add_argument("--link", help="add a link instead of files (needs --title)")
    sp.add_argument("--title", help="title of the link")
    sp.add_argument("--rep-made", action="store_true", help="import as a rep-made piece for review")
    sp.add_argument("--owner", default="")
    _tag_args(sp)
    sp.add_argument("--json", action="store_true")

    sp = sub.add_parser("list", help="list pieces")
    sp.add_argument("--status", choices=["draft", "published", "archived", "all"], default=None)
    sp.add_argument("--json", action="store_true")
    sp = sub.add_parser("show", help="show one piece")
    sp.add_argument("id", type=int)
    sp.add_argument("--json", action="store_true")

    sp = sub.add_parser("tag", help="set tags or metadata of a piece")
    sp.add_argument("id", type=int)
    _tag_args(sp)
    sp.add_argument("--title")
    sp.add_argument("--description")
    sp.add_argument("--owner")
    sp.add_argument("--review-by", help="YYYY-MM-DD, or 'none'")
    for name, helptext in (("publish", "publish a piece"), ("archive", "archive a piece"),
                           ("unarchive", "bring an archived piece back"), ("purge", "erase a piece (admin)")):
        sp = sub.add_parser(name, help=helptext)
        sp.add_argument("id", type=int)
    sp = sub.add_parser("new-version", help="replace a piece's file with a new version")
    sp.add_argument("id", type=int)
    sp.add_argument("path", type=Path)
    sp.add_argument("--note", default="")

    sp = sub.add_parser("taxonomy", help="export or import the taxonomy")
    tsub = sp.add_subparsers(dest="action", required=True)
    tsub.add_parser("show", help="print the taxonomy").add_argument("--json", action="store_true")
    tsub.add_parser("export", help="write the taxonomy to a file").add_argument("file", type=Path)
    ti = tsub.add_parser("import", help="merge a taxonomy file (by key; never deletes)")
    ti.add_argument("file", type=Path)
    ti.add_argument("--retire-missing", action="store_true")

    sp = sub.add_parser("users", help="list or add users")
    usub = sp.add_subparsers(dest="action", required=True)
    usub.add_parser("list").add_argument("--json", action="store_true")
    ua = usub.add_parser("add")
    ua.add_argument("name")
    ua.add_argument("--role", required=True, choices=["rep", "marketing", "manager", "admin"])
    ua.add_argument("--team", default="")

    sp = sub.add_parser("check", help="verify the library's invariants (exit 1 when something is wrong)")
    sp.add_argument("--quick", action="store_true", help="skip re-hashing every file")
    sp.add_argument("--repair", action="store_true", help="repair the index and remove collectable files")
    sp.add_argument("--json", action="store_true")
    sp = sub.add_parser("backup", help="write a backup zip of the library")
    sp.add_argument("target", type=Path)
    sp = sub.add_parser("restore", help="restore a backup zip into the library folder")
    sp.add_argument("archive", type=Path)
    sp.add_argument("--force", action="store_true", help="replace an existing library (it is kept aside)")

    from enablement.cli_more import register_more

    register_more(sub)
    try:
        from enablement.reports.cli import register as register_reports
    except ImportError:  # reports package not installed in this build
        register_reports = None
    if register_reports is not None:
        register_reports(sub)
    return p


def _tag_args(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--stage", action="append", default=None, help="stage name or key (repeatable)")
    sp.add_argument("--gate", action="append", default=None, help="gate key or question (repeatable)")
    for facet, flag in (("persona", "--persona"), ("industry", "--industry"), ("product", "--product"),
                        ("content_type", "--type"), ("language", "--language")):
        sp.add_argument(flag, dest=facet, action="append", default=None, help=f"{facet} label or key (repeatable)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    log_file = _setup_logging()
    try:
        return run(args)
    except UserFacingError as exc:
        print(f"enablement: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print("enablement: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `enablement list | head`): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line here, the traceback in the log
        logging.getLogger("enablement").exception("unexpected error")
        print(f"enablement: unexpected error ({type(exc).__name__}: {exc}); details in {log_file}", file=sys.stderr)
        return EXIT_BUG


def _setup_logging() -> Path:
    folder = default_state_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        log_file = folder / "enablement.log"
        logging.basicConfig(filename=log_file, level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    except OSError:
        log_file = Path(os.devnull)
    return log_file


def library_root(args: argparse.Namespace) -> Path:
    return args.library.expanduser() if args.library else default_library_dir()


def run(args: argparse.Namespace) -> int:
    from enablement.services.library import Library

    root = library_root(args)
    if args.command == "restore":
        from enablement.services.maintenance import restore_backup

        restore_backup(args.archive, root, force=args.force)
        with Library.open(root) as lib:
            lib.search.reindex()
            print(f"Restored {args.archive} into {root} ({len(lib.pieces.list(statuses=None))} pieces).")
        return 0
    if args.command == "demo":
        from enablement.services.demo import create_demo_library

        bar = ProgressBar("Creating demo library")
        with create_demo_library(root, progress=bar) as lib:
            bar.close()
            print(f"Demo library ready in {root}: {len(lib.pieces.list(statuses=None))} pieces, "
                  f"{len(lib.users.list())} users (demo data).")
        return 0
    with Library.open(root) as lib:
        if args.command == "init":
            if not lib.users.list():
                lib.users.create(None, args.admin, "admin")
                print(f"Created library in {root} with admin '{args.admin}'.")
            else:
                print(f"{root} already holds a library.")
            return 0
        actor = lib.users.actor(args.user) if args.user else lib.users.default_actor()
        from enablement.cli_commands import dispatch

        return dispatch(args, lib, actor)


class ProgressBar:
    """A one-line terminal progress bar (silent when stdout is not a terminal)."""

    def __init__(self, label: str, stream=None) -> None:  # type: ignore[no-untyped-def]
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int, text: str = "") -> None:
        if not self.tty:
            return
        with self._lock:
            width = 30
            filled = int(width * done / total) if total else width
            name = (text or "")[:40]
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}")
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates and tuples as JSON-friendly values."""
    if is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def parse_date_arg(text: str | None) -> date | None | str:
    """'keep' when not given, None for 'none', else a date (clear error otherwise)."""
    if text is None:
        return "keep"
    if text.strip().lower() == "none":
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(f"'{text}' is not a date (use YYYY-MM-DD).") from exc


__all__ = ["main", "ProgressBar", "print_json", "to_jsonable", "NotFound"]
