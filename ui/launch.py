"""Start the desktop app: ``enablement-app [--library DIR] [--user NAME] [--demo] [--server URL]``.

The wheel's ``enablement-app`` command, the frozen app and ``main.py`` in a checkout all
start here. Qt is imported only once we know a display is there.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from typing import Optional, Sequence

NO_DISPLAY = ("Enablement needs a graphical display (set DISPLAY, or QT_QPA_PLATFORM=offscreen for a "
              "headless run).")


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="enablement-app",
                                     description="Enablement: the sales-enablement content library.")
    parser.add_argument("--library", metavar="DIR", help="the library folder (default: the last one, or your "
                        "data folder; ENABLEMENT_LIBRARY also sets it)")
    parser.add_argument("--user", metavar="NAME", help="act as this user of the library")
    parser.add_argument("--server", metavar="URL", help="sign in to a team library: postgresql://LOGIN@HOST:PORT/"
                        "DATABASE (the password comes from the keyring, PGPASSWORD or ~/.pgpass, or is asked)")
    parser.add_argument("--demo", action="store_true", help="open the demo library (created on first use)")
    args = parser.parse_args(argv)
    if args.server and (args.user or args.library or args.demo):
        parser.error("--server signs in as the login in the URL: the person is that login "
                     "(no --user, --library or --demo with it)")
    return args


def display_available(environ: Optional[dict] = None, platform: str = sys.platform) -> bool:
    """False on Linux when no display server is named and no Qt platform is forced."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return True
    return bool(env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def main(argv: Optional[Sequence[str]] = None) -> int:
    # Extraction workers are spawned: in a frozen build each one re-runs this executable,
    # and this call turns it into the worker instead of a second app.
    multiprocessing.freeze_support()
    args = parse_args(argv)
    if not display_available():
        print(NO_DISPLAY, file=sys.stderr)
        return 2
    from .app import run  # Qt is imported only once we know it can start

    return run(args)
