"""The main window: a shell that builds the pages, routes change-sets and shows errors.

Work happens in the pages and dialogs; this file only wires them together.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMainWindow,
                               QPushButton, QSizePolicy, QSplitter, QStackedWidget, QToolBar,
                               QWidget)

from enablement.display import count
from enablement.models.changes import Changes
from enablement.models.shelves import SavedSearchInfo
from enablement.models.dto import UserInfo
from enablement.services.identity import LocalUser, UserContext
from enablement.services.permissions import Permission
from . import flows
from .context import AppContext
from .dialogs.error_dialog import error_box
from .pages.journey_map_page import JourneyMapPage
from .pages.kits_page import KitsPage
from .pages.lazy_page import Page
from .pages.library_page import LibraryPage
from .pages.reports_page import ReportsPage
from .pages.requests_page import RequestsPage
from .renditions import RenditionMaker
from .pages.taxonomy_page import TaxonomyPage
from .pages.users_page import UsersPage
from .team_link import TeamLink
from .widgets.index_status import IndexStatus
from .widgets.user_menu import UserButton
from .window_state import WindowState

log = logging.getLogger(__name__)
BUSY_TEXT = "Working…"  # the status bar while any task runs

def build_pages(app: AppContext, library_page: LibraryPage) -> list[tuple[Page, Optional[Permission]]]:
    """Every page, with the permission it needs to be seen (None: everyone). People are the
    server's logins, so the Users page exists on a team library only."""
    pages: list[tuple[Page, Optional[Permission]]] = [
        (library_page, None),
        (JourneyMapPage(app), None),
        (KitsPage(app), None),
        (RequestsPage(app), None),
        (ReportsPage(app), Permission.VIEW_REPORTS),
        (TaxonomyPage(app), Permission.EDIT_TAXONOMY),
    ]
    if app.team is not None:
        pages.append((UsersPage(app), Permission.MANAGE_USERS))
    return pages


class MainWindow(QMainWindow):
    sign_in_requested = Signal()  # team mode: sign in as another login (start-up rebuilds the window)

    def __init__(self, app: AppContext, log_file: Optional[Path] = None, state: Optional[WindowState] = None) -> None:
        super().__init__()
        self.app = app
        self.last_dialog: Optional[QDialog] = None  # what the last action opened (see flows)
        self.log_file = log_file
        self.state = state or WindowState()
        self.setWindowTitle("Enablement")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.resize(1280, 820)

        self.library_page = LibraryPage(app)
        self.pages = build_pages(app, self.library_page)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMaximumWidth(220)
        self.nav.setStyleSheet("QListWidget#navigation { border: none; outline: 0; background: palette(window); }"
                               "QListWidget#navigation::item { padding: 9px 14px; border-radius: 4px; }"
                               "QListWidget#navigation::item:selected { background: palette(highlight);"
                               " color: palette(highlighted-text); }")
        nav_font = self.nav.font()
        nav_font.setPointSizeF(nav_font.pointSizeF() * 1.1)
        self.nav.setFont(nav_font)
        self.stack = QStackedWidget()
        for page, _roles in self.pages:
            self.nav.addItem(QListWidgetItem(page.title))
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.show_page_at)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 1100])
        self.setCentralWidget(self.splitter)

        self._build_toolbar()
        self._build_status_bar()

        app.actions.changed.connect(self._apply_availability)
        app.actions.watch(self)  # dialogs open here follow the link too
        app.signals.changed.connect(self.route_changes)
        app.signals.open_piece.connect(lambda pid: flows.open_piece(self, self.app, pid))
        app.signals.open_piece_at.connect(lambda pid, page, words: flows.open_piece(self, self.app, pid, page, words))
        app.signals.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        app.runner.task_failed.connect(self.show_error)
        app.runner.busy_changed.connect(self._busy)
        self.library_page.query_suggested.connect(self.search_box.setText)
        app.signals.run_saved_search.connect(self.run_saved_search)
        self.library_page.shelf_shown.connect(self._clear_search_box)
        self.library_page.request_piece.connect(lambda q: flows.request_piece(self, self.app, q))
        self.library_page.import_requested.connect(lambda: flows.choose_and_import(self, self.app))

        self._apply_role()
        self.restore_state()
        self.check_search_index()
        self.archive_expired()
        self.renditions = RenditionMaker(app, self)  # Word/PowerPoint pages drawn in the background
        self.renditions.start()

    def archive_expired(self) -> None:
        """Marketing and admins opening the app archive the pieces whose expiry date has come
        (when the library archives rather than flags them), in the background."""
        if not self.app.can(Permission.EDIT_PIECES):
            return

        def done(archived: int) -> None:
            if archived:
                self.statusBar().showMessage(f"Archived {count(archived, 'expired piece')}.", 8000)
        self.app.runner.op(self.app.library.pieces.expire_due, self.app.actor).success(done).failure(
            lambda exc: self.statusBar().showMessage(f"Expired pieces were not archived: {exc}", 8000)).write()

    def check_search_index(self) -> None:
        """Compare the derived search index with the database in the background; a missing,
        stale or damaged index is repaired there while the pages keep working."""
        index = self.app.library.ctx.index
        if index is None:
            return
        self.statusBar().showMessage("Checking the search index…")

        def done(fixed: int) -> None:
            if fixed:
                self.statusBar().showMessage(f"Search index repaired: {count(fixed, 'piece')} brought up to date.", 8000)
                self.app.announce(Changes(index=True))
            else:
                self.statusBar().clearMessage()

        self.app.runner.op(index.ensure_fresh).success(done).read()

    # --- building -----------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText("Search the library — try “security review” or stage:evaluation  (Ctrl+K)")
        self.search_box.setMinimumWidth(420)
        self.search_box.textChanged.connect(self._search_typed)
        self.search_box.returnPressed.connect(self.library_page.run_query)
        bar.addWidget(self.search_box)
        for keys in ("Ctrl+K", QKeySequence.StandardKey.Find):
            QShortcut(QKeySequence(keys), self).activated.connect(self.focus_search)
        bar.addSeparator()
        self.import_action = self._action("Import…", "importAction",
                                          "Import files or a folder (or drag them onto the window)")
        self.import_action.triggered.connect(lambda: flows.choose_and_import(self, self.app))
        self.import_folder_action = self._action("Import folder…", "importFolderAction",
                                                 "Import every file in a folder (a share drive, say)")
        self.import_folder_action.triggered.connect(lambda: flows.choose_and_import(self, self.app, folder=True))
        self.submit_action = self._action("Add my piece…", "submitAction", "Share a piece you made; marketing reviews it")
        self.submit_action.triggered.connect(lambda: flows.choose_and_submit(self, self.app))
        self.review_action = self._action("Review queue", "reviewAction", "Rep-made pieces waiting for marketing")
        self.review_action.triggered.connect(lambda: flows.review_queue(self, self.app))
        self.submissions_action = self._action("My submissions", "submissionsAction")
        self.submissions_action.triggered.connect(lambda: flows.my_submissions(self, self.app))
        self.publish_action = self._action("Publish to a team server…", "publishAction",
                                           "Copy this library to your team's PostgreSQL server, with a login for "
                                           "everyone in it")
        self.publish_action.triggered.connect(self.publish_to_team)
        for action in (self.import_action, self.import_folder_action, self.submit_action, self.review_action,
                       self.submissions_action, self.publish_action):
            bar.addAction(action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.user_button = UserButton()
        self.user_button.user_chosen.connect(self.switch_user)
        self.user_button.sign_in_requested.connect(self.sign_in_requested.emit)
        if self.app.team is None:
            self.user_button.menu_.aboutToShow.connect(self._refresh_users)
        bar.addWidget(self.user_button)

    def _undo_changed(self) -> None:
        label = self.app.undo.label
        self.undo_button.setText(f"Undo {label}  (Ctrl+Z)" if label else "Undo")
        self.undo_button.setVisible(bool(label))

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.demo_label = QLabel("Demo library: sample content and made-up usage")
        self.demo_label.setObjectName("demoLabel")
        self.demo_label.setToolTip("This library was created for trying Enablement out.")
        # Work in the background is said in words, not by a busy bar: an animated bar repaints
        # many times a second for as long as any task runs (drawing renditions takes minutes),
        # and each repaint of its gradient waits for Qt's drawing threads on a busy machine.
        # Its width is fixed, so the status bar keeps its layout as tasks come and go.
        self.busy_label = QLabel("")
        self.busy_label.setObjectName("busyLabel")
        self.busy_label.setFixedWidth(self.busy_label.fontMetrics().horizontalAdvance(BUSY_TEXT) + 12)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setFlat(True)
        self.undo_button.clicked.connect(self.app.undo.undo)
        self.undo_button.setVisible(False)
        self.app.undo.changed.connect(self._undo_changed)
        self.undo_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        self.undo_shortcut.activated.connect(self.app.undo.undo)
        self.index_status: Optional[IndexStatus] = None
        if self.app.library.ctx.index is not None:  # its rebuilds and their failures, as they happen
            self.index_status = IndexStatus(self.app.library.ctx.index, self.app.runner, self)
            status.addPermanentWidget(self.index_status)
        status.addPermanentWidget(self.undo_button)
        status.addPermanentWidget(self.busy_label)
        status.addPermanentWidget(self.demo_label)
        self.team_link: Optional[TeamLink] = None
        if self.app.team is not None:  # a team library: its replica and the server
            self.team_link = TeamLink(self.app, self)
            status.addPermanentWidget(self.team_link.button)
        if self.app.is_demo is not None:
            self.demo_label.setVisible(self.app.is_demo)
        else:
            self.demo_label.setVisible(False)
            library = self.app.library
            self.app.runner.op(lambda: library.is_demo).success(self.demo_label.setVisible).read()

    def _action(self, text: str, name: str, tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if tip:
            action.setToolTip(tip)
        return action

    # --- navigation ---------------------------------------------------------------------------
    def show_page_at(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        page = self.pages[row][0]
        page.activate()

    def show_page(self, title: str) -> QWidget:
        for row, (page, _roles) in enumerate(self.pages):
            if page.title == title:
                self.nav.setCurrentRow(row)
                return page
        raise KeyError(title)

    def page(self, title: str) -> QWidget:
        return next(p for p, _r in self.pages if p.title == title)

    def focus_search(self) -> None:
        if self.stack.currentWidget() is not self.library_page:
            self.show_page("Library")
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _clear_search_box(self) -> None:
        """Empty the search box without starting a search (a shelf is shown instead)."""
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)

    def run_saved_search(self, search: SavedSearchInfo) -> None:
        """Show the library with a saved or recommended search's results (query, filters, sort)."""
        self.show_page("Library")
        self.library_page.shelves.run_search(search)

    def _search_typed(self, text: str) -> None:
        if self.stack.currentWidget() is not self.library_page:
            self.show_page("Library")
        self.library_page.set_query(text)

    # --- roles --------------------------------------------------------------------------------
    def _apply_role(self) -> None:
        can = self.app.can
        for row, (_page, permission) in enumerate(self.pages):
            self.nav.setRowHidden(row, permission is not None and not can(permission))
        if self.nav.isRowHidden(max(self.nav.currentRow(), 0)):
            self.nav.setCurrentRow(0)
        self.import_action.setVisible(can(Permission.IMPORT))
        self.import_folder_action.setVisible(can(Permission.IMPORT))
        self.review_action.setVisible(can(Permission.PUBLISH))  # reviewing rep-made pieces ends in publishing them
        # "Add my piece" is for those who share pieces for review; who imports has Import instead.
        shares = can(Permission.SUBMIT_REP_PIECE) and not can(Permission.IMPORT)
        self.submit_action.setVisible(shares)
        self.submissions_action.setVisible(shares)
        # a library of this computer becomes a team library; people are the admin's to give logins
        self.publish_action.setVisible(self.app.team is None and can(Permission.MANAGE_USERS))
        self._apply_availability()
        team = self.app.team
        if team is None:
            self.user_button.show_actor(self.app.actor)
            self.setWindowTitle(f"Enablement — {self.app.actor.name}")
        else:
            self.user_button.show_login(self.app.actor, team.login, team.where)
            self.setWindowTitle(f"Enablement — {self.app.actor.name} on {team.where}")

    def _apply_availability(self) -> None:
        """What needs the team server waits while it does not answer (the policy says why)."""
        actions = self.app.actions
        for action, permission in ((self.import_action, Permission.IMPORT), (self.import_folder_action, Permission.IMPORT),
                                   (self.submit_action, Permission.SUBMIT_REP_PIECE),
                                   (self.review_action, Permission.PUBLISH)):
            actions.govern(action, permission, enabled=True)
        actions.govern(self.undo_button, Permission.EDIT_PIECES, enabled=True)  # an undo is a marketing edit
        for row, (page, needs) in enumerate(self.pages):
            if needs is None:
                continue
            server = None if not getattr(page, "works_offline", False) else False
            actions.govern(page, needs, server=server, enabled=True)
            item = self.nav.item(row)
            why = actions.reason(needs, server)
            item.setToolTip(why)
            flags = item.flags()
            item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled if why and row != self.nav.currentRow()
                          else flags | Qt.ItemFlag.ItemIsEnabled)

    def publish_to_team(self) -> None:
        from .dialogs.publish_dialog import PublishDialog

        self.publish_dialog = PublishDialog(self.app.runner, self.app.library.ctx.paths.root, self)
        self.publish_dialog.open()

    def _refresh_users(self) -> None:
        self.app.runner.op(self.app.library.users.list).success(
            lambda users: self.user_button.set_users(users, self.app.actor)).read()

    def switch_user(self, user: UserInfo) -> None:
        """Act as ``user``: the identity seam opens a new user context (on a worker: it reads
        the user directory, and refuses a user who has been disabled meanwhile). On a team
        library the person is the login: nobody switches by name there."""
        if user.id == self.app.actor.user_id or self.app.team is not None:
            return
        self.app.runner.op(self.app.user.switch, LocalUser(user.name)).success(self._switched).read()

    def _switched(self, user: UserContext) -> None:
        self.app.switch_user(user)
        actor = user.actor
        self.state.set(WindowState.LAST_USER, actor.name)
        self._apply_role()
        for page, _roles in self.pages:
            page.on_actor_changed(actor)
        self.app.signals.actor_changed.emit(actor)
        self.pages[self.stack.currentIndex()][0].activate()
        self.statusBar().showMessage(f"Now acting as {actor.name} ({actor.role}).", 5000)

    # --- routing ------------------------------------------------------------------------------
    def route_changes(self, changes: Changes) -> None:
        for page, _roles in self.pages:
            page.apply_changes(changes)
        if changes.users and self.app.team is None:
            self._refresh_users()

    def show_error(self, exc: BaseException) -> None:
        self.last_error_box = error_box(self, exc, self.log_file)
        self.last_error_box.open()

    def _busy(self, count: int) -> None:
        self.busy_label.setText(BUSY_TEXT if count > 0 else "")

    # --- drag and drop: files or folders anywhere → import --------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            flows.import_dropped(self, self.app, paths)

    # --- state --------------------------------------------------------------------------------
    def restore_state(self) -> None:
        geometry = self.state.bytes(WindowState.GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        window_state = self.state.bytes(WindowState.STATE)
        if window_state is not None:
            self.restoreState(window_state)
        for splitter in self._splitters():
            saved = self.state.bytes(WindowState.SPLITTER + splitter.objectName())
            if saved is not None:
                splitter.restoreState(saved)
        self.library_page.restore_view_state(self.state)
        last = self.state.text(WindowState.LAST_PAGE, "Library")
        row = next((r for r, (p, _x) in enumerate(self.pages) if p.title == last), 0)
        if self.nav.isRowHidden(row):
            row = 0
        self.nav.setCurrentRow(row)

    def save_state(self) -> None:
        self.state.set(WindowState.GEOMETRY, self.saveGeometry())
        self.state.set(WindowState.STATE, self.saveState())
        for splitter in self._splitters():
            self.state.set(WindowState.SPLITTER + splitter.objectName(), splitter.saveState())
        self.library_page.save_view_state(self.state)
        current = self.stack.currentWidget()
        self.state.set(WindowState.LAST_PAGE, getattr(current, "title", "Library"))
        self.state.sync()

    def _splitters(self) -> list[QSplitter]:
        return [s for s in self.findChildren(QSplitter) if s.objectName()]

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.team_link is not None:
            self.team_link.stop()
        if self.index_status is not None:
            self.index_status.stop()
        self.save_state()
        super().closeEvent(event)

