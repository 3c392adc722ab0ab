"""``users list|add``."""

from __future__ import annotations

import argparse

from enablement.cli.output import print_json
from enablement.cli.registry import Registry
from enablement.models.dto import Actor
from enablement.services.library import Library

ORDER = 40


def register(registry: Registry) -> None:
    """Add ``users``."""
    sp = registry.add("users", cmd_users, help="list or add users")
    usub = sp.add_subparsers(dest="action", required=True)
    usub.add_parser("list").add_argument("--json", action="store_true")
    ua = usub.add_parser("add")
    ua.add_argument("name")
    ua.add_argument("--role", required=True, choices=["rep", "marketing", "manager", "admin"])
    ua.add_argument("--team", default="")


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
