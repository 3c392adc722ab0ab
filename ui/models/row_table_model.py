"""The one base of the app's table models: a list of frozen rows (DTOs) shown as columns.

A subclass declares its column constants and ``headers`` at the top of its module and
says what one row shows per column (``display``), how that column sorts (``sort_value``,
a native value for ``QSortFilterProxyModel``) and anything else a view asks for
(``role_data``: tooltips, alignment, colours, custom roles). The base answers the rest:
rowCount, columnCount, headerData, the row itself (``RowRole``) and its id
(``ItemIdRole``). Models never call the database; pages hand them rows.
"""

from __future__ import annotations

from typing import Any, Generic, Optional, Sequence, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex

RowRole = Qt.ItemDataRole.UserRole + 1  # the row's DTO
ItemIdRole = Qt.ItemDataRole.UserRole + 2  # the row's id (see ``item_id``)
SortRole = Qt.ItemDataRole.UserRole + 3  # a native value to sort the column by
FIRST_CUSTOM_ROLE = Qt.ItemDataRole.UserRole + 16  # subclasses number their own roles from here

R = TypeVar("R")


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Thin adapter over ``list[R]``; replace the rows with ``set_rows``."""

    headers: tuple[str, ...] = ()
    drags_out = False  # rows can be dragged out of the app (their file: see ui/drag_out.py)

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []

    # --- rows -------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    @property
    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, position: int) -> Optional[R]:
        return self._rows[position] if 0 <= position < len(self._rows) else None

    def row_of(self, item_id: Any) -> int:
        """The position of the row whose id is ``item_id`` (-1 when absent)."""
        return next((n for n, r in enumerate(self._rows) if self.item_id(r) == item_id), -1)

    # --- what a row shows (subclasses) ------------------------------------------------------
    def item_id(self, row: R) -> Any:
        return getattr(row, "id", None)

    def display(self, row: R, column: int, position: int) -> Any:
        raise NotImplementedError

    def sort_value(self, row: R, column: int, position: int) -> Any:
        return str(self.display(row, column, position) or "").casefold()

    def role_data(self, row: R, column: int, role: int) -> Any:
        return None

    # --- Qt API -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if self.drags_out and index.isValid() else flags

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column, index.row())
        if role == SortRole:
            return self.sort_value(row, column, index.row())
        if role == RowRole:
            return row
        if role == ItemIdRole:
            return self.item_id(row)
        return self.role_data(row, column, role)
