"""Dialogs of the Users page: add a person (name, login, role, a password or a one-time one),
change a role, and the one-time password shown once. Each stays open until the server says
yes, and shows the server's refusal in its own words."""

from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox,
                               QVBoxLayout, QWidget)

from enablement.errors import UserFacingError
from enablement.models.vocab import Role
from enablement.services.permissions import Permission
from ..context import AppContext
from ..widgets import tones
from ..widgets.user_menu import ROLE_LABELS
from .first_run import ROLE_HELP


def role_choice(current: str = Role.REP) -> QComboBox:
    box = QComboBox()
    box.setObjectName("roleChoice")
    for role, label in ROLE_LABELS.items():
        box.addItem(f"{label} — {ROLE_HELP[role]}", str(role))
    box.setCurrentIndex(max(box.findData(current), 0))
    return box


class _ServerDialog(QDialog):
    """A form whose OK runs one call on the server and closes only when it succeeded."""

    needs = Permission.MANAGE_USERS

    def __init__(self, app: AppContext, title: str, intro: str, parent: Optional[QWidget]) -> None:
        super().__init__(parent)
        self.app = app
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.busy = False
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def call(self) -> tuple[Callable[..., Any], tuple]:
        raise NotImplementedError

    def submit(self) -> None:
        if self.busy:
            return
        try:
            fn, args = self.call()
        except UserFacingError as exc:
            self.show_problem(str(exc))
            return
        self.busy = True
        self.ok_button.setEnabled(False)
        self.app.runner.op(fn, *args).success(self._done).failure(self._failed).read()

    def _done(self, result: Any) -> None:
        self.busy = False
        self.result_value = result
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.app.actions.enable(self.ok_button, True)  # unless the server has gone meanwhile
        if isinstance(exc, UserFacingError):
            self.show_problem(str(exc))

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setStyleSheet(f"color: {tones.accent(self.palette(), 'empty').name()};")
        self.problem.setVisible(True)


class AddPersonDialog(_ServerDialog):
    """A new login with one role; an empty password means a one-time password is made."""

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(app, "Add a person",
                         "<p>The person signs in with this login. Give them the password yourself; they can "
                         "change it later.</p>", parent)
        self.setObjectName("addPerson")
        self.name = QLineEdit()
        self.name.setObjectName("personName")
        self.login = QLineEdit()
        self.login.setObjectName("personLogin")
        self.login.setPlaceholderText("lower-case letters, digits, '_', '.' or '-'")
        self.role = role_choice()
        self.password = QLineEdit()
        self.password.setObjectName("personPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("leave empty for a one-time password")
        self.form.addRow("Name", self.name)
        self.form.addRow("Login", self.login)
        self.form.addRow("Role", self.role)
        self.form.addRow("Password", self.password)
        self.ok_button.setText("Add")

    def call(self) -> tuple[Callable[..., Any], tuple]:
        accounts = self.app.team.accounts() if self.app.team else None
        if accounts is None:
            raise UserFacingError("People are managed on a team library only.")
        return accounts.add, (self.name.text().strip(), self.login.text().strip(), self.role.currentData(),
                              self.password.text() or None)


class RoleDialog(_ServerDialog):
    """Change one person's role (their login moves to the role's group on the server)."""

    def __init__(self, app: AppContext, name: str, login: str, role: str, parent: Optional[QWidget] = None) -> None:
        super().__init__(app, f"Change {name}'s role",
                         f"<p>{name} ({login}) gets the rights of the new role the next time the app asks the "
                         "server.</p>", parent)
        self.setObjectName("changeRole")
        self.person_login = login
        self.role = role_choice(role)
        self.form.addRow("Role", self.role)
        self.ok_button.setText("Change role")

    def call(self) -> tuple[Callable[..., Any], tuple]:
        if self.app.team is None:
            raise UserFacingError("People are managed on a team library only.")
        return self.app.team.accounts().set_role, (self.person_login, self.role.currentData())


def show_password_once(parent: QWidget, name: str, login: str, password: str) -> QMessageBox:
    """The one-time password, shown once (it is kept nowhere): the admin passes it on."""
    box = QMessageBox(QMessageBox.Icon.Information, "One-time password",
                      f"<p>Give {name} this password for the login <b>{login}</b>. It is shown only now.</p>"
                      f"<p style='font-family: monospace; font-size: large'>{password}</p>",
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("oneTimePassword")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.finished.connect(box.deleteLater)
    box.open()
    return box
