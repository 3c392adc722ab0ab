"""Drag out and copy: a piece's file, or a kit as one zip, leaves the app as a real file with
a safe name — dragged into an email, a chat or the desktop, or put on the clipboard ("Copy
file") — and every time it does, a use is logged (through the usage service: in team mode it
queues in the outbox like any other use).

A drag has to start the moment the mouse moves, so the file is made ready before: when a
piece or kit is selected, its copy is made on a worker (in team mode a file not on this
laptop is fetched there first). A drag of something whose copy is not ready yet never waits
for it: the status bar says it is being got ready (or why it cannot be, offline), and the
next drag takes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from PySide6.QtCore import QMimeData, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDrag, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QListView, QTableView, QWidget

from enablement.errors import UserFacingError
from enablement.models.dto import UseRecord
from enablement.models.vocab import UsageKind
from .context import AppContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Handout:
    """Something that can leave the app as a file: ``key`` tells it apart (("piece", 7)),
    ``name`` is what the status bar calls it, ``make`` (on a worker) returns the file ready to
    hand out, and ``record`` (on the write lane) logs the uses once it was handed out."""

    key: tuple[str, int]
    name: str
    make: Callable[[], Path]
    record: Callable[[], Any]


def piece_handout(app: AppContext, piece_id: int, title: str) -> Handout:
    library, actor = app.library, app.actor
    return Handout(("piece", piece_id), f"“{title}”",
                   lambda: library.files.export_copy(piece_id, title),
                   lambda: library.usage.record(actor, UseRecord(kind=UsageKind.EXPORTED.value, piece_id=piece_id)))


def kit_handout(app: AppContext, kit_id: int, name: str) -> Handout:
    library, actor = app.library, app.actor
    return Handout(("kit", kit_id), f"the kit “{name}”",
                   lambda: library.kits.export_copy(actor, kit_id),
                   lambda: library.kits.record_handout(actor, kit_id))


def file_mime(paths: list[Path]) -> QMimeData:
    """MIME data naming local files: file URLs (text/uri-list), which mail clients, chats and
    file managers take as attachments or copies; GNOME's file manager also reads its own type
    to paste them."""
    mime = QMimeData()
    urls = [QUrl.fromLocalFile(str(p)) for p in paths]
    mime.setUrls(urls)
    mime.setData("x-special/gnome-copied-files",
                 ("copy\n" + "\n".join(u.toString(QUrl.ComponentFormattingOption.FullyEncoded) for u in urls)).encode())
    return mime


class Handouts(QObject):
    """The copies made ready for dragging and copying, for one view (or page)."""

    def __init__(self, app: AppContext, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.app = app
        self._ready: dict[tuple[str, int], Path] = {}
        self._problems: dict[tuple[str, int], str] = {}
        self._making: set[tuple[str, int]] = set()

    def ready(self, key: tuple[str, int]) -> Optional[Path]:
        return self._ready.get(key)

    def forget(self) -> None:
        """What was made may be out of date (a new version, a changed kit): make it again."""
        self._ready.clear()
        self._problems.clear()

    def prepare(self, handout: Handout, then: Optional[Callable[[Path], None]] = None) -> None:
        """Make the file ready on a worker (nothing happens if it is ready or on its way)."""
        key = handout.key
        if key in self._ready:
            if then is not None:
                then(self._ready[key])
            return
        if key in self._making and then is None:
            return
        self._making.add(key)

        def made(path: Path) -> None:
            self._making.discard(key)
            self._problems.pop(key, None)
            self._ready[key] = path
            if then is not None:
                then(path)

        def failed(exc: BaseException) -> None:
            self._making.discard(key)
            if isinstance(exc, UserFacingError):
                self._problems[key] = str(exc)
                if then is not None:
                    self._say(f"{handout.name[:1].upper()}{handout.name[1:]} cannot be handed out: {exc}")

        # A user's error (offline, an empty kit) is kept and said when the user drags; a bug is reported.
        self.app.runner.op(handout.make).success(made).failure(failed).read()

    def drag(self, source: QWidget, handout: Handout) -> Qt.DropAction:
        """Drag the ready file out of ``source``; a drop logs a use. Not ready: say so, never wait."""
        path = self._ready.get(handout.key)
        if path is None:
            problem = self._problems.get(handout.key)
            if problem:
                self._say(f"{handout.name[:1].upper()}{handout.name[1:]} cannot be dragged out: {problem}")
            else:
                self._say(f"Getting {handout.name} ready to drag out… drag it again in a moment.")
            self.prepare(handout)
            return Qt.DropAction.IgnoreAction
        drag = QDrag(source)
        drag.setMimeData(file_mime([path]))
        action = drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)
        if action != Qt.DropAction.IgnoreAction:
            self._record(handout, f"{handout.name[:1].upper()}{handout.name[1:]} went out as {path.name}.")
        return action

    def copy(self, handout: Handout) -> None:
        """"Copy file": the file on the clipboard (made first on a worker when not ready), and a use logged."""
        def copied(path: Path) -> None:
            QGuiApplication.clipboard().setMimeData(file_mime([path]))
            self._record(handout, f"Copied {handout.name} as {path.name}: paste it into an email, a chat or a folder.")
        self.prepare(handout, copied)

    def _record(self, handout: Handout, message: str) -> None:
        self.app.runner.op(handout.record).success(lambda _v: self._say(message)).write()

    def _say(self, text: str) -> None:
        self.app.signals.status_message.emit(text)


if TYPE_CHECKING:
    _ItemView = QAbstractItemView
else:
    _ItemView = object


class DragOut(_ItemView):
    """Mixed into an item view: its drag asks its owner for the file (``drag_requested``)
    instead of dragging the model's rows."""

    drag_requested = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        self.drag_requested.emit()


class DragOutList(DragOut, QListView):
    """A list (or grid of cards) that drags files out."""


class DragOutTable(DragOut, QTableView):
    """A table that drags files out."""
