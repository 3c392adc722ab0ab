"""Publish this library to a team server: an admin names an empty database their DBA made,
signs in as the DBA, and the library is copied there (``enablement.team.publish``, the same
code as ``enablement team publish``) on a worker with its progress; then the verification
report: rows, files and reports compared, and each person's one-time password, shown once."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Optional

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QProgressBar, QPushButton, QVBoxLayout, QWidget)

from enablement.errors import UserFacingError
from enablement.team.publish import PublishReport, publish_library
from enablement.team.signin import server_url
from ..tasks import TaskRunner
from ..widgets import tones


def publish(root: Path, url: str, password: Optional[str], progress: Any = None,
            cancel: Optional[threading.Event] = None) -> PublishReport:
    """Worker: copy and verify (resumable: a run that stopped completes on the next one)."""
    return publish_library(root, url, password=password, progress=progress, cancel=cancel)


class PublishDialog(QDialog):
    def __init__(self, runner: TaskRunner, root: Path, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("publishDialog")
        self.setWindowTitle("Publish this library to a team server")
        self.setMinimumWidth(620)
        self.resize(680, 600)
        self.runner = runner
        self.root = root
        self.busy = False
        self.cancel = threading.Event()
        self.report: Optional[PublishReport] = None
        intro = QLabel("<p>Copy this library — pieces, files, tags, kits, requests and all use — to an empty "
                       "database on your team's PostgreSQL server. Everyone in it gets a login and a one-time "
                       "password. Ask your DBA to create the database and to sign in here (a role that may "
                       "create roles).</p><p>This computer's library stays as it is. If publishing stops, "
                       "start it again: it completes without copying anything twice.</p>")
        intro.setWordWrap(True)
        self.server = QLineEdit()
        self.server.setObjectName("publishServer")
        self.server.setPlaceholderText("server name, e.g. db.example.com")
        self.database = QLineEdit()
        self.database.setObjectName("publishDatabase")
        self.database.setPlaceholderText("an empty database")
        self.login = QLineEdit()
        self.login.setObjectName("publishLogin")
        self.login.setPlaceholderText("the DBA's login")
        self.password = QLineEdit()
        self.password.setObjectName("publishPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("(empty: PGPASSWORD or ~/.pgpass)")
        self.form = QFormLayout()
        self.form.addRow("Server", self.server)
        self.form.addRow("Database", self.database)
        self.form.addRow("DBA login", self.login)
        self.form.addRow("Password", self.password)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("publishProgress")
        self.progress_bar.setVisible(False)
        self.status = QLabel()
        self.status.setObjectName("publishStatus")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        self.report_view = QPlainTextEdit()
        self.report_view.setObjectName("publishReport")
        self.report_view.setReadOnly(True)
        self.report_view.setFont(QFont("monospace"))
        self.report_view.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.start_button: QPushButton = self.buttons.addButton("Publish", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("publishButton")
        self.start_button.setDefault(True)
        self.stop_button: QPushButton = self.buttons.addButton("Stop", QDialogButtonBox.ButtonRole.ActionRole)
        self.stop_button.setObjectName("publishStop")
        self.stop_button.setToolTip("Stop after the file or batch being copied; publishing again completes it")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setVisible(False)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(self.buttons)

    def start(self) -> None:
        if self.busy:
            return
        try:
            url = server_url(self.server.text(), self.database.text(), self.login.text())
        except UserFacingError as exc:
            self._say(str(exc), "empty")
            return
        self.busy = True
        self.cancel = threading.Event()
        self.stop_button.setText("Stop")
        self.stop_button.setEnabled(True)
        self.stop_button.setVisible(True)
        self.start_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(False)
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setVisible(True)
        self._say(f"Publishing to {self.server.text().strip()}/{self.database.text().strip()}…", "info")
        self.runner.op(publish, self.root, url, self.password.text() or None, cancel=self.cancel).progress(
            self._progress).success(self._done).failure(self._failed).write()

    def stop(self) -> None:
        """Stop at the end of the step under way: the server keeps only whole steps, and the next
        Publish completes it (once logins are being made, it finishes: their passwords are shown once)."""
        if not self.busy:
            return
        self.cancel.set()
        self.stop_button.setEnabled(False)
        self.stop_button.setText("Stopping…")
        self._say("Stopping after the step under way…", "info")

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        if text:
            self.status.setText(f"Publishing: {text}")

    def _done(self, report: PublishReport) -> None:
        self._stop()
        if report.stopped:
            self.progress_bar.setVisible(False)
            self._say("Stopped. The server keeps what was copied; Publish again completes it without copying "
                      "anything twice.", "empty")
            return
        self.password.clear()
        self.report = report
        self.progress_bar.setVisible(False)
        self._say("Published and verified: everyone below may sign in with their one-time password, shown only "
                  "now." if report.verified else "Published, but the check found differences: publish again.",
                  "good" if report.verified else "empty")
        self.report_view.setPlainText("\n".join(report.lines()))
        self.report_view.setVisible(True)
        self.start_button.setVisible(False)

    def _failed(self, exc: BaseException) -> None:
        self._stop()
        self.progress_bar.setVisible(False)
        if isinstance(exc, UserFacingError):
            self._say(f"Not published: {exc}", "empty")

    def _stop(self) -> None:
        self.busy = False
        self.stop_button.setVisible(False)
        self.start_button.setEnabled(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(True)

    def _say(self, text: str, tone: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {tones.accent(self.palette(), tone).name()};")
        self.status.setVisible(True)

    def reject(self) -> None:
        if not self.busy:  # publishing runs to its end (a stopped run completes when started again)
            super().reject()
