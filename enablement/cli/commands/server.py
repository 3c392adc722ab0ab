"""``server init|upgrade|add-user|set-role|disable-user|enable-user|reset-password|users|prune``: setting
up a team server and its people (run by a DBA, or for users also by an admin login), and
keeping its change log short."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from enablement.cli.registry import Registry
from enablement.errors import InvalidInput

ORDER = 110
ROLES = ["rep", "marketing", "manager", "admin"]


def register(registry: Registry) -> None:
    """Add ``server``."""
    sp = registry.add_folder_command("server", cmd_server, help="set up a team server and manage its people")
    sub = sp.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = sub.add_parser("init", help="set up an empty database as a team library (run as a DBA)")
    init.add_argument("--url", required=True, help="the database, as a role that may create roles")
    init.add_argument("--admin", required=True, help="login of the first admin")
    init.add_argument("--admin-name", help="the admin's name (default: the login)")
    init.add_argument("--prefix", help="prefix of the library's role names (default: from the database name)")
    _password_stdin(init)
    upgrade = sub.add_parser("upgrade", help="bring a team server set up by an older version to this version's "
                             "schema, keeping every row and login (run as a DBA)")
    upgrade.add_argument("--url", required=True, help="the database, as a role that may create roles")

    add = sub.add_parser("add-user", help="add a person with their own login")
    add.add_argument("name")
    add.add_argument("--login", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--team", default="")
    _url(add)
    _password_stdin(add)

    role = sub.add_parser("set-role", help="move a login to another role")
    role.add_argument("login")
    role.add_argument("role", choices=ROLES)
    _url(role)
    for name, helptext in (("disable-user", "stop a login from signing in"), ("enable-user", "let a login in again")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("login")
        _url(p)
    reset = sub.add_parser("reset-password", help="give a login a new one-time password")
    reset.add_argument("login")
    _url(reset)
    _password_stdin(reset)
    _url(sub.add_parser("users", help="list the library's people and logins"))
    prune = sub.add_parser("prune", help="forget old entries of the change log that laptops sync from (run as the "
                                         "DBA); a laptop not synced since then takes a full copy")
    prune.add_argument("--keep-days", type=int, default=90, metavar="N",
                       help="keep the changes of the last N days (default 90)")
    _url(prune)


def _url(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", help="the server as an admin login or the DBA (default: --server / $ENABLEMENT_SERVER)")


def _password_stdin(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true",
                   help="read the new password from standard input instead of making a one-time password")


def read_password_stdin() -> str:
    """One line from standard input (the password), stripped of its line end."""
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise InvalidInput("No password on standard input.")
    return line


def _server_url(args: argparse.Namespace) -> str:
    from enablement.team.connection import SERVER_ENV

    url = args.url or getattr(args, "server", None) or os.environ.get(SERVER_ENV)
    if not url:
        raise InvalidInput("Name the team server: --url postgresql://LOGIN@HOST:PORT/DATABASE.")
    return url


def _shown_once(login: str, password: str) -> None:
    print(f"One-time password for '{login}': {password}")
    print("It is shown only now: hand it over in person; they can change it with 'enablement team password'.")


def cmd_server(args: argparse.Namespace, root: Path) -> int:
    from enablement.team.accounts import Accounts
    from enablement.team.connection import parse_server_url

    given = read_password_stdin() if getattr(args, "password_stdin", False) else None
    if args.action == "init":
        from enablement.team.server import init_server

        result = init_server(args.url, args.admin, args.admin_name, prefix=args.prefix, admin_password=given)
        what = "Set up" if result.created else "Brought up to date"
        print(f"{what} the team library in '{result.database}' (roles {result.prefix}_*).")
        if result.admin_password:
            _shown_once(result.admin_login, result.admin_password)
        return 0
    if args.action == "upgrade":
        from enablement.team.server import upgrade_server

        upgraded = upgrade_server(args.url)
        if upgraded.before == upgraded.after:
            print(f"The team library in '{upgraded.database}' is already at schema {upgraded.after}; "
                  "its roles, grants and triggers were applied again.")
        else:
            print(f"Upgraded the team library in '{upgraded.database}' from schema {upgraded.before} to "
                  f"{upgraded.after}. Laptops bring their copies up to date at their next sync.")
        return 0
    if args.action == "prune":
        from enablement.team.server import prune_server

        pruned = prune_server(_server_url(args), args.keep_days)
        if not pruned.upto:
            print(f"Nothing to prune: the change log holds no change older than {args.keep_days} days "
                  f"(latest change {pruned.latest}).")
        else:
            print(f"Pruned the change log: forgot {pruned.forgotten} entries older than {args.keep_days} days, up to "
                  f"change {pruned.upto} (latest change {pruned.latest}). Laptops last synced before change "
                  f"{pruned.upto} take a full copy at their next sync.")
        return 0
    accounts = Accounts(parse_server_url(_server_url(args)))
    if args.action == "add-user":
        _, password = accounts.add(args.name, args.login, args.role, given, team=args.team)
        print(f"Added {args.name.strip()} ({args.role}) with the login '{args.login}'.")
        if given is None:
            _shown_once(args.login, password)
    elif args.action == "set-role":
        accounts.set_role(args.login, args.role)
        print(f"'{args.login}' is now {args.role}.")
    elif args.action in ("disable-user", "enable-user"):
        accounts.set_active(args.login, args.action == "enable-user")
        print(f"'{args.login}' is {'enabled' if args.action == 'enable-user' else 'disabled'}.")
    elif args.action == "reset-password":
        password = accounts.reset_password(args.login, given)
        print(f"New password set for '{args.login}'.")
        if given is None:
            _shown_once(args.login, password)
    else:
        for person in accounts.list():
            state = "" if person.active else "  (disabled)"
            print(f"{person.name:<30} {person.login or '-':<24} {person.role:<10}{state}")
    return 0
