"""The base of the main window's pages, and of pages that load only when seen.

``Page`` is what the main window asks of every page. A change marks a page stale: a visible page reloads at once, a hidden one when it is next
shown (``activate``). Subclasses implement ``reload`` (which clears ``_dirty``) and may
override ``can_load`` (e.g. a role that may not see the page).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from enablement.models.changes import Changes
from enablement.models.dto import Actor


class Page(QWidget):
    """A page of the main window: its navigation title, and what it does when shown, when
    a service call changed something, and when another user starts acting."""

    title = ""

    def activate(self) -> None:
        raise NotImplementedError

    def apply_changes(self, changes: Changes) -> None:
        raise NotImplementedError

    def on_actor_changed(self, actor: Actor) -> None:
        raise NotImplementedError


class LazyPage(Page):
    _dirty = True

    def can_load(self) -> bool:
        return True

    def reload(self) -> None:
        raise NotImplementedError

    def activate(self) -> None:
        if self._dirty and self.can_load():
            self.reload()

    def mark_stale(self) -> None:
        """Something this page shows changed: reload now if seen, else when next shown."""
        self._dirty = True
        if self.isVisible() and self.can_load():
            self.reload()
