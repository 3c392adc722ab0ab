"""First run: the welcome screen (try the demo, start my own library, connect to my team's
library), then, on a library of this computer, "who are you"."""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import (QComboBox, QCommandLinkButton, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QRadioButton, QVBoxLayout, QWidget)

from enablement.models.dto import UserInfo
from enablement.models.vocab import Role
from enablement.services.users import user_name
from ..widgets.user_menu import ROLE_LABELS

ROLE_HELP: dict[str, str] = {Role.REP: "find, preview, send and log collateral; build call kits; ask for what is missing",
             Role.MARKETING: "import, tag, publish and review collateral; answer requests",
             Role.MANAGER: "see what is used, what is ignored and where the buyer journey has gaps",
             Role.ADMIN: "everything, plus the taxonomy, users and backups"}


class WelcomeDialog(QDialog):
    """The first screen: one of three ways to start. ``choice`` is ``DEMO``, ``OWN`` or ``TEAM``."""

    DEMO, OWN, TEAM = "demo", "own", "team"

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setWindowTitle("Welcome to Enablement")
        self.setMinimumWidth(560)
        self.choice = ""
        intro = QLabel("<h2>Welcome to Enablement</h2><p>The right piece of collateral for the buyer's next "
                       "step, found before the call. How would you like to start?</p>")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        self.buttons: dict[str, QCommandLinkButton] = {}
        for key, title, text in (
                (self.DEMO, "Try the demo library",
                 "Sample collateral and made-up usage, to see the library through a rep's, marketing's or a "
                 "manager's eyes."),
                (self.OWN, "Start my own library",
                 "An empty library on this computer: import your collateral and tag it by buying stage."),
                (self.TEAM, "Connect to my team's library",
                 "Sign in to the library your team shares on a server, with the login your administrator "
                 "gave you.")):
            button = QCommandLinkButton(title, text)
            button.setObjectName(f"welcome:{key}")
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            self.buttons[key] = button
            layout.addWidget(button)
        cancel = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        cancel.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        cancel.rejected.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(cancel)

    def _choose(self, key: str) -> None:
        self.choice = key
        self.accept()


class WhoAreYouDialog(QDialog):
    """Pick a user of the library, or enter a name and a role."""

    def __init__(self, users: list[UserInfo], demo: bool, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("whoAreYou")
        self.setWindowTitle("Welcome to Enablement")
        self.resize(560, 520)
        intro = QLabel("<h2>Who are you?</h2>"
                       + ("<p>This is a <b>demo library</b> with sample collateral and made-up usage. Pick a "
                          "person to see the library through their eyes; you can switch any time from the "
                          "user button in the toolbar.</p>" if demo else
                          "<p>Pick yourself, or add your name and role.</p>"))
        intro.setWordWrap(True)
        self.pick = QRadioButton("I am one of these people:")
        self.pick.setChecked(bool(users))
        self.pick.setEnabled(bool(users))
        self.users = QListWidget()
        self.users.setObjectName("userList")
        for u in users:
            role = ROLE_LABELS.get(u.role, u.role)
            team = f" ({u.team})" if u.team and u.team.casefold() != role.casefold() else ""
            item = QListWidgetItem(f"{u.name} — {role}{team}")
            item.setData(256, u)
            self.users.addItem(item)
        rep = next((i for i in range(self.users.count()) if self.users.item(i).data(256).role == Role.REP), 0)
        self.users.setCurrentRow(rep)
        # Choosing in the list (mouse or arrow keys) means "I am one of these people"; a double
        # click picks that person and starts, through the same check as the Start button.
        self.users.currentRowChanged.connect(lambda _row: self.pick.setChecked(True))
        self.users.itemClicked.connect(lambda _item: self.pick.setChecked(True))
        self.users.itemDoubleClicked.connect(self._start_as)
        roles = QLabel("<br>".join(f"<b>{label}</b>: {ROLE_HELP[key]}" for key, label in ROLE_LABELS.items()))
        roles.setObjectName("roleHelp")
        roles.setWordWrap(True)
        self.new = QRadioButton("Someone new:")
        self.new.setChecked(not users)
        self.name = QLineEdit()
        self.name.setObjectName("newName")
        self.name.setPlaceholderText("Your name")
        self.role = QComboBox()
        self.role.setObjectName("newRole")
        for key, label in ROLE_LABELS.items():
            self.role.addItem(label, str(key))
        self.name.textEdited.connect(lambda _t: self.new.setChecked(True))
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Role", self.role)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addWidget(intro)
        v.addWidget(self.pick)
        v.addWidget(self.users, 1)
        v.addWidget(self.new)
        v.addLayout(form)
        v.addWidget(roles)
        v.addWidget(buttons)
        (self.users if users else self.name).setFocus()  # arrows and Enter work from the start

    def _start_as(self, item: QListWidgetItem) -> None:
        self.users.setCurrentItem(item)
        self.pick.setChecked(True)
        self.accept()

    def accept(self) -> None:
        """Every way of starting (Start, Enter, a double click) passes here: a new person needs
        a name, a listed person must be chosen."""
        if self.new.isChecked() and not user_name(self.name.text()):
            self.name.setFocus()
            self.name.setPlaceholderText("Please type your name")
            return
        if not self.new.isChecked() and self.users.currentItem() is None:
            self.users.setFocus()
            return
        super().accept()

    def choice(self) -> tuple[Optional[UserInfo], str, str]:
        """(an existing user, or None with the new name and role)."""
        if not self.new.isChecked() and self.users.currentItem() is not None:
            return self.users.currentItem().data(256), "", ""
        return None, user_name(self.name.text()), self.role.currentData()
