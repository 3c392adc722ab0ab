"""The toolbar's user button: who is acting, and one click to switch."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from enablement.models.dto import Actor, UserInfo
from enablement.models.vocab import Role

ROLE_LABELS: dict[str, str] = {Role.REP: "Rep", Role.MARKETING: "Marketing", Role.MANAGER: "Manager", Role.ADMIN: "Admin"}


class UserButton(QToolButton):
    """Shows the acting user; its menu lists the library's users."""

    user_chosen = Signal(object)  # UserInfo

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
