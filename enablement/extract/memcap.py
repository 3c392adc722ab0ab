"""The memory cap of extraction workers, one way per operating system.

- ``rlimit`` (Linux): the worker caps its own address space (RLIMIT_AS); an allocation past
  the cap raises MemoryError and the worker reports "memory" before it exits.
- ``job`` (Windows): the worker puts itself in a Job Object with a per-process memory
  limit; allocations past it fail the same way.
- ``watchdog`` (macOS, where RLIMIT_AS is not enforced, and any other system): the parent
  samples each worker's resident memory and kills one that grows past the cap; the pool
  then reports the file as needing too much memory.

The pool picks ``default_guard()``; tests pass ``watchdog`` on Linux to prove that path.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Callable, Iterable

RLIMIT = "rlimit"
JOB = "job"
WATCHDOG = "watchdog"
GUARDS = (RLIMIT, JOB, WATCHDOG)
WATCH_INTERVAL = 0.05  # seconds between two samples of the workers' memory


def default_guard(platform: str = sys.platform) -> str:
    """How workers are capped on ``platform``."""
    if platform.startswith("linux"):
        return RLIMIT
    if platform == "win32":
        return JOB
    return WATCHDOG


def limit_own_memory(guard: str, memory_bytes: int) -> None:
    """In the worker: apply the cap that ``guard`` sets from inside (none for the watchdog)."""
    if not memory_bytes:
        return
    if guard == RLIMIT:
        _set_rlimit(memory_bytes)
    elif guard == JOB:
        _join_job_with_memory_limit(memory_bytes)


def _set_rlimit(memory_bytes: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):
        pass  # a lower hard limit already applies, or none can be set


# -- Windows: a Job Object with JOB_OBJECT_LIMIT_PROCESS_MEMORY (ctypes, no pywin32)

_DWORD = ctypes.c_uint32
JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x00000100
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9


class _BasicLimits(ctypes.Structure):  # JOBOBJECT_BASIC_LIMIT_INFORMATION
    _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                ("LimitFlags", _DWORD), ("MinimumWorkingSetSize", ctypes.c_size_t),
                ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", _DWORD),
                ("Affinity", ctypes.c_size_t), ("PriorityClass", _DWORD), ("SchedulingClass", _DWORD)]


class _IoCounters(ctypes.Structure):  # IO_COUNTERS
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]


class ExtendedLimits(ctypes.Structure):  # JOBOBJECT_EXTENDED_LIMIT_INFORMATION
    _fields_ = [("BasicLimitInformation", _BasicLimits), ("IoInfo", _IoCounters),
                ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]


def job_limits(memory_bytes: int) -> ExtendedLimits:
    """The limit information that caps each process of the job at ``memory_bytes`` (committed)."""
    info = ExtendedLimits()
    info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_PROCESS_MEMORY
    info.ProcessMemoryLimit = memory_bytes
    return info


def _join_job_with_memory_limit(memory_bytes: int) -> None:
    if sys.platform != "win32":
        return
    try:
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    except OSError:
        return
    handle = ctypes.c_void_p
    kernel32.CreateJobObjectW.restype = handle
    kernel32.CreateJobObjectW.argtypes = [ctypes.c_void_p, ctypes.c_wchar_p]
    kernel32.SetInformationJobObject.restype = ctypes.c_int
    kernel32.SetInformationJobObject.argtypes = [handle, ctypes.c_int, ctypes.c_void_p, _DWORD]
    kernel32.GetCurrentProcess.restype = handle
    kernel32.AssignProcessToJobObject.restype = ctypes.c_int
    kernel32.AssignProcessToJobObject.argtypes = [handle, handle]
    job = kernel32.CreateJobObjectW(None, None)
    if not job:
        return
    info = job_limits(memory_bytes)
    if kernel32.SetInformationJobObject(job, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
                                        ctypes.byref(info), ctypes.sizeof(info)):
        # Jobs nest since Windows 8, so this works inside a job a launcher made too.
        kernel32.AssignProcessToJobObject(job, kernel32.GetCurrentProcess())
    # The handle stays open for the life of the worker: the job lives as long as it does.


# -- The parent's watchdog (resident memory: /proc on Linux, psutil elsewhere)

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if sys.platform.startswith("linux") else 0

def resident_bytes(pid: int) -> int | None:
    """The resident memory of process ``pid`` (None when it is gone or cannot be read).

    Linux: one small read of /proc/PID/statm. The watchdog is a thread of the app and its
    first sample used to import psutil (~20 ms of the interpreter lock, just as an import
    ends and the window refreshes); psutil answers elsewhere."""
    if _PAGE_BYTES:
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * _PAGE_BYTES
        except (OSError, ValueError, IndexError):
            return None
    import psutil

    try:
        return int(psutil.Process(pid).memory_info().rss)
    except (psutil.Error, OSError):
        return None


class RssWatchdog:
    """A daemon thread that calls ``kill(key)`` for each watched process over ``memory_bytes``.

    ``targets()`` returns the ``(key, pid)`` pairs to watch at this moment; ``kill`` decides
    (under the caller's own lock) whether the process is still the one it meant.
    """

    def __init__(self, memory_bytes: int, targets: Callable[[], Iterable[tuple[object, int]]],
                 kill: Callable[[object, int], None], interval: float = WATCH_INTERVAL) -> None:
        self._cap = memory_bytes
        self._targets = targets
        self._kill = kill
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="enablement-memory-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(5.0)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            for key, pid in list(self._targets()):
                rss = resident_bytes(pid)
                if rss is not None and rss > self._cap:
                    self._kill(key, pid)
