"""Renditions: Word, PowerPoint and Excel versions drawn once as PDF pages, kept with the version.

Made after a file lands (import, new version), never during it: the import stays as fast as
before and a renderer that hangs costs nothing but the rendition. ``draw`` runs the office
renderer (sandboxed, see ``extract.convert``) and reads the PDF's pages' text in the
extraction sandbox, storing each PDF as a blob; ``store`` then writes the rows in one short
transaction (so the app can draw on its read pool and store on its write lane).
``make_pending`` does both, for the command line.

In a team library the rendition is made where a file lands: a marketing or admin machine
with a renderer draws the versions whose files it holds and stores the PDF (its bytes in
1 MiB chunks) and the row on the server, in one server transaction; every laptop then pulls
the row with the catalog and fetches the PDF with the piece's file, so a laptop without a
renderer previews real pages. A rep's machine draws nothing (the server would refuse the
row): a rep's own piece is drawn by marketing's app.

A rendition is derived: ``check`` lists missing or damaged ones as "will be made" and
``repair`` makes them again. A failed try is kept with its reason (previews fall back to the
file's own thumbnail and a text layout of its slides), and is tried again only by ``retry``.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from enablement.errors import FileNotHere, NotFound, StorageError
from enablement.extract.convert import RENDERED_TYPES, convert_to_pdf, find_office, office_version
from enablement.models.changes import Changes
from enablement.models.dto import Done
from enablement.models.tables import Piece, PieceVersion, Rendition
from enablement.models.vocab import Outcome
from enablement.services.context import LibraryContext
from enablement.services.pieces import piece_changes
from enablement.storage import renditions_repo
from enablement.storage.renditions_repo import VersionToDraw

OK = "ok"
FAILED = "failed"
ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Drawn:
    """One version drawn (or not): what ``store`` writes."""

    version_id: int
    sha256: str | None
    size: int
    outcome: str
    detail: str
    page_count: int | None
    text: str
    renderer: str


@dataclass(frozen=True)
class RenditionFile:
    """A version's rendition on this machine: the PDF's path and its page count."""

    path: str
    page_count: int | None


class RenditionService:
    def __init__(self, ctx: LibraryContext, *, office: str | None = None) -> None:
        """``office``: the renderer's command (tests: a misbehaving one); default: the
        ``office_command`` setting, else soffice/libreoffice on PATH."""
        self.ctx = ctx
        self._office_override = office
        self._lock = threading.Lock()
        self._office: tuple[str | None, str] | None = None
        # A team library sets this: whether this login may store renditions on the server now
        # (marketing or admin, and the server answering). None: an embedded library.
        self.may_store_on_server: Callable[[], bool] | None = None

    # --- the renderer -------------------------------------------------------------------------
    def office(self) -> str | None:
        """The renderer's command, or None when renditions are off or none is installed, or
        (a team library) when this login may not store them on the server or it does not answer."""
        if self.ctx.blobs.on_server and not self._may_store():
            return None
        return self._renderer()[0]

    def _may_store(self) -> bool:
        return self.may_store_on_server is not None and self.may_store_on_server()

    def _renderer(self) -> tuple[str | None, str]:
        with self._lock:
            if self._office is None:
                settings = self.ctx.settings
                command = self._office_override or (find_office(settings.office_command) if settings.renditions
                                                    else None)
                self._office = (command, office_version(command) if command else "")
            return self._office

    # --- making -------------------------------------------------------------------------------
    def pending(self, piece_ids: Sequence[int] | None = None, limit: int = 1000) -> list[VersionToDraw]:
        """Current Word/PowerPoint/Excel versions with no rendition (nor a failed try) yet."""
        with self.ctx.read() as s:
            return renditions_repo.to_draw(s, sorted(RENDERED_TYPES), limit, piece_ids)

    def draw(self, items: Sequence[VersionToDraw], progress: ProgressCallback | None = None,
             cancel: threading.Event | None = None, *, here_only: bool = False) -> list[Drawn]:
        """Draw each version as a PDF (sandboxed office renderer, ``settings.workers`` at a
        time), store each PDF as a blob and read its pages' text in the extraction sandbox.
        Nothing is written to the database here (see ``store``); nothing at all without a
        renderer. ``here_only``: only files already on this machine (a team laptop draws in
        the background what it imported, and downloads nothing just to draw it)."""
        office = self.office()
        renderer = self._renderer()[1]
        if here_only:
            items = [i for i in items if self.ctx.blobs.exists(i.sha256)]
        if office is None or not items:
            return []
        work_root = Path(self.ctx.paths.tmp) / "renditions"
        work_root.mkdir(parents=True, exist_ok=True)
        done_count = 0
        count_lock = threading.Lock()

        def one(item: VersionToDraw) -> tuple[VersionToDraw, Path | None, str, Path | None]:
            nonlocal done_count
            if cancel is not None and cancel.is_set():
                return item, None, "", None
            work = Path(tempfile.mkdtemp(prefix="run-", dir=work_root))
            try:
                source = Path(self.ctx.blobs.local_path(item.sha256))
                converted = convert_to_pdf(source, item.file_type, work, self.ctx.settings.limits, office)
                problem = converted.problem
            except FileNotHere:
                shutil.rmtree(work, ignore_errors=True)
                return item, None, "", None  # a team laptop offline: tried again later
            except OSError as exc:
                converted, problem = None, f"the file could not be read ({exc.strerror or exc})"
            with count_lock:
                done_count += 1
                if progress is not None:
                    progress(done_count, len(items), item.title)
            return item, (converted.pdf if converted is not None else None), problem, work

        workers = max(1, min(self.ctx.settings.workers, len(items)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="enablement-rendition") as pool:
            runs = list(pool.map(one, items))
        out: list[Drawn] = []
        pdfs: dict[int, tuple[str, int]] = {}
        try:
            for item, pdf, problem, _work in runs:
                if pdf is not None:
                    stored = self.ctx.blobs.put_file(pdf)
                    pdfs[item.version_id] = (stored.sha256, stored.size)
                elif problem:
                    out.append(Drawn(item.version_id, None, 0, FAILED, problem, None, "", renderer))
        finally:
            for _item, _pdf, _problem, work in runs:
                if work is not None:
                    shutil.rmtree(work, ignore_errors=True)
        out += self._read_pages(pdfs, renderer, cancel)
        return out

    def _read_pages(self, pdfs: dict[int, tuple[str, int]], renderer: str,
                    cancel: threading.Event | None) -> list[Drawn]:
        """Each drawn PDF's page count and paged text, read in the extraction sandbox (a PDF
        whose text cannot be read still previews: it is kept without text)."""
        if not pdfs:
            return []
        from enablement.extract import ExtractionPool

        out = []
        with ExtractionPool(self.ctx.settings.limits, workers=min(self.ctx.settings.workers, len(pdfs))) as pool:
            for vid, (sha, _size) in pdfs.items():
                pool.submit(vid, self.ctx.blobs.path_for(sha))
            for key, extracted in pool.results():
                vid = int(str(key))
                sha, size = pdfs[vid]
                readable = extracted.outcome in (Outcome.OK, Outcome.OK_NO_TEXT)
                out.append(Drawn(vid, sha, size, OK, "" if readable else extracted.detail,
                                 extracted.page_count, extracted.text if readable else "", renderer))
                if cancel is not None and cancel.is_set():
                    pool.cancel()
                    break
        return out

    def store(self, drawn: Sequence[Drawn]) -> Done[int]:
        """Write the drawn versions' rendition rows (and the PDFs' blob rows) in one
        transaction; the change-set names their pieces (thumbnails, previews and page hits
        follow). Returns how many came out as pages."""
        if not drawn:
            return Done(0, Changes())
        with self.ctx.write() as w:
            s = w.session
            pieces: set[int] = set()
            for d in drawn:
                new_blob = d.sha256 is not None and not renditions_repo.has_blob(s, d.sha256)
                piece_id = renditions_repo.store(s, d.version_id, sha256=d.sha256, size=d.size, outcome=d.outcome,
                                                 detail=d.detail, page_count=d.page_count, text=d.text,
                                                 renderer=d.renderer)
                if piece_id is None:
                    continue
                if new_blob and d.sha256 is not None:
                    self.ctx.blobs.send_in(s, d.sha256)
                pieces.add(piece_id)
            w.record(piece_changes(*pieces))
        return Done(sum(1 for d in drawn if d.outcome == OK), w.changes)

    def make_pending(self, piece_ids: Sequence[int] | None = None, progress: ProgressCallback | None = None,
                     cancel: threading.Event | None = None) -> Done[int]:
        """Draw and store every version that needs a rendition (of ``piece_ids``, or all)."""
        if self.office() is None:
            return Done(0, Changes())
        return self.store(self.draw(self.pending(piece_ids), progress, cancel))

    def retry(self, version_ids: Sequence[int]) -> Done[None]:
        """Forget these versions' renditions (failed or damaged) so they are made again."""
        with self.ctx.write() as w:
            pieces = renditions_repo.forget(w.session, version_ids)
            w.record(piece_changes(*pieces))
        return Done(None, w.changes)

    def repair(self, version_ids: Sequence[int]) -> Done[None]:
        """Damaged renditions (``check``'s list): a copy on this machine that is not whole
        goes (a team laptop fetches it again), and where this machine may draw them their rows
        are forgotten so they are drawn again. A team laptop that may not draw leaves the
        rows: marketing's app draws them again."""
        with self.ctx.read() as s:
            shas = [row.blob_sha256 for vid in version_ids
                    for row in [renditions_repo.for_version(s, vid)] if row is not None and row.blob_sha256]
        if self.ctx.blobs.on_server:
            for sha in shas:
                self.ctx.blobs.remove(sha)
            if self.office() is None:
                return Done(None, Changes())
        return self.retry(version_ids)

    def failed(self) -> list[int]:
        """The versions whose pages could not be drawn."""
        with self.ctx.read() as s:
            return renditions_repo.failed_versions(s)

    # --- reading ------------------------------------------------------------------------------
    def for_piece(self, piece_id: int) -> RenditionFile | None:
        """The current version's rendition on this machine, or None (no rendition, a failed
        one, or its file missing: then previews fall back)."""
        with self.ctx.read() as s:
            piece = s.get(Piece, piece_id)
            if piece is None or not piece.current_version_id:
                raise NotFound(f"No piece with id {piece_id}.")
            row = renditions_repo.for_version(s, piece.current_version_id)
            if row is None or row.outcome != OK or not row.blob_sha256:
                return None
            sha, pages = row.blob_sha256, row.page_count
        try:
            path = Path(self.ctx.blobs.local_path(sha))
        except (FileNotHere, NotFound, StorageError):
            # a team laptop offline without the PDF, or its bytes not (or not whole) on the
            # server: the fallback preview serves, and ``check`` has it made again
            return None
        return RenditionFile(str(path), pages) if path.is_file() else None

    def state(self, piece_id: int) -> str:
        """In words, for the piece's details: made, failed (why), waiting, or no renderer."""
        with self.ctx.read() as s:
            piece = s.get(Piece, piece_id)
            version = s.get(PieceVersion, piece.current_version_id) if piece and piece.current_version_id else None
            if version is None or version.file_type not in RENDERED_TYPES:
                return ""
            row: Rendition | None = renditions_repo.for_version(s, version.id or 0)
        if row is None:
            if self.office():
                return "pages will be drawn"
            if self.ctx.blobs.on_server:
                return "pages not drawn yet (they are drawn where marketing adds the file)"
            return "pages are not drawn on this machine"
        if row.outcome == OK:
            return f"pages drawn by {row.renderer}" if row.renderer else "pages drawn"
        return f"pages could not be drawn: {row.detail}"
