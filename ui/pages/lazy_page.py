"""The base of pages that load only when seen.

A change marks a page stale: a visible page reloads at once, a hidden one when it is next
shown (``activate``). Subclasses implement ``reload`` (which clears ``_dirty``) and may
override ``can_load`` (e.g. a role that may not see the page).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


class LazyPage(QWidget):
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
