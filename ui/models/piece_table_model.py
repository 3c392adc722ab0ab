"""Pieces as rows: a thin adapter over a list of PieceSummary DTOs (no database calls)."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from enablement.models.dto import PieceSummary
from ui.text import file_type_label, review_text

Index = QModelIndex | QPersistentModelIndex

COL_TITLE, COL_STAGES, COL_GATES, COL_TYPE, COL_OWNER, COL_REVIEW_BY, COL_USES, COL_STATUS = range(8)
HEADERS = ("Title", "Stages", "Gates", "Type", "Owner", "Review by", "Uses", "Status")

PieceRole = Qt.ItemDataRole.UserRole + 1  # the PieceSummary
PieceIdRole = Qt.ItemDataRole.UserRole + 2
SnippetRole = Qt.ItemDataRole.UserRole + 3  # plain-text search snippet, "" when browsing
SortRole = Qt.ItemDataRole.UserRole + 10  # native values for QSortFilterProxyModel


class PieceTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._rows: list[PieceSummary] = []
        self._snippets: dict[int, str] = {}

    # --- filling ------------------------------------------------------------------------------
    def set_pieces(self, pieces: Sequence[PieceSummary], snippets: Optional[dict[int, str]] = None) -> None:
        self.beginResetModel()
        self._rows = list(pieces)
        self._snippets = dict(snippets or {})
        self.endResetModel()

    def append_pieces(self, pieces: Sequence[PieceSummary], snippets: Optional[dict[int, str]] = None) -> None:
        known = {p.id for p in self._rows}
        new = [p for p in pieces if p.id not in known]
        if not new:
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(new) - 1)
        self._rows.extend(new)
        self._snippets.update(snippets or {})
        self.endInsertRows()

    def piece(self, row: int) -> PieceSummary:
        return self._rows[row]

    def pieces(self) -> list[PieceSummary]:
        return list(self._rows)

    def row_of(self, piece_id: int) -> int:
        return next((i for i, p in enumerate(self._rows) if p.id == piece_id), -1)

    # --- Qt API -------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        p, column = self._rows[index.row()], index.column()
        if role == PieceRole:
            return p
        if role == PieceIdRole:
            return p.id
        if role == SnippetRole:
            return self._snippets.get(p.id, "")
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(p, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_TITLE:
            return f"{p.title}\n{review_text(p)}"
        if role == SortRole:
            return self._sort_value(p, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_USES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(p: PieceSummary, column: int) -> str:
        if column == COL_TITLE:
            return p.title
        if column == COL_STAGES:
            return ", ".join(p.labels("stage"))
        if column == COL_GATES:
            return "; ".join(p.labels("gate"))
        if column == COL_TYPE:
            return ", ".join(p.labels("content_type")) or file_type_label(p.file_type, p.kind)
        if column == COL_OWNER:
            return p.owner or "—"
        if column == COL_REVIEW_BY:
            return ("STALE " if p.stale else "") + (p.review_by.isoformat() if p.review_by else "—")
        if column == COL_USES:
            return str(p.use_count)
        if column == COL_STATUS:
            return p.status
        return ""

    @staticmethod
    def _sort_value(p: PieceSummary, column: int) -> Any:
        if column == COL_REVIEW_BY:
            return p.review_by.toordinal() if p.review_by else 0
        if column == COL_USES:
            return p.use_count
        return PieceTableModel._display(p, column).casefold()
