"""Undo for the changes marketing makes to pieces (publish, archive, restore, tag and metadata
edits, bulk tagging and bulk publishing), until the app closes.

A change that can be undone runs through ``UndoStack.run``: on the write lane, the pieces'
states are read (``PieceService.states``) just before the change, in the same task; when the
change went through, they are kept on the stack. ``undo`` puts the latest back
(``PieceService.put_back``): status, publication, metadata and every tag, exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from PySide6.QtCore import QObject, Signal

from enablement.models.dto import Done, PieceState
from enablement.services.library import Library

if TYPE_CHECKING:
    from .context import AppContext

MAX_STEPS = 50


@dataclass(frozen=True)
class UndoStep:
    label: str  # what is undone, as a verb phrase: "publish 3 pieces", "tag edits"
    states: tuple[PieceState, ...]


@dataclass(frozen=True)
class _Recorded:
    value: Any
    before: tuple[PieceState, ...]


def _with_states(library: Library, piece_ids: Sequence[int], fn: Callable[..., Any], *args: Any,
                 **kwargs: Any) -> Done[_Recorded]:
    """Worker: the pieces' states, then the change (one write task: nothing runs between)."""
    before = library.pieces.states(piece_ids)
    done = fn(*args, **kwargs)
    return Done(_Recorded(done.value, before if not done.changes.empty else ()), done.changes)


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
            on_done: Optional[Callable[[Any], None]] = None, **kwargs: Any) -> None:
        """Make a change that can be undone; ``on_done(value)`` gets what ``fn`` returned."""
        def done(recorded: _Recorded) -> None:
            if recorded.before:
                self.steps.append(UndoStep(label, recorded.before))
                del self.steps[:-MAX_STEPS]
                self.changed.emit()
            if on_done is not None:
                on_done(recorded.value)
        self.app.runner.op(_with_states, self.app.library, list(piece_ids), fn, *args, **kwargs).success(
            done).write()

    def undo(self) -> None:
        """Put back the pieces the latest change touched (nothing when there is none)."""
        if not self.steps:
            self.app.signals.status_message.emit("Nothing to undo.")
            return
        step = self.steps.pop()
        self.changed.emit()

        def undone(_count: int) -> None:
            self.app.signals.status_message.emit(f"Undone: {step.label}.")

        def failed(_exc: BaseException) -> None:  # kept, so it can be tried again (the error is shown)
            self.steps.append(step)
            self.changed.emit()
        self.app.runner.op(self.app.library.pieces.put_back, self.app.actor, step.states).success(
            undone).failure(failed, shows_user_errors=False).write()
