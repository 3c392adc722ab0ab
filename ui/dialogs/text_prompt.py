"""A small non-blocking prompt for one line or a paragraph of text (rename, a decline
reason, a note on a kit piece). Opened with ``open()``; the callback gets the text."""

from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QLineEdit, QMessageBox, QPlainTextEdit,
                               QVBoxLayout, QWidget)

from enablement.services.permissions import Permission


class TextPromptDialog(QDialog):
    needs: Optional[Permission] = None  # what its OK needs (the caller says; ui.actions)

    def __init__(self, parent: Optional[QWidget], title: str, label: str, text: str = "",
                 multiline: bool = False, ok_label: str = "OK", required: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self.required = required
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        self.editor: QLineEdit | QPlainTextEdit
        if multiline:
            self.editor = QPlainTextEdit(text)
            self.editor.setMinimumHeight(100)
            self.editor.textChanged.connect(self._update_ok)
        else:
            self.editor = QLineEdit(text)
            self.editor.selectAll()
            self.editor.textChanged.connect(self._update_ok)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_label)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.editor)
        layout.addWidget(self.buttons)
        self._update_ok()

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText().strip()
        return self.editor.text().strip()

    def set_text(self, text: str) -> None:
        if isinstance(self.editor, QPlainTextEdit):
            self.editor.setPlainText(text)
        else:
            self.editor.setText(text)

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.text()) or not self.required)


def ask_text(parent: QWidget, title: str, label: str, on_ok: Callable[[str], None], text: str = "",
             multiline: bool = False, ok_label: str = "OK", required: bool = True) -> TextPromptDialog:
    """Open a prompt (window-modal, non-blocking); ``on_ok(text)`` runs when accepted."""
    dialog = TextPromptDialog(parent, title, label, text, multiline, ok_label, required)
    dialog.accepted.connect(lambda: on_ok(dialog.text()))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


class ConfirmBox(QMessageBox):
    """A yes/no question whose yes button is ``ok_button``."""

    needs: Optional[Permission] = None  # what its OK needs (the caller says; ui.actions)

    def __init__(self, parent: QWidget, title: str, text: str, ok_label: str) -> None:
        super().__init__(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
        self.ok_button = self.addButton(ok_label, QMessageBox.ButtonRole.AcceptRole)
        self.setDefaultButton(QMessageBox.StandardButton.Cancel)


def confirm(parent: QWidget, title: str, text: str, ok_label: str, on_ok: Callable[[], None]) -> ConfirmBox:
    """A non-blocking yes/no question; ``on_ok()`` runs when the user confirms."""
    box = ConfirmBox(parent, title, text, ok_label)
    box.buttonClicked.connect(lambda button: on_ok() if button is box.ok_button else None)
    box.finished.connect(box.deleteLater)
    box.open()
    return box
