"""A rep's own submissions and what marketing did with each."""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from enablement.models.dto import PieceDetail

Index = QModelIndex | QPersistentModelIndex
COL_TITLE, COL_SUBMITTED, COL_STATE, COL_NOTE = range(4)
HEADERS = ("Piece", "Submitted", "What happened", "Marketing's note")
DetailRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 10
STATE_TEXT = {"pending": "waiting for marketing", "published": "published to the library",
              "merged": "merged into an official piece", "declined": "declined", "none": ""}


class SubmissionTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._rows: list[PieceDetail] = []

    def set_details(self, details: Sequence[PieceDetail]) -> None:
        self.beginResetModel()
        self._rows = list(details)
        self.endResetModel()

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
        d, c = self._rows[index.row()], index.column()
        if role == DetailRole:
            return d
        if role == SortRole and c == COL_SUBMITTED:
            return d.created_at.timestamp()
        if role in (Qt.ItemDataRole.DisplayRole, SortRole, Qt.ItemDataRole.ToolTipRole):
            text = {COL_TITLE: d.title, COL_SUBMITTED: d.created_at.strftime("%Y-%m-%d"),
                    COL_STATE: STATE_TEXT.get(d.summary.review_state, d.summary.review_state),
                    COL_NOTE: d.review_note}.get(c, "")
            return text.casefold() if role == SortRole else text
        return None
