"""Database engines and sessions.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions start
with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes fails at once
with "database is locked" under contention, an immediate one waits its turn.
"""

from __future__ import annotations

import errno
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from enablement.errors import StorageError

BUSY_TIMEOUT_MS = 15_000


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    """Build the engine for ``url`` (SQLite file or PostgreSQL) with our connection rules."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own
        # transaction handling would emit a deferred BEGIN).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; rows must be turned into DTOs before it closes."""
    with _translate_storage_errors():
        with Session(engine, expire_on_commit=False) as session:
            yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed on success, rolled back on any error."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
    with _translate_storage_errors():
        with Session(bind, expire_on_commit=False) as session:
            with session.begin():
                yield session


@contextmanager
def _translate_storage_errors() -> Iterator[None]:
    """Turn disk-full, read-only and locked-database failures into messages a user can act on."""
    try:
        yield
    except OperationalError as exc:
        text = str(exc.orig if exc.orig is not None else exc).lower()
        if "disk is full" in text or "database or disk is full" in text:
            raise StorageError("The disk holding the library is full; free some space and try again.") from exc
        if "readonly" in text or "read-only" in text:
            raise StorageError("The library is read-only here; check the folder's permissions.") from exc
        if "database is locked" in text:
            raise StorageError("The library is busy (another program is writing to it); try again in a moment.") from exc
        if "unable to open" in text:
            raise StorageError("The library database cannot be opened; check that its folder exists and is writable.") from exc
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StorageError("The disk holding the library is full; free some space and try again.") from exc
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise StorageError(f"Permission denied: {exc.filename or 'library folder'}") from exc
        raise
