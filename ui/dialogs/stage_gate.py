"""A stage combo box and a gate combo box that follows it (used by several dialogs)."""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QComboBox

from enablement.models.dto import TaxonomyInfo


class StageGatePicker:
    def __init__(self, taxonomy: TaxonomyInfo, none_label: str = "(not set)") -> None:
        self.taxonomy = taxonomy
        self.none_label = none_label
        self.stage = QComboBox()
        self.stage.setObjectName("stageCombo")
        self.gate = QComboBox()
        self.gate.setObjectName("gateCombo")
        self.stage.addItem(none_label, None)
        for s in taxonomy.stages:
            if not s.retired:
                self.stage.addItem(s.name, s.id)
        self.stage.currentIndexChanged.connect(self._fill_gates)
        self._fill_gates()

    def _fill_gates(self) -> None:
        self.gate.clear()
        self.gate.addItem(self.none_label, None)
        stage = self.taxonomy.stage(self.stage.currentData()) if self.stage.currentData() else None
        for g in (stage.gates if stage else ()):
            if not g.retired:
                self.gate.addItem(g.question, g.id)

    def set(self, stage_id: Optional[int], gate_id: Optional[int] = None) -> None:
        if gate_id is not None and stage_id is None:
            gate = self.taxonomy.gate(gate_id)
            stage_id = gate.stage_id if gate else None
        self.stage.setCurrentIndex(max(0, self.stage.findData(stage_id)))
        self.gate.setCurrentIndex(max(0, self.gate.findData(gate_id)))

    def stage_id(self) -> Optional[int]:
        return self.stage.currentData()

    def gate_id(self) -> Optional[int]:
        return self.gate.currentData()
