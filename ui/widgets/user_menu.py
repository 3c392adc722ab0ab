"""The toolbar's user button: who is acting, and one click to switch."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from enablement.models.dto import Actor, UserInfo
from enablement.models.vocab import Role

ROLE_LABELS: dict[str, str] = {Role.REP: "Rep", Role.MARKETING: "Marketing", Role.MANAGER: "Manager", Role.ADMIN: "Admin"}


class UserButton(QToolButton):
    """Shows the acting user; its menu lists the library's users (on a team library: who is
    signed in, and signing in as another login; nobody picks another name there)."""

    user_chosen = Signal(object)  # UserInfo
    sign_in_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userButton")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.setMenu(self.menu_)
        self._group = QActionGroup(self)

    def show_actor(self, actor: Actor) -> None:
        self.setText(f"{actor.name} · {ROLE_LABELS.get(actor.role, actor.role)}  ▾")
        self.setToolTip("Switch user")

    def set_users(self, users: list[UserInfo], actor: Actor) -> None:
        self.menu_.clear()
        self._group = QActionGroup(self)
        self.menu_.addSection("Switch user")
        for user in users:
            action = QAction(f"{user.name}  ({ROLE_LABELS.get(user.role, user.role)})", self.menu_)
            action.setCheckable(True)
            action.setChecked(user.id == actor.user_id)
            action.setObjectName(f"user:{user.name}")
            action.triggered.connect(lambda _=False, u=user: self.user_chosen.emit(u))
            self._group.addAction(action)
            self.menu_.addAction(action)

    def show_login(self, actor: Actor, login: str, where: str) -> None:
        """Team mode: the person is the login; "switch user" means signing in as another login."""
        self.show_actor(actor)
        self.setToolTip(f"Signed in as {login} on {where}")
        self.menu_.clear()
        self.menu_.addSection(f"Signed in as {login}")
        where_action = self.menu_.addAction(f"Team library: {where}")
        where_action.setEnabled(False)
        action = QAction("Sign in as another login…", self.menu_)
        action.setObjectName("signInAsAnother")
        action.triggered.connect(self.sign_in_requested.emit)
        self.menu_.addAction(action)
