"""Parsing in worker processes: a wall-clock timeout, a memory cap, kill on breach.

Each worker is a fresh interpreter (the "spawn" start method, never fork: no inherited
database handles, locks or threads). The memory cap is applied per operating system (see
``memcap``): by the worker itself on Linux and Windows, by an RSS watchdog here elsewhere. Workers are reused across files because starting
one costs 100-200 ms, but a worker that timed out, ran out of memory or crashed is killed
and replaced. The parent, not the worker, writes the timeout/memory/crash outcomes.

Each worker holds up to ``_DEPTH`` jobs: the one it parses and the next, already in its pipe,
so it goes on to the next file while the parent is still storing the last one. A job's time
limit runs from when the worker starts it (for the next job: when the previous result
arrives). A worker that is killed takes only the job it was parsing: the one waiting behind
it goes back to the queue.

``parser_override`` ("package.module:function") swaps the parser for tests that need a
file to hang, allocate or crash; it is only ever set explicitly by the caller.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path

from enablement.config import ImportLimits
from enablement.extract import memcap, wire
from enablement.extract.results import Extracted, failed
from enablement.extract.sniff import sniff_path
from enablement.extract.worker import worker_main

_CTX = get_context("spawn")
_STARTUP_SECONDS = 60.0  # a fresh interpreter importing the parsers, on a busy machine
_JOIN_SECONDS = 2.0
_DEPTH = 2  # jobs a worker holds: the one it parses and the next
CRASHED = "the reader crashed"
TOO_MUCH = "the reader returned too much data"


def timed_out(limits: ImportLimits) -> str:
    """The detail written when a file exceeds the time limit."""
    return f"timed out after {limits.timeout_seconds:g} s"


def out_of_memory(limits: ImportLimits) -> str:
    """The detail written when a file exceeds the memory limit."""
    return f"needed more than {limits.memory_bytes // (1024 * 1024):,} MB of memory"


@dataclass
class _Job:
    id: int
    key: Hashable
    path: str


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    jobs: deque[_Job] = field(default_factory=deque)  # the first is the one being parsed
    deadline: float = 0.0  # of the first job
    doomed: bool = False  # killed by cancel(); reaped by the thread that owns the loop
    over_memory: bool = False  # killed by the memory watchdog
    broken: bool = False  # its pipe refused a next job: it died; its current job's result tells how

    @property
    def job(self) -> _Job | None:
        """The job being parsed (None when idle)."""
        return self.jobs[0] if self.jobs else None


class ExtractionPool:
    """Extract many files concurrently in ``workers`` sandboxed processes.

    ``submit`` jobs, then iterate ``results()`` for ``(key, Extracted)`` in completion
    order. ``cancel()`` may be called from another thread: it drops pending jobs, kills
    running ones, makes a running ``results()`` return, and returns the keys that will
    get no result. The pool can be reused after a cancel.
    """

    def __init__(self, limits: ImportLimits, workers: int | None = None, *,
                 parser_override: str | None = None, memory_guard: str | None = None) -> None:
        """``memory_guard`` (one of ``memcap.GUARDS``) defaults to this system's way."""
        self._limits = limits
        self._guard = memory_guard or memcap.default_guard()
        if self._guard not in memcap.GUARDS:
            raise ValueError(f"unknown memory guard {self._guard!r}")
        self._watchdog: memcap.RssWatchdog | None = None
        self._size = max(1, workers or os.cpu_count() or 1)
        self._override = parser_override
        self._max_bytes = wire.max_message_bytes(limits)
        self._lock = threading.Lock()
        self._pending: deque[_Job] = deque()
        self._done: deque[tuple[Hashable, Extracted]] = deque()  # collected, not yet yielded
        self._workers: list[_Worker] = []
        self._wake_r, self._wake_w = _CTX.Pipe(duplex=False)
        self._wake_sent = False
        self._next_id = 0
        self._generation = 0
        self._closed = False

    def __enter__(self) -> "ExtractionPool":
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self.cancel()
        self.close()

    def submit(self, key: Hashable, path: str | os.PathLike[str]) -> None:
        """Queue ``path``; its result is yielded by ``results()`` under ``key``."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the extraction pool is closed")
            self._next_id += 1
            self._pending.append(_Job(self._next_id, key, os.fspath(Path(path).absolute())))
            self._wake()

    def results(self) -> Iterator[tuple[Hashable, Extracted]]:
        """Yield ``(key, Extracted)`` as jobs complete, until none is pending or running.

        Leaving the loop early is fine: unfinished jobs keep running and a later call
        yields their results.
        """
        with self._lock:
            generation = self._generation
        while True:
            with self._lock:
                if generation != self._generation or self._closed:
                    self._reap()
                    return
                item = self._done.popleft() if self._done else None
            if item is not None:
                yield item  # outside the lock: the consumer may submit or cancel
                continue
            with self._lock:
                self._reap()
                self._dispatch()
                busy = [w for w in self._workers if w.job is not None]
                if not busy and not self._pending:
                    return
                waitables: list[Connection | int] = [self._wake_r]
                for w in busy:
                    waitables += [w.conn, w.process.sentinel]
                timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic()) if busy else None
            ready = wait(waitables, timeout)
            with self._lock:
                while self._wake_r.poll():
                    self._wake_r.recv_bytes()
                self._wake_sent = False
                if generation == self._generation:
                    self._done.extend(self._collect(set(ready)))
                    self._dispatch()  # before the caller stores what was collected

    def cancel(self) -> tuple[Hashable, ...]:
        """Drop pending jobs and kill running ones; return the keys left without a result.

        Results collected but not yet yielded are dropped too (their keys are returned).
        """
        with self._lock:
            self._generation += 1
            keys = [key for key, _ in self._done] + [job.key for job in self._pending]
            self._done.clear()
            self._pending.clear()
            for w in self._workers:
                if w.jobs:
                    keys += [job.key for job in w.jobs]
                    w.jobs.clear()
                    w.doomed = True
                    w.process.kill()  # only a signal; the fds are closed by _reap
            self._wake()
            return tuple(keys)

    def close(self) -> None:
        """Stop every worker (idle ones politely, busy ones by force) and free the pool."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._pending.clear()
            self._done.clear()
            for w in self._workers:
                if not w.jobs and not w.doomed:
                    try:
                        w.conn.send(None)
                    except OSError:
                        pass
                else:
                    w.process.kill()
            deadline = time.monotonic() + _JOIN_SECONDS
            for w in self._workers:
                w.process.join(max(0.0, deadline - time.monotonic()))
                self._retire(w, remove=False)
            self._workers.clear()
            self._pending.clear()  # (what the killed workers held came back to it)
            self._wake_r.close()
            self._wake_w.close()
        if self._watchdog is not None:
            self._watchdog.stop()

    # -- internals (called with the lock held)

    def _wake(self) -> None:
        # One byte in flight at most: thousands of submits must not fill the pipe
        # (a full pipe would block submit() while it holds the lock).
        if self._wake_sent:
            return
        try:
            self._wake_w.send_bytes(b"!")
            self._wake_sent = True
        except OSError:
            pass

    def _spawn(self) -> _Worker:
        parent_conn, child_conn = _CTX.Pipe(duplex=True)
        process = _CTX.Process(target=worker_main, name="enablement-extract",
                               args=(child_conn, self._limits, self._override, self._guard), daemon=True)
        process.start()
        child_conn.close()  # so the parent sees EOF when the child dies
        worker = _Worker(process, parent_conn)
        self._workers.append(worker)
        if self._guard == memcap.WATCHDOG and self._limits.memory_bytes and self._watchdog is None:
            self._watchdog = memcap.RssWatchdog(self._limits.memory_bytes, self._watched, self._kill_over_memory)
            self._watchdog.start()
        return worker

    def _watched(self) -> list[tuple[object, int]]:
        """The workers the watchdog samples (called from its thread)."""
        with self._lock:
            return [(w, w.process.pid) for w in self._workers
                    if not w.doomed and not w.over_memory and w.process.pid is not None]

    def _kill_over_memory(self, worker: object, pid: int) -> None:
        """Called from the watchdog's thread: kill a worker past the cap, if it is still ours."""
        with self._lock:
            if worker in self._workers and isinstance(worker, _Worker) and worker.process.pid == pid:
                worker.over_memory = True
                worker.process.kill()  # its sentinel wakes the loop; _receive reports the memory
                if not worker.jobs:
                    worker.doomed = True  # idle: just replace it
                self._wake()

    def _dispatch(self) -> None:
        for w in self._workers:
            if w.job is None and not w.doomed and not w.process.is_alive():
                w.doomed = True  # died while idle (killed from outside): replace it
        self._reap()
        while self._pending:
            worker = self._least_busy()
            if worker is None:
                return
            job = self._pending.popleft()
            try:
                worker.conn.send((job.id, job.path))
            except OSError:
                self._pending.appendleft(job)
                if worker.jobs:
                    worker.broken = True  # the loop collects its current job, then retires it
                else:
                    self._retire(worker)
                continue
            worker.jobs.append(job)
            if len(worker.jobs) == 1:
                self._started(worker)

    def _least_busy(self) -> _Worker | None:
        """An idle worker, else a new one while there is room, else one that can take a
        next job; None when every worker holds ``_DEPTH`` jobs."""
        live = [w for w in self._workers if not w.doomed and not w.broken]
        idle = [w for w in live if not w.jobs]
        if idle:
            return idle[-1]
        if len(self._workers) < self._size:
            return self._spawn()
        return next((w for w in live if len(w.jobs) < _DEPTH), None)

    def _started(self, w: _Worker) -> None:
        """The worker's first job starts now: its time limit runs from here."""
        limit = self._limits.timeout_seconds if w.ready else _STARTUP_SECONDS
        w.deadline = time.monotonic() + limit

    def _collect(self, ready: set[object]) -> list[tuple[Hashable, Extracted]]:
        done: list[tuple[Hashable, Extracted]] = []
        for w in [w for w in self._workers if w.jobs]:
            woken = w.conn in ready or w.process.sentinel in ready
            while w.jobs:
                job = w.jobs[0]
                result: Extracted | None = None
                if woken or w.conn.poll():
                    result = self._receive(w, job)
                elif time.monotonic() >= w.deadline:
                    result = failed(timed_out(self._limits) if w.ready else "the reader did not start")
                    self._retire(w)
                if result is None:
                    break
                if result.outcome == "failed" and result.file_type is None:
                    result = replace(result, file_type=self._sniffed_type(job.path))
                done.append((job.key, result))
                if w.jobs and w.jobs[0] is job:  # (a retired worker's jobs are gone already)
                    w.jobs.popleft()
                    if w.jobs:
                        self._started(w)
                    elif w.broken:
                        self._retire(w)
                woken = False
        return done

    def _receive(self, w: _Worker, job: _Job) -> Extracted | None:
        """Read one message from a busy worker; None while only "ready" has arrived."""
        while True:
            try:
                if not w.conn.poll():
                    if w.process.is_alive():
                        return None
                    raise EOFError
                message = wire.decode(w.conn.recv_bytes(self._max_bytes))
            except (EOFError, ConnectionError):
                self._retire(w)
                return failed(out_of_memory(self._limits) if w.over_memory else CRASHED)
            except OSError:
                self._retire(w)
                return failed(TOO_MUCH)
            if message is None:
                self._retire(w)
                return failed(wire.MALFORMED)
            if message.get("ready") is True and not w.ready:
                w.ready = True
                w.deadline = time.monotonic() + self._limits.timeout_seconds
                continue
            if message.get("job") != job.id:
                self._retire(w)
                return failed(wire.MALFORMED)
            if message.get("memory") is True:
                self._retire(w)
                return failed(out_of_memory(self._limits))
            return wire.to_extracted(message.get("result"), self._limits)

    def _sniffed_type(self, path: str) -> str | None:
        """The type of a file whose worker died, so the caller can still keep it as a piece.

        Sniffing only reads bounded amounts (see ``sniff``), so it is safe in the parent.
        """
        try:
            return sniff_path(Path(path), self._limits).file_type
        except Exception:  # the file may be gone or unreadable by now
            return None

    def _reap(self) -> None:
        for w in [w for w in self._workers if w.doomed]:
            self._retire(w)

    def _retire(self, w: _Worker, remove: bool = True) -> None:
        """Stop ``w`` for good; the jobs waiting behind the one it was parsing go back to
        the front of the queue (the caller reports on the one it was parsing)."""
        if len(w.jobs) > 1:
            self._pending.extendleft(reversed(list(w.jobs)[1:]))
        w.jobs.clear()
        if w.process.is_alive():
            w.process.kill()
        w.process.join(_JOIN_SECONDS)
        w.conn.close()
        try:
            w.process.close()
        except ValueError:
            pass  # still running after SIGKILL and a join: leave it to the OS
        if remove and w in self._workers:
            self._workers.remove(w)


def extract_file_sandboxed(path: str | os.PathLike[str], limits: ImportLimits, *,
                           parser_override: str | None = None) -> Extracted:
    """Extract one file in a fresh worker process and wait for the outcome."""
    with ExtractionPool(limits, 1, parser_override=parser_override) as pool:
        pool.submit(0, path)
        for _, result in pool.results():
            return result
    return failed(CRASHED)
