"""Users (admins of a team library): the people who may sign in, with their login, role and
whether they are enabled; add a person, change a role, disable or enable, reset a password.

Every change is the server's (``enablement.team.accounts``: SECURITY DEFINER functions that
only an admin login may call; passwords travel as SCRAM verifiers), made on a worker. The
server's refusal is shown on the page as it said it."""

from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from enablement.errors import UserFacingError
from enablement.models.changes import Changes
from enablement.models.dto import Actor
from enablement.services.permissions import Permission
from enablement.team.accounts import LoginInfo
from ..context import AppContext
from ..dialogs.person_dialog import AddPersonDialog, RoleDialog, show_password_once
from ..dialogs.text_prompt import confirm
from ..models.row_table_model import RowRole, SortRole
from ..models.users_table_model import LOGIN, NAME, ROLE, ROLE_NAMES, STATUS, UsersTableModel
from ..widgets import tones
from ..widgets.page_header import PageHeader
from .lazy_page import LazyPage


class UsersPage(LazyPage):
    title = "Users"

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.dialog: Optional[QWidget] = None
        self._pending_select = ""  # the login to select once the list is read again
        self.header = PageHeader(self.title, "The people who may sign in to this team library: one login each, "
                                 "with one role the server enforces.")
        self.add_button = QPushButton("Add person…")
        self.add_button.setObjectName("addPersonButton")
        self.add_button.clicked.connect(self.add_person)
        self.role_button = QPushButton("Change role…")
        self.role_button.setObjectName("changeRoleButton")
        self.role_button.clicked.connect(self.change_role)
        self.active_button = QPushButton("Disable")
        self.active_button.setObjectName("activeButton")
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button = QPushButton("Reset password…")
        self.reset_button.setObjectName("resetPasswordButton")
        self.reset_button.clicked.connect(self.reset_password)
        for button in (self.add_button, self.role_button, self.active_button, self.reset_button):
            self.header.controls.addWidget(button)

        self.model = UsersTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setObjectName("usersTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (LOGIN, ROLE, STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.doubleClicked.connect(lambda _i: self.change_role())

        self.problem = QLabel()
        self.problem.setObjectName("usersProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)
        self._update_buttons()

    # --- loading ------------------------------------------------------------------------------
    def can_load(self) -> bool:
        return self.app.team is not None and self.app.can(Permission.MANAGE_USERS)

    def reload(self) -> None:
        self._dirty = False
        team = self.app.team
        if team is None:
            return
        self.app.runner.op(team.accounts().list).success(self._show_rows).failure(self._failed).read()

    def _show_rows(self, rows: list[LoginInfo]) -> None:
        current = self.selected()
        chosen = self._pending_select or (current.login if current is not None else "")
        self._pending_select = ""
        self.model.set_rows(rows)
        if chosen:
            self.select(chosen)
        self._update_buttons()

    def apply_changes(self, changes: Changes) -> None:
        if changes.users:
            self.mark_stale()

    def on_actor_changed(self, actor: Actor) -> None:
        self.mark_stale()

    # --- selection ----------------------------------------------------------------------------
    def selected(self) -> Optional[LoginInfo]:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(RowRole) if rows else None

    def select(self, login: str) -> None:
        row = self.model.row_of(login)
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def _update_buttons(self) -> None:
        person = self.selected()
        has_login = person is not None and bool(person.login)
        for button in (self.role_button, self.active_button, self.reset_button):
            button.setEnabled(has_login)
        self.active_button.setText("Enable" if person is not None and not person.active else "Disable")

    # --- changes ------------------------------------------------------------------------------
    def add_person(self) -> None:
        dialog = AddPersonDialog(self.app, self)
        dialog.accepted.connect(lambda: self._added(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _added(self, dialog: AddPersonDialog) -> None:
        _user_id, password = dialog.result_value
        name, login = dialog.name.text().strip(), dialog.login.text().strip()
        self._changed(f"{name} may now sign in as {login}.", select=login)
        if not dialog.password.text():
            self.dialog = show_password_once(self, name, login, password)

    def change_role(self) -> None:
        person = self.selected()
        if person is None or not person.login:
            return
        dialog = RoleDialog(self.app, person.name, person.login, person.role, self)
        dialog.accepted.connect(lambda: self._changed(
            f"{person.name} is now {ROLE_NAMES.get(dialog.role.currentData(), '')}.", select=person.login))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def toggle_active(self) -> None:
        person = self.selected()
        team = self.app.team
        if person is None or not person.login or team is None:
            return
        if not person.active:
            self._run(team.accounts().set_active, person.login, True, done=f"{person.name} may sign in again.")
            return
        self.dialog = confirm(self, "Disable this person",
                              f"{person.name} ({person.login}) will no longer be able to sign in. Nothing they "
                              "made or logged is removed, and you can enable them again.", "Disable",
                              lambda: self._run(team.accounts().set_active, person.login, False,
                                                done=f"{person.name} may no longer sign in."))

    def reset_password(self) -> None:
        person = self.selected()
        team = self.app.team
        if person is None or not person.login or team is None:
            return

        def reset() -> None:
            self.app.runner.op(team.accounts().reset_password, person.login).success(
                lambda password: self._password_reset(person, password)).failure(self._failed).read()

        self.dialog = confirm(self, "Reset password",
                              f"{person.name} ({person.login}) gets a new one-time password; the old one stops "
                              "working.", "Reset password", reset)

    def _password_reset(self, person: LoginInfo, password: str) -> None:
        self._changed(f"{person.name} has a new password.", select=person.login)
        self.dialog = show_password_once(self, person.name, person.login, password)

    def _run(self, fn: Callable[..., object], *args: object, done: str) -> None:
        login = str(args[0])
        self.app.runner.op(fn, *args).success(lambda _r: self._changed(done, select=login)).failure(
            self._failed).read()

    def _changed(self, message: str, select: str = "") -> None:
        self.problem.setVisible(False)
        self.app.signals.status_message.emit(message)
        self._pending_select = select
        self.app.announce(Changes(users=True))  # this page reloads with the others that show people

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserFacingError):
            self.problem.setText(str(exc))
            self.problem.setStyleSheet(f"color: {tones.accent(self.palette(), 'empty').name()};")
            self.problem.setVisible(True)


