"""How one result reads: thumbnail, title, stage/gate chips, trust badge, use count."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from enablement.display import count
from enablement.models.dto import PieceSummary
from enablement.models.vocab import Source
from typing import Optional
from ..models.piece_table_model import STAR, FavouriteRole, PieceRole, SnippetRole
from ..text import file_type_label, plain, review_text, shown
from ..widgets import tones
from ..widgets.thumbnails import ThumbnailCache

ROW_HEIGHT = 112
THUMB = QSize(66, 88)


def chip_color(palette: QPalette, dimension: str) -> QColor:
    base = palette.color(QPalette.ColorRole.Highlight)
    if dimension == "gate":
        base = palette.color(QPalette.ColorRole.Link)
    color = QColor(base)
    color.setAlpha(46)
    return color


class PieceDelegate(QStyledItemDelegate):
    def __init__(self, thumbnails: ThumbnailCache, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        # The view gives each row its whole width; a wider hint would only add a horizontal scroll bar.
        return QSize(400, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        piece: PieceSummary | None = index.data(PieceRole)
        if piece is None:
            return super().paint(painter, option, index)
        painter.save()
        palette = option.palette
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        elif index.row() % 2:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = QColor(text_color)
        muted.setAlpha(170)

        thumb_rect = QRect(rect.left() + 10, rect.top() + (rect.height() - THUMB.height()) // 2, THUMB.width(),
                           THUMB.height())
        self._paint_thumbnail(painter, thumb_rect, piece, palette)

        left = thumb_rect.right() + 14
        right = rect.right() - 12
        font = QFont(option.font)
        # Use count, top right.
        count_font = QFont(font)
        count_font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(count_font)
        painter.setPen(muted)
        uses = count(piece.use_count, "use")
        uses_w = QFontMetrics(count_font).horizontalAdvance(uses) + 4
        painter.drawText(QRect(right - uses_w, rect.top() + 10, uses_w, 20), Qt.AlignmentFlag.AlignRight, uses)

        # Title.
        title_font = QFont(font)
        title_font.setPointSizeF(font.pointSizeF() * 1.12)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text_color)
        fm = QFontMetrics(title_font)
        title_w = right - left - uses_w - 8
        y = rect.top() + 8
        badge = "" if piece.status == "published" else piece.status.upper()
        if badge:
            badge_w = self._badge(painter, QRect(left, y + 2, 0, fm.height() - 2), badge,
                                  tones.accent(palette, "stale"), palette, count_font)
            left_title = left + badge_w + 6
        else:
            left_title = left
        painter.setFont(title_font)
        painter.setPen(text_color)
        painter.drawText(QRect(left_title, y, title_w - (left_title - left), fm.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText((STAR if index.data(FavouriteRole) else "") + shown(piece.title),
                                        Qt.TextElideMode.ElideRight, title_w - (left_title - left)))
        y += fm.height() + 4

        # Chips: stages then gates.
        chip_font = QFont(font)
        chip_font.setPointSizeF(font.pointSizeF() * 0.88)
        painter.setFont(chip_font)
        cfm = QFontMetrics(chip_font)
        x = left
        chips = [("stage", s) for s in piece.labels("stage")] + [("gate", g) for g in piece.labels("gate")]
        for dimension, label in chips:
            text = label if len(label) <= 48 else label[:46] + "…"
            w = cfm.horizontalAdvance(text) + 14
            if x + w > right:
                break
            chip = QRectF(x, y, w, cfm.height() + 4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(chip_color(palette, dimension))
            painter.drawRoundedRect(chip, 8, 8)
            painter.setPen(text_color)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            x += w + 6
        if not chips:
            painter.setPen(muted)
            painter.drawText(QRect(left, y, right - left, cfm.height() + 4), Qt.AlignmentFlag.AlignVCenter,
                             "Not tagged to a stage yet")
        y += cfm.height() + 10

        # Trust line: owner, review state, STALE flag; then type.
        painter.setFont(chip_font)
        x = left
        for flag, raised in (("EXPIRED", piece.expired), ("STALE", piece.stale)):
            if raised:
                x += self._badge(painter, QRect(x, y, 0, cfm.height() + 2), flag, tones.accent(palette, "empty"),
                                 palette, chip_font) + 6
        painter.setPen(tones.accent(palette, "empty") if (piece.stale or piece.expired) and not selected else muted)
        kind = ", ".join(piece.labels("content_type")) or file_type_label(piece.file_type, piece.kind)
        trust = f"{review_text(piece)} · {kind}"
        if piece.source == Source.REP:
            trust += " · rep-made"
        painter.drawText(QRect(x, y, right - x, cfm.height() + 2), Qt.AlignmentFlag.AlignVCenter,
                         cfm.elidedText(trust, Qt.TextElideMode.ElideRight, right - x))
        y += cfm.height() + 6

        snippet = plain(index.data(SnippetRole) or "")
        if snippet:
            painter.setPen(muted)
            painter.drawText(QRect(left, y, right - left, cfm.height() + 2), Qt.AlignmentFlag.AlignVCenter,
                             cfm.elidedText(" ".join(snippet.split()), Qt.TextElideMode.ElideRight, right - left))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid)))
        painter.drawLine(rect.left() + 8, rect.bottom(), rect.right() - 8, rect.bottom())
        painter.restore()

    def _paint_thumbnail(self, painter: QPainter, r: QRect, piece: PieceSummary, palette: QPalette) -> None:
        pixmap = self.thumbnails.pixmap(piece)  # from memory; a worker fills the cache
        if pixmap is not None:
            size = pixmap.deviceIndependentSize().toSize()
            if size.width() > r.width() or size.height() > r.height():  # the cache scales once; this is a fallback
                size = size.scaled(r.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(r.left() + (r.width() - size.width()) // 2, r.top() + (r.height() - size.height()) // 2,
                           size.width(), size.height())
            painter.drawPixmap(target, pixmap)
            painter.setPen(palette.color(QPalette.ColorRole.Mid))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(target.adjusted(0, 0, -1, -1))
            return
        not_here = self.thumbnails.not_here(piece)
        border = QPen(palette.color(QPalette.ColorRole.Mid))
        if not_here:  # offline and the file is not on this laptop: a dashed outline and a caption
            border.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(border)
        painter.setBrush(palette.color(QPalette.ColorRole.Window if not_here else QPalette.ColorRole.Button))
        painter.drawRoundedRect(r, 4, 4)
        label = "LINK" if piece.kind == "link" else (piece.file_type or "file").upper()
        color = {"PDF": QColor(200, 60, 50), "DOCX": QColor(45, 95, 185), "PPTX": QColor(205, 90, 40),
                 "XLSX": QColor(30, 130, 70), "LINK": QColor(110, 90, 190)}.get(label, palette.color(QPalette.ColorRole.Dark))
        band = QRect(r.left() + 6, r.center().y() - 11, r.width() - 12, 22)
        if not_here:
            color.setAlpha(110)
            band.moveTop(r.top() + 10)
            base = QFont(painter.font())
            caption = QFont(base)
            caption.setPointSizeF(max(6.0, caption.pointSizeF() * 0.72))
            painter.setFont(caption)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QRect(r.left() + 3, band.bottom() + 4, r.width() - 6, r.bottom() - band.bottom() - 6),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                             "Not on this laptop")
            painter.setFont(base)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(band, 3, 3)
        f = QFont(painter.font())
        f.setBold(True)
        f.setPointSizeF(max(6.0, f.pointSizeF() * 0.8))
        painter.setFont(f)
        painter.setPen(QColor(255, 255, 255))
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, QFontMetrics(f).elidedText(label, Qt.TextElideMode.ElideRight, band.width() - 2))

    @staticmethod
    def _badge(painter: QPainter, r: QRect, text: str, color: QColor, palette: QPalette, font: QFont) -> int:
        f = QFont(font)
        f.setBold(True)
        fm = QFontMetrics(f)
        w = fm.horizontalAdvance(text) + 12
        box = QRectF(r.left(), r.top(), w, max(r.height(), fm.height() + 2))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(box, 4, 4)
        painter.setFont(f)
        painter.setPen(palette.color(QPalette.ColorRole.Base))  # the accent is dark on light themes, light on dark
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(font)
        return w
