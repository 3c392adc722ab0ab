"""How one result reads in the grid: a card with the first page large, the title, and under it
the type, the use count and a STALE or EXPIRED flag."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QTextLayout
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from enablement.display import count
from enablement.models.dto import PieceSummary
from ..models.piece_table_model import STAR, FavouriteRole, PieceRole
from ..text import file_type_label, shown
from . import tones
from .piece_delegate import PieceDelegate

CARD = QSize(196, 262)
CARD_THUMB = QSize(120, 156)  # thumbnails are drawn 120 px wide: never scaled up


def wrapped(text: str, font: QFont, width: int, lines: int) -> list[str]:
    """``text`` in at most ``lines`` lines of ``width`` pixels, the last one elided."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    out: list[str] = []
    while len(out) < lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        out.append(text[line.textStart():line.textStart() + line.textLength()])
    layout.endLayout()
    consumed = sum(len(x) for x in out)
    if out and consumed < len(text):
        out[-1] = QFontMetrics(font).elidedText(out[-1].rstrip() + " " + text[consumed:],
                                                Qt.TextElideMode.ElideRight, width)
    return [x.strip() for x in out]


class PieceCardDelegate(PieceDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return CARD

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        piece: PieceSummary | None = index.data(PieceRole)
        if piece is None:
            return super().paint(painter, option, index)
        painter.save()
        palette = option.palette
        rect = option.rect.adjusted(6, 6, -6, -6)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setPen(palette.color(QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Mid))
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight) if selected else palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(rect, 6, 6)
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = QColor(text_color)
        muted.setAlpha(170)

        thumb = QRect(rect.left() + (rect.width() - CARD_THUMB.width()) // 2, rect.top() + 10,
                      CARD_THUMB.width(), CARD_THUMB.height())
        self._paint_thumbnail(painter, thumb, piece, palette)

        inner = rect.adjusted(10, 0, -10, 0)
        y = thumb.bottom() + 8
        title_font = QFont(option.font)
        title_font.setBold(True)
        fm = QFontMetrics(title_font)
        painter.setFont(title_font)
        painter.setPen(text_color)
        for line in wrapped((STAR if index.data(FavouriteRole) else "") + shown(piece.title), title_font, inner.width(), 2):
            painter.drawText(QRect(inner.left(), y, inner.width(), fm.height()), Qt.AlignmentFlag.AlignHCenter, line)
            y += fm.height()

        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.88)
        sfm = QFontMetrics(small)
        painter.setFont(small)
        kind = ", ".join(piece.labels("content_type")) or file_type_label(piece.file_type, piece.kind)
        painter.setPen(muted)
        line = f"{kind} · {count(piece.use_count, 'use')}"
        bottom = rect.bottom() - 8 - sfm.height()
        painter.drawText(QRect(inner.left(), bottom, inner.width(), sfm.height()), Qt.AlignmentFlag.AlignHCenter,
                         sfm.elidedText(line, Qt.TextElideMode.ElideRight, inner.width()))
        flags = [f for f, raised in (("EXPIRED", piece.expired), ("STALE", piece.stale),
                                     (piece.status.upper(), piece.status != "published")) if raised]
        if flags:
            badge_y = bottom - sfm.height() - 6
            x = inner.left() + (inner.width() - sum(sfm.horizontalAdvance(f) + 18 for f in flags)) // 2
            for flag in flags:
                x += self._badge(painter, QRect(x, badge_y, 0, sfm.height() + 2), flag,
                                 tones.accent(palette, "empty" if flag in ("STALE", "EXPIRED") else "stale"),
                                 palette, small) + 6
        painter.restore()
