"""Import: files, folders and links become pieces, one file at a time, atomically.

Order per file: a private copy made while hashing (temp file in the blob store, fsynced)
→ sniff (in-process, cheap) → duplicate check → extraction in a sandboxed worker
(parallel) → the copy renamed into place as the blob → piece and version rows in one
transaction → index. Everything after the copy reads the copy, so the bytes stored are
exactly the bytes checked even when the source changes meanwhile (a shared drive being
written to). A crash leaves only temp files or an unreferenced blob, which ``check``
reports as collectable and a re-import reuses. Two imports racing to store the same bytes
(team mode) end with one piece and one "duplicate" outcome.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sqlalchemy.exc import IntegrityError

from enablement.errors import InvalidInput, NotFound, StorageError
from enablement.extract.results import Extracted
from enablement.models.dto import Actor, Done, FileOutcome, ImportSummary, TagSelection
from enablement.models.tables import Blob, Piece, PieceVersion, stored_id, utcnow
from enablement.models.vocab import Outcome, ReviewState, Source, Status
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, require
from enablement.services.pieces import PieceService, _check_url, piece_changes
from enablement.services.titles import choose_title
from enablement.storage import pieces_repo
from enablement.storage.blobs import StagedBlob, StoredBlob

ProgressCallback = Callable[[int, int, str], None]

# Each index commit costs far more than a row: during a bulk import the index takes the new
# pieces about once a second (a piece is searchable within about a second of landing), or
# less often while its commits are slow (each batch rests twice as long as it took: services.caches).
_INDEX_BATCH_SECONDS = 1.0
# The index is written in a child process on a thread of its own while the import goes on
# extracting and storing (it took ~90 % of the importing process's time, and held its
# interpreter lock): always where the index already writes in a child (the desktop app), and
# from this many files on elsewhere (fewer are not worth starting that process, ~0.5 s).
_BACKGROUND_INDEX_FILES = 32
# Files copied ahead per extraction worker: enough that a worker always has its next file
# while the import stores the last one, few enough that a cancel leaves little to undo.
_AHEAD_PER_WORKER = 4


@dataclass(frozen=True)
class _Candidate:
    path: Path  # the source, for its name only: its bytes are read once, into ``staged``
    staged: StagedBlob
    file_type: str
    note: str  # e.g. "named .pdf but is a Word document"

    @property
    def sha256(self) -> str:
        return self.staged.sha256


def walk_files(paths: Iterable[Path], skip: Path | None = None) -> Iterator[Path]:
    """Files named, and files inside folders named (recursively, sorted, no hidden files,
    symbolic links not followed so a folder cannot loop). ``skip`` (the library's own
    folder) is never entered."""
    skip_resolved = skip.resolve() if skip is not None else None
    for raw in paths:
        path = Path(raw)
        if path.is_symlink():
            continue
        if path.is_file():
            if skip_resolved is None or skip_resolved not in path.resolve().parents:
                yield path
        elif path.is_dir():
            if skip_resolved is not None and (path.resolve() == skip_resolved
                                              or skip_resolved in path.resolve().parents):
                continue
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                                 and (skip_resolved is None or (Path(root) / d).resolve() != skip_resolved))
                for name in sorted(files):
                    full = Path(root) / name
                    if not name.startswith((".", "~$")) and not full.is_symlink():
                        yield full


def _safe_suffix(path: Path) -> str:
    """The source's extension, kept on the private copy (sniffing compares it with the
    content); only a short, plain one."""
    return re.sub(r"[^\w.]", "", path.suffix.lower())[:16]


def nothing_to_import(paths: list[Path], library_root: Path) -> str:
    """Why the named paths hold no file to import, in one line."""
    from enablement.display import escape_display

    reasons = []
    for path in paths[:3]:
        shown = escape_display(str(path))
        if path.is_symlink():
            reasons.append(f"{shown} is a symbolic link (links are not followed)")
        elif not path.exists():
            reasons.append(f"{shown} does not exist")
        elif path.is_dir():
            inside = path.resolve() == library_root.resolve() or library_root.resolve() in path.resolve().parents
            reasons.append(f"{shown} is the library's own folder" if inside else f"{shown} holds no files to import")
        else:
            reasons.append(f"{shown} is not a regular file")
    more = f" (and {len(paths) - 3} more)" if len(paths) > 3 else ""
    return "Nothing to import: " + "; ".join(reasons) + more + "."


class ImportService:
    def __init__(self, ctx: LibraryContext, pieces: PieceService) -> None:
        self.ctx = ctx
        self.pieces = pieces

    def import_paths(self, actor: Actor, paths: Iterable[Path], *, tags: TagSelection | None = None,
                     source: str = Source.MARKETING, owner: str = "",
                     progress: ProgressCallback | None = None,
                     cancel: threading.Event | None = None) -> Done[ImportSummary]:
        """Import files and folders. Every file ends with one explicit outcome.

        ``progress(done, total, text)`` hears, from the first file on, how many files have their
        outcome out of how many were found, and what happens now: "Checking 3 of 40: name.pdf"
        while a file is copied, hashed and checked (a few ahead of the extraction), "Stored 2 of
        40: name.pdf" when one lands. ``done`` only grows (to ``total`` unless cancelled)."""
        if source == Source.REP:
            require(actor, Permission.SUBMIT_REP_PIECE)
        else:
            require(actor, Permission.IMPORT)
        from enablement.extract import ExtractionPool

        paths = [Path(p) for p in paths]
        files = list(walk_files(paths, skip=self.ctx.paths.root))
        if not files and paths:
            raise InvalidInput(nothing_to_import(paths, self.ctx.paths.root))
        total = len(files)
        outcomes: dict[Path, FileOutcome] = {}
        done_count = 0

        def report(text: str, finished: int = 0) -> None:
            """``progress(files with their outcome, files in all, what happens now)``."""
            nonlocal done_count
            done_count += finished
            if progress is not None:
                progress(done_count, total, text)

        limits = self.ctx.settings.limits
        submitted: dict[str, _Candidate] = {}  # sent for extraction, by key
        landed = 0
        seen: dict[str, Path] = {}
        known = self._known_blobs()
        cancelled = False
        # Each file commits on its own; the cache hook is held so the index takes the new
        # pieces in a few commits (flushed about once a second) rather than one per file.
        index, background = self.ctx.index, False
        if index is not None and (index.writes_in_child or total >= _BACKGROUND_INDEX_FILES):
            index.write_in_child()  # a no-op where it already does (the desktop app)
            background = True
        ahead = _AHEAD_PER_WORKER * self.ctx.settings.workers
        try:
            with self.ctx.caches.held(background) as flush, \
                    ExtractionPool(limits, workers=self.ctx.settings.workers) as pool:
                last_flush = time.monotonic()

                def land_next() -> bool:
                    """Store the next extracted file; False when none is left to store."""
                    nonlocal landed, last_flush
                    result = next(pool.results(), None)  # leaving the pool's loop early is fine
                    if result is None:
                        return False
                    cand = submitted[str(result[0])]
                    outcomes[cand.path] = self._land(actor, cand, result[1], tags, source, owner)
                    landed += 1
                    report(f"Stored {landed} of {total}: {cand.path.name}", finished=1)
                    if time.monotonic() - last_flush > _INDEX_BATCH_SECONDS and flush():
                        last_flush = time.monotonic()
                    return True

                # Files are copied, hashed and checked while earlier ones are extracted and
                # stored: at most ``ahead`` of them wait between the copy and the rows.
                for number, path in enumerate(files, 1):
                    if cancel is not None and cancel.is_set():
                        break
                    checking = f"Checking {number} of {total}: {path.name}"
                    report(checking)
                    cand = self._screen(path, known, seen)
                    if isinstance(cand, FileOutcome):
                        outcomes[path] = cand
                        report(checking, finished=1)
                        continue
                    key = str(len(submitted))
                    submitted[key] = cand
                    pool.submit(key, cand.staged.path)
                    if len(submitted) - landed >= ahead:
                        land_next()
                while landed < len(submitted) and (cancel is None or not cancel.is_set()) and land_next():
                    pass
                if cancel is not None and cancel.is_set():
                    pool.cancel()
                    cancelled = True
        finally:
            for cand in submitted.values():
                cand.staged.discard()  # copies not landed (refused, cancelled, failed); no-op otherwise
        cancelled = cancelled or (cancel is not None and cancel.is_set())
        ordered = tuple(outcomes.get(p) or FileOutcome(str(p), Outcome.CANCELLED, "import cancelled")
                        for p in files)
        summary = ImportSummary(ordered, cancelled=cancelled)
        return Done(summary, piece_changes(*summary.piece_ids))

    def _screen(self, path: Path, known: dict[str, str],
                seen: dict[str, Path]) -> _Candidate | FileOutcome:
        """A private copy of ``path``, sniffed and checked for duplicates (``seen``: the
        files of this import so far, updated here), or the outcome that ends the file."""
        from enablement.extract import sniff_file

        staged, reason = self._private_copy(path)
        if staged is None:
            return FileOutcome(str(path), Outcome.REJECTED, reason)
        sniff = sniff_file(staged.path, self.ctx.settings.limits)
        sha = staged.sha256
        outcome: FileOutcome | None = None
        if sniff.file_type is None:
            outcome = FileOutcome(str(path), Outcome.REJECTED, sniff.reason)
        elif sha in known:
            outcome = FileOutcome(str(path), Outcome.DUPLICATE, f"already in the library as '{known[sha]}'",
                                  duplicate_of=known[sha])
        elif sha in seen:
            outcome = FileOutcome(str(path), Outcome.DUPLICATE, f"same file as {seen[sha].name} in this "
                                  "import", duplicate_of=str(seen[sha]))
        if outcome is not None:
            staged.discard()
            return outcome
        seen[sha] = path
        return _Candidate(path, staged, sniff.file_type or "", sniff.reason if sniff.extension_mismatch else "")

    def _private_copy(self, path: Path) -> tuple[StagedBlob | None, str]:
        """A private copy of ``path`` (hashed while copying), or None and why it is refused."""
        limits = self.ctx.settings.limits
        from enablement.extract import sniff_file

        try:
            if path.stat().st_size > limits.max_file_bytes or not path.is_file():
                return None, sniff_file(path, limits).reason or "not a regular file"
            staged = self.ctx.blobs.stage_copy(path, limits.max_file_bytes, _safe_suffix(path))
        except StorageError:
            raise
        except OSError as exc:
            return None, f"cannot read: {exc.strerror or exc}"
        if staged.too_large:
            staged.discard()
            return None, "too large (it grew while being read)"
        return staged, ""

    def _known_blobs(self) -> dict[str, str]:
        """Hash → title of every piece version's bytes already in the library."""
        with self.ctx.read() as s:
            return pieces_repo.blob_titles(s)

    def _land(self, actor: Actor, cand: _Candidate, extracted: Extracted, tags: TagSelection | None,
              source: str, owner: str) -> FileOutcome:
        """Store one extracted file: blob first, then rows in one transaction."""
        if extracted.outcome == Outcome.REJECTED:
            cand.staged.discard()
            return FileOutcome(str(cand.path), Outcome.REJECTED, extracted.detail)
        detail = "; ".join(d for d in (cand.note, extracted.detail) if d)
        stored = self.ctx.blobs.commit(cand.staged)
        file_type = extracted.file_type or cand.file_type
        title = choose_title(extracted.title, cand.path.name).title
        try:
            return self._insert_piece(actor, cand, stored, extracted, detail, file_type, title, tags, source, owner)
        except IntegrityError:
            # Another import (team mode: another machine) stored the same bytes between our
            # check and our commit; looking again finds its piece, so this is a duplicate.
            return self._insert_piece(actor, cand, stored, extracted, detail, file_type, title, tags, source, owner)

    def _insert_piece(self, actor: Actor, cand: _Candidate, stored: StoredBlob, extracted: Extracted, detail: str,
                      file_type: str, title: str, tags: TagSelection | None, source: str,
                      owner: str) -> FileOutcome:
        """The piece and version rows of one stored file, in one transaction (or the
        duplicate it turned out to be). A rep's own piece is a write that may wait (team
        mode: stored on the laptop with its file and sent at the next sync)."""
        with (self.ctx.queue() if source == Source.REP else self.ctx.write()) as w:
            s = w.session
            # Another import of the same bytes (team mode: another machine) waits here until
            # this transaction ends, then finds this piece: the check below is only sound
            # under the lock (PostgreSQL reads committed rows per statement).
            pieces_repo.lock_blob(s, stored.sha256)
            existing = pieces_repo.piece_with_blob(s, stored.sha256)
            if existing is not None:
                return FileOutcome(str(cand.path), Outcome.DUPLICATE,
                                   f"already in the library as '{existing.title}'", duplicate_of=existing.title)
            if s.get(Blob, stored.sha256) is None:
                s.add(Blob(sha256=stored.sha256, size=stored.size, file_type=file_type))
                s.flush()  # should another writer still have added it, this fails (see _land)
                if not w.deferred:
                    self.ctx.blobs.send_in(s, stored.sha256)
            piece = Piece(title=title, status=Status.DRAFT, source=source, owner=owner or "",
                          review_state=ReviewState.PENDING if source == Source.REP else ReviewState.NONE,
                          created_by_id=actor.user_id)
            s.add(piece)
            s.flush()
            piece_id = stored_id(piece.id)
            version = PieceVersion(piece_id=piece_id, number=1, blob_sha256=stored.sha256,
                                   original_name=cand.path.name[:500], file_type=file_type, size=stored.size,
                                   page_count=extracted.page_count, doc_title=extracted.title[:500],
                                   doc_author=extracted.author[:300], text=extracted.text,
                                   outcome=extracted.outcome, outcome_detail=detail[:500],
                                   created_by_id=actor.user_id)
            s.add(version)
            s.flush()
            piece.current_version_id = version.id
            if tags is not None:
                self.pieces.apply_tags_in(s, piece, tags)
            w.record(piece_changes(piece_id))
        return FileOutcome(str(cand.path), extracted.outcome, detail, piece_id=piece_id,
                           pages=extracted.page_count)

    def new_version(self, actor: Actor, piece_id: int, path: Path, note: str = "") -> Done[FileOutcome]:
        """Replace a piece's file; history, tags and usage stay on the piece."""
        require(actor, Permission.EDIT_PIECES)
        from enablement.extract import extract_file, sniff_file

        path = Path(path)
        if not path.is_file():
            raise InvalidInput(f"No file at {path}.")
        self.pieces.get(piece_id)  # NotFound before any work
        staged, reason = self._private_copy(path)
        if staged is None:
            raise InvalidInput(f"{path.name} was rejected: {reason}")
        try:
            sniff = sniff_file(staged.path, self.ctx.settings.limits)
            if sniff.file_type is None:
                raise InvalidInput(f"{path.name} was rejected: {sniff.reason}")
            extracted = extract_file(staged.path, self.ctx.settings.limits)
            if extracted.outcome == Outcome.REJECTED:
                raise InvalidInput(f"{path.name} was rejected: {extracted.detail}")
            stored = self.ctx.blobs.commit(staged)
        finally:
            staged.discard()
        with self.ctx.write() as w:
            s = w.session
            piece = s.get(Piece, piece_id)
            if piece is None:
                raise NotFound(f"No piece with id {piece_id}.")
            versions = pieces_repo.versions(s, piece_id)
            current = next((v for v in versions if v.id == piece.current_version_id), None)
            if current is not None and current.blob_sha256 == stored.sha256:
                raise InvalidInput(f"{path.name} is the same file as the current version.")
            if s.get(Blob, stored.sha256) is None:
                s.add(Blob(sha256=stored.sha256, size=stored.size, file_type=extracted.file_type or sniff.file_type))
                self.ctx.blobs.send_in(s, stored.sha256)
            detail = "; ".join(d for d in (sniff.reason if sniff.extension_mismatch else "", extracted.detail) if d)
            version = PieceVersion(piece_id=piece_id, number=max((v.number for v in versions), default=0) + 1,
                                   blob_sha256=stored.sha256, original_name=path.name[:500],
                                   file_type=extracted.file_type or sniff.file_type, size=stored.size,
                                   page_count=extracted.page_count, doc_title=extracted.title[:500],
                                   doc_author=extracted.author[:300], text=extracted.text,
                                   outcome=extracted.outcome, outcome_detail=detail[:500], note=note[:500],
                                   created_by_id=actor.user_id)
            s.add(version)
            s.flush()
            piece.current_version_id = version.id
            piece.updated_at, piece.updated_by_id = utcnow(), actor.user_id
            outcome = FileOutcome(str(path), extracted.outcome, detail, piece_id=piece_id,
                                  pages=extracted.page_count)
            w.record(piece_changes(piece_id))
        return Done(outcome, w.changes)

    def add_link(self, actor: Actor, url: str, title: str, description: str = "",
                 tags: TagSelection | None = None, source: str = Source.MARKETING) -> Done[int]:
        """A link piece: URL and title, nothing downloaded."""
        require(actor, Permission.SUBMIT_REP_PIECE if source == Source.REP else Permission.IMPORT)
        url = _check_url(url)
        if not title.strip():
            raise InvalidInput("A link needs a title.")
        with (self.ctx.queue() if source == Source.REP else self.ctx.write()) as w:
            s = w.session
            piece = Piece(title=title.strip()[:300], description=description, kind="link", url=url,
                          status=Status.DRAFT, source=source, created_by_id=actor.user_id,
                          review_state=ReviewState.PENDING if source == Source.REP else ReviewState.NONE)
            s.add(piece)
            s.flush()
            piece_id = stored_id(piece.id)
            if tags is not None:
                self.pieces.apply_tags_in(s, piece, tags)
            w.record(piece_changes(piece_id))
        return Done(piece_id, w.changes)

