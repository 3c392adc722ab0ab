"""One task runner: a read pool and a one-thread write lane.

Every task ends in exactly one of ``finished(result)`` or ``error(exc)``, delivered on
the GUI thread. Nothing in a task's ``run()`` touches a widget. Views call
``runner.read(fn, on_done, on_error)`` for queries and ``runner.write(...)`` for changes;
writes run one at a time, in order (the database has one writer lane too).
``runner.latest(key, fn, on_done, on_error, ...)`` is for queries that follow the user's
typing: at most one runs per key, and only the newest request waits behind it (see there).

``runner.op(fn, *args)`` is the one way pages and dialogs call a service: a small builder
(``.success(...)``, ``.failure(...)``, ``.progress(...)``, ``.quiet(reason)``) started with
``.write()``, ``.read()`` or ``.latest(key)``. It announces a returned change-set to the
window's routing and reports failures by one rule (see ``Op``).

``SyncTaskRunner`` runs tasks inline; UI tests use it so flows are deterministic. While it
runs a task's function it marks the thread as "in a task" (``in_task``), so a test can tell
a worker's database access from a widget's.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Optional

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from enablement.errors import UserFacingError
from enablement.models.changes import Changes
from enablement.models.dto import Done

log = logging.getLogger(__name__)
_task_state = threading.local()


TRACEBACK_ATTRIBUTE = "__traceback_text__"  # what the error dialog and the log show for a bug


def remember_traceback(exc: BaseException) -> None:
    """Keep the traceback's text on the exception, for the GUI thread that reports it."""
    setattr(exc, TRACEBACK_ATTRIBUTE, traceback.format_exc())  # an attribute of our own on any exception


def traceback_text(exc: BaseException) -> str:
    """The text kept by ``remember_traceback`` (the exception's repr when there is none)."""
    text = getattr(exc, TRACEBACK_ATTRIBUTE, "")
    return text if isinstance(text, str) and text else repr(exc)


def in_task() -> bool:
    """True while this thread runs a task's function (a pool thread, or a synchronous runner)."""
    return getattr(_task_state, "depth", 0) > 0

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class TaskSignals(QObject):
    """Signals of one task (composition: QRunnable is not a QObject)."""

    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class Task(QRunnable):
    """Runs ``fn(*args, **kwargs)`` off the GUI thread and reports the result once."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = TaskSignals()
        self.cancel_event = threading.Event()

    def run(self) -> None:  # noqa: D401 - Qt API
        try:
            result = _call_in_task(self.fn, self.args, self.kwargs)
        except BaseException as exc:  # every failure is reported, never swallowed
            remember_traceback(exc)
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class TaskHandle:
    """What the caller keeps: cancel a long task, or listen to its progress."""

    def __init__(self, task: Optional[Task], cancel_event: threading.Event) -> None:
        self._task = task
        self.cancel_event = cancel_event

    def cancel(self) -> None:
        self.cancel_event.set()


@dataclass
class _Request:
    """One ``latest`` call, kept until it can start."""

    fn: Callable[..., Any]
    on_done: Optional[Callback]
    on_error: Optional[ErrorCallback]
    args: tuple
    kwargs: dict


@dataclass
class _Lane:
    """The one running request of a ``latest`` key, and the newest request waiting behind it."""

    handle: Optional[TaskHandle] = None
    waiting: Optional[_Request] = None
    superseded: int = 0  # requests dropped since this one started (for the log)


class TaskRunner(QObject):
    """The app's only way to run work off the GUI thread."""

    busy_changed = Signal(int)  # number of tasks under way (for the status bar)
    task_failed = Signal(object)  # errors nobody handled: the window shows them
    changes_done = Signal(object)  # a Changes set an operation returned: the app routes it to the views

    def __init__(self, parent: Optional[QObject] = None, read_threads: int = 4) -> None:
        super().__init__(parent)
        self.read_pool = QThreadPool(self)
        self.read_pool.setMaxThreadCount(read_threads)
        self.write_pool = QThreadPool(self)
        self.write_pool.setMaxThreadCount(1)
        self._busy = 0
        self._alive: set[Task] = set()
        self._lanes: dict[Hashable, _Lane] = {}

    def read(self, fn: Callable[..., Any], on_done: Optional[Callback] = None,
             on_error: Optional[ErrorCallback] = None, *args: Any,
             progress: Optional[Callable[[int, int, str], None]] = None, **kwargs: Any) -> TaskHandle:
        return self._start(self.read_pool, fn, on_done, on_error, args, kwargs, progress)

    def write(self, fn: Callable[..., Any], on_done: Optional[Callback] = None,
              on_error: Optional[ErrorCallback] = None, *args: Any,
              progress: Optional[Callable[[int, int, str], None]] = None, **kwargs: Any) -> TaskHandle:
        return self._start(self.write_pool, fn, on_done, on_error, args, kwargs, progress)

    def op(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> "Op":
        """An operation: ``fn(*args, **kwargs)`` once started (see ``Op``)."""
        return Op(self, fn, args, kwargs)

    def latest(self, key: Hashable, fn: Callable[..., Any], on_done: Optional[Callback] = None,
               on_error: Optional[ErrorCallback] = None, *args: Any, **kwargs: Any) -> None:
        """Latest wins: run ``fn`` on the read pool, at most one task per ``key`` at a time.

        While a task of ``key`` runs, a new request only waits, replacing any request already
        waiting (that one never runs and its callbacks are never called). When the running task
        ends and a request is waiting, its result (or error) is stale: it is dropped, the running
        task's cancel event is set as soon as it is superseded, and the waiting request starts.
        Otherwise the result or error is delivered as ``read`` would. So while the user types,
        one search at most competes with the GUI thread for the GIL, and the last keystroke's
        query always runs to the end.
        """
        request = _Request(fn, on_done, on_error, args, kwargs)
        lane = self._lanes.get(key)
        if lane is not None:
            lane.waiting = request
            lane.superseded += 1
            if lane.handle is not None:
                lane.handle.cancel()  # a service that watches ``cancel`` may stop early
            return
        self._start_latest(key, request)

    def latest_busy(self, key: Hashable) -> bool:
        """Whether a task of ``key`` is running (a request may be waiting behind it)."""
        return key in self._lanes

    def _start_latest(self, key: Hashable, request: _Request) -> None:
        lane = _Lane()
        self._lanes[key] = lane

        def ended(deliver: Callable[[], None], failure: Optional[BaseException] = None) -> None:
            del self._lanes[key]
            waiting = lane.waiting
            if waiting is None:
                deliver()
                return
            if failure is not None:
                log.info("superseded %r task failed (not shown): %s", key,
                         traceback_text(failure))
            log.debug("dropped the stale result of %r (%d newer requests)", key, lane.superseded)
            self._start_latest(key, waiting)

        def done(result: Any) -> None:
            ended(lambda: None if request.on_done is None else request.on_done(result))

        def failed(exc: BaseException) -> None:
            report = request.on_error or self.task_failed.emit
            ended(lambda: report(exc), exc)

        handle = self.read(request.fn, done, failed, *request.args, **request.kwargs)
        if key in self._lanes and self._lanes[key] is lane:  # still running (a SyncTaskRunner has ended it)
            lane.handle = handle

    def _start(self, pool: QThreadPool, fn: Callable[..., Any], on_done: Optional[Callback],
               on_error: Optional[ErrorCallback], args: tuple, kwargs: dict,
               progress: Optional[Callable[[int, int, str], None]]) -> TaskHandle:
        task = Task(fn, *args)
        kwargs = dict(kwargs)
        if "cancel" in kwargs and kwargs["cancel"] is None:
            kwargs["cancel"] = task.cancel_event  # the service watches the handle's event
        if progress is not None:
            task.signals.progress.connect(progress)
            if "progress" in _params(fn):
                signals = task.signals
                kwargs["progress"] = lambda done, total, text="": signals.progress.emit(done, total, str(text))
        task.kwargs = kwargs
        self._alive.add(task)
        self._set_busy(+1)

        def finished(result: Any) -> None:
            self._done(task)
            if on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            self._done(task)
            if on_error is not None:
                on_error(exc)
            else:
                self.task_failed.emit(exc)

        task.signals.finished.connect(finished)
        task.signals.failed.connect(failed)
        pool.start(task)
        return TaskHandle(task, task.cancel_event)

    def _done(self, task: Task) -> None:
        self._alive.discard(task)
        self._set_busy(-1)

    def _set_busy(self, delta: int) -> None:
        self._busy += delta
        self.busy_changed.emit(self._busy)

    @property
    def busy(self) -> int:
        return self._busy

    def wait_idle(self, msecs: int = 30_000) -> bool:
        """Block until all tasks ended (shutdown and tests only, never in a view)."""
        return self.read_pool.waitForDone(msecs) and self.write_pool.waitForDone(msecs)


class SyncTaskRunner(TaskRunner):
    """Runs every task inline on the calling thread (tests): same callbacks, same order."""

    def _start(self, pool: QThreadPool, fn: Callable[..., Any], on_done: Optional[Callback],
               on_error: Optional[ErrorCallback], args: tuple, kwargs: dict,
               progress: Optional[Callable[[int, int, str], None]]) -> TaskHandle:
        cancel_event = threading.Event()
        if "cancel" in kwargs and kwargs["cancel"] is None:
            kwargs["cancel"] = cancel_event
        if progress is not None and "progress" in _params(fn):
            kwargs["progress"] = lambda done, total, text="": progress(done, total, str(text))
        self._set_busy(+1)
        try:
            result = _call_in_task(fn, args, kwargs)
        except BaseException as exc:
            remember_traceback(exc)
            self._set_busy(-1)
            if on_error is not None:
                on_error(exc)
            else:
                self.task_failed.emit(exc)
            return TaskHandle(None, cancel_event)
        self._set_busy(-1)
        if on_done is not None:
            on_done(result)
        return TaskHandle(None, cancel_event)


def _call_in_task(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    _task_state.depth = getattr(_task_state, "depth", 0) + 1
    try:
        return fn(*args, **kwargs)
    finally:
        _task_state.depth -= 1


class Op:
    """One service call from a page or dialog, in the manner of Anki's ``CollectionOp``::

        app.runner.op(app.library.pieces.publish, app.actor, piece_id).success(shown).write()

    - A result that is a ``Done`` (or a bare ``Changes``) has its change-set announced to the
      window's routing first (``TaskRunner.changes_done``); ``success`` then gets ``done.value``
      (``None`` for a bare ``Changes``). Any other result goes to ``success`` as it is.
    - A ``UserFacingError`` goes to the ``failure`` handler when there is one (it shows the
      message where the user is looking), otherwise to the window as a clear message (also
      when the handler only tidies up: ``failure(fn, shows_user_errors=False)``).
    - Any other exception is a bug: the ``failure`` handler may tidy up (stop a progress bar),
      and the bug is always reported to the window's report dialog as well.
    - ``quiet(reason)`` is for calls whose failure must not interrupt the user (a thumbnail,
      a background log line): the error is logged with its traceback and the reason, and a
      ``failure`` handler still runs. The reason is required so silence is always explained.
    """

    def __init__(self, runner: TaskRunner, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        self.runner = runner
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self._success: Optional[Callback] = None
        self._failure: Optional[ErrorCallback] = None
        self._failure_shows = True
        self._progress: Optional[Callable[[int, int, str], None]] = None
        self._quiet_reason = ""

    def success(self, fn: Callback) -> "Op":
        self._success = fn
        return self

    def failure(self, fn: ErrorCallback, shows_user_errors: bool = True) -> "Op":
        """``fn(exc)`` on failure. With ``shows_user_errors=False`` it only tidies up (closes a
        dialog, stops a bar) and a user's error is still shown by the window."""
        self._failure = fn
        self._failure_shows = shows_user_errors
        return self

    def progress(self, fn: Callable[[int, int, str], None]) -> "Op":
        self._progress = fn
        return self

    def quiet(self, reason: str) -> "Op":
        if not reason.strip():
            raise ValueError("a quiet operation says why its failures are not shown")
        self._quiet_reason = reason
        return self

    def write(self) -> TaskHandle:
        """Run on the write lane (one change at a time, in order)."""
        return self.runner.write(self.fn, self._done, self._failed, *self.args, progress=self._progress,
                                 **self.kwargs)

    def read(self) -> TaskHandle:
        """Run on the read pool."""
        return self.runner.read(self.fn, self._done, self._failed, *self.args, progress=self._progress,
                                **self.kwargs)

    def latest(self, key: Hashable) -> None:
        """Run on the read pool, latest wins per ``key`` (a superseded call reports nothing)."""
        self.runner.latest(key, self.fn, self._done, self._failed, *self.args, **self.kwargs)

    def _done(self, result: Any) -> None:
        if isinstance(result, Done):
            changes: Optional[Changes] = result.changes
            value = result.value
        elif isinstance(result, Changes):
            changes, value = result, None
        else:
            changes, value = None, result
        if changes is not None and not changes.empty:
            self.runner.changes_done.emit(changes)
        if self._success is not None:
            self._success(value)

    def _failed(self, exc: BaseException) -> None:
        user_error = isinstance(exc, UserFacingError)
        if self._failure is not None:
            self._failure(exc)
        if self._quiet_reason:
            log.warning("%s failed (%s): %s", getattr(self.fn, "__qualname__", self.fn), self._quiet_reason,
                        traceback_text(exc))
            return
        if user_error and self._failure is not None and self._failure_shows:
            return  # the handler showed it where the user is looking
        self.runner.task_failed.emit(exc)


def _params(fn: Callable[..., Any]) -> set[str]:
    import inspect

    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()
