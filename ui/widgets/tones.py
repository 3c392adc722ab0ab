"""Palette-aware colours for states (empty, stale, fresh, warning...).

A state colour is a hue blended into the palette's own base colour, so the same code
gives a pale tint on a light theme and a deep one on a dark theme, and text drawn with
the palette's text colour stays readable on both.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

# Hues chosen to stay distinguishable for the common colour-vision deficiencies.
HUES = {
    "empty": QColor(214, 69, 65),  # red: nothing answers this question
    "stale": QColor(230, 145, 20),  # amber: content past its review date or very old
    "good": QColor(46, 160, 90),  # green: content used recently
    "info": QColor(52, 120, 220),  # blue: in progress / neutral emphasis
    "muted": QColor(128, 128, 128),
}


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved a fraction ``t`` (0..1) towards ``b``."""
    return QColor(round(a.red() + (b.red() - a.red()) * t), round(a.green() + (b.green() - a.green()) * t),
                  round(a.blue() + (b.blue() - a.blue()) * t))


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def background(palette: QPalette, state: str) -> QColor:
    """A soft fill for a card or row in ``state``."""
    return mix(palette.color(QPalette.ColorRole.Base), HUES[state], 0.28 if is_dark(palette) else 0.13)


def accent(palette: QPalette, state: str) -> QColor:
    """A strong colour for text, borders and badges in ``state``, readable on the base."""
    base = palette.color(QPalette.ColorRole.Base)
    hue = HUES[state]
    return mix(hue, QColor("white"), 0.35) if is_dark(palette) else mix(hue, base.darker(300), 0.15)
