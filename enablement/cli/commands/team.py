"""``team whoami|login|password|publish``: a person's own connection to a team server, and
moving an embedded library onto one."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from enablement.cli.registry import Registry
from enablement.errors import InvalidInput

ORDER = 120


def register(registry: Registry) -> None:
    """Add ``team``."""
    sp = registry.add_folder_command("team", cmd_team, help="connect to a team server, or publish a library to one")
    sub = sp.add_subparsers(dest="action", required=True, metavar="ACTION")
    sub.add_parser("whoami", help="who the server says you are")
    sub.add_parser("login", help="check your password and keep it in the system keyring")
    pw = sub.add_parser("password", help="change your own password")
    pw.add_argument("--password-stdin", action="store_true",
                    help="read the current and the new password from standard input, one a line")
    pub = sub.add_parser("publish", help="copy this embedded library to an empty team server (resumable)")
    pub.add_argument("--url", required=True, help="the team server's database, as the DBA")
    pub.add_argument("--prefix", help="prefix of the library's role names (default: from the database name)")
    pub.add_argument("--login-suffix", default="",
                     help="appended to every login made from a user name (e.g. _acme)")


def _server(args: argparse.Namespace) -> str:
    from enablement.team.connection import SERVER_ENV

    url = getattr(args, "server", None) or os.environ.get(SERVER_ENV)
    if not url:
        raise InvalidInput("Name the team server: --server postgresql://LOGIN@HOST:PORT/DATABASE "
                           "(or set ENABLEMENT_SERVER).")
    return url


def cmd_team(args: argparse.Namespace, root: Path) -> int:
    if args.action == "publish":
        from enablement.cli.output import ProgressBar
        from enablement.team.publish import publish_library

        bar = ProgressBar("Publishing")
        report = publish_library(root, args.url, prefix=args.prefix, login_suffix=args.login_suffix, progress=bar)
        bar.close()
        for line in report.lines():
            print(line)
        return 0 if report.verified else 1
    from enablement.team.connection import parse_server_url

    url = _server(args)
    address = parse_server_url(url)
    if args.action == "whoami":
        from enablement.team.library import open_team_library

        lib, actor = open_team_library(url, getattr(args, "library", None), with_index=False)
        lib.close()
        print(f"{actor.name} ({actor.role}) as '{address.user}' on {address.where}/{address.dbname}")
        return 0
    if args.action == "login":
        from enablement.team.connection import store_in_keyring
        from enablement.team.library import open_team_library

        password = getpass.getpass(f"Password for {address.user} on {address.where}/{address.dbname}: ")
        lib, actor = open_team_library(url, getattr(args, "library", None), password=password, with_index=False)
        lib.close()
        if store_in_keyring(address, password):
            print(f"Signed in as {actor.name} ({actor.role}); the password is in the system keyring.")
        else:
            print(f"Signed in as {actor.name} ({actor.role}). No system keyring is available (install the "
                  "'keyring' package): you will be asked for the password, or use PGPASSWORD / ~/.pgpass.")
        return 0
    from enablement.team.accounts import change_own_password

    if args.password_stdin:
        current = sys.stdin.readline().rstrip("\r\n") or None
        new = sys.stdin.readline().rstrip("\r\n")
    else:
        current = None
        new = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != new:
            raise InvalidInput("The two passwords differ; nothing changed.")
    if len(new) < 12:
        raise InvalidInput("Use at least 12 characters.")
    change_own_password(address, new, current)
    print(f"Password changed for '{address.user}'.")
    return 0
