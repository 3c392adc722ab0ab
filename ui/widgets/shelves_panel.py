"""The shelves above the facet panel: Favourites, Recently opened, saved and recommended
searches, each one click (or Enter) away; a right-click or F2/Delete renames and deletes."""

from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QLabel, QListView, QMenu, QPushButton,
                               QVBoxLayout, QWidget)

from enablement.models.shelves import SavedSearchInfo
from ..models.shelf_list_model import (EntryKindRole, RECOMMENDED, SAVED, SHELF_KINDS, SearchRole, ShelfEntry,
                                       ShelfListModel)


class ShelvesPanel(QWidget):
    """Emits what the person chose; the library page does the work."""

    shelf_chosen = Signal(str)  # "favourites" or "recent"
    search_chosen = Signal(object)  # a SavedSearchInfo to run
    save_requested = Signal()
    rename_requested = Signal(object)
    delete_requested = Signal(object)
    recommend_requested = Signal(object)

    def __init__(self, can_edit: Callable[[SavedSearchInfo], bool], can_recommend: Callable[[], bool],
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.can_edit = can_edit
        self.can_recommend = can_recommend
        self.model = ShelfListModel(self)
        header = QLabel("Shelves")
        font = header.font()
        font.setBold(True)
        header.setFont(font)
        self.save_button = QPushButton("Save search…")
        self.save_button.setObjectName("saveSearch")
        self.save_button.setToolTip("Save the search and filters shown now under a name (Ctrl+S)")
        self.save_button.clicked.connect(self.save_requested.emit)
        top = QHBoxLayout()
        top.addWidget(header, 1)
        top.addWidget(self.save_button)
        self.view = QListView()
        self.view.setObjectName("shelves")
        self.view.setModel(self.model)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setStyleSheet("QListView#shelves { background: palette(window); }"
                                "QListView#shelves::item { padding: 3px 4px; }")
        self.view.clicked.connect(self.choose)
        self.view.activated.connect(self.choose)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        for keys, wanted in ((QKeySequence(Qt.Key.Key_F2), self.rename_requested.emit),
                             (QKeySequence(QKeySequence.StandardKey.Delete), self.delete_requested.emit)):
            action = QAction(self.view)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(lambda _c=False, w=wanted: self._on_current(w))
            self.view.addAction(action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

    def set_entries(self, entries: list[ShelfEntry]) -> None:
        """New rows; the row the person was on stays chosen."""
        entry = self.model.row_at(self.view.currentIndex().row()) if self.view.currentIndex().isValid() else None
        chosen = entry.id if entry is not None else None
        self.model.set_rows(entries)
        row = self.model.row_of(chosen) if chosen is not None else -1
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))

    def row_of_kind(self, kind: str, search_id: Optional[int] = None) -> int:
        """The row of a shelf, or of a saved search by id (-1 when absent)."""
        for n, entry in enumerate(self.model.rows):
            if entry.kind == kind and (search_id is None or (entry.search and entry.search.id == search_id)):
                return n
        return -1

    def choose(self, index: QModelIndex) -> None:
        """Open the shelf or run the search at ``index``."""
        kind = index.data(EntryKindRole)
        if kind in SHELF_KINDS:
            self.shelf_chosen.emit(kind)
        elif kind in (SAVED, RECOMMENDED):
            self.search_chosen.emit(index.data(SearchRole))

    def _on_current(self, wanted: Callable[[SavedSearchInfo], object]) -> None:
        """Rename or delete the current search, when the person may change it."""
        search = self.view.currentIndex().data(SearchRole)
        if search is not None and self.can_edit(search):
            wanted(search)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid():
            self.menu_for(index).popup(self.view.viewport().mapToGlobal(pos))

    def menu_for(self, index: QModelIndex) -> QMenu:
        """What a right-click on a row offers: open it, and for a search one may change,
        rename, delete and (marketing) recommend."""
        menu = QMenu(self.view)
        menu.aboutToHide.connect(menu.deleteLater)
        kind, search = index.data(EntryKindRole), index.data(SearchRole)
        if kind in SHELF_KINDS:
            menu.addAction("Show", lambda: self.shelf_chosen.emit(kind))
        if search is None:
            return menu
        menu.addAction("Run this search", lambda: self.search_chosen.emit(search))
        if self.can_edit(search):
            menu.addAction("Rename…", lambda: self.rename_requested.emit(search))
            menu.addAction("Delete", lambda: self.delete_requested.emit(search))
        if self.can_recommend():
            label = "Change or stop recommending…" if search.recommended else "Recommend to everyone…"
            menu.addAction(label, lambda: self.recommend_requested.emit(search))
        return menu
