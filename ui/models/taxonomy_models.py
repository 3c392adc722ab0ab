"""The taxonomy as Qt models: stages, the gates of one stage, the values of one facet.
Retired entries stay listed (in italics, status "Retired") so they can be restored."""

from __future__ import annotations

from typing import Any, Optional, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from enablement.models.dto import FacetValueInfo, GateInfo, StageInfo
from .row_table_model import FIRST_CUSTOM_ROLE, RowTableModel

RetiredRole = FIRST_CUSTOM_ROLE  # bool

T = TypeVar("T", StageInfo, GateInfo, FacetValueInfo)


class _TaxonomyTableModel(RowTableModel[T]):
    """Each subclass lists a row's native values in ``cells``: shown as text, sorted as is."""

    def cells(self, row: T, position: int) -> tuple[Any, ...]:
        raise NotImplementedError

    def display(self, row: T, column: int, position: int) -> Any:
        return str(self.cells(row, position)[column])

    def sort_value(self, row: T, column: int, position: int) -> Any:
        return self.cells(row, position)[column]

    def role_data(self, row: T, column: int, role: int) -> Any:
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


def _status(retired: bool) -> str:
    return "Retired" if retired else "Active"


class StagesTableModel(_TaxonomyTableModel[StageInfo]):
    headers = ("#", "Stage", "Gates", "Status")

    def cells(self, row: StageInfo, position: int) -> tuple[Any, ...]:
        return (position + 1, row.name, sum(1 for g in row.gates if not g.retired), _status(row.retired))

    def tooltip(self, row: StageInfo) -> Optional[str]:
        return row.description or None


class GatesTableModel(_TaxonomyTableModel[GateInfo]):
    headers = ("#", "Buyer's question", "Exit criteria", "Status")

    def cells(self, row: GateInfo, position: int) -> tuple[Any, ...]:
        return (position + 1, row.question, row.exit_criteria or "—", _status(row.retired))

    def tooltip(self, row: GateInfo) -> Optional[str]:
        return row.exit_criteria or None


class FacetValuesTableModel(_TaxonomyTableModel[FacetValueInfo]):
    headers = ("Label", "Key", "Status")

    def cells(self, row: FacetValueInfo, position: int) -> tuple[Any, ...]:
        return (row.label, row.key, _status(row.retired))
