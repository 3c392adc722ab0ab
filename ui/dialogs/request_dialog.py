"""File a content request. Any page can open it pre-filled (the journey map with a stage
and gate, the library with a search that found nothing, the reports page with a search
gap): ``RequestDialog(app, parent, title=..., stage_id=..., gate_id=...).open()``.
"""

from __future__ import annotations

from datetime import date
from typing import Optional, Union

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget)

from enablement.errors import UserFacingError
from enablement.models.dto import TaxonomyInfo
from enablement.services.permissions import Permission
from ..context import AppContext
from .stage_gate import StageGatePicker
from ..widgets import tones
from ..widgets.dates import as_date


class RequestDialog(QDialog):
    needs = Permission.REQUEST  # works on the laptop's copy, offline too (ui.actions)
    """Title, what the buyer needs, stage, gate (only the chosen stage's gates), persona,
    industry, account and due date.

    Given an AppContext, accepting files the request through the write lane, announces
    the change and closes once it is stored; a refusal (e.g. a missing title) is shown
    in the dialog and the user's text is kept. Given only a TaxonomyInfo it is a plain
    form: the caller reads ``arguments()`` after ``exec()``.
    """

    def __init__(self, app: Union[AppContext, TaxonomyInfo], parent: Optional[QWidget] = None, title: str = "",
                 stage_id: Optional[int] = None, gate_id: Optional[int] = None, need: str = "") -> None:
        super().__init__(parent)
        self.app: Optional[AppContext] = app if isinstance(app, AppContext) else None
        self.taxonomy: TaxonomyInfo = app.taxonomy if isinstance(app, AppContext) else app
        self.request_id: Optional[int] = None
        self.setWindowTitle("Request a piece from marketing")
        self.setObjectName("requestDialog")
        self.setMinimumWidth(560)

        intro = QLabel("Tell marketing what the buyer needs. They fulfil the request with a piece or tell "
                       "you why not; the answer appears on the Requests page.")
        intro.setWordWrap(True)
        self.title_edit = QLineEdit(title)
        self.title_edit.setObjectName("requestTitle")
        self.title_edit.setPlaceholderText("What piece do you need? e.g. 'SOC 2 summary for hospitals'")
        self.need_edit = QPlainTextEdit(need)
        self.need_edit.setObjectName("requestNeed")
        self.need_edit.setPlaceholderText("Who is the buyer, what question must it answer, what happened on the call")
        self.need_edit.setMaximumHeight(110)
        self.deal = StageGatePicker(self.taxonomy, none_label="(any)")
        self.deal.set(stage_id, gate_id)
        self.stage_combo, self.gate_combo = self.deal.stage, self.deal.gate
        self.persona_combo = self._facet_combo("persona")
        self.industry_combo = self._facet_combo("industry")
        self.account_edit = QLineEdit()
        self.account_edit.setPlaceholderText("Account or deal (optional)")
        self.due_check = QCheckBox("Needed by")
        self.due_edit = QDateEdit(QDate.currentDate().addDays(14))
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setEnabled(False)
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        # Short names other code may use for the same fields.
        self.title, self.need, self.account = self.title_edit, self.need_edit, self.account_edit
        self.persona, self.industry = self.persona_combo, self.industry_combo
        self.has_due, self.due = self.due_check, self.due_edit
        due_row = QHBoxLayout()
        due_row.addWidget(self.due_check)
        due_row.addWidget(self.due_edit)
        due_row.addStretch(1)

        form = QFormLayout()
        form.addRow("Piece", self.title_edit)
        form.addRow("Why / for whom", self.need_edit)
        form.addRow("Buyer stage", self.stage_combo)
        form.addRow("Decision gate", self.gate_combo)
        form.addRow("Persona", self.persona_combo)
        form.addRow("Industry", self.industry_combo)
        form.addRow("Account", self.account_edit)
        form.addRow("", due_row)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        palette = self.error_label.palette()
        palette.setColor(palette.ColorRole.WindowText, tones.accent(palette, "empty"))
        self.error_label.setPalette(palette)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.submit_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.submit_button.setText("Send request")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.title_edit.textChanged.connect(self._update_ok)
        self._update_ok()

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _facet_combo(self, facet: str) -> QComboBox:
        box = QComboBox()
        box.addItem("(any)", None)
        for v in self.taxonomy.facets.get(facet, ()):
            if not v.retired:
                box.addItem(v.label, v.id)
        return box

    def _update_ok(self) -> None:
        self.submit_button.setEnabled(bool(self.title_edit.text().strip()))

    def arguments(self) -> dict:
        """Keyword arguments for ``library.requests.create`` (after the actor)."""
        due: Optional[date] = as_date(self.due_edit.date()) if self.due_check.isChecked() else None
        return dict(title=self.title_edit.text().strip(), need=self.need_edit.toPlainText().strip(),
                    stage_id=self.deal.stage_id(), gate_id=self.deal.gate_id(),
                    persona_id=self.persona_combo.currentData(), industry_id=self.industry_combo.currentData(),
                    account=self.account_edit.text().strip(), due=due)

    def submit(self) -> None:
        if self.app is None:
            self.accept()
            return
        args = self.arguments()
        self.submit_button.setEnabled(False)
        self.error_label.hide()
        self.app.runner.op(self.app.library.requests.create, self.app.actor, args.pop("title"), args.pop("need"),
                           **args).success(self._stored).failure(self._failed).write()

    def _stored(self, request_id: int) -> None:
        assert self.app is not None
        self.request_id = request_id
        self.app.signals.status_message.emit(f"Request sent: {self.title_edit.text().strip()}")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        # The user's error is shown here, with their text kept; a bug is also reported by the operation.
        self.error_label.setText(str(exc) if isinstance(exc, UserFacingError) else "The request could not be sent.")
        self.error_label.show()
        self._update_ok()
