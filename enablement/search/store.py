"""The index folder: generations, the CURRENT pointer and the locks. Engine-neutral.

Layout::

    index_dir/
      CURRENT.json        {"format": ..., "engine": "whoosh"|"tantivy", "schema": N, "generation": "gen-..."}
      WRITELOCK           held (OS file lock) by whoever writes: upsert, delete, the swap
      REBUILDLOCK         held for the whole of a rebuild (one rebuild at a time)
      gen-<time>-<rand>/  one complete index written by the pointer's engine

The pointer says which engine and which schema version of it wrote the current generation; a
pointer the program does not understand (another format, engine or schema) means "rebuild",
never an error the user sees.

A rebuild writes a new generation next to the live one and then replaces ``CURRENT.json``
atomically (``os.replace``), so readers keep using the old generation until the new one is
complete, and a crash mid-rebuild leaves the old index in place. Old generations are removed
when no longer current (best effort: on Windows a folder still open elsewhere is left for the
next rebuild).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from enablement.search.errors import IndexBusy

POINTER = "CURRENT.json"
LOCK = "WRITELOCK"
REBUILD_LOCK = "REBUILDLOCK"
TURN_LOCK = "TURNLOCK"  # held by the process whose rebuild (in its rebuild child) is under way
FORMAT = "enablement-index"
GEN_PREFIX = "gen-"


@dataclass(frozen=True)
class Pointer:
    """What ``CURRENT.json`` says."""

    schema: int
    generation: str
    format: str = FORMAT
    engine: str = ""


class PointerError(Exception):
    """``CURRENT.json`` exists but cannot be read (internal; becomes IndexDamaged)."""


def read_pointer(index_dir: Path) -> Pointer | None:
    """The current pointer, None if there is none. Raises ``PointerError`` if unreadable."""
    try:
        raw = (index_dir / POINTER).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PointerError(str(exc)) from exc
    try:
        data = json.loads(raw)
        return Pointer(schema=int(data["schema"]), generation=str(data["generation"]),
                       format=str(data.get("format", "")), engine=str(data.get("engine", "")))
    except (ValueError, KeyError, TypeError) as exc:
        raise PointerError(f"unreadable {POINTER}: {exc}") from exc


def pointer_signature(index_dir: Path) -> tuple[int, int, int] | None:
    """A cheap fingerprint of ``CURRENT.json`` (inode, size, mtime) to notice a swap."""
    try:
        st = os.stat(index_dir / POINTER)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def write_pointer(index_dir: Path, generation: str, engine: str, schema: int) -> None:
    """Point ``CURRENT.json`` at ``generation`` (written by ``engine``), atomically and durably."""
    data = json.dumps({"format": FORMAT, "engine": engine, "schema": schema,
                       "generation": generation})
    tmp = index_dir / f".{POINTER}.{uuid.uuid4().hex}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / POINTER)


def new_generation_name() -> str:
    """A fresh, sortable generation folder name."""
    return f"{GEN_PREFIX}{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"


def remove_other_generations(index_dir: Path, keep: str) -> None:
    """Delete generation folders and temp files other than ``keep`` (best effort)."""
    try:
        children = list(index_dir.iterdir())
    except OSError:
        return
    for child in children:
        if child.name == keep:
            continue
        if child.is_dir() and child.name.startswith(GEN_PREFIX):
            shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith(f".{POINTER}.") and child.name.endswith(".tmp"):
            try:
                child.unlink()
            except OSError:
                pass


def has_legacy_index(index_dir: Path) -> bool:
    """A bare Whoosh index from before this layout (its TOC files sit in ``index_dir``)."""
    try:
        return any(p.name.endswith(".toc") for p in index_dir.iterdir())
    except OSError:
        return False


class _FileLock:
    """An exclusive, non-blocking OS lock on a file (released when the process dies)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        fd, self.fd = self.fd, None
        if fd is None:
            return
        try:
            if sys.platform == "win32":  # pragma: no cover
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


@contextmanager
def write_lock(index_dir: Path, timeout: float, name: str = LOCK) -> Iterator[None]:
    """Hold one of the folder's locks; retry with backoff up to ``timeout``, then ``IndexBusy``."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = _FileLock(index_dir / name)
    deadline = time.monotonic() + timeout
    delay = 0.02
    while not lock.acquire():
        if time.monotonic() >= deadline:
            raise IndexBusy("the search index is being updated by another writer; try again")
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 2, 0.5)
    try:
        yield
    finally:
        lock.release()


@contextmanager
def rebuild_turn(index_dir: Path, stopped: Callable[[], bool], poll: float = 0.25) -> Iterator[bool]:
    """Take the folder's rebuild turn: yields True while holding it. When another process
    holds it (another window on the same library decided to rebuild too), waits until it lets
    go, its new index then being in place (or its rebuild having failed), and yields False
    without holding it: the caller looks at the index again rather than rebuild it a second
    time. ``stopped()`` ends the wait early (the library is closing)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = _FileLock(index_dir / TURN_LOCK)
    if lock.acquire():
        try:
            yield True
        finally:
            lock.release()
        return
    while not stopped():
        time.sleep(poll)
        if lock.acquire():
            lock.release()
            break
    yield False
