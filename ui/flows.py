"""What the window's actions open: small builders, so the main window stays a shell."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence, TypeVar

from PySide6.QtWidgets import QDialog

from enablement.models.vocab import Source
from enablement.services.permissions import Permission
from .context import AppContext
from .dialogs import files
from .dialogs.import_dialog import ImportDialog
from .dialogs.request_dialog import RequestDialog
from .dialogs.review_dialogs import ReviewQueueDialog, SubmissionsDialog
from .pages.piece_detail import PieceDetailDialog

if TYPE_CHECKING:
    from .main_window import MainWindow

DialogT = TypeVar("DialogT", bound=QDialog)


def _keep(window: MainWindow, dialog: DialogT) -> DialogT:
    """Remember the open dialog on the window (tests and screenshots find it there)."""
    window.last_dialog = dialog
    dialog.finished.connect(dialog.deleteLater)
    return dialog


def open_piece(window: MainWindow, app: AppContext, piece_id: int, page: int = 0,
               words: Sequence[str] = ()) -> PieceDetailDialog:
    """The piece's detail; ``page``: where its preview opens (a search hit's first page or slide),
    ``words``: what the preview marks (the words the hit matched)."""
    dialog = _keep(window, PieceDetailDialog(app, piece_id, window, page=page, words=words))
    dialog.show()
    return dialog


def request_piece(window: MainWindow, app: AppContext, title: str = "") -> RequestDialog:
    dialog = _keep(window, RequestDialog(app.taxonomy, title=title, parent=window))

    def send() -> None:
        app.runner.op(app.library.requests.create, app.actor, **dialog.arguments()).success(
            lambda _request_id: app.signals.status_message.emit("Request sent to marketing.")).write()
    dialog.accepted.connect(send)
    dialog.open()
    return dialog


def import_paths(window: MainWindow, app: AppContext, paths: Sequence[Path], source: str = Source.MARKETING) -> ImportDialog:
    dialog = _keep(window, ImportDialog(app, paths, source, window))
    dialog.open()
    dialog.start()
    return dialog


def choose_and_import(window: MainWindow, app: AppContext, folder: bool = False) -> Optional[ImportDialog]:
    if folder:
        chosen = files.ask_folder(window, "Import a folder")
        paths = [chosen] if chosen else []
    else:
        paths = files.ask_open_files(window, "Import files")
    return import_paths(window, app, paths) if paths else None


def choose_and_submit(window: MainWindow, app: AppContext) -> Optional[ImportDialog]:
    paths = files.ask_open_files(window, "Share a piece you made")
    return import_paths(window, app, paths, Source.REP) if paths else None


def import_dropped(window: MainWindow, app: AppContext, paths: Sequence[Path]) -> Optional[ImportDialog]:
    """Files dropped on the window: marketing imports them, a rep shares them for review."""
    adding = next((p for p in (Permission.IMPORT, Permission.SUBMIT_REP_PIECE) if app.can(p)), None)
    why = app.actions.reason(adding) if adding is not None else ""
    if why:  # the role may add them, the team server does not answer
        app.signals.status_message.emit(f"Not added: {why}")
        return None
    if app.can(Permission.IMPORT):
        return import_paths(window, app, paths)
    if app.can(Permission.SUBMIT_REP_PIECE):
        return import_paths(window, app, paths, Source.REP)
    app.signals.status_message.emit("Only marketing adds pieces to the library; reps can share pieces they made.")
    return None


def review_queue(window: MainWindow, app: AppContext) -> ReviewQueueDialog:
    dialog = _keep(window, ReviewQueueDialog(app, window))
    dialog.show()
    return dialog


def my_submissions(window: MainWindow, app: AppContext) -> SubmissionsDialog:
    dialog = _keep(window, SubmissionsDialog(app, window))
    dialog.show()
    return dialog
