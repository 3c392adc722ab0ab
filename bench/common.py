"""Shared helpers: run configuration, timing statistics, child processes, memory readings.

Every measurement that reports memory runs in its own child process (``python -m bench.child
<task> <json>``) so that its peak (``VmHWM``) belongs to that measurement alone.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass
class Config:
    """What one ``python -m bench`` run does."""

    quick: bool
    out: Path                      # RESULTS.md and results.json go here
    cache: Path                    # generated corpora, files and libraries (reused between runs)
    sizes: tuple[int, ...]         # search sizes (pieces)
    import_files: int
    events: int
    report_pieces: int
    app_pieces: int
    queries_per_kind: int
    seed: int = 20261101
    postgres_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    engine: str = "auto"           # search: the library's search_engine setting (auto picks by size)
    log: list[str] = field(default_factory=list)

    @classmethod
    def make(cls, quick: bool, out: Path, cache: Path | None, sizes: Sequence[int] | None) -> "Config":
        if quick:
            return cls(quick=True, out=out, cache=cache or out / "cache", sizes=tuple(sizes or (300,)),
                       import_files=60, events=50_000, report_pieces=300, app_pieces=300,
                       queries_per_kind=15)
        return cls(quick=False, out=out, cache=cache or out / "cache", sizes=tuple(sizes or (1_000, 10_000, 50_000)),
                   import_files=1_000, events=1_000_000, report_pieces=10_000, app_pieces=10_000,
                   queries_per_kind=60)


def say(text: str) -> None:
    """Progress on stderr (results never go to stdout of a child)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# --- statistics ---------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), nearest-rank on sorted values (no interpolation)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summarize_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/max/mean in milliseconds of a list of durations in seconds."""
    ms = [s * 1000 for s in seconds]
    if not ms:
        return {"n": 0}
    return {"n": len(ms), "p50": round(percentile(ms, 50), 3), "p95": round(percentile(ms, 95), 3),
            "max": round(max(ms), 3), "mean": round(sum(ms) / len(ms), 3)}


# --- memory -----------------------------------------------------------------------------------

def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS / VmHWM (bytes) of a process, from /proc (Linux)."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "VmPeak", "VmSize", "RssAnon", "RssFile"):
                out[key] = int(rest.split()[0]) * 1024
    except OSError:
        pass
    return out


def rss_mb(pid: int | str = "self") -> float:
    return round(proc_status(pid).get("VmRSS", 0) / 2**20, 1)


def thread_sched_ms() -> tuple[float, float]:
    """(ms on a CPU, ms waiting for one) of the calling thread so far (Linux schedstat; zeros
    elsewhere). Over a late heartbeat, the waiting part is the machine's other work keeping the
    thread off the CPUs; what is neither was the thread blocked (the interpreter lock, I/O)."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as f:
            on_cpu, waiting, _ = f.read().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(on_cpu) / 1e6, int(waiting) / 1e6


def peak_mb(pid: int | str = "self") -> float:
    return round(proc_status(pid).get("VmHWM", 0) / 2**20, 1)


def children_peak_mb() -> float:
    """The largest peak RSS among waited-for child processes (extraction workers)."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def dir_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).stat().st_size
            except OSError:
                pass
    return total


# --- children ---------------------------------------------------------------------------------

class ChildFailed(RuntimeError):
    """The code under test crashed in a child process."""


def cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its ended children (for an import:
    the extraction workers and the index's child writer); far steadier than wall time on a
    busy machine."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def run_child(task: str, args: dict[str, Any], timeout: float = 3600, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``bench.child`` task in a fresh interpreter; return its JSON result."""
    cmd = [PYTHON, "-m", "bench.child", task, json.dumps(args)]
    full_env = dict(os.environ)
    full_env.setdefault("QT_QPA_PLATFORM", "offscreen")
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    if env:
        full_env.update(env)
    proc = subprocess.run(cmd, cwd=REPO, env=full_env, stdout=subprocess.PIPE, stderr=None, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise ChildFailed(f"bench child '{task}' exited with {proc.returncode}")
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise ChildFailed(f"bench child '{task}' printed no result")
    return json.loads(lines[-1])


# --- machine ----------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    import sqlite3

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    info: dict[str, Any] = {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(mem / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }
    info["postgresql"] = postgres_version()
    info["code"] = code_version()
    for name in ("whoosh", "tantivy", "PySide6", "sqlalchemy", "pypdf"):
        info[name] = package_version(name)
    return info


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it (read-only git)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.rstrip()
        except (OSError, subprocess.SubprocessError):
            return ""
    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = [line[3:] for line in git("status", "--porcelain", "--", "enablement", "ui", "main.py", "db").splitlines()]
    return head + (f" + uncommitted changes in {len(dirty)} files ({', '.join(dirty[:4])}{'…' if len(dirty) > 4 else ''})"
                   if dirty else "")


def package_version(name: str) -> str:
    from importlib import metadata

    dist = {"whoosh": "whoosh-reloaded", "tantivy": "tantivy", "PySide6": "PySide6",
            "sqlalchemy": "SQLAlchemy", "pypdf": "pypdf"}.get(name, name)
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def postgres_version(url: str = "postgresql://postgres@127.0.0.1:5432/postgres") -> str:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else "?"
    except Exception as exc:  # noqa: BLE001 - a missing server is reported, not fatal
        return f"unavailable ({type(exc).__name__})"


def chunked(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def evict_from_page_cache(*paths: Path) -> int:
    """Drop the clean cached pages of every file under ``paths`` (posix_fadvise DONTNEED).

    Works without privileges and touches only these files: a stand-in for "first start after
    a reboot" for the library's own files. Returns the number of files advised."""
    count = 0
    for base in paths:
        base = Path(base)
        files = [base] if base.is_file() else [Path(r) / f for r, _d, fs in os.walk(base) for f in fs]
        for path in files:
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            except OSError:
                pass
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                count += 1
            except (OSError, AttributeError):
                pass
            finally:
                os.close(fd)
    return count
