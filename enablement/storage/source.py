"""The data-source seam: services read through ``read()`` and write through ``write()``.

A ``UnitOfWork`` is one write transaction plus the change-set it made. When it commits,
the source hands that change-set to its commit hook (the library's cache hook), so every
derived cache (search index, popularity, thumbnails, taxonomy) follows the change in one
place, whoever wrote it.

Embedded mode reads and writes the one SQLite library (``EngineSource``). Team mode routes
``read()`` to the laptop's replica, ``write()`` to the server and ``queue()`` (a person's own
use, searches, requests) to the replica and its outbox (``enablement.team.replica``).
"""

from __future__ import annotations

import time
from contextlib import contextmanager, nullcontext
from datetime import date
from types import TracebackType
from typing import Callable, ContextManager, Iterator, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from enablement.errors import Busy
from enablement.models.changes import Changes
from enablement.models.dto import TaxonomyInfo
from enablement.storage.engine import read_session, write_session

CommitHook = Callable[[Changes], None]


class UnitOfWork:
    """One open write transaction. ``session`` is for repositories; ``record`` adds to the
    change-set that the commit hook receives once the transaction has committed."""

    def __init__(self, session: Session, deferred: bool = False) -> None:
        self.session = session
        self.changes = Changes()
        # The rows wait in a team laptop's outbox: a new file's bytes travel with them at the
        # next sync, not now (``BlobStore.send_in`` is not called).
        self.deferred = deferred

    def record(self, changes: Changes) -> Changes:
        """Add ``changes`` to this unit's change-set; returns the whole change-set so far."""
        self.changes = self.changes | changes
        return self.changes


class DataSource(Protocol):
    """Where a library's rows are read from and written to."""

    @property
    def engine(self) -> Engine:
        """The engine reads go to (reports aggregate on it)."""
        ...

    def read(self) -> ContextManager[Session]:
        """A read-only session; rows become DTOs before it closes."""
        ...

    def write(self) -> ContextManager[UnitOfWork]:
        """One write transaction; the commit hook sees its change-set after commit."""
        ...

    def queue(self) -> ContextManager[UnitOfWork]:
        """A write that may wait for the server: a person's own use, searches and requests
        (append-only or personal, so conflict-free). A team replica stores it and its outbox
        entry in one local transaction; embedded mode simply writes it."""
        ...

    def catch_up(self) -> None:
        """Bring what ``read()`` sees up to what ``write()`` writes to (after an edit was refused
        because someone else changed the row, the reload must show their change). Embedded:
        one database, nothing to do; team: pull from the server now (quietly when offline)."""
        ...

    def batch(self) -> ContextManager[Callable[[], None]]:
        """Bulk work of this thread (many write transactions, e.g. an import): a team replica
        pulls the server's rows back once at the end, not after each write. Yields a
        ``settle`` that brings what was written so far in now (a no-op in embedded mode,
        where every write is already local)."""
        ...


class ReadContext(Protocol):
    """What read-only aggregations (reports, the journey map) need from an open library."""

    @property
    def engine(self) -> Engine: ...

    def today(self) -> date: ...

    def taxonomy(self) -> TaxonomyInfo: ...


class EngineSource:
    """Embedded mode: reads and writes on one engine (the SQLite library file)."""

    def __init__(self, engine: Engine, on_commit: CommitHook | None = None) -> None:
        self._engine = engine
        self.on_commit = on_commit

    @property
    def engine(self) -> Engine:
        return self._engine

    def read(self) -> ContextManager[Session]:
        return read_session(self._engine)

    @contextmanager
    def _write(self) -> Iterator[UnitOfWork]:
        with write_session(self._engine) as session:
            unit = UnitOfWork(session)
            yield unit
        # Committed: only now may derived caches follow (a rolled-back change never reaches them).
        if self.on_commit is not None and not unit.changes.empty:
            self.on_commit(unit.changes)

    def write(self) -> ContextManager[UnitOfWork]:
        return self._write()

    def queue(self) -> ContextManager[UnitOfWork]:
        return self._write()

    def catch_up(self) -> None:
        """Reads and writes are the same database."""

    def batch(self) -> ContextManager[Callable[[], None]]:
        return nullcontext(_nothing)


def _nothing() -> None:
    pass


class Attempt:
    """One try of a transaction inside ``retrying``: it swallows a retryable ``Busy`` (the
    server aborted the whole transaction) unless it is the last try."""

    def __init__(self, last: bool) -> None:
        self.last = last
        self.succeeded = False

    def __enter__(self) -> "Attempt":
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> bool:
        if exc is None:
            self.succeeded = True
            return False
        return isinstance(exc, Busy) and exc.retryable and not self.last


def retrying(attempts: int = 3, pause: float = 0.05) -> Iterator[Attempt]:
    """Run a transaction again when the server aborted it (serialization failure, deadlock):
    ``for attempt in retrying(): with attempt, ctx.write() as w: ...``. The body must be
    safe to repeat from the start (no effects outside the transaction before it commits).
    The last failure is raised as ``Busy``."""
    for n in range(attempts):
        attempt = Attempt(last=n == attempts - 1)
        yield attempt
        if attempt.succeeded:
            return
        time.sleep(pause * (2 ** n))
