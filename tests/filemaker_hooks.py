"""Parser overrides for sandbox tests, chosen by file name.

Passed as ``parser_override="tests.filemaker_hooks:by_name"``: a file whose name starts
with ``slow`` hangs, ``hog`` allocates until memory runs out, ``crash`` kills the worker;
anything else is extracted normally.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from enablement.config import ImportLimits
from enablement.extract import Extracted, extract_in_process


def by_name(path: Path, limits: ImportLimits) -> Extracted:
    """Misbehave according to the file name's prefix."""
    name = path.name
    if name.startswith("slow"):
        time.sleep(120)
    if name.startswith("hog"):
        chunks = []
        while True:  # grows until RLIMIT_AS refuses, like a decompression bomb
            chunks.append(bytearray(16 * 1024 * 1024))
    if name.startswith("crash"):
        os._exit(3)
    return extract_in_process(path, limits)
