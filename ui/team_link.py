"""The window's link to the team server: it reads the replica's state on a worker every
couple of seconds for the status bar, syncs when something waits in the outbox or when the
server's back-off is over, and offers "Sync now" and the sync problems.

It also listens for the server's changes (``live_changes``: a thread of its own holds one
connection, a change pulls into the replica): each change-set reaches the GUI thread through a
queued signal and goes to the views as any announcement does, and the status bar follows the
line (online, syncing, offline) as it changes. After every sync the file cache fetches what it
should keep (queued, pinned, most used files) on a worker.

Every read and sync runs on the task runner (a sync on the write lane, one at a time) or on
the listener's threads; the GUI thread only draws what came back."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Optional, cast

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from enablement.errors import Offline, UserFacingError
from enablement.models.changes import Changes
from .context import AppContext
from .dialogs.sync_problems import SyncProblemsDialog
from .widgets.team_status import OFFLINE, ONLINE, SYNCING, LinkStatus, TeamStatusButton, read_link

if TYPE_CHECKING:
    from enablement.team.listener import ChangeListener
    from enablement.team.replica import TeamLibrary

POLL_MS = 2000


def due(stamp: str) -> bool:
    """Whether an ISO time (UTC) has passed (an empty one has)."""
    if not stamp:
        return True
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return True
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at <= datetime.now(timezone.utc)


def sync(library: "TeamLibrary") -> Changes:
    """Worker: push what waits, then pull; what the pull changed goes to the views."""
    report = library.connect(sync=True, raise_offline=True)
    return report.changes if report is not None else Changes()


def sync_files(library: "TeamLibrary") -> int:
    """Worker, after a sync: download the files asked for offline, the ones kept for offline use
    and for the kits, and the most used ones within the quota; returns how many came. The server
    going away meanwhile stops it: what came stays, the rest comes next time."""
    files = library.ctx.blobs
    moved = getattr(files, "sync_files", None)
    try:
        return int(moved().downloaded) if moved is not None else 0
    except Offline:
        return 0


def retry(library: "TeamLibrary", ids: list[int]) -> Changes:
    """Worker: put refused changes back in the outbox and sync."""
    library.replica.retry_dead_letters(ids)
    return sync(library)


class LiveRelay(QObject):
    """Carries what the listener's threads report to the GUI thread (queued signals). Once
    ``close()`` returns, nothing more is emitted (the window may be going away)."""

    changed = Signal(object)  # a Changes set the server's changes made in the replica
    state = Signal(str)  # ONLINE, SYNCING or OFFLINE

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._open = True

    def emit_changes(self, changes: Changes) -> None:  # a listener thread
        with self._lock:
            if self._open:
                self.changed.emit(changes)

    def emit_state(self, state: str) -> None:  # a listener thread
        with self._lock:
            if self._open:
                self.state.emit(state)

    def close(self) -> None:
        with self._lock:  # held by a listener thread at most while it posts one signal
            self._open = False


class TeamLink(QObject):
    def __init__(self, app: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.app = app
        self.window = window
        self.library = cast("TeamLibrary", app.library)  # a team context's library is one
        self.button = TeamStatusButton()
        self.button.sync_requested.connect(self.sync_now)
        self.button.problems_requested.connect(self.show_problems)
        self.status: Optional[LinkStatus] = None
        self.syncing = False
        self.dialog: Optional[SyncProblemsDialog] = None
        self.stopped = False
        self.fetching = self.fetch_again = False  # the file cache's sync: running, asked for again
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()
        self.relay = LiveRelay(self)
        self.relay.changed.connect(self._live_changes)
        self.relay.state.connect(self._live_state)
        self.listener: Optional["ChangeListener"] = self._listen()

    # --- live changes --------------------------------------------------------------------------
    def _listen(self) -> "ChangeListener":
        """Start listening for the server's changes (its own thread; nothing here waits on it)."""
        from enablement.team.listener import live_changes

        return live_changes(self.library, on_state=self.relay.emit_state, on_changes=self.relay.emit_changes)

    def _live_changes(self, changes: Changes) -> None:
        """The server's changes are in the replica: the views refresh what changed (keeping the
        person's query, scroll position, selection and open dialogs), the status bar too, and
        the file cache catches up."""
        self.app.announce(changes)
        self.refresh()
        self.fetch_files()

    def _live_state(self, state: str) -> None:
        if state == SYNCING and self.status is not None:
            self.button.show_status(dataclasses.replace(self.status, connection=SYNCING))
        else:
            self.refresh()

    def fetch_files(self) -> None:
        """The file cache's sync on a worker: one at a time, and once more after it when asked
        meanwhile; nothing starts once the link is stopped (the library is closing)."""
        if self.stopped:
            return
        if self.fetching:
            self.fetch_again = True
            return
        self.fetching, self.fetch_again = True, False
        self.app.runner.op(sync_files, self.library).success(self._fetched).failure(
            self._fetched, shows_user_errors=False).quiet("the files are fetched again after the next sync").read()

    def _fetched(self, _value: object) -> None:
        self.fetching = False
        if self.fetch_again:
            self.fetch_files()

    def refresh(self) -> None:
        """Read the link again (on a worker; a read still under way is not doubled)."""
        if self.stopped:
            return
        self.app.runner.op(read_link, self.library).success(self._show).quiet(
            "the status bar tries again in a moment").latest(("team-link", id(self)))

    def _show(self, status: LinkStatus) -> None:
        if self.stopped:  # a read that ended after the window closed: nothing to show or sync
            return
        self.status = status
        self.button.show_status(status)
        self.app.actions.set_online(status.connection != OFFLINE)  # what needs the server follows the link
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.show_problems(status.problems)
        if self.syncing:
            return
        if (status.connection == ONLINE and status.waiting) or (status.connection == OFFLINE and due(status.next_try)):
            self._sync(quiet=True)

    def sync_now(self) -> None:
        self._sync(quiet=False)

    def _sync(self, quiet: bool) -> None:
        """Sync on the write lane. The server not answering is no error to report: the status
        bar shows it (and "Sync now" says it in the status line); anything else is."""
        self.syncing = True
        self.app.runner.op(sync, self.library).success(self._synced).failure(
            lambda exc: self._sync_failed(exc, quiet)).write()
        self.refresh()

    def _synced(self, _value: object) -> None:
        self.syncing = False
        self.refresh()
        self.fetch_files()

    def _sync_failed(self, exc: BaseException, quiet: bool) -> None:
        self.syncing = False
        if not quiet and isinstance(exc, UserFacingError):
            self.app.signals.status_message.emit(f"Not synced: {exc}")
        self.refresh()

    def show_problems(self) -> None:
        problems = self.status.problems if self.status is not None else ()
        self.dialog = SyncProblemsDialog(problems, self.retry, self.window)
        self.dialog.open()

    def retry(self, ids: list[int]) -> None:
        self.syncing = True
        self.app.runner.op(retry, self.library, ids).success(self._synced).failure(
            self._retry_failed).write()

    def _retry_failed(self, exc: BaseException) -> None:
        self.syncing = False
        if self.dialog is not None and isinstance(exc, UserFacingError):
            self.dialog.retry_button.setEnabled(True)
        self.refresh()

    def stop(self) -> None:
        """Stop polling and listening: from now on nothing reaches the window; the listener's
        threads end on the write lane (a line to a silent server is cut there, and a library
        closed after this, on the same lane, is closed after them)."""
        self.stopped = True
        self.timer.stop()
        self.relay.close()
        listener, self.listener = self.listener, None
        if listener is not None:
            self.app.runner.op(listener.stop).quiet("the window is closing").write()
