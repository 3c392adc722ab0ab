"""PDF pages to pixels in a sandboxed worker process: a time limit, a memory cap, kill on breach.

Previews and thumbnails draw untrusted PDFs. The drawing (QtPdf, i.e. pdfium) happens in a
worker process of its own, never in the app: a file that hangs it, eats memory or crashes it
costs that worker, which is killed and replaced, and the app is told why in one line.

- Time: each request has ``limits.timeout_seconds``; past it the worker is killed.
- Memory: an RSS watchdog (``memcap.RssWatchdog``) kills a worker past ``limits.memory_bytes``
  on every system. RLIMIT_AS cannot be used here: pdfium reserves gigabytes of address space
  up front, and under any address-space cap the renderer aborts before drawing anything.
- What comes back is checked, never trusted: one JSON header, then for each page exactly
  width × height × 4 bytes of plain pixels (no image format for the app to decode), each
  page at the asked width and at most ``MAX_ASPECT`` times as tall.

``renderer_override`` ("package.module:function") names the drawing function the worker
imports: the desktop app's QtPdf drawer (``ui/pdf_pages.py``: the core imports no Qt), or
for tests a renderer that hangs, allocates, crashes or lies.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from enablement.config import ImportLimits
from enablement.extract import memcap
from enablement.extract.sandbox import CRASHED, out_of_memory, timed_out
from enablement.errors import PageDrawingFailed as RenderFailed
from enablement.models.dto import PAGE_MAX_ASPECT as MAX_ASPECT
from enablement.models.dto import PAGE_UNDRAWABLE as DAMAGED
from enablement.models.dto import PageImage, PageImages

_CTX = get_context("spawn")
_STARTUP_SECONDS = 60.0  # a fresh interpreter importing Qt, on a busy machine
MAX_PAGES = 50  # pages one request may ask for
MAX_WIDTH = 4096  # pixels
MALFORMED = "the renderer returned malformed data"

# (path, pages wanted, width) -> (page count, [(width, height, pixels)]); raises on a bad file
# (path, pages, width[, words to mark]) → (page count, [(width, height, pixels)])
DrawFunc = Callable[..., tuple[int, list[tuple[int, int, bytes]]]]
MAX_MARKED_WORDS = 20


def render_worker_main(conn: Connection, renderer_override: str) -> None:
    """Serve render requests on ``conn`` until told to stop (None) or the parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
    draw = _load_drawer(renderer_override)
    conn.send_bytes(json.dumps({"ready": True}).encode())
    while True:
        try:
            job = conn.recv()  # from the trusted parent: (path, pages, width, words) or None
        except (EOFError, OSError):
            return
        if job is None:
            return
        path, pages, width, words = job
        try:
            # words to mark on the pages go only to a drawer that marks them
            count, drawn = draw(path, pages, width, words) if words else draw(path, pages, width)
        except RenderFailed as exc:
            conn.send_bytes(json.dumps({"problem": str(exc)}).encode())
            continue
        except MemoryError:
            return  # not worth reusing: the parent sees EOF and says so
        except Exception as exc:  # a bug on our side; the parent still gets an answer
            conn.send_bytes(json.dumps({"problem": f"renderer error ({type(exc).__name__})"}).encode())
            continue
        conn.send_bytes(json.dumps({"page_count": count, "sizes": [[w, h] for w, h, _ in drawn]}).encode())
        for _w, _h, pixels in drawn:
            conn.send_bytes(pixels)


def _load_drawer(renderer_override: str) -> DrawFunc:
    # Importing the drawer's module (Qt, for the app's drawer) happens before "ready": the
    # time limit measures drawing, not start-up.
    module_name, _, func_name = renderer_override.partition(":")
    drawer: DrawFunc = getattr(importlib.import_module(module_name), func_name)
    return drawer


class PageRenderer:
    """Renders PDF pages in one sandboxed worker process, one request at a time.

    Thread-safe (requests queue on a lock). The worker is started on first use, reused while
    it behaves, and killed and replaced after a timeout, a memory breach or a crash."""

    def __init__(self, limits: ImportLimits, *, renderer_override: str) -> None:
        self._limits = limits
        self._override = renderer_override
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._over_memory = False
        self._watchdog: memcap.RssWatchdog | None = None
        self._closed = False

    def render(self, path: str | os.PathLike[str], pages: int, width: int, words: Sequence[str] = ()) -> PageImages:
        """The first ``pages`` pages of the PDF at ``path``, ``width`` pixels wide, with
        ``words`` (a search hit's) marked where they stand on the pages."""
        words = tuple(str(w)[:100] for w in words if str(w).strip())[:MAX_MARKED_WORDS]
        if not 1 <= pages <= MAX_PAGES or not 1 <= width <= MAX_WIDTH:
            raise ValueError(f"render 1-{MAX_PAGES} pages, 1-{MAX_WIDTH} pixels wide")
        with self._lock:
            if self._closed:
                raise RuntimeError("the page renderer is closed")
            deadline = time.monotonic() + self._limits.timeout_seconds
            try:
                conn = self._worker()
                conn.send((os.fspath(path), pages, width, words))
                return self._receive(conn, pages, width, deadline)
            except _Breach as breach:
                self._kill()
                return PageImages(0, (), breach.problem)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._conn is not None and self._process is not None:
                try:
                    self._conn.send(None)  # a worker at rest leaves on its own
                    self._process.join(2.0)
                except OSError:
                    pass
            self._kill()
        if self._watchdog is not None:
            self._watchdog.stop()

    # -- internals (called with the lock held)

    def _worker(self) -> Connection:
        if self._process is not None and self._conn is not None and self._process.is_alive():
            return self._conn
        self._kill()
        parent_conn, child_conn = _CTX.Pipe(duplex=True)
        process = _CTX.Process(target=render_worker_main, name="enablement-render",
                               args=(child_conn, self._override), daemon=True)
        process.start()
        child_conn.close()  # so the parent sees EOF when the worker dies
        self._process, self._conn, self._over_memory = process, parent_conn, False
        if self._limits.memory_bytes and self._watchdog is None:
            self._watchdog = memcap.RssWatchdog(self._limits.memory_bytes, self._watched, self._kill_over_memory)
            self._watchdog.start()
        ready = self._message(parent_conn, time.monotonic() + _STARTUP_SECONDS, 1024)
        if not isinstance(ready, dict) or ready.get("ready") is not True:
            raise _Breach(CRASHED)
        return parent_conn

    def _receive(self, conn: Connection, pages: int, width: int, deadline: float) -> PageImages:
        header = self._message(conn, deadline, 64 * 1024)
        if not isinstance(header, dict):
            raise _Breach(MALFORMED)
        if "problem" in header:
            problem = header["problem"]
            return PageImages(0, (), problem[:300] if isinstance(problem, str) else MALFORMED)
        count, sizes = header.get("page_count"), header.get("sizes")
        if (type(count) is not int or count < 0 or not isinstance(sizes, list) or len(sizes) > min(pages, count)
                or not all(isinstance(s, list) and len(s) == 2 and s[0] == width and type(s[1]) is int
                           and 1 <= s[1] <= width * MAX_ASPECT for s in sizes)):
            raise _Breach(MALFORMED)
        out = []
        for w, h in sizes:
            pixels = self._bytes(conn, deadline, w * h * 4)
            if len(pixels) != w * h * 4:
                raise _Breach(MALFORMED)
            out.append(PageImage(w, h, pixels))
        return PageImages(count, tuple(out), "" if out or count == 0 else DAMAGED)

    def _message(self, conn: Connection, deadline: float, max_bytes: int) -> Any:
        try:
            return json.loads(self._bytes(conn, deadline, max_bytes).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _Breach(MALFORMED) from None

    def _bytes(self, conn: Connection, deadline: float, max_bytes: int) -> bytes:
        """The next message, waiting at most until ``deadline``; a breach otherwise."""
        try:
            if not conn.poll(max(0.0, deadline - time.monotonic())):
                raise _Breach(timed_out(self._limits))
            return conn.recv_bytes(max_bytes)
        except (EOFError, ConnectionError):
            raise _Breach(out_of_memory(self._limits) if self._over_memory else CRASHED) from None
        except OSError:  # a message longer than max_bytes
            raise _Breach(MALFORMED) from None

    def _watched(self) -> list[tuple[object, int]]:
        process = self._process
        if process is None or process.pid is None or not process.is_alive():
            return []
        return [(process, process.pid)]

    def _kill_over_memory(self, key: object, pid: int) -> None:
        """From the watchdog's thread: kill the worker past the cap (its pipe then says EOF)."""
        process = self._process
        if key is process and process is not None and process.pid == pid:
            self._over_memory = True
            process.kill()

    def _kill(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(2.0)
        if conn is not None:
            conn.close()


class _Breach(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
