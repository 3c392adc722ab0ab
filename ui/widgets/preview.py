"""A piece's preview: PDF pages rendered to images in a worker, Office files and text as
structured text (headings, slides, sheets) from the extractor's blocks."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Optional, Protocol, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPixmap, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (QLabel, QScrollArea, QStackedWidget, QTextBrowser, QTextEdit, QVBoxLayout,
                               QWidget)

from enablement.models.dto import PieceDetail
from enablement.services.library import Library
from enablement.services.library import Library
from ..context import AppContext
from .thumbnails import page_image
from ..pdf_pages import DRAWER

MAX_PAGES = 12
MAX_MARKS = 500  # words marked in one preview
PAGE_WIDTH = 620


class TextBlock(Protocol):
    """A heading, slide, sheet, table or paragraph of an extracted document."""

    @property
    def kind(self) -> str: ...
    @property
    def level(self) -> int: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class PdfPreview:
    pages: tuple[QImage, ...]
    page_count: int


@dataclass(frozen=True)
class TextPreview:
    html: str


def build_preview(library: Library, detail: PieceDetail, max_pages: int = MAX_PAGES) -> PdfPreview | TextPreview:
    """Worker: images of the first PDF pages (drawn in the sandbox), or the document's structure
    as HTML; a PDF the sandbox cannot draw falls back to its text, with the reason."""
    if detail.summary.kind == "link":
        return TextPreview(f"<p>This piece is a link:</p><p><a href=\"{html.escape(detail.url)}\">"
                           f"{html.escape(detail.url)}</a></p>")
    problem = ""
    if detail.summary.file_type == "pdf":
        drawn = library.files.page_images(detail.id, max_pages, PAGE_WIDTH, drawer=DRAWER)
        if drawn.pages:
            return PdfPreview(tuple(page_image(p) for p in drawn.pages), drawn.page_count)
        problem = drawn.problem
    file_type, extracted = library.files.structure(detail.id)
    note = f"<p><i>The pages could not be drawn: {html.escape(problem)}.</i></p>" if problem else ""
    return TextPreview(note + blocks_html(extracted.blocks, file_type, extracted.detail))


def blocks_html(blocks: Sequence[TextBlock], file_type: str, detail: str = "") -> str:
    parts: list[str] = []
    paged = 0  # pages and slides so far: each gets an anchor "page-N" the preview can open at
    for block in blocks:
        text = html.escape(block.text).replace("\n", "<br>")
        if block.kind == "heading":
            level = min(max(block.level, 0) + 1, 4)
            parts.append(f"<h{level}>{text}</h{level}>")
        elif block.kind == "slide":
            paged += 1
            parts.append(f"<hr><a name=\"page-{paged}\"></a><h3>{text}</h3>")
        elif block.kind == "page":
            paged += 1
            parts.append(f"<hr><a name=\"page-{paged}\"></a><h4>{text}</h4>")
        elif block.kind == "sheet":
            parts.append(f"<hr><h4>{text}</h4>")
        elif block.kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>"
                           for line in block.text.splitlines())
            parts.append(f"<table border='1' cellspacing='0' cellpadding='3'>{rows}</table>")
        else:
            parts.append(f"<p>{text}</p>")
    if not parts:
        why = html.escape(detail) if detail else "this file has no text to show"
        return f"<p><i>No preview: {why}.</i></p>"
    return "".join(parts)


class PreviewWidget(QStackedWidget):
    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.message = QLabel("Loading preview…")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.pages_area = QScrollArea()
        self.pages_area.setObjectName("pdfPages")
        self.pages_area.setWidgetResizable(True)
        self.text = QTextBrowser()
        self.text.setObjectName("textPreview")
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(lambda url: QDesktopServices.openUrl(url) if url.scheme() in ("http", "https") else None)
        for w in (self.message, self.pages_area, self.text):
            self.addWidget(w)
        self.page_labels: list[QLabel] = []
        self.page_count = 0
        self.start_page = 0
        self.words: tuple[str, ...] = ()

    def load(self, detail: PieceDetail, page: int = 0, words: Sequence[str] = ()) -> None:
        """Show ``detail``'s preview, at ``page`` (1-based page or slide; 0: the start), with
        ``words`` marked in a text preview."""
        self.start_page = page
        self.words = tuple(w for w in words if w.strip())
        self.setCurrentWidget(self.message)
        self.message.setText("Loading preview…")
        self.app.runner.op(build_preview, self.app.library, detail).success(self.show_preview).failure(
            self._failed).read()

    def _failed(self, exc: BaseException) -> None:
        """Said in place of the preview; a bug is also reported by the operation."""
        self.message.setText(f"No preview available: {exc}")
        self.setCurrentWidget(self.message)

    def show_preview(self, preview: PdfPreview | TextPreview) -> None:
        if isinstance(preview, PdfPreview):
            body = QWidget()
            v = QVBoxLayout(body)
            v.setSpacing(12)
            self.page_labels = []
            self.page_count = preview.page_count
            for image in preview.pages:
                label = QLabel()
                label.setPixmap(QPixmap.fromImage(image))
                label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
                v.addWidget(label)
                self.page_labels.append(label)
            if preview.page_count > len(preview.pages):
                more = QLabel(f"Showing the first {len(preview.pages)} of {preview.page_count} pages. "
                              "Open the file to see the rest.")
                more.setAlignment(Qt.AlignmentFlag.AlignCenter)
                v.addWidget(more)
            v.addStretch(1)
            self.pages_area.setWidget(body)
            self.setCurrentWidget(self.pages_area)
        else:
            self.page_labels = []
            self.text.setHtml(preview.html)
            self.mark_words()
            self.setCurrentWidget(self.text)
        if self.start_page > 1:
            QTimer.singleShot(0, self, self.go_to_page)  # once the pages are laid out

    def mark_words(self) -> None:
        """Mark every occurrence of the hit's words in the text preview (whole words, any case)."""
        marked: list[QTextEdit.ExtraSelection] = []
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#ffe58a"))
        fmt.setForeground(QColor("#000000"))
        flags = QTextDocument.FindFlag.FindWholeWords
        for word in self.words:
            cursor = self.text.document().find(word, 0, flags)
            while not cursor.isNull() and len(marked) < MAX_MARKS:
                selection = QTextEdit.ExtraSelection()
                selection.cursor, selection.format = cursor, fmt
                marked.append(selection)
                cursor = self.text.document().find(word, cursor, flags)
        self.text.setExtraSelections(marked)

    def go_to_page(self, page: int = 0) -> None:
        """Scroll to a page or slide (``start_page`` by default), if the preview shows it."""
        page = page or self.start_page
        if self.currentWidget() is self.pages_area and 0 < page <= len(self.page_labels):
            label = self.page_labels[page - 1]
            self.pages_area.verticalScrollBar().setValue(label.y())
        elif self.currentWidget() is self.text:
            self.text.scrollToAnchor(f"page-{page}")

