"""First-page thumbnails of PDFs, rendered off the GUI thread and cached on disk.

Workers render a QImage (allowed off the GUI thread); the GUI thread turns it into a
QPixmap. The disk cache lives under the library's thumbnails folder, keyed by piece and
its last change, so a new version gets a new thumbnail.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPixmap

from enablement.errors import NotFound
from enablement.models.dto import PieceSummary
from ..context import AppContext

THUMB_WIDTH = 120


def thumbnail_path(folder: Path, piece: PieceSummary) -> Path:
    stamp = hashlib.sha1(f"{piece.id}|{piece.updated_at.isoformat()}".encode()).hexdigest()[:12]
    return folder / f"piece-{piece.id}-{stamp}.png"


def render_pdf_page(path: str, page: int, width: int) -> Optional[QImage]:
    """Render one page of a PDF to an image ``width`` pixels wide (any thread)."""
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument(None)
    try:
        if doc.load(path) != QPdfDocument.Error.None_ or doc.pageCount() <= page:
            return None
        size = doc.pagePointSize(page)
        if size.width() <= 0:
            return None
        height = max(1, int(width * size.height() / size.width()))
        image = doc.render(page, QSize(width, height))
        if image.isNull():
            return None
        # PDF pages are drawn on white paper whatever the app's palette.
        out = QImage(image.size(), QImage.Format.Format_RGB32)
        out.fill(0xFFFFFFFF)
        from PySide6.QtGui import QPainter

        painter = QPainter(out)
        painter.drawImage(0, 0, image)
        painter.end()
        return out
    finally:
        doc.close()
        doc.deleteLater()


def load_or_render_thumbnail(app_library, piece: PieceSummary, width: int = THUMB_WIDTH) -> Optional[QImage]:  # type: ignore[no-untyped-def]
    """Worker: the cached thumbnail, or a fresh render of the first page (cached)."""
    folder = Path(app_library.ctx.paths.thumbnails)
    target = thumbnail_path(folder, piece)
    if target.exists():
        image = QImage(str(target))
        if not image.isNull():
            return image
    try:
        blob, _name, file_type = app_library.pieces.version_file(piece.id)
    except NotFound:  # no stored file behind this version: the row keeps its file-type tile
        return None
    if file_type != "pdf":
        return None
    image = render_pdf_page(blob, 0, width)
    if image is not None:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp.png")
        if image.save(str(tmp), "PNG"):
            os.replace(tmp, target)
    return image


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

    def pixmap(self, piece: PieceSummary) -> Optional[QPixmap]:
        if piece.file_type != "pdf" or piece.kind == "link":
            return None
        key = (piece.id, piece.updated_at.isoformat())
        found = self._pixmaps.get(key)
        if found is None and key not in self._asked:
            self._asked.add(key)
            self.app.runner.op(load_or_render_thumbnail, self.app.library, piece).success(
                lambda image, k=key: self._arrived(k, image)).quiet(
                "a missing thumbnail is not worth a dialog: the row shows a file-type tile instead").read()
        return found

    def _arrived(self, key: tuple[int, str], image: Optional[QImage]) -> None:
        if image is None or image.isNull():
            return
        if self.size is not None:
            # Scaled for the screen's pixel ratio, so thumbnails stay sharp on high-DPI displays.
            ratio = QGuiApplication.instance().devicePixelRatio() if QGuiApplication.instance() else 1.0
            image = image.scaled(self.size * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
            image.setDevicePixelRatio(ratio)
        self._pixmaps[key] = QPixmap.fromImage(image)
        self.ready.emit(key[0])
