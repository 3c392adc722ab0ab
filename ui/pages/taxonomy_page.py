"""Taxonomy: the shared language of stages, gates, facets and synonyms.

Marketing and admins edit it; everyone else sees it read-only. Nothing is ever deleted:
entries are renamed, reordered or retired (and restored), so existing tags keep working.
Every edit carries the versions of what it was made on: if someone else changed it meanwhile
the edit is refused, the banner says who and when, the page shows their change and offers to
put the refused change back (typing in a form survives a refresh that others' edits cause).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, Optional, Sequence, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QPlainTextEdit, QPushButton, QSplitter, QTableView,
                               QTabWidget, QVBoxLayout, QWidget)

from enablement.errors import EditConflict, UserFacingError
from enablement.models.changes import Changes
from enablement.models.dto import Actor, GateInfo, StageInfo, TaxonomyInfo
from enablement.models.vocab import FACETS
from enablement.services.permissions import Permission
from ..context import AppContext
from ..pages.lazy_page import LazyPage
from ..dialogs import files
from ..dialogs.text_prompt import TextPromptDialog, ask_text
from ..models.row_table_model import RowRole, RowTableModel
from ..models.taxonomy_models import FacetValuesTableModel, GatesTableModel, StagesTableModel
from ..widgets.page_header import Banner, PageHeader

FACET_LABELS = {"persona": "Persona", "industry": "Industry", "product": "Product", "content_type": "Content type",
                "language": "Language / region"}
TAXONOMY_FILTER = "Taxonomy (*.json);;All files (*)"
Entry = TypeVar("Entry", StageInfo, GateInfo)


def _table(model: RowTableModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setHighlightSections(False)
    return view


def _selected(view: QTableView):
    rows = view.selectionModel().selectedRows()
    return rows[0].data(RowRole) if rows else None


def _versions(rows: Sequence[StageInfo | GateInfo]) -> dict[int, int]:
    """id → version of the rows shown (an order saved from them carries it as ``seen``)."""
    return {row.id: row.row_version for row in rows}


def _typing_over(shown: Optional[Entry], now: Optional[Entry], typed: tuple[str, str],
                 fields: Callable[[Entry], tuple[str, str]]) -> bool:
    """True when a refresh must leave a form alone: it still shows the same entry and holds
    typing that is neither what it was filled from nor what the entry now is (the user's
    unsaved change, which a save then carries with the version it was made on)."""
    if shown is None or now is None or shown.id != now.id:
        return False
    return (typed[0].strip(), typed[1].strip()) not in (fields(shown), fields(now))


def _select_id(view: QTableView, model: RowTableModel, row_id: Optional[int]) -> None:
    row = model.row_of(row_id)
    if row < 0 and model.rowCount():
        row = 0
    if row >= 0:
        view.selectRow(row)


class TaxonomyPage(LazyPage):
    title = "Taxonomy"

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.taxonomy: Optional[TaxonomyInfo] = None
        self._seq = 0
        self.prompt: Optional[TextPromptDialog] = None
        self.edit_buttons: list[QWidget] = []
        # what each form was filled from: its version is what a save carries as ``seen``
        self.stage_shown: Optional[StageInfo] = None
        self.gate_shown: Optional[GateInfo] = None
        self.synonyms_shown: tuple[tuple[str, ...], ...] = ()
        self.synonyms_seen: dict[int, int] = {}
        self._refill = False  # the next load fills the forms even over typing (after a refusal)
        self._loading = False  # models being refilled: their passing selections fill no form
        self._put_back: Optional[Callable[[], None]] = None

        self.header = PageHeader(self.title, "The shared language of sales and marketing: the buyer's stages, the "
                                 "decision gates inside them, the facets pieces are tagged with, and search synonyms.")
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the taxonomy as a JSON file (to review or to load into another library)")
        self.export_button.clicked.connect(self.export_file)
        self.import_button = QPushButton("Import…")
        self.import_button.setToolTip("Merge a taxonomy file: adds and renames by key, never deletes")
        self.import_button.clicked.connect(self.import_file)
        self.header.controls.addWidget(self.export_button)
        self.header.controls.addWidget(self.import_button)
        self.banner = Banner()
        self.banner.action_clicked.connect(self.put_back)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._stages_tab(), "Stages and gates")
        self.tabs.addTab(self._facets_tab(), "Facets")
        self.tabs.addTab(self._synonyms_tab(), "Synonyms")

        self.readonly_label = QLabel()
        self.readonly_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.readonly_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.edit_buttons.append(self.import_button)
        self.on_actor_changed(app.actor)

    # --- building -------------------------------------------------------------------------
    def _button(self, text: str, slot: Callable[[], None], layout: QHBoxLayout | QVBoxLayout) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        layout.addWidget(button)
        self.edit_buttons.append(button)
        return button

    def _stages_tab(self) -> QWidget:
        self.stages_model = StagesTableModel(self)
        self.stages_view = _table(self.stages_model, 1)
        self.stages_view.selectionModel().selectionChanged.connect(
            lambda *_: None if self._loading else self._stage_chosen())
        stage_buttons = QHBoxLayout()
        self.add_stage_button = self._button("Add stage…", self.add_stage, stage_buttons)
        self.stage_up_button = self._button("Up", lambda: self.move_stage(-1), stage_buttons)
        self.stage_down_button = self._button("Down", lambda: self.move_stage(+1), stage_buttons)
        self.stage_retire_button = self._button("Retire", self.toggle_stage_retired, stage_buttons)
        stage_buttons.addStretch(1)
        self.stage_name = QLineEdit()
        self.stage_description = QPlainTextEdit()
        self.stage_description.setFixedHeight(60)
        self.edit_buttons += [self.stage_name, self.stage_description]
        stage_form = QFormLayout()
        stage_form.addRow("Name", self.stage_name)
        stage_form.addRow("Description", self.stage_description)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        self.save_stage_button = self._button("Save stage", self.save_stage, save_row)
        stage_box = QGroupBox("Stages of the buyer's cycle, in order")
        stage_layout = QVBoxLayout(stage_box)
        stage_layout.addWidget(self.stages_view, 1)
        stage_layout.addLayout(stage_buttons)
        stage_layout.addLayout(stage_form)
        stage_layout.addLayout(save_row)

        self.gates_model = GatesTableModel(self)
        self.gates_view = _table(self.gates_model, 1)
        self.gates_view.selectionModel().selectionChanged.connect(
            lambda *_: None if self._loading else self._gate_chosen())
        gate_buttons = QHBoxLayout()
        self.add_gate_button = self._button("Add gate…", self.add_gate, gate_buttons)
        self.gate_up_button = self._button("Up", lambda: self.move_gate(-1), gate_buttons)
        self.gate_down_button = self._button("Down", lambda: self.move_gate(+1), gate_buttons)
        self.gate_retire_button = self._button("Retire", self.toggle_gate_retired, gate_buttons)
        gate_buttons.addStretch(1)
        self.gate_question = QLineEdit()
        self.gate_question.setPlaceholderText("The buyer's question, e.g. “Is this worth the investment?”")
        self.gate_criteria = QPlainTextEdit()
        self.gate_criteria.setPlaceholderText("What must be true for the buyer to move on")
        self.gate_criteria.setFixedHeight(60)
        self.edit_buttons += [self.gate_question, self.gate_criteria]
        gate_form = QFormLayout()
        gate_form.addRow("Question", self.gate_question)
        gate_form.addRow("Exit criteria", self.gate_criteria)
        gate_save_row = QHBoxLayout()
        gate_save_row.addStretch(1)
        self.save_gate_button = self._button("Save gate", self.save_gate, gate_save_row)
        self.gate_box = QGroupBox("Decision gates")
        gate_layout = QVBoxLayout(self.gate_box)
        gate_layout.addWidget(self.gates_view, 1)
        gate_layout.addLayout(gate_buttons)
        gate_layout.addLayout(gate_form)
        gate_layout.addLayout(gate_save_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(stage_box)
        splitter.addWidget(self.gate_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        return splitter

    def _facets_tab(self) -> QWidget:
        self.facet_list = QListWidget()
        for facet in FACETS:
            self.facet_list.addItem(FACET_LABELS.get(facet, facet))
        self.facet_list.setMaximumWidth(200)
        self.facet_list.currentRowChanged.connect(lambda _r: self._show_facet())
        self.values_model = FacetValuesTableModel(self)
        self.values_view = _table(self.values_model, 0)
        self.values_view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        buttons = QHBoxLayout()
        self.add_value_button = self._button("Add value…", self.add_value, buttons)
        self.rename_value_button = self._button("Rename…", self.rename_value, buttons)
        self.value_retire_button = self._button("Retire", self.toggle_value_retired, buttons)
        buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.values_view, 1)
        right_layout.addLayout(buttons)
        tab = QWidget()
        row = QHBoxLayout(tab)
        row.addWidget(self.facet_list)
        row.addWidget(right, 1)
        return tab

    def _synonyms_tab(self) -> QWidget:
        hint = QLabel("One group per line, terms separated by commas. Searching for any term of a group finds "
                      "the others too, e.g. <i>roi, return on investment, business case</i>.")
        hint.setWordWrap(True)
        self.synonyms_edit = QPlainTextEdit()
        self.synonyms_edit.textChanged.connect(self._update_buttons)
        self.edit_buttons.append(self.synonyms_edit)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_synonyms_button = self._button("Save synonyms", self.save_synonyms, row)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(hint)
        layout.addWidget(self.synonyms_edit, 1)
        layout.addLayout(row)
        return tab

    # --- page contract ---------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        if changes.taxonomy:
            self.mark_stale()

    def on_actor_changed(self, actor: Actor) -> None:
        self.editable = self.app.can(Permission.EDIT_TAXONOMY)
        for widget in self.edit_buttons:
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(not self.editable)
            else:
                widget.setVisible(self.editable)
        self.readonly_label.setVisible(not self.editable)
        self.readonly_label.setText("Read-only: marketing and admins edit the taxonomy. Ask them if a stage, gate "
                                    "or facet value is missing.")
        self._update_buttons()

    # --- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        self._dirty = False
        self._seq += 1
        seq = self._seq
        self.app.runner.op(self.app.library.taxonomy.get).success(lambda t: self._loaded(seq, t)).read()

    def _loaded(self, seq: int, taxonomy: TaxonomyInfo) -> None:
        if seq != self._seq:
            return
        stage, gate = _selected(self.stages_view), _selected(self.gates_view)
        value = _selected(self.values_view)
        keep = not self._refill  # typing kept over a refresh unless an edit was just refused
        self._refill = False
        self.taxonomy = taxonomy
        with self._quietly():
            self.stages_model.set_rows(taxonomy.stages)
            _select_id(self.stages_view, self.stages_model, stage.id if stage else None)
        self._stage_chosen(gate.id if gate else None, keep_typing=keep)
        if self.facet_list.currentRow() < 0:
            self.facet_list.setCurrentRow(0)
        self._show_facet(value.id if value else None)
        typed = tuple(tuple(t.lower() for t in group) for group in self.synonym_groups() if len(group) > 1)
        if not (keep and typed not in (self.synonyms_shown, taxonomy.synonyms)):
            self.synonyms_shown, self.synonyms_seen = taxonomy.synonyms, dict(taxonomy.synonym_versions)
            self.synonyms_edit.blockSignals(True)
            self.synonyms_edit.setPlainText("\n".join(", ".join(group) for group in taxonomy.synonyms))
            self.synonyms_edit.blockSignals(False)
        self._update_buttons()

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Models refilled inside: the selections passing meanwhile fill no form."""
        self._loading = True
        try:
            yield
        finally:
            self._loading = False

    def _stage_chosen(self, gate_id: Optional[int] = None, keep_typing: bool = False) -> None:
        stage = _selected(self.stages_view)
        previous = _selected(self.gates_view)
        with self._quietly():
            self.gates_model.set_rows(stage.gates if stage else ())
        self.gate_box.setTitle(f"Decision gates of {stage.name}" if stage else "Decision gates")
        typed = (self.stage_name.text(), self.stage_description.toPlainText())
        if not (keep_typing and _typing_over(self.stage_shown, stage, typed, lambda s: (s.name, s.description))):
            self.stage_shown = stage
            self.stage_name.setText(stage.name if stage else "")
            self.stage_description.setPlainText(stage.description if stage else "")
        with self._quietly():
            _select_id(self.gates_view, self.gates_model, gate_id if gate_id is not None else
                       (previous.id if previous else None))
        self._gate_chosen(keep_typing)

    def _gate_chosen(self, keep_typing: bool = False) -> None:
        gate = _selected(self.gates_view)
        typed = (self.gate_question.text(), self.gate_criteria.toPlainText())
        if not (keep_typing and _typing_over(self.gate_shown, gate, typed, lambda g: (g.question, g.exit_criteria))):
            self.gate_shown = gate
            self.gate_question.setText(gate.question if gate else "")
            self.gate_criteria.setPlainText(gate.exit_criteria if gate else "")
        self._update_buttons()

    def current_facet(self) -> str:
        return FACETS[max(self.facet_list.currentRow(), 0)]

    def _show_facet(self, value_id: Optional[int] = None) -> None:
        values = self.taxonomy.facets.get(self.current_facet(), ()) if self.taxonomy else ()
        self.values_model.set_rows(values)
        _select_id(self.values_view, self.values_model, value_id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        if not hasattr(self, "synonyms_edit"):
            return
        stage, gate, value = _selected(self.stages_view), _selected(self.gates_view), _selected(self.values_view)
        stage_row = self.stages_view.selectionModel().selectedRows()
        gate_row = self.gates_view.selectionModel().selectedRows()
        self.stage_up_button.setEnabled(bool(stage_row) and stage_row[0].row() > 0)
        self.stage_down_button.setEnabled(bool(stage_row) and stage_row[0].row() < self.stages_model.rowCount() - 1)
        self.stage_retire_button.setEnabled(stage is not None)
        self.stage_retire_button.setText("Restore" if stage and stage.retired else "Retire")
        self.save_stage_button.setEnabled(stage is not None)
        self.add_gate_button.setEnabled(stage is not None)
        self.gate_up_button.setEnabled(bool(gate_row) and gate_row[0].row() > 0)
        self.gate_down_button.setEnabled(bool(gate_row) and gate_row[0].row() < self.gates_model.rowCount() - 1)
        self.gate_retire_button.setEnabled(gate is not None)
        self.gate_retire_button.setText("Restore" if gate and gate.retired else "Retire")
        self.save_gate_button.setEnabled(gate is not None)
        self.rename_value_button.setEnabled(value is not None)
        self.value_retire_button.setEnabled(value is not None)
        self.value_retire_button.setText("Restore" if value and value.retired else "Retire")

    # --- writes ----------------------------------------------------------------------------
    def _write(self, fn, *args, on_done=None, put_back: Optional[Callable[[], None]] = None, **kwargs) -> None:
        """One taxonomy edit on the write lane. ``put_back`` puts the user's change back in
        the form if it is refused because someone changed the entry meanwhile."""
        self.banner.hide()
        op = self.app.runner.op(fn, self.app.actor, *args, **kwargs).failure(
            lambda exc: self._refused(exc, put_back))
        if on_done is not None:
            op.success(on_done)
        op.write()

    def _refused(self, exc: BaseException, put_back: Optional[Callable[[], None]] = None) -> None:
        """A user's error (a duplicate name, say) shows in the banner; a bug is reported by the
        operation. Refused because someone changed the entry meanwhile: the page shows it as
        it is now, and the banner offers to put the refused change back."""
        if isinstance(exc, EditConflict):
            self._put_back = put_back
            self.banner.show_message(f"{exc} Showing it as it is now.", "empty",
                                     action="Put my changes back" if put_back else "")
            self._refill = True
            self.reload()
        elif isinstance(exc, UserFacingError):
            self.banner.show_message(str(exc), "empty")

    def put_back(self) -> None:
        """The refused change, back in its form over the entry as it is now: look, then save."""
        put_back, self._put_back = self._put_back, None
        self.banner.hide()
        if put_back is not None:
            put_back()
            self.banner.show_message("Your change is back, over the entry as it is now: check it and save again.")

    def add_stage(self) -> None:
        self.prompt = ask_text(self, "Add stage", "Name of the new stage (it goes last; move it into place after):",
                               lambda name: self._write(self.app.library.taxonomy.add_stage, name), ok_label="Add")

    def save_stage(self) -> None:
        stage = self.stage_shown
        if stage is None:
            return
        name, description = self.stage_name.text(), self.stage_description.toPlainText().strip()

        def put_back() -> None:
            _select_id(self.stages_view, self.stages_model, stage.id)
            self.stage_name.setText(name)
            self.stage_description.setPlainText(description)
        self._write(self.app.library.taxonomy.edit_stage, stage.id, name=name, description=description,
                    seen=stage.row_version, put_back=put_back)

    def move_stage(self, step: int) -> None:
        rows = self.stages_view.selectionModel().selectedRows()
        if not rows:
            return
        ids = [s.id for s in self.stages_model.rows]
        n = rows[0].row()
        ids.insert(n + step, ids.pop(n))
        self._write(self.app.library.taxonomy.reorder_stages, ids, seen=_versions(self.stages_model.rows))

    def toggle_stage_retired(self) -> None:
        stage = _selected(self.stages_view)
        if stage is not None:
            self._write(self.app.library.taxonomy.set_stage_retired, stage.id, not stage.retired,
                        seen=stage.row_version)

    def add_gate(self) -> None:
        stage = _selected(self.stages_view)
        if stage is None:
            return
        self.prompt = ask_text(self, "Add gate", f"The buyer's question at this gate of {stage.name}:",
                               lambda q: self._write(self.app.library.taxonomy.add_gate, stage.id, q), ok_label="Add")

    def save_gate(self) -> None:
        gate = self.gate_shown
        if gate is None:
            return
        question, criteria = self.gate_question.text(), self.gate_criteria.toPlainText().strip()

        def put_back() -> None:
            _select_id(self.stages_view, self.stages_model, gate.stage_id)
            _select_id(self.gates_view, self.gates_model, gate.id)
            self.gate_question.setText(question)
            self.gate_criteria.setPlainText(criteria)
        self._write(self.app.library.taxonomy.edit_gate, gate.id, question=question, exit_criteria=criteria,
                    seen=gate.row_version, put_back=put_back)

    def move_gate(self, step: int) -> None:
        stage, rows = _selected(self.stages_view), self.gates_view.selectionModel().selectedRows()
        if stage is None or not rows:
            return
        ids = [g.id for g in self.gates_model.rows]
        n = rows[0].row()
        ids.insert(n + step, ids.pop(n))
        self._write(self.app.library.taxonomy.reorder_gates, stage.id, ids, seen=_versions(self.gates_model.rows))

    def toggle_gate_retired(self) -> None:
        gate = _selected(self.gates_view)
        if gate is not None:
            self._write(self.app.library.taxonomy.set_gate_retired, gate.id, not gate.retired, seen=gate.row_version)

    def add_value(self) -> None:
        facet = self.current_facet()
        self.prompt = ask_text(self, "Add value", f"New {FACET_LABELS[facet].lower()}:",
                               lambda label: self._write(self.app.library.taxonomy.add_facet_value, facet, label),
                               ok_label="Add")

    def rename_value(self) -> None:
        value = _selected(self.values_view)
        if value is not None:
            self.prompt = ask_text(self, "Rename", "New label (tags on pieces follow the rename):",
                                   lambda label: self._write(self.app.library.taxonomy.rename_facet_value,
                                                             value.id, label, seen=value.row_version),
                                   text=value.label, ok_label="Rename")

    def toggle_value_retired(self) -> None:
        value = _selected(self.values_view)
        if value is not None:
            self._write(self.app.library.taxonomy.set_facet_value_retired, value.id, not value.retired,
                        seen=value.row_version)

    def synonym_groups(self) -> list[list[str]]:
        return [[t.strip() for t in line.split(",") if t.strip()]
                for line in self.synonyms_edit.toPlainText().splitlines() if line.strip()]

    def save_synonyms(self) -> None:
        text = self.synonyms_edit.toPlainText()
        self._write(self.app.library.taxonomy.set_synonyms, self.synonym_groups(), seen=self.synonyms_seen,
                    put_back=lambda: self.synonyms_edit.setPlainText(text))

    # --- files -----------------------------------------------------------------------------
    def export_file(self) -> None:
        path = files.ask_save_file(self, "Export taxonomy", "taxonomy.json")
        if path is None:
            return
        self.app.runner.op(self.app.library.taxonomy.export_file, path).success(
            lambda p: self.banner.show_message(f"Taxonomy saved to {p}", "good")).failure(
            lambda exc: self.banner.show_message(f"Could not save the taxonomy: {exc}", "empty")).read()

    def import_file(self) -> None:
        path = files.ask_open_file(self, "Import taxonomy", TAXONOMY_FILTER)
        if path is None:
            return

        def imported(counts: dict[str, int]) -> None:
            self.banner.show_message(f"Taxonomy imported from {path.name}: {counts.get('added', 0)} added, "
                                     f"{counts.get('updated', 0)} updated, {counts.get('retired', 0)} retired.",
                                     "good")

        self._write(self.app.library.taxonomy.import_file, path, on_done=imported)
