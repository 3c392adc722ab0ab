"""A sortable table of pieces over PieceRowsTableModel; stale freshness shows in amber."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QStyleOptionViewItem, QTableView, QWidget

from enablement.models.dto import PieceSummary
from PySide6.QtGui import QKeyEvent
from ..models.piece_rows_model import FRESHNESS, TITLE, PieceIdRole, PieceRole, PieceRowsTableModel, StaleRole
from ..models.row_table_model import SortRole
from . import tones


class _FreshnessDelegate(QStyledItemDelegate):
    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.data(StaleRole):
            option.palette.setColor(option.palette.ColorRole.Text, tones.accent(option.palette, "stale"))


class PieceTableView(QTableView):
    """Emits ``piece_opened(piece_id)`` on double-click or Enter."""

    piece_opened = Signal(int)

    def __init__(self, parent: Optional[QWidget] = None, uses_label: str = "Uses") -> None:
        super().__init__(parent)
        self.table_model = PieceRowsTableModel(self, uses_label=uses_label)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterKeyColumn(TITLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setModel(self.proxy)
        self.setItemDelegateForColumn(FRESHNESS, _FreshnessDelegate(self))
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.doubleClicked.connect(self._activated)

    def _activated(self, index: QModelIndex) -> None:
        pid = index.data(PieceIdRole)
        if pid is not None:
            self.piece_opened.emit(int(pid))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activated(self.currentIndex())
            return
        super().keyPressEvent(event)

    def selected_piece(self) -> Optional[PieceSummary]:
        rows = self.selectionModel().selectedRows()
        index = rows[0] if rows else self.currentIndex()
        return index.siblingAtColumn(TITLE).data(PieceRole) if index.isValid() else None

    def selected_pieces(self) -> list[PieceSummary]:
        return [i.data(PieceRole) for i in self.selectionModel().selectedRows(TITLE)]
