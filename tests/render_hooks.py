"""Page drawers for renderer sandbox tests, chosen by file name.

Passed as ``renderer_override="tests.render_hooks:by_name"``: a file whose name starts with
``slow`` hangs the worker, ``hog`` allocates until memory runs out, ``crash`` kills it,
``liar`` answers with pages of the wrong size and ``flood`` with a page far larger than
asked; anything else is drawn normally (QtPdf, as in the app).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ui.pdf_pages import draw_pages


def by_name(path: str, pages: int, width: int) -> tuple[int, list[tuple[int, int, bytes]]]:
    name = Path(path).name
    if name.startswith("slow"):
        time.sleep(120)
    if name.startswith("hog"):
        chunks = []
        while len(chunks) < 256:  # grows until the watchdog stops it
            chunks.append(bytearray(16 * 1024 * 1024))  # zero-filled: resident, not only reserved
        time.sleep(120)  # 4 GB and no cap fired: the test fails on the timeout, the machine survives
    if name.startswith("crash"):
        os._exit(3)
    if name.startswith("liar"):
        return 1, [(width + 1, 10, b"\0" * ((width + 1) * 10 * 4))]
    if name.startswith("flood"):
        return 1, [(width, width * 1000, b"\0" * 16)]  # a page a thousand times taller than wide
    return draw_pages(path, pages, width)
