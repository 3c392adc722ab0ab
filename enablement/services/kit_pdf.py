"""The merged PDF of a kit: a generated cover page, then every PDF piece's pages."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from enablement.models.dto import TaxonomyInfo

if TYPE_CHECKING:
    from enablement.services.kits import KitInfo


def cover_page(kit: "KitInfo", taxonomy: TaxonomyInfo) -> bytes:
    """One or more pages listing the kit: name, account, each piece with its gates."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=kit.name, author="Enablement",
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm)
    styles = getSampleStyleSheet()
    story = [Paragraph(escape(kit.name), styles["Title"])]
    if kit.account:
        story.append(Paragraph(f"Prepared for <b>{escape(kit.account)}</b>", styles["Heading3"]))
    story.append(Paragraph(f"{len(kit.items)} pieces · {date.today():%d %B %Y}", styles["Normal"]))
    if kit.notes:
        story += [Spacer(1, 4 * mm), Paragraph(escape(kit.notes).replace("\n", "<br/>"), styles["Normal"])]
    story.append(Spacer(1, 8 * mm))
    rows = [["#", "Piece", "Buyer question (gate)", "Type"]]
    cell = styles["BodyText"]
    for n, item in enumerate(kit.items, 1):
        gates = "<br/>".join(escape(g) for g in item.piece.labels("gate")) or "—"
        title = escape(item.piece.title)
        if item.note:
            title += f"<br/><i>{escape(item.note)}</i>"
        kind = ", ".join(item.piece.labels("content_type")) or item.piece.file_type.upper()
        rows.append([str(n), Paragraph(title, cell), Paragraph(gates, cell), Paragraph(escape(kind), cell)])
    table = Table(rows, colWidths=[10 * mm, 70 * mm, 65 * mm, 25 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f4e79")),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b7c3")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f5f9")]),
    ]))
    story.append(table)
    doc.build(story)
    return buf.getvalue()


def merged_kit_pdf(kit: "KitInfo", taxonomy: TaxonomyInfo, pdfs: list[tuple[str, Path]],
                   target: Path) -> tuple[int, list[str]]:
    """Write cover + PDF pieces to ``target``; returns (page count, pieces skipped and why)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    writer = PdfWriter()
    skipped: list[str] = []
    writer.append(PdfReader(io.BytesIO(cover_page(kit, taxonomy))))
    for title, path in pdfs:
        try:
            reader = PdfReader(path)
            if reader.is_encrypted and not reader.decrypt(""):
                skipped.append(f"{title} (password-protected: copied as a file, not merged)")
                continue
            writer.append(reader, outline_item=title)
        except (PdfReadError, ValueError, OSError, KeyError) as exc:
            skipped.append(f"{title} (cannot be merged: {exc}; copied as a file)")
    writer.add_metadata({"/Title": kit.name, "/Producer": "Enablement"})
    with open(target, "wb") as out:
        writer.write(out)
    return len(writer.pages), skipped
