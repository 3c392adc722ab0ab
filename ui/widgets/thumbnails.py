"""First-page thumbnails, drawn by the sandboxed renderer and cached on disk.

A PDF's first page; a Word/PowerPoint/Excel file's first page from its rendition (its pages
drawn as a PDF at import), else the picture the office app saved inside the file. A worker
asks the library for the pixels (drawn or decoded in a process of their own, with a time and
memory limit: ``library.files.thumbnail``) and makes a QImage of them; the GUI thread turns
it into a QPixmap. The disk cache lives under the library's thumbnails folder, keyed by piece
and its last change, so a new version gets a new thumbnail; a piece's change-set (a rendition
made, a new version) drops its cached thumbnails, on disk (the core's cache hook) and here.
"""

from __future__ import annotations

import functools
import hashlib
import os
import uuid
from pathlib import Path
from typing import Optional

import shiboken6
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPixmap

from enablement.errors import FileNotHere, NotFound
from enablement.models.changes import Changes
from enablement.models.dto import PageImage, PieceSummary
from enablement.models.vocab import RENDERED_TYPES
from enablement.services.library import Library
from ..context import AppContext
from ..pdf_pages import DRAWER

THUMB_WIDTH = 120
DRAWN_TYPES = frozenset({"pdf"}) | RENDERED_TYPES  # files whose cards show a picture of their own


class NotHere:
    """A thumbnail's answer when the piece's file is not on this laptop and the team server
    does not answer: the row draws its "not on this laptop" tile (the file is queued)."""


NOT_HERE = NotHere()


def thumbnail_path(folder: Path, piece: PieceSummary) -> Path:
    stamp = hashlib.sha1(f"{piece.id}|{piece.updated_at.isoformat()}".encode()).hexdigest()[:12]
    return folder / f"piece-{piece.id}-{stamp}.png"


def page_image(page: PageImage) -> QImage:
    """A page the sandbox drew, as an image (plain pixels: nothing of the file is decoded here)."""
    return QImage(page.pixels, page.width, page.height, page.width * 4, QImage.Format.Format_RGB32).copy()


def load_or_render_thumbnail(library: Library, piece: PieceSummary,
                             width: int = THUMB_WIDTH) -> Optional[QImage] | NotHere:
    """Worker: the cached thumbnail, or the first page (or an office file's own picture) drawn
    by the sandboxed renderer (cached); ``NOT_HERE`` when the file is not on this laptop and the
    team server does not answer."""
    folder = Path(library.ctx.paths.thumbnails)
    target = thumbnail_path(folder, piece)
    if target.exists():
        image = QImage(str(target))  # written by this app from pixels the sandbox drew
        if not image.isNull():
            return image
    try:
        drawn = library.files.thumbnail(piece.id, width, drawer=DRAWER)
    except FileNotHere:  # offline, and this laptop lacks the file: the row says so
        return NOT_HERE
    except NotFound:  # no stored file behind this version: the row keeps its file-type tile
        return None
    if not drawn.pages:  # not drawable (damaged, too slow, too big): the row keeps its tile
        return None
    image = page_image(drawn.pages[0])
    folder.mkdir(parents=True, exist_ok=True)
    save_png(image, target)
    return image


def save_png(image: QImage, target: Path) -> None:
    """Write ``image`` as ``target`` whole or not at all: into a temp file of this call's own
    (two workers drawing the same piece's thumbnail, for the list and the grid, never write one
    file; its name is not a thumbnail's, so dropping a piece's thumbnails never takes it), then
    renamed over ``target``."""
    tmp = target.with_name(f"tmp-{uuid.uuid4().hex[:12]}-{target.name}")
    try:
        if image.save(str(tmp)):  # PNG, from the name
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


class ThumbnailCache(QObject):
    """Pixmaps by piece id; asks the read pool for missing ones and says when they arrive.

    ``pixmap`` never touches the disk: a delegate may call it from ``paint``. Pixmaps are
    scaled to ``size`` once, on arrival, so painting a row only draws."""

    ready = Signal(int)

    def __init__(self, app: AppContext, parent: Optional[QObject] = None, size: Optional[QSize] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.size = size
        self._pixmaps: dict[tuple[int, str], QPixmap] = {}
        self._asked: set[tuple[int, str]] = set()
        self._not_here: set[tuple[int, str]] = set()  # files not on this laptop (asked again once online)
        app.signals.changed.connect(self.forget)
        app.actions.changed.connect(self._link_changed)

    def forget(self, changes: Changes) -> None:
        """Drop the thumbnails of the pieces a change-set names (a rendition was made, a new
        version came): the next paint asks for them again."""
        if not changes.piece_ids:
            return
        for key in [k for k in (*self._pixmaps, *self._asked) if k[0] in changes.piece_ids]:
            self._pixmaps.pop(key, None)
            self._asked.discard(key)

    def pixmap(self, piece: PieceSummary) -> Optional[QPixmap]:
        if piece.file_type not in DRAWN_TYPES or piece.kind == "link":
            return None
        key = (piece.id, piece.updated_at.isoformat())
        found = self._pixmaps.get(key)
        if found is None and key not in self._asked:
            self._asked.add(key)
            self.app.runner.op(load_or_render_thumbnail, self.app.library, piece).success(
                functools.partial(self._arrived, key)).quiet(
                "a missing thumbnail is not worth a dialog: the row shows a file-type tile instead").read()
        return found

    def not_here(self, piece: PieceSummary) -> bool:
        """Whether the piece's file was found missing from this laptop while offline."""
        return (piece.id, piece.updated_at.isoformat()) in self._not_here

    def retry_missing(self) -> None:
        """Ask again for the thumbnails whose files were not here (back online, or downloaded)."""
        if not self._not_here:
            return
        missing, self._not_here = self._not_here, set()
        self._asked -= missing
        for piece_id, _stamp in missing:
            self.ready.emit(piece_id)  # repainted: the row asks again

    def _link_changed(self) -> None:
        if self.app.actions.online:
            self.retry_missing()

    def _arrived(self, key: tuple[int, str], image: Optional[QImage] | NotHere) -> None:
        if not shiboken6.isValid(self) or key not in self._asked:
            return  # the page this cache served is gone, or the piece changed meanwhile
        if isinstance(image, NotHere):
            self._not_here.add(key)
            self.ready.emit(key[0])
            return
        if image is None or image.isNull():
            return  # nothing drawn: the row keeps its file-type tile
        if self.size is not None:
            # Scaled for the screen's pixel ratio, so thumbnails stay sharp on high-DPI displays.
            gui = QGuiApplication.instance()
            ratio = gui.devicePixelRatio() if isinstance(gui, QGuiApplication) else 1.0
            image = image.scaled(self.size * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
            image.setDevicePixelRatio(ratio)
        self._pixmaps[key] = QPixmap.fromImage(image)
        self.ready.emit(key[0])
