"""A piece's version history as a table, newest first."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from PySide6.QtCore import QObject, Qt

from enablement.models.dto import VersionInfo
from .row_table_model import RowRole, RowTableModel
from ..text import file_type_label, outcome_label, shown, tooltip

COL_NUMBER, COL_FILE, COL_TYPE, COL_PAGES, COL_ADDED, COL_BY, COL_NOTE = range(7)
HEADERS = ("Version", "File", "Type", "Pages", "Added", "By", "Note")
VersionRole = RowRole  # the VersionInfo


class VersionTableModel(RowTableModel[VersionInfo]):
    headers = HEADERS

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.current_id: Optional[int] = None

    def set_versions(self, versions: Sequence[VersionInfo], current_id: Optional[int]) -> None:
        self.current_id = current_id
        self.set_rows(sorted(versions, key=lambda v: -v.number))

    def display(self, v: VersionInfo, column: int, position: int) -> Any:
        if column == COL_NUMBER:
            return f"v{v.number}" + (" (current)" if v.id == self.current_id else "")
        if column == COL_FILE:
            return shown(v.original_name)
        if column == COL_TYPE:
            return file_type_label(v.file_type)
        if column == COL_PAGES:
            return "" if v.page_count is None else str(v.page_count)
        if column == COL_ADDED:
            return v.created_at.strftime("%Y-%m-%d")
        if column == COL_BY:
            return v.created_by
        if column == COL_NOTE:
            return v.note or ("" if v.outcome == "ok" else f"{outcome_label(v.outcome)}: {v.outcome_detail}")
        return None

    def sort_value(self, v: VersionInfo, column: int, position: int) -> Any:
        if column == COL_NUMBER:
            return v.number
        if column == COL_PAGES:
            return v.page_count or 0
        if column == COL_ADDED:
            return v.created_at.timestamp()
        return super().sort_value(v, column, position)

    def role_data(self, v: VersionInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (COL_FILE, COL_NOTE):  # both may be elided in the view
                return tooltip(self.display(v, column, -1) or v.outcome_detail) or None
            return tooltip(v.outcome_detail) or None
        return None
