"""The shelves in the library's sidebar: Favourites, Recent, the person's saved searches and
the recommended ones, under headings. A thin adapter over ``ShelfEntry`` rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont

from enablement.display import count
from enablement.models.shelves import SavedSearchInfo
from .row_table_model import FIRST_CUSTOM_ROLE, Index, RowTableModel
from ..text import shown, tooltip

HEADING, FAVOURITES, RECENT, SAVED, RECOMMENDED, NOTE = "heading", "favourites", "recent", "saved", "recommended", "note"
SHELF_KINDS = (FAVOURITES, RECENT)
EntryKindRole = FIRST_CUSTOM_ROLE  # one of the kinds above
SearchRole = FIRST_CUSTOM_ROLE + 1  # the SavedSearchInfo of a search row (None otherwise)


@dataclass(frozen=True)
class ShelfEntry:
    """One row of the sidebar: a heading, a shelf of pieces, a search, or a note under a heading."""

    kind: str
    label: str
    search: Optional[SavedSearchInfo] = None
    count: Optional[int] = None  # pieces on the shelf, or found by the search now (None: not known yet)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.search.id if self.search else self.label}"


def shelf_entries(searches: Sequence[SavedSearchInfo], favourites: Optional[int], recent: Optional[int],
                  counts: dict[int, int]) -> list[ShelfEntry]:
    """The sidebar's rows: the two shelves, then "Saved searches" and "Recommended"."""
    rows = [ShelfEntry(FAVOURITES, "Favourites", count=favourites), ShelfEntry(RECENT, "Recently opened", count=recent),
            ShelfEntry(HEADING, "Saved searches")]
    own = [s for s in searches if not s.recommended]
    rows += [ShelfEntry(SAVED, s.name, s, counts.get(s.id)) for s in own] or [
        ShelfEntry(NOTE, "None yet: search, then “Save search…”")]
    shared = [s for s in searches if s.recommended]
    if shared:
        rows.append(ShelfEntry(HEADING, "Recommended by marketing"))
        rows += [ShelfEntry(RECOMMENDED, s.name, s, counts.get(s.id)) for s in shared]
    return rows


class ShelfListModel(RowTableModel[ShelfEntry]):
    headers = ("Shelf",)

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._heading_font = QFont()
        self._heading_font.setBold(True)
        self._note_font = QFont()
        self._note_font.setItalic(True)

    def display(self, row: ShelfEntry, column: int, position: int) -> Any:
        mark = {FAVOURITES: "★  ", RECENT: "◷  ", SAVED: "⌕  ", RECOMMENDED: "⚑  "}.get(row.kind, "")
        counted = f"  ({row.count})" if row.count is not None and row.kind != HEADING else ""
        return f"{mark}{shown(row.label)}{counted}"

    def flags(self, index: Index) -> Qt.ItemFlag:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return Qt.ItemFlag.NoItemFlags
        if row.kind in (HEADING, NOTE):
            return Qt.ItemFlag.ItemNeverHasChildren  # shown, never chosen: the keyboard skips them
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def role_data(self, row: ShelfEntry, column: int, role: int) -> Any:
        if role == EntryKindRole:
            return row.kind
        if role == SearchRole:
            return row.search
        if role == Qt.ItemDataRole.FontRole:
            return self._heading_font if row.kind == HEADING else self._note_font if row.kind == NOTE else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(self._tip(row)) if row.kind not in (HEADING, NOTE) else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.display(row, column, 0).lstrip("★◷⌕⚑ ")
        return None

    @staticmethod
    def _tip(row: ShelfEntry) -> str:
        if row.kind == FAVOURITES:
            return "The pieces you starred (Ctrl+D on a result or in a piece stars it)"
        if row.kind == RECENT:
            return "The pieces you opened, previewed or sent lately"
        search = row.search
        assert search is not None
        lines = [search.describe()]
        if row.count is not None:
            lines.append(f"Finds {count(row.count, 'piece')} now")
        if search.recommended:
            lines.append(f"Recommended by {search.owner or 'marketing'}" + (f" for {search.target}" if search.target else ""))
        return "\n".join(lines)
