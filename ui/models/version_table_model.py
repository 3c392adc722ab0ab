"""A piece's version history as a table."""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from enablement.models.dto import VersionInfo
from ui.text import file_type_label, outcome_label

Index = QModelIndex | QPersistentModelIndex
COL_NUMBER, COL_FILE, COL_TYPE, COL_PAGES, COL_ADDED, COL_BY, COL_NOTE = range(7)
HEADERS = ("Version", "File", "Type", "Pages", "Added", "By", "Note")
VersionRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 10


class VersionTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._rows: list[VersionInfo] = []
        self.current_id: int | None = None

    def set_versions(self, versions: Sequence[VersionInfo], current_id: int | None) -> None:
        self.beginResetModel()
        self._rows = sorted(versions, key=lambda v: -v.number)
        self.current_id = current_id
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
        v, c = self._rows[index.row()], index.column()
        if role == VersionRole:
            return v
        if role == SortRole:
            return {COL_NUMBER: v.number, COL_PAGES: v.page_count or 0,
                    COL_ADDED: v.created_at.timestamp()}.get(c, str(self.data(index) or "").casefold())
        if role == Qt.ItemDataRole.DisplayRole:
            if c == COL_NUMBER:
                return f"v{v.number}" + (" (current)" if v.id == self.current_id else "")
            if c == COL_FILE:
                return v.original_name
            if c == COL_TYPE:
                return file_type_label(v.file_type)
            if c == COL_PAGES:
                return "" if v.page_count is None else str(v.page_count)
            if c == COL_ADDED:
                return v.created_at.strftime("%Y-%m-%d")
            if c == COL_BY:
                return v.created_by
            if c == COL_NOTE:
                return v.note or ("" if v.outcome == "ok" else f"{outcome_label(v.outcome)}: {v.outcome_detail}")
        if role == Qt.ItemDataRole.ToolTipRole and v.outcome_detail:
            return v.outcome_detail
        return None
