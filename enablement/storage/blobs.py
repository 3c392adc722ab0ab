"""Content-addressed blob store: files are named only by the SHA-256 of their bytes.

Writes go to a temp file in the store, are fsynced, then renamed into place, so a blob
is either complete or absent. The original file name is display metadata kept in the
database, never a storage name.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from enablement.errors import StorageError

CHUNK = 1024 * 1024


def sha256_file(path: Path) -> str:
    """The hex SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    path: Path


@dataclass(frozen=True)
class StagedBlob:
    """A private copy of a source file inside the store, not yet under its hash."""

    sha256: str
    size: int
    path: Path
    too_large: bool = False

    def discard(self) -> None:
        """Remove the copy (a refused or duplicate file)."""
        self.path.unlink(missing_ok=True)


class BlobStore:
    """Blobs under ``root/ab/abcdef…`` (two-level fan-out keeps folders small)."""

    # True when the bytes live on a team server and this folder only caches some of them.
    on_server = False

    def __init__(self, root: Path) -> None:
        self.root = root

    def server_problems(self, sizes: dict[str, int]) -> list[tuple[str, str]]:
        """(sha256, what is wrong) for the files whose bytes the server holds badly; a store
        with no server has none."""
        return []

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def local_path(self, sha256: str) -> Path:
        """Where to read a blob's bytes on this machine (a team library's store fetches them
        from the server first when they are not cached here)."""
        return self.path_for(sha256)

    def download(self, sha256: str, progress: Callable[[int, int], None] | None = None,
                 cancel: threading.Event | None = None) -> Path:
        """``local_path`` with the download's progress (chunks done, chunks in all) and a way
        to stop it; this store holds every file already."""
        return self.local_path(sha256)

    def keep(self, piece_ids: Iterable[int]) -> None:
        """Keep these pieces' files on this computer ("make available offline"); this store
        holds every file already."""

    def kept(self) -> set[int]:
        """The pieces kept for offline use (``keep``)."""
        return set()

    def send_in(self, session: object, sha256: str) -> None:
        """Called in the write transaction that adds a blob's row: a team library's store
        sends the bytes to the server there; this one already holds them."""

    def forget(self, sha256s: Iterable[str]) -> None:
        """Files no piece refers to any more: a team library's cache drops its copies; this
        store holds the library's own files and keeps them (garbage collection removes them)."""

    def put_file(self, source: Path) -> StoredBlob:
        """Copy ``source`` into the store (hashing while copying); idempotent."""
        return self.commit(self.stage_copy(source, max_bytes=1 << 62))

    def stage_copy(self, source: Path, max_bytes: int, suffix: str = "") -> "StagedBlob":
        """Copy ``source`` to a private temp file in the store while hashing it.

        Everything after this (sniffing, checks, extraction, storing) works on the copy, so
        the bytes stored are exactly the bytes checked even if ``source`` changes (a shared
        drive being written to). Stops at ``max_bytes`` + 1 (``StagedBlob.too_large``). The
        copy is fsynced; ``commit`` renames it into place, ``discard`` removes it.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", suffix=suffix, dir=self.root)
        tmp = Path(tmp_name)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
                while size <= max_bytes:
                    chunk = src.read(min(CHUNK, max_bytes + 1 - size))
                    if not chunk:
                        break
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                raise StorageError("The disk holding the library is full; the file was not imported.") from exc
            raise
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return StagedBlob(digest.hexdigest(), size, tmp, size > max_bytes)

    def commit(self, staged: "StagedBlob") -> StoredBlob:
        """Move a staged copy into place under its hash (idempotent)."""
        final = self.path_for(staged.sha256)
        try:
            if final.is_file() and final.stat().st_size == staged.size:
                staged.path.unlink(missing_ok=True)
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged.path, final)
                _fsync_dir(final.parent)
        except OSError as exc:
            staged.path.unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                raise StorageError("The disk holding the library is full; the file was not imported.") from exc
            raise
        return StoredBlob(staged.sha256, staged.size, final)

    def put_bytes(self, data: bytes) -> StoredBlob:
        """Store bytes (used for small generated files)."""
        fd, tmp_name = tempfile.mkstemp(prefix=".bytes-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            return self.put_file(Path(tmp_name))
        finally:
            Path(tmp_name).unlink(missing_ok=True)

    def verify(self, sha256: str) -> bool:
        """True when the blob exists and its bytes still hash to its name."""
        path = self.path_for(sha256)
        return path.is_file() and sha256_file(path) == sha256

    def remove(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)

    def all_hashes(self) -> Iterator[str]:
        """Every blob name on disk (temp files excluded)."""
        if not self.root.exists():
            return
        for sub in self.root.iterdir():
            if sub.is_dir() and len(sub.name) == 2:
                for item in sub.iterdir():
                    if len(item.name) == 64 and item.is_file():
                        yield item.name

    def leftover_temp_files(self) -> list[Path]:
        """Temp files a killed import left behind (safe to delete)."""
        if not self.root.exists():
            return []
        return [p for p in self.root.iterdir() if p.name.startswith((".incoming-", ".bytes-"))]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
