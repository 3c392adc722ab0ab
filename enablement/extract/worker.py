"""The worker process: receive a path, parse it, send back plain JSON.

Runs in a fresh interpreter (spawn). It caps its own memory (Linux, Windows; see memcap), ignores
Ctrl+C (the parent owns shutdown), and exits after a MemoryError so that a process in an
unknown state is never reused.
"""

from __future__ import annotations

import importlib
import logging
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from enablement.config import ImportLimits
from enablement.extract import memcap, wire
from enablement.extract.results import Extracted, failed

ParseFunc = Callable[[Path, ImportLimits], Extracted]


def worker_main(conn: Connection, limits: ImportLimits, parser_override: str | None,
                memory_guard: str = memcap.RLIMIT) -> None:
    """Serve jobs on ``conn`` until told to stop (None) or the parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    memcap.limit_own_memory(memory_guard, limits.memory_bytes)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged files are expected here
    parse = _load_parser(parser_override)
    conn.send_bytes(wire.encode({"ready": True}))
    while True:
        try:
            job = conn.recv()  # from the trusted parent: (job id, path) or None to stop
        except (EOFError, OSError):
            return
        if job is None:
            return
        job_id, path = job
        try:
            message = wire.result_message(job_id, parse(Path(path), limits))
        except MemoryError:
            message = None
        except Exception as exc:  # a bug on our side; the parent still gets an answer
            message = wire.result_message(job_id, failed(f"reader error ({type(exc).__name__})"))
        if message is None:
            # Report and exit: after a MemoryError this process is not worth reusing.
            conn.send_bytes(wire.encode({"job": job_id, "memory": True}))
            return
        conn.send_bytes(message)


def _load_parser(parser_override: str | None) -> ParseFunc:
    if parser_override:
        module_name, _, func_name = parser_override.partition(":")
        return getattr(importlib.import_module(module_name), func_name)
    from enablement.extract.pipeline import run_extraction

    # Warm up before "ready", so a job's timeout measures parsing, not imports: the parsers
    # and PDF's (most files). The Office and HTML libraries (~0.2 s of CPU a worker) load with
    # the first file that needs them, within that file's time limit.
    for module in ("enablement.extract.parsers", "enablement.extract.pdf"):
        try:
            importlib.import_module(module)
        except ImportError:
            pass  # the job that needs it will fail with a clear reason
    return run_extraction
