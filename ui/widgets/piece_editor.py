"""Marketing's editor for one piece: metadata, tags, and tag suggestions with their reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget)

from enablement.errors import UserFacingError
from enablement.models.dto import PieceDetail, TagSelection, TaxonomyInfo
from enablement.services.library import Library
from .dates import as_date, optional_date
from .tag_editor import TagEditor

DIMENSION_LABELS = {"stage": "Stage", "gate": "Gate", "persona": "Persona", "industry": "Industry",
                    "content_type": "Type", "product": "Product", "language": "Language"}


class SuggestionList(QListWidget):
    """Suggested tags, each with why; double-click (or 'Apply') ticks it in the editor."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("suggestions")
        self.setWordWrap(True)

    def set_suggestions(self, suggestions) -> None:
        self.clear()
        for s in suggestions:
            item = QListWidgetItem(f"{DIMENSION_LABELS.get(s.dimension, s.dimension)}: {s.label}\n   {s.reason}")
            item.setData(256, (s.dimension, s.id))
            item.setToolTip(s.reason)
            self.addItem(item)
        if not suggestions:
            self.addItem(QListWidgetItem("No suggestions yet: tag a few similar pieces first."))

    def show_failure(self, exc: BaseException) -> None:
        """Suggestions are a help, not a step: say why there are none (a bug is reported elsewhere)."""
        self.clear()
        why = str(exc) if isinstance(exc, UserFacingError) else "an unexpected error (reported)"
        self.addItem(QListWidgetItem(f"No suggestions: {why}"))

    def keys(self) -> list[tuple[str, int]]:
        return [self.item(i).data(256) for i in range(self.count()) if self.item(i).data(256)]


@dataclass(frozen=True)
class EditorState:
    """Everything the fields hold (to tell an edit from what was loaded, and to put a refused
    edit back over the reloaded piece)."""

    title: str
    description: str
    owner: str
    review_by: Optional[QDate]
    expires_on: Optional[QDate]
    tags: frozenset[tuple[str, int]]


class PieceEditor(QWidget):
    save_requested = Signal(dict, object)  # metadata kwargs, TagSelection

    def __init__(self, taxonomy: TaxonomyInfo, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("pieceEditor")
        self.seen: Optional[int] = None  # the piece's version the fields were filled from
        self._loaded: Optional[EditorState] = None
        # an edit that was not saved, and the piece as it was loaded then: "Put my changes back"
        self._refused: Optional[tuple[EditorState, EditorState]] = None
        self.conflict = QLabel("")
        self.conflict.setObjectName("conflictNote")
        self.conflict.setWordWrap(True)
        self.conflict.setTextFormat(Qt.TextFormat.PlainText)  # names and titles are data, never markup
        self.conflict.setStyleSheet("background: palette(highlight); color: palette(highlighted-text); padding: 6px;")
        self.conflict.hide()
        self.reapply = QPushButton("Put my changes back")
        self.reapply.setObjectName("reapplyEdits")
        self.reapply.setToolTip("Fill in what you tried to save, over the reloaded piece; then check and save")
        self.reapply.clicked.connect(self.put_refused_back)
        self.reapply.hide()
        self.title = QLineEdit()
        self.title.setObjectName("editTitle")
        self.title_source = QLabel("")
        self.title_source.setObjectName("titleSource")
        self.title_source.setWordWrap(True)
        self.title_source.setEnabled(False)  # drawn as a quiet note under the title
        self.description = QPlainTextEdit()
        self.description.setObjectName("editDescription")
        self.description.setMaximumHeight(80)
        self.owner = QLineEdit()
        self.owner.setObjectName("editOwner")
        self.has_review, self.review_by = optional_date("Review by")
        self.has_expiry, self.expires_on = optional_date("Expires on", "editExpiresOn")
        self.has_expiry.setObjectName("editHasExpiry")
        self.has_expiry.setToolTip("On this date the piece is archived (or flagged, as the library's rules say)")
        review_row = QHBoxLayout()
        review_row.addWidget(self.has_review)
        review_row.addWidget(self.review_by)
        review_row.addSpacing(16)
        review_row.addWidget(self.has_expiry)
        review_row.addWidget(self.expires_on)
        review_row.addStretch(1)
        self.tags = TagEditor(taxonomy)
        self.tags.setMinimumHeight(200)
        self.suggestions = SuggestionList()
        self.suggestions.setMaximumHeight(120)
        self.suggestions.itemDoubleClicked.connect(self._apply_item)
        apply_all = QPushButton("Apply all suggestions")
        apply_all.setObjectName("applySuggestions")
        apply_all.clicked.connect(self.apply_all_suggestions)
        self.save_button = QPushButton("Save changes")
        self.save_button.setObjectName("saveEdits")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("", self.title_source)
        form.addRow("Description", self.description)
        form.addRow("Owner", self.owner)
        form.addRow("", review_row)
        v = QVBoxLayout(self)
        conflict_row = QHBoxLayout()
        conflict_row.addWidget(self.conflict, 1)
        conflict_row.addWidget(self.reapply, 0, Qt.AlignmentFlag.AlignTop)
        v.addLayout(conflict_row)
        v.addLayout(form)
        v.addWidget(QLabel("Tags"))
        v.addWidget(self.tags, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Suggested tags (double-click to apply):"), 1)
        row.addWidget(apply_all)
        v.addLayout(row)
        v.addWidget(self.suggestions)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        v.addLayout(save_row)

    def show_detail(self, detail: PieceDetail) -> None:
        s = detail.summary
        self.title.setText(s.title)
        self.description.setPlainText(detail.description)
        self.owner.setText(s.owner)
        self.has_review.setChecked(s.review_by is not None)
        self.review_by.setEnabled(s.review_by is not None)
        self.review_by.setDate(QDate(s.review_by) if s.review_by else QDate.currentDate().addMonths(6))
        self.has_expiry.setChecked(s.expires_on is not None)
        self.expires_on.setEnabled(s.expires_on is not None)
        self.expires_on.setDate(QDate(s.expires_on) if s.expires_on else QDate.currentDate().addMonths(3))
        self.tags.set_tags(s.tags)
        self.show_title_source(detail.title_source)
        self.seen = s.row_version or None
        self._loaded = self.state()

    def state(self) -> EditorState:
        return EditorState(self.title.text(), self.description.toPlainText(), self.owner.text(),
                           self.review_by.date() if self.has_review.isChecked() else None,
                           self.expires_on.date() if self.has_expiry.isChecked() else None,
                           frozenset(self.tags.checked()))

    def is_edited(self) -> bool:
        """Whether the fields differ from the piece as it was loaded."""
        return self._loaded is not None and self.state() != self._loaded

    def show_refused(self, message: str, attempted: EditorState) -> None:
        """Say why the save was refused; the fields then show the reloaded piece and
        "Put my changes back" applies again what the user changed (``attempted`` against the
        piece as it was loaded), field by field and tag by tag, leaving the rest as it is now."""
        self._refused = (attempted, self._loaded or attempted)
        self.conflict.setText(message + " The piece below is as it is now.")
        self.conflict.show()
        self.reapply.show()

    def put_refused_back(self) -> None:
        if self._refused is None:
            return
        mine, base = self._refused
        if mine.title != base.title:
            self.title.setText(mine.title)
        if mine.description != base.description:
            self.description.setPlainText(mine.description)
        if mine.owner != base.owner:
            self.owner.setText(mine.owner)
        for box, edit, value, was in ((self.has_review, self.review_by, mine.review_by, base.review_by),
                                      (self.has_expiry, self.expires_on, mine.expires_on, base.expires_on)):
            if value != was:
                box.setChecked(value is not None)
                if value is not None:
                    edit.setDate(value)
        for dimension, tid in mine.tags - base.tags:
            self.tags.check(dimension, tid)
        for dimension, tid in base.tags - mine.tags:
            self.tags.check(dimension, tid, on=False)
        self._refused = None
        self.reapply.hide()
        self.conflict.setText("Your changes are back in the fields, over the piece as it is now: "
                              "check them, then save again.")

    def saved(self, version: int, state: EditorState) -> None:
        """The save of ``state`` went through, leaving the piece at ``version``: the next save
        carries that (the reload that follows refills the fields if they are still ``state``)."""
        self.seen = version
        self._loaded = state
        self._refused = None
        self.conflict.hide()
        self.reapply.hide()

    def show_title_source(self, source: str) -> None:
        """Where the title came from: the file's own title, its name (and why), or set by hand."""
        self.title_source.setText(f"Title from {source}." if source else "")

    def _apply_item(self, item: QListWidgetItem) -> None:
        key = item.data(256)
        if key:
            self.tags.check(*key)

    def apply_all_suggestions(self) -> None:
        for key in self.suggestions.keys():
            self.tags.check(*key)

    def _save(self) -> None:
        metadata = dict(title=self.title.text(), description=self.description.toPlainText(),
                        owner=self.owner.text(),
                        review_by=as_date(self.review_by.date()) if self.has_review.isChecked() else None,
                        expires_on=as_date(self.expires_on.date()) if self.has_expiry.isChecked() else None)
        self.save_requested.emit(metadata, self.tags.selection())
