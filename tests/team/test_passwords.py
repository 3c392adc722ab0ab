"""Password logins for real, against a throw-away cluster that demands SCRAM: the right
password works (given, from PGPASSWORD or from a .pgpass file), a wrong one is a clear
error, a reset takes effect, and the password is written nowhere on this machine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.errors import UserFacingError
from enablement.team.accounts import Accounts
from enablement.team.connection import LoginFailed, parse_server_url
from enablement.team.library import open_team_library
from enablement.team.server import init_server
from tests.team.cluster import SUPERUSER_PASSWORD, Cluster, scram_cluster

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with scram_cluster() as c:
        with psycopg.connect(c.url("postgres"), password=SUPERUSER_PASSWORD, autocommit=True) as conn:
            conn.execute("CREATE DATABASE lib")
        os.environ["PGPASSWORD"] = SUPERUSER_PASSWORD  # the DBA's, for init and add-user only
        try:
            init_server(c.url("postgres", "lib"), "ada", "Ada Admin")
        finally:
            del os.environ["PGPASSWORD"]
        yield c


def _add(cluster: Cluster, name: str, login: str, role: str, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        m.setenv("PGPASSWORD", SUPERUSER_PASSWORD)
        _, password = Accounts(parse_server_url(cluster.url("postgres", "lib"))).add(name, login, role)
    return password


def _cli(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    full.update({"XDG_STATE_HOME": str(home / "state"), "XDG_DATA_HOME": str(home / "data"),
                 "XDG_CONFIG_HOME": str(home / "config"), "HOME": str(home)}, **env)
    return subprocess.run([sys.executable, "-m", "enablement", *args], capture_output=True, text=True,
                          cwd=ROOT, env=full, timeout=60, stdin=subprocess.DEVNULL)


def _files_containing(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_right_password_works_and_is_stored_nowhere(cluster: Cluster, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    password = _add(cluster, "Rita Rep", "rita", "rep", monkeypatch)
    url = cluster.url("rita", "lib")
    lib, actor = open_team_library(url, tmp_path / "lib", password_sources=[lambda _: password], with_index=False)
    try:
        assert (actor.name, actor.role) == ("Rita Rep", "rep")
        assert lib.pieces.list() == []
        lib.usage.log_search(actor, "pricing", "", 0, [])
        assert len(lib.taxonomy.get().stages) == 7
    finally:
        lib.close()
    home = tmp_path / "home"
    done = _cli(["--server", url, "--library", str(tmp_path / "lib"), "list"], home, PGPASSWORD=password)
    assert done.returncode == 0, done.stderr
    # a .pgpass file works too (libpq's own)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{cluster.port}:lib:rita:{password}\n")
    pgpass.chmod(0o600)
    done = _cli(["list"], home, PGPASSFILE=str(pgpass), ENABLEMENT_SERVER=url,
                ENABLEMENT_LIBRARY=str(tmp_path / "lib"))
    assert done.returncode == 0, done.stderr
    pgpass.unlink()
    assert _files_containing(tmp_path, password) == []
    assert password not in done.stdout + done.stderr


def test_a_wrong_password_is_a_clear_error(cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    _add(cluster, "Ravi Rep", "ravi", "rep", monkeypatch)
    url = cluster.url("ravi", "lib")
    with pytest.raises(LoginFailed, match="refused the login 'ravi': wrong password"):
        open_team_library(url, tmp_path / "lib", password_sources=[lambda _: "not-the-password"])
    with pytest.raises(LoginFailed, match="needs a password for 'ravi'"):
        open_team_library(url, tmp_path / "lib", password_sources=[])
    done = _cli(["--server", url, "list"], tmp_path / "home", PGPASSWORD="not-the-password")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"enablement: The team server at 127.0.0.1:{cluster.port} refused the login 'ravi': wrong password "
        "(or no such login)."]


def test_a_reset_password_replaces_the_old_one_and_disabling_locks_out(cluster: Cluster, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    old = _add(cluster, "Mo Manager", "mo", "manager", monkeypatch)
    admin = Accounts(parse_server_url(cluster.url("postgres", "lib")), password=SUPERUSER_PASSWORD)
    new = admin.reset_password("mo")
    assert new != old
    url = cluster.url("mo", "lib")
    with pytest.raises(LoginFailed, match="wrong password"):
        open_team_library(url, tmp_path / "lib", password_sources=[lambda _: old], with_index=False)
    lib, actor = open_team_library(url, tmp_path / "lib", password_sources=[lambda _: new], with_index=False)
    lib.close()
    assert actor.role == "manager"
    admin.set_active("mo", False)
    with pytest.raises(UserFacingError, match="disabled"):
        open_team_library(url, tmp_path / "lib", password_sources=[lambda _: new], with_index=False)
    # the verifier on the server is SCRAM, never the password
    with psycopg.connect(cluster.url("postgres"), password=SUPERUSER_PASSWORD) as conn:
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'mo'").fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$") and new not in stored
