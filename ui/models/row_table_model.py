"""The one base of the app's table models: a list of frozen rows (DTOs) shown as columns.

A subclass declares its column constants and ``headers`` at the top of its module and
says what one row shows per column (``display``), how that column sorts (``sort_value``,
a native value for ``QSortFilterProxyModel``) and anything else a view asks for
(``role_data``: tooltips, alignment, colours, custom roles). The base answers the rest:
rowCount, columnCount, headerData, the row itself (``RowRole``) and its id
(``ItemIdRole``). Models never call the database; pages hand them rows.

A view with sorting enabled and no proxy sorts the model itself (``sort``): the rows are
ordered in Python, in one call, by ``sort_value``, and kept in that order when new rows are
set. A sorting proxy instead asks ``data`` for two rows per comparison — ~1,700 calls from
C++ into Python for 150 rows, each waiting for the interpreter lock while a worker runs Python.
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
        self._sorted_by: Optional[tuple[int, Qt.SortOrder]] = None  # the view's sort (see ``sort``)

    # --- rows -------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = self._in_order(list(rows))
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

    def _in_order(self, rows: list[R]) -> list[R]:
        """``rows`` in the order the view sorted by (as given when it has not sorted)."""
        return [rows[n] for n in self._ranking(rows)]

    def _ranking(self, rows: list[R]) -> list[int]:
        """The positions of ``rows`` in the view's sort order (stable: ties keep their order)."""
        if self._sorted_by is None:
            return list(range(len(rows)))
        column, order = self._sorted_by
        keys = [self.sort_value(row, column, n) for n, row in enumerate(rows)]
        return sorted(range(len(rows)), key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)

    # --- Qt API -----------------------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by ``column`` (a view's header click, or ``sortByColumn``)."""
        if not 0 <= column < len(self.headers):
            return
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ranking = self._ranking(self._rows)
        moved_to = {old: new for new, old in enumerate(ranking)}
        self._rows = [self._rows[n] for n in ranking]
        self.changePersistentIndexList(before, [self.index(moved_to[i.row()], i.column()) for i in before])
        self.layoutChanged.emit()

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
