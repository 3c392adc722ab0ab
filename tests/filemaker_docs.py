"""Tiny real documents for tests: PDF (reportlab), DOCX, PPTX, XLSX, encrypted PDFs.

Shared by every team's tests: ``from tests.filemaker_docs import make_pdf``. Each maker
writes ``path`` and returns it, so a call can be used inline.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

HeadingSpec = tuple[int, str] | str


def make_pdf(path: Path, pages: Sequence[str], title: str = "", author: str = "") -> Path:
    """A text PDF with one page per item of ``pages`` (lines split on newlines)."""
    path.write_bytes(_pdf_bytes(pages, title, author))
    return path


def _pdf_bytes(pages: Sequence[str], title: str = "", author: str = "") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    if title:
        pdf.setTitle(title)
    if author:
        pdf.setAuthor(author)
    for page_text in pages:
        y = 800
        for line in page_text.splitlines() or [""]:
            pdf.drawString(50, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_image_pdf(path: Path, pages: int = 1) -> Path:
    """A PDF whose pages carry only an image, like a scan: no extractable text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    image = ImageReader(io.BytesIO(_png_bytes()))
    for _ in range(pages):
        pdf.drawImage(image, 50, 500, width=300, height=200)
        pdf.showPage()
    pdf.save()
    return path


def _png_bytes() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 80), "white")
    ImageDraw.Draw(image).rectangle((10, 10, 110, 70), outline="black", fill="gray")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make_encrypted_pdf(path: Path, pages: Sequence[str], user_password: str = "secret",
                       owner_password: str | None = None, algorithm: str = "AES-256") -> Path:
    """A text PDF encrypted with pypdf; ``user_password=""`` makes an owner-only PDF."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(_pdf_bytes(pages))).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password,
                   owner_password=owner_password or user_password or "owner",
                   algorithm=algorithm)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def make_docx(path: Path, paragraphs: Sequence[str], headings: Sequence[HeadingSpec] = (),
              title: str = "", author: str = "",
              table: Sequence[Sequence[str]] | None = None, header: str = "") -> Path:
    """A Word document: ``headings`` ((level, text) or text for level 1) first, then
    ``paragraphs``, then an optional ``table`` (rows of cells) and page ``header``."""
    from docx import Document

    doc = Document()
    for heading in headings:
        level, text = heading if isinstance(heading, tuple) else (1, heading)
        doc.add_heading(text, level=level)
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=max(len(r) for r in table))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    doc.core_properties.title = title
    doc.core_properties.author = author
    doc.save(str(path))
    return path


def make_pptx(path: Path, slides: Sequence[tuple[str, str]],
              notes: Sequence[str] | None = None, title: str = "") -> Path:
    """A presentation with one title-and-content slide per (title, body); optional
    speaker ``notes`` per slide."""
    from pptx import Presentation

    prs = Presentation()
    layout = prs.slide_layouts[1]
    for index, (slide_title, body) in enumerate(slides):
        slide = prs.slides.add_slide(layout)
        slide.shapes.title.text = slide_title
        slide.placeholders[1].text = body
        if notes and index < len(notes) and notes[index]:
            slide.notes_slide.notes_text_frame.text = notes[index]
    prs.core_properties.title = title
    prs.save(str(path))
    return path


def make_xlsx(path: Path, rows: Sequence[Sequence[object]], sheet_title: str = "Sheet1",
              title: str = "") -> Path:
    """A workbook with one sheet holding ``rows``."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    for row in rows:
        ws.append(list(row))
    wb.properties.title = title or None
    wb.save(str(path))
    return path
