"""A list of pieces (PieceSummary rows) as a table: the journey map's cell list, the piece
picker and report drill-downs."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping, Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from enablement.models.dto import PieceSummary

Index = QModelIndex | QPersistentModelIndex

TITLE, TYPE, OWNER, UPDATED, USES, FRESHNESS = range(6)
HEADERS = ("Title", "Type", "Owner", "Updated", "Uses", "Freshness")
PieceIdRole = Qt.ItemDataRole.UserRole + 1
PieceRole = Qt.ItemDataRole.UserRole + 2
SortRole = Qt.ItemDataRole.UserRole + 3
StaleRole = Qt.ItemDataRole.UserRole + 4


def piece_type(piece: PieceSummary) -> str:
    types = piece.labels("content_type")
    if types:
        return ", ".join(types)
    return piece.file_type.upper() if piece.file_type else piece.kind


def freshness(piece: PieceSummary) -> str:
    if piece.status == "archived":
        return "Archived"
    if piece.stale:
        return f"Past review ({piece.review_by:%d %b %Y})" if piece.review_by else "Past review"
    if piece.status == "draft":
        return "Draft"
    if piece.review_by:
        return f"Review by {piece.review_by:%d %b %Y}"
    return "Current"


class PieceRowsTableModel(QAbstractTableModel):
    """Thin adapter over PieceSummary rows. ``uses`` overrides the all-time use count
    (e.g. uses in the last 90 days) and names the Uses column."""

    def __init__(self, parent=None, uses_label: str = "Uses") -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._rows: list[PieceSummary] = []
        self._uses: Optional[Mapping[int, int]] = None
        self.uses_label = uses_label

    def set_pieces(self, pieces: Sequence[PieceSummary], uses: Optional[Mapping[int, int]] = None) -> None:
        self.beginResetModel()
        self._rows = list(pieces)
        self._uses = dict(uses) if uses is not None else None
        self.endResetModel()

    def piece(self, row: int) -> Optional[PieceSummary]:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @property
    def pieces(self) -> list[PieceSummary]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def _uses_of(self, p: PieceSummary) -> int:
        return self._uses.get(p.id, 0) if self._uses is not None else p.use_count

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (p.title, piece_type(p), p.owner or "—", f"{p.updated_at:%d %b %Y}",
                    str(self._uses_of(p)), freshness(p))[col]
        if role == SortRole:
            return (p.title.casefold(), piece_type(p).casefold(), p.owner.casefold(), p.updated_at.isoformat(),
                    self._uses_of(p), (p.review_by or date.max).isoformat())[col]
        if role == PieceIdRole:
            return p.id
        if role == PieceRole:
            return p
        if role == StaleRole:
            return p.stale
        if role == Qt.ItemDataRole.ToolTipRole and col == TITLE:
            gates = p.labels("gate")
            return p.title + (("\nGates: " + "; ".join(gates)) if gates else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col == USES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return self.uses_label if section == USES else HEADERS[section]
        return None
