"""The one-click PDF for a meeting: a title page with the headline numbers, then a section
per report with its charts, its tables (first rows) and its definitions."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table,
                                TableStyle)

from enablement.reports import charts
from enablement.reports.base import Report
from enablement.reports.export import cell_text, percent, written_whole
from enablement.reports.trends import TrendsReport
from enablement.reports.used import UsedVsIgnoredReport
from enablement.reports.value import HoursSavedReport

MAX_ROWS = 20
PAGE = landscape(A4)
MARGIN = 14 * mm
WIDTH = PAGE[0] - 2 * MARGIN

_styles = getSampleStyleSheet()
H1 = ParagraphStyle("h1", parent=_styles["Title"], fontSize=24, leading=30, alignment=0, textColor=charts.INK)
H2 = ParagraphStyle("h2", parent=_styles["Heading2"], fontSize=15, textColor=charts.INK, spaceBefore=4)
H3 = ParagraphStyle("h3", parent=_styles["Heading4"], fontSize=10, textColor=charts.INK, spaceBefore=6)
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontSize=9, leading=11.5)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#555555"))
CELL = ParagraphStyle("cell", parent=BODY, fontSize=7.5, leading=9)
KPI_VALUE = ParagraphStyle("kpi", parent=BODY, fontSize=20, leading=24, textColor=charts.BLUE)
KPI_LABEL = ParagraphStyle("kpil", parent=BODY, fontSize=8, leading=10, textColor=charts.INK)

# The numbers the title page leads with: (report name, attribute).
TITLE_NUMBERS = (("used", "share_used"), ("used", "ignored"), ("coverage", "gaps"), ("adoption", "share_active"),
                 ("search-gaps", "share_unanswered"), ("freshness", "stale"), ("requests", "open"),
                 ("hours-saved", "hours_saved"), ("helpfulness", "helpful_ratio"))


def _fmt(attr: str, value: Any) -> str:
    if attr.startswith("share") or attr.endswith("ratio"):
        return percent(value) if value is not None else "n/a"
    if attr == "hours_saved":
        return f"≈ {value:,.0f} h"
    return cell_text(value)


def _title_page(reports: Sequence[Report]) -> list[Any]:
    by_name = {r.name: r for r in reports}
    first = reports[0]
    flow: list[Any] = [Paragraph("Sales content report", H1),
                       Paragraph(escape(first.filter.describe()) + f" &nbsp;·&nbsp; as of {first.today}", BODY),
                       Spacer(1, 8 * mm)]
    tiles = []
    for name, attr in TITLE_NUMBERS:
        report = by_name.get(name)
        if report is None:
            continue
        label = dict(report.HEADLINE)[attr]
        if attr == "hours_saved":
            label += " (estimate)"
        tiles.append([Paragraph(escape(_fmt(attr, getattr(report, attr))), KPI_VALUE),
                      Paragraph(escape(label), KPI_LABEL)])
    if tiles:
        cols = 3
        grid = [tiles[i:i + cols] + [""] * (cols - len(tiles[i:i + cols])) for i in range(0, len(tiles), cols)]
        t = Table(grid, colWidths=[WIDTH / cols] * cols, rowHeights=[24 * mm] * len(grid))
        t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#BBBBBB")),
                               ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#DDDDDD")),
                               ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F5F8FC")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 10)]))
        flow.append(t)
    hours = by_name.get("hours-saved")
    if isinstance(hours, HoursSavedReport):
        flow += [Spacer(1, 5 * mm), Paragraph(f"<b>Hours saved is an estimate:</b> {escape(hours.formula)}. "
                                              f"{escape(hours.assumption)}", SMALL)]
    flow += [Spacer(1, 4 * mm), Paragraph("Every number is counted from the usage and search logs; each section "
                                          "ends with the definitions it uses.", SMALL), PageBreak()]
    return flow


HIDDEN_IN_PDF = ("user_id", "stage_id", "gate_id")  # ids help a spreadsheet, not a meeting


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    keep = [i for i, c in enumerate(columns) if c not in HIDDEN_IN_PDF]
    columns = [columns[i] for i in keep]
    rows = [[row[i] for i in keep] for row in rows[:MAX_ROWS]]

    def show(column: str, value: Any) -> str:
        if column.startswith("share") or column == "ratio":
            return percent(value)
        return cell_text(value)

    head = [Paragraph(f"<font color='white'><b>{escape(c.replace('_', ' '))}</b></font>", CELL) for c in columns]
    body = [[Paragraph(escape(show(c, v)), CELL) for c, v in zip(columns, row)] for row in rows[:MAX_ROWS]]
    long_cols = {i for i, c in enumerate(columns) if c in ("title", "gate", "query", "why_ignored", "need")}
    weights = [3.0 if i in long_cols else 1.0 for i in range(len(columns))]
    col_widths = [WIDTH * w / sum(weights) for w in weights]
    t = Table([head] + body, colWidths=col_widths, repeatRows=1)
    style = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E79")),
             ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
             ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#DDDDDD")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    for i, row in enumerate(body, 1):
        if i % 2 == 0:
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#F4F6F9")))
    t.setStyle(TableStyle(style))
    return t


def _charts(report: Report) -> list[Any]:
    if isinstance(report, UsedVsIgnoredReport):
        labels = ["Used", "Opened, never used", "Surfaced, never opened", "Never surfaced"]
        values = [report.used, report.opened_not_used, report.surfaced_not_opened, report.never_surfaced]
        return [charts.bar_chart_horizontal("Published pieces: used vs ignored (and why)", labels, values, width=WIDTH)]
    if report.name == "coverage":
        return [charts.coverage_grid("Coverage map: stage × gate", report.table("grid").as_dicts(), width=WIDTH)]
    if isinstance(report, TrendsReport):
        t = report.table("over_time")
        out = [charts.over_time_chart(f"Uses per {report.bucket}", t.column(report.bucket), t.column("uses"),
                                      width=WIDTH)]
        top = report.table("top")
        if top.rows:
            out.append(charts.bar_chart_horizontal("Top pieces by uses", top.column("title"), top.column("uses"),
                                                   width=WIDTH))
        return out
    if report.name == "adoption":
        reps = sorted(report.table("reps").rows, key=lambda r: -r[3])[:15]
        if reps:
            return [charts.bar_chart_horizontal("Uses per rep (top 15)", [r[1] for r in reps], [r[3] for r in reps],
                                                width=WIDTH, bar_color=charts.GREEN_DARK)]
    return []


def _section(report: Report) -> list[Any]:
    flow: list[Any] = [Paragraph(escape(report.title), H2), Paragraph(escape(report.filter.describe()), SMALL)]
    numbers = [[Paragraph(escape(label), CELL), Paragraph(f"<b>{escape(_fmt(attr, value))}</b>", CELL)]
               for (attr, _), (label, value) in zip(report.HEADLINE, report.headline())]
    t = Table(numbers, colWidths=[WIDTH * 0.35, WIDTH * 0.65], hAlign="LEFT")
    t.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#DDDDDD")),
                           ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    flow += [Spacer(1, 2 * mm), t, Spacer(1, 3 * mm)]
    for chart in _charts(report):
        flow += [chart, Spacer(1, 3 * mm)]
    for table in report.tables:
        if report.name == "trends" and table.name == "over_time" and len(table.rows) > MAX_ROWS:
            continue  # the chart shows it; the XLSX export has the numbers
        more = ""
        if len(table.rows) > MAX_ROWS:
            more = f" (first {MAX_ROWS} of {len(table.rows)}; the XLSX export has all)"
        body = _table(table.columns, table.rows) if table.rows else Paragraph("None.", SMALL)
        # A table starts on the page of its title (one taller than a page still splits).
        flow += [KeepTogether([Paragraph(escape(table.title + more), H3), body]), Spacer(1, 2 * mm)]
    flow += [Paragraph("<b>Definitions</b>", SMALL)] + [Paragraph("• " + escape(n), SMALL) for n in report.notes]
    flow.append(PageBreak())
    return flow


def to_pdf(reports: Sequence[Report], path: Path) -> Path:
    """Write a meeting-ready PDF of ``reports`` (title page, charts, tables, definitions)."""
    if not reports:
        raise ValueError("no reports to write")
    path = Path(path)
    today: date = reports[0].today

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawString(MARGIN, 8 * mm, f"Enablement · sales content report · {today}")
        canvas.drawRightString(PAGE[0] - MARGIN, 8 * mm, f"page {doc.page}")
        canvas.restoreState()

    with written_whole(path) as tmp:
        _build(reports, tmp, footer)
    return path


def _build(reports: Sequence[Report], tmp: Path, footer: Any) -> None:
    doc = SimpleDocTemplate(str(tmp), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title="Sales content report", author="Enablement")
    flow = _title_page(reports)
    for report in reports:
        flow += _section(report)
    flow.pop()  # no blank page at the end
    doc.build(flow, onFirstPage=footer, onLaterPages=footer)
