"""How the system reads ahead in an index's memory-mapped files (Linux).

tantivy maps its files into memory. On a fault in a mapped file Linux reads the block device's
whole read-ahead window around the page (8 MB on the reference machine): a first search after
a cold start, which touches a few pages in each of dozens of files and one stored document per
hit, read 250 MB from disk at 100,000 pieces. A search reads an index at random, so the reader
maps its files as random access (tantivy's own ``MmapDirectory::open_with_madvice(Random)``,
which the Python binding does not offer): the same search then reads 71 MB. Reading every
document in order (the stamps check, the damage check) asks for sequential read-ahead for as
long as it runs.

Elsewhere (no ``/proc/self/maps`` or no ``madvise``) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RANDOM, SEQUENTIAL = 1, 2  # MADV_RANDOM, MADV_SEQUENTIAL (Linux)


def _libc_madvise() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        madvise = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).madvise
    except (OSError, AttributeError):
        return None
    madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    madvise.restype = ctypes.c_int
    return madvise


_MADVISE = _libc_madvise()


def advise(folder: Path, advice: int) -> int:
    """Give ``advice`` for every mapping of a file under ``folder``; returns how many took it."""
    if _MADVISE is None:
        return 0
    prefix = str(folder) + "/"
    advised = 0
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            lines = maps.readlines()
    except OSError:
        return 0
    for line in lines:
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[5].startswith(prefix):
            start, end = (int(x, 16) for x in parts[0].split("-"))
            if _MADVISE(start, end - start, advice) == 0:
                advised += 1
    return advised


@contextmanager
def reading_in_order(folder: Path) -> Iterator[None]:
    """Sequential read-ahead for the mapped files under ``folder`` while the block runs."""
    advise(folder, SEQUENTIAL)
    try:
        yield
    finally:
        advise(folder, RANDOM)
