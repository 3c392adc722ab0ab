"""A piece's stored file, handed out: a copy to open in the user's office app, a copy saved
where the user chose, the document's structure for a text preview, and its first pages as
pixels for a PDF preview or thumbnail (drawn in the sandbox, never in the app's process).

The app calls these instead of reaching into the blob store or the extractors itself.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from enablement.display import count, listed
from enablement.errors import Cancelled, FileNotHere, InvalidInput, NotFound, StorageError
from enablement.extract import Extracted, extract_file, sniff_file
from enablement.extract.convert import RENDERED_TYPES
from enablement.extract.render import PageRenderer
from enablement.models.dto import PageImages
from enablement.services.context import LibraryContext
from enablement.services.pieces import PieceService
from enablement.services.renditions import RenditionService
from enablement.services.safe_names import safe_file_name
from enablement.storage import pieces_repo, renditions_repo

CHUNK = 1024 * 1024  # a download's progress step (the team server's chunk)


@dataclass(frozen=True)
class FilesHere:
    """What ``bring_here`` did: files downloaded, files already on this computer, and the
    titles of those that could not come (the team server did not answer; they are queued)."""

    pieces: int  # pieces with a file among those asked
    downloaded: int = 0
    downloaded_bytes: int = 0
    already: int = 0
    not_here: tuple[str, ...] = ()
    kept: bool = False

    @property
    def complete(self) -> bool:
        return not self.not_here

    def message(self) -> str:
        """One line for the status bar."""
        if not self.pieces:
            return "Nothing to download: these pieces are links."
        if self.not_here:
            titles = listed([f"'{t}'" for t in self.not_here[:3]]) + (" and more" if len(self.not_here) > 3 else "")
            return (f"{count(len(self.not_here), 'file')} not on this laptop ({titles}) and the team server does not "
                    "answer: queued to download when it answers again.")
        what = "available offline" if self.kept else "on this laptop"
        done = f"{count(self.downloaded, 'file')} downloaded" if self.downloaded else "nothing to download"
        return f"{count(self.pieces, 'piece')} {what} ({done})."

# Documents that open in office apps; anything else (scripts, HTML, archives...) is only saved.
OPENABLE_TYPES = frozenset({"pdf", "docx", "pptx", "xlsx"})
# The picture an office app saves inside a Word/PowerPoint/Excel file (OOXML), for its card
# when it has no rendition; anything larger is not a thumbnail.
EMBEDDED_THUMBNAILS = ("docProps/thumbnail.jpeg", "docProps/thumbnail.jpg", "docProps/thumbnail.png")
MAX_THUMBNAIL_BYTES = 4 * 1024 * 1024
COPIES_KEPT_S = 24 * 3600  # a copy handed out (opened, dragged) is kept a day: the receiving app may read it late


# The folders this app makes for the copies it hands out (``_copy_out``, a kit's zip): only
# these are ever removed, never anything else found beside them.
OWN_COPY_FOLDER = re.compile(r"^(?:[0-9a-f]{12}|kit-[A-Za-z0-9_]+)$")


def remove_older_than(parent: Path, seconds: float) -> None:
    """Remove the folders of handed-out copies under ``parent`` (named as this app names them)
    last changed ``seconds`` ago or earlier."""
    if not parent.is_dir():
        return
    cutoff = time.time() - seconds
    for folder in parent.iterdir():
        try:
            if OWN_COPY_FOLDER.match(folder.name) and folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue  # removed meanwhile, or not ours to read: the next copy tries again


class PieceFileService:
    def __init__(self, ctx: LibraryContext, pieces: PieceService, renditions: RenditionService | None = None, *,
                 renderer_override: str | None = None) -> None:
        self.ctx = ctx
        self.pieces = pieces
        self.renditions = renditions or RenditionService(ctx)
        self._renderer_override = renderer_override  # tests only: a renderer that misbehaves
        self._renderer: PageRenderer | None = None
        self._renderer_lock = threading.Lock()
        self._closed = False

    def page_images(self, piece_id: int, pages: int, width: int, *, drawer: str,
                    words: Sequence[str] = ()) -> PageImages:
        """The first ``pages`` pages of the current version, ``width`` pixels wide, drawn by
        the sandboxed renderer under the import limits (time, memory): a PDF's own pages, a
        Word/PowerPoint/Excel file's rendition (its pages drawn as a PDF at import). A file
        without pages, or that cannot be drawn, comes back with no pages and the reason.
        ``drawer`` names the drawing function ("module:function", the app's
        ``ui/pdf_pages.DRAWER``): the core draws nothing itself. ``words`` (a search hit's)
        are marked where they stand on the pages."""
        try:  # a rendition first: a team laptop then needs only the PDF, not the office file
            rendition = self.renditions.for_piece(piece_id)
        except NotFound:
            rendition = None
        if rendition is not None:
            return self._draw(rendition.path, pages, width, drawer, words)
        blob, _name, file_type = self.pieces.version_file(piece_id)
        if file_type in RENDERED_TYPES:
            return PageImages(0, (), f"the {file_type.upper()} file's pages have not been drawn")
        if file_type != "pdf":
            return PageImages(0, (), f"a {file_type.upper() or 'file'} has no pages to draw")
        return self._draw(blob, pages, width, drawer, words)

    def thumbnail(self, piece_id: int, width: int, *, drawer: str) -> PageImages:
        """The piece's card picture: its first page (a PDF's, or a rendition's), else the
        picture the office app saved inside a Word/PowerPoint/Excel file (decoded by the
        sandboxed renderer too); no pages, and why, when there is neither."""
        drawn = self.page_images(piece_id, 1, width, drawer=drawer)
        if drawn.pages:
            return drawn
        blob, _name, file_type = self.pieces.version_file(piece_id)
        if file_type not in RENDERED_TYPES:
            return drawn
        folder = Path(self.ctx.paths.tmp) / "thumbnails"
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            picture = embedded_thumbnail(Path(blob), Path(tmp))
            if picture is None:
                return drawn
            return self._draw(str(picture), 1, width, drawer)

    def _draw(self, path: str, pages: int, width: int, drawer: str, words: Sequence[str] = ()) -> PageImages:
        with self._renderer_lock:
            if self._closed:  # a render asked for after the library closed (a late thumbnail)
                return PageImages(0, (), "the library is closed")
            if self._renderer is None:
                self._renderer = PageRenderer(self.ctx.settings.limits, renderer_override=self._renderer_override or drawer)
            renderer = self._renderer
        return renderer.render(path, pages, width, words)

    def close(self) -> None:
        """Stop the renderer's worker (the library is closing)."""
        with self._renderer_lock:
            renderer, self._renderer, self._closed = self._renderer, None, True
        if renderer is not None:
            renderer.close()

    def bring_here(self, piece_ids: Sequence[int], *, keep: bool = False,
                   progress: Callable[[int, int, str], None] | None = None,
                   cancel: threading.Event | None = None) -> FilesHere:
        """Make the current files of these pieces be on this computer: a team library's laptop
        downloads the ones it lacks (``progress(bytes done, bytes in all, title)``; a set
        ``cancel`` stops between chunks with ``Cancelled``, keeping what came for a resume).
        With ``keep`` they stay for offline use ("make available offline"). A file that cannot
        come now (the server does not answer) is queued and named in the result."""
        blobs = self.ctx.blobs
        with self.ctx.read() as s:
            wanted = pieces_repo.current_files(s, piece_ids)
            drawn = renditions_repo.current_files(s, [pid for pid, _t, _sha, _size in wanted])
        if keep:
            blobs.keep(pid for pid, _t, _sha, _size in wanted)
        # each file, then its pages drawn as a PDF (a rendition: previews on a laptop without
        # an office app); a rendition that cannot come only costs the preview its pages
        missing = [(title, sha, size, False) for _pid, title, sha, size in wanted if not blobs.exists(sha)]
        missing += [(title, drawn[pid][0], drawn[pid][1], True) for pid, title, _sha, _size in wanted
                    if pid in drawn and not blobs.exists(drawn[pid][0])]
        total = sum(size for _t, _sha, size, _pages in missing) or 1
        done = downloaded = 0
        not_here: list[str] = []
        for title, sha, size, pages in missing:
            if cancel is not None and cancel.is_set():
                raise Cancelled("Download cancelled; what came so far is kept and the next try continues from there.")
            base = done

            def step(chunks: int, chunks_all: int, base: int = base, size: int = size, title: str = title) -> None:
                if progress is not None:
                    progress(base + min(chunks * CHUNK, size), total, title)
            if progress is not None:
                progress(base, total, title)
            try:
                blobs.download(sha, step, cancel)
            except FileNotHere:
                if not pages:
                    not_here.append(title)
                continue
            except NotFound:  # gone from the server meanwhile (archived): nothing to bring
                continue
            except StorageError:
                if not pages:
                    raise
                continue  # damaged pages on the server: the preview falls back; 'check' has them made again
            done += size
            downloaded += 0 if pages else 1
        if progress is not None:
            progress(total, total, "")
        files_missing = sum(1 for *_rest, pages in missing if not pages)
        return FilesHere(len(wanted), downloaded, done, len(wanted) - files_missing, tuple(not_here), keep)

    def open_copy(self, piece_id: int, title: str) -> Path:
        """A private copy of the current version to open in the default app, named safely and
        with the extension its content really has; refused for anything but office documents."""
        blob, _name, file_type = self.pieces.version_file(piece_id)
        sniffed = sniff_file(blob, self.ctx.settings.limits)
        if file_type not in OPENABLE_TYPES or sniffed.file_type != file_type:
            raise InvalidInput(f"'{title}' is a {file_type.upper() or 'unknown'} file; only PDF, Word, PowerPoint "
                               "and Excel files open from the library. Use Save a copy instead.")
        return self._copy_out(blob, title, file_type, "open")

    def export_copy(self, piece_id: int, title: str) -> Path:
        """A copy of the current version named safely after ``title`` (with its file type's
        extension), in a folder of its own, for a rep to drag into an email, a chat or the
        desktop, or to put on the clipboard. In team mode a file not on this laptop is fetched
        first; offline, ``FileNotHere`` says so. Copies older than a day are removed here."""
        blob, _name, file_type = self.pieces.version_file(piece_id)
        return self._copy_out(blob, title, file_type, "out")

    def _copy_out(self, blob: str, title: str, file_type: str, purpose: str) -> Path:
        """Copy ``blob`` into a new folder under the library's tmp/``purpose`` as ``title.type``;
        older folders there (a day or more) are removed."""
        parent = Path(self.ctx.paths.tmp) / purpose
        remove_older_than(parent, COPIES_KEPT_S)
        folder = parent / uuid.uuid4().hex[:12]
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_file_name(f"{title}.{file_type}" if file_type else title, default="piece")
        if file_type and target.suffix.lower() != f".{file_type}":
            target = target.with_name(target.name + f".{file_type}")
        shutil.copyfile(blob, target)
        return target

    def save_copy(self, piece_id: int, target: Path) -> Path:
        """Copy the current version's bytes to ``target`` (chosen by the user)."""
        blob, _name, _type = self.pieces.version_file(piece_id)
        shutil.copyfile(blob, target)
        return target

    def structure(self, piece_id: int) -> tuple[str, Extracted]:
        """(file type, extraction) of the current version: its blocks are headings, slides,
        sheets, tables and paragraphs, for a preview of documents that are not PDFs."""
        blob, _name, file_type = self.pieces.version_file(piece_id)
        return file_type, extract_file(blob, self.ctx.settings.limits)


def embedded_thumbnail(document: Path, folder: Path) -> Path | None:
    """The thumbnail an office app saved in an OOXML file, copied into ``folder`` (a bounded
    read of one zip member: nothing is decoded here), or None when there is none."""
    try:
        with zipfile.ZipFile(document) as archive:
            for name in EMBEDDED_THUMBNAILS:
                try:
                    info = archive.getinfo(name)
                except KeyError:
                    continue
                if info.file_size > MAX_THUMBNAIL_BYTES:
                    return None
                with archive.open(info) as member:
                    data = member.read(MAX_THUMBNAIL_BYTES + 1)
                if not data or len(data) > MAX_THUMBNAIL_BYTES:
                    return None
                target = folder / ("thumbnail.png" if name.endswith(".png") else "thumbnail.jpeg")
                target.write_bytes(data)
                return target
    except (OSError, zipfile.BadZipFile, zlib.error, RuntimeError, ValueError, NotImplementedError, EOFError):
        return None
    return None
