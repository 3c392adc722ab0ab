"""The window's link to the team server: it reads the replica's state on a worker every
couple of seconds for the status bar, syncs when something waits in the outbox or when the
server's back-off is over, and offers "Sync now" and the sync problems.

Every read and sync runs on the task runner (a sync on the write lane, one at a time); the
GUI thread only draws what came back."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Optional, cast

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from enablement.errors import UserFacingError
from enablement.models.changes import Changes
from .context import AppContext
from .dialogs.sync_problems import SyncProblemsDialog
from .widgets.team_status import OFFLINE, ONLINE, LinkStatus, TeamStatusButton, read_link

if TYPE_CHECKING:
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
    and for the kits, and the most used ones within the quota; returns how many came."""
    files = library.ctx.blobs
    moved = getattr(files, "sync_files", None)
    return int(moved().downloaded) if moved is not None else 0


def retry(library: "TeamLibrary", ids: list[int]) -> Changes:
    """Worker: put refused changes back in the outbox and sync."""
    library.replica.retry_dead_letters(ids)
    return sync(library)


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
        self.fetching = False  # files download after a sync, on the read pool, one run at a time
        self.dialog: Optional[SyncProblemsDialog] = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        """Read the link again (on a worker; a read still under way is not doubled)."""
        self.app.runner.op(read_link, self.library).success(self._show).quiet(
            "the status bar tries again in a moment").latest(("team-link", id(self)))

    def _show(self, status: LinkStatus) -> None:
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
        if not self.fetching:
            self.fetching = True
            self.app.runner.op(sync_files, self.library).success(self._files_done).failure(
                self._files_done).quiet("files come at the next sync; a preview still downloads its own").read()

    def _files_done(self, _value: object) -> None:
        self.fetching = False

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
        self.timer.stop()
