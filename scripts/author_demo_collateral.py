#!/usr/bin/env python3
"""Author the demo library's sample collateral under ``assets/demo/``.

The demo library shows Enablement with a realistic content set for a fictional
B2B SaaS vendor, **Northwind Flow** (an operations-workflow platform with four
products: Platform, Analytics, Integrations and Mobile), its competitors
(Tessellate Ops, Kitestring and Brightgrid Workflow) and fictional customers.

Running ``python scripts/author_demo_collateral.py`` (re)writes every file and
``assets/demo/manifest.json``. The output is deterministic: fixed dates, no
randomness, reportlab ``invariant=1`` for the PDFs, fixed core properties and
fixed zip entry timestamps for the DOCX/PPTX/XLSX files, so a second run gives
byte-identical files.

The manifest deliberately leaves three gates without any piece
(``worth-attention``, ``stakeholders-agree``, ``advocate``) so the coverage
report has gaps to show, and a few pieces have a review date in the past so
the stale-content report has something to show.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "demo"
TAXONOMY = ROOT / "assets" / "taxonomy.json"

FIXED = dt.datetime(2026, 1, 15, 9, 0, 0)
ZIP_TIME = (2026, 1, 15, 9, 0, 0)
COMPANY = "Northwind Flow, Inc."
BRAND = "Northwind Flow"

# The demo's deliberate coverage gaps and the "today" that staleness is judged against.
GAP_GATES = ("worth-attention", "stakeholders-agree", "advocate")
DEMO_TODAY = "2026-11-01"

# Brand palette (hex without '#', shared by every renderer).
NAVY = "14325C"
TEAL = "0F8B8D"
AMBER = "E8A33D"
INK = "26323D"
GREY = "5B6770"
LIGHT = "EEF3F7"
RULE = "C9D3DC"


# --------------------------------------------------------------------------------------
# The registry of pieces
# --------------------------------------------------------------------------------------
@dataclass
class Piece:
    file: str | None
    title: str
    description: str
    stages: list[str]
    gates: list[str]
    persona: list[str]
    industry: list[str]
    product: list[str]
    content_type: list[str]
    owner: str
    review_by: str
    status: str = "published"
    source: str = "marketing"
    link: str | None = None
    kind: str = ""          # label printed in the header band, e.g. "DATASHEET"
    subtitle: str = ""
    body: list = field(default_factory=list)     # blocks for PDF / DOCX
    slides: list = field(default_factory=list)   # slides for PPTX
    sheet: object = None                         # builder for XLSX

    def manifest_entry(self) -> dict:
        entry: dict = {}
        if self.file:
            entry["file"] = self.file
        else:
            entry["link"] = self.link
        entry.update(
            title=self.title,
            description=self.description,
            stages=list(self.stages),
            gates=list(self.gates),
            persona=list(self.persona),
            industry=list(self.industry),
            product=list(self.product),
            content_type=list(self.content_type),
            language=["English"],
            owner=self.owner,
            review_by=self.review_by,
            status=self.status,
            source=self.source,
        )
        return entry


PIECES: list[Piece] = []


def piece(file=None, *, title, description, stages, gates, persona, industry=(), product=(),
          ctype, owner, review_by, status="published", source="marketing", link=None,
          kind="", subtitle="", body=None, slides=None, sheet=None) -> Piece:
    p = Piece(file=file, title=title, description=description, stages=list(stages),
              gates=list(gates), persona=list(persona), industry=list(industry),
              product=list(product), content_type=[ctype], owner=owner, review_by=review_by,
              status=status, source=source, link=link, kind=kind or ctype.upper(),
              subtitle=subtitle, body=body or [], slides=slides or [], sheet=sheet)
    PIECES.append(p)
    return p


# Block helpers (a tiny document model shared by the PDF and DOCX renderers).
def H1(t): return ("h1", t)
def H2(t): return ("h2", t)
def P(t): return ("p", t)
def UL(*items): return ("ul", list(items))
def OL(*items): return ("ol", list(items))
def TABLE(header, rows, widths=None): return ("table", header, rows, widths)
def KPIS(*pairs): return ("kpis", list(pairs))
def CHART(title, cats, series, unit=""): return ("chart", title, cats, series, unit)
def QUOTE(t, who): return ("quote", t, who)
def CALLOUT(title, t): return ("callout", title, t)
def BREAK(): return ("break",)


def SLIDE(title, bullets=(), notes="", table=None, kpis=None, chart=None):
    return {"title": title, "bullets": list(bullets), "notes": notes,
            "table": table, "kpis": kpis, "chart": chart}


_TAG = re.compile(r"(<b>.*?</b>)")


def plain(text: str) -> str:
    return re.sub(r"</?b>", "", text)


# --------------------------------------------------------------------------------------
# Zip normalisation (python-docx / python-pptx / openpyxl stamp "now" into the package)
# --------------------------------------------------------------------------------------
_ISO = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_zip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = blob.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              lambda m: m.group(1) + _ISO + m.group(3), text)
                blob = text.encode("utf-8")
            elif info.filename.endswith(".xlsx"):   # chart data embedded in a PPTX
                blob = normalize_zip(blob)
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, blob)
    return out.getvalue()


# --------------------------------------------------------------------------------------
# PDF (reportlab)
# --------------------------------------------------------------------------------------
def render_pdf(p: Piece, path: Path) -> None:
    from reportlab import rl_config
    rl_config.invariant = 1
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Frame, KeepTogether,
                                    ListFlowable, ListItem, PageBreak, PageTemplate,
                                    Paragraph, Spacer, Table, TableStyle)

    c = lambda h: colors.HexColor("#" + h)  # noqa: E731
    W, H = letter
    margin = 0.75 * inch
    band = 1.85 * inch

    base = ParagraphStyle("body", fontName="Helvetica", fontSize=9.8, leading=14.2,
                          textColor=c(INK), spaceAfter=6, alignment=TA_LEFT)
    st = {
        "p": base,
        "h1": ParagraphStyle("h1", parent=base, fontName="Helvetica-Bold", fontSize=14.5,
                             leading=18, textColor=c(NAVY), spaceBefore=10, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName="Helvetica-Bold", fontSize=11,
                             leading=14, textColor=c(TEAL), spaceBefore=6, spaceAfter=3),
        "li": ParagraphStyle("li", parent=base, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.6, leading=11, spaceAfter=0),
        "hcell": ParagraphStyle("hcell", parent=base, fontName="Helvetica-Bold", fontSize=8.6,
                                leading=11, textColor=colors.white, spaceAfter=0),
        "kv": ParagraphStyle("kv", parent=base, fontName="Helvetica-Bold", fontSize=19,
                             leading=22, textColor=c(TEAL), spaceAfter=1),
        "kl": ParagraphStyle("kl", parent=base, fontSize=8, leading=10, textColor=c(GREY),
                             spaceAfter=0),
        "quote": ParagraphStyle("quote", parent=base, fontName="Helvetica-Oblique",
                                fontSize=11, leading=15.5, textColor=c(NAVY), spaceAfter=3),
        "who": ParagraphStyle("who", parent=base, fontSize=8.6, textColor=c(GREY), spaceAfter=0),
        "ctitle": ParagraphStyle("ctitle", parent=base, fontName="Helvetica-Bold",
                                 textColor=c(NAVY), spaceAfter=2),
        "title": ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=21, leading=25,
                                textColor=colors.white),
        "sub": ParagraphStyle("sub", fontName="Helvetica", fontSize=10.5, leading=14,
                              textColor=c("D5E3EE")),
    }
    frame_w = W - 2 * margin

    # The title band grows with the title and subtitle so long titles never spill over.
    def esc0(t: str) -> str:
        return t.replace("&", "&amp;")
    _th = Paragraph(esc0(p.title), st["title"]).wrap(frame_w, H)[1]
    _sh = Paragraph(esc0(p.subtitle), st["sub"]).wrap(frame_w, H)[1] if p.subtitle else 0
    band = max(band, 0.95 * inch + _th + (6 + _sh if p.subtitle else 0) + 0.32 * inch)

    def esc(t: str) -> str:
        return t.replace("&", "&amp;")

    def logo(canv, x, y, light):
        canv.setFillColor(c(TEAL))
        canv.roundRect(x, y, 16, 16, 3, fill=1, stroke=0)
        canv.setFillColor(colors.white)
        canv.setFont("Helvetica-Bold", 8)
        canv.drawCentredString(x + 8, y + 5, "NF")
        canv.setFillColor(colors.white if light else c(NAVY))
        canv.setFont("Helvetica-Bold", 10)
        canv.drawString(x + 22, y + 4.5, BRAND)

    def footer(canv, doc):
        canv.setStrokeColor(c(RULE))
        canv.setLineWidth(0.6)
        canv.line(margin, 0.62 * inch, W - margin, 0.62 * inch)
        canv.setFont("Helvetica", 7.5)
        canv.setFillColor(c(GREY))
        canv.drawString(margin, 0.45 * inch, f"{COMPANY}  |  {p.title}")
        canv.drawRightString(W - margin, 0.45 * inch, f"Page {doc.page}")

    def first_page(canv, doc):
        canv.saveState()
        canv.setFillColor(c(NAVY))
        canv.rect(0, H - band, W, band, fill=1, stroke=0)
        canv.setFillColor(c(TEAL))
        canv.rect(0, H - band - 5, W, 5, fill=1, stroke=0)
        logo(canv, margin, H - 0.62 * inch, True)
        canv.setFont("Helvetica-Bold", 8)
        canv.setFillColor(c(AMBER))
        canv.drawRightString(W - margin, H - 0.56 * inch, p.kind.upper())
        t = Paragraph(esc(p.title), st["title"])
        tw, th = t.wrap(frame_w, band)
        s = Paragraph(esc(p.subtitle), st["sub"]) if p.subtitle else None
        sh = s.wrap(frame_w, band)[1] if s else 0
        top = H - 0.95 * inch
        t.drawOn(canv, margin, top - th)
        if s:
            s.drawOn(canv, margin, top - th - 6 - sh)
        footer(canv, doc)
        canv.restoreState()

    def later_page(canv, doc):
        canv.saveState()
        logo(canv, margin, H - 0.55 * inch, False)
        canv.setFont("Helvetica-Bold", 7.5)
        canv.setFillColor(c(GREY))
        canv.drawRightString(W - margin, H - 0.5 * inch, p.kind.upper())
        canv.setStrokeColor(c(RULE))
        canv.setLineWidth(0.6)
        canv.line(margin, H - 0.66 * inch, W - margin, H - 0.66 * inch)
        footer(canv, doc)
        canv.restoreState()

    doc = BaseDocTemplate(
        str(path), pagesize=letter, leftMargin=margin, rightMargin=margin,
        topMargin=0.9 * inch, bottomMargin=0.8 * inch, title=p.title, author=p.owner,
        subject=p.description, creator=f"{BRAND} Marketing", producer=f"{BRAND} Marketing",
        keywords=", ".join(p.content_type + p.product + p.industry), invariant=1)
    first_frame = Frame(margin, 0.8 * inch, frame_w, H - band - 0.25 * inch - 0.8 * inch,
                        id="first", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later_frame = Frame(margin, 0.8 * inch, frame_w, H - 0.9 * inch - 0.8 * inch,
                        id="later", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("first", [first_frame], onPage=first_page),
                          PageTemplate("later", [later_frame], onPage=later_page)])
    from reportlab.platypus import NextPageTemplate

    story: list = [NextPageTemplate("later")]
    for blk in p.body:
        kind = blk[0]
        if kind == "h1":
            story.append(CondPageBreak(1.4 * inch))
            story.append(Paragraph(esc(blk[1]), st["h1"]))
        elif kind == "h2":
            story.append(CondPageBreak(1.0 * inch))
            story.append(Paragraph(esc(blk[1]), st["h2"]))
        elif kind == "p":
            story.append(Paragraph(esc(blk[1]), st["p"]))
        elif kind in ("ul", "ol"):
            items = [ListItem(Paragraph(esc(i), st["li"]), leftIndent=14,
                              value=(n + 1 if kind == "ol" else None))
                     for n, i in enumerate(blk[1])]
            story.append(ListFlowable(
                items, bulletType="1" if kind == "ol" else "bullet", start=None if kind == "ol" else "\u2022",
                leftIndent=14, bulletFontSize=8.5 if kind == "ul" else 9,
                bulletColor=c(TEAL), bulletFontName="Helvetica-Bold" if kind == "ol" else "Helvetica"))
            story.append(Spacer(1, 5))
        elif kind == "table":
            story.append(CondPageBreak(1.3 * inch))
            header, rows, widths = blk[1], blk[2], blk[3]
            n = len(header)
            if widths:
                tot = float(sum(widths))
                cw = [frame_w * w / tot for w in widths]
            else:
                cw = [frame_w / n] * n
            data = [[Paragraph(esc(h), st["hcell"]) for h in header]]
            data += [[Paragraph(esc(str(v)), st["cell"]) for v in r] for r in rows]
            t = Table(data, colWidths=cw, repeatRows=1)
            style = [("BACKGROUND", (0, 0), (-1, 0), c(NAVY)),
                     ("VALIGN", (0, 0), (-1, -1), "TOP"),
                     ("LINEBELOW", (0, 0), (-1, -1), 0.4, c(RULE)),
                     ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                     ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5)]
            for i in range(1, len(data)):
                if i % 2 == 0:
                    style.append(("BACKGROUND", (0, i), (-1, i), c(LIGHT)))
            t.setStyle(TableStyle(style))
            story += [Spacer(1, 3), t, Spacer(1, 9)]
        elif kind == "kpis":
            pairs = blk[1]
            kv = st["kv"] if len(pairs) < 4 else ParagraphStyle("kv4", parent=st["kv"], fontSize=15.5,
                                                                 leading=19)
            cells = [[Paragraph(esc(v), kv), Paragraph(esc(l), st["kl"])] for v, l in pairs]
            cw = frame_w / len(pairs)
            inner = [Table([[a], [b]], colWidths=[cw - 10]) for a, b in cells]
            for it in inner:
                it.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                        ("TOPPADDING", (0, 0), (-1, -1), 1),
                                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
            t = Table([inner], colWidths=[cw] * len(pairs))
            t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), c(LIGHT)),
                                   ("LINEBEFORE", (1, 0), (-1, 0), 0.8, colors.white),
                                   ("LINEABOVE", (0, 0), (-1, 0), 2.5, c(TEAL)),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 7),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 9)]))
            story += [Spacer(1, 4), t, Spacer(1, 10)]
        elif kind == "chart":
            title, cats, series, unit = blk[1], blk[2], blk[3], blk[4]
            dh = 2.3 * inch
            d = Drawing(frame_w, dh)
            d.add(String(0, dh - 12, title, fontName="Helvetica-Bold", fontSize=9.5,
                         fillColor=c(NAVY)))
            ch = VerticalBarChart()
            ch.x, ch.y, ch.width, ch.height = 36, 24, frame_w - 190, dh - 52
            ch.data = [tuple(v for v in s[1]) for s in series]
            ch.categoryAxis.categoryNames = list(cats)
            ch.categoryAxis.labels.fontName = "Helvetica"
            ch.categoryAxis.labels.fontSize = 7.5
            ch.categoryAxis.strokeColor = c(RULE)
            ch.valueAxis.labels.fontName = "Helvetica"
            ch.valueAxis.labels.fontSize = 7.5
            ch.valueAxis.valueMin = 0
            ch.valueAxis.strokeColor = c(RULE)
            ch.valueAxis.gridStrokeColor = c(LIGHT)
            ch.valueAxis.visibleGrid = 1
            if unit:
                ch.valueAxis.labelTextFormat = ((lambda v: f"${v:g}") if unit == "$"
                                                else (lambda v, u=unit: f"{v:g}{u}"))
            palette = [c(NAVY), c(TEAL), c(AMBER), c(GREY)]
            for i in range(len(series)):
                ch.bars[i].fillColor = palette[i % 4]
                ch.bars[i].strokeColor = None
            ch.barSpacing = 1.5
            ch.groupSpacing = 8
            d.add(ch)
            lg = Legend()
            lg.x, lg.y = frame_w - 140, dh - 40
            lg.fontName, lg.fontSize = "Helvetica", 8
            lg.alignment = "right"
            lg.colorNamePairs = [(palette[i % 4], s[0]) for i, s in enumerate(series)]
            lg.strokeColor = None
            lg.dx = lg.dy = 7
            lg.deltay = 12
            d.add(lg)
            story += [Spacer(1, 4), d, Spacer(1, 8)]
        elif kind == "quote":
            inner = [Paragraph("\u201c" + esc(blk[1]) + "\u201d", st["quote"]),
                     Paragraph(esc(blk[2]), st["who"])]
            t = Table([[inner]], colWidths=[frame_w])
            t.setStyle(TableStyle([("LINEBEFORE", (0, 0), (0, 0), 3, c(AMBER)),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 12),
                                   ("TOPPADDING", (0, 0), (-1, -1), 4),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
            story += [Spacer(1, 4), KeepTogether(t), Spacer(1, 10)]
        elif kind == "callout":
            inner = [Paragraph(esc(blk[1]), st["ctitle"]), Paragraph(esc(blk[2]), st["cell"])]
            t = Table([[inner]], colWidths=[frame_w])
            t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), c(LIGHT)),
                                   ("BOX", (0, 0), (-1, -1), 0.6, c(RULE)),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 10),
                                   ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                                   ("TOPPADDING", (0, 0), (-1, -1), 7),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
            story += [Spacer(1, 4), KeepTogether(t), Spacer(1, 10)]
        elif kind == "break":
            story.append(PageBreak())
        else:  # pragma: no cover - authoring error
            raise ValueError(f"unknown block {kind!r} in {p.file}")
    doc.build(story)


# --------------------------------------------------------------------------------------
# DOCX (python-docx)
# --------------------------------------------------------------------------------------
def render_docx(p: Piece, path: Path) -> None:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor, Inches

    rgb = lambda h: RGBColor.from_string(h)  # noqa: E731
    doc = Document()
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Inches(0.9)
    sec.top_margin = Inches(0.8)
    sec.bottom_margin = Inches(0.8)

    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = rgb(INK)
    normal.paragraph_format.space_after = Pt(6)
    for name, size, color in (("Title", 24, NAVY), ("Heading 1", 15, NAVY),
                              ("Heading 2", 12, TEAL), ("Subtitle", 12, GREY)):
        s = styles[name]
        s.font.name = "Calibri"
        s.font.size = Pt(size)
        s.font.color.rgb = rgb(color)
        # make the east-asian/theme font follow too
        rpr = s.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.append(rfonts)
        for a in ("w:ascii", "w:hAnsi", "w:cs"):
            rfonts.set(qn(a), "Calibri")
        for a in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            if rfonts.get(qn(a)) is not None:
                del rfonts.attrib[qn(a)]

    hdr = sec.header.paragraphs[0]
    r = hdr.add_run(f"{BRAND}  |  {p.kind.upper()}")
    r.font.size = Pt(8)
    r.font.bold = True
    r.font.color.rgb = rgb(GREY)
    ftr = sec.footer.paragraphs[0]
    r = ftr.add_run(f"{COMPANY}  |  {p.title}")
    r.font.size = Pt(8)
    r.font.color.rgb = rgb(GREY)

    def runs(par, text, bold=False):
        for part in _TAG.split(text):
            if not part:
                continue
            if part.startswith("<b>"):
                par.add_run(part[3:-4]).bold = True
            else:
                rr = par.add_run(part)
                if bold:
                    rr.bold = True
        return par

    def shade(cell, hexcolor):
        tcPr = cell._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), hexcolor)
        tcPr.append(shd)

    def table(header, rows):
        t = doc.add_table(rows=1, cols=len(header))
        t.style = styles["Table Grid"]
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, h in enumerate(header):
            cell = t.rows[0].cells[i]
            cell.text = ""
            rr = cell.paragraphs[0].add_run(h)
            rr.bold = True
            rr.font.color.rgb = rgb("FFFFFF")
            rr.font.size = Pt(9.5)
            shade(cell, NAVY)
        for n, row in enumerate(rows):
            cells = t.add_row().cells
            for i, v in enumerate(row):
                cells[i].text = ""
                runs(cells[i].paragraphs[0], str(v))
                for rr in cells[i].paragraphs[0].runs:
                    rr.font.size = Pt(9.5)
                if n % 2 == 1:
                    shade(cells[i], LIGHT)
        doc.add_paragraph()

    doc.add_heading(p.title, 0)
    if p.subtitle:
        doc.add_paragraph(p.subtitle, style="Subtitle")
    for blk in p.body:
        kind = blk[0]
        if kind == "h1":
            doc.add_heading(blk[1], 1)
        elif kind == "h2":
            doc.add_heading(blk[1], 2)
        elif kind == "p":
            runs(doc.add_paragraph(), blk[1])
        elif kind == "ul":
            for i in blk[1]:
                runs(doc.add_paragraph(style="List Bullet"), i)
        elif kind == "ol":
            for i in blk[1]:
                runs(doc.add_paragraph(style="List Number"), i)
        elif kind == "table":
            table(blk[1], blk[2])
        elif kind == "kpis":
            table([l for _, l in blk[1]], [[v for v, _ in blk[1]]])
        elif kind == "chart":
            title, cats, series, unit = blk[1], blk[2], blk[3], blk[4]
            cap = doc.add_paragraph()
            runs(cap, title, bold=True)
            fmt = (lambda v: f"${v:,}") if unit == "$" else (lambda v: f"{v:,}{unit}")
            table([""] + [s[0] for s in series],
                  [[cat] + [fmt(s[1][i]) for s in series] for i, cat in enumerate(cats)])
        elif kind == "quote":
            q = doc.add_paragraph(style="Intense Quote")
            q.add_run("\u201c" + plain(blk[1]) + "\u201d")
            w = doc.add_paragraph()
            rr = w.add_run("\u2014 " + blk[2])
            rr.italic = True
            rr.font.color.rgb = rgb(GREY)
        elif kind == "callout":
            t = doc.add_table(rows=1, cols=1)
            t.style = styles["Table Grid"]
            cell = t.rows[0].cells[0]
            shade(cell, LIGHT)
            cell.text = ""
            runs(cell.paragraphs[0], blk[1], bold=True)
            runs(cell.add_paragraph(), blk[2])
            doc.add_paragraph()
        elif kind == "break":
            doc.add_page_break()
        else:  # pragma: no cover
            raise ValueError(f"unknown block {kind!r} in {p.file}")

    cp = doc.core_properties
    cp.title = p.title
    cp.author = p.owner
    cp.last_modified_by = p.owner
    cp.subject = p.description
    cp.category = p.content_type[0]
    cp.keywords = ", ".join(p.content_type + p.product + p.industry)
    cp.comments = f"{BRAND} demo collateral"
    cp.created = FIXED
    cp.modified = FIXED
    cp.last_printed = FIXED
    cp.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(normalize_zip(buf.getvalue()))


# --------------------------------------------------------------------------------------
# PPTX (python-pptx)
# --------------------------------------------------------------------------------------
def render_pptx(p: Piece, path: Path) -> None:
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import PP_ALIGN
    from pptx.oxml.ns import qn
    from pptx.util import Emu, Inches, Pt

    rgb = lambda h: RGBColor.from_string(h)  # noqa: E731
    prs = Presentation()
    prs.slide_width = Inches(13.333)
    prs.slide_height = Inches(7.5)
    SW, SH = prs.slide_width, prs.slide_height

    def rect(slide, x, y, w, h, color, shape=MSO_SHAPE.RECTANGLE):
        s = slide.shapes.add_shape(shape, x, y, w, h)
        s.fill.solid()
        s.fill.fore_color.rgb = rgb(color)
        s.line.fill.background()
        s.shadow.inherit = False
        return s

    def text(slide, x, y, w, h, t, size, color, bold=False, align=None):
        tb = slide.shapes.add_textbox(x, y, w, h)
        tf = tb.text_frame
        tf.word_wrap = True
        para = tf.paragraphs[0]
        run = para.add_run()
        run.text = t
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = rgb(color)
        run.font.name = "Calibri"
        if align:
            para.alignment = align
        return tb

    def brand_mark(slide, x, y, light):
        m = rect(slide, x, y, Inches(0.36), Inches(0.36), TEAL, MSO_SHAPE.ROUNDED_RECTANGLE)
        m.text_frame.text = "NF"
        r0 = m.text_frame.paragraphs[0].runs[0]
        r0.font.size = Pt(10)
        r0.font.bold = True
        r0.font.color.rgb = rgb("FFFFFF")
        text(slide, x + Inches(0.42), y - Inches(0.03), Inches(3), Inches(0.4), BRAND, 13,
             "FFFFFF" if light else NAVY, bold=True)

    def set_title(slide, t, x, y, w, h, size, color):
        ph = slide.shapes.title
        ph.left, ph.top, ph.width, ph.height = x, y, w, h
        ph.text = t
        tf = ph.text_frame
        tf.word_wrap = True
        para = tf.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        for r0 in para.runs:
            r0.font.size = Pt(size)
            r0.font.bold = True
            r0.font.color.rgb = rgb(color)
            r0.font.name = "Calibri"
        bp = tf._txBody.find(qn("a:bodyPr"))
        bp.set("anchor", "b")

    def bullets(slide, items, x, y, w, h, size=18):
        tb = slide.shapes.add_textbox(x, y, w, h)
        tf = tb.text_frame
        tf.word_wrap = True
        first = True
        for item in items:
            level = 1 if item.startswith("- ") else 0
            item = item[2:] if level else item
            para = tf.paragraphs[0] if first else tf.add_paragraph()
            first = False
            pPr = para._p.get_or_add_pPr()
            pPr.set("marL", str(Emu(Inches(0.32 + 0.35 * level))))
            pPr.set("indent", str(-Emu(Inches(0.28))))
            para.level = level
            bu_clr = pPr.makeelement(qn("a:buClr"), {})
            srgb = bu_clr.makeelement(qn("a:srgbClr"), {"val": TEAL})
            bu_clr.append(srgb)
            pPr.append(bu_clr)
            pPr.append(pPr.makeelement(qn("a:buChar"), {"char": "\u2022" if not level else "\u2013"}))
            para.space_after = Pt(8 if not level else 4)
            for part in _TAG.split(item):
                if not part:
                    continue
                r0 = para.add_run()
                r0.text = plain(part)
                r0.font.size = Pt(size if not level else size - 3)
                r0.font.color.rgb = rgb(INK if not level else GREY)
                r0.font.name = "Calibri"
                if part.startswith("<b>"):
                    r0.font.bold = True
        return tb

    total = len(p.slides) + 1
    # --- title slide -------------------------------------------------------------------
    s = prs.slides.add_slide(prs.slide_layouts[0])
    rect(s, 0, 0, SW, SH, NAVY)
    rect(s, 0, Inches(5.35), SW, Inches(0.08), TEAL)
    brand_mark(s, Inches(0.7), Inches(0.6), True)
    text(s, Inches(0.7), Inches(1.7), Inches(8), Inches(0.4), p.kind.upper(), 13, AMBER, bold=True)
    set_title(s, p.title, Inches(0.7), Inches(2.1), Inches(11.5), Inches(1.9), 40, "FFFFFF")
    sub = s.placeholders[1]
    sub.left, sub.top, sub.width, sub.height = Inches(0.7), Inches(4.1), Inches(11), Inches(1.0)
    sub.text = p.subtitle
    for r0 in sub.text_frame.paragraphs[0].runs:
        r0.font.size = Pt(18)
        r0.font.color.rgb = rgb("D5E3EE")
        r0.font.name = "Calibri"
    sub.text_frame.paragraphs[0].alignment = PP_ALIGN.LEFT
    text(s, Inches(0.7), Inches(6.6), Inches(11), Inches(0.4),
         f"{COMPANY}  |  {p.owner}  |  Confidential", 11, "A9BCCD")
    s.notes_slide.notes_text_frame.text = p.description

    # --- content slides ------------------------------------------------------------------
    for idx, sd in enumerate(p.slides, start=2):
        s = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
        rect(s, 0, 0, Inches(0.18), SH, TEAL)
        set_title(s, sd["title"], Inches(0.6), Inches(0.35), Inches(11.3), Inches(1.05), 30, NAVY)
        rect(s, Inches(0.6), Inches(1.45), Inches(1.2), Inches(0.06), AMBER)
        brand_mark(s, Inches(0.6), Inches(6.92), False)
        text(s, Inches(9.6), Inches(6.92), Inches(3.2), Inches(0.35), f"{idx} / {total}", 11,
             GREY, align=PP_ALIGN.RIGHT)
        body_top = Inches(1.8)
        has_side = sd["table"] or sd["kpis"] or sd["chart"]
        bw = Inches(5.6) if has_side and sd["bullets"] else Inches(11.8)
        if sd["bullets"]:
            bullets(s, sd["bullets"], Inches(0.6), body_top, bw, Inches(4.9),
                    size=18 if not has_side else 16)
        sx = Inches(6.6) if sd["bullets"] else Inches(0.6)
        sw = Inches(6.1) if sd["bullets"] else Inches(12.0)
        if sd["kpis"]:
            pairs = sd["kpis"]
            n = len(pairs)
            gap = Inches(0.2)
            cw = int((sw - gap * (n - 1)) / n) if not sd["bullets"] else sw
            for i, (v, l) in enumerate(pairs):
                if sd["bullets"]:
                    x, y, w, h = sx, body_top + i * Inches(1.25), sw, Inches(1.1)
                else:
                    x, y, w, h = sx + i * (cw + gap), body_top + Inches(0.4), cw, Inches(2.2)
                rect(s, x, y, w, h, LIGHT)
                rect(s, x, y, w, Inches(0.06), TEAL)
                text(s, x + Inches(0.2), y + Inches(0.12), w - Inches(0.4), Inches(0.6), v,
                     28, TEAL, bold=True)
                text(s, x + Inches(0.2), y + Inches(0.62 if sd["bullets"] else 1.0),
                     w - Inches(0.4), Inches(0.9), l, 12, GREY)
        if sd["table"]:
            header, rows = sd["table"]
            shp = s.shapes.add_table(len(rows) + 1, len(header), sx, body_top, sw,
                                     Inches(0.4) * (len(rows) + 1))
            tbl = shp.table
            for ci, h in enumerate(header):
                cell = tbl.cell(0, ci)
                cell.text = h
                cell.fill.solid()
                cell.fill.fore_color.rgb = rgb(NAVY)
                for r0 in cell.text_frame.paragraphs[0].runs:
                    r0.font.size = Pt(12)
                    r0.font.bold = True
                    r0.font.color.rgb = rgb("FFFFFF")
            for ri, row in enumerate(rows, start=1):
                for ci, v in enumerate(row):
                    cell = tbl.cell(ri, ci)
                    cell.text = str(v)
                    cell.fill.solid()
                    cell.fill.fore_color.rgb = rgb(LIGHT if ri % 2 == 0 else "FFFFFF")
                    for r0 in cell.text_frame.paragraphs[0].runs:
                        r0.font.size = Pt(11)
                        r0.font.color.rgb = rgb(INK)
        if sd["chart"]:
            title, cats, series, unit = sd["chart"]
            cd = CategoryChartData()
            cd.categories = list(cats)
            for name, vals in series:
                cd.add_series(name, list(vals))
            gf = s.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, sx, body_top, sw,
                                    Inches(4.7), cd)
            ch = gf.chart
            ch.has_title = True
            ch.chart_title.text_frame.text = title
            ch.chart_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
            ch.has_legend = len(series) > 1
            if ch.has_legend:
                ch.legend.position = XL_LEGEND_POSITION.BOTTOM
                ch.legend.include_in_layout = False
            palette = [NAVY, TEAL, AMBER, GREY]
            for i, ser in enumerate(ch.series):
                ser.format.fill.solid()
                ser.format.fill.fore_color.rgb = rgb(palette[i % 4])
            ch.value_axis.has_major_gridlines = True
            ch.value_axis.tick_labels.font.size = Pt(11)
            ch.category_axis.tick_labels.font.size = Pt(11)
        s.notes_slide.notes_text_frame.text = sd["notes"]

    cp = prs.core_properties
    cp.title = p.title
    cp.author = p.owner
    cp.last_modified_by = p.owner
    cp.subject = p.description
    cp.category = p.content_type[0]
    cp.keywords = ", ".join(p.content_type + p.product + p.industry)
    cp.comments = f"{BRAND} demo collateral"
    cp.created = FIXED
    cp.modified = FIXED
    cp.last_printed = FIXED
    cp.revision = 1
    buf = io.BytesIO()
    prs.save(buf)
    path.write_bytes(normalize_zip(buf.getvalue()))


# --------------------------------------------------------------------------------------
# XLSX (openpyxl)
# --------------------------------------------------------------------------------------
def render_xlsx(p: Piece, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    p.sheet(wb)
    props = wb.properties
    props.title = p.title
    props.creator = p.owner
    props.lastModifiedBy = p.owner
    props.subject = p.description
    props.category = p.content_type[0]
    props.keywords = ", ".join(p.content_type + p.product + p.industry)
    props.created = FIXED
    props.modified = FIXED
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(normalize_zip(buf.getvalue()))


RENDERERS = {".pdf": render_pdf, ".docx": render_docx, ".pptx": render_pptx,
             ".xlsx": render_xlsx}

# ======================================================================================
# CONTENT
# ======================================================================================
# Owners (product, content, competitive and customer marketing).
PRIYA = "Priya Raman"
DANIEL = "Daniel Okafor"
SOFIA = "Sofia Lindqvist"
MARCUS = "Marcus Hale"

PRODUCTS_ALL = ["Platform", "Analytics", "Integrations", "Mobile"]

# --------------------------------------------------------------------------------------
# Datasheets (Consideration: does it fit our requirements?)
# --------------------------------------------------------------------------------------
piece(
    "datasheet-flow-platform.pdf",
    title="Northwind Flow Platform Datasheet",
    subtitle="Design, run and govern operational workflows across every team, without code.",
    description="Two-page overview of the core workflow platform: designer, rules engine, SLA "
                "timers, approvals, audit trail and governance, with technical specifications.",
    stages=["consideration"], gates=["fit-requirements"],
    persona=["Operations Manager", "IT Director"], product=["Platform"],
    ctype="Datasheet", owner=PRIYA, review_by="2027-02-28", kind="Datasheet",
    body=[
        KPIS(("1,100+", "operations teams in 38 countries"), ("99.95%", "contractual uptime SLA"),
             ("6 weeks", "median time to first live workflow")),
        H1("Operational work, finally under control"),
        P("Most operations teams run on a patchwork of spreadsheets, shared inboxes and "
          "legacy ticketing tools. Work disappears between hand-offs, nobody can say how long "
          "a request will take, and every audit becomes a scramble for evidence. The "
          "<b>Northwind Flow Platform</b> replaces that patchwork with one place to design, run "
          "and measure the processes that keep the business moving: approvals, intake "
          "requests, quality deviations, onboarding checklists, field inspections and "
          "hundreds of other repeatable workflows."),
        P("Process owners model workflows visually in the browser. IT keeps control of "
          "identity, data residency, integrations and change management. Front-line staff "
          "simply see the next task that needs them, on the web or on a phone."),
        H1("Key capabilities"),
        H2("Visual workflow designer"),
        UL("Drag-and-drop stages, branches, parallel paths and sub-processes.",
           "Dynamic forms with conditional fields, validation rules and reusable field libraries.",
           "Versioned process definitions with side-by-side comparison and one-click rollback.",
           "Sandbox environments so changes are tested before they reach production."),
        H2("Rules, timers and automation"),
        UL("Decision tables that business users can read and maintain without scripting.",
           "Service-level timers with escalation ladders, business calendars and holiday schedules.",
           "Automatic assignment by skill, workload, geography or round-robin.",
           "Low-code expressions for calculations, with a sandboxed JavaScript step for edge cases."),
        H2("Governance and audit"),
        UL("Immutable audit trail of every field change, approval and comment, exportable for auditors.",
           "Role-based access control down to individual fields, with SCIM provisioning.",
           "Segregation-of-duties checks on approval chains.",
           "Retention policies and legal hold per process."),
        H1("Technical specifications"),
        TABLE(["Area", "Specification"], [
            ["Deployment", "Multi-tenant SaaS on AWS (US, EU, UK, Canada, Australia regions); single-tenant option for Enterprise"],
            ["Identity", "SAML 2.0 and OpenID Connect SSO, SCIM 2.0, MFA enforcement, IP allow-lists"],
            ["Scale", "Tested to 50,000 named users and 4 million active work items per tenant"],
            ["Availability", "99.95% uptime SLA, RPO 15 minutes, RTO 4 hours, multi-AZ"],
            ["Compliance", "SOC 2 Type II, ISO/IEC 27001, HIPAA-ready (BAA available), GDPR"],
            ["Browsers", "Current Chrome, Edge, Firefox and Safari; WCAG 2.1 AA accessible UI"],
            ["APIs", "REST and GraphQL APIs, outbound webhooks, event stream to Kafka or Kinesis"],
        ], widths=[1, 3]),
        H1("Editions"),
        P("The platform is sold in three editions. <b>Team</b> suits a single department "
          "automating its first handful of processes. <b>Business</b> adds sandboxes, "
          "advanced SLA management and premium support for organisations running dozens of "
          "workflows. <b>Enterprise</b> adds single-tenant hosting, customer-managed encryption "
          "keys, data residency guarantees and a named technical account manager."),
        CALLOUT("Next step",
                "Ask your Northwind Flow account executive for a 30-minute requirements mapping "
                "session. We will map your must-have requirements to platform capabilities and "
                "share the results in writing."),
    ])

piece(
    "datasheet-flow-analytics.pdf",
    title="Flow Analytics Datasheet",
    subtitle="See where work gets stuck, forecast what is coming and prove the improvement.",
    description="Datasheet for the Flow Analytics add-on: process mining, cycle-time dashboards, "
                "bottleneck detection, forecasting and BI exports.",
    stages=["consideration"], gates=["fit-requirements"],
    persona=["Operations Manager", "Economic Buyer"], product=["Analytics"],
    ctype="Datasheet", owner=PRIYA, review_by="2027-02-28", kind="Datasheet",
    body=[
        KPIS(("31%", "average cycle-time reduction in year one"), ("< 5 min", "data freshness on every dashboard"),
             ("40+", "prebuilt operational metrics")),
        H1("Turn every workflow into a measurable process"),
        P("Every task that moves through Northwind Flow leaves a precise, time-stamped trail. "
          "<b>Flow Analytics</b> turns that trail into answers that operations leaders have "
          "never been able to get from spreadsheets: where requests wait the longest, which "
          "teams are overloaded, which approval steps add delay without adding control, and "
          "how next month's demand will land on current staffing."),
        P("Because the analytics are built on the same data model as the workflows, there "
          "is nothing to extract, reconcile or maintain. A process owner who changes a "
          "workflow sees the effect on cycle time the same week."),
        H1("What you get"),
        H2("Process mining without the project"),
        P("Automatic process maps show the real paths that work takes, including rework loops "
          "and skipped steps, weighted by volume and duration. Variant analysis compares "
          "regions, teams or request types side by side."),
        H2("Operational dashboards"),
        UL("Cycle time, touch time and waiting time for every stage, with percentile bands.",
           "SLA attainment and breach forecasts, so managers act before a deadline is missed.",
           "Workload and capacity by team, queue and individual, with fair-share views.",
           "First-time-right rate, rework ratio and cost per case."),
        H2("Forecasting and benchmarks"),
        P("Seasonal demand forecasts use twelve months of history to predict incoming volume "
          "by week. Anonymised, opt-in benchmarks compare your cycle times with peers in the "
          "same industry and size band."),
        CHART("Typical improvement after 6 months (median, days)", ["Intake", "Review", "Approval", "Fulfilment"],
              [("Before", [3.1, 5.4, 4.2, 6.0]), ("After", [1.2, 3.6, 1.5, 4.4])]),
        H2("Open by design"),
        TABLE(["Integration", "How it works"], [
            ["Power BI, Tableau, Looker", "Certified connectors with row-level security passed through"],
            ["Snowflake, BigQuery, Databricks", "Scheduled or streaming export of the analytics data model"],
            ["CSV and Excel", "Any dashboard tile exports with one click, respecting permissions"],
            ["Analytics API", "Query metrics and process maps programmatically"],
        ], widths=[1.3, 2.7]),
        H1("Who uses Flow Analytics"),
        P("Operations managers use it weekly to rebalance queues and coach teams. Finance "
          "uses cost-per-case trends to build budget cases. Executives get a single monthly "
          "scorecard that replaces a dozen hand-built status decks, and continuous-improvement "
          "teams use variant analysis to pick their next project with evidence rather than "
          "anecdote."),
    ])

piece(
    "datasheet-flow-integrations.pdf",
    title="Flow Integrations Datasheet",
    subtitle="Connect workflows to the systems you already run: ERP, CRM, HR, ITSM and EHR.",
    description="Datasheet for Flow Integrations (Flow Connect): 240+ connectors, APIs, webhooks, "
                "event streaming and the on-premises agent, with a connector catalogue table.",
    stages=["consideration", "evaluation"], gates=["fit-requirements", "works-for-us"],
    persona=["IT Director"], product=["Integrations", "Platform"],
    ctype="Datasheet", owner=PRIYA, review_by="2027-03-31", kind="Datasheet",
    body=[
        KPIS(("240+", "prebuilt connectors"), ("2 days", "median time to connect a core system"),
             ("0", "firewall ports to open for the on-prem agent")),
        H1("Workflows are only as good as their connections"),
        P("An approval that cannot read the purchase order, or a maintenance request that "
          "cannot create the work order in the ERP, just moves the swivel-chair typing "
          "somewhere else. <b>Flow Integrations</b> connects Northwind Flow to the systems of "
          "record your business already depends on, so data enters once and every step "
          "downstream can trust it."),
        H1("Connector catalogue (selection)"),
        TABLE(["Category", "Systems", "Typical use"], [
            ["ERP", "SAP S/4HANA, Oracle NetSuite, Microsoft Dynamics 365, Infor", "Purchase approvals, vendor onboarding, work orders"],
            ["CRM", "Salesforce, HubSpot, Microsoft Dynamics CRM", "Deal desk, contract review, customer onboarding"],
            ["HR", "Workday, SAP SuccessFactors, BambooHR", "Joiner-mover-leaver, policy attestations"],
            ["ITSM", "ServiceNow, Jira Service Management", "Access requests, change approvals"],
            ["Healthcare", "Epic and Cerner via HL7 v2 and FHIR R4", "Referrals, prior authorisation, patient intake"],
            ["Productivity", "Microsoft 365, Google Workspace, Slack, Teams", "Notifications, documents, approvals in chat"],
        ], widths=[0.9, 1.9, 1.9]),
        H1("Building blocks for everything else"),
        UL("<b>REST and GraphQL APIs</b> covering every object in the platform, documented with OpenAPI 3.1.",
           "<b>Webhooks</b> with signed payloads, retries with exponential back-off and a replay console.",
           "<b>Event streaming</b> of workflow events to Kafka, Amazon Kinesis or Azure Event Hubs.",
           "<b>On-premises agent</b> that reaches databases and file shares behind your firewall over an outbound-only TLS tunnel.",
           "<b>Connector SDK</b> for building private connectors in TypeScript or Python."),
        H1("Reliability and control"),
        P("Every integration call is logged with its payload hash, latency and outcome. "
          "Failed calls are retried automatically and, if they still fail, routed to an "
          "integration exception queue that an administrator can inspect and replay. Secrets "
          "are stored in a dedicated vault, never in workflow definitions, and can be rotated "
          "without redeploying a process."),
        P("Connect Standard, included with every Business and Enterprise subscription, covers "
          "25 active connections. Connect Premium removes the limit and adds the on-premises "
          "agent, event streaming and a 99.99% integration runtime SLA."),
        CALLOUT("Validate it in your environment",
                "A technical validation typically takes two weeks: we connect one system of "
                "record in your sandbox, run an end-to-end workflow and review logs and error "
                "handling with your integration team."),
    ])

piece(
    "datasheet-flow-mobile.pdf",
    title="Flow Mobile Datasheet",
    subtitle="Put workflows in the hands of field, store and plant-floor teams, online or offline.",
    description="Datasheet for the Flow Mobile apps for iOS and Android: offline forms, scanning, "
                "photo capture, push approvals and MDM support.",
    stages=["consideration"], gates=["fit-requirements"],
    persona=["Operations Manager", "End User", "IT Director"], product=["Mobile"],
    industry=["Retail", "Manufacturing"],
    ctype="Datasheet", owner=PRIYA, review_by="2026-09-30", kind="Datasheet",
    body=[
        KPIS(("4.7 / 5", "average app store rating"), ("72 hrs", "offline operation between syncs"),
             ("iOS + Android", "phones, tablets and rugged devices")),
        H1("Work does not happen at a desk"),
        P("Store associates, maintenance technicians, inspectors and care coordinators spend "
          "their day on their feet. For them, a workflow that only lives in a browser is a "
          "workflow that gets completed at the end of the shift from memory, if at all. "
          "<b>Flow Mobile</b> brings every Northwind Flow process to the device already in "
          "their pocket, designed for one-handed use, gloves and patchy connectivity."),
        H1("Capabilities"),
        UL("<b>Offline first.</b> Forms, checklists and reference documents are cached on the device; work completed offline syncs automatically and conflicts are resolved field by field.",
           "<b>Capture evidence.</b> Photos with annotation, video clips, signatures, GPS location and time stamps are attached to the task and to the audit trail.",
           "<b>Scan to start.</b> Barcodes, QR codes and NFC tags open the right asset, location or order instantly.",
           "<b>Approve in seconds.</b> Push notifications with approve, reject and comment actions, protected by Face ID or fingerprint.",
           "<b>Guided work.</b> Step-by-step instructions with images, mandatory checks and automatic escalation when a reading is out of tolerance."),
        H1("Built for IT"),
        TABLE(["Requirement", "Flow Mobile"], [
            ["Device management", "Microsoft Intune, Jamf, VMware Workspace ONE; app configuration via AppConfig"],
            ["Data protection", "Encrypted local store, remote wipe, copy-paste and screenshot restrictions"],
            ["Authentication", "SSO through the platform identity provider, biometric unlock, session timeouts"],
            ["Devices", "iOS 16+, iPadOS 16+, Android 11+, Zebra and Honeywell rugged devices"],
            ["Languages", "23 interface languages; right-to-left layouts supported"],
        ], widths=[1.2, 2.8]),
        H1("Where customers start"),
        P("Retailers begin with store opening and closing checklists and planogram audits. "
          "Manufacturers start with operator rounds, lock-out tag-out permits and quality "
          "holds. Healthcare networks start with environmental rounds and equipment checks. "
          "In each case, the first workflow usually goes live in under a month because the "
          "same process definition serves the web and the mobile app."),
        QUOTE("Our district managers used to spend Sunday nights typing up store visit notes. "
              "Now the visit report is finished before they leave the car park.",
              "Regional Operations Director, Fernway Grocers"),
    ])

# --------------------------------------------------------------------------------------
# Awareness: is the problem real and costly?
# --------------------------------------------------------------------------------------
piece(
    "why-now-the-hidden-cost-of-manual-operations.pdf",
    title="Why Now: The Hidden Cost of Manual Operations",
    subtitle="How spreadsheets, inboxes and hand-offs quietly tax margin, compliance and morale.",
    description="Problem-cost whitepaper that helps a buyer name the problem and put a rough cost "
                "on manual operational workflows, with a worked cost model and benchmarks.",
    stages=["awareness"], gates=["problem-real"],
    persona=["Economic Buyer", "Operations Manager", "CFO"], product=["Platform", "Analytics"],
    ctype="Whitepaper", owner=DANIEL, review_by="2027-04-30", kind="Whitepaper",
    body=[
        H1("Executive summary"),
        P("Operational work, the approvals, requests, inspections and exceptions that sit "
          "between systems of record, is where most companies still rely on email, shared "
          "spreadsheets and heroic individuals. It rarely appears as a line item in the budget, "
          "which is exactly why it persists. Our analysis of 212 mid-market and enterprise "
          "operations teams found that a typical knowledge worker in operations spends "
          "<b>9.5 hours a week</b> chasing status, re-keying data and reconstructing history for "
          "audits. At a fully loaded cost of $68 per hour, that is more than $33,000 per person "
          "per year spent on work that creates no value for customers."),
        P("This paper explains where the cost hides, offers a simple model to estimate it for "
          "your own organisation, and describes why the gap between companies that have "
          "automated their operational workflows and those that have not is widening."),
        KPIS(("9.5 hrs", "per person per week lost to coordination"), ("23%", "of requests need rework"),
             ("$1.4M", "median annual cost per 100 staff")),
        H1("Where the cost hides"),
        H2("1. Coordination overhead"),
        P("When a process lives in an inbox, every participant becomes a router. Requesters "
          "ask for updates, managers forward messages, specialists search for the latest "
          "attachment. None of this shows up in a time-tracking system, but it is visible in "
          "calendar fragmentation and overtime."),
        H2("2. Rework and errors"),
        P("Free-text emails and unstructured forms invite incomplete requests. Nearly a quarter "
          "of the requests we sampled were sent back at least once for missing information, "
          "and each round trip added a median of 1.8 business days to the cycle."),
        H2("3. Compliance exposure"),
        P("Regulators and auditors increasingly ask not only whether a control exists but "
          "whether it operated every time. Reconstructing that evidence from mailboxes costs "
          "weeks of effort each audit season and leaves gaps that become findings."),
        H2("4. Attrition and onboarding"),
        P("Tribal knowledge is fragile. When an experienced coordinator leaves, the process "
          "leaves with them. Teams with undocumented workflows reported onboarding times 2.3 "
          "times longer than teams whose processes were modelled in a workflow tool."),
        H1("Estimate your own cost"),
        P("Use the model below as a conversation starter. The inputs are deliberately simple; "
          "the point is to replace the assumption that manual work is free with a number that "
          "finance will recognise."),
        TABLE(["Driver", "Formula", "Example (250 staff)"], [
            ["Coordination time", "staff x hours lost per week x 46 weeks x loaded rate", "250 x 9.5 x 46 x $68 = $7.43M"],
            ["Rework", "requests per year x rework rate x hours per rework x rate", "60,000 x 23% x 1.5 x $68 = $1.41M"],
            ["Audit preparation", "audits per year x person-days x daily rate", "4 x 60 x $544 = $0.13M"],
            ["Delay cost", "revenue or penalties tied to late fulfilment", "Varies; often the largest item"],
        ], widths=[1.1, 2.0, 1.5]),
        P("Even if only a third of the coordination time is recoverable, the example "
          "organisation would free capacity worth roughly $2.5 million a year, before counting "
          "faster revenue recognition, fewer penalties or lower attrition."),
        H1("Why the cost of waiting is rising"),
        UL("<b>Customer expectations have reset.</b> Buyers compare every response time with the fastest consumer app they use.",
           "<b>Labour markets remain tight.</b> Automating coordination is cheaper than hiring coordinators, and more reliable.",
           "<b>Regulation keeps expanding.</b> Operational resilience, privacy and ESG reporting all demand evidence of controls.",
           "<b>Competitors are compounding.</b> Teams that automated two years ago now run continuous improvement on real data."),
        H1("What good looks like"),
        P("Leading operations teams share three habits. They model their processes explicitly, "
          "so that everyone sees the same definition of done. They measure cycle time and "
          "rework continuously rather than in annual projects. And they connect workflows to "
          "systems of record so that data is entered once. None of these habits requires a "
          "multi-year transformation programme; most teams start with one painful process "
          "and expand from there."),
        CALLOUT("About this research",
                "Figures are drawn from Northwind Flow's 2026 Operations Benchmark, a survey and "
                "time-study of 212 operations teams in North America and Europe conducted with "
                "an independent research partner. Individual results vary."),
    ])

piece(
    "executive-overview.pptx",
    title="Northwind Flow Executive Overview",
    subtitle="Operational workflows that run themselves, and prove it.",
    description="Ten-slide executive overview for a first meeting with an economic buyer: the "
                "problem, the approaches, the platform, customer proof and how to start.",
    stages=["awareness", "consideration"], gates=["problem-real", "approaches"],
    persona=["Economic Buyer", "CFO", "Operations Manager"], product=PRODUCTS_ALL,
    ctype="Deck", owner=PRIYA, review_by="2027-01-31", kind="Executive overview",
    slides=[
        SLIDE("Operations still run on inboxes and spreadsheets", [
            "9.5 hours per person per week lost to chasing status and re-keying data",
            "23% of requests are sent back at least once for missing information",
            "Audit evidence is rebuilt by hand from mailboxes every season",
            "Process knowledge leaves when experienced people leave"],
            notes="Open with the buyer's world, not ours. Ask which of these four symptoms they "
                  "recognise, and ask them to estimate the hours in their own team. The figures "
                  "come from our 2026 Operations Benchmark of 212 teams; the whitepaper 'Why Now' "
                  "has the method if they ask."),
        SLIDE("What this costs a 250-person operations organisation", [
            "Coordination time: about $7.4M a year at a $68 loaded rate",
            "Rework: about $1.4M a year",
            "Delay: late fulfilment, penalties and slower revenue recognition",
            "Even a one-third recovery frees roughly $2.5M of capacity"],
            chart=("Annual cost of manual work ($M)", ["Coordination", "Rework", "Audit prep"],
                   [("Cost", [7.4, 1.4, 0.13])], ""),
            notes="Keep the numbers rough and invite correction. The goal of this slide is for "
                  "the sponsor to put their own number on the problem. If they push back, move "
                  "to the cost model in the ROI business case guide."),
        SLIDE("Three ways to solve it", [
            "<b>Do nothing:</b> cost keeps growing with volume and regulation",
            "<b>Build:</b> custom apps on low-code tools; fast start, heavy upkeep",
            "<b>Buy a suite:</b> legacy BPM suites; powerful but 9 to 14 month projects",
            "<b>Buy a workflow platform:</b> business-owned design, IT-owned governance"],
            notes="Be fair to the alternatives; credibility matters more than winning this slide. "
                  "Ask which approach they have tried before and what happened."),
        SLIDE("Northwind Flow in one picture", [
            "<b>Platform:</b> design, run and govern workflows without code",
            "<b>Analytics:</b> cycle time, bottlenecks, forecasts",
            "<b>Integrations:</b> 240+ connectors to ERP, CRM, HR, ITSM, EHR",
            "<b>Mobile:</b> offline-first apps for field and front-line teams"],
            notes="One product family on one data model. Stress that analytics needs no extra "
                  "data project because it reads the same events the workflows create."),
        SLIDE("Results customers report in year one", [],
            kpis=[("41%", "faster claims intake at Harbor Mutual Insurance"),
                  ("27%", "less unplanned downtime at Calder Precision"),
                  ("96%", "store audit compliance at Fernway Grocers")],
            notes="Pick the story closest to the buyer's industry and offer the full case study. "
                  "All three customers take reference calls."),
        SLIDE("How we are different", [
            "Business teams change processes in days, not change-request cycles",
            "Governance built in: audit trail, segregation of duties, retention",
            "Analytics on the same data model, no data warehouse project",
            "Time to first live workflow: 6 weeks median"],
            notes="Don't name competitors on this slide. If they ask about Tessellate Ops, "
                  "Kitestring or Brightgrid, use the battlecards."),
        SLIDE("Security and trust", [
            "SOC 2 Type II and ISO/IEC 27001 certified",
            "Encryption in transit and at rest; customer-managed keys on Enterprise",
            "GDPR-ready with EU and UK data residency",
            "99.95% uptime SLA"],
            notes="Offer the security whitepaper and the questionnaire FAQ early. Security "
                  "review is the most common cause of slipped close dates."),
        SLIDE("How customers start", [
            "Pick one painful, measurable process",
            "Six-week implementation with a named success manager",
            "Agree the success metric before kick-off",
            "Expand team by team once value is proven"],
            notes="Land the idea that the first project is small and measurable. Offer the "
                  "implementation plan deck as a follow-up."),
        SLIDE("Proposed next steps", [
            "Requirements mapping workshop with operations and IT (60 minutes)",
            "Tailored demo on your highest-priority process",
            "Rough business case using your volumes",
            "Reference call with a peer in your industry"],
            notes="Close by agreeing a date for the workshop. Send the discovery follow-up "
                  "email template within 24 hours."),
    ])

piece(
    "discovery-call-follow-up-email-template.docx",
    title="Discovery Call Follow-up Email Templates",
    subtitle="Three proven follow-up emails for after a first discovery conversation.",
    description="Email templates reps send after a discovery call to confirm the problem, its "
                "cost and the next step, with guidance on personalisation.",
    stages=["awareness"], gates=["problem-real"],
    persona=["Operations Manager", "Economic Buyer"], product=["Platform"],
    ctype="Email Template", owner=DANIEL, review_by="2027-05-31", kind="Email template",
    body=[
        H1("How to use these templates"),
        P("A discovery call is only useful if the buyer leaves it with a clearer picture of "
          "their own problem. These templates help you play that picture back within 24 hours, "
          "in the buyer's words, with a rough cost attached. They are starting points: replace "
          "every bracketed field, cut anything that does not apply, and keep the email short "
          "enough to read on a phone."),
        UL("Send within one business day while the conversation is fresh.",
           "Quote the buyer's own phrases for the problem; avoid our product vocabulary.",
           "Attach at most one piece of collateral, chosen for the gate the buyer is at.",
           "Always end with one specific, dated next step."),
        H1("Template A: confirming the problem and its cost"),
        P("<b>Subject:</b> Recap: [process name] and what it is costing [company]"),
        P("Hi [first name], thank you for walking me through how [team] handles [process] "
          "today. To make sure I captured it correctly: requests arrive through [channel], "
          "roughly [volume] a month, and about [share] come back for missing information. You "
          "estimated that your coordinators spend [hours] a week chasing status, which at your "
          "loaded rate is close to [annual cost] a year."),
        P("You also mentioned that [audit / customer / regulatory pressure] makes this more "
          "urgent before [date]. I've attached a short paper on how other operations teams "
          "put a number on this kind of hidden cost; page three has a simple model you could "
          "adapt."),
        P("Would [day and time] work for a 30-minute session with [IT contact] to map your "
          "must-have requirements?"),
        H1("Template B: when the buyer is not yet convinced it matters"),
        P("<b>Subject:</b> A question from our call about [process]"),
        P("Hi [first name], one thing you said stuck with me: [quote]. Many teams we work "
          "with only discovered how much time this was taking when they measured a single "
          "week. If it would help, I can share a one-page time-tracking sheet your team could "
          "use for five days, and we can look at the results together. No commitment beyond "
          "that conversation."),
        H1("Template C: multi-threading to a second stakeholder"),
        P("<b>Subject:</b> [Sponsor name] suggested I reach out"),
        P("Hi [first name], [sponsor] and I spoke last week about [process], and they "
          "mentioned that you own [system / budget / compliance area]. Before we go further, "
          "I'd value fifteen minutes to hear what would have to be true for you to be "
          "comfortable with a change here."),
        H1("Choosing the right attachment"),
        TABLE(["Buyer signal", "Attach"], [
            ["Agrees there is a problem but has no number", "Why Now: The Hidden Cost of Manual Operations"],
            ["Asks how others solved it", "Executive overview deck or an industry case study"],
            ["Asks about security early", "Security whitepaper (PDF)"],
            ["Asks about price on the first call", "Do not attach pricing; offer a scoped conversation"],
        ], widths=[2, 2]),
        CALLOUT("Tip",
                "Log the email in the CRM and mark the piece you attached as 'sent to buyer' in "
                "Enablement, so marketing can see which pieces actually move deals."),
    ])

# --------------------------------------------------------------------------------------
# Case studies (Consideration: is this vendor credible for companies like ours?)
# --------------------------------------------------------------------------------------
piece(
    "case-study-harbor-mutual-insurance.pdf",
    title="Harbor Mutual Insurance Cuts Claims Intake Time by 41%",
    subtitle="Customer story: a regional insurer replaces email-driven first notice of loss with governed workflows.",
    description="Financial services case study: Harbor Mutual automated first notice of loss and "
                "claims triage, cutting intake time 41% and saving $3.2M a year.",
    stages=["consideration"], gates=["vendor-credible"],
    persona=["Economic Buyer", "Operations Manager"], industry=["Financial Services"],
    product=["Platform", "Integrations", "Analytics"],
    ctype="Case Study", owner=MARCUS, review_by="2027-06-30", kind="Case study",
    body=[
        KPIS(("41%", "faster claims intake"), ("$3.2M", "annual operating savings"),
             ("+18 pts", "claimant satisfaction (CSAT)"), ("11 wks", "to go live")),
        H1("The customer"),
        P("Harbor Mutual Insurance is a regional property and casualty insurer serving 640,000 "
          "policyholders across New England and the Mid-Atlantic. Its claims organisation of "
          "420 adjusters, coordinators and specialists handles roughly 95,000 claims a year, "
          "from minor auto damage to complex commercial property losses."),
        H1("The challenge"),
        P("First notice of loss arrived through six channels: a call centre, an agent portal, "
          "email, fax, a mobile web form and, after storms, paper forms collected by field "
          "staff. Coordinators re-keyed each notice into the core claims system, then used a "
          "shared mailbox and a tracking spreadsheet to assign adjusters. During catastrophe "
          "events the mailbox ballooned to more than 9,000 unread messages, and claimants "
          "waited up to four days for a first contact."),
        P("The compliance team had its own concern. State regulators require insurers to "
          "acknowledge claims within defined time limits, and proving that Harbor Mutual met "
          "them meant sampling emails by hand for every market conduct examination."),
        H1("The solution"),
        P("Harbor Mutual chose Northwind Flow after a competitive evaluation against a legacy "
          "BPM suite, citing time to value and the ability of the claims operations team to "
          "own process changes. The implementation team modelled a single intake workflow "
          "that every channel feeds, with automatic triage rules based on line of business, "
          "severity, geography and adjuster workload."),
        UL("Flow Integrations connects intake to the Guidewire-based core claims system and to the telephony platform, so notices are created once and never re-keyed.",
           "Statutory acknowledgement deadlines are SLA timers with escalation to team leads two hours before a breach.",
           "Catastrophe mode switches routing rules in one click, pulling in adjusters from unaffected regions.",
           "Flow Analytics gives claims leadership a live view of volumes, backlog and SLA attainment by state."),
        H1("The results"),
        P("Within six months of go-live, median time from first notice to adjuster assignment "
          "fell from 26 hours to 15 hours, and the share of claims acknowledged within the "
          "statutory window rose from 88% to 99.6%. Harbor Mutual redeployed eleven coordinator "
          "roles to customer-facing work and estimates annual savings of $3.2 million from "
          "reduced re-keying, fewer rework loops and lower overtime during storm seasons."),
        CHART("Median hours from first notice to adjuster assignment", ["Q1", "Q2", "Q3", "Q4"],
              [("Before (prior year)", [27, 25, 29, 24]), ("With Northwind Flow", [22, 17, 15, 14])]),
        QUOTE("The first storm season after go-live was the first one where I slept. We could see "
              "every claim, every deadline and every adjuster's workload on one screen.",
              "Dana Whitcombe, Vice President of Claims Operations, Harbor Mutual Insurance"),
        H1("What's next"),
        P("Harbor Mutual is extending the platform to subrogation and to its underwriting "
          "referral process, and is piloting Flow Mobile for field adjusters who inspect "
          "property damage on site."),
    ])

piece(
    "case-study-st-aldric-health-network.docx",
    title="St. Aldric Health Network Closes the Referral Loop",
    subtitle="Customer story: nine hospitals, one referral workflow, 23% less referral leakage.",
    description="Healthcare case study: St. Aldric Health Network unified referral management "
                "across nine hospitals, cutting referral leakage 23% and saving 18,000 staff hours.",
    stages=["consideration"], gates=["vendor-credible"],
    persona=["Economic Buyer", "Operations Manager", "IT Director"], industry=["Healthcare"],
    product=["Platform", "Integrations"],
    ctype="Case Study", owner=MARCUS, review_by="2027-06-30", kind="Case study",
    body=[
        KPIS(("23%", "less referral leakage"), ("18,000", "staff hours saved per year"),
             ("4.1 days", "faster time to appointment")),
        H1("About St. Aldric Health Network"),
        P("St. Aldric Health Network is a not-for-profit system of nine hospitals and 64 "
          "outpatient clinics in the Upper Midwest, with 21,000 employees and more than two "
          "million patient encounters a year. Like many integrated networks, it depends on "
          "referrals from primary care to specialists staying inside the network, both for "
          "continuity of care and for financial sustainability."),
        H1("The challenge"),
        P("Referrals were handled differently at every site. Some clinics faxed referral "
          "packets, others used an EHR work queue, and several relied on phone calls logged in "
          "spreadsheets. Nobody could answer a simple question: how many referrals were "
          "written last month, and how many resulted in a scheduled appointment? An internal "
          "audit estimated that 31% of specialist referrals leaked to out-of-network providers, "
          "often because patients never heard back."),
        H2("Requirements"),
        UL("Integrate with Epic without adding clicks for physicians.",
           "Support HIPAA requirements, including a business associate agreement and audit logging of every access to protected health information.",
           "Give schedulers a single prioritised work list across sites.",
           "Report leakage and time-to-appointment by specialty and site."),
        H1("The solution"),
        P("St. Aldric deployed Northwind Flow as the orchestration layer for referrals. When a "
          "physician signs a referral order in Epic, an HL7 message starts a workflow that "
          "checks insurance requirements, assembles clinical documents, and routes the "
          "referral to the right specialty scheduling team based on urgency and location. "
          "Patients receive text messages with self-scheduling links, and unanswered "
          "referrals are escalated to navigators after 72 hours."),
        H1("Results after twelve months"),
        TABLE(["Measure", "Before", "After"], [
            ["Referral leakage", "31%", "8% lower in absolute terms (23% relative reduction)"],
            ["Median days from referral to appointment", "12.6", "8.5"],
            ["Referrals without any patient contact after 7 days", "19%", "3%"],
            ["Staff hours spent on referral follow-up per year", "41,000", "23,000"],
        ]),
        QUOTE("For the first time we can see every referral as a patient journey rather than a "
              "piece of paper. Our navigators spend their time on the patients who need help, "
              "not on finding out where a fax went.",
              "Dr. Helena Marsh, Chief Medical Operations Officer, St. Aldric Health Network"),
        H1("Why St. Aldric chose Northwind Flow"),
        P("The evaluation team compared three options: extending the EHR's native work queues, "
          "building a custom application, and a workflow platform. Northwind Flow was selected "
          "because it could orchestrate across the EHR, the contact centre and the payer "
          "portals, because clinical operations could adjust routing rules without a release "
          "cycle, and because the security review found no open issues."),
    ])

piece(
    "case-study-calder-precision-components.pdf",
    title="Calder Precision Components Cuts Unplanned Downtime by 27%",
    subtitle="Customer story: maintenance and quality workflows across six plants on one platform.",
    description="Manufacturing case study: Calder Precision digitised maintenance work orders, "
                "operator rounds and quality deviations across six plants, cutting unplanned "
                "downtime 27%.",
    stages=["consideration"], gates=["vendor-credible"],
    persona=["Operations Manager", "Economic Buyer", "End User"], industry=["Manufacturing"],
    product=["Platform", "Mobile", "Integrations"],
    ctype="Case Study", owner=MARCUS, review_by="2027-05-31", kind="Case study",
    body=[
        KPIS(("27%", "less unplanned downtime"), ("62%", "faster quality deviation closure"),
             ("$4.6M", "annual value from higher OEE")),
        H1("The customer"),
        P("Calder Precision Components machines high-tolerance parts for aerospace, medical "
          "device and automotive customers from six plants in Ohio, Michigan and northern "
          "Mexico. With 2,300 employees and customers who audit suppliers frequently, "
          "consistency between plants is a competitive requirement, not a nice-to-have."),
        H1("The challenge"),
        P("Each plant had developed its own way of logging machine issues and quality "
          "deviations. Operators wrote problems on paper tags, maintenance supervisors "
          "transcribed them into the ERP at the end of the shift, and quality engineers "
          "tracked non-conformances in a separate database. Critical information, such as "
          "whether a spindle vibration had been reported before, was scattered across systems "
          "and notebooks. Unplanned downtime averaged 11.4% of scheduled hours."),
        H1("The solution"),
        P("Calder standardised three workflows on Northwind Flow: operator rounds, maintenance "
          "requests and quality deviations. Operators use Flow Mobile on rugged tablets to scan "
          "a machine's QR code, record readings and attach photos. Out-of-tolerance readings "
          "automatically open a maintenance request, which Flow Integrations turns into a work "
          "order in SAP S/4HANA with the full history attached. Quality deviations follow a "
          "governed containment, root-cause and corrective-action path with electronic "
          "signatures that satisfy customer audits."),
        UL("Operator rounds completed on time rose from 64% to 97%.",
           "Median time from issue report to technician on site fell from 3.2 hours to 48 minutes.",
           "Quality deviations closed in a median of 9 days instead of 24.",
           "Two customer audits in the first year closed with zero findings on traceability."),
        CHART("Unplanned downtime, % of scheduled hours", ["Plant 1", "Plant 2", "Plant 3", "Plant 4", "Plant 5", "Plant 6"],
              [("Before", [12.1, 10.8, 11.9, 9.7, 12.6, 11.3]), ("After 12 months", [8.6, 8.1, 8.4, 7.4, 9.2, 8.3])], "%"),
        QUOTE("The tablet on the machine became the single source of truth. Maintenance, quality "
              "and the plant manager all look at the same record, so the arguments about what "
              "happened are gone.",
              "Luis Ortega, Director of Manufacturing Excellence, Calder Precision Components"),
        H1("Rolling out across plants"),
        P("Calder piloted in its Dayton plant for eight weeks, then rolled out to the remaining "
          "five plants at a pace of one plant every three weeks. A shared process library meant "
          "each plant received the same workflows, with local variations limited to approval "
          "routing and shift calendars."),
    ])

piece(
    "case-study-fernway-grocers.pdf",
    title="Fernway Grocers Lifts Store Audit Compliance to 96%",
    subtitle="Customer story: 340 stores replace paper checklists with mobile store-operations workflows.",
    description="Retail case study: Fernway Grocers moved store operations checklists, audits and "
                "maintenance requests to Flow Mobile, raising compliance from 71% to 96%.",
    stages=["consideration"], gates=["vendor-credible"],
    persona=["Operations Manager", "End User"], industry=["Retail"],
    product=["Mobile", "Platform", "Analytics"],
    ctype="Case Study", owner=MARCUS, review_by="2027-04-30", kind="Case study",
    body=[
        KPIS(("96%", "store audit compliance, up from 71%"), ("340", "stores live in 5 months"),
             ("2.5 hrs", "saved per store manager per week")),
        H1("The customer"),
        P("Fernway Grocers operates 340 neighbourhood grocery stores in the Pacific Northwest "
          "and the Mountain West, employing 19,000 people. Its brand promise is fresh food and "
          "friendly, reliable stores, which depends on thousands of small tasks being done "
          "correctly every day: temperature checks, date rotation, planogram resets, safety "
          "walks and equipment maintenance."),
        H1("The challenge"),
        P("Store tasks lived on clipboards, in binders and in emails from head office. District "
          "managers visited stores with paper audit forms and typed up findings at home. Food "
          "safety temperature logs were frequently incomplete, and when a refrigeration unit "
          "failed there was often no record of earlier warning signs. Corporate had no reliable "
          "way to see which stores had completed a promotional reset before an advertised "
          "weekend."),
        H1("The solution"),
        P("Fernway rolled out Flow Mobile to store managers, department leads and district "
          "managers. Daily opening and closing checklists, food safety logs and promotional "
          "resets are scheduled automatically for each store, with photo evidence where it "
          "matters. Temperature readings outside safe ranges immediately create a maintenance "
          "request for the facilities team and notify the store manager."),
        TABLE(["Workflow", "Volume per month", "Key outcome"], [
            ["Opening and closing checklists", "20,400", "Completion on time rose from 78% to 98%"],
            ["Food safety temperature logs", "61,200", "Missing entries fell by 91%"],
            ["Promotional resets", "1,700", "Verified with photos before every ad weekend"],
            ["District manager store visits", "1,360", "Reports completed on site, not at home"],
            ["Facilities requests", "4,900", "Median response time down from 3 days to 19 hours"],
        ], widths=[1.6, 1, 2]),
        H1("The results"),
        P("Audit compliance across the estate rose from 71% to 96% within two quarters. "
          "Refrigeration-related product losses fell by $1.1 million in the first year, "
          "largely because rising temperatures were caught hours earlier. Store managers "
          "report saving two and a half hours a week on paperwork, time they now spend on "
          "the sales floor and with their teams."),
        QUOTE("We didn't add work for our store teams; we took paperwork away from them. That's "
              "why adoption was above 90% in the first month.",
              "Rachel Nguyen, Senior Vice President of Store Operations, Fernway Grocers"),
        H1("Lessons learned"),
        UL("Start with the checklist every store already does, so the app feels familiar.",
           "Involve store managers in designing forms; fewer fields meant higher completion.",
           "Use Flow Analytics league tables carefully: celebrate improvement, not only rank."),
    ])

piece(
    "case-study-marrow-county-permits.docx",
    title="Marrow County Cuts Permit Turnaround from 38 to 11 Days",
    subtitle="Customer story: a county government modernises permits and licensing without replacing its core systems.",
    description="Public sector case study: Marrow County orchestrated building permits and "
                "business licensing on Northwind Flow, cutting turnaround from 38 to 11 days.",
    stages=["consideration"], gates=["vendor-credible"],
    persona=["Economic Buyer", "IT Director", "Operations Manager"], industry=["Public Sector"],
    product=["Platform", "Integrations"],
    ctype="Case Study", owner=MARCUS, review_by="2026-03-15", kind="Case study",
    body=[
        KPIS(("11 days", "median permit turnaround, down from 38"), ("64%", "of applications now submitted online"),
             ("0", "core systems replaced")),
        H1("About Marrow County"),
        P("Marrow County is a fast-growing county of 410,000 residents. Its Department of "
          "Planning and Development issues around 14,000 building permits and 6,000 business "
          "licences a year, working with fire, health, environmental and zoning departments "
          "that each hold part of the approval."),
        H1("The challenge"),
        P("Applicants submitted paper forms or PDFs by email. Staff routed packets between "
          "departments by inter-office mail and email, and applicants phoned the front desk "
          "for updates. The county's permitting system of record, a twenty-year-old "
          "application, could not be replaced without a multi-year procurement, and "
          "commissioners were hearing complaints from builders and small-business owners "
          "every week."),
        H1("The approach"),
        P("Rather than replace the system of record, the county used Northwind Flow to "
          "orchestrate the review process around it. An online intake portal collects complete "
          "applications with required documents. Each application starts a workflow that runs "
          "departmental reviews in parallel rather than in sequence, tracks statutory review "
          "deadlines, and writes decisions back to the permitting system through Flow "
          "Integrations."),
        UL("Parallel reviews replaced a sequential chain of five departments.",
           "Applicants see status online and receive notifications at each milestone.",
           "Inspectors receive their daily route with the full application history.",
           "Commissioners receive a monthly public dashboard of turnaround times."),
        H1("Results"),
        TABLE(["Measure", "Before", "After 9 months"], [
            ["Median permit turnaround", "38 days", "11 days"],
            ["Applications returned as incomplete", "34%", "9%"],
            ["Status calls to the front desk per week", "~1,100", "~240"],
            ["Share of applications submitted online", "12%", "64%"],
        ]),
        QUOTE("We didn't have the budget or the years to replace our permitting system. "
              "Orchestrating around it gave residents a modern experience in months.",
              "Thomas Reyes, Director of Planning and Development, Marrow County"),
        H1("Procurement note"),
        P("Marrow County purchased through a cooperative purchasing contract, which shortened "
          "procurement to seven weeks. Northwind Flow's public sector team can share the "
          "contract vehicle details and the county's accessibility conformance report."),
    ])

piece(
    link="https://media.example.com/northwind-flow/webinar-operations-leaders-panel-2026",
    title="Customer Webinar Recording: Operations Leaders Panel 2026",
    description="Recording of a 45-minute panel where customers from Harbor Mutual, Calder "
                "Precision and Fernway Grocers discuss results and lessons learned.",
    stages=["consideration"], gates=["vendor-credible"],
    persona=["Economic Buyer", "Operations Manager"],
    industry=["Financial Services", "Manufacturing", "Retail"], product=["Platform", "Mobile"],
    ctype="Video Link", owner=MARCUS, review_by="2027-03-31")

piece(
    link="https://www.example.com/northwind-flow/product-tour",
    title="Northwind Flow Product Tour (Video, 8 minutes)",
    description="Guided video tour of the workflow designer, a live process, the mobile app and "
                "the analytics dashboards, for buyers mapping requirements.",
    stages=["consideration"], gates=["fit-requirements", "approaches"],
    persona=["Operations Manager", "IT Director", "End User"], product=PRODUCTS_ALL,
    ctype="Video Link", owner=PRIYA, review_by="2027-02-28")

# --------------------------------------------------------------------------------------
# Evaluation: why us, will it work here, is it secure?
# --------------------------------------------------------------------------------------
piece(
    "battlecard-vs-tessellate-ops.pdf",
    title="Battlecard: Northwind Flow vs. Tessellate Ops",
    subtitle="Winning against the legacy BPM suite. Internal use only, do not send to prospects.",
    description="Competitive battlecard against Tessellate Ops, the legacy enterprise BPM suite: "
                "positioning, landmines, objection handling and proof points.",
    stages=["evaluation"], gates=["better-than-alternatives"],
    persona=["Economic Buyer", "IT Director", "Operations Manager"],
    industry=["Financial Services", "Public Sector"], product=["Platform", "Analytics"],
    ctype="Battlecard", owner=SOFIA, review_by="2027-01-31", kind="Battlecard",
    body=[
        H1("Snapshot"),
        P("<b>Tessellate Ops</b> is a mature business process management suite with deep roots "
          "in banking and government. It wins when the buyer equates complexity with "
          "capability, when a systems integrator is already embedded, or when the evaluation "
          "is run as a feature checklist. We win when the buyer cares about time to value, "
          "business ownership of processes and total cost of ownership."),
        TABLE(["", "Northwind Flow", "Tessellate Ops"], [
            ["Typical time to first live process", "6 weeks", "9 to 14 months"],
            ["Who changes a process", "Trained process owners in operations", "Certified developers or the integrator"],
            ["Analytics", "Built in, same data model", "Separate module and data warehouse"],
            ["Mobile", "Native offline-first apps", "Responsive web; offline via partner"],
            ["Deployment", "Cloud-native SaaS, single-tenant option", "On-premises or hosted; cloud edition is newer"],
            ["Pricing model", "Builder and participant seats", "Core licences plus processor cores plus services"],
        ], widths=[1.4, 1.5, 1.5]),
        H1("Where Tessellate is strong (be honest)"),
        UL("Very complex, long-running case management with heavy document handling.",
           "Large installed base in tier-one banks; reference customers with enormous scale.",
           "Extensive partner ecosystem of systems integrators."),
        H1("Landmines to lay early"),
        UL("Ask: 'Who on your team will change the process next year, and how long will each change take?'",
           "Ask: 'How many of the reference customers went live in under six months?'",
           "Ask: 'What does the services estimate look like over three years, not just year one?'",
           "Ask: 'Do you need a separate analytics project to measure cycle time?'"),
        H1("Objection handling"),
        H2("\"Tessellate is the safe choice; nobody gets fired for buying it.\""),
        P("Acknowledge the brand. Then reframe safety as delivery risk: the most common "
          "failure in workflow programmes is not the software but a project that takes so "
          "long that the business loses patience. Offer the Harbor Mutual reference, who "
          "evaluated Tessellate and went live with us in eleven weeks."),
        H2("\"Tessellate has more features.\""),
        P("Agree that it has a longer feature list and ask which of those features map to the "
          "buyer's must-have requirements. Walk through the requirements map together. In our "
          "win reviews, fewer than 10% of Tessellate's differentiating features appeared on "
          "buyers' must-have lists."),
        H2("\"Our integrator recommends Tessellate.\""),
        P("Integrators are valuable partners, and several also implement Northwind Flow. Offer "
          "a joint session with the integrator and propose a fixed-scope pilot to compare "
          "effort on the same process."),
        H1("Proof points"),
        UL("Harbor Mutual Insurance: chose us over Tessellate; 41% faster claims intake, live in 11 weeks.",
           "Marrow County: avoided a multi-year replacement; permit turnaround from 38 to 11 days.",
           "Win rate against Tessellate in the last four quarters: 58% when we run a pilot, 34% without."),
        CALLOUT("Pricing guidance",
                "Never lead with price against Tessellate. Lead with a three-year TCO view that "
                "includes services and internal staff; the TCO comparison sheet has the model."),
    ])

piece(
    "battlecard-vs-kitestring.docx",
    title="Battlecard: Northwind Flow vs. Kitestring",
    subtitle="Winning against the lightweight no-code task tool. Internal use only.",
    description="Competitive battlecard against Kitestring, the low-cost no-code forms and tasks "
                "tool: where it breaks at scale, discovery questions and objection handling.",
    stages=["evaluation"], gates=["better-than-alternatives"],
    persona=["Operations Manager", "IT Director"], industry=["Technology", "Retail"],
    product=["Platform", "Mobile"],
    ctype="Battlecard", owner=SOFIA, review_by="2026-05-31", kind="Battlecard",
    body=[
        H1("Snapshot"),
        P("<b>Kitestring</b> is a popular no-code tool for forms, checklists and simple task "
          "routing. It is inexpensive, quick to try with a credit card and loved by individual "
          "teams. It often arrives bottom-up: a department is already using it when we are "
          "invited in. Kitestring wins small, single-team deals on price and speed. We win "
          "when the buyer needs governance, integrations, auditability or scale across teams."),
        H1("Comparison"),
        TABLE(["Capability", "Northwind Flow", "Kitestring"], [
            ["Audit trail", "Immutable, field-level, exportable", "Activity feed; edits not fully versioned"],
            ["Approvals and segregation of duties", "Built in with policy checks", "Basic approvals, no SoD checks"],
            ["SLA timers and escalation", "Business calendars, multi-level escalation", "Due dates and reminders"],
            ["Integrations", "240+ connectors, on-prem agent, event streaming", "Zapier-style triggers, ~40 native apps"],
            ["Offline mobile", "Full offline with conflict resolution", "Online only"],
            ["Enterprise identity", "SAML, OIDC, SCIM, field-level RBAC", "SAML on top tier only"],
            ["Certifications", "SOC 2 Type II, ISO 27001, HIPAA-ready", "SOC 2 Type I"],
        ]),
        H1("Discovery questions"),
        UL("How many Kitestring workspaces exist today, and who administers them?",
           "When an auditor asks who approved a request and what changed, how do you answer?",
           "Which systems of record need to be updated when a workflow completes?",
           "What happens to your processes when the person who built them leaves?"),
        H1("Objection handling"),
        H2("\"Kitestring is a fraction of the price.\""),
        P("It is, for the licences. Ask what the team spends on manual re-keying between "
          "Kitestring and the ERP or CRM, and on assembling audit evidence. Show the TCO "
          "comparison and position participant seats, which are priced for broad adoption."),
        H2("\"Our team already knows Kitestring.\""),
        P("Respect that. Propose coexistence: Kitestring for simple team checklists, Northwind "
          "Flow for cross-team processes that carry risk or touch systems of record. Many "
          "customers later consolidate, but we do not need to win that argument on day one."),
        H1("Proof point"),
        P("Fernway Grocers piloted Kitestring for store checklists and moved to Flow Mobile "
          "because stores with poor connectivity could not complete checklists offline, and "
          "because food safety logs needed a tamper-evident audit trail."),
        CALLOUT("Review note",
                "Kitestring announced an enterprise tier in spring 2026. This card has not yet "
                "been updated for it; check with competitive intelligence before quoting "
                "feature gaps."),
    ])

piece(
    "battlecard-vs-brightgrid-workflow.docx",
    title="Battlecard: Northwind Flow vs. Brightgrid Workflow (Field Notes)",
    subtitle="Rep-authored notes from three manufacturing deals against the ERP vendor's workflow add-on.",
    description="Rep-made battlecard notes on Brightgrid Workflow, the ERP vendor's bundled "
                "workflow module, from recent manufacturing deals. Draft pending review by "
                "competitive intelligence.",
    stages=["evaluation"], gates=["better-than-alternatives"],
    persona=["IT Director", "Economic Buyer"], industry=["Manufacturing"],
    product=["Platform", "Integrations"],
    ctype="Battlecard", owner=SOFIA, review_by="2027-01-15", status="draft", source="rep",
    kind="Battlecard (field notes)",
    body=[
        H1("Context"),
        P("These notes come from three deals in the last two quarters where the customer ran "
          "Brightgrid ERP and the ERP account team offered <b>Brightgrid Workflow</b> at a deep "
          "discount, sometimes free for the first year. We won two of the three. Written by "
          "Jordan Pike (Enterprise AE, Central) for the team; competitive intelligence has not "
          "yet reviewed it."),
        H1("What the buyer hears from Brightgrid"),
        UL("\"It's already in your ERP contract, so it is basically free.\"",
           "\"One vendor, one support number, one roadmap.\"",
           "\"No integration needed because it lives inside the ERP.\""),
        H1("What we found in practice"),
        UL("Brightgrid Workflow is strong for approvals of ERP documents (purchase orders, invoices) and weak everywhere else.",
           "Anything that touches quality systems, maintenance, HR or the shop floor needed custom integration work from Brightgrid's services team.",
           "Process changes required an ERP transport and a change window, typically every four to six weeks.",
           "No offline mobile; plant-floor users had to go to a shared terminal.",
           "The 'free' first year converted to a per-user price that was higher than ours for participant users."),
        H1("Questions that worked"),
        OL("Which of your top five workflows live entirely inside the ERP?",
           "How long does a process change take today, from request to production?",
           "Who on the plant floor will use it, and on which device?",
           "What is the list price in year two, for every user who touches a workflow?"),
        H1("How we won"),
        P("In both wins we ran a two-week technical validation on a cross-system process "
          "(maintenance request from a tablet to an SAP or Brightgrid work order with a quality "
          "hold). The buyer's IT team saw that our connector handled the ERP side in a day "
          "while the Brightgrid approach needed a services estimate. Bring the Calder "
          "Precision story; plant managers relate to it immediately."),
        H1("How we lost"),
        P("The loss was a customer whose only requirement was invoice approval inside the ERP. "
          "That is Brightgrid's home turf; qualify those deals out early or position "
          "Northwind Flow for the broader operations roadmap instead."),
    ])

piece(
    "tco-comparison-three-year.pdf",
    title="Three-Year Total Cost of Ownership Comparison",
    subtitle="Northwind Flow vs. a legacy BPM suite vs. building on a low-code toolkit.",
    description="TCO comparison over three years for a 400-user deployment: licences, services, "
                "infrastructure and internal staff for three approaches, with assumptions.",
    stages=["evaluation", "decision"], gates=["better-than-alternatives", "worth-investment"],
    persona=["CFO", "Economic Buyer", "Procurement"], product=["Platform", "Analytics", "Integrations"],
    ctype="Whitepaper", owner=SOFIA, review_by="2027-02-15", status="draft", kind="TCO comparison",
    body=[
        H1("Purpose"),
        P("Licence price is the most visible and least important part of what a workflow "
          "platform costs. This comparison models the full three-year total cost of ownership "
          "for a representative deployment: 400 users across three departments, 25 workflows "
          "live by the end of year one and 60 by the end of year three, integrated with an ERP, "
          "a CRM and an HR system. Figures are list prices and published services rates, "
          "rounded to the nearest thousand dollars."),
        H1("Three approaches"),
        UL("<b>Northwind Flow</b>: SaaS subscription (Business edition), Flow Analytics, Connect Standard, partner-led six-week implementation.",
           "<b>Legacy BPM suite</b>: hosted licence with processor-core pricing, integrator-led implementation, separate analytics module.",
           "<b>Build on low-code toolkit</b>: platform licences plus a dedicated internal team of three developers and a part-time architect."),
        H1("Three-year cost summary"),
        TABLE(["Cost element (3 years)", "Northwind Flow", "Legacy BPM suite", "Build on low-code"], [
            ["Software subscription or licence", "$612,000", "$780,000", "$396,000"],
            ["Implementation services", "$95,000", "$640,000", "$0"],
            ["Internal build and change staff", "$180,000", "$360,000", "$1,170,000"],
            ["Infrastructure and hosting", "Included", "$150,000", "$90,000"],
            ["Analytics and reporting", "Included in subscription", "$210,000", "$120,000"],
            ["Upgrades and regression testing", "Included", "$165,000", "$140,000"],
            ["<b>Total</b>", "<b>$887,000</b>", "<b>$2,305,000</b>", "<b>$1,916,000</b>"],
        ], widths=[1.6, 1, 1, 1]),
        CHART("Cumulative cost by year ($ thousands)", ["Year 1", "Year 2", "Year 3"],
              [("Northwind Flow", [361, 624, 887]), ("Legacy BPM suite", [1130, 1718, 2305]),
               ("Build on low-code", [668, 1292, 1916])]),
        H1("Key assumptions"),
        UL("Loaded internal staff cost of $130,000 per year for developers and administrators.",
           "Northwind Flow change effort of 0.5 FTE process administrator after year one.",
           "Legacy suite implementation based on a published integrator rate card and a nine-month programme.",
           "Low-code build assumes three developers for the full period to build and maintain 60 workflows.",
           "No value from faster time to benefit is included; see the ROI business case guide for benefits."),
        H1("Reading the comparison"),
        P("The build option looks cheapest on licences and most expensive in people, and it "
          "concentrates risk in a small team. The legacy suite front-loads cost into services "
          "and delays benefits by most of a year. Northwind Flow's cost is dominated by the "
          "subscription, which includes hosting, upgrades, analytics and support, and it "
          "reaches first value within the first quarter."),
        CALLOUT("Draft status",
                "Figures for the legacy suite are being re-validated against a 2026 rate card. "
                "Use for internal preparation; share externally only after review."),
    ])

piece(
    "security-whitepaper.pdf",
    title="Security, Privacy and Compliance at Northwind Flow",
    subtitle="A whitepaper for security officers and IT leaders preparing a security review.",
    description="Multi-page security whitepaper covering governance, SOC 2 Type II and ISO 27001, "
                "encryption, identity, infrastructure, GDPR and data residency, incident response "
                "and what to expect in a security review.",
    stages=["evaluation"], gates=["security-ok"],
    persona=["Security Officer", "IT Director"], product=PRODUCTS_ALL,
    ctype="Whitepaper", owner=DANIEL, review_by="2027-03-31", kind="Security whitepaper",
    body=[
        H1("Introduction"),
        P("Northwind Flow runs the operational workflows that carry our customers' most "
          "sensitive business processes: claims, patient referrals, financial approvals, "
          "employee records and plant safety permits. Security is therefore not a feature we "
          "add at the end of a sales cycle; it is a design constraint of every part of the "
          "service. This whitepaper describes how we protect customer data, how we are "
          "independently assessed, and how to make your <b>security review</b> of Northwind "
          "Flow fast and complete."),
        P("The paper is organised around the questions security teams ask most often. Each "
          "section ends with the evidence we can share under a non-disclosure agreement. "
          "Customers and prospects can request the full evidence pack, including our latest "
          "SOC 2 Type II report, through their account team or the Northwind Flow Trust Center."),
        KPIS(("SOC 2", "Type II report, annual, no exceptions in 2025"), ("ISO 27001", "ISO/IEC 27001 certified since 2021"),
             ("AES-256", "encryption at rest"), ("TLS 1.2+", "encryption in transit")),
        H1("1. Security governance"),
        P("Our information security programme is led by the Chief Information Security "
          "Officer, who reports to the Chief Executive Officer and presents to the board's "
          "audit committee every quarter. A cross-functional security council sets policy, "
          "reviews risk and approves exceptions. Policies follow ISO/IEC 27001 and are "
          "reviewed at least annually."),
        UL("Every employee completes security and privacy training at hire and annually, with phishing simulations every month.",
           "Background checks are performed for all employees and contractors with access to production systems, where local law permits.",
           "Access to production is role-based, time-limited, approved per request and logged.",
           "A formal risk register is reviewed by the security council each quarter."),
        H1("2. Independent assurance"),
        P("We believe customers should not have to take our word for it. Northwind Flow "
          "undergoes an annual <b>SOC 2</b> Type II examination covering the Security, "
          "Availability and Confidentiality trust services criteria, performed by an "
          "independent CPA firm. Our 2025 report covered a twelve-month observation period "
          "and was issued with no exceptions. We also maintain ISO/IEC 27001 certification, "
          "with ISO/IEC 27017 and 27018 extensions for cloud security and the protection of "
          "personal data in public clouds."),
        TABLE(["Framework", "Status", "Evidence available"], [
            ["SOC 2 Type II", "Annual; latest report covers Jan to Dec 2025", "Full report under NDA; bridge letter"],
            ["ISO/IEC 27001, 27017, 27018", "Certified; surveillance audit 2026 passed", "Certificate and statement of applicability"],
            ["HIPAA", "Business associate agreement available", "HIPAA mapping, BAA template"],
            ["GDPR and UK GDPR", "Compliant as processor", "DPA, sub-processor list, transfer impact assessment"],
            ["CSA STAR Level 1", "Self-assessment published", "CAIQ v4 questionnaire"],
            ["Penetration testing", "Annual third-party test plus continuous bug bounty", "Executive summary and remediation letter"],
        ], widths=[1.3, 1.6, 1.6]),
        H1("3. Data protection and encryption"),
        H2("Encryption in transit"),
        P("All connections to the service use TLS 1.2 or higher with modern cipher suites and "
          "HTTP Strict Transport Security. Internal service-to-service traffic is encrypted "
          "with mutual TLS. Mobile apps pin certificates to prevent interception on untrusted "
          "networks."),
        H2("Encryption at rest"),
        P("Customer data, including workflow records, attachments, backups and search "
          "indexes, is encrypted at rest with AES-256. Keys are managed in a hardware-backed "
          "key management service with automatic rotation. Enterprise customers can choose "
          "customer-managed keys: revoking the key renders the tenant's data unreadable within "
          "minutes, which many customers treat as a cryptographic kill switch."),
        H2("Data segregation"),
        P("Each tenant's data is logically separated by tenant identifiers enforced at the "
          "database layer through row-level security, not only in application code. Single-"
          "tenant deployments run in a dedicated cloud account with their own network and "
          "keys."),
        H2("Data lifecycle"),
        UL("Retention policies are configurable per process, including legal hold.",
           "On termination, customer data is exported on request and deleted within 30 days; backups age out within a further 35 days.",
           "Deletion is confirmed in writing on request."),
        H1("4. Identity and access"),
        P("Customers control who can sign in and what they can see. The service supports "
          "SAML 2.0 and OpenID Connect single sign-on with any standards-based identity "
          "provider, SCIM 2.0 user provisioning, enforced multi-factor authentication and IP "
          "allow-lists. Roles are defined per workspace and can restrict access down to "
          "individual fields, so that, for example, a reviewer can approve a claim without "
          "seeing the claimant's bank details."),
        P("Every sign-in, permission change, export and administrative action is written to an "
          "immutable audit log that customers can stream to their own SIEM in near real time."),
        H1("5. Infrastructure and application security"),
        P("The service runs on Amazon Web Services across multiple availability zones in each "
          "region. Infrastructure is defined as code, reviewed and deployed through an automated "
          "pipeline; no engineer changes production by hand. Hosts are hardened, patched "
          "automatically and replaced rather than repaired."),
        UL("Secure development lifecycle with threat modelling for new features and mandatory peer review.",
           "Static and dynamic application security testing and software composition analysis on every build.",
           "Web application firewall and DDoS protection at the edge.",
           "Vulnerabilities are remediated within 7 days for critical, 30 days for high and 90 days for medium severity.",
           "A public bug bounty programme rewards responsible disclosure."),
        H1("6. Privacy and GDPR"),
        P("Northwind Flow acts as a processor for the personal data customers place in their "
          "workflows, and our data processing addendum reflects the requirements of Article 28 "
          "of the <b>GDPR</b> and the UK GDPR. We support customers' obligations as controllers: "
          "records can be exported, corrected and erased to answer data subject requests, and "
          "the platform's retention policies enforce storage limitation."),
        UL("<b>Data residency:</b> EU (Frankfurt and Dublin), UK (London), US, Canada and Australia regions; data at rest stays in the chosen region.",
           "<b>International transfers:</b> EU Standard Contractual Clauses and the UK addendum, with a published transfer impact assessment.",
           "<b>Sub-processors:</b> a public list with 30 days' notice of changes and a right to object.",
           "<b>Privacy by design:</b> data protection impact assessments for new features that process personal data."),
        H1("7. Availability and resilience"),
        P("We commit to 99.95% monthly availability for the platform, backed by service "
          "credits. Data is replicated synchronously across availability zones and backed up "
          "continuously, with point-in-time recovery. Our recovery point objective is 15 "
          "minutes and our recovery time objective is four hours; disaster recovery is "
          "exercised twice a year, and results are summarised in the evidence pack."),
        H1("8. Incident response"),
        P("A 24x7 security operations function monitors alerts from infrastructure, "
          "application and identity telemetry. Our incident response plan defines severity "
          "levels, roles and communication paths and is tested through tabletop exercises each "
          "quarter. Customers are notified of a personal data breach affecting their data "
          "without undue delay and in any case within 48 hours of confirmation, which supports "
          "their own 72-hour regulatory notifications."),
        H1("9. Making your security review fast"),
        P("Most security reviews of Northwind Flow complete in two to three weeks when the "
          "right material is shared early. We recommend the following sequence."),
        OL("Request the evidence pack under NDA at the start of the evaluation, not at the end.",
           "Send us your questionnaire; we have pre-answered SIG Lite, CAIQ and most bank and healthcare templates (see the security questionnaire FAQ).",
           "Schedule a 60-minute architecture session with our security engineering team for open questions.",
           "Agree any contractual security terms in parallel with the commercial negotiation."),
        CALLOUT("Contact",
                "Security questions: security@northwindflow.example.com. Trust Center and "
                "evidence requests: through your account executive. Responsible disclosure: "
                "see the bug bounty policy on our website."),
    ])

piece(
    "security-questionnaire-faq.docx",
    title="Security Questionnaire FAQ",
    subtitle="Pre-approved answers to the questions that appear in most vendor security questionnaires.",
    description="FAQ with pre-approved answers to common security questionnaire items: "
                "certifications, encryption, access control, pen testing, sub-processors, "
                "breach notification and business continuity.",
    stages=["evaluation"], gates=["security-ok"],
    persona=["Security Officer", "IT Director", "Procurement"], product=["Platform", "Mobile", "Integrations"],
    ctype="FAQ", owner=DANIEL, review_by="2027-03-31", kind="FAQ",
    body=[
        H1("How to use this FAQ"),
        P("Security questionnaires vary in wording but ask the same fifty or so questions. The "
          "answers below are approved by the security and legal teams and can be pasted into "
          "a customer's questionnaire. If a question is not covered, or the customer asks for "
          "a commitment beyond these answers, open a security review request and do not "
          "improvise. Answers reflect the current SOC 2 Type II period and ISO/IEC 27001 "
          "certificate."),
        H1("Certifications and audits"),
        H2("Do you have a SOC 2 report?"),
        P("Yes. Northwind Flow completes an annual SOC 2 Type II examination covering "
          "Security, Availability and Confidentiality. The latest report covers January to "
          "December 2025 and contains no exceptions. It is shared under NDA, with a bridge "
          "letter for the period since the report date."),
        H2("Are you ISO 27001 certified?"),
        P("Yes, since 2021, with ISO/IEC 27017 and 27018 extensions. The certificate and the "
          "statement of applicability are available on request."),
        H2("Do you perform penetration testing?"),
        P("An independent firm tests the application and infrastructure every year, and a "
          "public bug bounty programme runs continuously. We share the executive summary and "
          "a remediation letter. Customers may run their own tests with 10 business days' "
          "notice under our testing policy."),
        H1("Data protection"),
        H2("How is data encrypted?"),
        P("In transit with TLS 1.2 or higher; at rest with AES-256, including backups and "
          "search indexes. Enterprise customers can use customer-managed keys held in their "
          "own AWS KMS account."),
        H2("Where is data stored?"),
        P("In the region the customer selects at provisioning: US, EU (Frankfurt and Dublin), "
          "UK, Canada or Australia. Data at rest does not leave the selected region. Support "
          "access from outside the region is logged and limited to named personnel."),
        H2("Who are your sub-processors?"),
        P("Our sub-processor list is published with the purpose and location of each. The "
          "core infrastructure sub-processor is Amazon Web Services; others provide email "
          "delivery, support ticketing and error monitoring. We give 30 days' notice of "
          "changes."),
        H1("Access control"),
        TABLE(["Question", "Answer"], [
            ["Do you support SSO?", "Yes: SAML 2.0 and OpenID Connect with any standards-based IdP."],
            ["Can we enforce MFA?", "Yes, through your IdP or natively with TOTP or WebAuthn."],
            ["Do you support SCIM?", "Yes, SCIM 2.0 provisioning and de-provisioning."],
            ["Can employees of Northwind Flow see our data?", "Only with a time-limited, approved and logged access grant, typically at your request for support."],
            ["Are audit logs available to us?", "Yes, in the admin console, by API and as a stream to your SIEM."],
        ], ),
        H1("Incidents and continuity"),
        H2("How quickly will you notify us of a breach?"),
        P("Without undue delay and in any case within 48 hours of confirming a personal data "
          "breach that affects your data, with updates as the investigation progresses."),
        H2("What are your RPO and RTO?"),
        P("Recovery point objective of 15 minutes and recovery time objective of four hours. "
          "Disaster recovery is tested twice a year."),
        H2("Do you have cyber insurance?"),
        P("Yes. Certificates of insurance are provided by procurement on request; limits are "
          "stated in the vendor forms FAQ."),
        CALLOUT("Escalation",
                "For questions not covered here, or for requests to change contractual security "
                "terms, open a security review request in the CRM. The security team's target "
                "turnaround is three business days."),
    ])

piece(
    "technical-validation-plan.docx",
    title="Technical Validation Plan Template",
    subtitle="A two-week, fixed-scope pilot to prove Northwind Flow works in your environment.",
    description="Template plan for a two-week technical validation: scope, success criteria, "
                "environment, integration tests, roles and a day-by-day schedule.",
    stages=["evaluation"], gates=["works-for-us"],
    persona=["IT Director", "Operations Manager"], product=["Platform", "Integrations"],
    ctype="Guide", owner=PRIYA, review_by="2027-04-30", kind="Validation plan",
    body=[
        H1("Purpose"),
        P("A technical validation answers one question for the buyer: will Northwind Flow "
          "work in our environment, with our identity provider, our systems of record and our "
          "people? It is not a free implementation. It is a short, fixed-scope test with "
          "success criteria agreed in advance, so both sides know what a good result looks "
          "like and can make a decision at the end of two weeks."),
        H1("Scope"),
        UL("One representative workflow, chosen by the customer, with no more than eight steps.",
           "Single sign-on with the customer's identity provider in a sandbox tenant.",
           "One integration with a system of record (read and write) in a non-production environment.",
           "Mobile access for up to ten pilot users if field work is in scope.",
           "A cycle-time dashboard built on pilot data."),
        H2("Out of scope"),
        P("Data migration, production cut-over, custom connector development and performance "
          "testing at production volume are out of scope. Where they matter to the decision, "
          "we address them with documentation and references instead."),
        H1("Success criteria"),
        TABLE(["#", "Criterion", "How it is measured", "Owner"], [
            ["1", "Users sign in with corporate SSO and MFA", "Test accounts from two departments", "Customer IT"],
            ["2", "Workflow runs end to end with real-world test cases", "Ten test cases pass, including two exceptions", "Process owner"],
            ["3", "Integration creates and updates records correctly", "Records verified in target system", "Integration lead"],
            ["4", "Errors are visible and recoverable", "Forced failure is retried and replayed", "Customer IT"],
            ["5", "Process owner changes a rule without help", "Change made and published in < 30 minutes", "Process owner"],
        ], ),
        H1("Schedule"),
        TABLE(["Day", "Activity"], [
            ["1", "Kick-off, confirm scope and criteria, provision sandbox tenant"],
            ["2-3", "SSO configuration; workflow modelling workshop"],
            ["4-6", "Integration setup in non-production; build forms and rules"],
            ["7-8", "Test cases with pilot users; mobile tests if in scope"],
            ["9", "Process owner change exercise; error-handling test"],
            ["10", "Results review against criteria; decision meeting"],
        ]),
        H1("Roles"),
        P("The customer provides a process owner (about four hours a week), an IT contact for "
          "identity and integration access, and up to ten pilot users. Northwind Flow provides "
          "a solutions engineer, an integration specialist for days four to six and an "
          "executive sponsor who attends the kick-off and the decision meeting."),
        CALLOUT("Exit",
                "At the decision meeting we review each criterion as pass, partial or fail. A "
                "validation that passes all five criteria satisfies the evaluation gate 'Will it "
                "work in our environment?'"),
    ])

piece(
    "stakeholder-alignment-workshop.pptx",
    title="Stakeholder Alignment Workshop: Mapping Requirements",
    subtitle="A facilitated workshop to capture every stakeholder's must-haves in one place.",
    description="Workshop deck for a requirements session with operations, IT, security, finance "
                "and end users: who cares about what, must-haves vs nice-to-haves, and the "
                "written requirements map.",
    stages=["consideration"], gates=["fit-requirements"],
    persona=["Operations Manager", "IT Director", "Economic Buyer", "Security Officer"],
    product=["Platform"], ctype="Deck", owner=PRIYA, review_by="2027-01-31",
    kind="Workshop deck",
    slides=[
        SLIDE("Why we are here today", [
            "Agree what problem we are solving and for whom",
            "Capture each group's must-have requirements in writing",
            "Separate must-haves from nice-to-haves",
            "Leave with one shared requirements map and owners"],
            notes="Set expectations: this is the buyer's workshop, not a product demo. We "
                  "facilitate and write things down. Ask the sponsor to open with why the "
                  "initiative matters this year."),
        SLIDE("Who needs to be heard", [],
            table=(["Stakeholder", "Typical concern", "Question to ask"], [
                ["Operations", "Cycle time, workload, adoption", "What does a good week look like?"],
                ["IT", "Integration, identity, support model", "What must it connect to on day one?"],
                ["Security", "Data protection, certifications", "What does your review require?"],
                ["Finance", "Cost, payback, budget timing", "How will you judge the investment?"],
                ["End users", "Ease of use, mobile, fewer clicks", "What slows you down today?"]]),
            notes="Check that each group is in the room or has a delegate. If security or "
                  "finance is missing, schedule a follow-up rather than guessing their "
                  "requirements."),
        SLIDE("Today's process in one page", [
            "Walk the current process from request to done",
            "Mark every hand-off, wait and re-key",
            "Note where evidence for audit is created (or not)",
            "Estimate volume per month and typical cycle time"],
            notes="Draw the process live on a whiteboard or shared canvas. Capture the pain "
                  "points in the participants' own words; they become the requirement "
                  "rationale later."),
        SLIDE("Must-have or nice-to-have?", [
            "<b>Must-have:</b> we will not buy without it",
            "<b>Important:</b> strongly preferred, workarounds acceptable",
            "<b>Nice-to-have:</b> would be welcome, not decisive",
            "Each requirement gets one owner and one sentence of rationale"],
            notes="Be strict. Most lists inflate must-haves. Ask 'would you walk away from an "
                  "otherwise perfect solution without this?'"),
        SLIDE("Example requirements map", [],
            table=(["Requirement", "Priority", "Owner", "Capability"], [
                ["SSO with Azure AD and MFA", "Must-have", "IT", "Platform identity"],
                ["Create work orders in SAP", "Must-have", "IT", "Integrations: SAP connector"],
                ["Offline checklists on tablets", "Must-have", "Operations", "Mobile offline"],
                ["Cycle-time dashboard by site", "Important", "Operations", "Analytics"],
                ["EU data residency", "Must-have", "Security", "Frankfurt region"],
                ["Payback under 12 months", "Important", "Finance", "ROI business case"]]),
            notes="Show the format with a filled example, then build theirs. After the "
                  "workshop we send the map back within two business days for corrections."),
        SLIDE("What happens next", [
            "We send the written requirements map within two days",
            "Each owner confirms or corrects their rows",
            "We show a tailored demo against the must-haves",
            "Optional: two-week technical validation"],
            notes="Agree dates before people leave the room. The written map is the exit "
                  "criterion for the 'does it fit our requirements?' gate."),
    ])

# --------------------------------------------------------------------------------------
# Decision: worth the investment? risk of switching acceptable?
# --------------------------------------------------------------------------------------
piece(
    "roi-business-case-guide.pdf",
    title="Building the Business Case: ROI Calculator Guide",
    subtitle="How to estimate the return on investment of Northwind Flow with your own numbers.",
    description="Guide to the ROI calculator and business case: benefit drivers, inputs, a worked "
                "example with payback period and NPV, and how to present ROI to a CFO.",
    stages=["decision"], gates=["worth-investment"],
    persona=["CFO", "Economic Buyer", "Operations Manager"], product=["Platform", "Analytics", "Integrations"],
    ctype="ROI Calculator", owner=PRIYA, review_by="2027-03-31", kind="Business case guide",
    body=[
        H1("Why a business case, and why now"),
        P("Economic buyers rarely reject workflow automation because they doubt the problem. "
          "They reject it because the benefits are described in adjectives rather than "
          "numbers, or because the numbers were produced by the vendor and nobody in finance "
          "recognises them. This guide explains how to build a <b>return on investment</b> "
          "case that a CFO will accept: conservative inputs supplied by the customer, a "
          "transparent model, and a payback period that holds up even if half the assumptions "
          "prove optimistic."),
        P("The companion workbook, the Northwind Flow ROI calculator, implements the model "
          "described here. Use this guide to run the conversation; use the workbook to do the "
          "arithmetic live with the customer."),
        KPIS(("7.4 months", "median payback across 140 customer business cases"), ("312%", "median three-year ROI"),
             ("3", "benefit drivers finance accepts most readily")),
        H1("The three benefit drivers"),
        H2("1. Capacity released"),
        P("Hours no longer spent on chasing, re-keying and rework, multiplied by a loaded "
          "hourly rate. Finance will ask whether these hours turn into cash. Be explicit: "
          "capacity can avoid planned hires, absorb growth without adding staff, or reduce "
          "overtime and contractors. Count only what the customer is willing to commit to."),
        H2("2. Faster cycle time"),
        P("Where cycle time drives revenue or cost, shorter cycles have a direct value: "
          "earlier revenue recognition for customer onboarding, fewer penalties for late "
          "claims, less downtime in a plant. Use the customer's own cost-of-delay figure."),
        H2("3. Risk and compliance"),
        P("Avoided audit findings, lower audit preparation effort and fewer compliance "
          "incidents. Keep this driver small in the headline ROI and describe it "
          "qualitatively; it persuades risk owners more than it persuades finance."),
        H1("Inputs the calculator needs"),
        TABLE(["Input", "Where it comes from", "Example"], [
            ["Staff in scope", "Operations leader", "180"],
            ["Hours lost per person per week", "Time study or survey; use a conservative figure", "6"],
            ["Loaded hourly cost", "Finance", "$62"],
            ["Recoverable share of lost hours", "Agreed with sponsor; 30-50% is typical", "40%"],
            ["Requests per year and rework rate", "System reports or sampling", "48,000 and 20%"],
            ["Cost of delay per day", "Finance or operations", "$1,900"],
            ["Subscription and services", "Northwind Flow proposal", "$238,000 per year; $60,000 once"],
        ], widths=[1.4, 1.8, 1.1]),
        H1("Worked example"),
        P("A 180-person shared services team loses six hours per person per week to "
          "coordination. Recovering 40% of those hours at $62 per hour releases about "
          "$1.23 million a year of capacity. Halving the 20% rework rate on 48,000 requests, "
          "at 1.5 hours per rework, saves a further $0.45 million. Cycle-time and compliance "
          "benefits are excluded for conservatism. Against a subscription of $238,000 a year "
          "and one-time services of $60,000, the model shows:"),
        TABLE(["Measure", "Year 1", "Year 2", "Year 3"], [
            ["Benefits (ramped 60% / 90% / 100%)", "$1,007,000", "$1,511,000", "$1,678,000"],
            ["Costs", "$298,000", "$238,000", "$238,000"],
            ["Net benefit", "$709,000", "$1,273,000", "$1,440,000"],
            ["Cumulative net benefit", "$709,000", "$1,982,000", "$3,422,000"],
        ], widths=[1.8, 1, 1, 1]),
        P("Three-year ROI is 442% on total costs of $774,000, the payback period is "
          "about 3.6 months after go-live, and NPV at an 8% discount rate is roughly $2.9 million. "
          "Even if every benefit is cut in half, payback stays under eight months."),
        CHART("Benefits vs. costs ($ thousands)", ["Year 1", "Year 2", "Year 3"],
              [("Benefits", [1007, 1511, 1678]), ("Costs", [298, 238, 238])]),
        H1("Presenting ROI to the economic buyer"),
        OL("Lead with the problem cost the customer already agreed to, not with our price.",
           "Show every input with its source; let finance change any of them live.",
           "Present a conservative case and a sensitivity table, never a single point estimate.",
           "State what the customer must do to realise the benefits: owners, adoption, process changes.",
           "Agree the success metric that will be reported at the 90-day value review."),
        CALLOUT("Guardrails",
                "Do not include benefits the customer has not validated. Do not present ROI above "
                "500% in the headline even if the model produces it; show it as an upside "
                "scenario. Every ROI figure in a proposal must trace back to the workbook."),
    ])


def _roi_workbook(wb):
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    navy = PatternFill("solid", fgColor=NAVY)
    light = PatternFill("solid", fgColor=LIGHT)
    white_bold = Font(bold=True, color="FFFFFF")
    thin = Border(bottom=Side(style="thin", color=RULE))

    ws = wb.active
    ws.title = "Inputs"
    ws["A1"] = "Northwind Flow ROI Calculator"
    ws["A1"].font = Font(bold=True, size=16, color=NAVY)
    ws["A2"] = ("Estimate the return on investment (ROI) of Northwind Flow. Change the blue "
                "inputs; everything else is calculated.")
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws.merge_cells("A2:C2")
    ws.row_dimensions[2].height = 32
    rows = [
        ("Staff in scope", 180, "people"),
        ("Hours lost per person per week", 6, "hours"),
        ("Working weeks per year", 46, "weeks"),
        ("Loaded hourly cost", 62, "USD"),
        ("Recoverable share of lost hours", 0.40, "%"),
        ("Requests per year", 48000, "requests"),
        ("Current rework rate", 0.20, "%"),
        ("Expected rework reduction", 0.50, "%"),
        ("Hours per rework", 1.5, "hours"),
        ("Annual subscription", 238000, "USD"),
        ("One-time services", 60000, "USD"),
        ("Discount rate", 0.08, "%"),
    ]
    ws.append([])
    ws.append(["Input", "Value", "Unit"])
    for c in ws[4]:
        c.fill, c.font = navy, white_bold
    for label, value, unit in rows:
        ws.append([label, value, unit])
    for r in range(5, 5 + len(rows)):
        ws.cell(r, 2).font = Font(color="1F4E9E", bold=True)
        ws.cell(r, 1).border = ws.cell(r, 2).border = ws.cell(r, 3).border = thin
        if ws.cell(r, 3).value == "%":
            ws.cell(r, 2).number_format = "0%"
        elif ws.cell(r, 3).value == "USD":
            ws.cell(r, 2).number_format = "$#,##0"
        else:
            ws.cell(r, 2).number_format = "#,##0.0" if isinstance(ws.cell(r, 2).value, float) else "#,##0"
    ws.column_dimensions["A"].width = 38
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 12

    rs = wb.create_sheet("Results")
    rs["A1"] = "Business case results"
    rs["A1"].font = Font(bold=True, size=16, color=NAVY)
    rs.append([])
    rs.append(["Measure", "Year 1", "Year 2", "Year 3", "Total"])
    for c in rs[3]:
        c.fill, c.font = navy, white_bold
    rs.append(["Benefit ramp", 0.6, 0.9, 1.0, None])
    cap = "Inputs!B5*Inputs!B6*Inputs!B7*Inputs!B8*Inputs!B9"
    rework = "Inputs!B10*Inputs!B11*Inputs!B12*Inputs!B13*Inputs!B8"
    rs.append(["Capacity released"] + [f"=({cap})*{col}4" for col in "BCD"] + ["=SUM(B5:D5)"])
    rs.append(["Rework avoided"] + [f"=({rework})*{col}4" for col in "BCD"] + ["=SUM(B6:D6)"])
    rs.append(["Total benefits"] + [f"={col}5+{col}6" for col in "BCD"] + ["=SUM(B7:D7)"])
    rs.append(["Costs", "=Inputs!B14+Inputs!B15", "=Inputs!B14", "=Inputs!B14", "=SUM(B8:D8)"])
    rs.append(["Net benefit"] + [f"={col}7-{col}8" for col in "BCDE"])
    rs.append([])
    rs.append(["Three-year ROI", "=(E7-E8)/E8"])
    rs.append(["NPV at discount rate", "=NPV(Inputs!B16,B9:D9)"])
    rs.append(["Payback (months after go-live)", "=B8/(B7/12)"])
    for r in range(4, 14):
        for col in "BCDE":
            cell = rs[f"{col}{r}"]
            cell.number_format = "0%" if r in (4, 11) else ("0.0" if r == 13 else "$#,##0")
        if r % 2 == 0:
            for col in "ABCDE":
                rs[f"{col}{r}"].fill = light
    rs.column_dimensions["A"].width = 32
    for col in "BCDE":
        rs.column_dimensions[col].width = 15

    ns = wb.create_sheet("Notes")
    notes = [
        "How to use this calculator",
        "1. Agree every input with the customer; use their figures, not ours.",
        "2. Prefer conservative values: the recoverable share is usually 30-50%.",
        "3. Cycle-time and compliance benefits are excluded on purpose; describe them separately.",
        "4. Present a sensitivity case with all benefits halved; payback should still be under 12 months.",
        "5. Every ROI figure in a proposal must trace back to this workbook.",
        "See the 'Building the Business Case: ROI Calculator Guide' PDF for the full method.",
    ]
    for n in notes:
        ns.append([n])
    ns["A1"].font = Font(bold=True, size=14, color=NAVY)
    ns.column_dimensions["A"].width = 100


piece(
    "roi-calculator.xlsx",
    title="Northwind Flow ROI Calculator (Workbook)",
    subtitle="",
    description="Excel ROI calculator: enter staff, hours, rates and volumes to compute benefits, "
                "costs, three-year ROI, NPV and payback for the business case.",
    stages=["decision"], gates=["worth-investment"],
    persona=["CFO", "Economic Buyer"], product=["Platform", "Analytics"],
    ctype="ROI Calculator", owner=PRIYA, review_by="2027-03-31", kind="ROI calculator",
    sheet=_roi_workbook)

piece(
    "migration-and-risk-of-switching-guide.pdf",
    title="Switching with Confidence: Migration and Risk Guide",
    subtitle="How customers move from spreadsheets, legacy BPM suites or homegrown tools without disruption.",
    description="Guide for buyers weighing the risk of switching: migration approaches, a risk "
                "register with mitigations, parallel running, rollback and references.",
    stages=["decision"], gates=["risk-acceptable"],
    persona=["IT Director", "Economic Buyer", "Operations Manager"], product=["Platform", "Integrations"],
    ctype="Guide", owner=DANIEL, review_by="2027-05-31", kind="Guide",
    body=[
        H1("The real question behind 'is it risky?'"),
        P("By the decision stage, most buyers believe Northwind Flow would be better than what "
          "they have. What stops them is the transition: open work in flight, years of history, "
          "integrations that nobody fully understands and a team that is already stretched. "
          "This guide describes how we manage those risks, based on more than 600 migrations "
          "from spreadsheets, shared mailboxes, legacy BPM suites and homegrown applications."),
        H1("Three migration patterns"),
        TABLE(["Pattern", "When it fits", "Typical duration"], [
            ["New work only", "Short-lived requests; history stays read-only in the old tool", "4 to 6 weeks"],
            ["Drain and switch", "Open items are finished in the old tool while new items start in Northwind Flow", "6 to 10 weeks"],
            ["Full migration", "Long-running cases or regulatory history must move", "10 to 16 weeks"],
        ], widths=[1.1, 2.4, 1]),
        P("Most customers choose drain and switch. It avoids migrating half-finished work, "
          "which is where most errors occur, and it lets the team learn the new tool on new "
          "requests while the old queue shrinks."),
        H1("Risk register"),
        TABLE(["Risk", "Likelihood", "Mitigation"], [
            ["Users keep working the old way", "Medium", "Process owners co-design forms; old intake channels redirected on cut-over day"],
            ["Integration behaves differently in production", "Low", "Validated in non-production during evaluation; production smoke tests on day one"],
            ["Historic data is incomplete or inconsistent", "Medium", "Data profiling in week two; only cleansed records migrated; originals archived"],
            ["Key person unavailable during cut-over", "Medium", "Named deputies in the implementation plan; cut-over runbook"],
            ["Security or compliance control gap", "Low", "Controls mapped during security review; audit trail from first transaction"],
            ["Performance at peak volume", "Low", "Platform tested to 4 million active items per tenant; load profile reviewed"],
        ], widths=[1.5, 0.7, 2.5]),
        H1("Parallel running and rollback"),
        P("For processes where an error would be costly, we recommend one to two weeks of "
          "shadow running: work is processed in the existing tool as normal and replayed in "
          "Northwind Flow, and the results are compared daily. Cut-over happens only when the "
          "comparison is clean for five consecutive business days."),
        P("Every cut-over has a written rollback plan. Because the old tool stays available in "
          "read-only mode for at least 30 days, rollback means re-opening intake channels, "
          "not restoring data. In the last two years, fewer than 1% of cut-overs triggered a "
          "rollback, and all of those re-cut successfully within two weeks."),
        H1("What we commit to"),
        UL("A named implementation lead and solution architect from kick-off to 30 days after go-live.",
           "A written cut-over runbook reviewed with your team a week before cut-over.",
           "Hypercare: daily check-ins for two weeks after go-live with priority support.",
           "Fixed-fee implementation for standard scopes, so budget risk sits with us."),
        H1("Talk to customers who switched"),
        P("Harbor Mutual Insurance moved from a shared mailbox and spreadsheet model during "
          "the off-season and was live before the storm season. Calder Precision rolled out "
          "plant by plant, one plant every three weeks. Marrow County orchestrated around a "
          "twenty-year-old system of record instead of replacing it. Each takes reference "
          "calls through our reference customer programme."),
        QUOTE("The cut-over was an anticlimax, which is exactly what you want. We switched "
              "intake on a Monday and by Wednesday nobody remembered the old mailbox.",
              "IT Programme Manager, Harbor Mutual Insurance"),
    ])

piece(
    "reference-customer-program.pdf",
    title="Talk to a Customer: Reference Program Overview",
    subtitle="How prospects request reference calls and site visits with Northwind Flow customers.",
    description="One-pager for prospects explaining how to request a reference call or site visit, "
                "which customers are available by industry and what to ask them.",
    stages=["consideration", "decision"], gates=["vendor-credible", "risk-acceptable"],
    persona=["Economic Buyer", "IT Director", "Operations Manager"],
    industry=["Financial Services", "Healthcare", "Manufacturing", "Retail", "Public Sector"],
    product=["Platform"], ctype="One-pager", owner=MARCUS, review_by="2027-02-28",
    kind="One-pager",
    body=[
        H1("Hear it from a peer"),
        P("Case studies tell you what happened. A conversation with a customer tells you what "
          "it was like: what surprised them, what they would do differently and whether they "
          "would choose Northwind Flow again. Our reference program connects evaluating "
          "companies with customers in the same industry, of similar size and with similar "
          "systems, usually within five business days."),
        H1("Available references (selection)"),
        TABLE(["Industry", "Customer profile", "Topics they can speak to"], [
            ["Financial Services", "Regional P&C insurer, 420 claims staff", "Claims intake, catastrophe surge, regulatory deadlines"],
            ["Healthcare", "Nine-hospital network, Epic environment", "Referral management, HIPAA security review, HL7 integration"],
            ["Manufacturing", "Six-plant precision machining group", "Plant rollout, SAP integration, rugged-tablet mobile"],
            ["Retail", "340-store grocery chain", "Store operations, offline mobile, adoption at scale"],
            ["Public Sector", "County government, 410,000 residents", "Permits, cooperative purchasing, accessibility"],
            ["Technology", "B2B software company, 1,800 staff", "Deal desk and customer onboarding workflows"],
        ], widths=[1.1, 1.6, 2.1]),
        H1("How to request a reference"),
        OL("Tell your account executive the topics you most want to cover and who will join.",
           "We match you with one or two customers and confirm a 30-minute slot.",
           "The call is between you and the customer; Northwind Flow does not attend unless invited.",
           "For late-stage evaluations, we can arrange a site visit or a virtual tour of a live deployment."),
        H1("Questions worth asking"),
        UL("What was harder than expected during implementation?",
           "How long until your team changed a process without help?",
           "How did the security review and procurement go?",
           "What results have you measured, and how?"),
        CALLOUT("Respecting our customers' time",
                "We ask that reference calls be scheduled once a shortlist exists, and that each "
                "customer be contacted no more than once per evaluation."),
    ])

# --------------------------------------------------------------------------------------
# Purchase: price and terms, procurement and legal
# --------------------------------------------------------------------------------------
piece(
    "pricing-one-pager.pdf",
    title="Northwind Flow Pricing and Packaging 2026",
    subtitle="Editions, seat types, add-ons and standard commercial terms at a glance.",
    description="One-page summary of editions, builder and participant seat pricing, add-ons, "
                "volume discounts and standard payment and contract terms.",
    stages=["purchase"], gates=["terms-acceptable"],
    persona=["Procurement", "CFO", "Economic Buyer"], product=PRODUCTS_ALL,
    ctype="One-pager", owner=SOFIA, review_by="2026-06-30", kind="Pricing",
    body=[
        H1("Simple pricing that grows with adoption"),
        P("Northwind Flow is priced so that broad adoption is affordable. People who design "
          "and administer workflows use <b>builder seats</b>; everyone who submits, approves or "
          "completes work uses lower-priced <b>participant seats</b>. Seats can be added at any "
          "time, co-termed to your renewal date."),
        TABLE(["", "Team", "Business", "Enterprise"], [
            ["Builder seat (per month, billed annually)", "$55", "$75", "$95"],
            ["Participant seat (per month, billed annually)", "$8", "$12", "$15"],
            ["Minimum annual commitment", "$12,000", "$60,000", "$180,000"],
            ["Sandboxes", "-", "2", "Unlimited"],
            ["Flow Integrations", "5 connections", "Connect Standard (25)", "Connect Standard (25)"],
            ["Single-tenant hosting and customer-managed keys", "-", "-", "Included"],
            ["Support", "Standard", "Premium (24x5)", "Premium (24x7) and named TAM"],
        ], widths=[2.2, 1, 1.2, 1.3]),
        H1("Add-ons"),
        TABLE(["Add-on", "Price"], [
            ["Flow Analytics", "20% of platform subscription"],
            ["Connect Premium (unlimited connections, on-prem agent, event streaming)", "$2,500 per month"],
            ["Flow Mobile", "$4 per participant seat per month (included for builder seats)"],
            ["Implementation packages", "Fixed fee from $18,000 (Launch) to $60,000 (Scale)"],
        ], widths=[2.6, 1.6]),
        H1("Standard commercial terms"),
        UL("Annual subscription, invoiced annually in advance; net 30 payment terms.",
           "Multi-year agreements: price protection for the full term and a 6% discount for three-year commitments.",
           "Volume discounts apply automatically above 1,000 and 5,000 participant seats.",
           "Non-profit, education and public sector pricing available through approved contract vehicles."),
        P("<b>Validity:</b> prices in USD, excluding taxes, valid for orders signed before 30 "
          "June 2026. Quotes from your account executive take precedence over this summary."),
    ])

piece(
    "procurement-pack-dpa-summary.pdf",
    title="Procurement Pack: Contract and DPA Summary",
    subtitle="Everything procurement and legal need to approve Northwind Flow, in one place.",
    description="Procurement pack summarising the master subscription agreement, the data "
                "processing addendum (DPA), sub-processors, insurance and the documents "
                "procurement usually requests.",
    stages=["purchase"], gates=["procurement-ready"],
    persona=["Procurement", "Security Officer", "CFO"], product=["Platform"],
    ctype="Guide", owner=DANIEL, review_by="2027-02-28", kind="Procurement pack",
    body=[
        H1("How to use this pack"),
        P("Procurement and legal review are often the last gate before signature, and often "
          "the slowest because documents arrive one request at a time. This pack lists every "
          "document we provide, summarises the key positions in our master subscription "
          "agreement (MSA) and data processing addendum (DPA), and explains which terms we can "
          "negotiate. Most customers complete procurement in three to four weeks when they "
          "start from this pack."),
        H1("Documents provided"),
        TABLE(["Document", "Purpose", "Format"], [
            ["Master Subscription Agreement", "Commercial and legal terms", "Word, redlines accepted"],
            ["Order Form", "Products, quantities, price, term", "PDF for signature"],
            ["Data Processing Addendum", "GDPR Article 28 processor terms, SCCs", "Pre-signed PDF"],
            ["Service Level Agreement", "Availability commitment and service credits", "PDF"],
            ["Security evidence pack", "SOC 2 Type II, ISO 27001 certificate, pen test summary", "Under NDA"],
            ["Sub-processor list", "Names, purposes and locations", "Web page and PDF"],
            ["Certificate of insurance", "Cyber, E&O, general liability", "PDF"],
            ["W-9 and bank letter", "Vendor master set-up", "PDF"],
        ], widths=[1.5, 2, 1.1]),
        H1("MSA key positions"),
        UL("<b>Term and renewal:</b> annual or multi-year; auto-renewal with 60 days' notice to cancel.",
           "<b>Liability cap:</b> 12 months of fees, with a higher super-cap for data protection breaches.",
           "<b>Indemnity:</b> we indemnify for third-party IP infringement claims.",
           "<b>Warranties:</b> service performs materially per documentation; no degradation of security during the term.",
           "<b>Governing law:</b> Delaware for US customers; England and Wales or Ireland for EMEA customers."),
        H1("Data processing addendum summary"),
        P("The DPA sets out our obligations as a processor. Northwind Flow processes customer "
          "personal data only on documented instructions, ensures personnel are bound by "
          "confidentiality, implements the technical and organisational measures described in "
          "Annex II, assists with data subject requests and impact assessments, notifies "
          "breaches without undue delay and within 48 hours, and deletes or returns data at "
          "the end of the contract. International transfers rely on the EU Standard "
          "Contractual Clauses (module two and module three) and the UK addendum."),
        TABLE(["DPA topic", "Our position", "Negotiable?"], [
            ["Audit rights", "SOC 2 and ISO reports satisfy audits; on-site audit once a year on 30 days' notice", "Scope and cost"],
            ["Sub-processor changes", "30 days' notice, right to object and terminate", "Notice period"],
            ["Breach notification", "Within 48 hours of confirmation", "Not below 24 hours"],
            ["Data location", "Chosen region at rest; support access logged", "Region choice"],
            ["Deletion on exit", "Within 30 days, backups within a further 35 days", "Export format"],
        ], widths=[1.2, 2.4, 1]),
        H1("Typical procurement timeline"),
        OL("Week 1: NDA signed, security evidence pack and vendor forms shared.",
           "Week 2: MSA and DPA redlines exchanged; security questionnaire returned.",
           "Week 3: Redlines agreed; insurance and vendor master set-up completed.",
           "Week 4: Order form signed; provisioning within one business day."),
        CALLOUT("Who to contact",
                "Your account executive coordinates legal, security and finance on our side. "
                "Send redlines to contracts@northwindflow.example.com to keep one thread."),
    ])

piece(
    "vendor-forms-faq.docx",
    title="Vendor Forms and Procurement FAQ",
    subtitle="Answers to the questions procurement teams ask when onboarding Northwind Flow as a supplier.",
    description="FAQ for procurement teams: company details, tax and banking, insurance limits, "
                "accessibility, diversity, sustainability, payment methods and contract vehicles.",
    stages=["purchase"], gates=["procurement-ready"],
    persona=["Procurement"], product=["Platform"], industry=["Public Sector"],
    ctype="FAQ", owner=DANIEL, review_by="2027-02-28", kind="FAQ",
    body=[
        H1("Company information"),
        H2("What is your legal entity and where are you registered?"),
        P("Northwind Flow, Inc., a Delaware corporation headquartered in Seattle, Washington. "
          "European customers contract with Northwind Flow Europe Ltd., registered in Ireland, "
          "and UK customers with Northwind Flow UK Ltd."),
        H2("How large is the company?"),
        P("Around 820 employees in offices in Seattle, Austin, Dublin, London and Sydney, "
          "serving more than 1,100 customers in 38 countries. Audited financial statements "
          "summaries are available to customers under NDA during procurement."),
        H1("Tax, banking and payment"),
        TABLE(["Question", "Answer"], [
            ["Tax documents", "W-9 for US entities; Irish VAT registration for EU invoices"],
            ["Payment methods", "ACH, wire transfer, card for Team edition; purchase orders accepted"],
            ["Invoicing portals", "Coupa, Ariba, Jaggaer and Tungsten supported"],
            ["Currency", "USD, EUR, GBP, CAD and AUD"],
            ["Payment terms", "Net 30 standard; net 45 available for multi-year agreements"],
        ]),
        H1("Insurance"),
        P("We maintain cyber liability and technology errors and omissions insurance of $10 "
          "million per claim, commercial general liability of $2 million per occurrence, and "
          "workers' compensation at statutory limits. Certificates of insurance naming the "
          "customer as certificate holder are issued within two business days."),
        H1("Accessibility"),
        P("The web application conforms to WCAG 2.1 level AA. We publish a VPAT 2.4 "
          "accessibility conformance report covering Section 508 and EN 301 549, updated with "
          "each major release."),
        H1("Sustainability and supplier diversity"),
        UL("Hosting regions run on cloud infrastructure with published renewable energy commitments.",
           "We report Scope 1, 2 and business-travel Scope 3 emissions annually and respond to CDP and EcoVadis requests.",
           "Our supplier code of conduct and modern slavery statement are published on our website."),
        H1("Public sector purchasing"),
        P("Public sector customers can buy through cooperative purchasing contracts and "
          "through authorised resellers on state contract vehicles, which can remove the need "
          "for a separate competitive solicitation. Ask your account executive for the "
          "current list of vehicles in your state or country."),
        H2("Can you complete our own supplier forms?"),
        P("Yes. Send them to your account executive; standard forms are usually returned within "
          "three business days. Security questionnaires follow the process in the security "
          "questionnaire FAQ."),
    ])

# --------------------------------------------------------------------------------------
# Onboarding: get started quickly, first value
# --------------------------------------------------------------------------------------
piece(
    "customer-onboarding-guide.docx",
    title="Customer Onboarding Guide",
    subtitle="From signature to your first live workflow in six weeks.",
    description="Onboarding guide for new customers: roles, kick-off checklist, tenant set-up, "
                "SSO, first workflow, training and go-live readiness.",
    stages=["onboarding"], gates=["get-started"],
    persona=["Operations Manager", "IT Director", "End User"], product=["Platform", "Mobile"],
    ctype="Guide", owner=MARCUS, review_by="2027-04-30", kind="Onboarding guide",
    body=[
        H1("Welcome to Northwind Flow"),
        P("This guide walks your team through the first six weeks after signature. It explains "
          "who does what, what to prepare before the kick-off, and what happens each week until "
          "your first workflow is live. Customers who follow it reach go-live in a median of "
          "six weeks; the most common cause of delay is a missing decision-maker, not a "
          "technical issue."),
        H1("Roles on your side"),
        TABLE(["Role", "Responsibilities", "Time commitment"], [
            ["Executive sponsor", "Sets priorities, removes blockers, attends kick-off and go-live review", "1 hour per week"],
            ["Process owner", "Owns the workflow design and success metric", "4 to 6 hours per week"],
            ["IT administrator", "SSO, user provisioning, integrations, security settings", "3 to 4 hours per week"],
            ["Champions", "Test, give feedback and help colleagues at go-live", "2 hours per week"],
        ]),
        H1("Before the kick-off"),
        UL("Confirm the first workflow and the success metric agreed during the sale.",
           "Name the people in each role above and share their calendars for the next six weeks.",
           "Collect current forms, templates and a sample of twenty recent requests.",
           "Arrange access to your identity provider's administration for SSO set-up."),
        H1("Week by week"),
        H2("Week 1: Kick-off and set-up"),
        P("We hold a 90-minute kick-off to confirm scope, timeline and owners. Your tenant is "
          "provisioned in the region you chose, and your IT administrator configures single "
          "sign-on and SCIM provisioning with our support engineer."),
        H2("Weeks 2 and 3: Design and build"),
        P("Two design workshops turn the current process into a Northwind Flow workflow: "
          "forms, stages, rules, approvals and SLA timers. Your process owner learns the "
          "designer by building alongside our consultant."),
        H2("Week 4: Integrate and test"),
        P("Integrations are connected in the sandbox. Champions run test cases based on the "
          "sample requests you collected, including exceptions and edge cases."),
        H2("Week 5: Train and prepare"),
        P("End users complete a 30-minute role-based course in the Northwind Flow Academy. "
          "Champions receive a deeper session. We review go-live readiness together."),
        H2("Week 6: Go live"),
        P("The workflow is promoted to production, old intake channels are redirected and "
          "hypercare begins: daily check-ins for two weeks and priority support."),
        H1("Go-live readiness checklist"),
        UL("All test cases passed and signed off by the process owner.",
           "Users provisioned and trained; champions identified per team.",
           "Old intake channels have a redirect message and a date to close.",
           "Success metric baseline recorded for the 90-day value review.",
           "Support contacts and escalation path shared with all users."),
    ])

piece(
    "implementation-plan.pptx",
    title="Implementation Plan: Six Weeks to First Value",
    subtitle="Phases, owners, milestones and governance for your Northwind Flow rollout.",
    description="Implementation plan deck presented at kick-off: phases, timeline, RACI, "
                "milestones, risks and governance for the first six weeks and beyond.",
    stages=["onboarding", "decision"], gates=["get-started", "risk-acceptable"],
    persona=["Operations Manager", "IT Director", "Economic Buyer"], product=["Platform", "Integrations", "Mobile"],
    ctype="Deck", owner=MARCUS, review_by="2027-04-30", kind="Implementation plan",
    slides=[
        SLIDE("Objectives for the first six weeks", [
            "One workflow live in production for all intended users",
            "Success metric baselined and visible on a dashboard",
            "Process owner able to change the workflow without help",
            "Plan agreed for the next two workflows"],
            notes="Confirm these objectives with the sponsor at the start of the kick-off. If "
                  "the customer wants more than one workflow in the first phase, discuss the "
                  "trade-off against the six-week timeline openly."),
        SLIDE("Phases and timeline", [],
            table=(["Week", "Phase", "Milestone"], [
                ["1", "Mobilise", "Kick-off held; tenant and SSO ready"],
                ["2-3", "Design and build", "Workflow approved in sandbox"],
                ["4", "Integrate and test", "Test cases passed"],
                ["5", "Train and prepare", "Users trained; readiness review"],
                ["6", "Go live", "Production cut-over; hypercare starts"],
                ["8", "Stabilise", "Hypercare exit; lessons learned"]]),
            notes="Walk through the timeline and ask for any known blackout dates: quarter "
                  "close, audits, holidays, peak season."),
        SLIDE("Who does what", [],
            table=(["Activity", "Customer", "Northwind Flow"], [
                ["Scope and success metric", "Accountable", "Consulted"],
                ["Workflow design", "Responsible", "Guides and reviews"],
                ["SSO and provisioning", "Responsible", "Supports"],
                ["Integration build", "Consulted", "Responsible"],
                ["Training", "Champions deliver", "Materials and train-the-trainer"],
                ["Go-live decision", "Accountable", "Recommends"]]),
            notes="Make sure every row has a named person before the end of week one. Missing "
                  "owners are the most common reason for slippage."),
        SLIDE("Governance", [
            "Weekly 30-minute status call: progress, risks, decisions",
            "Steering check-in with the sponsor every two weeks",
            "Shared plan and RAID log visible to both teams",
            "Escalation path: implementation lead, then customer success director"],
            notes="Keep status calls short and decision-focused. Send written notes the same "
                  "day."),
        SLIDE("Top risks and mitigations", [
            "Key people unavailable: named deputies for each role",
            "Scope creep: change requests go to the next phase by default",
            "Integration access delays: request credentials in week one",
            "Low adoption: champions in every team, old channels closed on a date"],
            notes="Invite the customer to add risks. Log them in the RAID log during the "
                  "meeting."),
        SLIDE("What success looks like at day 90", [],
            kpis=[("> 85%", "of eligible requests flowing through Northwind Flow"),
                  ("-30%", "cycle time vs. baseline (typical target)"),
                  ("2", "more workflows in design")],
            notes="These are typical targets; replace them with the metric agreed in the "
                  "business case. The 90-day value review will report against them."),
    ])

piece(
    "first-90-days-success-plan.docx",
    title="First 90 Days Success Plan",
    subtitle="A shared plan to reach and report the first success metric.",
    description="Customer success plan template for the first 90 days: success metric, baseline, "
                "milestones, adoption targets and the 90-day value review agenda.",
    stages=["onboarding"], gates=["first-value"],
    persona=["Operations Manager", "Economic Buyer"], product=["Platform", "Analytics"],
    ctype="Guide", owner=MARCUS, review_by="2027-05-31", kind="Success plan",
    body=[
        H1("Purpose of this plan"),
        P("A signed contract is a promise of value, not value itself. This plan turns the "
          "outcomes described in the business case into a short list of measurable goals, "
          "owners and dates for the first 90 days. It is written jointly by the customer's "
          "process owner and the Northwind Flow customer success manager, reviewed every two "
          "weeks and closed with a value review that the executive sponsor attends."),
        H1("1. Success metric and baseline"),
        TABLE(["Item", "Example entry"], [
            ["Business outcome", "Reduce time from request to approval for vendor onboarding"],
            ["Success metric", "Median cycle time, request submitted to vendor active"],
            ["Baseline (before go-live)", "14.5 business days, measured over 8 weeks"],
            ["Target at day 90", "9 business days or less"],
            ["Data source", "Flow Analytics cycle-time dashboard; baseline from legacy tracker"],
            ["Metric owner", "Procurement operations lead"],
        ]),
        H1("2. Milestones"),
        TABLE(["Day", "Milestone", "Owner"], [
            ["0", "Go-live; hypercare begins", "Implementation lead"],
            ["14", "Hypercare exit; first adoption report", "Customer success manager"],
            ["30", "All eligible requests flowing through Northwind Flow", "Process owner"],
            ["45", "First process improvement released from analytics findings", "Process owner"],
            ["60", "Mid-point metric check with sponsor", "Customer success manager"],
            ["90", "Value review: metric reported against baseline", "Executive sponsor"],
        ]),
        H1("3. Adoption targets"),
        UL("85% of eligible requests submitted through the workflow by day 30, 95% by day 90.",
           "Weekly active users at least 80% of licensed participants.",
           "No more than 5% of requests handled outside the workflow (tracked via exceptions).",
           "Process owner publishes at least one change without support by day 45."),
        H1("4. How we will report first value"),
        P("At day 90 the customer success manager prepares a one-page value summary: the "
          "metric against baseline and target, adoption figures, qualitative feedback from "
          "users and the next improvement opportunities. The executive sponsor confirms "
          "whether the first success metric has been reached. If it has not, the plan is "
          "extended with specific corrective actions rather than closed."),
        H1("5. Common reasons teams miss day-90 targets"),
        UL("The old intake channel stayed open, so work split between two systems.",
           "The baseline was never measured, so improvement could not be proven.",
           "Nobody owned the metric after the implementation team stepped back.",
           "Changes requested by users waited for a release cycle instead of being made by the process owner."),
        CALLOUT("Template",
                "Copy this document into your shared workspace, replace the example entries and "
                "agree it with your customer success manager in the first week after go-live."),
    ])

# --------------------------------------------------------------------------------------
# Expansion: renew, expand
# --------------------------------------------------------------------------------------
piece(
    "renewal-value-review.pptx",
    title="Annual Value Review and Renewal",
    subtitle="What we achieved together this year, and where we go next.",
    description="Value review deck for renewal conversations: outcomes vs. the business case, "
                "adoption, ROI realised, roadmap highlights and the renewal proposal.",
    stages=["expansion"], gates=["renew"],
    persona=["Economic Buyer", "CFO", "Operations Manager"], product=PRODUCTS_ALL,
    industry=["Technology"],
    ctype="Deck", owner=MARCUS, review_by="2027-06-30", kind="Value review",
    slides=[
        SLIDE("Where we started a year ago", [
            "Deal desk and customer onboarding ran on email and spreadsheets",
            "Median 9.2 days from signed contract to customer live",
            "Business case: $1.1M annual benefit, payback within 9 months",
            "Success metric: days from signature to customer live"],
            notes="Example value review for a technology customer (Quillon Software). Replace "
                  "with the customer's own starting point from the business case. Start by "
                  "reminding everyone why they bought, in their words."),
        SLIDE("Outcomes against the business case", [],
            chart=("Days from signature to customer live", ["Q1", "Q2", "Q3", "Q4"],
                   [("Baseline", [9.2, 9.2, 9.2, 9.2]), ("Actual", [7.8, 5.9, 4.6, 4.1])], ""),
            notes="Show actuals against the baseline. If a quarter disappointed, say so and "
                  "explain what changed. Candour here earns trust for the renewal."),
        SLIDE("Adoption", [],
            kpis=[("1,240", "active participants (92% of licensed)"),
                  ("14", "workflows live, up from 3"),
                  ("38", "process changes made by customer admins")],
            notes="Adoption predicts renewal. Highlight changes made by the customer's own "
                  "admins: it shows ownership."),
        SLIDE("Value realised", [
            "$1.34M annual benefit measured, 122% of the business case",
            "Payback reached in month 6",
            "Revenue recognised an average of 5 days earlier per deal",
            "Zero audit findings on contract approvals this year"],
            notes="Use figures the customer's finance team has validated. Offer the ROI "
                  "workbook updated with actuals."),
        SLIDE("Roadmap highlights for next year", [
            "AI-assisted form design and request triage",
            "Analytics: forecasting by team and capacity planning",
            "New connectors for Workday Financials and Zendesk",
            "Mobile: offline attachments up to 500 MB"],
            notes="Keep roadmap items to those confirmed by product management for the next two "
                  "quarters. Do not commit dates on the slide."),
        SLIDE("Renewal proposal", [
            "Renew Business edition for two years with price protection",
            "Add Flow Analytics forecasting for the finance operations team",
            "Co-term 300 additional participant seats",
            "Quarterly value reviews continue with the sponsor"],
            notes="Present the proposal only after the customer agrees the value story. The "
                  "exit criterion for this gate is an approved renewal after the value review."),
    ])

piece(
    "expansion-playbook.docx",
    title="Expansion Playbook: From One Team to Many",
    subtitle="How account teams identify, qualify and sponsor the second and third use case.",
    description="Playbook for account managers and CSMs: expansion signals, adjacent use cases by "
                "department, qualification questions and a land-and-expand motion.",
    stages=["expansion"], gates=["expand"],
    persona=["Economic Buyer", "Operations Manager"], product=PRODUCTS_ALL,
    ctype="Guide", owner=PRIYA, review_by="2027-05-31", kind="Playbook",
    body=[
        H1("Why expansion matters"),
        P("Customers who run Northwind Flow in three or more departments renew at 97% and "
          "grow their subscription by a median of 38% a year. Customers with a single "
          "workflow renew at 81%. Expansion is therefore the best protection against churn as "
          "well as the largest source of growth. This playbook explains how to find the "
          "second use case, qualify it and get it sponsored."),
        H1("Signals that a customer is ready"),
        UL("The first success metric was reached and reported at the value review.",
           "Users from other teams ask for access or build 'shadow' workflows in forms tools.",
           "The process owner has made several changes without help.",
           "Flow Analytics shows hand-offs to teams outside the current scope.",
           "A new executive or reorganisation creates a mandate to standardise."),
        H1("Adjacent use cases by starting point"),
        TABLE(["If they started with", "Look next at", "Sponsor to find"], [
            ["Claims intake", "Subrogation, underwriting referrals, complaints", "Head of underwriting"],
            ["Vendor onboarding", "Contract review, purchase approvals, supplier risk", "CFO or CPO"],
            ["Maintenance requests", "Quality deviations, operator rounds, permits to work", "Plant or quality director"],
            ["Store checklists", "Facilities requests, promotional resets, incident reporting", "VP Store Operations"],
            ["Employee onboarding", "Access requests, policy attestations, leaver process", "CIO or CHRO"],
        ], ),
        H1("Qualification questions"),
        OL("What is the process, who owns it and how many requests does it handle?",
           "What does it cost today in hours, delay or risk?",
           "Who would sponsor it, and what would they need to see?",
           "Does it reuse existing integrations, or need new ones?",
           "Is there budget this year, or should we plan for the renewal?"),
        H1("The expansion motion"),
        H2("Step 1: Show the proof internally"),
        P("Ask the current sponsor to present the value review results to peers. A result "
          "reported by a colleague is more persuasive than any case study."),
        H2("Step 2: Run a discovery with the new team"),
        P("Use the same discovery approach as a new logo: problem, cost, requirements. The "
          "new team has its own gates to pass even though the company is already a customer."),
        H2("Step 3: Propose a small, measurable start"),
        P("Scope the second workflow like the first: six weeks, one success metric. Offer a "
          "fixed-fee implementation package and co-term the seats with the existing renewal."),
        H1("Pitfalls"),
        UL("Expanding before the first workflow has proven value.",
           "Selling seats without a process owner on the new team.",
           "Letting the new team bypass the current admin, which fragments governance."),
    ])

# --------------------------------------------------------------------------------------
# A rep-made piece adopted by marketing
# --------------------------------------------------------------------------------------
piece(
    "healthcare-discovery-questions.docx",
    title="Healthcare Discovery Questions: Referral and Intake Workflows",
    subtitle="Question bank from the healthcare team for first calls with hospital operations leaders.",
    description="Rep-made discovery question bank for healthcare operations leaders, covering "
                "referrals, patient intake, prior authorisation and the cost of leakage.",
    stages=["awareness"], gates=["problem-real"],
    persona=["Operations Manager", "Economic Buyer"], industry=["Healthcare"],
    product=["Platform", "Integrations"],
    ctype="Guide", owner=MARCUS, review_by="2027-03-31", source="rep", kind="Discovery guide",
    body=[
        H1("Where this came from"),
        P("These questions were collected by Alicia Moreno (Account Executive, Healthcare) "
          "from twenty first calls with hospital and clinic operations leaders, and adopted by "
          "customer marketing after the St. Aldric Health Network win. They help a prospect "
          "describe the referral and intake problem in their own terms and put a rough cost "
          "on it before any product conversation."),
        H1("Opening the conversation"),
        UL("Walk me through what happens after a physician decides a patient needs a specialist.",
           "Where do referrals come from today: EHR orders, faxes, phone calls, portals?",
           "Who is responsible for making sure the patient actually gets an appointment?"),
        H1("Sizing the problem"),
        UL("How many referrals does the network write in a month, roughly?",
           "What share do you believe result in an in-network appointment? How confident are you in that number?",
           "What is the average downstream revenue of a kept specialist referral?",
           "How many staff hours a week go into chasing referral status, faxes and missing documents?"),
        H1("Quality, compliance and experience"),
        UL("How do you know when a high-urgency referral has stalled?",
           "What do patients say about the referral experience in surveys or complaints?",
           "How do you evidence timely follow-up for quality programmes or accreditation?"),
        H1("Systems and constraints"),
        UL("Which EHR do you run, and how much appetite is there for adding clicks for physicians?",
           "Are there integration standards or an interface team we would work with (HL7, FHIR)?",
           "What does your security review process require from a new vendor holding PHI?"),
        H1("A rough cost model to leave behind"),
        TABLE(["Input", "Example"], [
            ["Specialist referrals per month", "12,000"],
            ["Estimated leakage", "25%"],
            ["Average downstream revenue per kept referral", "$1,800"],
            ["Recoverable share of leakage", "20%"],
            ["Annual revenue at stake", "12,000 x 12 x 25% x 20% x $1,800 = $12.96M"],
        ]),
        CALLOUT("Tip from the field",
                "Never lead with leakage as a revenue problem with clinicians in the room; frame "
                "it as continuity of care first. Finance will find the revenue number on their own."),
    ])


# ======================================================================================
# Validation and output
# ======================================================================================
def validate(pieces: list[Piece]) -> list[str]:
    """Check tags against the taxonomy and the demo's coverage rules; return problems."""
    tax = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    stage_of = {g["key"]: s["key"] for s in tax["stages"] for g in s["gates"]}
    stages = [s["key"] for s in tax["stages"]]
    facets = tax["facets"]
    problems: list[str] = []
    names = set()
    for p in pieces:
        ident = p.file or p.link
        if ident in names:
            problems.append(f"duplicate piece {ident}")
        names.add(ident)
        if p.file and not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.(pdf|docx|pptx|xlsx)", p.file):
            problems.append(f"{ident}: file name is not lowercase-kebab")
        if p.link and not re.match(r"https://([a-z0-9-]+\.)*example\.(com|org)/", p.link):
            problems.append(f"{ident}: links must use example.com / example.org")
        for s in p.stages:
            if s not in stages:
                problems.append(f"{ident}: unknown stage {s}")
        for g in p.gates:
            if g not in stage_of:
                problems.append(f"{ident}: unknown gate {g}")
            elif stage_of[g] not in p.stages:
                problems.append(f"{ident}: gate {g} belongs to stage {stage_of[g]} not tagged")
        for facet in ("persona", "industry", "product", "content_type"):
            for label in getattr(p, facet):
                if label not in facets[facet]:
                    problems.append(f"{ident}: unknown {facet} label {label!r}")
        if p.status not in ("draft", "published"):
            problems.append(f"{ident}: bad status {p.status}")
        if p.source not in ("marketing", "rep"):
            problems.append(f"{ident}: bad source {p.source}")
        dt.date.fromisoformat(p.review_by)
    covered_stages = {s for p in pieces for s in p.stages}
    for s in stages:
        if s not in covered_stages:
            problems.append(f"stage {s} has no piece")
    covered = {g for p in pieces for g in p.gates}
    covered_published = {g for p in pieces if p.status == "published" for g in p.gates}
    for g in stage_of:
        if g in GAP_GATES:
            if g in covered:
                problems.append(f"gap gate {g} must have no piece")
        elif g not in covered_published:
            problems.append(f"gate {g} has no published piece")
    return problems


def main(argv: list[str] | None = None) -> int:
    problems = validate(PIECES)
    if problems:
        for line in problems:
            print("error:", line, file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for p in PIECES:
        if not p.file:
            continue
        RENDERERS[Path(p.file).suffix](p, OUT / p.file)
    manifest = [p.manifest_entry() for p in PIECES]
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    total = sum(f.stat().st_size for f in OUT.iterdir() if f.is_file())
    stale = [p.file or p.link for p in PIECES if p.review_by < DEMO_TODAY]
    print(f"wrote {sum(1 for p in PIECES if p.file)} files and {sum(1 for p in PIECES if p.link)} "
          f"links to {OUT} ({total / 1024:.0f} KiB)")
    print("coverage gaps:", ", ".join(GAP_GATES))
    print("stale as of", DEMO_TODAY + ":", ", ".join(stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
