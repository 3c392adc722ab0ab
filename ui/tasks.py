"""One task runner: a read pool and a one-thread write lane.

Every task ends in exactly one of ``finished(result)`` or ``error(exc)``, delivered on
the GUI thread. Nothing in a task's ``run()`` touches a widget. Views call
``runner.read(fn, on_done, on_error)`` for queries and ``runner.write(...)`` for changes;
writes run one at a time, in order (the database has one writer lane too).
``runner.latest(key, fn, on_done, on_error, ...)`` is for queries that follow the user's
typing: at most one runs per key, and only the newest request waits behind it (see there).

``SyncTaskRunner`` runs tasks inline; UI tests use it so flows are deterministic.
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Optional

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

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
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # every failure is reported, never swallowed
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
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
                         getattr(failure, "__traceback_text__", repr(failure)))
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
            result = fn(*args, **kwargs)
        except BaseException as exc:
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
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


def _params(fn: Callable[..., Any]) -> set[str]:
    import inspect

    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()
