"""Choose a kit for a piece, or start a new one."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from enablement.display import count
from enablement.models.dto import KitInfo
from enablement.services.permissions import Permission
from ..text import shown

NEW_KIT = -1


class KitPickerDialog(QDialog):
    needs = Permission.KITS  # works on the laptop's copy, offline too (ui.actions)

    def __init__(self, kits: list[KitInfo], piece_title: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add to kit")
        self.setObjectName("kitPicker")
        self.kit = QComboBox()
        self.kit.setObjectName("kitCombo")
        for kit in kits:
            extra = f" — {kit.account}" if kit.account else ""
            self.kit.addItem(f"{kit.name}{extra} ({count(len(kit.items), 'piece')})", kit.id)
        self.kit.addItem("New kit…", NEW_KIT)
        self.name = QLineEdit()
        self.name.setObjectName("kitName")
        self.name.setPlaceholderText("e.g. Acme — security review call")
        self.account = QLineEdit()
        self.account.setObjectName("kitAccount")
        self.account.setPlaceholderText("Account (optional)")
        form = QFormLayout(self)
        target = QLabel(f"Add “{shown(piece_title)}” to:")
        target.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(target)
        form.addRow("Kit", self.kit)
        form.addRow("New kit name", self.name)
        form.addRow("Account", self.account)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.kit.currentIndexChanged.connect(self._mode)
        self._mode()

    def _mode(self) -> None:
        new = self.kit.currentData() == NEW_KIT
        self.name.setEnabled(new)
        self.account.setEnabled(new)

    def choice(self) -> tuple[Optional[int], str, str]:
        """(existing kit id or None, new kit name, account)."""
        kit_id = self.kit.currentData()
        if kit_id == NEW_KIT:
            return None, self.name.text().strip() or "New kit", self.account.text().strip()
        return kit_id, "", ""
