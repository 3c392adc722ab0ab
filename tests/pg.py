"""Throw-away PostgreSQL databases on the local server, for team-mode tests.

Where the server does not answer, tests skip with the reason — unless
ENABLEMENT_REQUIRE_POSTGRES=1 (set by .ci/run), where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest

ADMIN_URL = os.environ.get("ENABLEMENT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _require() -> bool:
    return os.environ.get("ENABLEMENT_REQUIRE_POSTGRES") == "1"


def _admin_connection():  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {ADMIN_URL.split('@')[-1]} is not reachable ({str(exc).strip()[:120]})"
        if _require():
            pytest.fail(message + " and ENABLEMENT_REQUIRE_POSTGRES=1 makes it required")
        pytest.skip(message)


@contextmanager
def throwaway_database_url() -> Iterator[str]:
    """Create a uniquely named database, yield its URL, drop it afterwards."""
    name = f"enablement_test_{uuid.uuid4().hex[:12]}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with _admin_connection() as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
