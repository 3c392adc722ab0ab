"""One piece: preview, what it is, whether to trust it, and what you can do with it."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter, QTableView, QTabWidget,
                               QVBoxLayout, QWidget)

from enablement.display import listed
from enablement.errors import EditConflict, NotFound, UserFacingError
from enablement.models.changes import Changes
from enablement.models.dto import PieceDetail, PieceSummary, TagSelection, UseRecord
from enablement.models.vocab import Source, Status, UsageKind
from enablement.services.permissions import Permission, missing_for_publish
from enablement.services.piece_files import OPENABLE_TYPES, FilesHere
from enablement.services.safe_names import safe_file_name
from enablement.services.library import Library
from ..context import AppContext
from .library_shelves import FAVOURITE_KEYS
from ..dialogs import files
from ..dialogs.kit_picker import KitPickerDialog
from ..dialogs.log_use_dialog import LogUseDialog
from ..dialogs.request_dialog import RequestDialog
from ..models.version_table_model import COL_FILE, COL_NOTE, COL_PAGES, COL_TYPE, VersionTableModel
from ..text import USE_KIND_LABELS, file_type_label, nice_date, review_text, shown, shown_html
from ..widgets.piece_editor import PieceEditor
from ..widgets import tones
from ..widgets.download_bar import DownloadBar
from ..widgets.preview import PreviewWidget



@dataclass(frozen=True)
class PieceView:
    detail: PieceDetail
    stats: dict[str, Any]


def load_piece_view(library: Library, piece_id: int) -> PieceView:
    return PieceView(library.pieces.get(piece_id), library.usage.piece_stats(piece_id))


class PieceDetailDialog(QDialog):
    def __init__(self, app: AppContext, piece_id: int, parent: Optional[QWidget] = None, page: int = 0,
                 words: Sequence[str] = ()) -> None:
        """``page``: the page or slide the preview opens at (a search hit's first), 0 for the start;
        ``words``: the words the search hit matched, marked in the preview."""
        super().__init__(parent)
        self.app = app
        self.piece_id = piece_id
        self.start_page = page
        self.words = tuple(words)
        self.view: Optional[PieceView] = None
        self.missing: tuple[str, ...] = ()  # required fields this draft lacks before it can be published
        self.sub_dialog: Optional[QDialog] = None
        self.setObjectName("pieceDetail")
        self.setWindowTitle("Piece")
        self.resize(1180, 800)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)

        self.heading = QLabel("Loading…")
        self.heading.setObjectName("pieceTitle")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # a title is data, never markup
        self.heading.setWordWrap(True)
        f = self.heading.font()
        f.setPointSizeF(f.pointSizeF() * 1.5)
        f.setBold(True)
        self.heading.setFont(f)
        self.gone = QLabel("")  # the piece left the library while this window was open
        self.gone.setObjectName("pieceGone")
        self.gone.setWordWrap(True)
        self.gone.setVisible(False)
        self.trust = QLabel("")
        self.trust.setObjectName("trust")
        self.trust.setWordWrap(True)
        self.tags_label = QLabel("")
        self.tags_label.setWordWrap(True)
        self.tags_label.setTextFormat(Qt.TextFormat.RichText)

        self.preview = PreviewWidget(app)
        self.info = QLabel("")
        self.info.setObjectName("info")
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.stats = QLabel("")
        self.stats.setObjectName("usageStats")
        self.stats.setWordWrap(True)
        self.stats.setTextFormat(Qt.TextFormat.RichText)
        self.versions = VersionTableModel(self)
        versions_view = QTableView()
        versions_view.setModel(self.versions)
        versions_view.verticalHeader().hide()
        versions_view.setWordWrap(False)
        versions_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # file names keep their extension
        # The panel is narrow: file and note share what is left; type and pages are in the file name
        # and the fields above.
        header = versions_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (COL_FILE, COL_NOTE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        for column in (COL_TYPE, COL_PAGES):
            versions_view.setColumnHidden(column, True)
        self.versions_view = versions_view
        about = QWidget()
        av = QVBoxLayout(about)
        av.addWidget(self.info)
        av.addWidget(self._section("How it is used"))
        av.addWidget(self.stats)
        av.addWidget(self._section("Versions"))
        av.addWidget(versions_view, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(about, "About")
        self.editor: Optional[PieceEditor] = None
        self._refill_editor = False  # after a refused save: the editor shows the reloaded piece
        if app.can(Permission.EDIT_PIECES):
            self.editor = PieceEditor(app.taxonomy)
            self.editor.save_requested.connect(self.save_edits)
            self.tabs.addTab(self.editor, "Edit and tag")

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("pieceDetailSplitter")
        split.addWidget(self.preview)
        split.addWidget(self.tabs)
        split.setSizes([680, 500])

        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        for key, text, slot in (("open", "Open", self.open_in_app), ("save", "Save a copy…", self.save_a_copy),
                                ("kit", "Add to kit…", self.add_to_kit), ("log", "Log use…", self.log_use),
                                ("request", "Request an update…", self.request_update)):
            actions.addWidget(self._button(key, text, slot))
        self.starred = False
        self.star_button = QPushButton("☆ Favourite")
        self.star_button.setObjectName("action_favourite")
        self.star_button.setToolTip("Add to your favourites, or remove (Ctrl+D); the Favourites shelf lists them")
        self.star_button.clicked.connect(self.toggle_favourite)
        self.star_shortcut = QShortcut(QKeySequence(FAVOURITE_KEYS), self)
        self.star_shortcut.activated.connect(self.toggle_favourite)
        actions.addWidget(self.star_button)
        actions.addStretch(1)
        marketing_actions = (("replace", "Replace with new version…", self.replace_version, Permission.EDIT_PIECES),
                             ("publish", "Publish", self.publish, Permission.PUBLISH),
                             ("archive", "Archive", self.archive, Permission.EDIT_PIECES),
                             ("restore", "Restore", self.restore, Permission.EDIT_PIECES))
        for key, text, slot, permission in marketing_actions:
            if app.can(permission):
                actions.addWidget(self._button(key, text, slot))
        if app.can(Permission.EDIT_PIECES):
            self.undo_button = QPushButton("Undo")
            self.undo_button.setObjectName("action_undo")
            self.undo_button.setToolTip("Put back what the last change did (Ctrl+Z)")
            self.undo_button.clicked.connect(app.undo.undo)
            app.undo.changed.connect(self._undo_changed)
            self._undo_changed()
            actions.addWidget(self.undo_button)
            self.undo_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
            self.undo_shortcut.activated.connect(app.undo.undo)
        # Whether each may be done now (the role, and the team server for what only it takes)
        # is the one action policy's to say; the piece's state says the rest (``enable``).
        for key, permission in (("kit", Permission.KITS), ("log", Permission.LOG_USE), ("request", Permission.REQUEST),
                                ("replace", Permission.EDIT_PIECES), ("publish", Permission.PUBLISH),
                                ("archive", Permission.EDIT_PIECES), ("restore", Permission.EDIT_PIECES)):
            if key in self.buttons:
                app.actions.govern(self.buttons[key], permission, enabled=False)
        if self.editor is not None:
            app.actions.govern(self.editor, Permission.EDIT_PIECES, enabled=True)
            app.actions.govern(self.undo_button, Permission.EDIT_PIECES, enabled=True)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        actions.addWidget(close)

        v = QVBoxLayout(self)
        v.addWidget(self.heading)
        v.addWidget(self.gone)
        v.addWidget(self.trust)
        v.addWidget(self.tags_label)
        v.addWidget(split, 1)
        self.download = DownloadBar(app)  # open and save a copy: the file from the team server first
        v.addWidget(self.download)
        v.addLayout(actions)
        app.signals.changed.connect(self._changed)
        self.load()

    def _section(self, text: str) -> QLabel:
        label = QLabel(text)
        f = label.font()
        f.setBold(True)
        label.setFont(f)
        return label

    def _button(self, key: str, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"action_{key}")
        button.clicked.connect(slot)
        button.setEnabled(False)
        self.buttons[key] = button
        return button

    # --- loading ------------------------------------------------------------------------------
    def load(self, with_preview: bool = True) -> None:
        # (a read under way when the dialog closes finds it gone and draws nothing)
        self.app.runner.op(load_piece_view, self.app.library, self.piece_id).success(
            lambda view: self._loaded(view, with_preview) if shiboken6.isValid(self) else None).failure(
            lambda exc: self._failed(exc) if shiboken6.isValid(self) else None).read()

    def _failed(self, exc: BaseException) -> None:
        """A user's error (the piece was purged, say) is the heading; a bug is reported by the operation.
        A piece shown here that leaves the library meanwhile (on a team library: archived or
        withdrawn on the server) stays as it was, and the window says so."""
        if isinstance(exc, NotFound) and self.view is not None:
            self._show_gone()
        elif isinstance(exc, UserFacingError):
            self.heading.setText(str(exc))

    def _show_gone(self) -> None:
        where = " on the team server" if self.app.team is not None else ""
        self.gone.setText(f"No longer in the library: it was archived or withdrawn{where}. "
                          "What you see is how it was; it cannot be sent, added to a kit or logged.")
        self.gone.setStyleSheet(f"color: {tones.accent(self.palette(), 'stale').name()}; font-weight: bold;")
        self.gone.setVisible(True)
        for button in self.buttons.values():
            button.setEnabled(False)

    def _loaded(self, view: PieceView, with_preview: bool) -> None:
        first = self.view is None
        self.view = view
        self.gone.setVisible(False)  # back in the library (restored, published again)
        d, s = view.detail, view.detail.summary
        self.setWindowTitle(shown(s.title))
        self.heading.setText(shown(s.title) + ("" if s.status == "published" else f"  ({s.status})"))
        self.trust.setText(review_text(s) + (" — check with the owner before sending it." if s.stale else ""))
        red = tones.accent(self.palette(), "empty").name()
        self.trust.setStyleSheet(f"color: {red}; font-weight: bold;" if s.stale else "")
        stages = ", ".join(shown_html(x) for x in s.labels("stage")) or "no stage"
        gates = "; ".join(shown_html(x) for x in s.labels("gate")) or "no gate"
        facets = ", ".join(shown_html(t.label) for t in s.tags if t.dimension not in ("stage", "gate"))
        self.tags_label.setText(f"<b>Stage:</b> {stages} &nbsp; <b>Gate:</b> {gates}"
                                + (f" &nbsp; <b>Tags:</b> {facets}" if facets else ""))
        current = next((ver for ver in d.versions if ver.id == d.current_version_id), None)
        rows = [("Type", file_type_label(s.file_type, s.kind)),
                ("Pages", str(s.page_count) if s.page_count else ""),
                ("Source", "rep-made" if s.source == Source.REP else "marketing"),
                ("Added", f"{nice_date(d.created_at.date())} by {shown_html(d.created_by)}"),
                ("Published", nice_date(d.published_at.date()) if d.published_at else "not yet"),
                ("File", shown_html(current.original_name if current else (d.url or ""))),
                ("Title from", html.escape(d.title_source) if self.editor is not None else ""),
                ("Text", "" if s.outcome == "ok" else f"{s.outcome}: {shown_html(s.outcome_detail)}")]
        if d.review_note:
            rows.append(("Review note", shown_html(d.review_note, multiline=True)))
        table = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows if v)
        description = shown_html(d.description, multiline=True) if d.description else "<i>No description.</i>"
        self.info.setText(f"<p>{description}</p><table>{table}</table>")
        st = view.stats
        by_kind = st.get("by_kind", {}) or {}
        counts = ", ".join(f"{USE_KIND_LABELS.get(k, k)} {n}×" for k, n in sorted(by_kind.items())) or "Not used yet."
        yes, no = st.get("helpful_yes", 0), st.get("helpful_no", 0)
        helped = f"{yes} of {yes + no} said it helped" if yes + no else "no feedback yet"
        last = st.get("last_used")
        people = st.get("users", 0)
        self.stats.setText(f"{counts}<br>{people} {'person' if people == 1 else 'people'} · {helped}"
                           + (f" · last used {nice_date(last.date())}" if last else "") if by_kind else counts)
        self.versions.set_versions(d.versions, d.current_version_id)
        # An all-empty Note column would only take room from the file names.
        no_notes = not any(self.versions.index(r, COL_NOTE).data() for r in range(self.versions.rowCount()))
        self.versions_view.setColumnHidden(COL_NOTE, no_notes)
        has_file = s.kind != "link"
        self.buttons["open"].setEnabled(has_file and s.file_type in OPENABLE_TYPES)
        self.buttons["save"].setEnabled(has_file)
        for key in ("kit", "log", "request"):
            self.app.actions.enable(self.buttons[key], True)
        for key, visible in (("replace", True), ("publish", s.status == Status.DRAFT),
                           ("archive", s.status != Status.ARCHIVED), ("restore", s.status == Status.ARCHIVED)):
            button = self.buttons.get(key)  # only there when the actor may do it
            if button is not None:
                button.setVisible(visible)
                self.app.actions.enable(button, visible and (has_file or key != "replace"))
        self._show_publish_rule(s)
        if self.editor is not None and not first:
            self.editor.show_title_source(d.title_source)
            if self._refill_editor or not self.editor.is_edited():  # untouched, saved or refused: as it is now
                self._refill_editor = False
                self.editor.show_detail(d)
        if self.editor is not None and first:
            self.editor.show_detail(d)
            self.app.runner.op(self.app.library.search.suggest_tags_for, self.piece_id).success(
                self.editor.suggestions.set_suggestions).failure(self.editor.suggestions.show_failure).read()
        if with_preview:
            self.preview.load(d, page=self.start_page, words=self.words)
        if first:
            self.app.runner.op(self.app.library.shelves.favourite_ids, self.app.actor).success(
                lambda ids: self._show_star(self.piece_id in ids)).quiet("whether the piece is a favourite").read()
            # Recording the view is bookkeeping for the reports: a user's error (a busy or full disk)
            # goes to the status bar, not a dialog over the piece; a bug is still reported.
            self.app.runner.op(self.app.library.usage.record, self.app.actor,
                               UseRecord(kind=UsageKind.VIEWED.value, piece_id=self.piece_id)).failure(
                lambda exc: self.app.signals.status_message.emit(f"This view was not recorded: {exc}")).write()

    def toggle_favourite(self) -> None:
        """Star the piece, or unstar it."""
        self.app.runner.op(self.app.library.shelves.set_favourite, self.app.actor, self.piece_id,
                           not self.starred).success(self._show_star).write()

    def _show_star(self, starred: bool) -> None:
        self.starred = starred
        self.star_button.setText("★ Favourite" if starred else "☆ Favourite")

    def _show_publish_rule(self, s: PieceSummary) -> None:
        """A draft lacking the library's required fields says so; only an admin may publish it anyway."""
        self.missing = missing_for_publish(s, self.app.library.settings.get().publish_requires) \
            if s.status == Status.DRAFT else ()
        button = self.buttons.get("publish")
        if self.missing:
            self.trust.setText(f"Not ready to publish: no {listed(self.missing, 'or')}."
                               + (" Set them under Edit and tag." if self.editor is not None else ""))
        if button is None:
            return
        force = bool(self.missing) and self.app.can(Permission.FORCE_PUBLISH)
        button.setText("Publish anyway" if force else "Publish")
        self.app.actions.set_tip(button, f"It has no {listed(self.missing, 'or')}." if self.missing else "")
        if self.missing and not force:
            self.app.actions.enable(button, False)

    def _undo_changed(self) -> None:
        label = self.app.undo.label
        self.undo_button.setText(f"Undo {label}" if label else "Undo")
        self.undo_button.setVisible(bool(label))

    def _changed(self, changes: Changes) -> None:
        if self.piece_id in changes.piece_ids or changes.taxonomy:
            self.load(with_preview=False)

    # --- actions ------------------------------------------------------------------------------
    def _write(self, fn, *args, message: str = "", **kwargs) -> None:
        """Run a changing call on the write lane (it announces what changed), then say ``message``."""
        op = self.app.runner.op(fn, *args, **kwargs)
        if message:
            op.success(lambda _value: self.app.signals.status_message.emit(message))
        op.write()

    def _with_file(self, then: Callable[[], None]) -> None:
        """Run ``then`` once the piece's file is on this computer (downloaded with progress and
        Cancel when a team library's laptop lacks it); offline and missing, say so instead."""
        def here(result: FilesHere) -> None:
            if result.not_here:
                self.app.signals.status_message.emit(result.message())
            else:
                then()
        self.download.bring_here([self.piece_id], here, what="the file", on_cancel=lambda: self.app.signals.
                                 status_message.emit("Download cancelled; the next try continues where it stopped."))

    def open_in_app(self) -> None:
        self._with_file(self._open_here)

    def _open_here(self) -> None:
        title = self.view.detail.title if self.view else "piece"

        def opened(path: Path) -> None:
            files.open_in_default_app(path)
            self._write(self.app.library.usage.record, self.app.actor,
                        UseRecord(kind=UsageKind.OPENED.value, piece_id=self.piece_id))
        self.app.runner.op(self.app.library.files.open_copy, self.piece_id, title).success(opened).read()

    def save_a_copy(self) -> None:
        if self.view is None:
            return
        s = self.view.detail.summary
        target = files.ask_save_file(self, "Save a copy", safe_file_name(f"{s.title}.{s.file_type}"))
        if target is None:
            return
        self._with_file(lambda: self._save_here(target))

    def _save_here(self, target: Path) -> None:
        def saved(path: Path) -> None:
            self.app.signals.status_message.emit(f"Saved a copy to {path}")
            self._write(self.app.library.usage.record, self.app.actor,
                        UseRecord(kind=UsageKind.EXPORTED.value, piece_id=self.piece_id))
        self.app.runner.op(self.app.library.files.save_copy, self.piece_id, target).success(saved).read()

    def add_to_kit(self) -> None:
        self.app.runner.op(self.app.library.kits.list, self.app.actor).success(self._pick_kit).read()

    def _pick_kit(self, kits) -> None:
        dialog = KitPickerDialog(kits, self.view.detail.title if self.view else "", self)
        self.sub_dialog = dialog

        def chosen() -> None:
            kit_id, name, account = dialog.choice()
            kits = self.app.library.kits
            if kit_id is None:  # a new kit, holding this piece: one service call, one transaction
                self._write(kits.create, self.app.actor, name, account, piece_ids=[self.piece_id],
                            message="Added to a new kit.")
            else:
                self._write(kits.add, self.app.actor, kit_id, self.piece_id, message="Added to the kit.")
        dialog.accepted.connect(chosen)
        dialog.open()

    def log_use(self) -> None:
        dialog = LogUseDialog(self.piece_id, self.view.detail.title if self.view else "",
                              self.app.taxonomy, self)
        self.sub_dialog = dialog
        dialog.accepted.connect(lambda: self._write(self.app.library.usage.record_many, self.app.actor,
                                                    dialog.records(),
                                                    message="Logged. Thank you: this tells marketing what works."))
        dialog.open()

    def request_update(self) -> None:
        s = self.view.detail.summary if self.view else None
        stage = s.ids("stage")[0] if s and s.ids("stage") else None
        gate = s.ids("gate")[0] if s and s.ids("gate") else None
        dialog = RequestDialog(self.app.taxonomy, title=f"Update: {s.title}" if s else "",
                               need=f"'{s.title}' needs an update because…" if s else "", stage_id=stage,
                               gate_id=gate, parent=self)
        self.sub_dialog = dialog
        dialog.accepted.connect(lambda: self._write(self.app.library.requests.create, self.app.actor,
                                                    message="Request sent to marketing.", **dialog.arguments()))
        dialog.open()

    # --- marketing ----------------------------------------------------------------------------
    def _undoable(self, label: str, fn: Callable[..., Any], *args: Any, message: str, **kwargs: Any) -> None:
        """A change of this piece that Ctrl+Z (or "Undo") puts back. Refused because someone
        changed the piece meanwhile, it is said by the window and the piece reloads."""
        def refused(exc: BaseException) -> None:
            if isinstance(exc, EditConflict):
                self.load(with_preview=False)
        self.app.undo.run(label, [self.piece_id], fn, *args,
                          on_done=lambda _value: self.app.signals.status_message.emit(message),
                          on_failed=refused, **kwargs)

    def save_edits(self, metadata: dict, tags: TagSelection) -> None:
        """Metadata and tags in one service call (one transaction), undoable. It carries the
        version the fields were filled from: if someone changed the piece meanwhile, nothing is
        saved, the editor says who and when, shows the piece as it is now and offers to put the
        refused changes back."""
        editor = self.editor
        assert editor is not None
        attempted = editor.state()

        def saved(version: int) -> None:
            editor.saved(version, attempted)
            self.app.signals.status_message.emit("Saved.")

        def refused(exc: BaseException) -> None:
            if isinstance(exc, EditConflict):
                editor.show_refused(str(exc), attempted)
                self._refill_editor = True
                self.load(with_preview=False)
            elif isinstance(exc, UserFacingError):
                self.app.runner.task_failed.emit(exc)  # the window's message, as for any other edit
        self.app.undo.run("edits", [self.piece_id], self.app.library.pieces.update, self.app.actor, self.piece_id,
                          tags=tags, seen=editor.seen, on_done=saved, on_failed=refused,
                          failure_shows_user_errors=True, **metadata)

    def replace_version(self) -> None:
        path = files.ask_open_file(self, "Replace with a new version")
        if path is None:
            return

        def replaced(_version) -> None:
            self.app.signals.status_message.emit("New version stored; history, tags and usage stay with the piece.")
            self.load(with_preview=True)
        self.app.runner.op(self.app.library.importer.new_version, self.app.actor, self.piece_id, path).success(
            replaced).write()

    def _seen(self) -> Optional[int]:
        """The version of the piece as shown (an action on it is refused if it changed since)."""
        return self.view.detail.summary.row_version or None if self.view is not None else None

    def publish(self) -> None:
        self._undoable("publish", self.app.library.pieces.publish, self.app.actor, self.piece_id,
                       force=bool(self.missing), seen=self._seen(), message="Published.")

    def archive(self) -> None:
        self._undoable("archive", self.app.library.pieces.archive, self.app.actor, self.piece_id, seen=self._seen(),
                       message="Archived.")

    def restore(self) -> None:
        self._undoable("restore", self.app.library.pieces.restore, self.app.actor, self.piece_id, seen=self._seen(),
                       message="Restored.")

    def done(self, result: int) -> None:  # noqa: D401 - Qt API
        try:
            self.app.signals.changed.disconnect(self._changed)
        except (RuntimeError, TypeError):
            pass
        super().done(result)
