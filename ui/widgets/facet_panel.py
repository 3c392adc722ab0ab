"""The facet panel: counts per stage, gate, persona, industry, type and status; a click
toggles that value as a filter."""

from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from enablement.display import count
from enablement.models.dto import FacetCount

DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("stage", "Buyer stage"), ("gate", "Decision gate"), ("persona", "Persona"), ("industry", "Industry"),
    ("content_type", "Type"), ("status", "Status"))
_MAX_LABEL = 30
_BUTTON_STYLE = ("QPushButton[facet=\"true\"] { text-align: left; padding: 3px 6px; border: none; }"
                 "QPushButton[facet=\"true\"]:checked { background: palette(highlight);"
                 " color: palette(highlighted-text); border-radius: 4px; }"
                 "QPushButton[facet=\"true\"]:hover:!checked { background: palette(midlight); border-radius: 4px; }")


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
        # Left-aligned like a list; the palette decides the colours (light or dark scheme).
        body.setStyleSheet(_BUTTON_STYLE)
        self.setWidget(body)
        self.selected: dict[str, set[str]] = {}
        self.buttons: dict[tuple[str, str], QPushButton] = {}  # the buttons shown now
        self._pool: dict[tuple[str, str], QPushButton] = {}  # every button made so far
        self._order: dict[str, list[tuple[str, str]]] = {}  # the buttons of each group, in order

    def set_counts(self, facets: Iterable[FacetCount]) -> None:
        """Show new counts. Buttons are kept and relabelled, never rebuilt: the panel changes on
        every keystroke, and creating and polishing ~50 buttons cost the GUI thread ~15 ms."""
        by_dim: dict[str, list[FacetCount]] = {}
        for fc in facets:
            by_dim.setdefault(fc.dimension, []).append(fc)
        self.buttons = {}
        for dimension, (label, box) in self._groups.items():
            chosen = self.selected.get(dimension, set())
            values = [fc for fc in by_dim.get(dimension, []) if fc.count > 0 or fc.key in chosen]
            order = [(dimension, fc.key) for fc in values]
            if self._order.get(dimension) != order:
                while box.count():
                    taken = box.takeAt(0)
                    widget = taken.widget() if taken is not None else None
                    if widget is not None:
                        widget.hide()
                for key in order:
                    box.addWidget(self._button(key))
                self._order[dimension] = order
            for fc in values:
                button = self._pool[(dimension, fc.key)]
                self._show_count(button, fc, fc.key in chosen)
                button.show()
                self.buttons[(dimension, fc.key)] = button
            label.setVisible(bool(values))
        self.clear_button.setVisible(any(self.selected.values()))

    def _button(self, key: tuple[str, str]) -> QPushButton:
        """The button of ``(dimension, key)``, made the first time that value has a count."""
        button = self._pool.get(key)
        if button is None:
            button = QPushButton()
            button.setProperty("facet", True)  # styled by the panel's one style sheet
            button.setCheckable(True)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setObjectName(f"facet:{key[0]}:{key[1]}")
            # ``clicked``, not ``toggled``: relabelling a button must not start a query.
            button.clicked.connect(lambda on, d=key[0], k=key[1]: self.toggle(d, k, on))
            self._pool[key] = button
        return button

    @staticmethod
    def _show_count(button: QPushButton, fc: FacetCount, checked: bool) -> None:
        text = fc.label if len(fc.label) <= _MAX_LABEL else fc.label[:_MAX_LABEL - 1].rstrip() + "…"
        button.setText(f"{'✓ ' if checked else ''}{text}  ({fc.count})")
        button.setToolTip(f"{fc.label}: {count(fc.count, 'piece')}. Click to {'remove' if checked else 'add'} this filter.")
        button.setChecked(checked)
        button.setFlat(not checked)

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

    def set_filters(self, filters: dict[str, frozenset[str]]) -> None:
        """Choose exactly these values (a saved search coming back); no ``filters_changed``."""
        self.selected = {d: set(keys) for d, keys in filters.items() if keys}
        for (dimension, key), button in self.buttons.items():
            checked = key in self.selected.get(dimension, set())
            button.setChecked(checked)
            button.setFlat(not checked)
            text = button.text().removeprefix("✓ ")
            button.setText(f"✓ {text}" if checked else text)  # counts follow with the next results
        self.clear_button.setVisible(bool(self.selected))

    def filters(self) -> dict[str, frozenset[str]]:
        return {d: frozenset(k) for d, k in self.selected.items() if k}
