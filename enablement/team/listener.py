"""Live changes: one connection per laptop listens on the team library's change channel.

A plain thread holds one autocommit connection, runs ``LISTEN <prefix>_changes`` and loops on
``conn.notifies(timeout=…)``; when the line has been quiet for ``heartbeat_s`` it sends a
``SELECT 1`` so a dead connection is found. A lost connection is retried with backoff and
jitter; each (re)connect runs LISTEN first, then asks for a pull, so nothing committed while
the line was down is missed (a NOTIFY is only a poke, the change log is the truth).

Notifications reach ``on_change`` debounced, on the listener's own worker thread: a burst of
commits becomes one call, at most ``debounce_s`` after the first poke. ``on_change`` gets
``"reconnect"`` when a (re)connect is among the pokes, else ``"notify"``; it is called again
if pokes arrive while it runs. ``stop()`` ends both threads.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from typing import Any, Callable

log = logging.getLogger(__name__)

NOTIFY = "notify"
RECONNECT = "reconnect"
ONLINE = "online"
OFFLINE = "offline"


class Debounced:
    """Calls ``fn(reason)`` on its own thread at most ``delay`` seconds after the first poke
    of a burst; pokes arriving during the call give one more call afterwards."""

    def __init__(self, fn: Callable[[str], None], delay: float, name: str = "enablement-debounce") -> None:
        self.fn = fn
        self.delay = delay
        self._cond = threading.Condition()
        self._reasons: set[str] = set()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def poke(self, reason: str) -> None:
        with self._cond:
            self._reasons.add(reason)
            self._cond.notify()

    def stop(self, timeout: float = 10.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._reasons and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                deadline = time.monotonic() + self.delay
                while not self._stopping and (left := deadline - time.monotonic()) > 0:
                    self._cond.wait(left)
                if self._stopping:
                    return
                reason = RECONNECT if RECONNECT in self._reasons else NOTIFY
                self._reasons.clear()
            try:
                self.fn(reason)
            except Exception:  # noqa: BLE001 - a failed pull is retried at the next poke or reconnect
                log.exception("handling a change from the team server failed")


class ChangeListener:
    """Listens for the team library's changes; see the module text.

    ``connect`` opens a new psycopg connection to the server as the person's login (the
    listener switches it to autocommit). ``on_state`` hears "online"/"offline"."""

    def __init__(self, connect: Callable[[], Any], on_change: Callable[[str], None], *,
                 debounce_s: float = 0.15, heartbeat_s: float = 15.0, poll_s: float = 0.5,
                 backoff_s: tuple[float, float] = (0.5, 30.0),
                 on_state: Callable[[str], None] | None = None) -> None:
        self._connect = connect
        self._debounced = Debounced(on_change, debounce_s)
        self.heartbeat_s = heartbeat_s
        self.poll_s = poll_s
        self.backoff_s = backoff_s
        self._on_state = on_state
        self._stop = threading.Event()
        self._conn: Any = None
        self._conn_lock = threading.Lock()
        self.state = OFFLINE
        self.connects = 0  # successful (re)connects, for status and tests
        self._thread = threading.Thread(target=self._run, name="enablement-listener", daemon=True)

    def start(self) -> "ChangeListener":
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """End the listener (a connection blocked on a dead network is cut at once)."""
        self._stop.set()
        with self._conn_lock:
            if self._conn is not None:
                _cut(self._conn)
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._debounced.stop(timeout)

    def __enter__(self) -> "ChangeListener":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            if self._on_state:
                try:
                    self._on_state(state)
                except Exception:  # noqa: BLE001 - a listener of the state must not end the thread
                    log.exception("reporting the team server's state failed")

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen()
                failures = 0
            except Exception as exc:  # noqa: BLE001 - any failure: offline, then retry
                if self._stop.is_set():
                    break
                failures += 1
                log.info("listening for team changes stopped (%s); retrying", " ".join(str(exc).split())[:160])
            self._set_state(OFFLINE)
            low, high = self.backoff_s
            wait = min(high, low * 2 ** min(failures, 16)) * random.uniform(0.5, 1.0)
            self._stop.wait(wait)

    def _listen(self) -> None:
        from psycopg import sql

        from enablement.team.names import RoleNames
        from enablement.team.server import read_prefix

        conn = self._connect()
        with self._conn_lock:
            if self._stop.is_set():
                conn.close()
                return
            self._conn = conn
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                prefix = read_prefix(cur)
            if prefix is None:
                raise RuntimeError("the database is not a team library")
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(RoleNames(prefix).channel)))
            self.connects += 1
            self._set_state(ONLINE)
            self._debounced.poke(RECONNECT)  # LISTEN first, then pull: nothing falls in between
            quiet_since = time.monotonic()
            while not self._stop.is_set():
                got = False
                for _ in conn.notifies(timeout=self.poll_s):
                    got = True
                    self._debounced.poke(NOTIFY)
                now = time.monotonic()
                if got:
                    quiet_since = now
                elif now - quiet_since >= self.heartbeat_s:
                    conn.execute("SELECT 1")
                    quiet_since = now
        finally:
            with self._conn_lock:
                self._conn = None
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing a dead connection
                pass


def _cut(conn: Any) -> None:
    """Shut the connection's socket down so a read blocked on a dead network returns now."""
    try:
        dup = socket.socket(fileno=os.dup(conn.fileno()))
    except (OSError, ValueError, Exception):  # noqa: BLE001 - already closed
        return
    try:
        dup.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        dup.close()


SYNCING = "syncing"


def live_changes(library: Any, on_state: Callable[[str], None] | None = None,
                 on_changes: Callable[[Any], None] | None = None, **options: Any) -> ChangeListener:
    """A started listener for a team library (``TeamLibrary``).

    Each burst of changes pulls into the replica; each (re)connect syncs (push what waits in
    the outbox, then pull: the server answers again). The change-set reaches the commit hook
    (index, caches) and then ``on_changes`` (the app's views). ``on_state`` hears "online" and
    "offline" from the line, and "syncing" while a pull or sync runs; a line that was online
    and is lost marks the replica offline at once (its status and the reason), so nobody waits
    for a command's time-out to find out. A sync that finds the server gone is left to the
    next reconnect. Every call comes from the listener's threads, never the caller's."""
    from enablement.errors import Offline
    from enablement.team.connection import ServerUnreachable
    from enablement.team.library import listen_connect

    def tell(state: str) -> None:
        if on_state is not None:
            on_state(state)

    def line(state: str) -> None:
        if state == OFFLINE:
            library.replica.mark_offline(ServerUnreachable("the connection to the team server was lost"))
        tell(state)

    def pull(reason: str) -> None:
        tell(SYNCING)
        try:
            if reason == RECONNECT:  # push before pull: the rep's own writes reach the server first
                report = library.connect(sync=True, raise_offline=True)
                changes = report.changes if report is not None else None
            else:
                changes = library.replica.pull()
        except Offline:
            log.info("sync after a change notice: the team server went away")
            tell(OFFLINE)
            return
        except BaseException:
            tell(ONLINE if library.replica.status != OFFLINE else OFFLINE)
            raise
        tell(OFFLINE if library.replica.status == OFFLINE else ONLINE)
        if on_changes is not None and changes is not None and not changes.empty:
            on_changes(changes)

    return ChangeListener(listen_connect(library.ctx.engine), pull, on_state=line, **options).start()
