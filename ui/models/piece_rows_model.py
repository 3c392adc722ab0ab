"""A list of pieces (PieceSummary rows) as a table: the journey map's cell list, the piece
picker and report drill-downs."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping, Optional, Sequence

from PySide6.QtCore import QObject, Qt

from enablement.models.dto import PieceSummary
from .row_table_model import FIRST_CUSTOM_ROLE, ItemIdRole, RowRole, RowTableModel
from ..text import shown, tooltip

TITLE, TYPE, OWNER, UPDATED, USES, FRESHNESS = range(6)
HEADERS = ("Title", "Type", "Owner", "Updated", "Uses", "Freshness")
PieceRole = RowRole  # the PieceSummary
PieceIdRole = ItemIdRole
StaleRole = FIRST_CUSTOM_ROLE  # bool: past its review date


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


class PieceRowsTableModel(RowTableModel[PieceSummary]):
    """``uses`` overrides the all-time use count (e.g. uses in the last 90 days) and
    ``uses_label`` names the Uses column."""

    def __init__(self, parent: Optional[QObject] = None, uses_label: str = "Uses") -> None:
        super().__init__(parent)
        self._uses: Optional[Mapping[int, int]] = None
        self.headers = HEADERS
        self.uses_label = uses_label

    @property
    def uses_label(self) -> str:
        return self.headers[USES]

    @uses_label.setter
    def uses_label(self, label: str) -> None:
        if label != self.headers[USES]:
            self.headers = HEADERS[:USES] + (label,) + HEADERS[USES + 1:]
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, USES, USES)

    def set_rows(self, pieces: Sequence[PieceSummary], uses: Optional[Mapping[int, int]] = None) -> None:
        self._uses = dict(uses) if uses is not None else None
        super().set_rows(pieces)

    def _uses_of(self, p: PieceSummary) -> int:
        return self._uses.get(p.id, 0) if self._uses is not None else p.use_count

    def display(self, p: PieceSummary, column: int, position: int) -> Any:
        if column == TITLE:
            return shown(p.title)
        if column == TYPE:
            return piece_type(p)
        if column == OWNER:
            return p.owner or "—"
        if column == UPDATED:
            return f"{p.updated_at:%d %b %Y}"
        if column == USES:
            return str(self._uses_of(p))
        if column == FRESHNESS:
            return freshness(p)
        return None

    def sort_value(self, p: PieceSummary, column: int, position: int) -> Any:
        if column == OWNER:
            return p.owner.casefold()
        if column == UPDATED:
            return p.updated_at.isoformat()
        if column == USES:
            return self._uses_of(p)
        if column == FRESHNESS:
            return (p.review_by or date.max).isoformat()
        return super().sort_value(p, column, position)

    def role_data(self, p: PieceSummary, column: int, role: int) -> Any:
        if role == StaleRole:
            return p.stale
        if role == Qt.ItemDataRole.ToolTipRole and column == TITLE:
            gates = p.labels("gate")
            return tooltip(p.title + (("\nGates: " + "; ".join(gates)) if gates else ""))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == USES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
