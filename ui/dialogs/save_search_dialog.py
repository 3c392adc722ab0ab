"""Save the search shown now under a name; marketing and admins may recommend it to everyone,
for a stage and/or gate of the journey. The same dialog changes where a recommended search
is meant for (``recommend_only``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
                               QWidget)

from enablement.models.dto import TaxonomyInfo
from enablement.models.shelves import SavedSearchInfo
from ..text import shown
from .stage_gate import StageGatePicker


@dataclass(frozen=True)
class SearchChoice:
    """What the person chose: the shelf service's ``save`` (or ``recommend``) takes these."""

    name: str
    recommended: bool
    stage_id: Optional[int]
    gate_id: Optional[int]
    replace: bool
    query: Optional[str] = None  # typed in the dialog (a search recommended from the journey map)


class SaveSearchDialog(QDialog):
    def __init__(self, parent: Optional[QWidget], taxonomy: TaxonomyInfo, what: str,
                 existing: Sequence[SavedSearchInfo], may_recommend: bool,
                 search: Optional[SavedSearchInfo] = None, typed_query: bool = False) -> None:
        """``typed_query``: the person types the query here (a search recommended for a gate of
        the journey map) instead of saving the one the library shows."""
        super().__init__(parent)
        self.recommend_only = search is not None
        self.setWindowTitle("Recommend a search" if self.recommend_only else "Save search")
        self.setMinimumWidth(480)
        self.existing = existing
        self.what = QLabel(shown(what))
        self.what.setObjectName("savedWhat")
        self.what.setWordWrap(True)
        self.name = QLineEdit(search.name if search else "")
        self.name.setObjectName("savedName")
        self.name.setPlaceholderText("e.g. Security proof for CFOs")
        self.name.setMaxLength(120)
        self.name.setReadOnly(self.recommend_only)
        self.name.textChanged.connect(self._update)
        self.replaces = QLabel("")
        self.replaces.setObjectName("savedReplaces")
        self.recommend = QCheckBox("Recommend to everyone (shown in every person's sidebar)")
        self.recommend.setObjectName("savedRecommend")
        self.recommend.setChecked(bool(search and search.recommended) or self.recommend_only)
        self.picker = StageGatePicker(taxonomy, none_label="(any)")
        if search is not None:
            self.picker.set(search.stage_id, search.gate_id)
        self.recommend.toggled.connect(self._update)
        self.query = QLineEdit("")
        self.query.setObjectName("savedQuery")
        self.query.setPlaceholderText("words and filters, e.g. case study persona:cfo")
        self.query.setMaxLength(500)
        form = QFormLayout()
        if typed_query:
            form.addRow("Search for:", self.query)
            self.what.hide()
        else:
            self.query.hide()
            form.addRow("Search:", self.what)
        form.addRow("Name:", self.name)
        form.addRow("", self.replaces)
        self.for_stage_label, self.for_gate_label = QLabel("For the stage:"), QLabel("For the gate:")
        if may_recommend:
            form.addRow("", self.recommend)
            form.addRow(self.for_stage_label, self.picker.stage)
            form.addRow(self.for_gate_label, self.picker.gate)
        else:
            for widget in (self.recommend, self.picker.stage, self.picker.gate):
                widget.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        hint = QLabel("A recommended search for a stage or gate is also offered on that card of the journey map."
                      if may_recommend else "Saved searches are yours alone; they show in the sidebar.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self._update()

    def taken(self) -> Optional[SavedSearchInfo]:
        """The saved search the name would replace (the same name among one's own, or among
        the recommended ones)."""
        if self.recommend_only:
            return None
        name = " ".join(self.name.text().split()).casefold()
        shared = self.recommend.isChecked()
        return next((s for s in self.existing if s.name.casefold() == name and s.recommended == shared), None)

    def _update(self) -> None:
        name = self.name.text().strip()
        taken = self.taken()
        self.replaces.setText(f"Replaces the saved search “{shown(taken.name)}”." if taken else "")
        self.replaces.setVisible(taken is not None)
        self.ok_button.setText("Save" if self.recommend_only else "Replace" if taken else "Save")
        self.ok_button.setEnabled(bool(name))
        on = self.recommend.isChecked()
        for widget in (self.picker.stage, self.picker.gate, self.for_stage_label, self.for_gate_label):
            widget.setEnabled(on)

    def values(self) -> SearchChoice:
        """What the person chose."""
        on = self.recommend.isChecked() and not self.recommend.isHidden()
        return SearchChoice(self.name.text().strip(), on, self.picker.stage_id() if on else None,
                            self.picker.gate_id() if on else None, self.taken() is not None,
                            self.query.text().strip() if not self.query.isHidden() else None)
