"""What every page is given: the open library, the acting user and the task runner."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from enablement.models.changes import Changes
from enablement.models.dto import Actor
from enablement.services.library import Library
from enablement.services.permissions import Permission, can
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

    def __post_init__(self) -> None:
        # What an operation on the runner changed reaches the views like any announcement.
        self.runner.changes_done.connect(self.announce)

    def can(self, permission: Permission) -> bool:
        """Whether the acting user may do this: the one role policy (``permissions.can``)."""
        return can(self.actor, permission)

    def announce(self, changes: Changes) -> None:
        """Tell every view what a service call changed."""
        if not changes.empty:
            self.signals.changed.emit(changes)
