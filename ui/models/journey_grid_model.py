"""The journey map as a table: one column per stage, one row per gate position."""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from enablement.display import count
from enablement.models.journey import JourneyCell, JourneyMap
from .row_table_model import Index, RowRole, SortRole

CellRole = RowRole  # the JourneyCell (None for a blank slot); SortRole: its published pieces (int)


class JourneyGridTableModel(QAbstractTableModel):
    """Thin adapter over a JourneyMap; a slot below a stage's last gate is blank."""

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._map: Optional[JourneyMap] = None

    def set_map(self, journey: Optional[JourneyMap]) -> None:
        self.beginResetModel()
        self._map = journey
        self.endResetModel()

    @property
    def journey(self) -> Optional[JourneyMap]:
        return self._map

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() or self._map is None:
            return 0
        return max((len(s.cells) for s in self._map.stages), default=0)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid() or self._map is None:
            return 0
        return len(self._map.stages)

    def cell(self, index: Index) -> Optional[JourneyCell]:
        if self._map is None or not index.isValid():
            return None
        cells = self._map.stages[index.column()].cells
        return cells[index.row()] if index.row() < len(cells) else None

    def index_of(self, stage_id: int, gate_id: Optional[int]) -> QModelIndex:
        if self._map is None:
            return QModelIndex()
        for col, stage in enumerate(self._map.stages):
            for row, cell in enumerate(stage.cells):
                if cell.stage_id == stage_id and cell.gate_id == gate_id:
                    return self.index(row, col)
        return QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell(index)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.question
        if role == CellRole:
            return cell
        if role == SortRole:
            return cell.published
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell_tooltip(cell, self._map.window_days if self._map else 90)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{cell.question}: {cell_summary(cell, self._map.window_days if self._map else 90)}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if self.cell(index) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._map is None:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._map.stages):
            stage = self._map.stages[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{section + 1}. {stage.name}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return stage.description or stage.name
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None


def age_text(days: Optional[int]) -> str:
    if days is None:
        return "—"
    if days < 1:
        return "today"
    if days < 60:
        return f"{days} d ago"
    if days < 730:
        return f"{round(days / 30.4)} mo ago"
    return f"{days // 365} yr ago"


def cell_summary(cell: JourneyCell, window_days: int) -> str:
    if cell.empty:
        return "No content — request it"
    pieces = count(cell.published, "piece")
    return f"{pieces}, {cell.used_pieces} used in {window_days} d, freshest {age_text(cell.age_days)}"


def cell_tooltip(cell: JourneyCell, window_days: int) -> str:
    lines = [cell.question]
    if cell.exit_criteria:
        lines.append(f"Exit criteria: {cell.exit_criteria}")
    lines.append(cell_summary(cell, window_days))
    if cell.stale_pieces:
        lines.append(f"{cell.stale_pieces} past its review date")
    return "\n".join(lines)
