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

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QListView, QMenu, QPushButton, QSplitter,
                               QStackedWidget, QVBoxLayout, QWidget)

from enablement.display import pages_phrase, count
from enablement.errors import UserFacingError
from enablement.models.changes import Changes
from enablement.models.dto import Actor
from enablement.services.permissions import Permission
from enablement.services.piece_files import FilesHere
from enablement.services.search import SearchOutcome
from enablement.services.library import Library
from ..context import AppContext
from .lazy_page import Page
from ..models.piece_table_model import PieceIdRole, PieceTableModel
from ..text import shown
from ..widgets.download_bar import DownloadBar
from ..widgets.facet_panel import FacetPanel
from ..widgets.piece_delegate import ROW_HEIGHT, THUMB, PieceDelegate
from ..widgets.thumbnails import ThumbnailCache

log = logging.getLogger(__name__)
MARKED = re.compile(r"<b>(.*?)</b>")  # the words a hit's snippet and title mark
DEBOUNCE_MS = 120
PAGE_SIZE = 20  # the list shows about a dozen rows; more load as the user scrolls
LOAD_MORE_MARGIN_PX = 200  # load the next page when fewer pixels than this remain below the view
LOG_SEARCH_AFTER_MS = 1500
SORTS = (("Best match", "relevance"), ("Newest", "newest"), ("Most used", "most_used"))


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
        self.view = QListView()
        self.view.setObjectName("results")
        self.view.setModel(self.model)
        self.view.setItemDelegate(PieceDelegate(self.thumbnails, self.view))
        self.view.setUniformItemSizes(True)
        self.view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # rows fit the width
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        # Several results may be chosen at once (Ctrl/Shift-click) to make them available offline.
        self.view.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.activated.connect(self._open_index)
        self.view.doubleClicked.connect(self._open_index)
        self.view.verticalScrollBar().valueChanged.connect(self._maybe_load_more)
        self.view.verticalScrollBar().rangeChanged.connect(lambda _lo, _hi: self._maybe_load_more())
        self.thumbnails.ready.connect(lambda _pid: self.view.viewport().update())

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
        top.addWidget(QLabel("Sort:"))
        top.addWidget(self.sort_box)

        self.empty = self._empty_state()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)

        results = QWidget()
        col = QVBoxLayout(results)
        col.setContentsMargins(8, 6, 8, 0)
        col.addLayout(top)
        col.addWidget(self.download)
        col.addWidget(self.did_you_mean)
        col.addWidget(self.hints)
        col.addWidget(self.stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("librarySplitter")
        self.splitter.addWidget(self.facets)
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

    # --- page contract ------------------------------------------------------------------------
    def activate(self) -> None:
        if not self.loaded:
            self.run_query()

    def apply_changes(self, changes: Changes) -> None:
        if changes.pieces or changes.index or changes.taxonomy or changes.usage:
            if self.loaded:
                self.run_query(keep_position=True)

    def on_actor_changed(self, actor: Actor) -> None:
        self._update_chrome()
        self.loaded = False
        if self.isVisible():
            self.run_query()

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
        self.run_query()

    def run_query(self, keep_position: bool = False) -> None:
        self.debounce.stop()
        self.seq += 1
        seq = self.seq
        self.loaded = True
        self._loading_more = False
        position = self.view.verticalScrollBar().value() if keep_position else 0
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
            self.view.verticalScrollBar().setValue(position)
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
        below = rows * ROW_HEIGHT - self.view.verticalScrollBar().value() - self.view.viewport().height()
        if below > LOAD_MORE_MARGIN_PX:
            return
        self._loading_more = True
        seq = self.seq
        # The same lane as the queries: a keystroke supersedes a page nobody will see.
        self.app.runner.op(run_search, self.app.library, self.app.actor, self.text, self.sort, self.facets.filters(),
                           rows, PAGE_SIZE, self.autocorrect).success(lambda o: self._more_arrived(seq, o)).failure(
            lambda exc: self._failed(seq, exc)).latest(self._lane)

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
            self.stack.setCurrentWidget(self.view)
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

    def _context_menu(self, at: QPoint) -> None:
        index = self.view.indexAt(at)
        if not index.isValid():
            return
        if not self.view.selectionModel().isSelected(index):
            self.view.setCurrentIndex(index)
        self.menu = QMenu(self)
        self.menu.addAction("Open", lambda: self._open_index(index))
        if self.app.team is not None:
            self.menu.addAction("Make available offline", self.make_selected_available)
        self.menu.popup(self.view.viewport().mapToGlobal(at))

    def current_piece_id(self) -> Optional[int]:
        index = self.view.currentIndex()
        return index.data(PieceIdRole) if index.isValid() else None


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
