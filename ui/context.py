"""What every page is given: the open library, the acting user, the task runner, and the
taxonomy as last read (a snapshot views read instead of the database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from PySide6.QtCore import QObject, Signal

from enablement.models.changes import Changes
from enablement.models.dto import Actor, TaxonomyInfo
from enablement.services.identity import UserContext
from enablement.services.library import Library
from enablement.services.permissions import Permission, can
from enablement.team.signin import TeamLogin
from .tasks import TaskRunner


class AppSignals(QObject):
    """App-wide notifications the main window routes."""

    changed = Signal(object)  # a Changes set after a service call
    actor_changed = Signal(object)  # the new Actor
    open_piece = Signal(int)  # show a piece's detail
    # show a piece's detail, its preview at this page or slide with these words marked
    open_piece_at = Signal(int, int, list)
    status_message = Signal(str)
    run_saved_search = Signal(object)  # show the library with this SavedSearchInfo's results (the journey map)


@dataclass
class AppContext:
    """One user's window on an open library: who acts (a ``UserContext`` from the identity
    seam), the task runner, and the taxonomy as last read.

    Switching user replaces ``user`` with a new ``UserContext`` (``switch_user``); the old
    one is never changed, and work already submitted keeps the actor it was given."""

    user: UserContext
    runner: TaskRunner
    # The stages, gates and facets that forms and filters offer: read on a worker with the
    # library (start-up) and again, before the views hear of it, after a taxonomy change.
    taxonomy: TaxonomyInfo
    signals: AppSignals = field(default_factory=AppSignals)
    is_demo: Optional[bool] = None  # known at start-up; otherwise the window reads it
    # Team mode: the login signed in to a team library (the actor is whoever that login is).
    team: Optional[TeamLogin] = None

    def __post_init__(self) -> None:
        # What an operation on the runner changed reaches the views like any announcement.
        self.runner.changes_done.connect(self.announce)
        from .undo import UndoStack

        self.undo = UndoStack(self)  # the session's undoable piece changes (Ctrl+Z), until the app closes
        from .actions import ActionPolicy

        # Which actions are available now (role × the team server answering), and why not.
        # (a team library's link as its replica last knew it: a flag in memory, no I/O)
        self.actions = ActionPolicy(self.actor, self.team is not None,
                                    online=self.team is None or not getattr(self.library, "offline", False))

    @property
    def library(self) -> Library:
        return self.user.library

    @property
    def actor(self) -> Actor:
        return self.user.actor

    def switch_user(self, user: UserContext) -> None:
        """Act as another user from now on (``user`` comes from ``UserContext.switch``)."""
        self.user = user
        self.actions.set_actor(user.actor)

    def _read_taxonomy(self) -> TaxonomyInfo:
        return self.library.taxonomy.get()

    def can(self, permission: Permission) -> bool:
        """Whether the acting user may do this: the one role policy (``permissions.can``)."""
        return can(self.actor, permission)

    def announce(self, changes: Changes) -> None:
        """Tell every view what a service call changed (a new taxonomy is read first)."""
        if changes.empty:
            return
        if not changes.taxonomy:
            self.signals.changed.emit(changes)
            return

        def read(taxonomy: TaxonomyInfo) -> None:
            self.taxonomy = taxonomy
            self.signals.changed.emit(changes)

        # If the read fails (reported by the operation) the views still hear of the change.
        self.runner.op(self._read_taxonomy).success(read).failure(
            lambda _exc: self.signals.changed.emit(changes), shows_user_errors=False).read()
