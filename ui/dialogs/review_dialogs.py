"""Rep-made pieces: marketing's review queue, and a rep's view of their own submissions."""

from __future__ import annotations

from typing import Mapping, Optional

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from enablement.models.dto import PieceDetail, PieceSummary, ReviewQueue
from enablement.services.permissions import Permission
from ..context import AppContext
from ..models.piece_table_model import COL_OWNER, COL_STATUS, COL_TITLE, COL_TYPE, PieceTableModel
from ..models.row_table_model import SortRole
from ..models.submission_table_model import SubmissionTableModel
from ..text import shown


class ReasonDialog(QDialog):
    def __init__(self, title: str, prompt: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMinimumWidth(420)
        form = QFormLayout(self)
        form.addRow(QLabel(prompt))
        form.addRow(self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class ReviewQueueDialog(QDialog):
    needs = Permission.PUBLISH  # its actions (and the reason asked for) wait for the team server
    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("reviewQueue")
        self.setWindowTitle("Review queue: pieces reps made")
        self.resize(980, 560)
        self.lookalikes: Mapping[int, tuple[PieceSummary, ...]] = {}
        self.sub_dialog: Optional[QDialog] = None
        self.model = PieceTableModel(self)
        self.proxy = proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(SortRole)
        self.view = QTableView()
        self.view.setModel(proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        for col in range(self.model.columnCount()):
            self.view.setColumnHidden(col, col not in (COL_TITLE, COL_TYPE, COL_OWNER, COL_STATUS))
        self.view.horizontalHeader().setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _i: self._open())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_lookalike())
        self.hint = QLabel("")
        self.hint.setObjectName("lookalikeHint")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)  # titles: never markup
        self.hint.setWordWrap(True)
        self.merge_target = QComboBox()
        self.merge_target.setObjectName("mergeTarget")
        self.merge_target.setMinimumWidth(320)
        self.empty = QLabel("Nothing waiting. When a rep shares a piece they made, it shows up here.")
        buttons = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("open", "Preview", self._open), ("publish", "Publish as is", self.publish),
                                ("merge", "Merge into:", self.merge), ("decline", "Decline…", self.decline)):
            b = QPushButton(text)
            b.setObjectName(f"review_{key}")
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.action_buttons[key] = b
            if key == "merge":
                buttons.addWidget(self.merge_target, 1)
        v = QVBoxLayout(self)
        v.addWidget(self.empty)
        v.addWidget(self.view, 1)
        v.addWidget(self.hint)
        v.addLayout(buttons)
        self.reload()


    def acting_buttons(self) -> list[QPushButton]:
        return [b for key, b in self.action_buttons.items() if key != "open"]
    def reload(self) -> None:
        self.app.runner.op(self.app.library.search.review_queue).success(self._loaded).read()

    def _loaded(self, result: ReviewQueue) -> None:
        queue, self.lookalikes, official = result.waiting, result.lookalikes, result.official
        self.model.set_rows(list(queue))
        self.merge_target.clear()
        for p in official:
            self.merge_target.addItem(p.title, p.id)
        self.empty.setVisible(not queue)
        if queue:
            self.view.selectRow(0)
            self._show_lookalike()

    def current(self) -> Optional[int]:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        piece = self.model.row_at(self.proxy.mapToSource(index).row())
        return piece.id if piece is not None else None

    def _show_lookalike(self) -> None:
        pid = self.current()
        similar = self.lookalikes.get(pid or -1, ())
        if similar:
            self.hint.setText(f"This looks like the official “{shown(similar[0].title)}”. Merge it in as a new version "
                              "if it is better, or decline it and point the rep there.")
            self.merge_target.setCurrentIndex(max(0, self.merge_target.findData(similar[0].id)))
        else:
            self.hint.setText("No official piece looks like this one: publishing it fills a gap.")

    def _open(self) -> None:
        pid = self.current()
        if pid is not None:
            self.app.signals.open_piece.emit(pid)

    def _write(self, fn, *args) -> None:
        """A review decision on the write lane; the queue reloads once it is stored."""
        self.app.runner.op(fn, self.app.actor, *args).success(lambda _value: self.reload()).write()

    def publish(self) -> None:
        pid = self.current()
        if pid is not None:
            self._write(self.app.library.pieces.publish, pid)

    def merge(self) -> None:
        pid, target = self.current(), self.merge_target.currentData()
        if pid is not None and target is not None:
            self._write(self.app.library.pieces.merge_submission, pid, target)

    def decline(self) -> None:
        pid = self.current()
        if pid is None:
            return
        dialog = ReasonDialog("Decline", "Why? The rep sees this (e.g. “use the official Security Whitepaper”).",
                              self)
        self.sub_dialog = dialog
        dialog.accepted.connect(lambda: self._write(self.app.library.pieces.decline_submission, pid,
                                                    dialog.reason.text()))
        dialog.open()


class SubmissionsDialog(QDialog):
    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("mySubmissions")
        self.setWindowTitle("My submissions")
        self.resize(860, 420)
        self.model = SubmissionTableModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.model)
        proxy.setSortRole(SortRole)
        self.view = QTableView()
        self.view.setModel(proxy)
        self.view.verticalHeader().hide()
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel("You have not shared any pieces yet. Use “Add my piece…” to share one you made: "
                            "marketing reviews it and may publish it for everyone.")
        self.empty.setWordWrap(True)
        v = QVBoxLayout(self)
        v.addWidget(self.empty)
        v.addWidget(self.view, 1)
        app.runner.op(app.library.pieces.submission_details, app.actor.user_id).success(self._loaded).read()

    def _loaded(self, details: list[PieceDetail]) -> None:
        self.model.set_rows(details)
        self.view.resizeColumnsToContents()
        self.empty.setVisible(not details)
