"""The ``enablement`` command line, over the same services as the app: parsing, the library and
acting user, and how a command's failure is reported.

Errors are one clear line on stderr (exit 1), never a traceback; a bug prints one line
naming the log file that holds the traceback (exit 70).
"""

from __future__ import annotations

import argparse
import logging
import math
import multiprocessing
import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence, TextIO, cast

from enablement.cli.registry import HANDLER, Command, register_all
from enablement.config import LIBRARY_ENV, default_library_dir, default_state_dir
from enablement.display import escape_display, escape_output
from enablement.errors import InvalidInput, LibraryError, UserFacingError
from enablement.search.errors import SearchError
from enablement.team.connection import SERVER_ENV

EXIT_PROBLEM = 1
EXIT_BUG = 70


EXIT_USAGE = 2
# Ids and counts are stored in 64-bit integer columns; anything bigger cannot name a row.
_MAX_INT = 2 ** 63 - 1


class _OneLineParser(argparse.ArgumentParser):
    """argparse, but a mistake is one line on stderr (exit 2), not the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {escape_display(message)} (see --help)\n")


def command_line_int(text: str) -> int:
    """An integer option or argument: a whole number that fits a 64-bit column."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if abs(value) > _MAX_INT:
        raise argparse.ArgumentTypeError(f"{text[:30]}… is too large" if len(text) > 30 else f"{text} is too large")
    return value


def command_line_float(text: str) -> float:
    """A number option: finite (no nan or inf)."""
    try:
        value = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"'{text}' is not a finite number")
    return value


def _harden_types(parser: argparse.ArgumentParser) -> None:
    """Every ``type=int``/``type=float`` of every command, bounded (see above)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _harden_types(sub)
        elif action.type is int:
            action.type = command_line_int
        elif action.type is float:
            action.type = command_line_float


def build_parser() -> argparse.ArgumentParser:
    """The parser of every registered command (see ``enablement.cli.commands``)."""
    p = _OneLineParser(prog="enablement", description="Sales-enablement content library.")
    p.add_argument("--library", type=Path, help=f"library folder (default: ${LIBRARY_ENV} or the user data dir)")
    p.add_argument("--user", help="act as this user (default: the library's first admin)")
    p.add_argument("--server", help="a team server, postgresql://LOGIN@HOST:PORT/DATABASE (default: "
                                    "$ENABLEMENT_SERVER): you act as the login")
    subparsers = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register_all(cast("argparse._SubParsersAction[argparse.ArgumentParser]", subparsers))
    _harden_types(p)
    return p


def _not_text(args: argparse.Namespace) -> str | None:
    """The first option given bytes that are not valid UTF-8 (the shell hands them over as
    lone surrogates), so it is refused before it reaches the database or the terminal."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and any("\ud800" <= c <= "\udfff" for c in v) for v in values):
            return name.replace("_", "-")
    return None


class _SafeStream:
    """stdout/stderr with control, bidi and undecodable characters shown escaped: titles,
    names and messages come from files and people (see ``enablement.display``)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(escape_output(text))

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    multiprocessing.freeze_support()  # a frozen build's worker processes start here too
    parser = build_parser()
    args = parser.parse_args(argv)
    bad = _not_text(args)
    if bad is not None:
        print(f"enablement: {bad} is not valid UTF-8 text", file=sys.stderr)
        return EXIT_USAGE
    log_file = _setup_logging()
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(stdout), _SafeStream(stderr)
    try:
        return _run_reported(args, log_file)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _run_reported(args: argparse.Namespace, log_file: Path) -> int:
    """Run the command; every failure becomes one line on stderr and an exit code."""
    try:
        return run(args)
    except UserFacingError as exc:
        print(f"enablement: {escape_display(str(exc))}", file=sys.stderr)  # one line, even quoting input
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        print("enablement: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `enablement list | head`): not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except SearchError as exc:  # the index is a cache: busy or unwritable is the user's to retry
        print(f"enablement: search index: {escape_display(str(exc))}", file=sys.stderr)
        return EXIT_PROBLEM
    except OSError as exc:  # the environment, not a bug: a missing folder, permissions, a full disk
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"enablement: {escape_display(f'{exc.strerror or exc}{where}')}", file=sys.stderr)
        return EXIT_PROBLEM
    except Exception as exc:  # a bug: one line here, the traceback in the log
        logging.getLogger("enablement").exception("unexpected error")
        print(f"enablement: unexpected error ({type(exc).__name__}: {escape_display(str(exc))}); details in {log_file}", file=sys.stderr)
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


def _holds_library(root: Path) -> bool:
    """Whether ``root`` is a library folder (an embedded database or team settings)."""
    return (root / "library.db").is_file() or (root / "settings.json").is_file()


def library_root(args: argparse.Namespace) -> Path:
    """The library folder named by ``--library`` (or the default one)."""
    return args.library.expanduser() if args.library else default_library_dir()


def run(args: argparse.Namespace) -> int:
    """Run the parsed command: in its folder, or in the open library as the acting user."""
    command: Command = getattr(args, HANDLER)
    root = library_root(args)
    if command.run_in_folder is not None:
        return command.run_in_folder(args, root)
    assert command.run is not None
    server = args.server or os.environ.get(SERVER_ENV)
    if server:
        return _run_on_server(args, command, server)
    from enablement.services.library import Library

    if not _holds_library(root):
        raise LibraryError(f"No library in {root}; create one with 'enablement init' (or 'enablement demo').")

    with Library.open(root) as lib:
        actor = lib.users.actor(args.user) if args.user else lib.users.default_actor()
        return command.run(args, lib, actor)


def _run_on_server(args: argparse.Namespace, command: Command, server: str) -> int:
    """A library command on a team server, as the server's login (never ``--user``)."""
    from enablement.team.library import open_team_library

    if args.user:
        raise InvalidInput("On a team server you act as your login; --user does not apply.")
    from enablement.team.connection import ServerUnreachable

    assert command.run is not None
    lib, actor = open_team_library(server, args.library, sync=getattr(args, "team_sync_on_open", True))
    with lib:
        if lib.offline and getattr(args, "team_sync_on_open", True):
            last = lib.replica.state().get("last_sync_at", "never")
            print(f"enablement: offline, working from this computer's copy (last synced {last})", file=sys.stderr)
        waiting = lib.replica.outbox_size()
        try:
            code = command.run(args, lib, actor)
        except ServerUnreachable as exc:
            raise ServerUnreachable(f"'{args.command}' needs the team server: {exc}") from exc
        if lib.replica.outbox_size() > waiting:
            left = lib.push_quietly()
            if left:
                print(f"enablement: queued on this computer ({left} waiting); sent at the next sync", file=sys.stderr)
        return code
