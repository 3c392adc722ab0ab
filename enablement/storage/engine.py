"""Database engines and sessions.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions start
with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes fails at once
with "database is locked" under contention, an immediate one waits its turn.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlmodel import Session, create_engine

from enablement.storage.errors import storage_errors

BUSY_TIMEOUT_MS = 15_000


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS, read_only: bool = False) -> Engine:
    """Build the engine for ``url`` (SQLite file or PostgreSQL) with our connection rules.
    A SQLite writer that finds the library locked waits up to ``busy_timeout_ms`` (the
    retry) before the write fails as ``Busy``. ``read_only``: every connection refuses writes
    (a SQLite file is opened with ``mode=ro``; PostgreSQL transactions are read-only)."""
    if url.startswith("sqlite"):
        if read_only:
            url = _read_only_sqlite(url)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if read_only:
        return create_engine(url, pool_pre_ping=True,
                             connect_args={"options": "-c default_transaction_read_only=on"})
    return create_engine(url, pool_pre_ping=True)


def _read_only_sqlite(url: str) -> str:
    """``sqlite:///PATH`` as a URI that opens the file read-only."""
    path = make_url(url).database
    if not path or path == ":memory:":
        raise ValueError("a read-only engine needs a database file")
    return f"sqlite:///file:{quote(str(Path(path).resolve()))}?mode=ro&uri=true"


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own
        # transaction handling would emit a deferred BEGIN).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")
        if mode == "IMMEDIATE":
            _mend_after_schema_change(conn)


def _mend_after_schema_change(conn: Connection) -> None:
    """At the start of a write: when the schema changed since this connection last looked (one
    PRAGMA otherwise), mend what a hand edit may have broken, so that bookkeeping of the
    search index never makes a write fail (``search_repo.mend_change_log``)."""
    info = conn.connection.info
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar()
    if info.get("schema_version") != version:
        from enablement.storage.search_repo import mend_change_log

        mend_change_log(conn)
        info["schema_version"] = conn.exec_driver_sql("PRAGMA schema_version").scalar()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; rows must be turned into DTOs before it closes."""
    with storage_errors():
        with Session(engine, expire_on_commit=False) as session:
            yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed on success, rolled back on any error."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
    with storage_errors():
        with Session(bind, expire_on_commit=False) as session:
            with session.begin():
                yield session
