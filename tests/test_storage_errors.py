"""Storage failures reach the user as named errors, on SQLite and on PostgreSQL alike:
never a raw driver error. Every failure here is produced for real by the database."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import event, text

from enablement.errors import Busy, DiskFull, Offline, PermissionDenied, StorageError
from enablement.storage.engine import make_engine, read_session, sqlite_url, write_session
from enablement.storage.errors import storage_errors, translate
from enablement.storage.source import EngineSource, retrying
from tests import pg


def _sqlite_table(path: Path, busy_timeout_ms: int = 15_000):  # type: ignore[no-untyped-def]
    engine = make_engine(sqlite_url(path), busy_timeout_ms=busy_timeout_ms)
    with write_session(engine) as s:
        s.connection().exec_driver_sql("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    return engine


def test_sqlite_locked_by_another_writer_is_busy_after_waiting(tmp_path: Path) -> None:
    engine = _sqlite_table(tmp_path / "lib.db", busy_timeout_ms=200)
    other = sqlite3.connect(tmp_path / "lib.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Busy, match="busy"):
            with write_session(engine) as s:
                s.connection().exec_driver_sql("INSERT INTO notes (body) VALUES ('x')")
    finally:
        other.execute("ROLLBACK")
        other.close()
        engine.dispose()


def test_sqlite_full_is_disk_full(tmp_path: Path) -> None:
    engine = _sqlite_table(tmp_path / "lib.db")

    @event.listens_for(engine, "connect")
    def _small(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA max_page_count = 8")  # a disk with room for 8 pages

    engine.dispose()
    try:
        with pytest.raises(DiskFull, match="disk .* is full") as raised:
            with write_session(engine) as s:
                s.connection().exec_driver_sql("INSERT INTO notes (body) VALUES (?)", ("x" * 200_000,))
        assert isinstance(raised.value, StorageError)
    finally:
        engine.dispose()


def test_file_system_failures_are_named() -> None:
    import errno

    assert isinstance(translate(OSError(errno.ENOSPC, "No space left on device")), DiskFull)
    assert isinstance(translate(OSError(errno.EACCES, "Permission denied", "/lib")), StorageError)
    assert translate(ValueError("a bug")) is None


# --- PostgreSQL ---------------------------------------------------------------------------

@pytest.fixture
def pg_database() -> Iterator[str]:
    with pg.throwaway_database_url() as url:
        yield url


@pytest.fixture
def pg_role(pg_database: str) -> Iterator[tuple[str, str]]:
    """A login role with no privileges at all (unique name, dropped afterwards), and the
    URL that connects as it."""
    import psycopg

    role = f"enablement_norights_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute("CREATE TABLE pieces (id serial PRIMARY KEY, title text, owner text)")
        conn.execute("INSERT INTO pieces (title, owner) VALUES ('Security whitepaper', 'maya')")
        conn.execute("ALTER TABLE pieces ENABLE ROW LEVEL SECURITY")
        conn.execute("CREATE POLICY own_rows ON pieces USING (owner = current_user) "
                     "WITH CHECK (owner = current_user)")
    host_and_db = pg_database.split("@", 1)[1]
    try:
        yield role, f"postgresql://{role}@{host_and_db}"
    finally:
        with psycopg.connect(pg_database, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,))
            conn.execute("DROP TABLE pieces")
        with psycopg.connect(pg.ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_postgres_insufficient_privilege_is_permission_denied(pg_role: tuple[str, str]) -> None:
    _, url = pg_role
    engine = make_engine(url)
    try:
        with pytest.raises(PermissionDenied, match="does not let your role"):
            with read_session(engine) as s:
                s.connection().exec_driver_sql("SELECT title FROM pieces").all()
    finally:
        engine.dispose()


def test_postgres_row_level_security_violation_is_permission_denied(pg_database: str,
                                                                    pg_role: tuple[str, str]) -> None:
    import psycopg

    role, url = pg_role
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute(f'GRANT SELECT, INSERT ON pieces TO "{role}"')
        conn.execute(f'GRANT USAGE ON SEQUENCE pieces_id_seq TO "{role}"')
    engine = make_engine(url)
    try:
        with read_session(engine) as s:  # the policy hides other people's rows
            assert s.connection().exec_driver_sql("SELECT count(*) FROM pieces").scalar() == 0
        with pytest.raises(PermissionDenied, match="change that row"):
            with write_session(engine) as s:
                s.connection().exec_driver_sql("INSERT INTO pieces (title, owner) VALUES ('Mine', 'maya')")
    finally:
        engine.dispose()


def test_postgres_refused_connection_is_offline() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:1/enablement?connect_timeout=3")
    try:
        with pytest.raises(Offline, match="cannot be reached"):
            with read_session(engine) as s:
                s.connection().exec_driver_sql("SELECT 1")
    finally:
        engine.dispose()


def test_postgres_lost_connection_is_offline(pg_database: str) -> None:
    import psycopg

    engine = make_engine(pg_database)
    try:
        with pytest.raises(Offline):
            with read_session(engine) as s:
                conn = s.connection()
                pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                with psycopg.connect(pg.ADMIN_URL, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                conn.exec_driver_sql("SELECT 1").all()
    finally:
        engine.dispose()


def test_postgres_serialization_failure_is_busy(pg_database: str) -> None:
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as setup:
        setup.execute("CREATE TABLE counters (id int PRIMARY KEY, n int)")
        setup.execute("INSERT INTO counters VALUES (1, 0)")
    engine = make_engine(pg_database)
    try:
        with pytest.raises(Busy, match="clashing change"):
            with storage_errors(), engine.connect() as conn:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    conn.execute(text("SELECT n FROM counters WHERE id = 1")).scalar()
                    with psycopg.connect(pg_database, autocommit=True) as other:
                        other.execute("UPDATE counters SET n = n + 1 WHERE id = 1")
                    conn.execute(text("UPDATE counters SET n = n + 1 WHERE id = 1"))
    finally:
        engine.dispose()


def _counter_database(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as setup:
        setup.execute("CREATE TABLE counters (id int PRIMARY KEY, n int)")
        setup.execute("INSERT INTO counters VALUES (1, 0)")


def test_a_transaction_the_server_aborted_is_retried_whole(pg_database: str) -> None:
    """A real serialization failure on the first try; the second try starts afresh and
    commits, so the count is right (one increment from us, one from the other writer)."""
    import psycopg

    _counter_database(pg_database)
    engine = make_engine(pg_database)
    source = EngineSource(engine.execution_options(isolation_level="REPEATABLE READ"))
    tries = 0
    try:
        for attempt in retrying(pause=0.01):
            with attempt, source.write() as w:
                tries += 1
                conn = w.session.connection()
                n = conn.execute(text("SELECT n FROM counters WHERE id = 1")).scalar()
                if tries == 1:
                    with psycopg.connect(pg_database, autocommit=True) as other:
                        other.execute("UPDATE counters SET n = n + 1 WHERE id = 1")
                conn.execute(text("UPDATE counters SET n = :n WHERE id = 1"), {"n": n + 1})
        with read_session(engine) as s:
            assert s.connection().exec_driver_sql("SELECT n FROM counters").scalar() == 2
        assert tries == 2
    finally:
        engine.dispose()


def test_a_transaction_that_keeps_clashing_ends_busy(pg_database: str) -> None:
    import psycopg

    _counter_database(pg_database)
    engine = make_engine(pg_database)
    source = EngineSource(engine.execution_options(isolation_level="REPEATABLE READ"))
    tries = 0
    try:
        with pytest.raises(Busy, match="clashing change"):
            for attempt in retrying(attempts=3, pause=0.01):
                with attempt, source.write() as w:
                    tries += 1
                    conn = w.session.connection()
                    conn.execute(text("SELECT n FROM counters WHERE id = 1")).scalar()
                    with psycopg.connect(pg_database, autocommit=True) as other:
                        other.execute("UPDATE counters SET n = n + 1 WHERE id = 1")
                    conn.execute(text("UPDATE counters SET n = n + 1 WHERE id = 1"))
        assert tries == 3
    finally:
        engine.dispose()
