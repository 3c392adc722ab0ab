"""Word, PowerPoint and Excel text with python-docx, python-pptx and openpyxl.

The zip pre-check has already bounded every part's size and refused DOCTYPEs, so these
parsers only have to stay within the text cap.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from enablement.config import ImportLimits
from enablement.extract.results import Collector, clip

_HEADING = re.compile(r"^heading\s+(\d)$", re.IGNORECASE)
_MAX_SHAPE_DEPTH = 10  # group shapes nest; hostile files could nest them deeply
# Read-only openpyxl pads gaps between rows with empty cells: cap the width and the
# number of cells visited, not just the text, so a sparse sheet cannot spin forever.
_MAX_SHEET_COLUMNS = 512
_MAX_CELLS_VISITED = 2_000_000


def parse_docx(path: Path, limits: ImportLimits, out: Collector) -> tuple[str, str, int | None]:
    """Body paragraphs, headings and tables, then header/footer text (not as blocks)."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    for item in doc.iter_inner_content():
        if out.full:
            out.truncated = True
            break
        if isinstance(item, Paragraph):
            level = _heading_level(item)
            if level is None:
                out.add("paragraph", item.text)
            else:
                out.add("heading", item.text, level)
        elif isinstance(item, Table):
            out.add("table", _docx_table_text(item))
    seen: set[str] = set()
    for section in doc.sections:
        for part in (section.header, section.footer):
            if part.is_linked_to_previous:
                continue
            text = "\n".join(p.text for p in part.paragraphs)
            text += "\n" + "\n".join(_docx_table_text(t) for t in part.tables)
            if text.strip() and text not in seen:
                seen.add(text)
                out.add("paragraph", text, block=False)
    props = doc.core_properties
    return clip(props.title), clip(props.author), None


def _heading_level(paragraph: Any) -> int | None:
    try:
        name = paragraph.style.name or ""
    except (KeyError, ValueError, AttributeError):
        return None
    if name.lower() == "title":
        return 0
    match = _HEADING.match(name.strip())
    return int(match.group(1)) if match else None


def _docx_table_text(table: Any) -> str:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            # Merged cells come back once per grid column; keep one copy.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def parse_pptx(path: Path, limits: ImportLimits, out: Collector) -> tuple[str, str, int | None]:
    """One ``slide`` block per slide: title, other shapes (tables, groups), then notes."""
    from pptx import Presentation

    prs = Presentation(str(path))
    slides = prs.slides
    for slide in slides:
        if out.full:
            out.truncated = True
            break
        parts: list[str] = []
        title_shape = slide.shapes.title
        if title_shape is not None and title_shape.has_text_frame:
            parts.append(title_shape.text_frame.text)
        for shape in slide.shapes:
            if title_shape is not None and shape.shape_id == title_shape.shape_id:
                continue
            _shape_text(shape, parts, 0)
        if slide.has_notes_slide:
            frame = slide.notes_slide.notes_text_frame
            if frame is not None and frame.text.strip():
                parts.append("Notes: " + frame.text)
        out.add("slide", "\n".join(p for p in parts if p.strip()))
    props = prs.core_properties
    return clip(props.title), clip(props.author), len(slides)


def _shape_text(shape: Any, parts: list[str], depth: int) -> None:
    if depth > _MAX_SHAPE_DEPTH:
        return
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        parts.append(shape.text_frame.text)
    if getattr(shape, "has_table", False) and shape.has_table:
        rows = (" | ".join(c.text.strip() for c in row.cells if c.text.strip())
                for row in shape.table.rows)
        parts.append("\n".join(r for r in rows if r))
    if hasattr(shape, "shapes"):  # a group shape
        for child in shape.shapes:
            _shape_text(child, parts, depth + 1)


def parse_xlsx(path: Path, limits: ImportLimits, out: Collector) -> tuple[str, str, int | None]:
    """One ``sheet`` block per worksheet; cached values (never formulas) as text."""
    from openpyxl import load_workbook

    wb = load_workbook(str(path), read_only=True, data_only=True)
    try:
        budget = _MAX_CELLS_VISITED
        for ws in wb.worksheets:
            if out.full:
                out.truncated = True
                break
            if budget <= 0:
                break
            width = min(ws.max_column or _MAX_SHEET_COLUMNS, _MAX_SHEET_COLUMNS)
            lines: list[str] = [str(ws.title)]
            chars = 0
            for row in ws.iter_rows(max_col=width, values_only=True):
                budget -= len(row)
                values = [_cell_text(v) for v in row if v is not None and v != ""]
                if values:
                    line = "\t".join(values)
                    lines.append(line)
                    chars += len(line)
                if budget <= 0:
                    out.notes.append(f"stopped after {_MAX_CELLS_VISITED:,} cells")
                    break
                if chars > out.max_chars:
                    out.truncated = True
                    break
            # A sheet with no values adds no text, so an empty workbook is "no text".
            out.add("sheet", "\n".join(lines) if len(lines) > 1 else "")
        props = wb.properties
        return clip(props.title), clip(props.creator), None
    finally:
        wb.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()
