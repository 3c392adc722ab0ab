"""A rep's own submissions and what marketing did with each."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from enablement.models.dto import PieceDetail
from .row_table_model import RowRole, RowTableModel
from ..text import shown, tooltip

COL_TITLE, COL_SUBMITTED, COL_STATE, COL_NOTE = range(4)
HEADERS = ("Piece", "Submitted", "What happened", "Marketing's note")
DetailRole = RowRole  # the PieceDetail
STATE_TEXT = {"pending": "waiting for marketing", "published": "published to the library",
              "merged": "merged into an official piece", "declined": "declined", "none": ""}


class SubmissionTableModel(RowTableModel[PieceDetail]):
    headers = HEADERS

    def display(self, d: PieceDetail, column: int, position: int) -> Any:
        if column == COL_TITLE:
            return shown(d.title)
        if column == COL_SUBMITTED:
            return d.created_at.strftime("%Y-%m-%d")
        if column == COL_STATE:
            return STATE_TEXT.get(d.summary.review_state, d.summary.review_state)
        if column == COL_NOTE:
            return shown(d.review_note)
        return None

    def sort_value(self, d: PieceDetail, column: int, position: int) -> Any:
        if column == COL_SUBMITTED:
            return d.created_at.timestamp()
        return super().sort_value(d, column, position)

    def role_data(self, d: PieceDetail, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(str(self.display(d, column, -1) or ""))
        return None
