"""Creating a library: ``init`` and ``demo``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from enablement.display import count
from enablement.cli.output import ProgressBar
from enablement.cli.registry import Registry
from enablement.services.library import Library

ORDER = 10


def register(registry: Registry) -> None:
    """Add ``init`` and ``demo``."""
    sp = registry.add_folder_command("init", cmd_init,
                                     help="create a library with the default taxonomy and a first admin")
    sp.add_argument("--admin", default=os.environ.get("USER", "admin"), help="name of the first admin user")
    registry.add_folder_command("demo", cmd_demo, help="create the demo library (sample collateral and demo usage)")


def cmd_init(args: argparse.Namespace, root: Path) -> int:
    with Library.open(root) as lib:
        if not lib.users.list():
            lib.users.create(None, args.admin, "admin")
            print(f"Created library in {root} with admin '{args.admin}'.")
        else:
            print(f"{root} already holds a library.")
    return 0


def cmd_demo(args: argparse.Namespace, root: Path) -> int:
    from enablement.services.demo import create_demo_library

    bar = ProgressBar("Creating demo library")
    with create_demo_library(root, progress=bar) as lib:
        bar.close()
        print(f"Demo library ready in {root}: {count(len(lib.pieces.list(statuses=None)), 'piece')}, "
              f"{count(len(lib.users.list()), 'user')} (demo data).")
    return 0
