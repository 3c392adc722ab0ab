"""Charts for the PDF report, drawn with reportlab.graphics (no extra dependencies)."""

from __future__ import annotations

from typing import Any, Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from enablement.display import count

INK = colors.HexColor("#1F2D3D")
BLUE = colors.HexColor("#2E75B6")
GREEN = colors.HexColor("#C6E0B4")
GREEN_DARK = colors.HexColor("#70AD47")
AMBER = colors.HexColor("#FFE699")
RED = colors.HexColor("#F4B6B6")
GREY = colors.HexColor("#7F7F7F")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _title(d: Drawing, text: str, width: float, height: float) -> None:
    d.add(String(0, height - 12, text, fontName="Helvetica-Bold", fontSize=10, fillColor=INK))


def bar_chart_horizontal(title: str, labels: Sequence[str], values: Sequence[float], width: float = 480,
                         bar_color: Any = BLUE, label_chars: int = 38) -> Drawing:
    """Horizontal bars with the value printed at the end of each bar (first label on top)."""
    n = max(len(values), 1)
    height = 40 + 16 * n
    d = Drawing(width, height)
    _title(d, title, width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 190, 10
    chart.width, chart.height = width - 230, height - 40
    chart.data = [list(reversed(values)) or [0]]
    chart.categoryAxis.categoryNames = [_short(s, label_chars) for s in reversed(labels)] or [""]
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    top = max(values, default=0)
    chart.valueAxis.valueMax = max(top * 1.15, 1)
    if top <= 10:
        chart.valueAxis.valueStep = 1  # counts: no half pieces on the axis
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.bars[0].fillColor = bar_color
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    return d


def over_time_chart(title: str, labels: Sequence[str], values: Sequence[float], width: float = 720,
                    height: float = 190) -> Drawing:
    """Uses per week/month as columns; labels thinned so they never overlap."""
    d = Drawing(width, height)
    _title(d, title, width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 45, 35
    chart.width, chart.height = width - 60, height - 60
    chart.data = [list(values) or [0]]
    step = max(1, -(-len(labels) // 14))
    chart.categoryAxis.categoryNames = [lab if i % step == 0 else "" for i, lab in enumerate(labels)] or [""]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30
    chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    top = max(values, default=0)
    chart.valueAxis.valueMax = max(top * 1.1, 1)
    if top <= 10:
        chart.valueAxis.valueStep = 1
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#DDDDDD")
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    chart.groupSpacing = 1
    d.add(chart)
    return d


def coverage_grid(title: str, rows: Sequence[dict[str, Any]], width: float = 760) -> Drawing:
    """The journey map as a heat grid: a column per stage, a cell per gate.

    Green = used (darker with more uses), amber = pieces but no use, red = GAP."""
    stages: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["gate_id"] is not None:
            stages.setdefault(r["stage"], []).append(r)
    cols = max(len(stages), 1)
    cell_w, cell_h, gap = (width - 4) / cols, 40, 4
    depth = max((len(g) for g in stages.values()), default=1)
    height = 34 + 18 + depth * (cell_h + gap) + 18
    d = Drawing(width, height)
    _title(d, title, width, height)
    top = height - 34
    most = max((r["uses"] for r in rows if r["gate_id"] is not None), default=0) or 1
    for i, (stage, gates) in enumerate(stages.items()):
        x = i * cell_w
        d.add(String(x + cell_w / 2, top, _short(stage, 22), fontName="Helvetica-Bold", fontSize=8,
                     fillColor=INK, textAnchor="middle"))
        for j, g in enumerate(gates):
            y = top - 10 - (j + 1) * (cell_h + gap)
            if g["status"] == "GAP":
                fill = RED
            elif g["status"] == "NO USE":
                fill = AMBER
            else:
                fill = colors.linearlyInterpolatedColor(GREEN, GREEN_DARK, 0, 1, min(g["uses"] / most, 1))
            d.add(Rect(x + 2, y, cell_w - 4, cell_h, fillColor=fill, strokeColor=colors.white, rx=3, ry=3))
            d.add(String(x + 6, y + cell_h - 11, _short(g["gate_key"], int(cell_w / 4.2)), fontName="Helvetica-Bold",
                         fontSize=7, fillColor=INK))
            if g["status"] == "GAP":
                line = "GAP: no piece"
            else:
                line = f"{g['published']} pcs · {g['used']} used"
            d.add(String(x + 6, y + cell_h - 22, line, fontName="Helvetica", fontSize=7, fillColor=INK))
            if g["status"] != "GAP":
                fresh = g["freshest_age_days"]
                d.add(String(x + 6, y + cell_h - 33, f"{count(g['uses'], 'use')} · {fresh}d old", fontName="Helvetica",
                             fontSize=7, fillColor=INK))
    legend_y = 4
    for k, (fill, text) in enumerate(((GREEN_DARK, "used (darker = more uses)"), (AMBER, "pieces, no use"),
                                      (RED, "gap: no published piece"))):
        lx = k * 170
        d.add(Rect(lx, legend_y, 10, 8, fillColor=fill, strokeColor=None))
        d.add(String(lx + 14, legend_y + 1, text, fontName="Helvetica", fontSize=7, fillColor=GREY))
    return d
