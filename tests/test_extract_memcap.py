"""The workers' memory cap on every OS: the Linux rlimit, the Windows Job Object limit and
the parent's RSS watchdog (macOS). The watchdog runs here with the rlimit switched off.

Misbehaviour comes from ``tests.filemaker_hooks:by_name`` (chosen by file-name prefix).
"""

from __future__ import annotations

import ctypes
import resource
import sys
from pathlib import Path

import pytest

from enablement.config import ImportLimits
from enablement.extract import ExtractionPool
from enablement.extract import memcap

HOOK = "tests.filemaker_hooks:by_name"
CAP = 300 * 1024 * 1024

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="proves both paths on Linux")


def _file(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text(f"contents of {name}", encoding="utf-8")
    return path


def test_each_system_gets_its_own_guard() -> None:
    assert memcap.default_guard("linux") == memcap.RLIMIT
    assert memcap.default_guard("win32") == memcap.JOB
    assert memcap.default_guard("darwin") == memcap.WATCHDOG
    assert memcap.default_guard("freebsd14") == memcap.WATCHDOG


@pytest.mark.parametrize("guard", [memcap.RLIMIT, memcap.WATCHDOG])
def test_the_rlimit_is_set_only_on_the_rlimit_path(tmp_path: Path, guard: str) -> None:
    with ExtractionPool(ImportLimits(memory_bytes=CAP), workers=1, parser_override=HOOK,
                        memory_guard=guard) as pool:
        pool.submit("probe", _file(tmp_path, "rlimit.txt"))
        (_, result), = list(pool.results())
    soft = int(result.detail.removeprefix("address space limit "))
    if guard == memcap.RLIMIT:
        assert soft == CAP
    else:
        assert soft == resource.getrlimit(resource.RLIMIT_AS)[0] != CAP  # the parent's: switched off


def test_the_watchdog_kills_a_worker_that_grows_past_the_cap(tmp_path: Path) -> None:
    files = {"hog": _file(tmp_path, "hog.txt"), "after": _file(tmp_path, "after.txt"),
             "crash": _file(tmp_path, "crash.txt"), "last": _file(tmp_path, "last.txt")}
    with ExtractionPool(ImportLimits(memory_bytes=CAP), workers=1, parser_override=HOOK,
                        memory_guard=memcap.WATCHDOG) as pool:
        for key, path in files.items():
            pool.submit(key, path)
        results = dict(pool.results())
    assert (results["hog"].outcome, results["hog"].detail) == ("failed", "needed more than 300 MB of memory")
    assert results["hog"].file_type == "txt"
    assert results["after"].text == "contents of after.txt"  # a fresh worker took over
    # A worker that dies on its own is still a crash, not a memory breach.
    assert (results["crash"].outcome, results["crash"].detail) == ("failed", "the reader crashed")
    assert results["last"].text == "contents of last.txt"


def test_an_unknown_guard_is_refused() -> None:
    with pytest.raises(ValueError):
        ExtractionPool(ImportLimits(), memory_guard="none")


@pytest.mark.skipif(ctypes.sizeof(ctypes.c_size_t) != 8, reason="the layout checked is the 64-bit one")
def test_the_job_object_limit_matches_the_windows_layout() -> None:
    # JOBOBJECT_EXTENDED_LIMIT_INFORMATION on x64: 64 bytes of basic limits, 48 of I/O
    # counters, then four SIZE_Ts; ProcessMemoryLimit sits at offset 112.
    info = memcap.job_limits(CAP)
    assert ctypes.sizeof(memcap._BasicLimits) == 64
    assert ctypes.sizeof(info) == 144
    assert memcap.ExtendedLimits.ProcessMemoryLimit.offset == 112
    assert memcap._BasicLimits.LimitFlags.offset == 16
    assert info.BasicLimitInformation.LimitFlags == 0x100
    assert info.ProcessMemoryLimit == CAP


def test_resident_memory_is_read_as_psutil_reads_it_and_a_gone_process_has_none() -> None:
    """The watchdog's sample (Linux: /proc/PID/statm, no psutil import in the app's thread)."""
    import subprocess
    import time

    import psutil

    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(40 * 2 ** 20); time.sleep(30)"])
    try:
        for _ in range(100):  # until the child holds its 40 MB
            if psutil.Process(child.pid).memory_info().rss > 40 * 2 ** 20:
                break
            time.sleep(0.1)
        sampled = memcap.resident_bytes(child.pid)
        assert sampled is not None and sampled > 40 * 2 ** 20
        assert abs(sampled - psutil.Process(child.pid).memory_info().rss) < 4 * 2 ** 20
    finally:
        child.kill()
        child.wait()
    assert memcap.resident_bytes(child.pid) is None
