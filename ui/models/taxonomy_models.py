"""The taxonomy as Qt models: stages, the gates of one stage, the values of one facet.
Retired entries stay listed (in italics, status "Retired") so they can be restored."""

from __future__ import annotations

from typing import Any, Generic, Optional, Sequence, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from enablement.models.dto import FacetValueInfo, GateInfo, StageInfo

Index = QModelIndex | QPersistentModelIndex
RowRole = Qt.ItemDataRole.UserRole + 1  # the DTO of the row
IdRole = Qt.ItemDataRole.UserRole + 2
SortRole = Qt.ItemDataRole.UserRole + 3
RetiredRole = Qt.ItemDataRole.UserRole + 4

T = TypeVar("T", StageInfo, GateInfo, FacetValueInfo)


class _RowsTableModel(QAbstractTableModel, Generic[T]):
    headers: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    @property
    def rows(self) -> list[T]:
        return list(self._rows)

    def row_of(self, row_id: Optional[int]) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == row_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def cells(self, row: T, position: int) -> tuple[Any, ...]:
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, SortRole):
            value = self.cells(row, index.row())[index.column()]
            return value if role == SortRole else str(value)
        if role == RowRole:
            return row
        if role == IdRole:
            return row.id
        if role == RetiredRole:
            return row.retired
        if role == Qt.ItemDataRole.FontRole and row.retired:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row)
        return None

    def tooltip(self, row: T) -> Optional[str]:
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.headers):
            return self.headers[section]
        return None


def _status(retired: bool) -> str:
    return "Retired" if retired else "Active"


class StagesTableModel(_RowsTableModel[StageInfo]):
    headers = ("#", "Stage", "Gates", "Status")

    def cells(self, row: StageInfo, position: int) -> tuple[Any, ...]:
        return (position + 1, row.name, sum(1 for g in row.gates if not g.retired), _status(row.retired))

    def tooltip(self, row: StageInfo) -> Optional[str]:
        return row.description or None


class GatesTableModel(_RowsTableModel[GateInfo]):
    headers = ("#", "Buyer's question", "Exit criteria", "Status")

    def cells(self, row: GateInfo, position: int) -> tuple[Any, ...]:
        return (position + 1, row.question, row.exit_criteria or "—", _status(row.retired))

    def tooltip(self, row: GateInfo) -> Optional[str]:
        return row.exit_criteria or None


class FacetValuesTableModel(_RowsTableModel[FacetValueInfo]):
    headers = ("Label", "Key", "Status")

    def cells(self, row: FacetValueInfo, position: int) -> tuple[Any, ...]:
        return (row.label, row.key, _status(row.retired))
