"""An event-loop probe for UI tests: a 5 ms heartbeat on the GUI thread; the longest gap between
two beats, less the interval, is the longest stall (the time the window could not repaint or
take a key). A watchdog thread samples the GUI thread's Python stack whenever a beat is overdue
by more than ``limit_ms``, so a stall names what the GUI thread was doing.

    probe = EventLoopProbe()
    probe.start("sync")      # every stall is counted under the current phase
    ...
    probe.phase("download")
    probe.stop()
    probe.max_stall_ms(), probe.io_stalls(), probe.report()

The longest stall is a measurement (the machine's load and other threads holding the GIL
count too); ``io_stalls`` is the check: the stalls during which the GUI thread itself was
waiting on a file, a database, the network or an import.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, Qt, QTimer

INTERVAL_MS = 5
# Set by a benchmark (bench/team_bench.py) that runs a UI test for its numbers: the file the
# test's probe writes its phases to.
RECORD_ENV = "ENABLEMENT_LOOP_PROBE_RECORD"
# Where a Python stack waits on I/O: databases, files, the network, processes, module imports.
IO_MARKERS = ("/sqlalchemy/", "/psycopg/", "sqlite3", "/whoosh/", "tantivy", "/enablement/storage/",
              "/enablement/team/", "importlib._bootstrap", "pathlib.py", "shutil.py", "subprocess.py",
              "socket.py", "selectors.py", "/tempfile.py", "/io.py")


class EventLoopProbe:
    def __init__(self, limit_ms: float = 50.0, interval_ms: int = INTERVAL_MS) -> None:
        self.limit_ms = limit_ms
        self.interval_ms = interval_ms
        self.stalls: dict[str, float] = {}  # phase → longest stall (ms)
        self.beats: dict[str, int] = {}
        self.samples: list[tuple[str, float, str]] = []  # (phase, overdue ms, the GUI thread's stack)
        self._phase = ""
        self._clock = QElapsedTimer()
        self._last_ns = 0
        self._last_wall = 0.0
        self._sampled_for = -1.0
        self._gui = threading.get_ident()
        self._running = threading.Event()
        self._watchdog: threading.Thread | None = None
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)

    def start(self, phase: str) -> None:
        self._phase = phase
        self._clock.start()
        self._last_ns = self._clock.nsecsElapsed()
        self._last_wall = time.monotonic()
        self._running.set()
        self.timer.start()
        self._watchdog = threading.Thread(target=self._watch, name="test-loop-probe", daemon=True)
        self._watchdog.start()

    def phase(self, name: str) -> None:
        self._phase = name
        # a phase over before the next beat is shown too (0 beats: no stall could happen in it)
        self.stalls.setdefault(name, 0.0)
        self.beats.setdefault(name, 0)

    def stop(self) -> None:
        self.timer.stop()
        self._running.clear()
        if self._watchdog is not None:
            self._watchdog.join(5)

    def _beat(self) -> None:
        now = self._clock.nsecsElapsed()
        stall = (now - self._last_ns) / 1e6 - self.interval_ms
        self._last_ns = now
        self._last_wall = time.monotonic()
        self.stalls[self._phase] = max(self.stalls.get(self._phase, 0.0), stall)
        self.beats[self._phase] = self.beats.get(self._phase, 0) + 1

    def _watch(self) -> None:
        """Sample the GUI thread's stack once per overdue beat."""
        while self._running.is_set():
            time.sleep(0.01)
            last = self._last_wall
            overdue = (time.monotonic() - last) * 1000 - self.interval_ms
            if overdue > self.limit_ms and last != self._sampled_for:
                self._sampled_for = last
                frame = sys._current_frames().get(self._gui)
                stack = "".join(_interesting(traceback.extract_stack(frame))) if frame is not None else "(no frame)"
                self.samples.append((self._phase, overdue, stack))

    def max_stall_ms(self, phases: "set[str] | None" = None) -> float:
        """The longest stall of ``phases`` (all when None)."""
        return max((ms for phase, ms in self.stalls.items() if phases is None or phase in phases), default=0.0)

    def io_stalls(self, phases: "set[str] | None" = None) -> list[tuple[str, float, str]]:
        """The sampled stalls (of ``phases``) whose GUI stack is in I/O code."""
        return [sample for sample in self.samples if (phases is None or sample[0] in phases)
                and any(marker in sample[2] for marker in IO_MARKERS)]

    def record(self, io_phases: "set[str] | None" = None) -> None:
        """Write the longest stall and beats of each phase (and how many sampled stalls were in
        I/O, of ``io_phases``) as JSON where ``RECORD_ENV`` says; nothing when it is not set."""
        target = os.environ.get(RECORD_ENV)
        if not target:
            return
        phases = {phase: {"longest_stall_ms": round(ms, 1), "beats": self.beats.get(phase, 0)}
                  for phase, ms in self.stalls.items()}
        Path(target).write_text(json.dumps({"phases": phases, "limit_ms": self.limit_ms,
                                            "io_stalls": len(self.io_stalls(io_phases))}, indent=1))

    def report(self) -> str:
        lines = [f"{phase}: longest stall {ms:.1f} ms over {self.beats.get(phase, 0)} beats"
                 for phase, ms in self.stalls.items()]
        for phase, overdue, stack in self.samples:
            lines.append(f"--- a beat overdue by {overdue:.0f} ms during {phase}; the GUI thread was at:\n{stack}")
        return "\n".join(lines)


def _interesting(stack: traceback.StackSummary) -> list[str]:
    """The frames below the test's own (pytest's and pluggy's are noise), at most 16."""
    frames = [f for f in stack if "/_pytest/" not in f.filename and "/pluggy/" not in f.filename]
    return traceback.format_list(frames[-16:])
