"""Pick a piece by searching the library (fulfil a request, add to a kit)."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from enablement.display import count
from enablement.models.dto import PieceSummary
from enablement.services.permissions import Permission
from ..context import AppContext
from ..widgets.piece_table import PieceTableView

DEBOUNCE_MS = 150


class PiecePickerDialog(QDialog):
    """Search as you type (on the read pool, stale results dropped); OK returns the chosen
    pieces through ``selected_pieces()``."""

    needs: Optional[Permission] = None  # what its OK needs (the caller says; ui.actions)

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None, title: str = "Choose a piece",
                 prompt: str = "", text: str = "", multi: bool = False, ok_label: str = "Choose") -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowTitle(title)
        self.resize(760, 480)
        self._seq = 0
        self.search_edit = QLineEdit(text)
        self.search_edit.setPlaceholderText("Search titles, text and tags…")
        self.search_edit.setClearButtonEnabled(True)
        self.results = PieceTableView(self)
        if multi:
            self.results.setSelectionMode(PieceTableView.SelectionMode.ExtendedSelection)
        else:
            self.results.setSelectionMode(PieceTableView.SelectionMode.SingleSelection)
        self.count_label = QLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_label)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.results.selectionModel().selectionChanged.connect(
            lambda *_: self.ok_button.setEnabled(bool(self.results.selected_pieces())))
        self.results.piece_opened.connect(lambda _pid: self.accept())
        self.debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.debounce.timeout.connect(self.run_search)
        self.search_edit.textChanged.connect(lambda _t: self.debounce.start())
        layout = QVBoxLayout(self)
        if prompt:
            label = QLabel(prompt)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)
        self.run_search()

    def run_search(self) -> None:
        self.debounce.stop()
        self._seq += 1
        seq = self._seq
        self.app.runner.op(self.app.library.search.search, self.app.actor, self.search_edit.text(), limit=100).success(
            lambda out: self._shown(seq, out)).failure(self._failed).read()

    def _shown(self, seq: int, outcome) -> None:
        if seq != self._seq:
            return
        self.results.table_model.set_rows(outcome.pieces)
        total = outcome.results.total
        self.count_label.setText(f"{count(total, 'piece')} found"
                                 + (f", showing the first {len(outcome.pieces)}" if total > len(outcome.pieces) else ""))
        if len(outcome.pieces) == 1:
            self.results.selectRow(0)

    def _failed(self, exc: BaseException) -> None:
        """Said under the search box; a bug is also reported by the operation."""
        self.count_label.setText(f"Search failed: {exc}")

    def selected_pieces(self) -> list[PieceSummary]:
        return self.results.selected_pieces()
