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


def dark_palette() -> QPalette:
    """A dark palette for Fusion (the screenshot tool's ``--dark``, and tests of dark rendering)."""
    window, base, text, accent = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230), QColor(64, 132, 214)
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, color in ((roles.Window, window), (roles.WindowText, text), (roles.Base, base),
                        (roles.AlternateBase, QColor(38, 38, 41)), (roles.ToolTipBase, window),
                        (roles.ToolTipText, text), (roles.PlaceholderText, QColor(140, 140, 140)),
                        (roles.Text, text), (roles.Button, QColor(55, 55, 58)), (roles.ButtonText, text),
                        (roles.BrightText, QColor(255, 110, 100)), (roles.Link, QColor(110, 170, 240)),
                        (roles.LinkVisited, QColor(170, 140, 230)), (roles.Highlight, accent),
                        (roles.HighlightedText, QColor(255, 255, 255)), (roles.Light, QColor(80, 80, 84)),
                        (roles.Midlight, QColor(65, 65, 68)), (roles.Mid, QColor(90, 90, 94)),
                        (roles.Dark, QColor(25, 25, 27)), (roles.Shadow, QColor(10, 10, 10))):
        palette.setColor(role, color)
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        palette.setColor(disabled, role, QColor(120, 120, 120))
    palette.setColor(disabled, roles.Highlight, QColor(80, 80, 80))
    return palette
