"""File bytes on the team server: 1 MiB chunks in ``app.blob_chunks``, and a laptop's cache.

Sending: the chunks go in the same transaction as the ``blobs`` row, and the server checks
at COMMIT that they hash to the blob's name.

Fetching: chunk by chunk into a ``.partial`` file; a download that was cut off (the
connection lost, the app killed) resumes from its last whole chunk. The SHA-256 of the whole
file is checked before the atomic rename into the cache; when it does not match, each
chunk's hash is asked from the server and only the chunks that differ are fetched again.

Keeping: files of pieces in the person's kits are pinned (never evicted, fetched at each
sync); the most-used published pieces are prefetched within ``Settings.prefetch_mb``; every
other file comes on demand and, beyond ``Settings.file_cache_mb``, the least recently used
ones are evicted (a file's modification time is its last use: the cache sets it on each use).
Offline, a file that is not on this laptop raises ``FileNotHere`` and is queued for the next
sync.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from enablement.display import count
from enablement.errors import Cancelled, FileNotHere, NotFound, Offline, StorageError
from enablement.storage.blobs import CHUNK, BlobStore, _fsync_dir, sha256_file

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
assert CHUNK == CHUNK_BYTES
MB = 1024 * 1024
OFFLINE_RETRY_S = 15.0  # after a failed attempt, misses fail at once for this long (no 5 s waits each)
QUEUE_FILE = "queued"
KEPT_FILE = "kept-pieces"  # pieces made available offline (their current files are pinned)

Progress = Callable[[int, int], None]  # (chunks done, chunks in all)


def send_chunks(connection: Any, sha256: str, path: Path) -> int:
    """Insert the file's chunks (``connection``: a SQLAlchemy connection or session in the
    transaction that inserts the blob row, so no chunk of it can exist yet; no ON CONFLICT:
    that would need the new rows to pass the read policy, which only visible versions do)."""
    insert = text("INSERT INTO app.blob_chunks (sha256, n, data) VALUES (:sha, :n, :data)")
    n = 0
    with open(path, "rb") as handle:
        for n, chunk in enumerate(iter(lambda: handle.read(CHUNK_BYTES), b"")):
            connection.execute(insert, {"sha": sha256, "n": n, "data": chunk})
    return n + 1 if path.stat().st_size else 0


@dataclass(frozen=True)
class FileCacheReport:
    """What the file cache holds, for ``enablement status``."""

    files: int
    bytes: int
    pinned_files: int
    pinned_bytes: int
    queued: int
    limit_bytes: int

    def line(self) -> str:
        text_ = (f"{count(self.files, 'file')}, {_mb(self.bytes)} of {_mb(self.limit_bytes)}; "
                 f"{self.pinned_files} kept for your kits ({_mb(self.pinned_bytes)})")
        if self.queued:
            text_ += f"; {self.queued} waiting to download"
        return text_


@dataclass(frozen=True)
class FilesMoved:
    """What one ``sync_files`` did."""

    downloaded: int = 0
    downloaded_bytes: int = 0
    evicted: int = 0
    evicted_bytes: int = 0
    still_queued: int = 0


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB"


class ServerBlobCache(BlobStore):
    """A blob store whose files live on the team server; this folder is only a cache.

    ``engine`` reaches the server as the person's login (row-level security lets it read
    only bytes of versions the login may see). ``pinned`` returns the hashes never to evict
    (the files of the person's kits); the library sets it once its data source exists.
    """

    on_server = True

    def __init__(self, root: Path, engine: Engine, *, cache_bytes: int = 2048 * MB,
                 prefetch_bytes: int = 512 * MB, pinned: Callable[[], set[str]] | None = None) -> None:
        super().__init__(root)
        self.engine = engine
        self.cache_bytes = cache_bytes
        self.prefetch_bytes = prefetch_bytes
        self.pinned: Callable[[], set[str]] = pinned or set
        self._last_pins: set[str] = set()
        self._offline_until = 0.0
        self._locks: dict[str, threading.Lock] = {}  # one download per file at a time (its .partial)
        self._locks_guard = threading.Lock()

    def server_problems(self, sizes: dict[str, int]) -> list[tuple[str, str]]:
        """Each file's chunks on the server must be numbered 0..n-1 and add up to its size.
        (Their SHA-256 was checked when they arrived, and no login may change a chunk.)
        ``sizes``: sha256 → size of files this login may read."""
        found: dict[str, tuple[int, int, int]] = {}
        shas = sorted(sizes)
        with self.engine.connect() as conn:
            for i in range(0, len(shas), 1000):
                rows = conn.execute(text("SELECT sha256, count(*), coalesce(sum(length(data)), 0), max(n) "
                                         "FROM app.blob_chunks WHERE sha256 = ANY(:shas) GROUP BY sha256"),
                                    {"shas": shas[i:i + 1000]})
                found.update({r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows})
        problems = []
        for sha in shas:
            parts, total, top = found.get(sha, (0, 0, -1))
            if parts == 0 and sizes[sha]:
                problems.append((sha, f"file {sha[:12]}… has no bytes on the team server"))
            elif total != sizes[sha] or parts != top + 1:
                problems.append((sha, f"file {sha[:12]}… has {total} bytes in {parts} chunks on the team server, "
                                      f"expected {sizes[sha]}"))
        return problems

    # --- using files --------------------------------------------------------------------------
    def send_in(self, session: Any, sha256: str) -> None:
        """Upload the bytes of a blob this transaction adds (they are in the cache already)."""
        session.flush()
        send_chunks(session, sha256, self.path_for(sha256))

    def local_path(self, sha256: str) -> Path:
        """The cached file, fetched from the server first when this laptop lacks it; its use
        is recorded (least recently used files are evicted first). Offline and missing:
        ``FileNotHere``, and the file is queued for the next sync."""
        return self.download(sha256)

    def download(self, sha256: str, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> Path:
        """``local_path`` with the download's progress and a way to stop it: a set ``cancel``
        raises ``Cancelled`` between chunks, the ``.partial`` kept for a resume."""
        path = self.path_for(sha256)
        if path.is_file():
            _touch(path)
            return path
        if time.monotonic() < self._offline_until:
            self.queue(sha256)
            raise FileNotHere(_not_here_message())
        try:
            self.fetch(sha256, progress, cancel)
        except Offline as exc:
            self._offline_until = time.monotonic() + OFFLINE_RETRY_S
            self.queue(sha256)
            raise FileNotHere(_not_here_message()) from exc
        self._offline_until = 0.0
        self.evict()
        return path

    def _pins(self) -> set[str]:
        """The pinned hashes; the last ones known when they cannot be read now (offline)."""
        try:
            self._last_pins = set(self.pinned())
        except Offline:
            pass
        return self._last_pins

    def mark_online(self) -> None:
        """The server answered again (a sync went through): try fetches at once."""
        self._offline_until = 0.0

    # --- downloading --------------------------------------------------------------------------
    def fetch(self, sha256: str, progress: Progress | None = None, cancel: threading.Event | None = None) -> Path:
        """Download the file into the cache (resuming a ``.partial``), check its SHA-256,
        and move it into place. Raises ``Offline`` or ``Cancelled`` (the partial kept for a
        resume), ``NotFound`` (not on the server, or not visible to this login) or ``StorageError``."""
        final = self.path_for(sha256)
        with self._locks_guard:
            lock = self._locks.setdefault(sha256, threading.Lock())
        with lock:
            if final.is_file():
                return final
            final.parent.mkdir(parents=True, exist_ok=True)
            partial = final.with_name(final.name + ".partial")
            with self.engine.connect() as conn:
                count = self._chunk_count(conn, sha256)
                digest = self._download(conn, sha256, partial, count, progress, cancel)
                if digest.hexdigest() != sha256:
                    bad = self._repair(conn, sha256, partial, count)
                    log.warning("file %s…: %d chunk(s) did not match their hash and were fetched again",
                                sha256[:12], bad)
                    if sha256_file(partial) != sha256:
                        partial.unlink(missing_ok=True)
                        raise StorageError("A file fetched from the team server does not match its SHA-256 even "
                                           "after fetching it again; try again later.")
            os.replace(partial, final)
            _fsync_dir(final.parent)
            return final

    def _chunk_count(self, conn: Connection, sha256: str) -> int:
        count = conn.execute(text("SELECT count(*) FROM app.blob_chunks WHERE sha256 = :sha"),
                             {"sha": sha256}).scalar_one()
        if count == 0:
            size = conn.execute(text("SELECT size FROM blobs WHERE sha256 = :sha"), {"sha": sha256}).scalar()
            if size != 0:
                raise NotFound("This file is not on the team server (or you may not see it).")
        return int(count)

    def _download(self, conn: Connection, sha256: str, partial: Path, count: int,
                  progress: Progress | None, cancel: threading.Event | None = None) -> Any:
        """Fetch chunks from the last whole one in ``partial`` on; the running SHA-256."""
        have = partial.stat().st_size if partial.exists() else 0
        start = min(have // CHUNK_BYTES, count)
        digest = hashlib.sha256()
        try:
            with open(partial, "r+b" if partial.exists() else "wb") as out:
                for _ in range(start):  # resume: re-hash the whole chunks already here
                    digest.update(out.read(CHUNK_BYTES))
                out.seek(start * CHUNK_BYTES)
                out.truncate()
                for n in range(start, count):
                    if cancel is not None and cancel.is_set():  # whole chunks stay: the next try resumes
                        os.fsync(out.fileno())
                        raise Cancelled("Download cancelled; what came so far is kept and the next try "
                                        "continues from there.")
                    data = self._chunk(conn, sha256, n)
                    digest.update(data)
                    out.write(data)
                    out.flush()  # a killed download keeps every chunk written so far
                    if progress:
                        progress(n + 1, count)
                os.fsync(out.fileno())
        except OSError as exc:
            raise StorageError(f"Cannot store a file fetched from the team server: {exc.strerror}.") from exc
        return digest

    @staticmethod
    def _chunk(conn: Connection, sha256: str, n: int) -> bytes:
        return bytes(conn.execute(text("SELECT data FROM app.blob_chunks WHERE sha256 = :sha AND n = :n"),
                                  {"sha": sha256, "n": n}).scalar_one())

    def _repair(self, conn: Connection, sha256: str, partial: Path, count: int) -> int:
        """Compare each local chunk with the server's hash of it; fetch the ones that differ."""
        server: dict[int, str] = dict(conn.execute(text("SELECT n, encode(sha256(data), 'hex') FROM app.blob_chunks "
                                        "WHERE sha256 = :sha"), {"sha": sha256}).all())
        bad = 0
        try:
            with open(partial, "r+b") as handle:
                for n in range(count):
                    handle.seek(n * CHUNK_BYTES)
                    if hashlib.sha256(handle.read(CHUNK_BYTES)).hexdigest() != server.get(n):
                        handle.seek(n * CHUNK_BYTES)
                        handle.write(self._chunk(conn, sha256, n))
                        bad += 1
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise StorageError(f"Cannot store a file fetched from the team server: {exc.strerror}.") from exc
        return bad

    # --- queue, prefetch, eviction ------------------------------------------------------------
    @property
    def _queue_path(self) -> Path:
        return self.root / QUEUE_FILE

    def queued(self) -> list[str]:
        """Files asked for while offline, in the order asked."""
        try:
            lines = self._queue_path.read_text(encoding="ascii").split()
        except FileNotFoundError:
            return []
        return list(dict.fromkeys(s for s in lines if len(s) == 64))

    def queue(self, sha256: str) -> None:
        """Remember to download this file at the next sync."""
        self.path_for(sha256)  # a valid name only
        wanted = self.queued()
        if sha256 not in wanted:
            self._write_queue([*wanted, sha256])

    def keep(self, piece_ids: Iterable[int]) -> None:
        """Keep these pieces' current files on this laptop (pinned: never evicted, fetched at
        each sync), besides the files of the person's kits."""
        kept = self.kept()
        more = [int(p) for p in piece_ids if int(p) not in kept]
        if more:
            self._write_lines(KEPT_FILE, [str(p) for p in sorted(kept | set(more))])

    def kept(self) -> set[int]:
        try:
            lines = (self.root / KEPT_FILE).read_text(encoding="ascii").split()
        except FileNotFoundError:
            return set()
        return {int(line) for line in lines if line.isdigit()}

    def _write_lines(self, name: str, lines: Iterable[str]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / name
        tmp = target.with_suffix(".tmp")
        tmp.write_text("".join(f"{line}\n" for line in lines), encoding="ascii")
        os.replace(tmp, target)

    def _write_queue(self, hashes: Iterable[str]) -> None:
        self._write_lines(QUEUE_FILE, hashes)

    def popular(self, conn: Connection) -> list[tuple[str, int]]:
        """(hash, size) of the current files of published pieces, most used first, each
        followed by its rendition's PDF when it has one (previews need it, not an office app)."""
        rows = conn.execute(text(
            "SELECT v.blob_sha256, v.size, r.blob_sha256, rb.size FROM pieces p "
            "JOIN piece_versions v ON v.id = p.current_version_id "
            "LEFT JOIN renditions r ON r.version_id = v.id AND r.outcome = 'ok' "
            "LEFT JOIN blobs rb ON rb.sha256 = r.blob_sha256 "
            "LEFT JOIN app.popularity() u ON u.piece_id = p.id "
            "WHERE p.status = 'published' AND v.blob_sha256 IS NOT NULL "
            "ORDER BY coalesce(u.uses, 0) DESC, p.id")).all()
        out: list[tuple[str, int]] = []
        for sha, size, drawn, drawn_size in rows:
            out.append((str(sha), int(size)))
            if drawn is not None and drawn_size is not None:
                out.append((str(drawn), int(drawn_size)))
        return out

    def sync_files(self, progress: Callable[[str], None] | None = None) -> FilesMoved:
        """After a pull: fetch the queued files, the pinned ones, the most-used published
        ones within the prefetch quota; then evict beyond the cache size. ``Offline`` stops
        it (whatever was fetched stays; the rest is fetched next time)."""
        pinned = self._pins()
        with self.engine.connect() as conn:
            ranked = self.popular(conn)
        self.mark_online()
        wanted: list[str] = [*self.queued(), *sorted(pinned)]
        budget = self.prefetch_bytes
        for sha, size in ranked:
            if size > budget:
                break
            budget -= size
            wanted.append(sha)
        fetched = fetched_bytes = 0
        for sha in dict.fromkeys(wanted):
            if self.exists(sha):
                continue
            if progress:
                progress(sha)
            try:
                path = self.fetch(sha)
            except NotFound:  # no longer visible (archived, purged): nothing to fetch
                continue
            fetched += 1
            fetched_bytes += path.stat().st_size
        still = [s for s in self.queued() if not self.exists(s)]
        self._write_queue(still)
        evicted, evicted_bytes = self.evict(pinned)
        return FilesMoved(fetched, fetched_bytes, evicted, evicted_bytes, len(still))

    def forget(self, sha256s: Iterable[str]) -> None:
        """Drop the cached copies of files no visible piece refers to any more (after a pull)."""
        for sha in sha256s:
            path = self.path_for(sha)
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".partial").unlink(missing_ok=True)

    def evict(self, pinned: set[str] | None = None) -> tuple[int, int]:
        """Remove least recently used files until the cache fits ``cache_bytes``; pinned
        files stay whatever their size. Returns (files, bytes) removed."""
        pinned = self._pins() if pinned is None else pinned
        entries = self._entries()
        total = sum(size for _, size, _ in entries)
        removed = removed_bytes = 0
        for sha, size, _ in sorted(entries, key=lambda e: e[2]):
            if total <= self.cache_bytes:
                break
            if sha in pinned:
                continue
            self.remove(sha)
            total -= size
            removed += 1
            removed_bytes += size
        return removed, removed_bytes

    def _entries(self) -> list[tuple[str, int, float]]:
        """(hash, size, last use) of every cached file."""
        found = []
        for sha in self.all_hashes():
            try:
                st = self.path_for(sha).stat()
            except FileNotFoundError:
                continue
            found.append((sha, st.st_size, st.st_mtime))
        return found

    def report(self) -> FileCacheReport:
        pinned = self._pins()
        entries = self._entries()
        kept = [size for sha, size, _ in entries if sha in pinned]
        return FileCacheReport(len(entries), sum(size for _, size, _ in entries), len(kept), sum(kept),
                               len([s for s in self.queued() if not self.exists(s)]), self.cache_bytes)


def _not_here_message() -> str:
    return ("This file is not on this laptop and the team server cannot be reached; "
            "it will be downloaded at the next sync.")


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:  # a read-only cache still serves the file
        pass


