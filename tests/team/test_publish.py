"""``team publish`` of the demo library: every row, file and use reaches the server; counts,
file hashes and all nine reports are equal; a run killed in the middle completes on the next
run without duplicates; every person gets a working login."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.services.demo import create_demo_library
from enablement.services.reports_service import REPORTS
from enablement.team.library import open_team_library
from enablement.team.publish import publish_library
from tests.pg import ADMIN_URL, _admin_connection
from tests.team.server import drop_roles_with

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
HOST = ADMIN_URL.split("@", 1)[1].rsplit("/", 1)[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "library"
    create_demo_library(root).close()
    return root


@contextmanager
def empty_server() -> Iterator[tuple[str, str]]:
    """(DBA URL of an empty database, the run's suffix); database and roles dropped after."""
    suffix = uuid.uuid4().hex[:10]
    name = f"enablement_pub_{suffix}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}", suffix
    finally:
        with _admin_connection() as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        drop_roles_with(suffix)


def test_publish_copies_everything_and_verifies(demo: Path, tmp_path: Path) -> None:
    with empty_server() as (url, suffix):
        report = publish_library(demo, url, prefix=f"t{suffix}", login_suffix=f"_{suffix}")
        assert report.verified, report.lines()
        assert report.reports_checked == len(REPORTS) == 9
        assert report.files_checked == report.counts["blobs"][0] > 0
        assert report.counts["usage_events"][0] > 100
        assert all(a == b for a, b in report.counts.values())
        with psycopg.connect(url) as dba:  # planner statistics exist, or reports crawl (bench reports)
            unanalyzed = dba.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NULL "
                                     "AND last_autoanalyze IS NULL AND schemaname IN ('public', 'app')").fetchall()
            assert unanalyzed == []
        logins = {name: login for name, login, _ in report.logins}
        assert len(logins) == report.counts["users"][0]
        assert all(len(password) >= 16 for _, _, password in report.logins)
        # each person now works as their own login (trust auth here; the password test is elsewhere)
        db = url.rsplit("/", 1)[1]
        with psycopg.connect(url) as dba:
            rep_name, manager_name = (dba.execute(f"SELECT name FROM users WHERE role = '{role}' AND active "
                                                  "ORDER BY id LIMIT 1").fetchone()[0]
                                      for role in ("rep", "manager"))
        lib, manager = open_team_library(f"postgresql://{logins[manager_name]}@{HOST}/{db}", tmp_path / "m",
                                         with_index=False)
        try:
            assert manager.name == manager_name
            used = lib.reports.run(manager, "used").to_dict()
        finally:
            lib.close()
        with create_demo_library(demo) as local:
            boss = local.users.actor(manager_name)
            assert local.reports.run(boss, "used").to_dict() == used
        lib, rep = open_team_library(f"postgresql://{logins[rep_name]}@{HOST}/{db}", tmp_path / "r",
                                     with_index=False)
        try:
            assert rep.role == "rep"
            seen = lib.pieces.list(statuses=None)
            with psycopg.connect(url) as dba:
                published = dba.execute("SELECT count(*) FROM pieces WHERE status = 'published'").fetchone()[0]
            assert sum(p.status == "published" for p in seen) == published
            assert all(p.status == "published" or p.source == "rep" for p in seen)
        finally:
            lib.close()
        # publishing again changes nothing and still verifies
        again = publish_library(demo, url, prefix=f"t{suffix}", login_suffix=f"_{suffix}", verify_reports=False)
        assert again.verified and again.logins == [] and again.counts == report.counts


def _server_count(url: str, table: str) -> int:
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except psycopg.Error:
        return 0


def test_a_publish_killed_in_the_middle_completes_on_the_next_run(demo: Path, tmp_path: Path) -> None:
    with empty_server() as (url, suffix):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update({"XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")})
        child = subprocess.Popen([sys.executable, "-m", "enablement", "--library", str(demo), "team", "publish",
                                  "--url", url, "--prefix", f"t{suffix}", "--login-suffix", f"_{suffix}"],
                                 cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while _server_count(url, "blobs") < 2 and child.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            killed_mid_way = child.poll() is None
            child.send_signal(signal.SIGKILL)
        finally:
            child.wait()
        assert killed_mid_way, "the publish finished before it could be killed"
        files_before = _server_count(url, "blobs")
        report = publish_library(demo, url, prefix=f"t{suffix}", login_suffix=f"_{suffix}")
        assert report.verified, report.lines()
        assert report.counts["blobs"][1] >= files_before
        with psycopg.connect(url) as conn:
            dupes = conn.execute("SELECT count(*) - count(DISTINCT (sha256, n)) FROM app.blob_chunks").fetchone()[0]
            assert dupes == 0
            assert conn.execute("SELECT count(*) FROM users WHERE login IS NULL").fetchone()[0] == 0


def test_a_stopped_publish_keeps_whole_steps_and_completes_on_the_next_run(demo: Path) -> None:
    import threading

    with empty_server() as (url, suffix):
        cancel = threading.Event()
        seen: list[str] = []

        def progress(done: int, total: int, label: str) -> None:
            seen.append(label)
            if done == 2:
                cancel.set()  # the person clicks Stop while the second file goes up
        report = publish_library(demo, url, prefix=f"t{suffix}", login_suffix=f"_{suffix}", progress=progress,
                                 cancel=cancel)
        assert report.stopped and not report.verified and report.logins == []
        assert report.lines()[0].startswith("Stopped before the end.")
        assert seen[-1].startswith("file 2 of ")  # stopped after the file under way, not later
        assert _server_count(url, "blobs") == 2
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM pieces").fetchone()[0] == 0  # the catalog never started
        again = publish_library(demo, url, prefix=f"t{suffix}", login_suffix=f"_{suffix}")
        assert again.verified, again.lines()
        with psycopg.connect(url) as conn:
            dupes = conn.execute("SELECT count(*) - count(DISTINCT (sha256, n)) FROM app.blob_chunks").fetchone()[0]
            assert dupes == 0
            assert conn.execute("SELECT count(*) FROM users WHERE login IS NULL").fetchone()[0] == 0
