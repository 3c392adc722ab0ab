"""Rep-made pieces: marketing's review queue, and a rep's view of their own submissions."""

from __future__ import annotations

from typing import Mapping, Optional

import shiboken6
from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from enablement.display import listed
from enablement.models.dto import PieceDetail, PieceSummary, ReviewQueue
from enablement.services.permissions import PUBLISH_FIELDS, Permission, missing_among
from ..context import AppContext
from ..models.piece_table_model import COL_OWNER, COL_STATUS, COL_TITLE, COL_TYPE, PieceTableModel
from ..models.row_table_model import SortRole
from ..models.submission_table_model import SubmissionTableModel
from ..text import shown
from ..widgets.dates import as_date, optional_date
from ..widgets.tag_editor import TagEditor


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
    """Marketing's review of rep-made pieces: preview one, then tag and publish it (one step:
    its tags, owner and review date, with the library's required fields shown as they are
    filled), merge it into an official piece, or decline it with a reason."""

    needs = Permission.PUBLISH  # its actions (and the reason asked for) wait for the team server

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.setObjectName("reviewQueue")
        self.setWindowTitle("Review queue: pieces reps made")
        self.resize(1180, 640)
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
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.hint = QLabel("")
        self.hint.setObjectName("lookalikeHint")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)  # titles: never markup
        self.hint.setWordWrap(True)
        self.merge_target = QComboBox()
        self.merge_target.setObjectName("mergeTarget")
        self.merge_target.setMinimumWidth(280)
        self.empty = QLabel("Nothing waiting. When a rep shares a piece they made, it shows up here.")
        buttons = QHBoxLayout()
        self.action_buttons: dict[str, QPushButton] = {}
        for key, text, slot in (("open", "Preview", self._open), ("merge", "Merge into:", self.merge),
                                ("decline", "Decline…", self.decline)):
            b = QPushButton(text)
            b.setObjectName(f"review_{key}")
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.action_buttons[key] = b
            if key == "merge":
                buttons.addWidget(self.merge_target, 1)
        left = QVBoxLayout()
        left.addWidget(self.empty)
        left.addWidget(self.view, 1)
        left.addWidget(self.hint)
        left.addLayout(buttons)
        self.panel = TagAndPublishPanel(app, self)
        self.panel.publish_button.clicked.connect(self.publish)
        row = QHBoxLayout(self)
        row.addLayout(left, 3)
        row.addWidget(self.panel, 2)
        self.reload()

    def acting_buttons(self) -> list[QPushButton]:
        return [b for key, b in self.action_buttons.items() if key != "open"] + [self.panel.publish_button]

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
        self._selected()

    def current(self) -> Optional[int]:
        piece = self.current_piece()
        return piece.id if piece is not None else None

    def current_piece(self) -> Optional[PieceSummary]:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def _selected(self) -> None:
        self.panel.show_piece(self.current_piece())
        self._show_lookalike()

    def _show_lookalike(self) -> None:
        pid = self.current()
        similar = self.lookalikes.get(pid or -1, ())
        if pid is None:
            self.hint.setText("")
        elif similar:
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
        """Tag and publish: the panel's tags, owner and review date, then published, in one
        transaction (undoable); refused whole while a required field is missing."""
        piece = self.current_piece()
        if piece is None or self.panel.missing():
            return
        title = piece.title
        self.app.undo.run("publish", [piece.id], self.app.library.pieces.tag_and_publish, self.app.actor,
                          piece.id, seen=piece.row_version or None, on_done=lambda _v: self._published(title),
                          **self.panel.arguments())

    def _published(self, title: str) -> None:
        self.app.signals.status_message.emit(f"Published “{title}” for every rep.")
        if shiboken6.isValid(self):
            self.reload()

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


class TagAndPublishPanel(QGroupBox):
    """The review queue's "tag and publish" step: the piece's tags (stage, gate and facets),
    owner and review date, what the library still requires before it can be published, and
    the one button that saves them and publishes."""

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__("Tag and publish", parent)
        self.app = app
        self.setObjectName("tagAndPublish")
        self.piece_id: Optional[int] = None
        self.tags = TagEditor(app.taxonomy)
        self.tags.setMinimumHeight(220)
        self.owner = QLineEdit()
        self.owner.setObjectName("reviewOwner")
        self.owner.setPlaceholderText("Who in marketing answers for it")
        self.has_review, self.review_by = optional_date("Review by", "reviewDate")
        self.has_review.setObjectName("reviewHasDate")
        self.suggest = QPushButton("Apply suggested tags")
        self.suggest.setObjectName("reviewSuggest")
        self.suggest.setToolTip("Tick the stage, gate and facet tags similar, already-tagged pieces carry")
        self.suggest.clicked.connect(self.apply_suggestions)
        self.needed = QLabel("")
        self.needed.setObjectName("reviewNeeded")
        self.needed.setWordWrap(True)
        self.publish_button = QPushButton("Tag and publish")
        self.publish_button.setObjectName("review_publish")
        self.publish_button.setDefault(True)
        form = QFormLayout()
        form.addRow("Owner", self.owner)
        dates = QHBoxLayout()
        dates.addWidget(self.has_review)
        dates.addWidget(self.review_by, 1)
        form.addRow("", dates)
        v = QVBoxLayout(self)
        v.addWidget(self.tags, 1)
        v.addWidget(self.suggest, 0, Qt.AlignmentFlag.AlignLeft)
        v.addLayout(form)
        v.addWidget(self.needed)
        v.addWidget(self.publish_button)
        self.tags.edited.connect(self._update)
        self.owner.textChanged.connect(self._update)
        self.has_review.toggled.connect(self._update)
        self.show_piece(None)

    def show_piece(self, piece: Optional[PieceSummary]) -> None:
        """Fill the fields from ``piece`` (a review date a period ahead offered when it has none)."""
        self.piece_id = piece.id if piece is not None else None
        self.tags.set_tags(piece.tags if piece is not None else ())
        self.owner.setText(piece.owner if piece is not None else "")
        review = piece.review_by if piece is not None else None
        period = self.app.library.settings.get().review_period_days
        self.has_review.setChecked(review is not None or piece is not None)
        self.review_by.setDate(QDate(review) if review else QDate.currentDate().addDays(period))
        self.review_by.setEnabled(self.has_review.isChecked())
        self.setEnabled(piece is not None)
        self._update()

    def present(self) -> set[str]:
        """The publish rule's fields the form now holds (tag dimensions, owner, review date)."""
        have = {dimension for dimension, _tid in self.tags.checked()}
        if self.owner.text().strip():
            have.add("owner")
        if self.has_review.isChecked():
            have.add("review_by")
        return have

    def missing(self) -> tuple[str, ...]:
        return missing_among(self.app.library.settings.get().publish_requires, self.present())

    def arguments(self) -> dict:
        return {"tags": self.tags.selection(), "owner": self.owner.text(),
                "review_by": as_date(self.review_by.date()) if self.has_review.isChecked() else None}

    def _update(self) -> None:
        required = self.app.library.settings.get().publish_requires
        missing = self.missing()
        words = [PUBLISH_FIELDS[name] for name in required if name in PUBLISH_FIELDS]
        if self.piece_id is None:
            self.needed.setText("Choose a piece on the left to tag and publish it.")
        elif missing:
            self.needed.setText(f"Before it can be published it needs: {listed(missing)}. "
                                f"(This library requires {listed(words)}.)")
        else:
            self.needed.setText(f"Ready: it has {listed(words)}." if words else "Ready to publish.")
        self.publish_button.setEnabled(self.piece_id is not None and not missing)
        self.publish_button.setToolTip(f"Needs {listed(missing)} first" if missing else
                                       "Save these tags, owner and review date and publish it for every rep")

    def apply_suggestions(self) -> None:
        pid = self.piece_id
        if pid is None:
            return
        self.app.runner.op(self.app.library.search.suggest_tags_for, pid).success(
            lambda found: self._suggested(pid, found)).read()

    def _suggested(self, pid: int, suggestions) -> None:
        if not shiboken6.isValid(self) or pid != self.piece_id:
            return
        for s in suggestions:
            self.tags.check(s.dimension, s.id)
        if not suggestions:
            self.needed.setText("No suggestions yet: tag a few similar pieces first. " + self.needed.text())


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
