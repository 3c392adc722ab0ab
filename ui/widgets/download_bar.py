"""A piece's file coming from the team server: what downloads, how far it is, and Cancel.

``DownloadBar.bring_here(piece_ids, then)`` runs ``library.files.bring_here`` on a worker
(the GUI thread never waits for the network); while bytes come it shows the file and the
megabytes, and Cancel stops it between chunks (what came is kept and the next try resumes).
``then(FilesHere)`` runs once the files are here, or once the ones that could not come are
queued (the server does not answer). On a library of this computer every file is here: the
bar never shows and ``then`` runs at once.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

import shiboken6
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from enablement.errors import Cancelled, UserFacingError
from enablement.services.piece_files import FilesHere
from ..context import AppContext
from ..tasks import TaskHandle

MB = 1024 * 1024


class DownloadBar(QWidget):
    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("downloadBar")
        self.label = QLabel("")
        self.label.setObjectName("downloadLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("downloadProgress")
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(220)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelDownload")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.bar)
        row.addWidget(self.cancel_button)
        self.handle: Optional[TaskHandle] = None
        self._seq = 0
        self._running = False
        self.cancelled = False
        self.setVisible(False)

    @property
    def busy(self) -> bool:
        return self._running

    def bring_here(self, piece_ids: Sequence[int], then: Callable[[FilesHere], None], *, keep: bool = False,
                   on_cancel: Optional[Callable[[], None]] = None, what: str = "") -> None:
        """Download what these pieces' files lack on this computer, then ``then(result)``.
        ``on_cancel``: called when the person cancelled (the view says so). The bar shows once
        bytes are coming (a file already here passes straight through)."""
        if self.app.team is None:  # a library of this computer holds every file
            then(FilesHere(len(piece_ids), already=len(piece_ids)))
            return
        if self.handle is not None:
            self.handle.cancel()  # a newer request replaces it (its partial stays for a resume)
        self._seq += 1
        seq = self._seq
        self._running = True
        self.cancelled = False
        self.label.setText(f"Getting {what}…" if what else "Getting the file…")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)

        def done(result: FilesHere) -> None:
            if shiboken6.isValid(self) and seq == self._seq:  # still shown, and not replaced by a newer request
                self._finished()
                then(result)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self) and seq == self._seq:
                self._finished()
                if isinstance(exc, Cancelled):
                    if on_cancel is not None:
                        on_cancel()
                elif isinstance(exc, UserFacingError):  # a full disk, say: said where the person looks
                    self.app.signals.status_message.emit(f"Not downloaded: {exc}")

        handle = self.app.runner.op(self.app.library.files.bring_here, list(piece_ids), keep=keep, cancel=None).progress(
            self._progress).success(done).failure(failed).read()
        if seq == self._seq and self._running:
            self.handle = handle

    def _progress(self, done: int, total: int, title: str) -> None:
        if not shiboken6.isValid(self) or not self._running:
            return
        if title:
            self.setVisible(True)  # bytes are coming: show how far
            self.label.setText(f"Downloading “{title}” — {done / MB:.1f} of {total / MB:.1f} MB")
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(1000 * done / max(total, 1)))

    def cancel(self) -> None:
        """Stop the download between chunks; what came is kept for the next try."""
        if self.handle is not None:
            self.cancelled = True
            self.handle.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling…")

    def _finished(self) -> None:
        self.handle = None
        self._running = False
        if shiboken6.isValid(self):
            self.setVisible(False)
