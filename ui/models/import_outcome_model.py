"""Every file of an import and how it ended."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from enablement.models.dto import FileOutcome

Index = QModelIndex | QPersistentModelIndex
COL_FILE, COL_OUTCOME, COL_DETAIL, COL_PAGES = range(4)
HEADERS = ("File", "Outcome", "Details", "Pages")
OutcomeRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 10
_ORDER = {"failed": 0, "rejected": 1, "ok_no_text": 2, "duplicate": 3, "cancelled": 4, "ok": 5}
_PROBLEM = QColor(198, 40, 40)
_WARN = QColor(200, 120, 0)


def outcome_text(o: FileOutcome) -> str:
    """How the summary says what happened to one file."""
    if o.outcome == "ok":
        return "imported"
    if o.outcome == "ok_no_text":
        return "imported, not searchable"
    if o.outcome == "duplicate":
        return f"duplicate of {o.duplicate_of}" if o.duplicate_of else "duplicate"
    if o.outcome == "failed":
        return "failed"
    if o.outcome == "rejected":
        return "rejected"
    return o.outcome


class ImportOutcomeTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._rows: list[FileOutcome] = []

    def set_outcomes(self, outcomes: Sequence[FileOutcome]) -> None:
        self.beginResetModel()
        self._rows = list(outcomes)
        self.endResetModel()

    def outcome(self, row: int) -> FileOutcome:
        return self._rows[row]

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
        o, c = self._rows[index.row()], index.column()
        if role == OutcomeRole:
            return o
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if c == COL_FILE:
                return Path(o.path).name if role == Qt.ItemDataRole.DisplayRole else o.path
            if c == COL_OUTCOME:
                return outcome_text(o)
            if c == COL_DETAIL:
                return o.detail
            if c == COL_PAGES:
                return "" if o.pages is None else str(o.pages)
        if role == SortRole:
            if c == COL_OUTCOME:
                return _ORDER.get(o.outcome, 9)
            if c == COL_PAGES:
                return o.pages or 0
            return str(self.data(index) or "").casefold()
        if role == Qt.ItemDataRole.ForegroundRole and c == COL_OUTCOME:
            if o.outcome in ("failed", "rejected"):
                return _PROBLEM
            if o.outcome in ("ok_no_text", "duplicate", "cancelled"):
                return _WARN
        return None
