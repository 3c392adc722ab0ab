"""The last copy of each report a team library computed on the server, kept on this computer
so a manager offline still sees the numbers as they were (a derived cache, like thumbnails:
deleting the folder loses nothing the server does not have).

A copy is a pickle of frozen report DTOs written by this app (atomically: temporary file,
then rename), with the time it was computed. One that cannot be read (another version, a
damaged file) is treated as absent and replaced by the next computed report.
"""

from __future__ import annotations

import os
import pickle
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")
FORMAT = 1  # bumped when the stored shape changes: older copies are then ignored


@dataclass(frozen=True)
class KeptCopy(Generic[T]):
    value: T
    at: datetime  # when it was computed (naive UTC)


def _file(folder: Path, key: str) -> Path:
    return folder / (re.sub(r"[^a-z0-9_-]", "_", key.lower()) + ".pickle")


def keep(folder: Path, key: str, value: Any, at: datetime) -> None:
    """Store ``value`` as the last copy of ``key``. A failure to write (disk full, read-only
    folder) only means no copy is kept: the report itself was shown."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = _file(folder, key)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps((FORMAT, at, value), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, target)
    except OSError:
        pass


def kept(folder: Path, key: str) -> KeptCopy[Any] | None:
    """The last copy of ``key`` with its time, or None (never kept, or unreadable)."""
    try:
        fmt, at, value = pickle.loads(_file(folder, key).read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None
    if fmt != FORMAT or not isinstance(at, datetime):
        return None
    return KeptCopy(value, at)
