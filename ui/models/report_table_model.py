"""Any report table (ReportTable: column names and plain rows) as a Qt table model.

Id columns (piece_id, user_id, gate_id, ...) are kept for drill-down but not shown; a
row's piece id is under PieceIdRole so a double-click can open the piece behind it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from enablement.reports.base import ReportTable

Index = QModelIndex | QPersistentModelIndex
RowRole = Qt.ItemDataRole.UserRole + 1  # the row as a dict of column → value
PieceIdRole = Qt.ItemDataRole.UserRole + 2
SortRole = Qt.ItemDataRole.UserRole + 3

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


class ReportTableModel(QAbstractTableModel):
    """Thin adapter over one ReportTable (shown columns only)."""

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._table: Optional[ReportTable] = None
        self._shown: list[int] = []
        self.action_label = ""  # an extra last column for a per-row button (e.g. "Request this")

    def set_table(self, table: Optional[ReportTable]) -> None:
        self.beginResetModel()
        self._table = table
        self._shown = [i for i, c in enumerate(table.columns) if c not in HIDDEN] if table else []
        self.endResetModel()

    @property
    def report_table(self) -> Optional[ReportTable]:
        return self._table

    def column_index(self, name: str) -> int:
        """The shown column for ``name`` (-1 when hidden or absent)."""
        if self._table is None or name not in self._table.columns:
            return -1
        i = self._table.columns.index(name)
        return self._shown.index(i) if i in self._shown else -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self._table is None else len(self._table.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() or self._table is None:
            return 0
        return len(self._shown) + (1 if self.action_label else 0)

    @property
    def action_column(self) -> int:
        return len(self._shown) if self.action_label else -1

    def row_dict(self, row: int) -> dict[str, Any]:
        assert self._table is not None
        return dict(zip(self._table.columns, self._table.rows[row]))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._table is None or not index.isValid() or not 0 <= index.row() < len(self._table.rows):
            return None
        if index.column() >= len(self._shown):  # the action column: the view puts a button there
            return self.row_dict(index.row()) if role == RowRole else None
        row = self._table.rows[index.row()]
        source = self._shown[index.column()]
        name, value = self._table.columns[source], row[source]
        if role == Qt.ItemDataRole.DisplayRole:
            return format_value(name, value)
        if role == SortRole:
            if value is None:
                return ""
            return value if isinstance(value, _NUMERIC) else str(value).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, _NUMERIC) and not isinstance(value, bool):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RowRole:
            return self.row_dict(index.row())
        if role == PieceIdRole:
            return self.row_dict(index.row()).get("piece_id")
        if role == Qt.ItemDataRole.ToolTipRole and isinstance(value, str) and len(value) > 40:
            return value
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._table is None:
            return None
        if section == self.action_column and orientation == Qt.Orientation.Horizontal \
                and role == Qt.ItemDataRole.DisplayRole:
            return ""
        if not 0 <= section < len(self._shown):
            return None
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return column_label(self._table.columns[self._shown[section]])
        return None
