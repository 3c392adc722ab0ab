"""Any report table (ReportTable: column names and plain rows) as a Qt table model.

Id columns (piece_id, user_id, gate_id, ...) are kept for drill-down but not shown; a
row's piece id is under PieceIdRole so a double-click can open the piece behind it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from PySide6.QtCore import QObject, Qt

from enablement.reports.base import ReportTable
from .row_table_model import ItemIdRole, RowTableModel
from ..text import tooltip

PieceIdRole = ItemIdRole  # the row's piece_id (None when the report row is not a piece)

HIDDEN = frozenset({"piece_id", "user_id", "gate_id", "stage_id", "request_id", "gate_key"})
LABELS = {"why_ignored": "Why ignored", "age_days": "Age (days)", "review_by": "Review by",
          "days_overdue": "Days overdue", "freshest_age_days": "Freshest (days)", "share_of_uses": "Share of uses",
          "uses_recent": "Recent uses", "uses_before": "Earlier uses", "no_open": "No open",
          "zero_results": "Zero results", "last_searched": "Last searched", "share_stale": "Share stale",
          "most_days_overdue": "Most days overdue", "used_in_period": "Used in period",
          "mean_days_to_fulfil": "Mean days to fulfil", "hours_saved": "Hours saved", "pieces_used": "Pieces used",
          "share_used": "Share used", "last_active": "Last active", "with_buyers": "With buyers"}
_NUMERIC = (int, float)


def column_label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def format_value(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if name.startswith("share") or name == "ratio":
            return f"{value:.0%}"
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, datetime):
        return f"{value:%d %b %Y}"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    return str(value)


class ReportTableModel(RowTableModel[dict]):
    """Thin adapter over one ReportTable (shown columns only). Each row is held as a dict
    of column → value (RowRole); its ``piece_id``, when it has one, is under PieceIdRole."""

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._shown: list[str] = []
        self.action_label = ""  # an extra last column for a per-row button (e.g. "Request this")

    def set_table(self, table: Optional[ReportTable]) -> None:
        self._shown = [c for c in table.columns if c not in HIDDEN] if table else []
        self.headers = tuple(column_label(c) for c in self._shown) + (("",) if self.action_label and table else ())
        self.set_rows([dict(zip(table.columns, row)) for row in table.rows] if table else [])

    def column_index(self, name: str) -> int:
        """The shown column for ``name`` (-1 when hidden or absent)."""
        return self._shown.index(name) if name in self._shown else -1

    @property
    def action_column(self) -> int:
        return len(self._shown) if self.action_label else -1

    def item_id(self, row: dict) -> Any:
        return row.get("piece_id")

    def _value(self, row: dict, column: int) -> tuple[str, Any]:
        name = self._shown[column] if column < len(self._shown) else ""  # past the end: the action column
        return name, row.get(name)

    def display(self, row: dict, column: int, position: int) -> Any:
        name, value = self._value(row, column)
        return format_value(name, value) if name else None

    def sort_value(self, row: dict, column: int, position: int) -> Any:
        value = self._value(row, column)[1]
        if value is None:
            return ""
        return value if isinstance(value, _NUMERIC) else str(value).casefold()

    def role_data(self, row: dict, column: int, role: int) -> Any:
        value = self._value(row, column)[1]
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, _NUMERIC) and not isinstance(value, bool):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str) and len(value) > 40:
            return tooltip(value)
        return None
