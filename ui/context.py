"""What every page is given: the open library, the acting user and the task runner."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from enablement.models.changes import Changes
from enablement.models.dto import Actor
from enablement.services.library import Library
from .tasks import TaskRunner


class AppSignals(QObject):
    """App-wide notifications the main window routes."""

    changed = Signal(object)  # a Changes set after a service call
    actor_changed = Signal(object)  # the new Actor
    open_piece = Signal(int)  # show a piece's detail
    status_message = Signal(str)


@dataclass
class AppContext:
    library: Library
    actor: Actor
    runner: TaskRunner
    signals: AppSignals = field(default_factory=AppSignals)

    def announce(self, changes: Changes) -> None:
        """Tell every view what a service call changed."""
        if not changes.empty:
            self.signals.changed.emit(changes)
