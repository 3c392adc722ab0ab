"""Kits as Qt models: the list of a user's kits, and the ordered pieces of one kit."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from enablement.services.kits import KitInfo, KitItemInfo
from ui.models.piece_rows_model import piece_type

Index = QModelIndex | QPersistentModelIndex

KitRole = Qt.ItemDataRole.UserRole + 1
KitIdRole = Qt.ItemDataRole.UserRole + 2
ItemRole = Qt.ItemDataRole.UserRole + 3
PieceIdRole = Qt.ItemDataRole.UserRole + 4
SortRole = Qt.ItemDataRole.UserRole + 5
WarningRole = Qt.ItemDataRole.UserRole + 6

POSITION, TITLE, TYPE, NOTE, WARNINGS = range(5)
HEADERS = ("#", "Piece", "Type", "Note for the buyer / call", "Check before sending")


class KitListModel(QAbstractListModel):
    """One row per kit: name, account and size in the text; the KitInfo under KitRole."""

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._kits: list[KitInfo] = []

    def set_kits(self, kits: Sequence[KitInfo]) -> None:
        self.beginResetModel()
        self._kits = list(kits)
        self.endResetModel()

    @property
    def kits(self) -> list[KitInfo]:
        return list(self._kits)

    def row_of(self, kit_id: int) -> int:
        return next((n for n, k in enumerate(self._kits) if k.id == kit_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._kits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._kits):
            return None
        kit = self._kits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            size = f"{len(kit.items)} piece{'s' if len(kit.items) != 1 else ''}"
            second = " · ".join(x for x in (kit.account, size) if x)
            warn = f" · {len(kit.warnings)} to check" if kit.warnings else ""
            return f"{kit.name}\n{second}{warn}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(kit.warnings) if kit.warnings else kit.notes or kit.name
        if role == KitRole:
            return kit
        if role == KitIdRole:
            return kit.id
        if role == SortRole:
            return kit.name.casefold()
        if role == WarningRole:
            return bool(kit.warnings)
        return None


class KitItemsTableModel(QAbstractTableModel):
    """The pieces of one kit in order. Moving rows (drag or buttons) reorders locally and
    emits ``order_changed(piece_ids)``; editing a note emits ``note_edited(piece_id, text)``.
    The page turns both into service calls; the model never writes anything itself."""

    order_changed = Signal(list)
    note_edited = Signal(int, str)

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._items: list[KitItemInfo] = []

    def set_items(self, items: Sequence[KitItemInfo]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    @property
    def items(self) -> list[KitItemInfo]:
        return list(self._items)

    def piece_ids(self) -> list[int]:
        return [i.piece.id for i in self._items]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if role == Qt.ItemDataRole.EditRole and col == NOTE:
                return item.note
            return (str(index.row() + 1), item.piece.title, piece_type(item.piece),
                    item.note or ("" if role == Qt.ItemDataRole.EditRole else "—"),
                    "; ".join(w[:1].upper() + w[1:] for w in item.warnings) or "OK")[col]
        if role == SortRole:
            return (index.row(), item.piece.title.casefold(), piece_type(item.piece).casefold(),
                    item.note.casefold(), len(item.warnings))[col]
        if role == ItemRole:
            return item
        if role == PieceIdRole:
            return item.piece.id
        if role == WarningRole:
            return bool(item.warnings)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == NOTE:
                return "Double-click to edit the note"
            if col == WARNINGS and item.warnings:
                return "\n".join(item.warnings)
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
        item = self._items[index.row()]
        text = str(value or "").strip()
        if text == item.note:
            return False
        self._items[index.row()] = KitItemInfo(item.id, item.piece, item.position, text, item.warnings)
        self.dataChanged.emit(index, index)
        self.note_edited.emit(item.piece.id, text)
        return True

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def move_row(self, source: int, target: int) -> bool:
        """Move row ``source`` so that it ends up at index ``target`` (0..rowCount-1)."""
        count = len(self._items)
        if not (0 <= source < count and 0 <= target < count) or source == target:
            return False
        # Qt's destination is the row the moved row goes *before* in the old numbering.
        destination = target + 1 if target > source else target
        self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), destination)
        self._items.insert(target, self._items.pop(source))
        self.endMoveRows()
        top, bottom = min(source, target), max(source, target)
        self.dataChanged.emit(self.index(top, POSITION), self.index(bottom, POSITION))
        self.order_changed.emit(self.piece_ids())
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None
