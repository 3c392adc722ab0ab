"""Library: search as you type, facet filters, sort, and results a rep can judge at a glance.

Every keystroke restarts a short debounce; the query then runs on the runner's "latest
wins" lane: at most one search of this page runs at a time (so old keystrokes' searches never
compete with the GUI thread for the GIL), and while it runs only the newest query waits. Each
query also carries a sequence number and a result whose number is not the latest is dropped,
so a slow search can never overwrite what the user typed after it.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Optional

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QListView, QMenu, QPushButton, QSplitter, QStackedWidget, QStyledItemDelegate,
                               QStyleOptionViewItem, QToolButton, QVBoxLayout, QWidget)

from enablement.display import pages_phrase, count
from enablement.errors import UserFacingError
from enablement.models.changes import Changes
from enablement.models.dto import Actor
from enablement.services.permissions import Permission
from enablement.services.piece_files import FilesHere
from enablement.services.search import SearchOutcome
from enablement.services.library import Library
from ..context import AppContext
from ..drag_out import DragOut, DragOutList, DragOutTable, Handout, Handouts, piece_handout
from .lazy_page import Page
from .library_shelves import FAVOURITE_KEYS, SAVE_SEARCH_KEYS, LibraryShelves
from ..models.piece_table_model import (COL_GATES, COL_HELPFUL, COL_OWNER, COL_REVIEW_BY, COL_STAGES, COL_STATUS,
                                        COL_TITLE, COL_TYPE, COL_UPDATED, COL_USES, PieceIdRole, PieceRole,
                                        PieceTableModel, StaleRole)
from ..widgets import tones
from ..widgets.piece_card_delegate import CARD, CARD_THUMB, PieceCardDelegate
from ..text import shown
from ..widgets.download_bar import DownloadBar
from ..widgets.facet_panel import FacetPanel
from ..widgets.piece_delegate import ROW_HEIGHT, THUMB, PieceDelegate
from ..widgets.thumbnails import ThumbnailCache
from ..window_state import WindowState

log = logging.getLogger(__name__)
MARKED = re.compile(r"<b>(.*?)</b>")  # the words a hit's snippet and title mark
DEBOUNCE_MS = 120
PAGE_SIZE = 20  # the list shows about a dozen rows; more load as the user scrolls
LOAD_MORE_MARGIN_PX = 200  # load the next page when fewer pixels than this remain below the view
LOG_SEARCH_AFTER_MS = 1500
SORTS = (("Best match", "relevance"), ("Newest", "newest"), ("Oldest", "oldest"), ("Most used", "most_used"),
         ("Least used", "least_used"), ("Most helpful", "helpful"), ("Least helpful", "least_helpful"),
         ("Title A–Z", "title"), ("Title Z–A", "title_desc"), ("Type A–Z", "type"), ("Type Z–A", "type_desc"),
         ("Stage, first to last", "stage"), ("Stage, last to first", "stage_desc"),
         ("Gate, first to last", "gate"), ("Gate, last to first", "gate_desc"),
         ("Owner A–Z", "owner"), ("Owner Z–A", "owner_desc"),
         ("Review date, stale first", "review"), ("Review date, latest first", "review_desc"))
VIEWS = (("list", "List"), ("grid", "Grid"), ("table", "Table"))
# The table's columns in the order shown, and the sort (ascending, descending) a click on each asks
# the search for: the library sorts in its query, never the loaded rows (a page of a large result).
TABLE_COLUMNS = (COL_TITLE, COL_TYPE, COL_STAGES, COL_GATES, COL_OWNER, COL_UPDATED, COL_USES, COL_HELPFUL,
                 COL_REVIEW_BY, COL_STATUS)
COLUMN_SORTS = {COL_TITLE: ("title", "title_desc"), COL_TYPE: ("type", "type_desc"),
                COL_STAGES: ("stage", "stage_desc"), COL_GATES: ("gate", "gate_desc"),
                COL_OWNER: ("owner", "owner_desc"), COL_UPDATED: ("oldest", "newest"),
                COL_USES: ("least_used", "most_used"), COL_HELPFUL: ("least_helpful", "helpful"),
                COL_REVIEW_BY: ("review", "review_desc")}
FIRST_CLICK_DESCENDS = {COL_UPDATED, COL_USES, COL_HELPFUL}  # newest, most used, most helpful first
# Shown when the user asks (right-click the header): a gate's question is long (the title's
# tooltip has the gates), and reps see published pieces only.
HIDDEN_AT_FIRST = {COL_GATES, COL_STATUS}


AS_TYPED_LINK = "#as-typed"  # "Search instead for …": the query exactly as typed, no correction


def run_search(library: Library, actor: Actor, text: str, sort: str, filters: dict, offset: int,
               limit: int = PAGE_SIZE, autocorrect: bool = True) -> SearchOutcome:
    """Worker: one page of results (module-level so tests can wrap it)."""
    return library.search.search(actor, text, sort=sort, filters=filters, limit=limit, offset=offset,
                                 as_you_type=True, autocorrect=autocorrect)


class LibraryPage(Page):
    title = "Library"
    query_suggested = Signal(str)  # "did you mean" picked: the window's search box takes it
    request_piece = Signal(str)  # "Request this piece" with the query as its title
    import_requested = Signal()
    shelf_shown = Signal()  # a shelf replaced the search: the window's search box empties

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.text = ""
        self.sort = "relevance"
        self.autocorrect = True  # off after "Search instead for …", until the text changes
        self.seq = 0  # the latest query's number; older results are dropped
        self.shown_seq = 0
        self.outcome: Optional[SearchOutcome] = None
        self.first_pages: dict[int, int] = {}  # piece id → the first page or slide its hit is on
        self.hit_words: dict[int, list[str]] = {}  # piece id → the words its hit matched (marked in <b>)
        self.search_id: Optional[str] = None
        self.loaded = False
        self._loading_more = False
        self._lane = f"library-search-{id(self)}"  # this page's key on the runner's latest-wins lane

        self.debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_query)
        self.log_timer = QTimer(self, singleShot=True, interval=LOG_SEARCH_AFTER_MS)
        self.log_timer.timeout.connect(self._log_search)

        self.facets = FacetPanel()
        self.facets.filters_changed.connect(lambda _f: self.run_query())
        self.model = PieceTableModel(self)
        self.thumbnails = ThumbnailCache(app, self, size=THUMB)
        self.handouts = Handouts(app, self)
        self.view = DragOutList()  # the list: a row per piece that a rep judges at a glance
        self.view.setObjectName("results")
        self.view.setItemDelegate(PieceDelegate(self.thumbnails, self.view))
        self.view.setUniformItemSizes(True)
        self.grid_thumbnails = ThumbnailCache(app, self, size=CARD_THUMB)
        self.grid = DragOutList()  # the grid: cards with the first page large
        self.grid.setObjectName("resultsGrid")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setGridSize(CARD)
        self.grid.setItemDelegate(PieceCardDelegate(self.grid_thumbnails, self.grid))
        self.grid.setUniformItemSizes(True)
        self.table = self._results_table()
        for view in (self.view, self.grid, self.table):
            view.setModel(self.model)
            view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            if view is self.view:  # the list: rows fit the width; several may be chosen (Ctrl/Shift-click)
                view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
                view.setResizeMode(QListView.ResizeMode.Adjust)
                view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            view.activated.connect(self._open_index)
            view.doubleClicked.connect(self._open_index)
            self._drag_out_from(view)
            view.verticalScrollBar().valueChanged.connect(self._maybe_load_more)
            view.verticalScrollBar().rangeChanged.connect(lambda _lo, _hi: self._maybe_load_more())
        self.thumbnails.ready.connect(lambda _pid: self.view.viewport().update())
        self.grid_thumbnails.ready.connect(lambda _pid: self.grid.viewport().update())
        self._lay_out_table()
        self.view_mode = "list"

        self.summary = QLabel("")
        self.summary.setObjectName("resultSummary")
        self.did_you_mean = QLabel("")
        self.did_you_mean.setObjectName("didYouMean")
        self.did_you_mean.setTextFormat(Qt.TextFormat.RichText)
        self.did_you_mean.linkActivated.connect(self._correction_link)
        self.hints = QLabel("")
        self.hints.setObjectName("hints")
        self.hints.setWordWrap(True)
        self.sort_box = QComboBox()
        self.sort_box.setObjectName("sort")
        for label, key in SORTS:
            self.sort_box.addItem(label, key)
        self.sort_box.currentIndexChanged.connect(self._sort_changed)

        self.offline_button = QPushButton("Make available offline")
        self.offline_button.setObjectName("availableOffline")
        self.offline_button.setToolTip("Download the files of the chosen pieces to this laptop and keep them there")
        self.offline_button.clicked.connect(self.make_selected_available)
        self.offline_button.setVisible(app.team is not None)
        self.offline_button.setEnabled(False)
        self.download = DownloadBar(app)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.offline_button)
        self.view_buttons = QButtonGroup(self)
        self.view_buttons.setExclusive(True)
        for key, label in VIEWS:
            button = QToolButton()
            button.setObjectName(f"view-{key}")
            button.setText(label)
            button.setCheckable(True)
            button.setChecked(key == self.view_mode)
            button.setToolTip(f"Show the results as a {label.lower()}")
            button.clicked.connect(lambda _checked=False, k=key: self.set_view(k))
            self.view_buttons.addButton(button)
            top.addWidget(button)
        top.addSpacing(12)
        top.addWidget(QLabel("Sort:"))
        top.addWidget(self.sort_box)

        self.empty = self._empty_state()
        self.stack = QStackedWidget()
        for view in (self.view, self.grid, self.table):
            self.stack.addWidget(view)
        self.stack.addWidget(self.empty)

        results = QWidget()
        col = QVBoxLayout(results)
        col.setContentsMargins(8, 6, 8, 0)
        col.addLayout(top)
        col.addWidget(self.download)
        col.addWidget(self.did_you_mean)
        col.addWidget(self.hints)
        col.addWidget(self.stack, 1)

        self.shelves = LibraryShelves(app, self)
        self.sidebar = QSplitter(Qt.Orientation.Vertical)  # the shelves over the facet panel
        self.sidebar.setObjectName("librarySidebar")
        self.sidebar.addWidget(self.shelves.panel)
        self.sidebar.addWidget(self.facets)
        self.sidebar.setSizes([300, 500])
        save_search = QAction("Save search…", self)
        save_search.setShortcut(QKeySequence(SAVE_SEARCH_KEYS))
        save_search.setShortcutContext(Qt.ShortcutContext.WindowShortcut)  # only while the library shows
        save_search.triggered.connect(self.shelves.save_current)
        self.addAction(save_search)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("librarySplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(results)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        chosen = lambda *_: self.offline_button.setEnabled(bool(self.selected_piece_ids()))  # noqa: E731
        self.view.selectionModel().selectionChanged.connect(chosen)
        self.model.modelReset.connect(chosen)  # new results: nothing chosen (no signal says so otherwise)
        self._update_chrome()

    def _empty_state(self) -> QWidget:
        box = QWidget()
        box.setObjectName("emptyState")
        v = QVBoxLayout(box)
        v.addStretch(1)
        self.empty_title = QLabel("")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_title.setWordWrap(True)
        f = self.empty_title.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.empty_title.setFont(f)
        self.empty_text = QLabel("")
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        self.request_button = QPushButton("Request this piece…")
        self.request_button.setObjectName("requestThisPiece")
        self.request_button.clicked.connect(lambda: self.request_piece.emit(self.text.strip()))
        self.clear_filters_button = QPushButton("Clear filters")
        self.clear_filters_button.clicked.connect(self.facets.clear)
        self.import_button = QPushButton("Import files…")
        self.import_button.clicked.connect(self.import_requested.emit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.request_button, self.clear_filters_button, self.import_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        v.addWidget(self.empty_title)
        v.addWidget(self.empty_text)
        v.addSpacing(12)
        v.addLayout(buttons)
        v.addStretch(2)
        return box

    def _results_table(self) -> DragOutTable:
        """The table: sortable (in the search), resizable, hideable columns (right-click the header)."""
        table = DragOutTable()
        table.setObjectName("resultsTable")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.setItemDelegate(_StaleDelegate(table))
        header = table.horizontalHeader()
        header.setObjectName("resultsTableHeader")
        header.setSectionsMovable(True)
        header.setSectionsClickable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: self.columns_menu().popup(header.mapToGlobal(pos)))
        return table

    def _lay_out_table(self) -> None:
        """The columns' first order and widths (until the user's own are restored)."""
        table, header = self.table, self.table.horizontalHeader()
        for visual, column in enumerate(TABLE_COLUMNS):
            header.moveSection(header.visualIndex(column), visual)
        for column, width in ((COL_TITLE, 250), (COL_TYPE, 100), (COL_STAGES, 100), (COL_GATES, 200),
                              (COL_OWNER, 100), (COL_UPDATED, 90), (COL_USES, 48), (COL_HELPFUL, 80),
                              (COL_REVIEW_BY, 100), (COL_STATUS, 80)):
            table.setColumnWidth(column, width)
        for column in HIDDEN_AT_FIRST:
            table.setColumnHidden(column, True)

    def columns_menu(self) -> QMenu:
        """Which columns the table shows (the title always)."""
        menu = QMenu(self.table)
        header = self.table.horizontalHeader()
        for column in sorted(range(self.model.columnCount()), key=header.visualIndex):
            if column == COL_TITLE:
                continue
            action = menu.addAction(str(self.model.headerData(column, Qt.Orientation.Horizontal)))
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda shown, c=column: self.table.setColumnHidden(c, not shown))
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    def _header_clicked(self, column: int) -> None:
        """A click on a column sorts by it (the search sorts; a second click reverses)."""
        sorts = COLUMN_SORTS.get(column)
        if sorts is None:
            self._show_sort_indicator()
            return
        ascending, descending = sorts
        if self.sort == ascending:
            wanted = descending
        elif self.sort == descending:
            wanted = ascending
        else:
            wanted = descending if column in FIRST_CLICK_DESCENDS else ascending
        self.set_sort(wanted)

    def set_sort(self, sort: str) -> None:
        """Sort the results by ``sort`` (one of SORTS): the sort box and the table's header follow."""
        row = self.sort_box.findData(sort)
        if row >= 0 and row != self.sort_box.currentIndex():
            self.sort_box.setCurrentIndex(row)  # runs the query
        else:
            self._show_sort_indicator()

    def _show_sort_indicator(self) -> None:
        header = self.table.horizontalHeader()
        for column, (ascending, descending) in COLUMN_SORTS.items():
            if self.sort in (ascending, descending):
                header.setSortIndicator(column, Qt.SortOrder.AscendingOrder if self.sort == ascending
                                        else Qt.SortOrder.DescendingOrder)
                return
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # best match: no column

    def current_view(self) -> QAbstractItemView:
        return {"grid": self.grid, "table": self.table}.get(self.view_mode, self.view)

    def set_view(self, mode: str) -> None:
        """Show the results as a list, a grid or a table (the same rows, the same selection)."""
        if mode not in dict(VIEWS):
            mode = "list"
        previous = self.current_view()
        self.view_mode = mode
        view = self.current_view()
        for button in self.view_buttons.buttons():
            button.setChecked(button.objectName() == f"view-{mode}")
        if previous.currentIndex().isValid() and view is not previous:
            view.setCurrentIndex(previous.currentIndex())
        if self.stack.currentWidget() is not self.empty:
            self.stack.setCurrentWidget(view)
        self._maybe_load_more()

    # --- remembered between runs --------------------------------------------------------------
    def restore_view_state(self, state: WindowState) -> None:
        """The view, sort, and the table's columns (order, widths, hidden) the user left."""
        header = self.table.horizontalHeader().saveState()
        saved = state.bytes(WindowState.LIBRARY_TABLE)
        if saved is not None and not self.table.horizontalHeader().restoreState(saved):
            self.table.horizontalHeader().restoreState(header)  # from another version: the first layout
        sort = state.text(WindowState.LIBRARY_SORT, self.sort)
        if self.sort_box.findData(sort) >= 0:
            self.sort_box.blockSignals(True)
            self.sort_box.setCurrentIndex(self.sort_box.findData(sort))
            self.sort_box.blockSignals(False)
            self.sort = sort
        self._show_sort_indicator()
        self.set_view(state.text(WindowState.LIBRARY_VIEW, self.view_mode))

    def save_view_state(self, state: WindowState) -> None:
        state.set(WindowState.LIBRARY_VIEW, self.view_mode)
        state.set(WindowState.LIBRARY_SORT, self.sort)
        state.set(WindowState.LIBRARY_TABLE, self.table.horizontalHeader().saveState())

    def _drag_out_from(self, view: DragOut) -> None:
        """A piece's file leaves the app from ``view``: dragged out, or "Copy file" (Ctrl+C);
        its copy is made ready when it becomes the current row."""
        view.drag_requested.connect(lambda: self._drag_current(view))
        view.selectionModel().currentChanged.connect(lambda cur, _prev: self._prepare(cur))
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda pos: self._context_menu(view, pos))
        copy = QAction("Copy file", view)
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(lambda: self.copy_file(view.currentIndex()))
        view.addAction(copy)
        star = QAction("Add to or remove from favourites", view)
        star.setShortcut(QKeySequence(FAVOURITE_KEYS))
        star.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        star.triggered.connect(lambda: self.shelves.toggle_favourite(view.currentIndex().data(PieceIdRole)))
        view.addAction(star)

    def _handout(self, index: QModelIndex) -> Optional[Handout]:
        piece = index.data(PieceRole) if index.isValid() else None
        return piece_handout(self.app, piece.id, piece.title) if piece is not None else None

    def _prepare(self, index: QModelIndex) -> None:
        handout = self._handout(index)
        if handout is not None:
            self.handouts.prepare(handout)

    def _drag_current(self, view: DragOut) -> None:
        handout = self._handout(view.currentIndex())
        if handout is not None:
            self.handouts.drag(view, handout)

    def copy_file(self, index: QModelIndex) -> None:
        """The piece's file on the clipboard, to paste into an email, a chat or a folder."""
        handout = self._handout(index)
        if handout is not None:
            self.handouts.copy(handout)

    def _context_menu(self, view: DragOut, pos: QPoint) -> None:
        index = view.indexAt(pos)
        if index.isValid():
            if not view.selectionModel().isSelected(index):
                view.setCurrentIndex(index)
            self.results_menu(view, index).popup(view.viewport().mapToGlobal(pos))

    def results_menu(self, view: QAbstractItemView, index: QModelIndex) -> QMenu:
        """What a right-click on a result offers."""
        menu = QMenu(view)
        menu.addAction("Open", lambda: self._open_index(index))
        menu.addAction("Copy file", lambda: self.copy_file(index))
        piece_id = index.data(PieceIdRole)
        starred = piece_id in self.shelves.favourites
        menu.addAction("Remove from favourites" if starred else "Add to favourites",
                       lambda: self.shelves.toggle_favourite(piece_id)).setShortcut(QKeySequence(FAVOURITE_KEYS))
        if self.app.team is not None:
            menu.addAction("Make available offline", self.make_selected_available)
        menu.aboutToHide.connect(menu.deleteLater)
        return menu

    # --- page contract ------------------------------------------------------------------------
    def activate(self) -> None:
        if not self.loaded:
            self.run_query()
        if not self.shelves.loaded:
            self.shelves.reload()

    def apply_changes(self, changes: Changes) -> None:
        if changes.pieces:
            self.handouts.forget()  # a new version or title: the next drag takes a fresh copy
        self.shelves.apply_changes(changes)  # a shelf shown in the results reloads there
        if changes.pieces or changes.index or changes.taxonomy or changes.usage:
            if self.loaded and self.shelves.shelf is None:
                self.run_query(keep_position=True)

    def on_actor_changed(self, actor: Actor) -> None:
        self._update_chrome()
        self.loaded = False
        self.shelves.left_shelf()
        self.shelves.loaded = False
        if self.isVisible():
            self.run_query()
            self.shelves.reload()

    # --- querying -----------------------------------------------------------------------------
    def set_query(self, text: str) -> None:
        """Called on every keystroke of the search box: restart the debounce."""
        if text != self.text:
            self.autocorrect = True
        self.text = text
        self.debounce.start()

    def _correction_link(self, link: str) -> None:
        """"Did you mean …" puts the correction in the search box; "Search instead for …"
        runs the query exactly as typed."""
        if link == AS_TYPED_LINK:
            self.autocorrect = False
            self.run_query()
        else:
            self.query_suggested.emit(link)

    def _sort_changed(self) -> None:
        self.sort = self.sort_box.currentData()
        self._show_sort_indicator()
        self.run_query()

    def run_query(self, keep_position: bool = False) -> None:
        self.debounce.stop()
        self.shelves.left_shelf()
        self._update_chrome()
        self.seq += 1
        seq = self.seq
        self.loaded = True
        self._loading_more = False
        position = self.current_view().verticalScrollBar().value() if keep_position else 0
        # A refresh keeps as many rows as are loaded, so the position still points at them.
        limit = max(PAGE_SIZE, self.model.rowCount()) if keep_position else PAGE_SIZE
        self.app.runner.op(run_search, self.app.library, self.app.actor, self.text, self.sort, self.facets.filters(),
                           0, limit, self.autocorrect).success(
            lambda out: self._arrived(seq, out, position, keep_position)).failure(
            lambda exc: self._failed(seq, exc)).latest(self._lane)

    def _arrived(self, seq: int, outcome: SearchOutcome, position: int = 0, keep: bool = False) -> None:
        if seq != self.seq:
            log.debug("dropped stale search result %s (latest %s)", seq, self.seq)
            return
        self.shown_seq = seq
        self.outcome = outcome
        self.search_id = None
        self.first_pages, self.hit_words = {}, {}
        current = self.current_piece_id() if keep else None  # a refresh keeps the piece the person is on
        self.model.set_rows(outcome.pieces, self._snippets(outcome))
        row = self.model.row_of(current) if current is not None else -1
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))
        if position:
            self.current_view().verticalScrollBar().setValue(position)
        self.facets.set_counts(outcome.facets)
        self._show_outcome(outcome)
        if self.text.strip() and not keep:  # a refresh after a change is no new search of the person's
            self.log_timer.start()
        self._maybe_load_more()  # a page that does not fill the view has no scroll bar to move

    def _failed(self, seq: int, exc: BaseException) -> None:
        """A user's error (a malformed query, say) shows as a hint; a bug is reported by the operation."""
        self._loading_more = False
        if seq == self.seq and isinstance(exc, UserFacingError):
            self.hints.setText(str(exc))
            self.hints.setVisible(True)

    def _maybe_load_more(self, _value: int = 0) -> None:
        """Fetch the next page when the user nears the end of the rows loaded so far."""
        out = self.outcome
        rows = self.model.rowCount()
        if (self._loading_more or out is None or self.shown_seq != self.seq  # a newer query is on its way
                or rows >= out.results.total):
            return
        # Uniform rows: the height below the view is known without waiting for the view's layout.
        view = self.current_view()
        below = self._content_height(rows) - view.verticalScrollBar().value() - view.viewport().height()
        if below > LOAD_MORE_MARGIN_PX:
            return
        self._loading_more = True
        seq = self.seq
        # The same lane as the queries: a keystroke supersedes a page nobody will see.
        self.app.runner.op(run_search, self.app.library, self.app.actor, self.text, self.sort, self.facets.filters(),
                           rows, PAGE_SIZE, self.autocorrect).success(lambda o: self._more_arrived(seq, o)).failure(
            lambda exc: self._failed(seq, exc)).latest(self._lane)

    def _content_height(self, rows: int) -> int:
        """How tall ``rows`` results are in the current view (rows, cards or table lines)."""
        if self.view_mode == "grid":
            per_line = max(1, self.grid.viewport().width() // CARD.width())
            return -(-rows // per_line) * CARD.height()
        if self.view_mode == "table":
            return rows * self.table.verticalHeader().defaultSectionSize()
        return rows * ROW_HEIGHT

    def _more_arrived(self, seq: int, outcome: SearchOutcome) -> None:
        self._loading_more = False
        if seq != self.seq:
            return
        rows = self.model.rowCount()
        self.model.append_rows(outcome.pieces, self._snippets(outcome))
        if self.model.rowCount() > rows:  # nothing new (the index changed meanwhile): wait for a scroll
            self._maybe_load_more()

    def _log_search(self) -> None:
        """A query the user paused on is worth recording for the search-gap report."""
        out = self.outcome
        if out is None or not self.text.strip():
            return
        ids = [p.id for p in out.pieces]
        filters = " ".join(f"{k}:{','.join(sorted(v))}" for k, v in sorted(self.facets.filters().items()))

        def done(search_id: str) -> None:
            self.search_id = search_id

        self.app.runner.op(self.app.library.usage.log_search, self.app.actor, self.text.strip(), filters,
                           out.results.total, ids).success(done).failure(self._not_recorded).write()

    def _not_recorded(self, exc: BaseException) -> None:
        """Recording a search is bookkeeping for the reports: a user's error (a busy or full disk)
        goes to the status bar instead of interrupting the search; a bug is still reported."""
        if isinstance(exc, UserFacingError):
            self.app.signals.status_message.emit(f"This search was not recorded for the reports: {exc}")

    # --- showing ------------------------------------------------------------------------------
    def _show_outcome(self, out: SearchOutcome) -> None:
        total = out.results.total
        query = self.text.strip()
        if query:
            self.summary.setText(f"{count(total, 'piece')} for “{query}”")
        else:
            self.summary.setText(f"{count(total, 'piece')} in the library"
                                 + (" (filtered)" if self.facets.filters() else ""))
        self.did_you_mean.setText(correction_text(out, query))
        self.did_you_mean.setVisible(bool(self.did_you_mean.text()))
        hints = [h for h in out.results.hints if not h.startswith("Showing results for ")]  # said above
        self.hints.setText(" ".join(hints))
        self.hints.setVisible(bool(hints))
        if total:
            self.stack.setCurrentWidget(self.current_view())
            return
        filtered = bool(self.facets.filters())
        marketing = self.app.can(Permission.IMPORT)
        if query or filtered:
            what = f"“{query}”" if query else "these filters"
            self.empty_title.setText(f"Nothing in the library matches {what}.")
            self.empty_text.setText("Try fewer words or clear the filters. If the piece does not exist yet, "
                                    "ask marketing for it: they see every request.")
        else:
            self.empty_title.setText("The library is empty.")
            self.empty_text.setText("Drag files or folders onto this window, or use Import…, to add collateral."
                                    if marketing else "Nothing is published yet. Ask marketing for what you need.")
        self.request_button.setVisible(bool(query) or not marketing)
        self.clear_filters_button.setVisible(filtered)
        self.import_button.setVisible(marketing and not query and not filtered)
        self.stack.setCurrentWidget(self.empty)

    def _update_chrome(self) -> None:
        self.sort_box.setEnabled(True)
        self.facets.setEnabled(True)

    def _snippets(self, outcome: SearchOutcome) -> dict[int, str]:
        """Each hit's snippet, after the pages or slides it is on ("Slides 5, 12: …"); the first
        of them is where the piece's preview opens."""
        types = {p.id: p.file_type for p in outcome.pieces}
        snippets = {}
        for h in outcome.results.hits:
            where = pages_phrase(h.pages, types.get(h.piece_id, ""))
            snippets[h.piece_id] = f"{where[:1].upper()}{where[1:]}: {h.snippet}" if where else h.snippet
            if h.pages:
                self.first_pages[h.piece_id] = h.pages[0]
            self.hit_words[h.piece_id] = sorted({html.unescape(w) for w in MARKED.findall(h.snippet + h.title_html)})
        return snippets

    # --- shelves -----------------------------------------------------------------------------------
    def current_search(self) -> tuple[str, dict[str, frozenset[str]], str]:
        """The query, filters and sort shown now (what "Save search…" keeps)."""
        return self.text.strip(), self.facets.filters(), self.sort

    def apply_search(self, text: str, filters: dict[str, frozenset[str]], sort: str) -> None:
        """Show a saved search's results: its query in the search box, its filters, its sort."""
        self.facets.set_filters(filters)
        row = self.sort_box.findData(sort)
        if row >= 0:
            self.sort_box.blockSignals(True)
            self.sort_box.setCurrentIndex(row)
            self.sort_box.blockSignals(False)
            self.sort = sort
            self._show_sort_indicator()
        self.text, self.autocorrect = text, True
        self.query_suggested.emit(text)  # the window's search box shows it
        self.run_query()

    def show_shelf_rows(self, pieces: list, notes: dict[int, str], summary: str, empty: str) -> None:
        """Show a shelf's pieces (favourites, recently opened) instead of a search's results."""
        self.seq += 1  # a search still on its way must not overwrite the shelf
        self.outcome, self.search_id = None, None
        self.first_pages, self.hit_words = {}, {}
        self.model.set_rows(pieces, notes)
        self.text = ""
        self.shelf_shown.emit()
        self.facets.set_filters({})
        self.facets.setEnabled(False)  # a shelf is not filtered; typing or a saved search brings them back
        self.sort_box.setEnabled(False)
        self.summary.setText(summary)
        self.did_you_mean.setVisible(False)
        self.hints.setVisible(False)
        if pieces:
            self.stack.setCurrentWidget(self.current_view())
            return
        self.empty_title.setText(empty)
        self.empty_text.setText("")
        for button in (self.request_button, self.clear_filters_button, self.import_button):
            button.setVisible(False)
        self.stack.setCurrentWidget(self.empty)

    def _open_index(self, index: QModelIndex) -> None:
        piece_id = index.data(PieceIdRole)
        if piece_id is None:
            return
        if self.search_id:
            self.app.runner.op(self.app.library.search.opened, self.search_id, piece_id).failure(
                self._not_recorded).write()
        page = self.first_pages.get(int(piece_id), 0)
        words = self.hit_words.get(int(piece_id), [])
        if page or words:
            self.app.signals.open_piece_at.emit(int(piece_id), page, words)
        else:
            self.app.signals.open_piece.emit(int(piece_id))

    def selected_piece_ids(self) -> list[int]:
        """The chosen results, in the list's order."""
        rows = sorted(self.view.selectionModel().selectedIndexes(), key=lambda i: i.row())
        return [int(i.data(PieceIdRole)) for i in rows if i.data(PieceIdRole) is not None]

    def make_selected_available(self) -> None:
        """Download the chosen pieces' files to this laptop in the background and keep them."""
        ids = self.selected_piece_ids()
        if ids:
            what = "the file" if len(ids) == 1 else f"the files of {count(len(ids), 'piece')}"
            self.download.bring_here(ids, self._made_available, keep=True, what=what)

    def _made_available(self, result: FilesHere) -> None:
        self.app.signals.status_message.emit(result.message())
        if result.downloaded:
            self.thumbnails.retry_missing()  # tiles that said "not on this laptop" draw the page now

    def current_piece_id(self) -> Optional[int]:
        index = self.current_view().currentIndex()
        return index.data(PieceIdRole) if index.isValid() else None


class _StaleDelegate(QStyledItemDelegate):
    """Table rows past their review date (or expired) read in the warning tone."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.data(StaleRole):
            option.palette.setColor(option.palette.ColorRole.Text, tones.accent(option.palette, "stale"))


def correction_text(out: SearchOutcome, query: str) -> str:
    """The line above the results when the spelling may be off: "Showing results for …" with a
    link back to the query as typed, or "Did you mean …?" with a link that takes it."""
    fixed, dym = out.results.showing_results_for, out.results.did_you_mean
    if fixed:
        return (f"Showing results for <b>{html.escape(shown(fixed))}</b>. "
                f"<a href=\"{AS_TYPED_LINK}\">Search instead for {html.escape(shown(query))}</a>")
    if dym:
        return f"Did you mean <a href=\"{html.escape(dym, quote=True)}\">{html.escape(shown(dym))}</a>?"
    return ""
