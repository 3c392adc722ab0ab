"""The desktop app: cold and warm start to a painted main window, idle memory, import costs, and
the longest GUI event-loop stall while typing a search and while an import runs.

Start-up: ``main.py --library DIR --user NAME`` in a subprocess (QT_QPA_PLATFORM=offscreen) with
``ENABLEMENT_REPORT_STARTUP=1``; ``ui/startup_probe.py`` prints the wall-clock time of the main
window's first paint and, 3 s later, the resident memory, then quits. Until ``ui/app.py`` calls
``startup_probe.watch(window)`` itself, ``bench.app_launch`` starts the same ``main.main`` with
that one call added. "Cold" = the library's files, the virtualenv and the sources evicted from
the page cache first (posix_fadvise, no privileges needed); "warm" = right after another start.

Stalls: ``child_drive`` builds the real main window (real TaskRunner, real services, the library
opened as the app opens it: index writes in child processes) and runs a 5 ms heartbeat QTimer on
the GUI thread; the longest gap between beats, minus 5 ms, is the longest stall. It types queries into the toolbar search box at 150 ms a key, then imports a
folder through the import dialog, exactly as a user would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import corpus
from bench.common import REPO, Config, evict_from_page_cache, peak_mb, rss_mb, run_child, say, thread_sched_ms

TYPED = ["security review", "pricing healthcare", "total cost of ownership", "battlecard kitestring"]
KEY_MS = 150
HEARTBEAT_MS = 5
IDLE_MS = 3000
NATIVE_STACKS_ENV = "ENABLEMENT_BENCH_NATIVE_STACKS"  # py-spy's path: sample native stacks of stalls


def _probe_wired() -> bool:
    try:
        return "startup_probe" in (REPO / "ui" / "app.py").read_text()
    except OSError:
        return False


def _env(state: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"QT_QPA_PLATFORM": "offscreen", "ENABLEMENT_REPORT_STARTUP": "1",
                "ENABLEMENT_STARTUP_EXIT_MS": str(IDLE_MS), "XDG_STATE_HOME": str(state / "state"),
                "XDG_CONFIG_HOME": str(state / "config"), "XDG_DATA_HOME": str(state / "data"),
                "XDG_CACHE_HOME": str(state / "cache"), "PYTHONPATH": str(REPO)})
    return env


def start_once(library: Path, user: str, state: Path) -> dict[str, Any]:
    """One start: seconds to first paint, idle RSS."""
    if _probe_wired():
        cmd = [sys.executable, str(REPO / "main.py"), "--library", str(library), "--user", user]
    else:
        cmd = [sys.executable, "-m", "bench.app_launch", "--library", str(library), "--user", user]
    t0 = time.time()
    proc = subprocess.run(cmd, cwd=REPO, env=_env(state), capture_output=True, text=True, timeout=300)
    painted = re.search(r"ENABLEMENT_STARTUP painted ([0-9.]+)", proc.stderr)
    idle = re.search(r"ENABLEMENT_STARTUP idle_rss (\d+)", proc.stderr)
    if not painted:
        tail = proc.stderr.strip().splitlines()[-5:]
        return {"error": f"no paint reported (exit {proc.returncode}): {' | '.join(tail)}"[:400]}
    return {"to_paint_s": round(float(painted.group(1)) - t0, 3),
            "idle_rss_mb": round(int(idle.group(1)) / 2**20, 1) if idle else None,
            "exit_code": proc.returncode, "via": "main.py" if _probe_wired() else "bench.app_launch"}


def import_costs() -> list[dict[str, Any]]:
    """The biggest imports of the app's start-up path (``python -X importtime``)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c",
                           "import main, ui.app, ui.main_window, enablement.services.library"],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"},
                          capture_output=True, text=True, timeout=120)
    rows = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        depth = (len(m.group(3)) - 1) // 2 if m else 99
        if m and depth <= 3:
            rows.append({"module": m.group(4), "cumulative_ms": round(int(m.group(2)) / 1000, 1),
                         "depth": depth})
    rows.sort(key=lambda r: -r["cumulative_ms"])
    total = sum(r["cumulative_ms"] for r in rows if r["depth"] == 0)
    return [{"module": "(all, top level)", "cumulative_ms": round(total, 1), "depth": 0}] + rows[:25]


# --- driving the real window ----------------------------------------------------------------------

def child_drive(args: dict) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.get("switch_interval"):   # bench.experiments: a shorter GIL switch interval
        sys.setswitchinterval(float(args["switch_interval"]))
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest

    from enablement.services.identity import LocalUser
    from ui import flows
    from ui.app import create_qapplication, open_for_the_app
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.tasks import TaskRunner

    qapp = create_qapplication(["bench"])
    library = open_for_the_app(Path(args["root"]), demo=False).library  # as the app opens it (index child writers)
    runner = TaskRunner()
    # as start-up makes it: the person through the identity seam, the taxonomy read with the library
    ctx = AppContext(library.as_user(LocalUser("Maya Marketing")), runner, library.taxonomy.get())
    window = MainWindow(ctx)
    window.show()

    gaps: list[tuple[float, float]] = []      # (when, gap ms)
    action = ["start"]
    big: list[dict[str, Any]] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]
    sched = [thread_sched_ms()]

    def beat() -> None:
        now = clock.nsecsElapsed()
        gap = (now - last[0]) / 1e6
        gaps.append((now / 1e6, gap))
        on_cpu, waiting = thread_sched_ms()
        if gap - HEARTBEAT_MS > 50:
            # How the GUI thread spent the gap: running, waiting for a CPU (other processes), and
            # the rest blocked (the interpreter lock held by another thread, or I/O).
            ran, queued = on_cpu - sched[0][0], waiting - sched[0][1]
            big.append({"at_ms": round(now / 1e6), "stall_ms": round(gap - HEARTBEAT_MS, 1), "during": action[0],
                        "ran_ms": round(ran, 1), "waited_for_cpu_ms": round(queued, 1),
                        "blocked_ms": round(max(0.0, gap - HEARTBEAT_MS - ran - queued), 1)})
        last[0] = now
        sched[0] = (on_cpu, waiting)

    heart = QTimer()
    heart.setTimerType(Qt.TimerType.PreciseTimer)
    heart.setInterval(HEARTBEAT_MS)
    heart.timeout.connect(beat)

    def pump(ms: float, until=None) -> float:  # type: ignore[no-untyped-def]
        """Run the event loop for ``ms`` (or until ``until()`` holds); returns ms waited."""
        start = time.perf_counter()
        loop = QEventLoop()
        while (time.perf_counter() - start) * 1000 < ms:
            if until is not None and until():
                break
            QTimer.singleShot(5, loop.quit)
            loop.exec()
        return (time.perf_counter() - start) * 1000

    page = window.library_page
    pump(60_000, until=lambda: page.outcome is not None and runner.busy == 0)
    pump(300)

    def stalls(since_ms: float) -> dict[str, Any]:
        window_gaps = [g - HEARTBEAT_MS for t, g in gaps if t >= since_ms]
        if not window_gaps:
            return {"beats": 0}
        over50 = sum(1 for g in window_gaps if g > 50)
        over17 = sum(1 for g in window_gaps if g > 16.7)
        ordered = sorted(window_gaps)
        return {"beats": len(window_gaps), "max_stall_ms": round(ordered[-1], 1),
                "p99_stall_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
                "stalls_over_16ms": over17, "stalls_over_50ms": over50}

    stacks = _stall_sampler(lambda: last[0], clock, action)
    last[0] = clock.nsecsElapsed()
    heart.start()
    result: dict[str, Any] = {"pieces": args.get("pieces"), "rss_window_open_mb": rss_mb()}
    # Typing: every key is a real key event in the toolbar search box.
    t_typing = clock.nsecsElapsed() / 1e6
    settle: list[float] = []
    for text in TYPED:
        action[0] = f"clear before {text!r}"
        window.search_box.clear()
        pump(400)
        for i, ch in enumerate(text):
            action[0] = f"typing {text[:i + 1]!r}"
            typed_at = time.perf_counter()
            QTest.keyClick(window.search_box, ch)
            if i < len(text) - 1:
                pump(KEY_MS)
        waited = pump(5_000, until=lambda: (page.text == text and not page.debounce.isActive()
                                            and page.shown_seq == page.seq and runner.busy == 0))
        settle.append(round((time.perf_counter() - typed_at) * 1000, 1) if waited < 5_000 else -1)
        action[0] = f"results of {text!r} shown"
        pump(300)
    result["typing"] = stalls(t_typing)
    result["typing"]["results_after_last_key_ms"] = settle
    result["typing"]["note"] = f"{KEY_MS} ms per key; debounce {getattr(__import__('ui.pages.library_page', fromlist=['x']), 'DEBOUNCE_MS', '?')} ms"
    pump(500)
    # Import: the real import dialog over a folder of real files.
    t_import = clock.nsecsElapsed() / 1e6
    gui_before = thread_sched_ms()
    action[0] = "import"
    paths = [Path(p) for p in args["import_paths"]]
    started = time.perf_counter()
    dialog = flows.import_paths(window, ctx, paths)
    pump(1_000)
    pump(600_000, until=lambda: runner.busy == 0)
    import_s = time.perf_counter() - started
    pump(500)
    result["import"] = stalls(t_import)
    result["import"]["files"] = len(paths)
    result["import"]["seconds"] = round(import_s, 2)
    gui_after = thread_sched_ms()
    # The GUI thread's own running over the import, and its waiting for a CPU (the machine's load)
    result["import"]["gui_ran_ms"] = round(gui_after[0] - gui_before[0], 1)
    result["import"]["gui_waited_for_cpu_ms"] = round(gui_after[1] - gui_before[1], 1)
    heart.stop()
    result["stalls_over_50ms"] = sorted(big, key=lambda b: -b["stall_ms"])[:40]  # the longest
    result["stall_stacks"] = sorted(stacks, key=lambda x: -x["late_ms"])[:60]  # the longest stalls' samples
    result["rss_end_mb"] = rss_mb()
    result["peak_mb"] = peak_mb()
    try:
        dialog.close()
    except RuntimeError:   # the dialog deleted itself when it finished
        pass
    window.close()
    runner.wait_idle()
    library.close()
    return result


def _stall_sampler(last_beat, clock, action) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """A watchdog thread: while the GUI thread has not beaten for 40 ms, sample every thread's
    Python stack every 10 ms (up to 6 samples a stall) so a stall names its cause. The list is
    trimmed to the samples of the longest stalls when the drive reads it (``stall_stacks``)."""
    import threading
    import traceback

    main_id = threading.main_thread().ident
    found: list[dict[str, Any]] = []
    native = os.environ.get(NATIVE_STACKS_ENV, "")  # py-spy's path: each stall's native stacks too

    def watch() -> None:
        seen, samples = None, 0
        while True:
            time.sleep(0.01)
            beat = last_beat()
            late = (clock.nsecsElapsed() - beat) / 1e6
            if late <= 40:
                continue
            if beat != seen:
                seen, samples = beat, 0
            if samples >= 6 or len(found) >= 5000:
                continue
            samples += 1
            if samples == 1 and native and len(found) < 200:
                found.append({"at_ms": round(clock.nsecsElapsed() / 1e6), "late_ms": round(late),
                              "during": action[0], "native": _native_stacks(native)})
            frames = sys._current_frames()
            threads = {}
            for ident, frame in frames.items():
                if ident == threading.get_ident():
                    continue
                name = "GUI" if ident == main_id else f"thread-{ident % 10000}"
                threads[name] = [f"{Path(f.filename).name}:{f.lineno} {f.name}"
                                 for f in traceback.extract_stack(frame)[-8:]]
            found.append({"at_ms": round(clock.nsecsElapsed() / 1e6), "late_ms": round(late), "during": action[0],
                          "threads": threads})

    threading.Thread(target=watch, daemon=True).start()
    return found


def _native_stacks(py_spy: str) -> str:
    """Every thread's stack of this process, native frames included (``py-spy dump --native``):
    what Qt's C++ runs on the GUI thread when no Python frame says it. The dump pauses the
    process, so a run with it measures the causes, not the stall's length."""
    try:
        proc = subprocess.run([py_spy, "dump", "--native", "--pid", str(os.getpid())],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"py-spy failed: {exc}"
    return proc.stdout[-20_000:] or proc.stderr[-2_000:]


# --- parent ---------------------------------------------------------------------------------------

def _venv_site() -> list[Path]:
    import sysconfig

    return [Path(sysconfig.get_paths()["purelib"]), Path(sysconfig.get_paths()["platlib"])]


def run(cfg: Config) -> dict[str, Any]:
    from bench.search_bench import prepare

    out: dict[str, Any] = {}
    pristine, _marker = prepare(cfg, cfg.app_pieces)
    work = cfg.cache / "work" / f"app-{cfg.app_pieces}"
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(pristine, work)
    say(f"app: indexing the {cfg.app_pieces}-piece library")
    out["reindex"] = run_child("reindex", {"root": str(work)})
    out["pieces"] = cfg.app_pieces
    state = Path(tempfile.mkdtemp(prefix="enablement-bench-app-"))
    try:
        say("app: cold start")
        cold = []
        for _ in range(1 if cfg.quick else 2):
            evict_from_page_cache(work, *_venv_site(), REPO / "ui", REPO / "enablement", REPO / "main.py")
            cold.append(start_once(work, "Rita Rep", state))
        say("app: warm starts")
        warm = [start_once(work, "Rita Rep", state) for _ in range(2 if cfg.quick else 4)]
        out["cold"], out["warm"] = cold, warm
        say(f"app: cold {[c.get('to_paint_s') for c in cold]} s, warm {[w.get('to_paint_s') for w in warm]} s")
        out["import_costs"] = import_costs()
        files = cfg.cache / f"files-{cfg.import_files}"
        corpus.write_files(files, cfg.import_files, cfg.seed)
        paths = sorted(p for p in files.rglob("*") if p.is_file() and not p.name.startswith("."))
        paths = paths[: (30 if cfg.quick else 150)]
        say(f"app: typing and importing {len(paths)} files with a heartbeat on the GUI thread")
        out["drive"] = run_child("app_drive", {"root": str(work), "pieces": cfg.app_pieces,
                                               "import_paths": [str(p) for p in paths]},
                                 env={"XDG_STATE_HOME": str(state / "state"), "XDG_CONFIG_HOME": str(state / "config")})
    finally:
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return out
