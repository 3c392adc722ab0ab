"""The desktop app's PDF page drawer (QtPdf, i.e. pdfium), run only inside the core's
sandboxed render worker (``enablement/extract/render.py``), which imports it by name: the
core itself never imports Qt. It also decodes the one picture a Word or PowerPoint file
carries as its thumbnail (PNG or JPEG), so that too is decoded only in the sandbox. A search
hit's words are marked on the pages where pdfium finds them in the page's text."""

from __future__ import annotations

import re
from typing import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument

from enablement.errors import PageDrawingFailed
from enablement.models.dto import PAGE_MAX_ASPECT, PAGE_UNDRAWABLE


MARK = QColor("#ffe58a")  # the text preview's mark: multiplied onto the page, the words stay legible
MAX_MARKS_PER_PAGE = 200


def draw_pages(path: str, pages: int, width: int,
               words: Sequence[str] = ()) -> tuple[int, list[tuple[int, int, bytes]]]:
    """In the worker: the first ``pages`` pages of the PDF at ``path``, ``width`` pixels wide,
    on white, as 0xffRRGGBB pixels (a PNG or JPEG picture: itself, as one page), with every
    whole-word occurrence of ``words`` (any case) marked."""
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
            if words:
                _mark(painter, doc, n, words, width / size.width())
            painter.end()
            out.append((width, height, bytes(page.constBits())))
        return count, out
    finally:
        doc.close()


def word_boxes(doc: QPdfDocument, page: int, words: Sequence[str]) -> list[QRectF]:
    """Where each whole-word occurrence of ``words`` (any case) stands on ``page``, in points."""
    text = doc.getAllText(page).text()
    boxes: list[QRectF] = []
    for word in words:
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        for found in pattern.finditer(text):
            selection = doc.getSelectionAtIndex(page, found.start(), found.end() - found.start())
            boxes += [polygon.boundingRect() for polygon in selection.bounds()]
            if len(boxes) >= MAX_MARKS_PER_PAGE:
                return boxes
    return boxes


def _mark(painter: QPainter, doc: QPdfDocument, page: int, words: Sequence[str], scale: float) -> None:
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
    for box in word_boxes(doc, page, words):
        painter.fillRect(QRectF(box.x() * scale - 2, box.y() * scale - 1, box.width() * scale + 4,
                                box.height() * scale + 2), MARK)


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
