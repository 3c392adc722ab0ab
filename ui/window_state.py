"""Window state kept between runs (QSettings only holds window state and the last library, user or
team server; never a password).

Every key is declared here once, with its type.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "Enablement"
APPLICATION = "Enablement"


class WindowState:
    GEOMETRY = "window/geometry"
    STATE = "window/state"
    LAST_PAGE = "window/last_page"
    SPLITTER = "window/splitter/"  # + object name
    LIBRARY_VIEW = "library/view"  # list | grid | table
    LIBRARY_SORT = "library/sort"  # a sort order of the search
    LIBRARY_TABLE = "library/table_header"  # the table's columns: order, widths, hidden, as Qt saves them
    LAST_LIBRARY = "session/last_library"
    LAST_USER = "session/last_user"
    LAST_SERVER = "session/last_server"  # the team library's URL with the login: never a password

    def __init__(self, settings: Optional[QSettings] = None) -> None:
        self.settings = settings or QSettings(ORGANIZATION, APPLICATION)

    def bytes(self, key: str) -> Optional[QByteArray]:
        value = self.settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def text(self, key: str, default: str = "") -> str:
        value = self.settings.value(key, default)
        return value if isinstance(value, str) else default

    def set(self, key: str, value: object) -> None:
        self.settings.setValue(key, value)

    def sync(self) -> None:
        self.settings.sync()
