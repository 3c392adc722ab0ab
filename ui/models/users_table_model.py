"""The people of a team library as a table: name, login, role and whether they may sign in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from enablement.team.accounts import LoginInfo
from ..widgets.user_menu import ROLE_LABELS
from .row_table_model import RowTableModel

NAME, LOGIN, ROLE, STATUS = range(4)
HEADERS = ("Name", "Login", "Role", "Status")
ROLE_NAMES: dict[str, str] = {str(role): label for role, label in ROLE_LABELS.items()}


class UsersTableModel(RowTableModel[LoginInfo]):
    """Thin adapter over LoginInfo rows (the id of a row is its login)."""

    headers = HEADERS

    def item_id(self, row: LoginInfo) -> Any:
        return row.login

    def display(self, row: LoginInfo, column: int, position: int) -> Any:
        if column == NAME:
            return row.name
        if column == LOGIN:
            return row.login or "—"
        if column == ROLE:
            return ROLE_NAMES.get(row.role, row.role)
        if column == STATUS:
            return "Enabled" if row.active else "Disabled"
        return None

    def role_data(self, row: LoginInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            if not row.login:
                return f"{row.name} has no login on this server: they cannot sign in."
            if not row.active:
                return f"{row.name} may not sign in ({row.login} is disabled)."
        return None
