"""Every file of an import and how it ended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from enablement.models.dto import FileOutcome
from .row_table_model import RowRole, RowTableModel
from ..widgets import tones
from ..text import shown, tooltip

COL_FILE, COL_OUTCOME, COL_DETAIL, COL_PAGES = range(4)
HEADERS = ("File", "Outcome", "Details", "Pages")
OutcomeRole = RowRole  # the FileOutcome
_ORDER = {"failed": 0, "rejected": 1, "ok_no_text": 2, "duplicate": 3, "cancelled": 4, "ok": 5}


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


class ImportOutcomeTableModel(RowTableModel[FileOutcome]):
    headers = HEADERS

    def item_id(self, row: FileOutcome) -> Any:
        return row.piece_id

    def display(self, o: FileOutcome, column: int, position: int) -> Any:
        if column == COL_FILE:
            return shown(Path(o.path).name)
        if column == COL_OUTCOME:
            return outcome_text(o)
        if column == COL_DETAIL:
            return shown(o.detail)
        if column == COL_PAGES:
            return "" if o.pages is None else str(o.pages)
        return None

    def sort_value(self, o: FileOutcome, column: int, position: int) -> Any:
        if column == COL_OUTCOME:
            return _ORDER.get(o.outcome, 9)
        if column == COL_PAGES:
            return o.pages or 0
        return super().sort_value(o, column, position)

    def role_data(self, o: FileOutcome, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(o.path if column == COL_FILE else self.display(o, column, -1))
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_OUTCOME:
            # Colours from the palette, so they read on light and dark themes alike.
            if o.outcome in ("failed", "rejected"):
                return tones.accent(QGuiApplication.palette(), "empty")
            if o.outcome in ("ok_no_text", "duplicate", "cancelled"):
                return tones.accent(QGuiApplication.palette(), "stale")
        return None
