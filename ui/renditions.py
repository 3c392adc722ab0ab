"""Renditions made in the background: when the window opens and after a piece changes (an
import, a new version), Word/PowerPoint/Excel files waiting for their pages are drawn by the
office renderer on the read pool (seconds per file; never on the GUI thread, never holding up
an import) and their rows stored on the write lane. The change-set that stores them refreshes
the thumbnails, previews and page hits of those pieces.

Nothing happens without a renderer on this machine. In a team library only marketing's and
admins' machines draw, only files they hold already (the ones they imported), and store the
pages on the server; every laptop receives them with the catalog."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QObject

from enablement.display import count
from enablement.models.changes import Changes
from enablement.services.library import Library
from enablement.services.renditions import Drawn
from .context import AppContext


def draw_pending(library: Library) -> list[Drawn]:
    """Worker: draw every version waiting for a rendition (none without a renderer)."""
    if library.renditions.office() is None:
        return []
    return library.renditions.draw(library.renditions.pending(), here_only=library.ctx.blobs.on_server)


class RenditionMaker(QObject):
    """One drawing run at a time; a change during a run asks for one more run after it."""

    def __init__(self, app: AppContext, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.running = False
        self._again = False
        app.signals.changed.connect(self._changed)

    def start(self) -> None:
        """Draw what waits (called once the window is up)."""
        if self.running:
            self._again = True
            return
        self.running = True
        self.app.runner.op(draw_pending, self.app.library).success(self._drawn).failure(
            self._stopped, shows_user_errors=False).quiet(
            "pages not drawn are a preview's loss only: the file keeps its own thumbnail and text layout").read()

    def _changed(self, changes: Changes) -> None:
        if changes.pieces and changes.piece_ids:
            self.start()

    def _drawn(self, drawn: list[Drawn]) -> None:
        if not drawn:
            self._finished()
            return
        made = sum(1 for d in drawn if d.outcome == "ok")
        if made:
            self.app.signals.status_message.emit(f"Pages drawn for {count(made, 'Word/PowerPoint/Excel file')}.")
        self.app.runner.op(self.app.library.renditions.store, drawn).success(lambda _n: self._finished()).failure(
            self._stopped, shows_user_errors=False).quiet(
            "pages not stored are drawn again on the next start").write()

    def _stopped(self, _exc: BaseException) -> None:
        self.running = False
        self._again = False

    def _finished(self) -> None:
        self.running = False
        if self._again:
            self._again = False
            self.start()
