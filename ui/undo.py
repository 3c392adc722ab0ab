"""Undo for the changes marketing makes to pieces (publish, archive, restore, tag and metadata
edits, bulk tagging and bulk publishing), until the app closes.

A change that can be undone runs through ``UndoStack.run``: on the write lane, the pieces'
states are read (``PieceService.states``) just before the change, in the same task; when the
change went through, they are kept on the stack with the versions it left. ``undo`` puts the
latest back (``PieceService.put_back``): status, publication, metadata and every tag, exactly
as they were, unless someone changed one of the pieces after it (then nothing is put back and
the message says who and when: an undo never overwrites another person's work).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from PySide6.QtCore import QObject, Signal

from enablement.errors import EditConflict
from enablement.models.dto import Actor, Done, PieceState
from enablement.services.library import Library

if TYPE_CHECKING:
    from .context import AppContext

MAX_STEPS = 50


@dataclass(frozen=True)
class UndoStep:
    label: str  # what is undone, as a verb phrase: "publish 3 pieces", "tag edits"
    states: tuple[PieceState, ...]
    left: dict[int, int] = field(default_factory=dict)  # piece id → the version the change left


@dataclass(frozen=True)
class _Recorded:
    value: Any
    before: tuple[PieceState, ...]
    left: dict[int, int]


def _with_states(library: Library, piece_ids: Sequence[int], fn: Callable[..., Any], *args: Any,
                 **kwargs: Any) -> Done[_Recorded]:
    """Worker: the pieces' states, then the change (one write task: nothing runs between)."""
    before = library.pieces.states(piece_ids)
    done = fn(*args, **kwargs)
    left = library.pieces.versions_of(piece_ids) if not done.changes.empty else {}
    return Done(_Recorded(done.value, before if not done.changes.empty else (), left), done.changes)


def _put_back(library: Library, actor: Actor, step: UndoStep) -> Done[dict[int, int]]:
    """Worker: undo ``step`` unless someone changed its pieces since; the versions it leaves."""
    done = library.pieces.put_back(actor, step.states, seen=step.left)
    return Done(library.pieces.versions_of([s.piece_id for s in step.states]), done.changes)


class UndoStack(QObject):
    """The session's undoable changes, newest last. ``changed`` fires when the top changes."""

    changed = Signal()

    def __init__(self, app: AppContext, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.steps: list[UndoStep] = []

    @property
    def label(self) -> str:
        """The next undo, "" when there is none."""
        return self.steps[-1].label if self.steps else ""

    def run(self, label: str, piece_ids: Sequence[int], fn: Callable[..., Any], *args: Any,
            on_done: Optional[Callable[[Any], None]] = None,
            on_failed: Optional[Callable[[BaseException], None]] = None, failure_shows_user_errors: bool = False,
            **kwargs: Any) -> None:
        """Make a change that can be undone; ``on_done(value)`` gets what ``fn`` returned;
        ``on_failed(exc)`` tidies up after a failure (the window still shows the message, unless
        ``failure_shows_user_errors``: then the handler shows a user's error where they look)."""
        def done(recorded: _Recorded) -> None:
            if recorded.before:
                self.steps.append(UndoStep(label, recorded.before, recorded.left))
                del self.steps[:-MAX_STEPS]
                self.changed.emit()
            if on_done is not None:
                on_done(recorded.value)
        op = self.app.runner.op(_with_states, self.app.library, list(piece_ids), fn, *args, **kwargs).success(done)
        if on_failed is not None:
            op.failure(on_failed, shows_user_errors=failure_shows_user_errors)
        op.write()

    def undo(self) -> None:
        """Put back the pieces the latest change touched (nothing when there is none)."""
        if not self.steps:
            self.app.signals.status_message.emit("Nothing to undo.")
            return
        step = self.steps.pop()
        self.changed.emit()

        def undone(left: dict[int, int]) -> None:
            # each piece is now as the nearest change below left it, at a new version: that change
            # is undone from there (only a change by someone else in between refuses it)
            for pid, version in left.items():
                below = next((s for s in reversed(self.steps) if pid in s.left), None)
                if below is not None:
                    below.left[pid] = version
            self.app.signals.status_message.emit(f"Undone: {step.label}.")

        def failed(exc: BaseException) -> None:  # kept, so it can be tried again (the error is shown)
            if isinstance(exc, EditConflict):  # someone changed a piece since: never put back over it
                return
            self.steps.append(step)
            self.changed.emit()
        self.app.runner.op(_put_back, self.app.library, self.app.actor, step).success(
            undone).failure(failed, shows_user_errors=False).write()
