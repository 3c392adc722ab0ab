"""The library page's shelves: the sidebar list (Favourites, Recently opened, saved and
recommended searches), what choosing each does, and the star on pieces.

The page stays in charge of the results: a search row hands it a query, filters and sort to
run (``LibraryPage.apply_search``); a shelf hands it the pieces to show
(``LibraryPage.show_shelf_rows``). Every read and write runs on the task runner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

from PySide6.QtCore import QObject

from enablement.display import count
from enablement.models.changes import Changes
from enablement.models.dto import Actor, PieceSummary
from enablement.models.shelves import FavouriteInfo, RecentInfo, SavedSearchInfo, describe_search
from enablement.services.library import Library
from enablement.services.permissions import Permission
from ..dialogs.save_search_dialog import SaveSearchDialog, SearchChoice
from ..dialogs.text_prompt import ask_text, confirm
from ..context import AppContext
from ..models.shelf_list_model import FAVOURITES, RECENT, shelf_entries
from ..widgets.shelves_panel import ShelvesPanel

if TYPE_CHECKING:
    from .library_page import LibraryPage

FAVOURITE_KEYS = "Ctrl+D"  # star or unstar the current piece (as browsers bookmark a page)
SAVE_SEARCH_KEYS = "Ctrl+S"  # save the search shown now


def load_shelves(library: Library, actor: Actor) -> tuple[list[SavedSearchInfo], frozenset[int], int]:
    """Worker: the person's searches (their own and the recommended ones), favourite ids, and
    how many pieces the Recent shelf holds."""
    shelves = library.shelves
    return shelves.searches(actor), shelves.favourite_ids(actor), len(shelves.recent(actor))


def count_searches(library: Library, actor: Actor, searches: list[SavedSearchInfo]) -> dict[int, int]:
    """Worker: how many pieces each search finds now (the live count beside its name)."""
    out = {}
    for search in searches:
        found = library.shelves.count(actor, search)
        if found is not None:
            out[search.id] = found
    return out


def load_shelf(library: Library, actor: Actor, kind: str) -> list[FavouriteInfo] | list[RecentInfo]:
    """Worker: the favourites or the recently opened pieces."""
    return library.shelves.favourites(actor) if kind == FAVOURITES else library.shelves.recent(actor)


class LibraryShelves(QObject):
    def __init__(self, app: AppContext, page: "LibraryPage") -> None:
        super().__init__(page)
        self.app = app
        self.page = page
        self.searches: list[SavedSearchInfo] = []
        self.favourites: frozenset[int] = frozenset()
        self.recent_count: Optional[int] = None
        self.counts: dict[int, int] = {}
        self.shelf: Optional[str] = None  # the shelf whose pieces the results show now
        self.loaded = False
        self.dialog: Optional[SaveSearchDialog] = None
        self.panel = ShelvesPanel(self.may_edit, self.may_recommend)
        self.panel.shelf_chosen.connect(self.show_shelf)
        self.panel.search_chosen.connect(self.run_search)
        self.panel.save_requested.connect(self.save_current)
        self.panel.rename_requested.connect(self.rename)
        self.panel.delete_requested.connect(self.delete)
        self.panel.recommend_requested.connect(self.recommend)

    def may_recommend(self) -> bool:
        """Marketing and admins, with the team server (recommended searches are written there)."""
        return self.app.actions.allowed(Permission.RECOMMEND_SEARCHES)

    def may_edit(self, search: SavedSearchInfo) -> bool:
        """The one policy: one's own search (offline too), or a recommended one (``may_recommend``)."""
        if search.recommended:
            return self.may_recommend()
        return search.owner_id == self.app.actor.user_id

    # --- loading -------------------------------------------------------------------------------
    def reload(self, recount: bool = True) -> None:
        """Read the shelves again; ``recount``: the searches' live counts too (not after a use:
        a use changes no search's matches, and each count is a search)."""
        self.loaded = True
        self.app.runner.op(load_shelves, self.app.library, self.app.actor).success(
            lambda result: self._loaded(result, recount)).read()

    def _loaded(self, result: tuple[list[SavedSearchInfo], frozenset[int], int], recount: bool) -> None:
        self.searches, self.favourites, self.recent_count = result
        self.page.model.set_favourites(self.favourites)
        self._show_entries()
        if recount:
            self.app.runner.op(count_searches, self.app.library, self.app.actor, list(self.searches)).success(
                self._counted).quiet("the live counts beside saved searches").read()

    def _counted(self, counts: dict[int, int]) -> None:
        self.counts = counts
        self._show_entries()

    def _show_entries(self) -> None:
        self.panel.set_entries(shelf_entries(self.searches, len(self.favourites), self.recent_count, self.counts))

    def apply_changes(self, changes: Changes) -> None:
        """Shelves follow their own changes, and pieces and uses (counts, titles, Recent)."""
        if not self.loaded:
            return
        recount = changes.shelves or changes.pieces or changes.index or changes.taxonomy
        if recount or changes.usage:
            self.reload(recount=bool(recount))
            if self.shelf is not None:
                self.show_shelf(self.shelf)

    # --- shelves of pieces ---------------------------------------------------------------------
    def show_shelf(self, kind: str) -> None:
        """Show the favourites or the recently opened pieces in the results."""
        self.shelf = kind
        self.panel.view.setCurrentIndex(self.panel.model.index(self.panel.row_of_kind(kind), 0))
        self.app.runner.op(load_shelf, self.app.library, self.app.actor, kind).success(
            lambda rows: self._shelf_loaded(kind, rows)).read()

    def _shelf_loaded(self, kind: str, rows: list) -> None:
        if self.shelf != kind:
            return  # the person moved on meanwhile
        pieces: list[PieceSummary] = []
        notes: dict[int, str] = {}
        gone: list[str] = []
        if kind == FAVOURITES:
            for fav in rows:
                if fav.piece is None or fav.piece.status == "purged":
                    gone.append(fav.title)
                    continue
                pieces.append(fav.piece)
                if fav.note:
                    notes[fav.piece_id] = (f"Archived: kept on your shelf, but no longer offered in the library. "
                                           "Ask marketing whether it has a successor.")
            summary = f"Favourites: {count(len(rows), 'piece')}"
            archived = len(notes)
            if archived:
                summary += f" ({archived} archived)"
            if gone:
                summary += f"; no longer in the library: {', '.join('“' + t + '”' for t in gone[:3])}"
            empty = "No favourites yet. Star a piece with Ctrl+D, or “Add to favourites” in its menu."
        else:
            for recent in rows:
                pieces.append(recent.piece)
                notes[recent.piece.id] = f"You {recent.kind.replace('_', ' ')} it {recent.at:%d %b %Y, %H:%M} (UTC)"
            summary = f"Recently opened: {count(len(rows), 'piece')}"
            empty = "Nothing opened yet. Pieces you open, preview or send show here."
        self.page.show_shelf_rows(pieces, notes, summary, empty)

    def left_shelf(self) -> None:
        """The results show a search again (the person typed or filtered)."""
        if self.shelf is not None:
            self.shelf = None
            self.panel.view.clearSelection()
            self.panel.view.setCurrentIndex(self.panel.model.index(-1, 0))

    # --- searches --------------------------------------------------------------------------------
    def run_search(self, search: SavedSearchInfo) -> None:
        """Run a saved search: its query, filters and sort come back as they were saved."""
        self.page.apply_search(search.query, search.filter_map(), search.sort)
        row = self.panel.row_of_kind("recommended" if search.recommended else "saved", search.id)
        self.panel.view.setCurrentIndex(self.panel.model.index(row, 0))

    def save_current(self) -> None:
        """Ask for a name and save the search shown now (query, filters, sort)."""
        text, filters, sort = self.page.current_search()
        self._open(SaveSearchDialog(self.page, self.app.taxonomy, describe_search(text, filters, sort), self.searches,
                                    self.may_recommend()),
                   lambda v: self.app.runner.op(self.app.library.shelves.save, self.app.actor, v.name, text,
                                                filters, sort, recommended=v.recommended, stage_id=v.stage_id,
                                                gate_id=v.gate_id, replace=v.replace).success(self._saved).write())

    def _saved(self, _search_id: int) -> None:
        self.app.signals.status_message.emit("Search saved: one click in the sidebar runs it again.")

    def recommend(self, search: SavedSearchInfo) -> None:
        """Marketing: share a search with everyone (for a stage and/or gate), or stop."""
        self._open(SaveSearchDialog(self.page, self.app.taxonomy, search.describe(), self.searches, True, search),
                   lambda v: self.app.runner.op(self.app.library.shelves.recommend, self.app.actor, search.id,
                                                v.recommended, v.stage_id, v.gate_id).write())

    def _open(self, dialog: SaveSearchDialog, on_ok: Callable[[SearchChoice], object]) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.accepted.connect(lambda: on_ok(dialog.values()))
        dialog.open()

    def rename(self, search: SavedSearchInfo) -> None:
        def renamed(name: str) -> None:
            self.app.runner.op(self.app.library.shelves.rename, self.app.actor, search.id, name).write()
        ask_text(self.page, "Rename saved search", "New name:", renamed, text=search.name, ok_label="Rename")

    def delete(self, search: SavedSearchInfo) -> None:
        def deleted() -> None:
            self.app.runner.op(self.app.library.shelves.delete, self.app.actor, search.id).write()
        whose = "everyone's sidebar" if search.recommended else "your sidebar"
        confirm(self.page, "Delete saved search", f"Delete “{search.name}” from {whose}? The pieces it finds stay.",
                "Delete", deleted)

    # --- favourites ------------------------------------------------------------------------------
    def toggle_favourite(self, piece_id: Optional[int]) -> None:
        """Star the piece, or unstar it when it is a favourite already."""
        if piece_id is None:
            return
        on = piece_id not in self.favourites
        self.app.runner.op(self.app.library.shelves.set_favourite, self.app.actor, piece_id, on).success(
            lambda now: self.app.signals.status_message.emit(
                "Added to your favourites." if now else "Removed from your favourites.")).write()
