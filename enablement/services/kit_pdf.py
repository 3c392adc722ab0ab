"""The merged PDF of a kit: a generated cover page (the account, the buyer questions the kit
answers, a short summary of each piece), then every PDF piece's pages."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from enablement.display import count
from enablement.models.dto import KitInfo, TaxonomyInfo


SUMMARY_CHARS = 260


def short_summary(description: str, text: str, limit: int = SUMMARY_CHARS) -> str:
    """A line or two about a piece for the cover page: its description, else the opening of
    its text, cut at a word with "…"."""
    source = " ".join((description or "").split()) or " ".join((text or "").split())
    if len(source) <= limit:
        return source
    cut = source[:limit].rsplit(" ", 1)[0].rstrip(",;:-–—")
    return cut + "…"


def cover_page(kit: "KitInfo", taxonomy: TaxonomyInfo, about: dict[int, str] | None = None,
               prepared_by: str = "", today: date | None = None) -> bytes:
    """The kit's cover: who it is for, the buyer questions it answers (by stage), then each
    piece with its type and a short summary (``about``: piece id → summary)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    about = about or {}
    accent = colors.HexColor("#1f4e79")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=kit.name, author="Enablement",
                            leftMargin=22 * mm, rightMargin=22 * mm, topMargin=24 * mm, bottomMargin=20 * mm)
    styles = getSampleStyleSheet()
    kicker = ParagraphStyle("kicker", parent=styles["Normal"], textColor=accent, fontName="Helvetica-Bold",
                            fontSize=10, spaceAfter=2 * mm)
    account = ParagraphStyle("account", parent=styles["Title"], alignment=0, fontSize=28, leading=34,
                             spaceAfter=3 * mm)
    name = ParagraphStyle("name", parent=styles["Heading2"], textColor=colors.HexColor("#333333"), spaceAfter=1 * mm)
    small = ParagraphStyle("small", parent=styles["Normal"], textColor=colors.HexColor("#555555"), fontSize=9)
    section = ParagraphStyle("section", parent=styles["Heading3"], textColor=accent, spaceBefore=6 * mm)
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9.5, leading=12.5)
    piece_title = ParagraphStyle("pieceTitle", parent=body, fontName="Helvetica-Bold", fontSize=10.5)

    story: list = [Paragraph("PREPARED FOR", kicker) if kit.account else Paragraph("CALL KIT", kicker),
                   Paragraph(escape(kit.account or kit.name), account)]
    if kit.account:
        story.append(Paragraph(escape(kit.name), name))
    line = [count(len(kit.items), "piece"), f"{today or date.today():%d %B %Y}".lstrip("0")]
    if prepared_by:
        line.append(f"prepared by {escape(prepared_by)}")
    story += [Paragraph(" · ".join(line), small), Spacer(1, 3 * mm),
              HRFlowable(width="100%", thickness=1.2, color=accent)]
    if kit.notes:
        story += [Spacer(1, 4 * mm), Paragraph(escape(kit.notes).replace("\n", "<br/>"), body)]

    # The buyer questions the kit answers, in the journey's order, with the pieces answering each.
    answered: dict[int, list[int]] = {}
    for n, item in enumerate(kit.items, 1):
        for gate_id in item.piece.ids("gate"):
            answered.setdefault(gate_id, []).append(n)
    if answered:
        story.append(Paragraph("Buyer questions this kit answers", section))
        rows = []
        for stage in taxonomy.stages:
            for gate in stage.gates:
                if gate.id in answered:
                    refs = ", ".join(str(n) for n in answered[gate.id])
                    rows.append([Paragraph(escape(stage.name), small), Paragraph(escape(gate.question), body),
                                 Paragraph(f"piece{'s' if len(answered[gate.id]) > 1 else ''} {refs}", small)])
        table = Table(rows, colWidths=[30 * mm, 105 * mm, 31 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d5dae2")),
                                   ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        story.append(table)

    story.append(Paragraph("In this kit", section))
    for n, item in enumerate(kit.items, 1):
        kind = ", ".join(item.piece.labels("content_type")) or (
            "Link" if item.piece.kind == "link" else item.piece.file_type.upper())
        pages = f" · {count(item.piece.page_count, 'page')}" if item.piece.page_count else ""
        text = [Paragraph(f"{escape(item.piece.title)}", piece_title),
                Paragraph(f"{escape(kind)}{pages}", small)]
        if about.get(item.piece.id):
            text.append(Paragraph(escape(about[item.piece.id]), body))
        if item.note:
            text.append(Paragraph(f"<i>Why it is here: {escape(item.note)}</i>", body))
        row = Table([[Paragraph(f"<b>{n}</b>", piece_title), text]], colWidths=[10 * mm, 156 * mm])
        row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d5dae2")),
                                 ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        story.append(row)
    doc.build(story)
    return buf.getvalue()


def merged_kit_pdf(kit: "KitInfo", taxonomy: TaxonomyInfo, pdfs: list[tuple[str, Path]],
                   target: Path, about: dict[int, str] | None = None,
                   prepared_by: str = "") -> tuple[int, list[str]]:
    """Write cover + PDF pieces to ``target``; returns (page count, pieces skipped and why)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    writer = PdfWriter()
    skipped: list[str] = []
    writer.append(PdfReader(io.BytesIO(cover_page(kit, taxonomy, about, prepared_by))))
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
