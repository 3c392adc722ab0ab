"""A throw-away PostgreSQL cluster that asks for SCRAM passwords: ``initdb`` in a temporary
folder, ``scram-sha-256`` for every connection, a free port; stopped and removed afterwards.
(As root, the server runs as the ``postgres`` system user: PostgreSQL refuses root.)"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

SUPERUSER_PASSWORD = "dba-Secret-4242"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


@dataclass(frozen=True)
class Cluster:
    port: int
    folder: Path

    def url(self, user: str, database: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"


@contextmanager
def scram_cluster() -> Iterator[Cluster]:
    bindir = _bindir()
    if bindir is None:
        message = "initdb is not installed (PostgreSQL server binaries)"
        if os.environ.get("ENABLEMENT_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="enablement-scram-"))
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    (folder / "pw").write_text(SUPERUSER_PASSWORD + "\n")
    if as_root:
        shutil.chown(folder, "postgres")
        shutil.chown(folder / "pw", "postgres")
    data = folder / "data"
    port = free_port()
    subprocess.run(prefix + [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--pwfile", str(folder / "pw"),
                             "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8",
                             "--no-sync"], check=True, capture_output=True)
    (folder / "pw").unlink()
    subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-w", "-t", "30", "-l", str(folder / "log"),
                             "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"],
                   check=True, capture_output=True)
    try:
        yield Cluster(port, folder)
    finally:
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
