"""Requests: a rep asks marketing for what is missing and sees what came back; marketing
works the queue (start, fulfil with a piece, decline with a reason)."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QButtonGroup, QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSplitter, QStyleOptionViewItem, QStyledItemDelegate, QTableView,
                               QVBoxLayout, QWidget)

from enablement.models.changes import Changes
from enablement.models.dto import Actor, RequestInfo
from enablement.models.vocab import RequestStatus
from enablement.services.permissions import Permission
from ..context import AppContext
from .lazy_page import LazyPage
from ..dialogs.piece_picker import PiecePickerDialog
from ..dialogs.request_dialog import RequestDialog
from ..dialogs.text_prompt import TextPromptDialog, ask_text
from ..models.requests_table_model import (DUE, FILED, GROUPS, OUTCOME, REQUESTER, STATUS, STATUS_LABELS, TITLE,
                                            WHERE, RequestRole, RequestsFilterProxyModel, RequestsTableModel,
                                            StatusRole, outcome_text, where_text)
from ..widgets import tones
from ..widgets.page_header import PageHeader
from ..text import shown, shown_lines

_STATUS_TONE: dict[str, str] = {RequestStatus.OPEN: "info", RequestStatus.IN_PROGRESS: "stale",
                RequestStatus.FULFILLED: "good", RequestStatus.DECLINED: "muted"}


class RequestsPage(LazyPage):
    title = "Requests"

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self._seq = 0
        self.request_dialog: Optional[RequestDialog] = None
        self.picker: Optional[PiecePickerDialog] = None
        self.prompt: Optional[TextPromptDialog] = None

        self.header = PageHeader(self.title)
        self.new_button = QPushButton("New request…")
        self.new_button.setDefault(True)
        self.new_button.clicked.connect(lambda: self.new_request())
        self.header.controls.addWidget(self.new_button)

        self.model = RequestsTableModel(self)
        self.proxy = RequestsFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(FILED, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # The request's title gets what is left; the short columns fit their contents.
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        for column in (STATUS, DUE, FILED):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for column, width in ((WHERE, 180), (REQUESTER, 110), (OUTCOME, 170)):
            self.table.setColumnWidth(column, width)
        self.table.setItemDelegateForColumn(STATUS, _StatusDelegate(self.table))
        header.setHighlightSections(False)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        self.table.doubleClicked.connect(lambda _i: self._open_result())

        # Status tabs and a text filter above the table.
        self.group_buttons = QButtonGroup(self)
        self.group_buttons.setExclusive(True)
        filters = QHBoxLayout()
        self._group_button: dict[str, QPushButton] = {}
        for key, label in (("open", "Open"), ("in_progress", "In progress"), ("done", "Done"), ("all", "All")):
            button = QPushButton(label)
            button.setCheckable(True)
            button.setProperty("group", key)
            button.clicked.connect(lambda _c=False, k=key: self.set_group(k))
            self.group_buttons.addButton(button)
            self._group_button[key] = button
            filters.addWidget(button)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter requests…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        filters.addStretch(1)
        filters.addWidget(self.filter_edit)

        # Detail of the chosen request, with the actions that fit it.
        self.detail_title = QLabel()
        font = QFont(self.detail_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.detail_title.setFont(font)
        self.detail_title.setWordWrap(True)
        self.status_chip = QLabel()
        self.status_chip.setAutoFillBackground(True)
        self.status_chip.setContentsMargins(8, 2, 8, 2)
        self.detail_fields = {name: QLabel() for name in ("requester", "where", "who", "account", "due", "filed")}
        self.need_label = QLabel()
        self.outcome_label = QLabel()
        for data_label in (self.detail_title, self.need_label, self.outcome_label, *self.detail_fields.values()):
            data_label.setTextFormat(Qt.TextFormat.PlainText)  # what people typed: never markup
        for field_label in self.detail_fields.values():
            field_label.setWordWrap(True)
            field_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.need_label.setWordWrap(True)
        self.need_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome_label.setWordWrap(True)
        self.open_piece_button = QPushButton("Open piece")
        self.open_piece_button.clicked.connect(self._open_result)
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Tell the requester marketing is working on it")
        self.start_button.clicked.connect(self.start_selected)
        self.fulfil_button = QPushButton("Fulfil with a piece…")
        self.fulfil_button.clicked.connect(self.fulfil_selected)
        self.decline_button = QPushButton("Decline…")
        self.decline_button.clicked.connect(self.decline_selected)
        self.withdraw_button = QPushButton("Withdraw")
        self.withdraw_button.setToolTip("You no longer need this piece")
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        # Asking works offline (sent at the next sync); answering or withdrawing one is the server's.
        for button in (self.start_button, self.fulfil_button, self.decline_button):
            app.actions.govern(button, Permission.TRIAGE_REQUESTS)
        app.actions.govern(self.withdraw_button, Permission.REQUEST, server=True)

        form = QFormLayout()
        form.addRow("Requested by", self.detail_fields["requester"])
        form.addRow("Stage / gate", self.detail_fields["where"])
        form.addRow("Persona / industry", self.detail_fields["who"])
        form.addRow("Account", self.detail_fields["account"])
        form.addRow("Needed by", self.detail_fields["due"])
        form.addRow("Filed", self.detail_fields["filed"])
        chip_row = QHBoxLayout()
        chip_row.addWidget(self.status_chip)
        chip_row.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.start_button, self.fulfil_button, self.decline_button, self.withdraw_button):
            actions.addWidget(button)
        actions.addStretch(1)
        result_row = QHBoxLayout()
        result_row.addWidget(self.outcome_label, 1)
        result_row.addWidget(self.open_piece_button)
        self.detail = QFrame()
        self.detail.setFrameShape(QFrame.Shape.StyledPanel)
        self.detail.setMinimumWidth(320)
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addLayout(chip_row)
        detail_layout.addLayout(form)
        need_heading = QLabel("What the buyer needs")
        need_heading.setFont(_bold(need_heading.font()))
        detail_layout.addWidget(need_heading)
        detail_layout.addWidget(self.need_label)
        result_heading = QLabel("Answer")
        result_heading.setFont(_bold(result_heading.font()))
        detail_layout.addWidget(result_heading)
        detail_layout.addLayout(result_row)
        detail_layout.addStretch(1)
        detail_layout.addLayout(actions)
        self.placeholder = QLabel("Choose a request to see its details.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty_label)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.placeholder, 1)
        right_layout.addWidget(self.detail, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)  # a wider window widens the table
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([760, 320])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.splitter, 1)
        self.on_actor_changed(app.actor)

    # --- page contract ---------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        if changes.requests or changes.users or changes.taxonomy or (changes.pieces and self.model.rows):
            self.mark_stale()

    def on_actor_changed(self, actor: Actor) -> None:
        triage = self.can_triage
        self.header.set_subtitle(
            "The queue of what reps asked for: pick a request up, fulfil it with a piece, or decline it with a "
            "reason the rep will see." if triage else
            "Ask marketing for the piece you are missing instead of making it yourself; see here what came back.")
        for button in (self.start_button, self.fulfil_button, self.decline_button):
            button.setVisible(triage)
        self.table.setColumnHidden(REQUESTER, not self._sees_others)
        self.set_group("open" if triage else "all")
        self.mark_stale()

    @property
    def can_triage(self) -> bool:
        return self.app.can(Permission.TRIAGE_REQUESTS)

    @property
    def _sees_others(self) -> bool:
        return self.can_triage or self.app.can(Permission.VIEW_REPORTS)

    # --- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        self._dirty = False
        self._seq += 1
        seq = self._seq
        self.app.runner.op(self.app.library.requests.list, self.app.actor).success(
            lambda rows: self._loaded(seq, rows)).read()

    def _loaded(self, seq: int, rows: list[RequestInfo]) -> None:
        if seq != self._seq:
            return
        current = self.selected_request()
        self.model.set_rows(rows)
        self._update_counts()
        if current is None or not self.select_request(current.id):
            self._select_first()
        self._show_selected()

    def _select_first(self) -> None:
        # The detail is what a rep comes for, and the head of the queue is what marketing works on.
        if self.selected_request() is None and self.proxy.rowCount():
            self.table.selectRow(0)

    def _update_counts(self) -> None:
        rows = self.model.rows
        for key, button in self._group_button.items():
            n = sum(1 for r in rows if r.status in GROUPS[key])
            label = {"open": "Open", "in_progress": "In progress", "done": "Done", "all": "All"}[key]
            button.setText(f"{label} ({n})")
        self._update_empty()

    def _update_empty(self) -> None:
        empty = self.proxy.rowCount() == 0
        self.table.setVisible(not empty)
        self.empty_label.setVisible(empty)
        if not self.model.rows:
            self.empty_label.setText("No requests yet." + ("" if self.can_triage else
                                     "\nMissing a piece for a buyer? Click “New request…” and marketing will see it."))
        else:
            self.empty_label.setText("No requests here. Try another tab.")

    def set_group(self, group: str) -> None:
        self._group_button[group].setChecked(True)
        self.proxy.set_group(group)
        self._update_empty()
        self._select_first()
        self._show_selected()

    def select_request(self, request_id: int) -> bool:
        row = self.model.row_of(request_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        return True

    def selected_request(self) -> Optional[RequestInfo]:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(RequestRole) if rows else None

    # --- detail ----------------------------------------------------------------------------
    def _show_selected(self) -> None:
        r = self.selected_request()
        self.placeholder.setVisible(r is None)
        self.detail.setVisible(r is not None)
        if r is None:
            return
        self.detail_title.setText(shown(r.title))
        tone = _STATUS_TONE.get(r.status, "muted")
        palette = self.status_chip.palette()
        palette.setColor(palette.ColorRole.Window, tones.background(palette, tone))
        palette.setColor(palette.ColorRole.WindowText, tones.accent(palette, tone))
        self.status_chip.setPalette(palette)
        self.status_chip.setText(STATUS_LABELS.get(r.status, r.status))
        self.detail_fields["requester"].setText(shown(r.requester) or "—")
        self.detail_fields["where"].setText(shown(where_text(r)))
        self.detail_fields["who"].setText(shown(" / ".join(x for x in (r.persona, r.industry) if x)) or "—")
        self.detail_fields["account"].setText(shown(r.account) or "—")
        self.detail_fields["due"].setText(f"{r.due:%d %b %Y}" if r.due else "—")
        filed = f"{r.created_at:%d %b %Y}"
        if r.resolved_at:
            filed += f"; answered {r.resolved_at:%d %b %Y}" + (f" by {shown(r.resolved_by)}" if r.resolved_by else "")
        self.detail_fields["filed"].setText(filed)
        self.need_label.setText(shown_lines(r.need) or "—")
        self.outcome_label.setText(shown_lines(outcome_text(r)))
        self.open_piece_button.setVisible(r.piece_id is not None)
        active = r.status in (RequestStatus.OPEN, RequestStatus.IN_PROGRESS)
        self.app.actions.enable(self.start_button, r.status == RequestStatus.OPEN)
        self.app.actions.enable(self.fulfil_button, active)
        self.app.actions.enable(self.decline_button, active)
        self.withdraw_button.setVisible(active and r.requester_id == self.app.actor.user_id)

    def _open_result(self) -> None:
        r = self.selected_request()
        if r is not None and r.piece_id is not None:
            self.app.signals.open_piece.emit(r.piece_id)

    # --- actions ---------------------------------------------------------------------------
    def new_request(self, title: str = "", stage_id: Optional[int] = None, gate_id: Optional[int] = None) -> RequestDialog:
        if self.request_dialog is not None:
            self.request_dialog.deleteLater()
        self.request_dialog = RequestDialog(self.app, self, title=title, stage_id=stage_id, gate_id=gate_id)
        self.request_dialog.open()
        return self.request_dialog

    def _write(self, fn, *args) -> None:
        self.app.runner.op(fn, self.app.actor, *args).write()

    def start_selected(self) -> None:
        r = self.selected_request()
        if r is not None:
            self._write(self.app.library.requests.start, r.id)

    def fulfil_selected(self) -> None:
        r = self.selected_request()
        if r is None:
            return
        if self.picker is not None:
            self.picker.deleteLater()
        self.picker = PiecePickerDialog(self.app, self, title="Fulfil request",
                                        prompt=f"Which piece answers “{r.title}”? {r.requester} will see it.",
                                        text=r.title, ok_label="Fulfil")
        self.picker.needs = Permission.TRIAGE_REQUESTS

        def chosen() -> None:
            pieces = self.picker.selected_pieces() if self.picker else []
            if pieces:
                self._write(self.app.library.requests.fulfil, r.id, pieces[0].id)

        self.picker.accepted.connect(chosen)
        self.picker.open()

    def decline_selected(self) -> None:
        r = self.selected_request()
        if r is None:
            return
        self.prompt = ask_text(self, "Decline request",
                               f"Why can't marketing provide “{r.title}”? {r.requester} will see this reason.",
                               lambda reason: self._write(self.app.library.requests.decline, r.id, reason),
                               multiline=True, ok_label="Decline")
        self.prompt.needs = Permission.TRIAGE_REQUESTS

    def withdraw_selected(self) -> None:
        r = self.selected_request()
        if r is not None:
            self._write(self.app.library.requests.withdraw, r.id)


class _StatusDelegate(QStyledItemDelegate):
    """Status text in its state's colour (palette-aware)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        tone = _STATUS_TONE.get(index.data(StatusRole), "muted")
        option.palette.setColor(option.palette.ColorRole.Text, tones.accent(option.palette, tone))
        option.font.setBold(index.data(StatusRole) == RequestStatus.OPEN)


def _bold(font: QFont) -> QFont:
    font = QFont(font)
    font.setBold(True)
    return font
