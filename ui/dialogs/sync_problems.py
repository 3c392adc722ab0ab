"""Sync problems: what this computer sent and the team server refused (the dead letters), each
with the server's reason; nothing is dropped silently. "Try again" puts the chosen ones back
in the outbox and syncs."""

from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout,
                               QWidget)

from ..models.row_table_model import RowTableModel
from ..widgets.team_status import SyncProblem, local_time

WHAT, REASON, WHEN = range(3)
KIND_WORDS = {"usage": "A use you logged", "search": "A search", "request": "A content request"}


def what_text(problem: SyncProblem) -> str:
    what = KIND_WORDS.get(problem.kind, problem.kind.replace("_", " ").capitalize())
    return f"{what} ({problem.detail})" if problem.detail else what


class SyncProblemsModel(RowTableModel[SyncProblem]):
    headers = ("What", "Why the server refused it", "When")

    def item_id(self, row: SyncProblem) -> Any:
        return row.id

    def display(self, row: SyncProblem, column: int, position: int) -> Any:
        if column == WHAT:
            return what_text(row)
        if column == REASON:
            return row.reason
        if column == WHEN:
            return local_time(row.refused_at)
        return None

    def sort_value(self, row: SyncProblem, column: int, position: int) -> Any:
        return row.refused_at if column == WHEN else super().sort_value(row, column, position)


class SyncProblemsDialog(QDialog):
    """The refused changes; ``retry(ids)`` runs on a worker and the list is read again after."""

    def __init__(self, problems: tuple[SyncProblem, ...], retry: Optional[Callable[[list[int]], Any]],
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncProblems")
        self.setWindowTitle("Sync problems")
        self.resize(760, 360)
        self.retry_fn = retry
        intro = QLabel("<p>The team server refused these changes from this computer. They are kept here, not "
                       "lost: fix what the reason says (or ask your administrator), then try again.</p>")
        intro.setWordWrap(True)
        self.model = SyncProblemsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(WHEN, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel("Nothing was refused: everything this computer sent is on the server.")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.retry_button: QPushButton = self.buttons.addButton("Try again", QDialogButtonBox.ButtonRole.ActionRole)
        self.retry_button.setObjectName("retryButton")
        self.retry_button.clicked.connect(self.retry)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.buttons)
        self.show_problems(problems)

    def show_problems(self, problems: tuple[SyncProblem, ...]) -> None:
        self.model.set_rows(problems)
        self.table.setVisible(bool(problems))
        self.empty.setVisible(not problems)
        self.retry_button.setEnabled(bool(problems) and self.retry_fn is not None)
        if problems:
            self.table.selectAll()

    def chosen_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        return [int(self.model.item_id(self.model.rows[r.row()])) for r in rows] or \
            [int(self.model.item_id(p)) for p in self.model.rows]

    def retry(self) -> None:
        if self.retry_fn is not None:
            self.retry_button.setEnabled(False)
            self.retry_fn(self.chosen_ids())
