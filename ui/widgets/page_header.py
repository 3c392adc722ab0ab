"""Small shared pieces of page chrome: a title with a subtitle, and a notice banner."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from . import tones


class PageHeader(QWidget):
    """A page title, a one-line subtitle and room on the right for controls."""

    def __init__(self, title: str, subtitle: str = "", parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel(title)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title_label.setFont(font)
        self.subtitle_label = QLabel(subtitle)
        self.subtitle_label.setWordWrap(True)
        self.subtitle_label.setForegroundRole(self.subtitle_label.foregroundRole())
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title_label)
        text.addWidget(self.subtitle_label)
        self.controls = QHBoxLayout()
        self.controls.setSpacing(6)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(text, 1)
        row.addLayout(self.controls)

    def set_subtitle(self, text: str) -> None:
        self.subtitle_label.setText(text)


class Banner(QFrame):
    """A tinted notice with an optional action button (e.g. "Open folder")."""

    action_clicked = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.action.clicked.connect(self.action_clicked)
        self.close_button = QPushButton("Dismiss")
        self.close_button.setFlat(True)
        self.close_button.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.label, 1)
        row.addWidget(self.action)
        row.addWidget(self.close_button)
        self.hide()

    def show_message(self, text: str, state: str = "info", action: str = "", closable: bool = True) -> None:
        palette = self.palette()
        palette.setColor(palette.ColorRole.Window, tones.background(palette, state))
        self.setPalette(palette)
        self.label.setText(text)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self.close_button.setVisible(closable)
        self.show()
