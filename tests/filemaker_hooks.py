"""Parser overrides for sandbox tests, chosen by file name.

Passed as ``parser_override="tests.filemaker_hooks:by_name"``: a file whose name starts
with ``slow`` hangs, ``nap`` takes a little over a second, ``hog`` allocates until memory runs out, ``crash`` kills the worker,
``rlimit`` reports the worker's address-space limit; anything else is extracted normally.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from enablement.config import ImportLimits
from enablement.extract import Extracted, extract_in_process
from enablement.extract.results import failed


def by_name(path: Path, limits: ImportLimits) -> Extracted:
    """Misbehave according to the file name's prefix."""
    name = path.name
    if name.startswith("slow"):
        time.sleep(120)
    if name.startswith("nap"):
        time.sleep(1.2)
    if name.startswith("hog"):
        chunks = []
        while len(chunks) < 256:  # grows until the cap stops it, like a decompression bomb
            chunks.append(bytearray(16 * 1024 * 1024))  # zero-filled: resident, not only reserved
        time.sleep(120)  # 4 GB and no cap fired: the test fails on the timeout, the machine survives
    if name.startswith("rlimit"):
        import resource

        return failed(f"address space limit {resource.getrlimit(resource.RLIMIT_AS)[0]}")
    if name.startswith("crash"):
        os._exit(3)
    return extract_in_process(path, limits)
