"""File bytes on the team server: 1 MiB chunks in ``app.blob_chunks``, and a local cache.

Sending: the chunks go in the same transaction as the ``blobs`` row, and the server checks
at COMMIT that they hash to the blob's name. Fetching: chunk by chunk into a ``.partial``
file, SHA-256 checked before the atomic rename into the cache; a half-fetched file resumes
from its last whole chunk.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import text
from sqlalchemy.engine import Engine

from enablement.errors import NotFound, StorageError
from enablement.storage.blobs import CHUNK, BlobStore

CHUNK_BYTES = 1024 * 1024
assert CHUNK == CHUNK_BYTES


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


class ServerBlobCache(BlobStore):
    """A blob store whose files live on the team server; this folder is only a cache."""

    def __init__(self, root: Path, engine: Engine) -> None:
        super().__init__(root)
        self.engine = engine

    def send_in(self, session: Any, sha256: str) -> None:
        """Upload the bytes of a blob this transaction adds (they are in the cache already)."""
        session.flush()
        send_chunks(session, sha256, self.path_for(sha256))

    def forget(self, sha256s: Iterable[str]) -> None:
        """Drop the cached copies of files no visible piece refers to any more."""
        for sha256 in sha256s:
            self.remove(sha256)
            self.path_for(sha256).with_name(self.path_for(sha256).name + ".partial").unlink(missing_ok=True)

    def local_path(self, sha256: str) -> Path:
        """The cached file, fetched from the server first when this machine lacks it."""
        path = self.path_for(sha256)
        if not path.is_file():
            self.fetch(sha256)
        return path

    def fetch(self, sha256: str) -> Path:
        final = self.path_for(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        partial = final.with_name(final.name + ".partial")
        have = partial.stat().st_size if partial.exists() else 0
        start = have // CHUNK_BYTES
        digest = hashlib.sha256()
        if start:
            with open(partial, "rb") as handle:  # resume: re-hash the whole chunks already here
                for _ in range(start):
                    digest.update(handle.read(CHUNK_BYTES))
        with self.engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM app.blob_chunks WHERE sha256 = :sha"),
                                 {"sha": sha256}).scalar_one()
            if count == 0:
                size = conn.execute(text("SELECT size FROM blobs WHERE sha256 = :sha"), {"sha": sha256}).scalar()
                if size != 0:
                    raise NotFound("This file is not on the team server (or you may not see it).")
            try:
                with open(partial, "r+b" if start else "wb") as out:
                    out.seek(start * CHUNK_BYTES)
                    out.truncate()
                    for n in range(start, count):
                        data = conn.execute(text("SELECT data FROM app.blob_chunks WHERE sha256 = :sha AND n = :n"),
                                            {"sha": sha256, "n": n}).scalar_one()
                        digest.update(data)
                        out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
            except OSError as exc:
                raise StorageError(f"Cannot store a file fetched from the team server: {exc.strerror}.") from exc
        if digest.hexdigest() != sha256:
            partial.unlink(missing_ok=True)
            raise StorageError("A file fetched from the team server does not match its SHA-256; try again.")
        os.replace(partial, final)
        return final
