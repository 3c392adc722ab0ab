"""Widgets of the reports page: headline cards, report tables with drill-down, charts."""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from PySide6.QtCharts import (QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries,
                              QLineSeries, QPieSeries, QValueAxis)
from PySide6.QtCore import QMargins, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHeaderView, QLabel, QPushButton, QTableView,
                               QVBoxLayout, QWidget)

from enablement.reports.base import ReportTable
from ..models.report_table_model import PieceIdRole, ReportTableModel
from ..models.row_table_model import RowRole, SortRole
from . import tones


class KpiCard(QFrame):
    """A headline number with its label and one line of context."""

    def __init__(self, label: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.value_label = QLabel("—")
        font = QFont(self.value_label.font())
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value_label.setFont(font)
        self.caption = QLabel(label)
        caption_font = QFont(self.caption.font())
        caption_font.setBold(True)
        self.caption.setFont(caption_font)
        self.caption.setWordWrap(True)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value_label)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        self.set_tone(None)

    def set_value(self, value: str, detail: str = "", tone: Optional[str] = None) -> None:
        self.value_label.setText(value)
        self.detail.setText(detail)
        self.set_tone(tone)

    def set_tone(self, tone: Optional[str]) -> None:
        palette = self.palette()
        base = QPalette().color(QPalette.ColorRole.Base)
        palette.setColor(QPalette.ColorRole.Window, tones.background(palette, tone) if tone else base)
        self.setPalette(palette)
        value_palette = self.value_label.palette()
        value_palette.setColor(QPalette.ColorRole.WindowText, tones.accent(palette, tone) if tone
                               else QPalette().color(QPalette.ColorRole.Text))
        self.value_label.setPalette(value_palette)


class ReportTableView(QTableView):
    """A sortable report table. Double-click (or Enter) on a row with a piece emits
    ``piece_opened``; ``set_row_action`` puts a button on every row."""

    piece_opened = Signal(int)
    row_chosen = Signal(dict)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.table_model = ReportTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortRole(SortRole)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.horizontalHeader().setHighlightSections(False)
        self.doubleClicked.connect(self._activated)
        self.clicked.connect(lambda index: self.row_chosen.emit(index.data(RowRole) or {}))
        self._action: Optional[Callable[[dict], None]] = None

    def set_row_action(self, label: str, action: Callable[[dict], None]) -> None:
        self.table_model.action_label = label
        self._action = action

    def set_table(self, table: Optional[ReportTable], stretch: str = "") -> None:
        self.table_model.set_table(table)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        column = self.table_model.column_index(stretch) if stretch else -1
        if column >= 0:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        else:
            header.setStretchLastSection(True)
        if self._action is not None and table is not None:
            for row in range(self.proxy.rowCount()):
                index = self.proxy.index(row, self.table_model.action_column)
                button = QPushButton(self.table_model.action_label)
                button.setProperty("row", index.data(RowRole))
                button.clicked.connect(lambda _c=False, b=button: self._action(b.property("row")))
                self.setIndexWidget(index, button)

    def action_button(self, row: int) -> Optional[QPushButton]:
        widget = self.indexWidget(self.proxy.index(row, self.table_model.action_column))
        return widget if isinstance(widget, QPushButton) else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activated(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _activated(self, index: QModelIndex) -> None:
        pid = index.data(PieceIdRole)
        if pid is not None:
            self.piece_opened.emit(int(pid))


def _styled_chart(title: str, palette: QPalette) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setBackgroundVisible(False)
    chart.setPlotAreaBackgroundVisible(False)
    chart.setTitleBrush(palette.color(QPalette.ColorRole.WindowText))
    font = QFont(chart.titleFont())
    font.setBold(True)
    chart.setTitleFont(font)
    chart.legend().setLabelColor(palette.color(QPalette.ColorRole.WindowText))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _style_axis(axis, palette: QPalette) -> None:
    text = palette.color(QPalette.ColorRole.WindowText)
    axis.setLabelsColor(text)
    axis.setLinePenColor(palette.color(QPalette.ColorRole.Mid))
    axis.setGridLineColor(tones.mix(palette.color(QPalette.ColorRole.Window), text, 0.15))


def chart_view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(240)
    view.setStyleSheet("background: transparent")
    return view


def usage_over_time(table: ReportTable, palette: QPalette) -> QChart:
    """Uses per week/month, and how many of them put a piece in front of a buyer."""
    chart = _styled_chart(table.title, palette)
    labels = [str(r[0]) for r in table.rows]
    all_uses, buyers = QLineSeries(), QLineSeries()
    all_uses.setName("All uses")
    buyers.setName("With buyers (sent, in a call, exported)")
    for x, row in enumerate(table.rows):
        all_uses.append(x, row[1])
        buyers.append(x, row[2])
    all_uses.setColor(tones.accent(palette, "info"))
    buyers.setColor(tones.accent(palette, "good"))
    chart.addSeries(all_uses)
    chart.addSeries(buyers)
    axis_x = QBarCategoryAxis()
    axis_x.append([_short_bucket(label) for label in labels])
    axis_x.setLabelsAngle(-45 if len(labels) > 8 else 0)
    axis_y = _count_axis(max([r[1] for r in table.rows] + [0]))
    for axis, align in ((axis_x, Qt.AlignmentFlag.AlignBottom), (axis_y, Qt.AlignmentFlag.AlignLeft)):
        _style_axis(axis, palette)
        chart.addAxis(axis, align)
        all_uses.attachAxis(axis)
        buyers.attachAxis(axis)
    return chart


def _count_axis(largest: float) -> QValueAxis:
    """A 0-based axis of whole numbers with four round steps (never an empty range)."""
    rough = max(largest, 1) / 4
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 10**9)
                if s >= rough)
    axis = QValueAxis()
    axis.setRange(0, step * 4)
    axis.setTickCount(5)
    axis.setLabelFormat("%d")
    return axis


def _short_bucket(label: str) -> str:
    # "2026-05-04" → "4 May", "2026-05" → "May 26"
    from datetime import date

    try:
        if len(label) == 10:
            return f"{date.fromisoformat(label):%-d %b}"
        return f"{date.fromisoformat(label + '-01'):%b %y}"
    except ValueError:
        return label


def top_pieces(table: ReportTable, palette: QPalette, limit: int = 8) -> QChart:
    """The most used pieces as horizontal bars (most used on top)."""
    chart = _styled_chart("Top pieces by uses", palette)
    rows = list(table.rows[:limit])[::-1]
    bars = QBarSet("Uses")
    bars.setColor(tones.accent(palette, "info"))
    bars.setBorderColor(QColor(Qt.GlobalColor.transparent))
    bars.setLabelColor(palette.color(QPalette.ColorRole.Base))  # the accent is dark on light themes, light on dark
    for row in rows:
        bars.append(row[2])
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsInsideEnd)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append([_elide(str(r[1]), 34) for r in rows])
    axis_x = _count_axis(max([r[2] for r in rows] + [0]))
    for axis, align in ((axis_y, Qt.AlignmentFlag.AlignLeft), (axis_x, Qt.AlignmentFlag.AlignBottom)):
        _style_axis(axis, palette)
        chart.addAxis(axis, align)
        series.attachAxis(axis)
    chart.legend().hide()
    return chart


def used_vs_ignored(used: int, reasons: Sequence[tuple[str, int]], palette: QPalette) -> QChart:
    """A donut: used pieces, and the ignored ones split by how far they got."""
    chart = _styled_chart("Published pieces: used vs ignored", palette)
    series = QPieSeries()
    series.setHoleSize(0.45)
    colours = [tones.accent(palette, "good"), tones.accent(palette, "empty"), tones.accent(palette, "stale"),
               tones.mix(tones.accent(palette, "stale"), palette.color(QPalette.ColorRole.Base), 0.45)]
    for (label, value), colour in zip([("Used", used), *reasons], colours):
        if value:
            piece = series.append(f"{label} ({value})", value)
            piece.setColor(colour)
            piece.setBorderColor(palette.color(QPalette.ColorRole.Window))
    chart.addSeries(series)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    return chart


def _elide(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"
