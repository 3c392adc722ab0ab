"""A piece's preview: pages drawn to images in a worker (a PDF's own, or a Word/PowerPoint/Excel
file's rendition), else the document's structure from the extractor's blocks, laid out as
pages: each slide a card with its title and bullets, a Word file on paper, sheets as tables."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Optional, Protocol, Sequence

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QDesktopServices, QImage, QPixmap, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import (QLabel, QPushButton, QScrollArea, QStackedWidget, QTextBrowser, QTextEdit,
                               QVBoxLayout, QWidget)

from enablement.models.dto import PieceDetail
from enablement.services.library import Library
from enablement.services.piece_files import FilesHere
from ..context import AppContext
from .download_bar import DownloadBar
from .thumbnails import DRAWN_TYPES, page_image
from ..pdf_pages import DRAWER

MAX_PAGES = 12  # pages drawn for a preview, more when a hit is further in (up to the renderer's cap)
MAX_HIT_PAGES = 50
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


def build_preview(library: Library, detail: PieceDetail, max_pages: int = MAX_PAGES,
                  words: Sequence[str] = ()) -> PdfPreview | TextPreview:
    """Worker: images of the first PDF pages (drawn in the sandbox, ``words`` marked on them),
    or the document's structure as HTML; a PDF the sandbox cannot draw falls back to its text,
    with the reason."""
    if detail.summary.kind == "link":
        return TextPreview(f"<p>This piece is a link:</p><p><a href=\"{html.escape(detail.url)}\">"
                           f"{html.escape(detail.url)}</a></p>")
    problem = ""
    if detail.summary.file_type in DRAWN_TYPES:
        drawn = library.files.page_images(detail.id, max_pages, PAGE_WIDTH, drawer=DRAWER, words=words)
        if drawn.pages:
            return PdfPreview(tuple(page_image(p) for p in drawn.pages), drawn.page_count)
        if detail.summary.file_type == "pdf":
            problem = drawn.problem  # an office file without a rendition is no problem: it is laid out
    file_type, extracted = library.files.structure(detail.id)
    note = f"<p><i>The pages could not be drawn: {html.escape(problem)}.</i></p>" if problem else ""
    return TextPreview(note + blocks_html(extracted.blocks, file_type, extracted.detail))


# The text layout's paper: cards on a grey desk, as the pages would be.
_DESK = "#eef0f3"
_CARD = ("width=\"100%\" cellspacing=\"0\" cellpadding=\"22\" border=\"1\" "
         "style=\"border-color:#c9ced6; border-style:solid; background-color:#ffffff; color:#1f2328;\"")
_FURNITURE = re.compile(r"^(?:\w{1,2}|\d+\s*(?:/|of)\s*\d+)$")
_CAPTION = "style=\"color:#5b6472; font-size:small; margin:0;\""


def blocks_html(blocks: Sequence[TextBlock], file_type: str, detail: str = "") -> str:
    """The blocks as pages: a slide per card (number, title, bullets, speaker notes), a Word
    file's headings and paragraphs on one sheet of paper, a workbook's sheets as tables.
    Every page or slide gets an anchor ``page-N`` the preview can open at."""
    slides = sum(1 for b in blocks if b.kind == "slide")
    parts: list[str] = []
    paper: list[str] = []  # the running sheet of paper for headings, paragraphs and tables
    paged = 0

    def close_paper() -> None:
        if paper:
            parts.append(f"<table {_CARD}><tr><td>{''.join(paper)}</td></tr></table><p></p>")
            paper.clear()

    for block in blocks:
        text = html.escape(block.text).replace("\n", "<br>")
        if block.kind == "heading":
            level = min(max(block.level, 0) + 1, 4)
            paper.append(f"<h{level}>{text}</h{level}>")
        elif block.kind == "slide":
            close_paper()
            paged += 1
            parts.append(f"<a name=\"page-{paged}\"></a>" + _slide_card(block.text, paged, slides))
        elif block.kind == "page":
            close_paper()
            paged += 1
            parts.append(f"<a name=\"page-{paged}\"></a><table {_CARD}><tr><td><p {_CAPTION}>Page {paged}</p>"
                         f"<p>{text}</p></td></tr></table><p></p>")
        elif block.kind == "sheet":
            close_paper()
            parts.append(_sheet_card(block.text))
        elif block.kind == "table":
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>"
                           for line in block.text.splitlines())
            paper.append(f"<table border='1' cellspacing='0' cellpadding='3'>{rows}</table>")
        else:
            paper.append(f"<p>{text}</p>")
    close_paper()
    if not parts:
        why = html.escape(detail) if detail else "this file has no text to show"
        return f"<p><i>No preview: {why}.</i></p>"
    return f"<div style=\"background-color:{_DESK};\">{''.join(parts)}</div>"


def _slide_card(text: str, number: int, count: int) -> str:
    """One slide as a card: its number, its title large, its other lines as bullets and its
    speaker notes in small print below."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    notes = [line[len("Notes:"):].strip() for line in lines if line.startswith("Notes:")]
    title = lines[0] if lines else ""
    # The master's furniture repeated on every slide (a logo's letters, "2 / 10") is not content.
    lines = [title] + [line for line in lines[1:] if not line.startswith("Notes:") and not _FURNITURE.match(line)]
    title = html.escape(title) if title else "<i>(no title)</i>"
    bullets = "".join(f"<li>{html.escape(line)}</li>" for line in lines[1:])
    body = f"<ul style=\"font-size:large;\">{bullets}</ul>" if bullets else "<p></p>"
    said = "".join(f"<p {_CAPTION}><i>Notes: {html.escape(n)}</i></p>" for n in notes)
    return (f"<table {_CARD}><tr><td><p {_CAPTION}>Slide {number} of {count}</p>"
            f"<h2 style=\"color:#14305a;\">{title}</h2>{body}{said}</td></tr></table><p></p>")


def _sheet_card(text: str) -> str:
    lines = text.splitlines()
    name = html.escape(lines[0]) if lines else ""
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>"
                   for line in lines[1:])
    table = f"<table border='1' cellspacing='0' cellpadding='3'>{rows}</table>" if rows else "<p><i>(empty)</i></p>"
    return f"<table {_CARD}><tr><td><p {_CAPTION}>Sheet</p><h3>{name}</h3>{table}</td></tr></table><p></p>"


class PreviewWidget(QStackedWidget):
    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.message = QLabel("Loading preview…")
        self.message.setObjectName("previewMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        # A team library's file may have to come from the server first: how far, and Cancel.
        self.download = DownloadBar(app)
        self.message_button = QPushButton("")
        self.message_button.setObjectName("previewAction")
        self.message_button.clicked.connect(self._message_action)
        self.message_button.hide()
        self.message_page = QWidget()
        column = QVBoxLayout(self.message_page)
        column.addStretch(1)
        column.addWidget(self.message)
        column.addWidget(self.download)
        column.addWidget(self.message_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)
        self.pages_area = QScrollArea()
        self.pages_area.setObjectName("pdfPages")
        self.pages_area.setWidgetResizable(True)
        self.text = QTextBrowser()
        self.text.setObjectName("textPreview")
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(lambda url: QDesktopServices.openUrl(url) if url.scheme() in ("http", "https") else None)
        for w in (self.message_page, self.pages_area, self.text):
            self.addWidget(w)
        self.page_labels: list[QLabel] = []
        self.page_count = 0
        self.start_page = 0
        self.words: tuple[str, ...] = ()
        self.detail: Optional[PieceDetail] = None
        self._action = ""  # what the message's button does: "retry" or "keep"

    def load(self, detail: PieceDetail, page: int = 0, words: Sequence[str] = ()) -> None:
        """Show ``detail``'s preview, at ``page`` (1-based page or slide; 0: the start), with
        ``words`` marked in a text preview."""
        self.start_page = page
        self.words = tuple(w for w in words if w.strip())
        self.detail = detail
        self._say("Loading preview…")
        if detail.summary.kind == "link" or self.app.team is None:  # nothing to download
            self._build(detail)
            return
        self.download.bring_here([detail.id], lambda result: self._here(detail, result), what="the file",
                                 on_cancel=lambda: self._say("Download cancelled. What came so far is kept: "
                                                             "the next try continues from there.", "retry"))

    def _here(self, detail: PieceDetail, result: FilesHere) -> None:
        if detail is not self.detail:
            return  # another piece's preview was asked for meanwhile
        if result.not_here:
            self._say("This file is not on this laptop, and the team server does not answer. It is queued: it "
                      "downloads when the server answers again.", "keep")
            return
        self._build(detail)

    def _build(self, detail: PieceDetail) -> None:
        pages = min(MAX_HIT_PAGES, max(MAX_PAGES, self.start_page + 1))  # the hit's page, and one after it
        self.app.runner.op(build_preview, self.app.library, detail, pages, self.words).success(
            lambda preview: self.show_preview(preview) if shiboken6.isValid(self) else None).failure(
            lambda exc: self._failed(exc) if shiboken6.isValid(self) else None).read()

    def _say(self, text: str, action: str = "") -> None:
        """A message in place of the preview, with a button when there is something to do."""
        self.message.setText(text)
        self._action = action
        self.message_button.setText({"retry": "Download again", "keep": "Keep it on this laptop"}.get(action, ""))
        self.message_button.setVisible(bool(action))
        self.message_button.setEnabled(True)
        self.setCurrentWidget(self.message_page)

    def _message_action(self) -> None:
        detail = self.detail
        if detail is None:
            return
        if self._action == "retry":
            self.load(detail, self.start_page, self.words)
        elif self._action == "keep":  # kept: downloaded at the next sync and never evicted after
            self.message_button.setEnabled(False)
            self.app.runner.op(self.app.library.files.bring_here, [detail.id], keep=True).success(
                lambda result: self._kept(detail, result) if shiboken6.isValid(self) else None).read()

    def _kept(self, detail: PieceDetail, result: FilesHere) -> None:
        if detail is not self.detail:
            return
        if result.not_here:
            self._say("Kept for this laptop: it downloads when the team server answers again, and stays.")
        else:
            self._build(detail)

    def _failed(self, exc: BaseException) -> None:
        """Said in place of the preview; a bug is also reported by the operation."""
        self._say(f"No preview available: {exc}")

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

