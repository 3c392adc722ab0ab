"""The ``enablement`` command line, over the same services as the app: parsing, the library and
acting user, and how a command's failure is reported.

Errors are one clear line on stderr (exit 1), never a traceback; a bug prints one line
naming the log file that holds the traceback (exit 70).
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Sequence

from enablement.cli.registry import HANDLER, Command, register_all
from enablement.config import LIBRARY_ENV, default_library_dir, default_state_dir
from enablement.errors import InvalidInput, UserFacingError
from enablement.team.connection import SERVER_ENV

EXIT_PROBLEM = 1
EXIT_BUG = 70


def build_parser() -> argparse.ArgumentParser:
    """The parser of every registered command (see ``enablement.cli.commands``)."""
    p = argparse.ArgumentParser(prog="enablement", description="Sales-enablement content library.")
    p.add_argument("--library", type=Path, help=f"library folder (default: ${LIBRARY_ENV} or the user data dir)")
    p.add_argument("--user", help="act as this user (default: the library's first admin)")
    p.add_argument("--server", help="a team server, postgresql://LOGIN@HOST:PORT/DATABASE (default: "
                                    "$ENABLEMENT_SERVER): you act as the login")
    register_all(p.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    multiprocessing.freeze_support()  # a frozen build's worker processes start here too
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

    with Library.open(root) as lib:
        actor = lib.users.actor(args.user) if args.user else lib.users.default_actor()
        return command.run(args, lib, actor)


def _run_on_server(args: argparse.Namespace, command: Command, server: str) -> int:
    """A library command on a team server, as the server's login (never ``--user``)."""
    from enablement.team.library import open_team_library

    if args.user:
        raise InvalidInput("On a team server you act as your login; --user does not apply.")
    assert command.run is not None
    lib, actor = open_team_library(server, args.library)
    with lib:
        return command.run(args, lib, actor)
