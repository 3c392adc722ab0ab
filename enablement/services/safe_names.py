"""File names for exported files: display data made safe for any file system."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_BIDI_AND_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}
_UNSAFE = re.compile(r'[<>:"/\\|?*]')


def safe_file_name(name: str, default: str = "file", max_length: int = 120) -> str:
    """A name without separators, control or bidi characters, reserved Windows names,
    leading dots or trailing spaces/dots, and at most ``max_length`` characters."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _BIDI_AND_CONTROL)
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").rstrip(". ")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.split(".")[0].lower() in _RESERVED:
        stem = "_" + stem
    ext = ext[:10]
    room = max_length - (len(ext) + 1 if ext else 0)
    stem = stem[:room].rstrip(". ") or default
    return f"{stem}.{ext}" if ext else stem


def unique_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (2)``… when taken; always inside ``folder``."""
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    if candidate.resolve().parent != folder.resolve():
        raise ValueError(f"{name!r} would leave the export folder")
    return candidate
