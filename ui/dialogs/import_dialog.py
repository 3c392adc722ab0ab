"""Import: progress with Cancel, a summary of every file's outcome, then tagging and publishing.

The import runs on the write lane; its progress callback reaches the bar through the task
runner's signals, so the window stays responsive and Cancel is honoured between files. The bar
and label are redrawn at most every ``PROGRESS_EVERY_MS`` (an import of small files reports
dozens of files a second), and the outcome table has fixed column widths: measuring every row
to fit the columns cost the GUI thread ~90 ms for 150 files, and grows with the import. The
outcome table sorts in its model (``ImportOutcomeTableModel.sort``), not through a proxy.
"""

from __future__ import annotations

from pathlib import Path
from datetime import date
from typing import Optional, Sequence

from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDateEdit, QDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton, QSplitter,
                               QStackedWidget, QTableView, QVBoxLayout, QWidget)

from enablement.display import count, listed
from enablement.errors import EditConflict, UserFacingError
from enablement.models.dto import Actor, Done, ImportSummary, PieceSummary, TagSelection
from enablement.models.vocab import Source
from enablement.models.changes import Changes
from enablement.services.library import Library
from enablement.services.permissions import Permission, PublishPlan
from ..context import AppContext
from ..models.import_outcome_model import COL_DETAIL, COL_FILE, COL_OUTCOME, COL_PAGES, ImportOutcomeTableModel
from ..models.piece_table_model import COL_GATES, COL_STAGES, COL_TITLE, COL_TYPE, PieceTableModel
from ..models.row_table_model import SortRole
from ..widgets.piece_editor import SuggestionList
from ..widgets.dates import as_date
from ..widgets.tag_editor import TagEditor
from ..tasks import TaskHandle
from ..text import shown

PROGRESS_EVERY_MS = 100
FIT_ROWS = 40  # a column fitted to its contents measures the rows on screen and this many more


def summary_line(summary: ImportSummary) -> str:
    parts = []
    for outcome, label in (("ok", "imported"), ("ok_no_text", "imported without searchable text"),
                           ("duplicate", "duplicates skipped"), ("failed", "could not be read (kept as pieces)"),
                           ("rejected", "rejected"), ("cancelled", "not imported (cancelled)")):
        n = summary.count(outcome)
        if n:
            parts.append(f"{n} {label}")
    return ", ".join(parts) or "No files found."


def publish_question(plan: PublishPlan) -> str:
    """What a bulk publish will do, for the one question asked before it."""
    lines = [f"{count(len(plan.ready), 'piece')} will be published."]
    if plan.skipped:
        lines.append(f"{count(len(plan.skipped), 'piece')} will be skipped:")
        lines += [f"  • {shown(p.title)}: no {', '.join(missing)}" for p, missing in plan.skipped[:12]]
        if len(plan.skipped) > 12:
            lines.append(f"  • and {count(len(plan.skipped) - 12, 'more piece')}")
    if plan.already:
        lines.append(f"{count(len(plan.already), 'piece')} already published.")
    return "\n".join(lines)


def publish_outcome(plan: PublishPlan) -> str:
    """What a bulk publish did, said after it."""
    text = f"Published {count(len(plan.ready), 'piece')}."
    if plan.skipped:
        text += (f" Skipped {count(len(plan.skipped), 'piece')} that "
                 f"{'lacks' if len(plan.skipped) == 1 else 'lack'} required fields; select "
                 f"{'it' if len(plan.skipped) == 1 else 'them'} to fill them in.")
    return text


class ImportDialog(QDialog):
    needs = Permission.IMPORT  # tagging and publishing wait for the team server (ui.actions)
    def __init__(self, app: AppContext, paths: Sequence[Path], source: str = Source.MARKETING,
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.paths = [Path(p) for p in paths]
        self.source = source
        self.summary: Optional[ImportSummary] = None
        self.handle: Optional[TaskHandle] = None
        self._latest_progress: Optional[tuple[int, int, str]] = None
        self.progress_timer = QTimer(self, singleShot=True, interval=PROGRESS_EVERY_MS)
        self.progress_timer.timeout.connect(self._show_progress)
        self.setObjectName("importDialog")
        self.setWindowTitle("Share a piece you made" if source == Source.REP else "Import collateral")
        self.resize(1000, 680)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._progress_page())
        self.pages.addWidget(self._summary_page())
        self.pages.addWidget(self._tagging_page())
        v = QVBoxLayout(self)
        v.addWidget(self.pages)

    # --- page 1: progress -----------------------------------------------------------------------
    def _progress_page(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.addStretch(1)
        self.progress_label = QLabel("Looking at the files…")
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)  # file names and titles: never markup
        self.progress_label.setObjectName("progressLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelImport")
        self.cancel_button.clicked.connect(self.cancel)
        v.addWidget(self.progress_label)
        v.addWidget(self.progress)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        v.addLayout(row)
        v.addStretch(2)
        return page

    def start(self) -> None:
        self.handle = self.app.runner.op(self.app.library.importer.import_paths, self.app.actor, self.paths,
                                         source=self.source, cancel=None).progress(self._progress).success(
            self._finished).failure(lambda _exc: self.reject(), shows_user_errors=False).write()

    def _progress(self, done: int, total: int, text: str) -> None:
        """Show the first report at once, then at most one every ``PROGRESS_EVERY_MS``."""
        self._latest_progress = (done, total, text)
        if not self.progress_timer.isActive():
            self._show_progress()

    def _show_progress(self) -> None:
        if self._latest_progress is None:
            return  # nothing new: the timer stays off until the next report
        self._set_progress(*self._latest_progress)
        self._latest_progress = None
        self.progress_timer.start()  # reports until it fires only replace the one to show

    def _set_progress(self, done: int, total: int, text: str) -> None:
        """The bar counts the files that have their outcome; the label says what happens now
        (the importer's words: "Checking 3 of 40: name.pdf", then "Stored 1 of 40: …")."""
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_label.setText(shown(text))

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
        self.cancel_button.setEnabled(False)
        self.progress_label.setText("Cancelling after the current file…")

    # --- page 2: summary ----------------------------------------------------------------------
    def _summary_page(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.summary_label = QLabel("")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)  # file names and titles: never markup
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        f = self.summary_label.font()
        f.setBold(True)
        self.summary_label.setFont(f)
        self.outcomes = ImportOutcomeTableModel(self)
        self.outcome_view = QTableView()
        self.outcome_view.setObjectName("outcomes")
        # The model sorts itself (one call when the outcomes arrive): a sorting proxy would ask
        # the model for two rows' values per comparison, from C++, as the import ends.
        self.outcome_view.setModel(self.outcomes)
        self.outcome_view.setSortingEnabled(True)
        self.outcome_view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.outcome_view.verticalHeader().hide()
        # Fixed widths (the user may drag them): fitting them to the contents measures every row
        # on the GUI thread. Long names are elided; the tooltip holds the full path.
        header = self.outcome_view.horizontalHeader()
        char = self.outcome_view.fontMetrics().horizontalAdvance("x")
        for column, chars in ((COL_FILE, 36), (COL_OUTCOME, 24), (COL_PAGES, 7)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, chars * char + 16)
        header.setSectionResizeMode(COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        self.outcome_view.setWordWrap(False)
        self.lookalike_label = QLabel("")
        self.lookalike_label.setTextFormat(Qt.TextFormat.PlainText)  # file names and titles: never markup
        self.lookalike_label.setObjectName("lookalikes")
        self.lookalike_label.setWordWrap(True)
        self.lookalike_label.setVisible(False)
        self.next_button = QPushButton("Next: tag and publish")
        self.next_button.setObjectName("toTagging")
        self.next_button.clicked.connect(self.show_tagging)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        row.addWidget(self.next_button)
        v.addWidget(self.summary_label)
        v.addWidget(self.outcome_view, 1)
        v.addWidget(self.lookalike_label)
        v.addLayout(row)
        return page

    def _finished(self, summary: ImportSummary) -> None:
        self.progress_timer.stop()
        if self._latest_progress is not None:  # the last report, e.g. "150 of 150"
            self._set_progress(*self._latest_progress)
            self._latest_progress = None
        self.summary = summary
        self.outcomes.set_rows(self.summary.outcomes)
        cancelled = " (cancelled: the rest were not imported)" if self.summary.cancelled else ""
        self.summary_label.setText(summary_line(self.summary) + cancelled)
        ids = list(self.summary.piece_ids)
        marketing = self.source == Source.MARKETING
        self.next_button.setVisible(marketing and bool(ids))
        if not marketing and ids:
            self.lookalike_label.setText("Sent to marketing for review. You will see what happened under "
                                         "My submissions.")
            self.lookalike_label.setVisible(True)
            self.app.runner.op(self.app.library.search.lookalikes_of, ids).success(self._show_lookalikes).failure(
                self._no_lookalikes).read()
        self.pages.setCurrentIndex(1)

    def _no_lookalikes(self, exc: BaseException) -> None:
        # The submission is stored; only the hint is missing. A bug is reported by the operation.
        self.lookalike_label.setText("Sent to marketing for review. (Similar official pieces could not be "
                                     f"looked up: {exc if isinstance(exc, UserFacingError) else 'an error'}.)")

    def _show_lookalikes(self, found: dict[int, list[PieceSummary]]) -> None:
        lines = []
        for pid, similar in found.items():
            if similar:
                lines.append("This looks like the official “" + shown(similar[0].title) + "”"
                             + (f" (owner {shown(similar[0].owner)})" if similar[0].owner else "")
                             + ". Check it first: it may already answer the buyer's question.")
        text = "Sent to marketing for review. You will see what happened under My submissions."
        self.lookalike_label.setText("\n".join(lines + [text]))

    # --- page 3: tagging ----------------------------------------------------------------------
    def _tagging_page(self) -> QWidget:
        page = QWidget()
        self.tag_pieces = PieceTableModel(self)
        self.tag_proxy = proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.tag_pieces)
        proxy.setSortRole(SortRole)
        self.tag_view = QTableView()
        self.tag_view.setObjectName("taggingTable")
        self.tag_view.setModel(proxy)
        self.tag_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tag_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tag_view.verticalHeader().hide()
        self.tag_view.setSortingEnabled(True)
        for col in range(self.tag_pieces.columnCount()):
            self.tag_view.setColumnHidden(col, col not in (COL_TITLE, COL_STAGES, COL_GATES, COL_TYPE))
        self.tag_view.horizontalHeader().setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.tag_view.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        self.tag_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.tag_editor = TagEditor(self.app.taxonomy)
        self.suggestions = SuggestionList()
        self.suggestions.setMaximumHeight(150)
        self.suggestions.itemDoubleClicked.connect(lambda item: self.tag_editor.check(*item.data(256)))
        self.selected_label = QLabel("Select pieces on the left to tag them.")
        self.selected_label.setTextFormat(Qt.TextFormat.PlainText)  # file names and titles: never markup
        self.owner_edit = QLineEdit()
        self.owner_edit.setObjectName("bulkOwner")
        self.owner_edit.setPlaceholderText("leave empty to keep each piece's owner")
        self.has_review = QCheckBox("Review by")
        self.has_review.setObjectName("bulkHasReview")
        self.review_by = QDateEdit(QDate.currentDate().addDays(self.app.library.ctx.settings.review_period_days))
        self.review_by.setObjectName("bulkReviewBy")
        self.review_by.setCalendarPopup(True)
        self.review_by.setDisplayFormat("d MMM yyyy")
        self.review_by.setEnabled(False)
        self.has_review.toggled.connect(self.review_by.setEnabled)
        review_row = QHBoxLayout()
        review_row.addWidget(self.has_review)
        review_row.addWidget(self.review_by, 1)
        meta = QFormLayout()
        meta.addRow("Owner", self.owner_edit)
        meta.addRow(review_row)
        self.apply_button = QPushButton("Apply to the selected pieces")
        self.apply_button.setObjectName("applyTags")
        self.apply_button.clicked.connect(self.apply_tags)
        self.publish_button = QPushButton("Publish selected")
        self.publish_button.setObjectName("publishSelected")
        self.publish_button.clicked.connect(self.publish_selected)
        finish = QPushButton("Done")
        finish.setObjectName("finishImport")
        finish.clicked.connect(self.accept)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.selected_label)
        rv.addWidget(self.tag_editor, 1)
        rv.addWidget(QLabel("Suggested from similar pieces (double-click to tick):"))
        rv.addWidget(self.suggestions)
        rv.addLayout(meta)
        rv.addWidget(self.apply_button)
        split = QSplitter()
        split.addWidget(self.tag_view)
        split.addWidget(right)
        split.setSizes([520, 460])
        self.publish_label = QLabel(self._rule_text())
        self.publish_label.setObjectName("publishOutcome")
        self.publish_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.publish_label, 1)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("undoInImport")
        self.undo_button.clicked.connect(self.app.undo.undo)
        self.undo_button.setVisible(False)
        self.app.undo.changed.connect(self._undo_changed)
        self.app.signals.changed.connect(self._pieces_changed)
        row.addWidget(self.undo_button)
        row.addWidget(self.publish_button)
        row.addWidget(finish)
        v = QVBoxLayout(page)
        v.addWidget(split, 1)
        v.addLayout(row)
        return page

    def show_tagging(self) -> None:
        ids = list(self.summary.piece_ids) if self.summary else []
        self.app.runner.op(self.app.library.pieces.summaries, ids).success(self._tag_pieces_loaded).read()
        self.pages.setCurrentIndex(2)

    def _tag_pieces_loaded(self, pieces) -> None:
        selected = self.selected_ids()
        self.tag_pieces.set_rows(pieces)
        self.tag_view.resizeColumnsToContents()
        if selected:
            self.select_ids(selected)

    def selected_ids(self) -> list[int]:
        rows = {self.tag_proxy.mapToSource(i).row() for i in self.tag_view.selectionModel().selectedRows()}
        return [piece.id for r in sorted(rows) if (piece := self.tag_pieces.row_at(r)) is not None]

    def select_ids(self, ids: Sequence[int]) -> None:
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        proxy = self.tag_proxy
        selection = QItemSelection()
        for pid in ids:
            row = self.tag_pieces.row_of(pid)
            if row >= 0:
                index = proxy.mapFromSource(self.tag_pieces.index(row, 0))
                selection.select(index, index)
        self.tag_view.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                              | QItemSelectionModel.SelectionFlag.Rows)

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        piece = self.tag_pieces.row_at(self.tag_pieces.row_of(ids[0])) if len(ids) == 1 else None
        if piece is not None:
            self.selected_label.setText(f"Tags of “{shown(piece.title)}”")
        else:
            self.selected_label.setText(f"{len(ids)} selected: ticked tags are added to all of them." if ids
                                        else "Select pieces on the left (Shift/Ctrl for several) to tag them.")
        if piece is not None:
            self.tag_editor.set_tags(piece.tags)
            self.app.runner.op(self.app.library.search.suggest_tags_for, ids[0]).success(
                self.suggestions.set_suggestions).failure(self.suggestions.show_failure).read()
        else:
            self.tag_editor.set_tags(())
            self.suggestions.clear()

    def acting_buttons(self) -> list[QPushButton]:
        """What writes to the library (for the action policy: waits while offline)."""
        return [self.apply_button, self.publish_button]

    def apply_tags(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        tags = self.tag_editor.selection(only_touched_facets=len(ids) > 1)
        owner = self.owner_edit.text().strip() or None
        review: date | str = as_date(self.review_by.date()) if self.has_review.isChecked() else "keep"
        # tags, owner and review date in one service call (one transaction), undoable; if someone
        # changed one of the pieces since they were shown, none is changed (the window names them)
        seen = {p.id: p.row_version for p in self.tag_pieces.rows if p.id in set(ids)}
        self.app.undo.run(f"tagging {count(len(ids), 'piece')}", ids, self.app.library.pieces.bulk_set_tags,
                          self.app.actor, ids, tags, len(ids) > 1, owner=owner, review_by=review, seen=seen,
                          on_done=lambda _count: self.show_tagging(), on_failed=self._refused)

    def _refused(self, exc: BaseException) -> None:
        """Someone changed a piece meanwhile: show the pieces as they are now (the selection stays)."""
        if isinstance(exc, EditConflict):
            self.show_tagging()

    def _rule_text(self) -> str:
        from enablement.services.permissions import PUBLISH_FIELDS

        required = [PUBLISH_FIELDS[f] for f in self.app.library.settings.get().publish_requires if f in PUBLISH_FIELDS]
        text = "Tag pieces so reps find them by the buyer's stage and question."
        return text + (f" A piece can be published once it has {listed(required)}." if required else "")

    def publish_selected(self) -> None:
        """Say what will be published and what is skipped and why, ask once, then say what happened."""
        ids = self.selected_ids() or [p.id for p in self.tag_pieces.rows]
        self.app.runner.op(self.app.library.pieces.publish_plan, ids).success(self._ask_publish).read()

    def _ask_publish(self, plan: PublishPlan) -> None:
        from ..dialogs.text_prompt import confirm

        if not plan.ready:
            box = QMessageBox(QMessageBox.Icon.Information, "Nothing to publish",
                              "Nothing can be published yet.\n\n" + publish_question(plan),
                              QMessageBox.StandardButton.Ok, self)
            box.finished.connect(box.deleteLater)
            box.open()
            self.publish_box = box
            return
        # Publishing is asked for every piece shown, as it was when asked: if someone changed one
        # between the question and the answer, nothing is published and the window names it.
        asked = (*plan.ready, *(p for p, _ in plan.skipped), *plan.already)
        ids = [p.id for p in asked]
        seen = {p.id: p.row_version for p in asked}
        self.publish_box = confirm(self, "Publish pieces", publish_question(plan),
                                   f"Publish {count(len(plan.ready), 'piece')}", lambda: self._publish(ids, seen))

    def _publish(self, ids: Sequence[int], seen: dict[int, int]) -> None:
        self.app.undo.run("publishing", ids, self.app.library.pieces.publish_many, self.app.actor, ids, seen=seen,
                          on_done=self._published, on_failed=self._refused)

    def _undo_changed(self) -> None:
        label = self.app.undo.label
        self.undo_button.setText(f"Undo {label}")
        self.undo_button.setVisible(bool(label))

    def _pieces_changed(self, changes: Changes) -> None:
        """An undo (or any edit elsewhere) of pieces shown for tagging: show them as they are now."""
        if self.pages.currentIndex() == 2 and set(changes.piece_ids) & {p.id for p in self.tag_pieces.rows}:
            self.show_tagging()

    def _published(self, plan: PublishPlan) -> None:
        text = publish_outcome(plan)
        self.publish_label.setText(text)
        self.app.signals.status_message.emit(text)
        self.show_tagging()
