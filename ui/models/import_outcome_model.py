"""Every file of an import and how it ended (a table of Qt items: see the model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPalette, QStandardItem, QStandardItemModel

from enablement.models.dto import FileOutcome
from .row_table_model import ItemIdRole, RowRole, SortRole
from ..widgets import tones
from ..text import shown, tooltip

COL_FILE, COL_OUTCOME, COL_DETAIL, COL_PAGES = range(4)
HEADERS = ("File", "Outcome", "Details", "Pages")
OutcomeRole = RowRole  # the FileOutcome
FILL_BATCH = 50  # rows made into items in one pass of the event loop (~2.5 ms)
_ORDER = {"failed": 0, "rejected": 1, "ok_no_text": 2, "duplicate": 3, "cancelled": 4, "ok": 5}


def outcome_text(o: FileOutcome) -> str:
    """How the summary says what happened to one file."""
    if o.outcome == "ok":
        return "imported"
    if o.outcome == "ok_no_text":
        return "imported, not searchable"
    if o.outcome == "duplicate":
        return f"duplicate of {o.duplicate_of}" if o.duplicate_of else "duplicate"
    if o.outcome == "failed":
        return "failed"
    if o.outcome == "rejected":
        return "rejected"
    return o.outcome


class ImportOutcomeTableModel(QStandardItemModel):
    """Every file's outcome as Qt items: the summary appears whole as an import ends, while the
    library's workers run Python (the page's refresh, the renditions), so Qt draws and sorts it
    from the items without one call into Python per cell (a table of Python rows asked ~1,100
    times for one paint of 150 outcomes, and each call waited for the interpreter lock).

    The items are made ``FILL_BATCH`` rows at a time, one batch per pass of the event loop, so
    a large import's summary never holds the window for longer than a batch. Sorted by the view
    (``sort``: ``SortRole`` holds each cell's native sort value), and kept in that order as
    rows arrive."""

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.setSortRole(SortRole)
        self._sorted_by: Optional[tuple[int, Qt.SortOrder]] = None
        self._waiting: list[FileOutcome] = []  # rows not made into items yet

    def set_rows(self, rows: Sequence[FileOutcome]) -> None:
        """Show ``rows``: the first batch at once, the rest in the next passes of the event loop."""
        self.removeRows(0, self.rowCount())
        pending = bool(self._waiting)
        self._waiting = list(rows)
        if not pending:  # else the batch already asked for takes the new rows
            self._fill()

    @property
    def filling(self) -> bool:
        """Whether rows set are still waiting to be shown."""
        return bool(self._waiting)

    def _fill(self) -> None:
        batch, self._waiting = self._waiting[:FILL_BATCH], self._waiting[FILL_BATCH:]
        palette = QGuiApplication.palette()
        for o in batch:
            self.appendRow([self._cell(o, column, palette) for column in range(len(HEADERS))])
        if self._sorted_by is not None:
            super().sort(*self._sorted_by)
        if self._waiting:
            QTimer.singleShot(0, self, self._fill)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sorted_by = (column, order)
        super().sort(column, order)

    def row_at(self, position: int) -> Optional[FileOutcome]:
        item = self.item(position, 0) if 0 <= position < self.rowCount() else None
        return item.data(OutcomeRole) if item is not None else None

    @staticmethod
    def _cell(o: FileOutcome, column: int, palette: QPalette) -> QStandardItem:
        item = QStandardItem(display(o, column))
        item.setEditable(False)
        item.setData(sort_value(o, column), SortRole)
        item.setData(tooltip(o.path if column == COL_FILE else display(o, column)), Qt.ItemDataRole.ToolTipRole)
        item.setData(o, OutcomeRole)
        item.setData(o.piece_id, ItemIdRole)
        if column == COL_OUTCOME:
            # Colours from the palette, so they read on light and dark themes alike.
            if o.outcome in ("failed", "rejected"):
                item.setForeground(tones.accent(palette, "empty"))
            elif o.outcome in ("ok_no_text", "duplicate", "cancelled"):
                item.setForeground(tones.accent(palette, "stale"))
        return item


def display(o: FileOutcome, column: int) -> str:
    if column == COL_FILE:
        return shown(Path(o.path).name)
    if column == COL_OUTCOME:
        return outcome_text(o)
    if column == COL_DETAIL:
        return shown(o.detail)
    return "" if o.pages is None else str(o.pages)


def sort_value(o: FileOutcome, column: int) -> Any:
    if column == COL_OUTCOME:
        return _ORDER.get(o.outcome, 9)
    if column == COL_PAGES:
        return o.pages or 0
    return display(o, column).casefold()
