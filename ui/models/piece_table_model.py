"""The library's search results: a thin adapter over PieceSummary DTOs (no database calls)."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from PySide6.QtCore import QModelIndex, QObject, Qt

from enablement.models.dto import PieceSummary
from .row_table_model import FIRST_CUSTOM_ROLE, ItemIdRole, RowRole, RowTableModel
from ..text import file_type_label, review_text, shown, tooltip

(COL_TITLE, COL_STAGES, COL_GATES, COL_TYPE, COL_OWNER, COL_REVIEW_BY, COL_USES, COL_STATUS, COL_UPDATED,
 COL_HELPFUL) = range(10)
HEADERS = ("Title", "Stages", "Gates", "Type", "Owner", "Review by", "Uses", "Status", "Updated", "Helpful")

PieceRole = RowRole  # the PieceSummary
PieceIdRole = ItemIdRole
SnippetRole = FIRST_CUSTOM_ROLE  # plain-text search snippet, "" when browsing
StaleRole = FIRST_CUSTOM_ROLE + 1  # bool: past its review date or expired (shown in the warning tone)
FavouriteRole = FIRST_CUSTOM_ROLE + 2  # bool: the person starred it
STAR = "★ "


class PieceTableModel(RowTableModel[PieceSummary]):
    headers = HEADERS
    drags_out = True

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._snippets: dict[int, str] = {}
        self._favourites: frozenset[int] = frozenset()

    def set_favourites(self, piece_ids: frozenset[int]) -> None:
        """The person's favourite pieces (starred in every view)."""
        changed = self._favourites ^ piece_ids
        self._favourites = frozenset(piece_ids)
        for n, p in enumerate(self._rows):
            if p.id in changed:
                self.dataChanged.emit(self.index(n, COL_TITLE), self.index(n, COL_TITLE))

    def set_rows(self, pieces: Sequence[PieceSummary], snippets: Optional[dict[int, str]] = None) -> None:
        self._snippets = dict(snippets or {})
        super().set_rows(pieces)

    def append_rows(self, pieces: Sequence[PieceSummary], snippets: Optional[dict[int, str]] = None) -> None:
        known = {p.id for p in self._rows}
        new = [p for p in pieces if p.id not in known]
        if not new:
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(new) - 1)
        self._rows.extend(new)
        self._snippets.update(snippets or {})
        self.endInsertRows()

    def display(self, p: PieceSummary, column: int, position: int) -> Any:
        if column == COL_TITLE:
            return (STAR if p.id in self._favourites else "") + shown(p.title)
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
        if column == COL_UPDATED:
            return f"{p.updated_at:%d %b %Y}"
        if column == COL_HELPFUL:
            percent = p.helpful_percent
            return "—" if percent is None else f"{percent}% of {p.answered}"
        return None

    def sort_value(self, p: PieceSummary, column: int, position: int) -> Any:
        if column == COL_REVIEW_BY:
            return p.review_by.toordinal() if p.review_by else 0
        if column == COL_USES:
            return p.use_count
        if column == COL_UPDATED:
            return p.updated_at.isoformat()
        if column == COL_HELPFUL:
            return p.helpful_percent if p.helpful_percent is not None else -1
        return super().sort_value(p, column, position)

    def role_data(self, p: PieceSummary, column: int, role: int) -> Any:
        if role == SnippetRole:
            return self._snippets.get(p.id, "")
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_TITLE:
            gates = p.labels("gate")
            return tooltip(f"{p.title}\n{review_text(p)}" + ("\nGates: " + "; ".join(gates) if gates else ""))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_USES, COL_HELPFUL):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_HELPFUL and p.answered:
            return f"{p.helped} of {p.answered} said it helped"
        if role == FavouriteRole:
            return p.id in self._favourites
        if role == StaleRole:
            return p.stale or p.expired
        return None
