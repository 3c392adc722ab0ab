"""``python -m bench.app_launch [main.py arguments]``: the app exactly as ``main.py`` starts it.

``ui/app.py`` (``Startup._show``) now calls ``startup_probe.watch(window)`` itself, so this
only runs ``main.main``; it no longer patches the probe in (``watch`` would ignore a second
call anyway). Kept so older commands keep working; ``bench.app_bench`` runs ``main.py``."""

from __future__ import annotations

import sys


def launch(argv: list[str]) -> int:
    import main

    return main.main(argv)


if __name__ == "__main__":
    sys.exit(launch(sys.argv[1:]))
