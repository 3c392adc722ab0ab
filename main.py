"""Composition root of the desktop app from a checkout: ``python main.py [--library DIR] ...``.

The app starts in ``ui.launch`` (installed as ``enablement.ui.launch``, the ``enablement-app``
command); this file keeps ``python main.py`` working from the repository.
"""

from __future__ import annotations

import sys

from ui.launch import NO_DISPLAY, display_available, main, parse_args

__all__ = ["NO_DISPLAY", "display_available", "main", "parse_args"]

if __name__ == "__main__":
    sys.exit(main())  # main() calls multiprocessing.freeze_support() first
