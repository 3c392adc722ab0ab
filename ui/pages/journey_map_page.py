"""Journey map: the buyer's stages as columns, their gates as cards.

For a rep it answers "what do I send at this gate?": pick the buyer's question, see the
pieces that answer it, most used first. For marketing it is the content plan: empty and
stale cards are the work to do, and any card files a request pre-filled with its gate.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QSplitter,
                               QStackedWidget, QVBoxLayout, QWidget)

from enablement.models.changes import Changes
from enablement.models.dto import Actor
from enablement.services.permissions import Permission
from enablement.models.journey import CellPieces, JourneyCell, JourneyMap
from enablement.models.shelves import SavedSearchInfo
from enablement.services.journey import cell_pieces, journey_map
from ..context import AppContext
from .lazy_page import LazyPage
from ..dialogs.request_dialog import RequestDialog
from ..dialogs.save_search_dialog import SaveSearchDialog, SearchChoice
from ..widgets import tones
from ..widgets.journey_grid import CARD_HEIGHT, JourneyGridView
from ..widgets.page_header import PageHeader
from ..widgets.piece_table import PieceTableView
from ..text import shown, tooltip

WINDOWS = ((30, "Last 30 days"), (90, "Last 90 days"), (180, "Last 180 days"), (365, "Last year"))
REP_SUBTITLE = ("What do I send at this gate? Pick the buyer's question to see the pieces that answer it, "
                "most used by your team first.")
CHOOSE_TITLE = "Choose a buyer question above"
CHOOSE_HINT = "Click a card to see the pieces that answer it; double-click a piece to open it."
DETAIL_MIN_HEIGHT = 200  # the title row, the table header and a few pieces
QWIDGETSIZE_MAX = (1 << 24) - 1
PLAN_SUBTITLE = ("The content plan: how well each buyer question is covered. Dashed red cards have no content, "
                 "amber ones are stale. Right-click any card to request content for it.")


class JourneyMapPage(LazyPage):
    title = "Journey map"

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.journey: Optional[JourneyMap] = None
        self.selected: Optional[JourneyCell] = None
        self.request_dialog: Optional[RequestDialog] = None
        self.recommend_dialog: Optional[SaveSearchDialog] = None
        self._seq = 0
        self._cell_seq = 0

        self.header = PageHeader(self.title, "")
        self.persona_combo = QComboBox()
        self.industry_combo = QComboBox()
        self.window_combo = QComboBox()
        for days, label in WINDOWS:
            self.window_combo.addItem(label, days)
        self.window_combo.setCurrentIndex(1)
        for combo, tip in ((self.persona_combo, "Only pieces for this persona"),
                           (self.industry_combo, "Only pieces for this industry"),
                           (self.window_combo, "Which uses count as recent")):
            combo.setToolTip(tip)
            combo.currentIndexChanged.connect(self.reload)
            self.header.controls.addWidget(combo)
        self.summary_label = QLabel()
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)

        self.grid = JourneyGridView(self)
        self.grid.cell_selected.connect(self.show_cell)
        self.grid.cell_activated.connect(self.show_cell)
        self.grid.request_wanted.connect(self.request_for_cell)

        # The panel under the grid: one line until a card is chosen, then the gate and its
        # pieces (or the empty state); the grid keeps most of the height either way.
        self.cell_title = QLabel(CHOOSE_TITLE)
        font = QFont(self.cell_title.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.cell_title.setFont(font)
        self.cell_title.setWordWrap(True)
        self.cell_context = QLabel(CHOOSE_HINT)
        self.cell_context.setWordWrap(True)
        self.request_button = QPushButton("Request content for this gate…")
        self.request_button.clicked.connect(lambda: self.request_for_cell(self.selected))
        self.request_button.setEnabled(False)
        self.open_button = QPushButton("Open piece")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_selected)

        self.pieces = PieceTableView(self, uses_label="Uses (90 d)")
        self.pieces.piece_opened.connect(self.app.signals.open_piece.emit)
        self.pieces.selectionModel().selectionChanged.connect(
            lambda *_: self.open_button.setEnabled(self.pieces.selected_piece() is not None))
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_request = QPushButton("Request it")
        self.empty_request.clicked.connect(lambda: self.request_for_cell(self.selected))
        self.empty_state = empty = QWidget()
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_label)
        empty_layout.addWidget(self.empty_request, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(1)
        self.detail_stack = QStackedWidget()
        self.detail_stack.addWidget(self.pieces)
        self.detail_stack.addWidget(empty)
        self.detail_stack.hide()

        title_row = QHBoxLayout()
        title_row.addWidget(self.cell_title, 1)
        title_row.addWidget(self.open_button)
        title_row.addWidget(self.request_button)
        self.detail = QFrame()
        self.detail.setFrameShape(QFrame.Shape.StyledPanel)
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.addLayout(title_row)
        detail_layout.addWidget(self.cell_context)
        self.recommended_box = QWidget()  # marketing's recommended searches for the chosen card
        self.recommended_row = QHBoxLayout(self.recommended_box)
        self.recommended_row.setContentsMargins(0, 0, 0, 0)
        self.recommended_box.hide()
        detail_layout.addWidget(self.recommended_box)
        detail_layout.addWidget(self.detail_stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)  # a taller window grows the grid
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self._show_detail(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.splitter, 1)
        self.on_actor_changed(app.actor)

    # --- page contract ---------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        if changes.shelves and self.selected is not None:
            self._load_recommended(self.selected)
        if changes.pieces or changes.taxonomy or changes.usage:
            if changes.taxonomy:
                self._fill_filters()
            self.mark_stale()

    def on_actor_changed(self, actor: Actor) -> None:
        # Who sees the coverage reports plans content; everyone else is looking for what to send.
        self.header.set_subtitle(PLAN_SUBTITLE if self.app.can(Permission.VIEW_REPORTS) else REP_SUBTITLE)
        self._fill_filters()

    # --- loading ---------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        taxonomy = self.app.taxonomy  # a snapshot read off the GUI thread
        if taxonomy is None:
            return  # not read yet: its arrival is announced as a taxonomy change
        for combo, facet, blank in ((self.persona_combo, "persona", "All personas"),
                                    (self.industry_combo, "industry", "All industries")):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(blank, None)
            for value in taxonomy.facets.get(facet, ()):
                if not value.retired:
                    combo.addItem(value.label, value.id)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    def filters(self) -> tuple[int, ...]:
        return tuple(v for v in (self.persona_combo.currentData(), self.industry_combo.currentData()) if v)

    def reload(self) -> None:
        self._dirty = False
        self._seq += 1
        seq = self._seq
        self.app.runner.op(journey_map, self.app.library, window_days=self.window_combo.currentData(),
                           facet_value_ids=self.filters()).success(lambda result: self._loaded(seq, result)).read()

    def _loaded(self, seq: int, journey: JourneyMap) -> None:
        if seq != self._seq:
            return  # a newer load is on its way
        self.journey = journey
        self.grid.set_map(journey)
        self.grid.setMinimumHeight(min(self.grid.minimum_grid_height(), 3 * CARD_HEIGHT + 40))
        self._show_summary(journey)
        if self.selected is not None:
            cell = journey.cell(self.selected.stage_id, self.selected.gate_id)
            if cell is not None:
                self.show_cell(cell)

    def _show_summary(self, journey: JourneyMap) -> None:
        gates = journey.gate_cells
        covered = sum(1 for c in gates if not c.empty)
        empty = len(gates) - covered
        stale = sum(1 for c in journey.cells if c.stale)
        unused = sum(1 for c in journey.cells if c.unused)
        palette = self.palette()
        red = tones.accent(palette, "empty").name()
        amber = tones.accent(palette, "stale").name()
        parts = [f"<b>{covered} of {len(gates)}</b> buyer questions have content ({journey.coverage:.0%})"]
        parts.append(f"<span style='color:{red}'><b>{empty}</b> with none</span>" if empty else "every gate covered")
        if stale:
            parts.append(f"<span style='color:{amber}'><b>{stale}</b> stale</span>")
        if unused:
            parts.append(f"{unused} not used in {journey.window_days} days")
        self.summary_label.setText(" · ".join(parts))

    # --- the chosen cell -------------------------------------------------------------------
    def show_cell(self, cell: JourneyCell) -> None:
        self.selected = cell
        stage = next((s for s in self.journey.stages if s.id == cell.stage_id), None) if self.journey else None
        self.cell_title.setText(cell.question)
        context = [stage.name if stage else ""]
        if cell.exit_criteria:
            context.append(f"Exit criteria: {cell.exit_criteria}")
        self.cell_context.setText(" — ".join(c for c in context if c))
        self.request_button.setEnabled(True)
        self._load_recommended(cell)
        if cell.empty:
            self.empty_label.setText(f"Nothing in the library answers “{cell.question}” yet.\n"
                                     "Ask marketing for it: the request carries this stage and gate.")
            self.detail_stack.setCurrentIndex(1)
            self.pieces.table_model.set_rows([])
            self.open_button.setEnabled(False)
            self._show_detail(True)
            return
        self._cell_seq += 1
        seq = self._cell_seq
        self.app.runner.op(cell_pieces, self.app.library, cell.stage_id, cell.gate_id,
                           window_days=self.window_combo.currentData(), facet_value_ids=self.filters()).success(
            lambda result: self._cell_loaded(seq, result)).read()

    def _load_recommended(self, cell: JourneyCell) -> None:
        self.app.runner.op(self.app.library.shelves.recommended, cell.stage_id, cell.gate_id).success(
            lambda found: self._show_recommended(cell, found)).quiet("the recommended searches of a card").read()

    def _show_recommended(self, cell: JourneyCell, found: list[SavedSearchInfo]) -> None:
        """One button per recommended search for the card: it opens the library with its results."""
        if cell is not self.selected:
            return
        while self.recommended_row.count():
            item = self.recommended_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        may_recommend = self.app.actions.allowed(Permission.RECOMMEND_SEARCHES)
        if not found and not may_recommend:
            self.recommended_box.hide()
            return
        self.recommended_row.addWidget(QLabel("Recommended searches:" if found else "No recommended searches yet."))
        for search in found:
            button = QPushButton(f"⌕ {shown(search.name)}")
            button.setObjectName(f"recommended:{search.id}")
            button.setToolTip(tooltip(f"{search.describe()}\nRecommended by {search.owner or 'marketing'}"
                                      " — opens the library with its results"))
            button.clicked.connect(lambda _c=False, s=search: self.app.signals.run_saved_search.emit(s))
            self.recommended_row.addWidget(button)
        if may_recommend:
            add = QPushButton("Recommend a search here…")
            add.setObjectName("recommendHere")
            add.setToolTip("Marketing: a search every rep sees on this card and in their sidebar")
            add.clicked.connect(lambda: self.recommend_here(cell))
            self.recommended_row.addWidget(add)
        self.recommended_row.addStretch(1)
        self.recommended_box.show()

    def recommend_here(self, cell: JourneyCell) -> None:
        """Marketing: name and type a search recommended for this stage and gate."""
        dialog = SaveSearchDialog(self, self.app.taxonomy, "", [], True, typed_query=True)
        dialog.recommend.setChecked(True)
        dialog.picker.set(cell.stage_id, cell.gate_id)
        dialog.accepted.connect(lambda: self._recommend(dialog.values()))
        dialog.finished.connect(dialog.deleteLater)
        self.recommend_dialog = dialog
        dialog.open()

    def _recommend(self, choice: SearchChoice) -> None:
        self.app.runner.op(self.app.library.shelves.save, self.app.actor, choice.name, choice.query or "", {},
                           "relevance", recommended=choice.recommended, stage_id=choice.stage_id,
                           gate_id=choice.gate_id).write()

    def _cell_loaded(self, seq: int, result: CellPieces) -> None:
        if seq != self._cell_seq:
            return
        days = self.window_combo.currentData()
        self.pieces.table_model.uses_label = f"Uses ({days} d)"
        self.pieces.table_model.set_rows(result.pieces, result.recent_uses)
        self.detail_stack.setCurrentIndex(0)
        self.open_button.setEnabled(False)
        self._show_detail(True)

    def _show_detail(self, shown: bool) -> None:
        """Open the panel under the grid (a chosen card) or fold it to one line (none yet)."""
        was_shown = self.detail_stack.isVisibleTo(self.detail)
        self.detail_stack.setVisible(shown)
        self.open_button.setVisible(shown)
        self.request_button.setVisible(shown)
        # One unwrapped line each while folded, so the panel's height hint is exact.
        self.cell_title.setWordWrap(shown)
        self.cell_context.setWordWrap(shown)
        if not shown:
            self.detail.setMaximumHeight(self.detail.sizeHint().height())
            return
        self.detail.setMaximumHeight(QWIDGETSIZE_MAX)
        total = sum(self.splitter.sizes())
        if not was_shown and total > 0:
            # The grid keeps at least the rows it needs; the list gets the rest, up to 45%.
            wanted = max(DETAIL_MIN_HEIGHT, min(total - self.grid.minimum_grid_height(), int(total * 0.45)))
            self.splitter.setSizes([total - wanted, wanted])

    def _open_selected(self) -> None:
        piece = self.pieces.selected_piece()
        if piece is not None:
            self.app.signals.open_piece.emit(piece.id)

    def request_for_cell(self, cell: Optional[JourneyCell]) -> None:
        """Open the request dialog pre-filled with the cell's stage and gate."""
        if cell is None:
            return
        if self.request_dialog is not None:
            self.request_dialog.deleteLater()
        title = "" if cell.gate_id is None else f"Content for “{cell.question}”"
        self.request_dialog = RequestDialog(self.app, self, title=title, stage_id=cell.stage_id,
                                            gate_id=cell.gate_id)
        self.request_dialog.open()
