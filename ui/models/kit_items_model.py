"""Kits as Qt models: the list of a user's kits, and the ordered pieces of one kit."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal

from enablement.display import count
from enablement.models.dto import KitInfo, KitItemInfo
from .piece_rows_model import piece_type
from .row_table_model import FIRST_CUSTOM_ROLE, Index, RowRole, RowTableModel
from ..text import shown, tooltip

KitRole = RowRole  # the KitInfo (kit list)
ItemRole = RowRole  # the KitItemInfo (kit items); ItemIdRole is its piece's id
WarningRole = FIRST_CUSTOM_ROLE  # bool: the kit or item has something to check

POSITION, TITLE, TYPE, NOTE, WARNINGS = range(5)
HEADERS = ("#", "Piece", "Type", "Note for the buyer / call", "Check before sending")


class KitListModel(RowTableModel[KitInfo]):
    """One row per kit (for a QListView): name, account and size in the text."""

    headers = ("Kit",)
    drags_out = True  # a kit is dragged out as one zip

    def display(self, kit: KitInfo, column: int, position: int) -> Any:
        size = count(len(kit.items), "piece")
        second = " · ".join(x for x in (kit.account, size) if x)
        warn = f" · {len(kit.warnings)} to check" if kit.warnings else ""
        return f"{shown(kit.name)}\n{shown(second)}{warn}"

    def sort_value(self, kit: KitInfo, column: int, position: int) -> Any:
        return kit.name.casefold()

    def role_data(self, kit: KitInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip("\n".join(kit.warnings) if kit.warnings else kit.notes or kit.name)
        if role == WarningRole:
            return bool(kit.warnings)
        return None


class KitItemsTableModel(RowTableModel[KitItemInfo]):
    """The pieces of one kit in order. Moving rows (drag or buttons) reorders locally and
    emits ``order_changed(piece_ids)``; editing a note emits ``note_edited(piece_id, text)``.
    The page turns both into service calls; the model never writes anything itself."""

    headers = HEADERS
    order_changed = Signal(list)
    note_edited = Signal(int, str)

    def item_id(self, row: KitItemInfo) -> Any:
        return row.piece.id

    def piece_ids(self) -> list[int]:
        return [i.piece.id for i in self._rows]

    def display(self, item: KitItemInfo, column: int, position: int) -> Any:
        return (str(position + 1), shown(item.piece.title), piece_type(item.piece), shown(item.note) or "—",
                shown("; ".join(w[:1].upper() + w[1:] for w in item.warnings)) or "OK")[column]

    def sort_value(self, item: KitItemInfo, column: int, position: int) -> Any:
        return (position, item.piece.title.casefold(), piece_type(item.piece).casefold(),
                item.note.casefold(), len(item.warnings))[column]

    def role_data(self, item: KitItemInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole and column == NOTE:
            return item.note
        if role == WarningRole:
            return bool(item.warnings)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == NOTE:
                return "Double-click to edit the note"
            if column == WARNINGS and item.warnings:
                return tooltip("\n".join(item.warnings))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        if index.column() == NOTE:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != NOTE:
            return False
        item = self._rows[index.row()]
        text = str(value or "").strip()
        if text == item.note:
            return False
        self._rows[index.row()] = KitItemInfo(item.id, item.piece, item.position, text, item.warnings)
        self.dataChanged.emit(index, index)
        self.note_edited.emit(item.piece.id, text)
        return True

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def move_row(self, source: int, target: int) -> bool:
        """Move row ``source`` so that it ends up at index ``target`` (0..rowCount-1)."""
        count = len(self._rows)
        if not (0 <= source < count and 0 <= target < count) or source == target:
            return False
        # Qt's destination is the row the moved row goes *before* in the old numbering.
        destination = target + 1 if target > source else target
        self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), destination)
        self._rows.insert(target, self._rows.pop(source))
        self.endMoveRows()
        top, bottom = min(source, target), max(source, target)
        self.dataChanged.emit(self.index(top, POSITION), self.index(bottom, POSITION))
        self.order_changed.emit(self.piece_ids())
        return True
