"""The facet panel: counts per stage, gate, persona, industry, type and status; a click
toggles that value as a filter."""

from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from enablement.services.search import FacetCount

DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("stage", "Buyer stage"), ("gate", "Decision gate"), ("persona", "Persona"), ("industry", "Industry"),
    ("content_type", "Type"), ("status", "Status"))
_MAX_LABEL = 30


class FacetPanel(QScrollArea):
    """Emits ``filters_changed`` with dimension → set of keys."""

    filters_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(220)
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(8, 4, 8, 8)
        self._layout.setSpacing(2)
        header = QLabel("Narrow down")
        header.setObjectName("facetHeader")
        f = header.font()
        f.setBold(True)
        header.setFont(f)
        self._layout.addWidget(header)
        self.clear_button = QPushButton("Clear all filters")
        self.clear_button.setFlat(True)
        self.clear_button.clicked.connect(self.clear)
        self.clear_button.setVisible(False)
        self._layout.addWidget(self.clear_button)
        self._groups: dict[str, tuple[QLabel, QVBoxLayout]] = {}
        for dimension, title in DIMENSIONS:
            label = QLabel(title)
            lf = label.font()
            lf.setBold(True)
            label.setFont(lf)
            label.setContentsMargins(0, 10, 0, 2)
            box = QVBoxLayout()
            box.setSpacing(0)
            self._layout.addWidget(label)
            self._layout.addLayout(box)
            self._groups[dimension] = (label, box)
        self._layout.addStretch(1)
        self.setWidget(body)
        self.selected: dict[str, set[str]] = {}
        self.buttons: dict[tuple[str, str], QPushButton] = {}

    def set_counts(self, facets: Iterable[FacetCount]) -> None:
        by_dim: dict[str, list[FacetCount]] = {}
        for fc in facets:
            by_dim.setdefault(fc.dimension, []).append(fc)
        self.buttons.clear()
        for dimension, (label, box) in self._groups.items():
            while box.count():
                item = box.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            chosen = self.selected.get(dimension, set())
            values = [fc for fc in by_dim.get(dimension, []) if fc.count > 0 or fc.key in chosen]
            for fc in values:
                box.addWidget(self._button(fc, fc.key in chosen))
            label.setVisible(bool(values))
        self.clear_button.setVisible(any(self.selected.values()))

    def _button(self, fc: FacetCount, checked: bool) -> QPushButton:
        text = fc.label if len(fc.label) <= _MAX_LABEL else fc.label[:_MAX_LABEL - 1].rstrip() + "…"
        button = QPushButton(f"{'✓ ' if checked else ''}{text}  ({fc.count})")
        button.setToolTip(f"{fc.label}: {fc.count} piece(s). Click to {'remove' if checked else 'add'} this filter.")
        button.setCheckable(True)
        button.setChecked(checked)
        button.setFlat(not checked)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # Left-aligned like a list; the palette decides the colours (light or dark scheme).
        button.setStyleSheet("QPushButton { text-align: left; padding: 3px 6px; border: none; }"
                             "QPushButton:checked { background: palette(highlight); color: palette(highlighted-text);"
                             " border-radius: 4px; }"
                             "QPushButton:hover:!checked { background: palette(midlight); border-radius: 4px; }")
        button.setObjectName(f"facet:{fc.dimension}:{fc.key}")
        button.toggled.connect(lambda on, d=fc.dimension, k=fc.key: self.toggle(d, k, on))
        self.buttons[(fc.dimension, fc.key)] = button
        return button

    def toggle(self, dimension: str, key: str, on: bool) -> None:
        keys = self.selected.setdefault(dimension, set())
        if on:
            keys.add(key)
        else:
            keys.discard(key)
        if not keys:
            self.selected.pop(dimension, None)
        self.filters_changed.emit(self.filters())

    def clear(self) -> None:
        self.selected.clear()
        for button in self.buttons.values():
            button.blockSignals(True)
            button.setChecked(False)
            button.blockSignals(False)
        self.clear_button.setVisible(False)
        self.filters_changed.emit({})

    def filters(self) -> dict[str, frozenset[str]]:
        return {d: frozenset(k) for d, k in self.selected.items() if k}
