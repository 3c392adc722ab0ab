"""The killable proxy the offline tests stand on: traffic passes, a kill cuts live connections
and refuses new ones, a restart on the same port serves again."""

from __future__ import annotations

import psycopg
import pytest

from tests.pg import ADMIN_URL
from tests.team.proxy import Proxy

pytestmark = pytest.mark.postgres

HOST, PORT = ADMIN_URL.split("@", 1)[1].rsplit("/", 1)[0].split(":")


def _url(port: int) -> str:
    return f"postgresql://postgres@127.0.0.1:{port}/postgres?connect_timeout=5"


def test_a_killed_proxy_cuts_and_refuses_and_a_restart_serves_again() -> None:
    with Proxy(HOST, int(PORT)) as proxy:
        conn = psycopg.connect(_url(proxy.port), autocommit=True)
        assert conn.execute("SELECT 41 + 1").fetchone() == (42,)
        proxy.kill()
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
        conn.close()
        with pytest.raises(psycopg.OperationalError, match="refused"):
            psycopg.connect(_url(proxy.port))
        proxy.start()
        with psycopg.connect(_url(proxy.port)) as again:
            assert again.execute("SELECT 1").fetchone() == (1,)
