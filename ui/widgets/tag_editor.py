"""Tag a piece: stages with their gates underneath, then each facet; checkable tree."""

from __future__ import annotations

from typing import Iterable, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from enablement.models.dto import Tag, TagSelection, TaxonomyInfo

FACET_TITLES = {"persona": "Persona", "industry": "Industry", "product": "Product", "content_type": "Type",
                "language": "Language"}
DimRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2


class TagEditor(QTreeWidget):
    """``selection()`` gives a TagSelection; ``set_tags`` shows a piece's tags."""

    edited = Signal()

    def __init__(self, taxonomy: TaxonomyInfo, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagEditor")
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.items: dict[tuple[str, int], QTreeWidgetItem] = {}
        stages_root = QTreeWidgetItem(self, ["Buyer stages and decision gates"])
        stages_root.setFlags(Qt.ItemFlag.ItemIsEnabled)
        for stage in taxonomy.stages:
            if stage.retired:
                continue
            s_item = self._item(stages_root, "stage", stage.id, stage.name)
            for gate in stage.gates:
                if not gate.retired:
                    self._item(s_item, "gate", gate.id, gate.question)
        for facet, values in taxonomy.facets.items():
            root = QTreeWidgetItem(self, [FACET_TITLES.get(facet, facet)])
            root.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for value in values:
                if not value.retired:
                    self._item(root, facet, value.id, value.label)
        self.expandAll()
        self.itemChanged.connect(self._changed)

    def _item(self, parent: QTreeWidgetItem, dimension: str, tid: int, label: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [label])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Unchecked)
        item.setData(0, DimRole, dimension)
        item.setData(0, IdRole, tid)
        item.setToolTip(0, label)
        self.items[(dimension, tid)] = item
        return item

    def _changed(self, item: QTreeWidgetItem, _column: int) -> None:
        # Ticking a gate ticks its stage: the map never shows a gate without its stage.
        if item.data(0, DimRole) == "gate" and item.checkState(0) == Qt.CheckState.Checked:
            parent = item.parent()
            if parent is not None and parent.checkState(0) != Qt.CheckState.Checked:
                parent.setCheckState(0, Qt.CheckState.Checked)
        self.edited.emit()

    def set_tags(self, tags: Iterable[Tag]) -> None:
        wanted = {(t.dimension, t.id) for t in tags}
        self.blockSignals(True)
        for key, item in self.items.items():
            item.setCheckState(0, Qt.CheckState.Checked if key in wanted else Qt.CheckState.Unchecked)
        self.blockSignals(False)

    def check(self, dimension: str, tid: int, on: bool = True) -> bool:
        item = self.items.get((dimension, tid))
        if item is None:
            return False
        item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        return True

    def checked(self) -> set[tuple[str, int]]:
        return {k for k, item in self.items.items() if item.checkState(0) == Qt.CheckState.Checked}

    def selection(self, only_touched_facets: bool = False) -> TagSelection:
        chosen = self.checked()
        facets: dict[str, list[int]] = {}
        for facet in FACET_TITLES:
            ids = [tid for d, tid in chosen if d == facet]
            if ids or not only_touched_facets:
                facets[facet] = sorted(ids)
        return TagSelection(stages=sorted(t for d, t in chosen if d == "stage"),
                            gates=sorted(t for d, t in chosen if d == "gate"), facets=facets)
