"""The desktop app's PDF page drawer (QtPdf, i.e. pdfium), run only inside the core's
sandboxed render worker (``enablement/extract/render.py``), which imports it by name: the
core itself never imports Qt. It also decodes the one picture a Word or PowerPoint file
carries as its thumbnail (PNG or JPEG), so that too is decoded only in the sandbox."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument

from enablement.errors import PageDrawingFailed
from enablement.models.dto import PAGE_MAX_ASPECT, PAGE_UNDRAWABLE


def draw_pages(path: str, pages: int, width: int) -> tuple[int, list[tuple[int, int, bytes]]]:
    """In the worker: the first ``pages`` pages of the PDF at ``path``, ``width`` pixels wide,
    on white, as 0xffRRGGBB pixels (a PNG or JPEG picture: itself, as one page)."""
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
        return 1, [_picture(path, width)]
    doc = QPdfDocument()
    try:
        if doc.load(path) != QPdfDocument.Error.None_:
            raise PageDrawingFailed(PAGE_UNDRAWABLE)
        count = doc.pageCount()
        out: list[tuple[int, int, bytes]] = []
        for n in range(min(count, pages)):
            size = doc.pagePointSize(n)
            if size.width() <= 0 or size.height() <= 0:
                break
            height = min(max(1, int(width * size.height() / size.width())), width * PAGE_MAX_ASPECT)
            drawn = doc.render(n, QSize(width, height))
            if drawn.isNull():
                break
            page = QImage(width, height, QImage.Format.Format_RGB32)
            page.fill(0xFFFFFFFF)  # paper is white whatever the app's palette
            painter = QPainter(page)
            painter.drawImage(0, 0, drawn)
            painter.end()
            out.append((width, height, bytes(page.constBits())))
        return count, out
    finally:
        doc.close()


def _picture(path: str, width: int) -> tuple[int, int, bytes]:
    picture = QImage(path)
    if picture.isNull() or picture.width() <= 0 or picture.height() <= 0:
        raise PageDrawingFailed(PAGE_UNDRAWABLE)
    height = min(max(1, int(width * picture.height() / picture.width())), width * PAGE_MAX_ASPECT)
    scaled = picture.scaled(QSize(width, height), Qt.AspectRatioMode.IgnoreAspectRatio,
                            Qt.TransformationMode.SmoothTransformation)
    page = QImage(width, height, QImage.Format.Format_RGB32)
    page.fill(0xFFFFFFFF)
    painter = QPainter(page)
    painter.drawImage(0, 0, scaled)
    painter.end()
    return width, height, bytes(page.constBits())


# What the app hands the core's renderer: this drawer, by its importable name.
DRAWER = f"{__name__}:draw_pages"
