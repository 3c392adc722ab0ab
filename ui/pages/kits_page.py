"""Kits: a rep's pieces for one call or deal, in order, each with a note; exported as a
folder (or zip) of the files plus one merged PDF with a cover page."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPlainTextEdit, QProgressBar, QPushButton, QSplitter,
                               QStackedWidget, QStyle, QStyleOptionViewItem, QStyledItemDelegate, QTableView,
                               QVBoxLayout, QWidget)

from enablement.display import count
from enablement.errors import UserFacingError
from enablement.models.changes import Changes
from enablement.models.dto import Actor, KitExport, KitInfo
from PySide6.QtGui import QDropEvent
from enablement.services.permissions import Permission
from ..context import AppContext
from ..drag_out import DragOutList, Handout, Handouts, kit_handout
from .lazy_page import LazyPage
from ..dialogs import files
from ..dialogs.piece_picker import PiecePickerDialog
from ..dialogs.text_prompt import ask_text, confirm
from ..tasks import TaskHandle
from ..models.kit_items_model import (NOTE, POSITION, TITLE, TYPE, WARNINGS, ItemRole, KitItemsTableModel,
                                       KitListModel, KitRole, WarningRole)
from ..widgets import tones
from ..widgets.download_bar import DownloadBar
from ..widgets.page_header import Banner, PageHeader

SUBTITLE = ("Gather the pieces for one call or deal, say why each matters, and export them as one merged PDF "
            "plus the original files.")


class _WarningDelegate(QStyledItemDelegate):
    """A warning icon (and amber text in the table) on rows that need a look."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        if index.data(WarningRole):
            option.palette.setColor(option.palette.ColorRole.Text, tones.accent(option.palette, "stale"))
            if index.column() in (0, WARNINGS):
                option.icon = option.widget.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                option.features |= option.ViewItemFeature.HasDecoration


class KitItemsView(QTableView):
    """The kit's pieces; drag a row to reorder (the model moves it and reports the order)."""

    def __init__(self, model: KitItemsTableModel, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.items = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.setItemDelegate(_WarningDelegate(self))
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(POSITION, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(TYPE, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.setColumnWidth(NOTE, 220)
        self.setColumnWidth(WARNINGS, 170)  # long warnings elide; the tooltip has them whole

    def dropEvent(self, event: QDropEvent) -> None:
        if event.source() is not self:
            event.ignore()
            return
        model = self.items
        source = self.currentIndex().row()
        pos = event.position().toPoint()
        over = self.indexAt(pos)
        if over.isValid():
            # The upper half of a row means "before it", the lower half "after it".
            insert_before = over.row() + (1 if pos.y() > self.visualRect(over).center().y() else 0)
        else:
            insert_before = model.rowCount()
        target = insert_before - 1 if insert_before > source else insert_before
        moved = model.move_row(source, target)
        # Copy, not Move: the view must not delete the dragged row afterwards, the model moved it.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if moved:
            self.selectRow(target)


class KitsPage(LazyPage):
    title = "Kits"

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self._seq = 0
        self._select_after_load: Optional[int] = None
        self.kit: Optional[KitInfo] = None
        self.export_handle: Optional[TaskHandle] = None
        self.last_export: Optional[KitExport] = None
        self.picker: Optional[PiecePickerDialog] = None
        self.prompt: Optional[QDialog] = None  # the open prompt or question (kept alive)

        self.header = PageHeader(self.title, SUBTITLE)
        self.new_button = QPushButton("New kit…")
        self.new_button.clicked.connect(self.new_kit)
        self.header.controls.addWidget(self.new_button)

        # Left: the kits.
        self.kit_list_model = KitListModel(self)
        self.kit_list = DragOutList()
        self.kit_list.setObjectName("kitList")
        self.kit_list.setModel(self.kit_list_model)
        # A kit leaves the app as one zip: dragged from this list, or copied ("Copy as zip").
        self.handouts = Handouts(app, self)
        self.kit_list.pressed.connect(self._prepare_handout)
        self.kit_list.drag_requested.connect(self._drag_kit)
        self.kit_list.setItemDelegate(_WarningDelegate(self.kit_list))
        self.kit_list.setSpacing(2)
        self.kit_list.setAlternatingRowColors(True)
        self.kit_list.setWordWrap(True)
        self.kit_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.kit_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.kit_list.selectionModel().currentChanged.connect(lambda cur, _prev: self._kit_chosen(cur))
        self.delete_button = QPushButton("Delete kit…")
        self.delete_button.clicked.connect(self.delete_kit)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        mine = QLabel("My kits")
        font = mine.font()
        font.setBold(True)
        mine.setFont(font)
        left_layout.addWidget(mine)
        left_layout.addWidget(self.kit_list, 1)
        left_layout.addWidget(self.delete_button)

        # Right: the chosen kit.
        self.name_edit = QLineEdit()
        self.account_edit = QLineEdit()
        self.account_edit.setPlaceholderText("Account or deal")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setPlaceholderText("Notes for yourself: the call's goal, who attends…")
        self.notes_edit.setFixedHeight(64)
        self.save_button = QPushButton("Save details")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_details)
        for edit in (self.name_edit, self.account_edit):
            edit.textEdited.connect(lambda _t: self._details_edited())
        self.notes_edit.textChanged.connect(self._details_edited)
        details = QFormLayout()
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_edit, 2)
        name_row.addWidget(QLabel("Account"))
        name_row.addWidget(self.account_edit, 1)
        name_row.addWidget(self.save_button)
        details.addRow("Name", name_row)
        details.addRow("Notes", self.notes_edit)

        self.warnings = Banner()
        self.warnings.close_button.hide()

        self.items_model = KitItemsTableModel(self)
        self.items_model.order_changed.connect(self._reorder)
        self.items_model.note_edited.connect(self._annotate)
        self.items = KitItemsView(self.items_model)
        self.items.selectionModel().selectionChanged.connect(lambda *_: self._update_item_buttons())
        self.items.doubleClicked.connect(self._item_double_clicked)

        self.add_button = QPushButton("Add pieces…")
        self.add_button.clicked.connect(self.add_pieces)
        self.up_button = QPushButton("Move up")
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button = QPushButton("Move down")
        self.down_button.clicked.connect(lambda: self.move_selected(+1))
        self.note_button = QPushButton("Edit note…")
        self.note_button.clicked.connect(self.edit_note)
        self.latest_button = QPushButton("Use latest version")
        self.latest_button.setToolTip("The piece changed since you added it: accept the new version")
        self.latest_button.clicked.connect(self.use_latest)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.open_button = QPushButton("Open piece")
        self.open_button.clicked.connect(self.open_selected)
        item_buttons = QHBoxLayout()
        for button in (self.add_button, self.up_button, self.down_button, self.note_button, self.latest_button,
                       self.remove_button):
            item_buttons.addWidget(button)
        item_buttons.addStretch(1)
        item_buttons.addWidget(self.open_button)

        self.export_folder_button = QPushButton("Export as folder…")
        self.export_folder_button.clicked.connect(lambda: self.export(as_zip=False))
        self.export_zip_button = QPushButton("Export as zip…")
        self.export_zip_button.clicked.connect(lambda: self.export(as_zip=True))
        self.copy_zip_button = QPushButton("Copy as zip")
        self.copy_zip_button.setObjectName("copyKit")
        self.copy_zip_button.setToolTip("Put the kit on the clipboard as one zip, to paste into an email or a chat "
                                        "(or drag the kit from the list on the left)")
        self.copy_zip_button.clicked.connect(self.copy_kit)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_export)
        export_row = QHBoxLayout()
        export_hint = QLabel("Export: every file plus one merged PDF with a cover page listing the pieces and notes.")
        export_hint.setWordWrap(True)
        export_row.addWidget(export_hint, 1)
        export_row.addWidget(self.progress, 1)
        export_row.addWidget(self.cancel_button)
        export_row.addWidget(self.export_folder_button)
        export_row.addWidget(self.export_zip_button)
        # A team library: the kit's files onto this laptop now, to work from it offline.
        self.offline_button = QPushButton("Make available offline")
        self.offline_button.setObjectName("kitAvailableOffline")
        self.offline_button.setToolTip("Download the files of this kit's pieces to this laptop and keep them there")
        self.offline_button.clicked.connect(self.make_available_offline)
        self.offline_button.setVisible(app.team is not None)
        item_buttons.insertWidget(item_buttons.count() - 1, self.offline_button)
        self.download = DownloadBar(app)
        export_row.addWidget(self.copy_zip_button)
        self.result = Banner()
        self.result.action_clicked.connect(self.open_export_folder)

        editor = QFrame()
        editor.setFrameShape(QFrame.Shape.StyledPanel)
        editor_layout = QVBoxLayout(editor)
        editor_layout.addLayout(details)
        editor_layout.addWidget(self.warnings)
        drag_hint = QLabel("Drag rows to change the order the buyer sees; double-click a note to edit it.")
        editor_layout.addWidget(drag_hint)
        editor_layout.addWidget(self.items, 1)
        editor_layout.addLayout(item_buttons)
        editor_layout.addLayout(export_row)
        editor_layout.addWidget(self.download)
        editor_layout.addWidget(self.result)

        self.empty_label = QLabel("No kits yet.\nA kit gathers the pieces for one call or deal: create one, add pieces "
                                  "from the library or the journey map, then export them as one PDF.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.right = QStackedWidget()
        self.right.addWidget(self.empty_label)
        self.right.addWidget(editor)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setChildrenCollapsible(False)
        left.setMinimumWidth(220)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.splitter, 1)
        # Kits are kept on the team server: changing one waits for it (the action policy says so);
        # opening and exporting work from this computer's copy.
        for button in (self.new_button, self.delete_button, self.save_button, self.add_button, self.up_button,
                       self.down_button, self.note_button, self.latest_button, self.remove_button):
            app.actions.govern(button, Permission.KITS)
        self._edit_triggers = self.items.editTriggers()
        app.actions.changed.connect(self._changes_allowed)
        self._changes_allowed()
        self._show_kit(None)

    # --- page contract ---------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        if changes.kits or changes.pieces:
            self.handouts.forget()  # the kit's zip is made again for the next drag or copy
            self.mark_stale()

    def on_actor_changed(self, actor: Actor) -> None:
        self.kit = None
        self.mark_stale()

    # --- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        self._dirty = False
        self._seq += 1
        seq = self._seq
        self.app.runner.op(self.app.library.kits.list, self.app.actor).success(lambda kits: self._loaded(seq, kits)).read()

    def _loaded(self, seq: int, kits: list[KitInfo]) -> None:
        if seq != self._seq:
            return
        wanted = self._select_after_load or (self.kit.id if self.kit else None)
        self._select_after_load = None
        self.kit_list_model.set_rows(kits)
        row = self.kit_list_model.row_of(wanted) if wanted is not None else -1
        if row < 0 and kits:
            row = 0
        if row >= 0:
            self.kit_list.setCurrentIndex(self.kit_list_model.index(row, 0))
            self._kit_chosen(self.kit_list_model.index(row, 0))
        else:
            self._show_kit(None)

    def select_kit(self, kit_id: int) -> bool:
        row = self.kit_list_model.row_of(kit_id)
        if row < 0:
            return False
        self.kit_list.setCurrentIndex(self.kit_list_model.index(row, 0))
        return True

    def _kit_chosen(self, index: QModelIndex) -> None:
        self._show_kit(index.data(KitRole) if index.isValid() else None)

    def _show_kit(self, kit: Optional[KitInfo]) -> None:
        previous = self.kit
        self.kit = kit
        self.right.setCurrentIndex(1 if kit else 0)
        self.app.actions.enable(self.delete_button, kit is not None)
        if kit is None:
            self.items_model.set_rows([])
            return
        same = previous is not None and previous.id == kit.id
        selected_piece = self.selected_item().piece.id if same and self.selected_item() else None
        if not same or not self.save_button.isEnabled():
            for edit, value in ((self.name_edit, kit.name), (self.account_edit, kit.account)):
                edit.setText(value)
            self.notes_edit.blockSignals(True)
            self.notes_edit.setPlainText(kit.notes)
            self.notes_edit.blockSignals(False)
            self.app.actions.enable(self.save_button, False)
        self.items_model.set_rows(kit.items)
        if selected_piece is not None and selected_piece in self.items_model.piece_ids():
            self.items.selectRow(self.items_model.piece_ids().index(selected_piece))
        if not same:
            self.result.hide()
        if kit.warnings:
            lines = "<br>".join(f"• {w}" for w in kit.warnings[:5])
            more = f"<br>…and {len(kit.warnings) - 5} more" if len(kit.warnings) > 5 else ""
            self.warnings.show_message(f"<b>Check before sending:</b><br>{lines}{more}", "stale", closable=False)
        else:
            self.warnings.hide()
        self._update_item_buttons()

    def _details_edited(self) -> None:
        if self.kit is None:
            return
        changed = (self.name_edit.text().strip(), self.account_edit.text().strip(),
                   self.notes_edit.toPlainText()) != (self.kit.name, self.kit.account, self.kit.notes)
        self.app.actions.enable(self.save_button, changed and bool(self.name_edit.text().strip()))

    def selected_item(self):
        rows = self.items.selectionModel().selectedRows()
        return rows[0].data(ItemRole) if rows else None

    def _update_item_buttons(self) -> None:
        item = self.selected_item()
        row = self.items.selectionModel().selectedRows()[0].row() if item else -1
        has_items = self.items_model.rowCount() > 0
        enable = self.app.actions.enable
        enable(self.up_button, item is not None and row > 0)
        enable(self.down_button, item is not None and row < self.items_model.rowCount() - 1)
        for button in (self.note_button, self.remove_button, self.open_button):
            enable(button, item is not None)
        enable(self.latest_button, item is not None and any("new version" in w for w in item.warnings))
        busy = self.export_handle is not None
        self.export_folder_button.setEnabled(has_items and not busy)
        self.export_zip_button.setEnabled(has_items and not busy)
        self.copy_zip_button.setEnabled(has_items and not busy)

    # --- writes ----------------------------------------------------------------------------
    def _write(self, fn, *args, on_done=None, **kwargs) -> None:
        op = self.app.runner.op(fn, self.app.actor, *args, **kwargs)
        if on_done is not None:
            op.success(on_done)
        op.write()

    def new_kit(self) -> None:
        def create(name: str) -> None:
            def created(kit_id: int) -> None:
                self._select_after_load = kit_id
                self.reload()

            self._write(self.app.library.kits.create, name, on_done=created)

        self.prompt = ask_text(self, "New kit", "Name the kit after the call or deal, e.g. “Acme — security review”.",
                               create, ok_label="Create kit")

    def delete_kit(self) -> None:
        kit = self.kit
        if kit is None:
            return
        self.prompt = confirm(self, "Delete kit", f"Delete the kit “{kit.name}”? The pieces stay in the library.",
                              "Delete kit", lambda: self._write(self.app.library.kits.delete, kit.id))

    def save_details(self) -> None:
        if self.kit is None:
            return
        self.app.actions.enable(self.save_button, False)
        self._write(self.app.library.kits.update, self.kit.id, name=self.name_edit.text(),
                    account=self.account_edit.text(), notes=self.notes_edit.toPlainText())

    def add_pieces(self) -> None:
        kit = self.kit
        if kit is None:
            return
        if self.picker is not None:
            self.picker.deleteLater()
        self.picker = PiecePickerDialog(self.app, self, title=f"Add to “{kit.name}”", multi=True,
                                        prompt="Search the library; select one or more pieces.", ok_label="Add")
        self.picker.accepted.connect(lambda: self._add([p.id for p in self.picker.selected_pieces()]))
        self.picker.open()

    def _add(self, piece_ids: list[int]) -> None:
        if self.kit is None or not piece_ids:
            return
        self._write(self.app.library.kits.add_many, self.kit.id, piece_ids)

    def move_selected(self, step: int) -> None:
        rows = self.items.selectionModel().selectedRows()
        if rows and self.items_model.move_row(rows[0].row(), rows[0].row() + step):
            self.items.selectRow(rows[0].row() + step)

    def _changes_allowed(self) -> None:
        """Dragging rows and editing notes in place follow the action policy like the buttons."""
        allowed = self.app.actions.allowed(Permission.KITS)
        self.items.setDragEnabled(allowed)
        self.items.setAcceptDrops(allowed)
        self.items.setEditTriggers(self._edit_triggers if allowed else QAbstractItemView.EditTrigger.NoEditTriggers)

    def _reorder(self, piece_ids: list[int]) -> None:
        if self.kit is not None:
            self._write(self.app.library.kits.reorder, self.kit.id, piece_ids)

    def _annotate(self, piece_id: int, note: str) -> None:
        if self.kit is not None:
            self._write(self.app.library.kits.annotate, self.kit.id, piece_id, note)

    def edit_note(self) -> None:
        item = self.selected_item()
        if item is None or self.kit is None:
            return
        kit_id = self.kit.id
        self.prompt = ask_text(self, "Note", f"Why send “{item.piece.title}”? The note appears on the kit's cover page.",
                               lambda note: self._write(self.app.library.kits.annotate, kit_id, item.piece.id, note),
                               text=item.note, multiline=True, ok_label="Save note", required=False)

    def _item_double_clicked(self, index: QModelIndex) -> None:
        if index.column() != NOTE:
            self.open_selected()

    def use_latest(self) -> None:
        item = self.selected_item()
        if item is not None and self.kit is not None:
            self._write(self.app.library.kits.refresh_item, self.kit.id, item.piece.id)

    def remove_selected(self) -> None:
        item = self.selected_item()
        if item is not None and self.kit is not None:
            self._write(self.app.library.kits.remove, self.kit.id, item.piece.id)

    def open_selected(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.app.signals.open_piece.emit(item.piece.id)

    # --- export ----------------------------------------------------------------------------
    def _handout(self, index: Optional[QModelIndex] = None) -> Optional[Handout]:
        kit = index.data(KitRole) if index is not None and index.isValid() else self.kit
        return kit_handout(self.app, kit.id, kit.name) if kit is not None else None

    def _prepare_handout(self, index: QModelIndex) -> None:
        handout = self._handout(index)
        if handout is not None and self.kit_list_model.rowCount():
            self.handouts.prepare(handout)

    def _drag_kit(self) -> None:
        handout = self._handout(self.kit_list.currentIndex())
        if handout is not None:
            self.handouts.drag(self.kit_list, handout)

    def copy_kit(self) -> None:
        """The chosen kit as one zip on the clipboard (a kit_exported use per piece)."""
        handout = self._handout()
        if handout is not None:
            self.handouts.copy(handout)

    def export(self, as_zip: bool, target: Optional[Path] = None) -> None:
        if self.kit is None:
            return
        target = target or files.ask_folder(self, "Export the kit into which folder?")
        if target is None:
            return
        self.result.hide()
        kit_id = self.kit.id
        # Files the laptop lacks come first, with their own progress and Cancel; what cannot
        # come (offline) is named by the export itself.
        self.download.bring_here(self.kit_piece_ids(), lambda _r: self._export_now(kit_id, as_zip, Path(target)),
                                 what="the kit's files")

    def kit_piece_ids(self) -> list[int]:
        return [item.piece.id for item in self.kit.items] if self.kit is not None else []

    def make_available_offline(self) -> None:
        if self.kit is None:
            return
        self.download.bring_here(self.kit_piece_ids(), lambda result: self.app.signals.status_message.emit(
            result.message()), keep=True, what="the kit's files")

    def _export_now(self, kit_id: int, as_zip: bool, target: Path) -> None:
        if self.kit is None or self.kit.id != kit_id:
            return
        self.progress.setRange(0, max(len(self.kit.items) + 1, 1))
        self.progress.setValue(0)
        self.progress.setFormat("Preparing…")
        self.progress.show()
        self.cancel_button.show()
        self.export_handle = self.app.runner.op(
            self.app.library.kits.export, self.app.actor, self.kit.id, Path(target), as_zip=as_zip,
            cancel=None).progress(self._export_progress).success(self._exported).failure(self._export_failed).write()
        if self.progress.isHidden():  # a synchronous runner has already finished
            self.export_handle = None
        self._update_item_buttons()

    def _export_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{text} (%v of %m)" if text else "%v of %m")

    def cancel_export(self) -> None:
        if self.export_handle is not None:
            self.export_handle.cancel()
            self.progress.setFormat("Cancelling…")

    def _export_finished(self) -> None:
        self.export_handle = None
        self.progress.hide()
        self.cancel_button.hide()
        self._update_item_buttons()

    def _exported(self, result: KitExport) -> None:
        self._export_finished()
        self.last_export = result
        where = result.zip_path or result.folder
        text = (f"<b>Exported {count(len(result.files), 'file')}</b>"
                + (f" and a {result.merged_pages}-page merged PDF" if result.merged_pdf else "")
                + f" to {where}")
        if result.skipped:
            text += "<br>Not in the merged PDF: " + "; ".join(result.skipped)
        self.result.show_message(text, "good", action="Open folder")
        self.app.signals.status_message.emit(f"Kit exported to {where}")

    def _export_failed(self, exc: BaseException) -> None:
        """Shown under the kit; a bug is also reported by the operation."""
        self._export_finished()
        if isinstance(exc, UserFacingError):
            self.result.show_message(f"<b>Export stopped:</b> {exc}", "empty")
        else:
            self.result.show_message("<b>Export failed.</b> The error has been reported.", "empty")

    def open_export_folder(self) -> None:
        if self.last_export is not None:
            files.open_in_default_app(self.last_export.folder if self.last_export.zip_path is None
                                      else self.last_export.zip_path.parent)
