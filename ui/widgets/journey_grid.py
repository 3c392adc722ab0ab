"""The journey map grid: stages as columns, gates as cards. Reused by the reports page
for the coverage grid.

Each card shows the gate question as its headline, then how many published pieces answer
it, how many reps used lately and how old the freshest one is. Empty cards say "No
content — request it"; stale ones carry an amber badge. Colours come from the palette.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QColor, QPainter, QPalette, QPen, QTextLayout, QTextOption
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QMenu, QStyle, QStyledItemDelegate,
                               QStyleOptionViewItem, QTableView, QWidget)

from enablement.models.journey import JourneyCell, JourneyMap
from ..models.journey_grid_model import CellRole, JourneyGridTableModel, age_text
from . import tones

# Columns share the view's width and rows its height; below these a scroll bar appears.
CARD_HEIGHT = 136  # room for a four-line question above the counts
CARD_MIN_WIDTH = 124
_PAD = 10


def _first_fitting(fm: QFontMetrics, texts: tuple[str, ...], width: int) -> str:
    """The first of ``texts`` (longest first) that fits ``width``; else the last, elided."""
    for text in texts:
        if fm.horizontalAdvance(text) <= width:
            return text
    return fm.elidedText(texts[-1], Qt.TextElideMode.ElideRight, width)


class JourneyCellDelegate(QStyledItemDelegate):
    """Paints one gate as a card."""

    def __init__(self, parent: Optional[QWidget] = None, window_days: int = 90) -> None:
        super().__init__(parent)
        self.window_days = window_days
        self.selection_color: Optional[QColor] = None  # the view hides Qt's own selection fill and gives us its colour

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(CARD_MIN_WIDTH, CARD_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        cell: Optional[JourneyCell] = index.data(CellRole)
        if cell is None:
            return
        palette: QPalette = option.palette
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(option.rect.adjusted(4, 4, -4, -4))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        state = "empty" if cell.empty else "stale" if cell.stale else None
        fill = tones.background(palette, state) if state else palette.color(QPalette.ColorRole.Base)
        if hovered and not selected:
            fill = tones.mix(fill, palette.color(QPalette.ColorRole.Highlight), 0.08)
        border = (self.selection_color or palette.color(QPalette.ColorRole.Highlight) if selected
                  else tones.accent(palette, state) if state else palette.color(QPalette.ColorRole.Mid))
        pen = QPen(border, 2.2 if selected else 1.2)
        if cell.empty and not selected:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(card, 7, 7)

        text_color = palette.color(QPalette.ColorRole.Text)
        muted = tones.mix(text_color, fill, 0.4)
        inner = card.toRect().adjusted(_PAD, _PAD - 2, -_PAD, -_PAD + 2)
        base_font = QFont(option.font)
        head_font = QFont(base_font)
        head_font.setBold(True)
        small_font = QFont(base_font)
        small_font.setPointSizeF(max(base_font.pointSizeF() - 1, 7))

        # Bottom lines first, so the headline gets what is left.
        fm_small = QFontMetrics(small_font)
        line_h = fm_small.height()
        bottom = inner.bottom()
        if cell.empty:
            bold_small = QFont(small_font)
            bold_small.setBold(True)
            painter.setFont(bold_small)
            painter.setPen(tones.accent(palette, "empty"))
            rect = QRect(inner.left(), bottom - line_h, inner.width(), line_h)
            text = _first_fitting(QFontMetrics(bold_small), ("No content — request it", "No content"),
                                  inner.width())
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            used_top = rect.top()
        else:
            painter.setFont(small_font)
            age = age_text(cell.age_days)
            # Narrow cards drop words before they cut any: the overdue count matters most.
            fresh = ((f"Newest {age} · {cell.stale_pieces} overdue", f"{age} · {cell.stale_pieces} overdue",
                      f"{cell.stale_pieces} overdue") if cell.stale_pieces else (f"Newest {age}", age))
            painter.setPen(tones.accent(palette, "stale") if cell.stale or cell.stale_pieces else muted)
            rect2 = QRect(inner.left(), bottom - line_h, inner.width(), line_h)
            painter.drawText(rect2, Qt.AlignmentFlag.AlignLeft, _first_fitting(fm_small, fresh, inner.width()))
            used = _first_fitting(fm_small, (f"{cell.used_pieces} used in {self.window_days} d",
                                             f"{cell.used_pieces} used"), inner.width())
            painter.setPen(tones.accent(palette, "good") if cell.used_pieces else muted)
            rect1 = QRect(inner.left(), rect2.top() - line_h, inner.width(), line_h)
            painter.drawText(rect1, Qt.AlignmentFlag.AlignLeft, used)
            count_font = QFont(base_font)
            count_font.setBold(True)
            count_font.setPointSizeF(base_font.pointSizeF() + 3)
            painter.setFont(count_font)
            painter.setPen(text_color)
            fm_count = QFontMetrics(count_font)
            rect0 = QRect(inner.left(), rect1.top() - fm_count.height(), inner.width(), fm_count.height())
            number = str(cell.published)
            painter.drawText(rect0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, number)
            painter.setFont(small_font)
            painter.setPen(muted)
            label_rect = rect0.adjusted(fm_count.horizontalAdvance(number) + 5, 0, 0, -2)
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                             "piece" if cell.published == 1 else "pieces")
            if cell.stale:
                _badge(painter, palette, rect0, "STALE", small_font)
            used_top = rect0.top()

        painter.setFont(head_font if cell.gate_id is not None else base_font)
        painter.setPen(text_color if cell.gate_id is not None else muted)
        head_rect = QRect(inner.left(), inner.top(), inner.width(), max(used_top - inner.top() - 4, 0))
        _draw_wrapped(painter, head_rect, cell.question, painter.font())
        painter.restore()


def QApplication_palette() -> QPalette:  # noqa: N802 - a tiny helper for changeEvent
    from PySide6.QtWidgets import QApplication

    return QApplication.palette()


def _badge(painter: QPainter, palette: QPalette, row: QRect, text: str, font: QFont) -> None:
    fm = QFontMetrics(font)
    w = fm.horizontalAdvance(text) + 12
    rect = QRectF(row.right() - w, row.center().y() - fm.height() / 2, w, fm.height() + 2)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(tones.accent(palette, "stale"))
    painter.drawRoundedRect(rect, 4, 4)
    painter.setFont(font)
    painter.setPen(palette.color(QPalette.ColorRole.Base))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _draw_wrapped(painter: QPainter, rect: QRect, text: str, font: QFont) -> None:
    """Word-wrapped text that ends with an ellipsis when it does not fit ``rect``."""
    fm = QFontMetrics(font)
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    lines: list[tuple[str, float]] = []
    y = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(rect.width())
        if y + fm.height() * 2 > rect.height() and lines:
            # Last line that fits: elide the rest of the text onto it.
            rest = text[line.textStart():]
            lines.append((fm.elidedText(rest, Qt.TextElideMode.ElideRight, rect.width()), y))
            break
        lines.append((text[line.textStart():line.textStart() + line.textLength()].rstrip(), y))
        y += fm.height()
    layout.endLayout()
    for part, offset in lines:
        painter.drawText(QRect(rect.left(), rect.top() + int(offset), rect.width(), fm.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, part)


class JourneyGridView(QTableView):
    """A QTableView of gate cards. Emits ``cell_selected`` on click, ``cell_activated`` on
    double-click / Enter and ``request_wanted`` from the context menu of a cell."""

    cell_selected = Signal(object)  # JourneyCell
    cell_activated = Signal(object)
    request_wanted = Signal(object)

    def __init__(self, parent: Optional[QWidget] = None, can_request: bool = True) -> None:
        super().__init__(parent)
        self.grid_model = JourneyGridTableModel(self)
        self.setModel(self.grid_model)
        self.delegate = JourneyCellDelegate(self)
        self.setItemDelegate(self.delegate)
        self.can_request = can_request
        self.setShowGrid(False)
        self.setMouseTracking(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setFrameShape(QTableView.Shape.NoFrame)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows.setMinimumSectionSize(CARD_HEIGHT)
        rows.setDefaultSectionSize(CARD_HEIGHT)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(CARD_MIN_WIDTH)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        font = header.font()
        font.setBold(True)
        header.setFont(font)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.clicked.connect(self._clicked)
        self.activated.connect(self._activated)
        self.setAccessibleName("Journey map")
        self._hide_selection_fill()

    def _hide_selection_fill(self) -> None:
        # The card draws its own selection border; Qt's fill behind the cell would cover the gap.
        from PySide6.QtWidgets import QApplication

        app_palette = QApplication.palette(self)
        self.delegate.selection_color = app_palette.color(QPalette.ColorRole.Highlight)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Highlight, Qt.GlobalColor.transparent)
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)

        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self.setPalette(QApplication_palette())
            self._hide_selection_fill()

    def set_map(self, journey: Optional[JourneyMap]) -> None:
        selected = self.current_cell()
        self.grid_model.set_map(journey)
        if journey is not None:
            self.delegate.window_days = journey.window_days
        if selected is not None:
            index = self.grid_model.index_of(selected.stage_id, selected.gate_id)
            if index.isValid():
                self.setCurrentIndex(index)

    def current_cell(self) -> Optional[JourneyCell]:
        return self.grid_model.cell(self.currentIndex())

    def select_cell(self, stage_id: int, gate_id: Optional[int]) -> Optional[JourneyCell]:
        index = self.grid_model.index_of(stage_id, gate_id)
        if not index.isValid():
            return None
        self.setCurrentIndex(index)
        self._clicked(index)
        return self.grid_model.cell(index)

    def minimum_grid_height(self) -> int:
        """The height that shows every row at the smallest card height."""
        return self.horizontalHeader().sizeHint().height() + self.grid_model.rowCount() * CARD_HEIGHT + 4

    def _clicked(self, index: QModelIndex) -> None:
        cell = self.grid_model.cell(index)
        if cell is not None:
            self.cell_selected.emit(cell)

    def _activated(self, index: QModelIndex) -> None:
        cell = self.grid_model.cell(index)
        if cell is not None:
            self.cell_activated.emit(cell)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        cell = self.grid_model.cell(index)
        if cell is None:
            return
        self.setCurrentIndex(index)
        self._clicked(index)
        menu = QMenu(self)
        show = menu.addAction("Show pieces")
        show.triggered.connect(lambda: self.cell_activated.emit(cell))
        show.setEnabled(not cell.empty)
        if self.can_request:
            request = menu.addAction("Request content for this gate…")
            request.triggered.connect(lambda: self.request_wanted.emit(cell))
        menu.popup(self.viewport().mapToGlobal(pos))
