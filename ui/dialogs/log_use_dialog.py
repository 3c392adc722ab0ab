"""Log that a piece was used with a buyer, the deal's context, and whether it helped."""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLineEdit,
                               QPlainTextEdit, QRadioButton, QWidget)

from enablement.models.dto import TaxonomyInfo, UseRecord
from enablement.models.vocab import UsageKind
from enablement.services.permissions import Permission
from ..text import shown
from .stage_gate import StageGatePicker


class LogUseDialog(QDialog):
    needs = Permission.LOG_USE  # works on the laptop's copy, offline too (ui.actions)

    def __init__(self, piece_id: int, title: str, taxonomy: TaxonomyInfo, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.piece_id = piece_id
        self.setWindowTitle(f"Log use — {shown(title)}")
        self.setObjectName("logUseDialog")
        self.used_in_call = QRadioButton("Used in a call")
        self.used_in_call.setChecked(True)
        self.sent = QRadioButton("Sent to the buyer")
        kinds = QHBoxLayout()
        kinds.addWidget(self.used_in_call)
        kinds.addWidget(self.sent)
        kinds.addStretch(1)
        self.account = QLineEdit()
        self.account.setObjectName("account")
        self.account.setPlaceholderText("Account or deal name")
        self.deal = StageGatePicker(taxonomy)
        self.helped_yes = QRadioButton("Yes")
        self.helped_no = QRadioButton("No")
        self.helped_unsure = QRadioButton("Too early to say")
        self.helped_unsure.setChecked(True)
        group = QButtonGroup(self)
        helped = QHBoxLayout()
        for b in (self.helped_yes, self.helped_no, self.helped_unsure):
            group.addButton(b)
            helped.addWidget(b)
        helped.addStretch(1)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment")
        self.comment.setPlaceholderText("What worked, what was missing (marketing reads this)")
        self.comment.setMaximumHeight(90)
        form = QFormLayout(self)
        form.addRow("What happened", kinds)
        form.addRow("Account", self.account)
        form.addRow("Deal stage", self.deal.stage)
        form.addRow("Buyer's gate", self.deal.gate)
        form.addRow("Did it help?", helped)
        form.addRow("Comment", self.comment)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Log it")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def records(self) -> list[UseRecord]:
        """The use, plus a feedback record when the rep answered 'did it help?'."""
        kind = UsageKind.USED_IN_CALL if self.used_in_call.isChecked() else UsageKind.SENT
        account, stage_id, gate_id = self.account.text().strip(), self.deal.stage_id(), self.deal.gate_id()
        out = [UseRecord(kind=kind.value, piece_id=self.piece_id, account=account, deal_stage_id=stage_id,
                         gate_id=gate_id)]
        if not self.helped_unsure.isChecked() or self.comment.toPlainText().strip():
            helped = True if self.helped_yes.isChecked() else False if self.helped_no.isChecked() else None
            if helped is not None:
                out.append(UseRecord(kind=UsageKind.FEEDBACK.value, piece_id=self.piece_id, helpful=helped,
                                     comment=self.comment.toPlainText().strip(), account=account,
                                     deal_stage_id=stage_id, gate_id=gate_id))
        return out
