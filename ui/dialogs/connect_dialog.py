"""Connect to my team's library: server, database, login, password and "remember on this
computer". The connection is made on a worker; the dialog shows that it is trying, then either
hands over what it opened (``signed_in``) or says why not and lets the person try again."""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QProgressBar,
                               QPushButton, QVBoxLayout, QWidget)

from enablement.errors import InvalidInput, UserFacingError
from enablement.team.connection import LoginFailed, ServerUnreachable, parse_server_url
from enablement.team.signin import DEFAULT_PORT, server_url
from ..tasks import TaskRunner
from ..widgets import tones

log = logging.getLogger(__name__)

ConnectFn = Callable[[str, Optional[str], bool], Any]  # (url, password or None, remember) → what was opened


class ConnectDialog(QDialog):
    """Sign in to a team library as a login (the person shown is whoever the login is)."""

    signed_in = Signal(object)  # what ``connect`` returned
    abandoned = Signal(object)  # what ``connect`` returned after the dialog was closed: close it

    def __init__(self, runner: TaskRunner, connect: ConnectFn, url: str = "", message: str = "",
                 parent: Optional[QWidget] = None, title: str = "Connect to my team's library",
                 keep_login: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.runner = runner
        self.connect_fn = connect
        self.busy = False
        self._closed = False

        intro = QLabel("<h2>Connect to my team's library</h2><p>Your team's library lives on a server your "
                       "administrator set up. Sign in with the login they gave you: the app shows you as that "
                       "person, with that person's role.</p>")
        intro.setWordWrap(True)
        self.server = _line("serverField", "server name, e.g. library.example.com")
        self.database = _line("databaseField", "e.g. enablement")
        self.login = _line("loginField", "your login")
        self.password = _line("passwordField", "")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Remember on this computer")
        self.remember.setObjectName("rememberBox")
        self.remember.setToolTip("Keep the password in this computer's keyring, so the app signs in by itself next "
                                 "time. Without a keyring the password is kept only until you quit.")
        self.remember.setChecked(True)
        form = QFormLayout()
        form.addRow("Server", self.server)
        form.addRow("Database", self.database)
        form.addRow("Login", self.login)
        form.addRow("Password", self.password)
        form.addRow("", self.remember)

        self.status = QLabel()
        self.status.setObjectName("connectStatus")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setObjectName("connectProgress")
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button: QPushButton = self.buttons.addButton("Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setObjectName("connectButton")
        self.connect_button.setDefault(True)
        self.buttons.accepted.connect(self.try_connect)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self._fill(url, keep_login)
        if message:
            self.show_problem(message)

    def _fill(self, url: str, keep_login: bool) -> None:
        if not url:
            self.server.setFocus()
            return
        try:
            address = parse_server_url(url)
        except InvalidInput:
            return
        self.server.setText(address.host if address.port == DEFAULT_PORT else f"{address.host}:{address.port}")
        self.database.setText(address.dbname)
        if keep_login:
            self.login.setText(address.user)
        (self.password if keep_login else self.login).setFocus()

    # --- connecting ---------------------------------------------------------------------------
    def try_connect(self) -> None:
        if self.busy:
            return
        try:
            url = server_url(self.server.text(), self.database.text(), self.login.text())
        except InvalidInput as exc:
            self.show_problem(str(exc))
            return
        password = self.password.text() or None
        self._set_busy(True, f"Connecting to {self.server.text().strip()} as {self.login.text().strip()}…")
        self.runner.read(self.connect_fn, self._connected, self._failed, url, password, self.remember.isChecked())

    def _connected(self, result: Any) -> None:
        self.password.clear()
        self._set_busy(False)
        if self._closed:
            self.abandoned.emit(result)
            return
        self.signed_in.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if self._closed:
            return
        if isinstance(exc, LoginFailed):
            self.password.clear()
            self.password.setFocus()
            self.show_problem(str(exc))
        elif isinstance(exc, ServerUnreachable):
            self.show_problem(f"{str(exc)[:1].upper()}{str(exc)[1:]}. Check the server name and your network, "
                              "then try again.")
        elif isinstance(exc, UserFacingError):
            self.show_problem(str(exc))
        else:
            log.error("connecting failed:\n%s", getattr(exc, "__traceback_text__", repr(exc)))
            self.show_problem(f"Could not connect: {exc}")

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.progress.setVisible(busy)
        self.connect_button.setEnabled(not busy)
        for field in (self.server, self.database, self.login, self.password, self.remember):
            field.setEnabled(not busy)
        if busy:
            self.status.setText(text)
            self.status.setStyleSheet("")
            self.status.setVisible(True)

    def show_problem(self, message: str) -> None:
        self.status.setText(message)
        self.status.setStyleSheet(f"color: {tones.accent(self.palette(), 'empty').name()};")
        self.status.setVisible(True)

    def problem(self) -> str:
        return self.status.text() if self.status.isVisible() else ""

    def reject(self) -> None:
        self._closed = self.busy  # a connection under way is closed when it arrives
        super().reject()


def _line(name: str, placeholder: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setPlaceholderText(placeholder)
    return field
