"""``python -m bench.index_stall [--pieces 1500] [--batches 10] [--batch 50]``: does writing the
search index hold up the GUI thread?

The app indexes on its write thread after each import's commit. Python code on the GUI thread
(every slot, every model call) needs the interpreter lock, so an index write that holds it for
long stalls the window even though it runs on another thread. This measures exactly that: a
5 ms heartbeat on the main thread (the GUI thread's stand-in: a Python loop that needs the lock
to run) while another thread upserts ``batches`` × ``batch`` documents into an index that
already holds ``pieces``, as a run of imports does. The stall is how late a beat came, minus
5 ms. Each mode runs in a fresh process; "idle" is the same heartbeat with no writes, for the
machine's own noise.

Modes: each engine written in the app process (the old way) and by the index's child process
(``LibraryIndex(write_in_child=True)``, what the desktop app uses).

``--switch LIBRARY`` measures a full rebuild instead: a copy of the library folder gets an index
(``--from``, Whoosh by default), then the heartbeat runs while ``SearchIndex.switch_engine``
rebuilds it with ``--to`` (tantivy by default, as a library that grew past the line does; the
same engine on both sides is the rebuild a repair makes) in the background, once in the
app process (before) and once in the rebuild child (``write_in_child``, the app now). It also
records the CPU seconds the app process itself spent during the switch (less noisy than the
wall clock on a shared machine), and how the main thread spent its longest gap (Linux schedstat):
waiting for a CPU (other processes) or blocked (the interpreter lock held by another thread).
``--rename LIBRARY`` measures a persona's rename instead (its label is in documents, and the
taxonomy's fingerprint in every document's stamp): the heartbeat runs while a search's check
brings the index up to date, once re-indexing every piece in the app process (before) and once
through the rebuild child (the app now), with the same CPU and schedstat columns.
Prints a Markdown table (and JSON with ``--json``); records nothing by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from bench.common import machine, run_child, say, thread_sched_ms

HEARTBEAT_S = 0.005
BEGIN = "<!-- index-stall: written by python -m bench.index_stall --record -->"
END = "<!-- /index-stall -->"
MODES = {
    "idle (no writes)": {"engine": "whoosh", "child": False, "idle": True},
    "Whoosh, written in the app process": {"engine": "whoosh", "child": False},
    "Whoosh, written by the index's child process": {"engine": "whoosh", "child": True},
    "tantivy, written in the app process": {"engine": "tantivy", "child": False},
    "tantivy, written by the index's child process": {"engine": "tantivy", "child": True},
}


def _docs(first: int, n: int, seed: int) -> list:  # type: ignore[type-arg]
    from bench import corpus
    from enablement.search.documents import IndexDoc

    taxo = corpus.default_taxo()
    out = []
    for number in range(first, first + n):
        sp = corpus.piece_spec(number, taxo, seed)
        out.append(IndexDoc(piece_id=number, title=sp.title, description=sp.description, body=sp.body,
                            owner=sp.owner, status=sp.status, file_type=sp.file_type,
                            updated_at=sp.updated_at, stamp=f"s{number}"))
    return out


def _stalls(gaps: list[float]) -> dict[str, Any]:
    """The heartbeat's late beats (ms), summed up."""
    ordered = sorted(gaps)
    return {"beats": len(gaps), "max_stall_ms": round(ordered[-1], 1),
            "p99_stall_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
            "over_50ms": sum(1 for g in gaps if g > 50), "over_16ms": sum(1 for g in gaps if g > 16.7)}


def child_stall(args: dict) -> dict:
    """One mode: build the base index, then heartbeat while a thread writes (or idles)."""
    from enablement.search import open_backend

    folder = Path(tempfile.mkdtemp(prefix="bench-stall-"))
    try:
        backend = open_backend(folder / "index", engine=args["engine"], write_in_child=args["child"])
        backend.rebuild(_docs(1, args["pieces"], args["seed"]))
        batches = [_docs(args["pieces"] + 1 + i * args["batch"], args["batch"], args["seed"])
                   for i in range(args["batches"])]
        backend.upsert(batches[0][:1])  # starts the child writer (once per app) before timing
        done = threading.Event()
        write_s: list[float] = []

        def write() -> None:
            for batch in batches:
                t0 = time.perf_counter()
                if not args.get("idle"):
                    backend.upsert(batch)
                else:
                    time.sleep(1.0)  # as long as a slow write: enough beats to see the noise
                write_s.append(time.perf_counter() - t0)
            done.set()

        gaps: list[float] = []
        writer = threading.Thread(target=write)
        last = time.perf_counter()
        writer.start()
        while not done.is_set():
            time.sleep(HEARTBEAT_S)
            now = time.perf_counter()
            gaps.append((now - last - HEARTBEAT_S) * 1000)
            last = now
        writer.join()
        count = backend.status().doc_count
        backend.close()
        return {**_stalls(gaps), "write_ms_median": round(sorted(write_s)[len(write_s) // 2] * 1000, 1),
                "docs": count}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


SWITCH_MODES = {
    "idle (no rebuild)": {"child": False, "idle": True},
    "switch in the app process (before)": {"child": False},
    "switch in the rebuild child (the app now)": {"child": True},
}


def child_switch_stall(args: dict) -> dict:
    """One switch mode: heartbeat on the main thread while the library's index is rebuilt with
    ``args["to"]`` in the background (or while nothing happens, for the noise)."""
    import resource
    from dataclasses import replace

    from enablement.services.library import Library

    library = Library.open(Path(args["root"]))
    index = library.search.index
    if args["child"]:
        index.write_in_child()
    assert index.current_engine() == args["from"], f"the copy must start on {args['from']}"
    library.ctx.settings = replace(library.ctx.settings, search_engine=args["to"])
    progress: list[tuple[float, int, int]] = []
    gaps: list[float] = []
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    if args.get("idle"):
        switch = threading.Thread(target=time.sleep, args=(args["idle_s"],))
        switch.start()
    else:
        found = index.switch_engine(args["to"], progress=lambda d, t: progress.append((time.perf_counter(), d, t)))
        assert found is not None
        switch = found
    worst = _heartbeat_while(switch.is_alive, gaps)
    seconds = time.perf_counter() - t0
    result = {"engine_after": index.current_engine(), "error": index.switch_error,
              "docs": library.search.index.backend.doc_count(), "switch_s": round(seconds, 1),
              **_cpu_since(cpu0), "longest": worst}
    library.close()
    return {**result, **_stalls(gaps)}


def _heartbeat_while(busy: Callable[[], bool], gaps: list[float]) -> dict[str, float]:
    """Beat every 5 ms on this (the main) thread while ``busy()``, adding each beat's lateness
    (ms) to ``gaps``; returns how the longest gap was spent (Linux schedstat)."""
    last, sched, worst = time.perf_counter(), thread_sched_ms(), {"stall_ms": 0.0}
    while busy():
        time.sleep(HEARTBEAT_S)
        now, now_sched = time.perf_counter(), thread_sched_ms()
        gap = (now - last - HEARTBEAT_S) * 1000
        gaps.append(gap)
        if gap > worst["stall_ms"]:  # how the main thread spent its longest gap
            ran, queued = now_sched[0] - sched[0], now_sched[1] - sched[1]
            worst = {"stall_ms": round(gap, 1), "ran_ms": round(ran, 1), "waited_for_cpu_ms": round(queued, 1),
                     "blocked_ms": round(max(0.0, gap - ran - queued), 1)}  # (beyond its own 5 ms sleep)
        last, sched = now, now_sched
    return worst


def _cpu_since(cpu0: float) -> dict[str, float]:
    """CPU seconds this process spent since ``cpu0``, and its ended children altogether."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"app_cpu_s": round(usage.ru_utime + usage.ru_stime - cpu0, 1),
            "children_cpu_s": round(children.ru_utime + children.ru_stime, 1)}


RENAME_MODES = {
    "documents built in the app process (before)": {"child": False},
    "rebuilt by the rebuild child (the app now)": {"child": True},
}


def child_rename_stall(args: dict) -> dict:
    """One rename mode: a persona renamed (every document out of date), then a search's
    ``ensure_fresh`` on a thread (as the app's read worker runs it) while the main thread beats,
    until the index has the new name. Before: every document built in this process and upserted
    by the index's child writer (the threshold out of reach); now: the rebuild child."""
    import resource

    from bench.corpus import BENCH_USERS
    from enablement.services.library import Library

    library = Library.open(Path(args["root"]))
    index = library.search.index
    index.ensure_fresh()  # (the index is up to date: nothing to do, and not measured)
    index.write_in_child()  # as the app: upserts by the index's child writer
    if not args["child"]:
        index.rebuild_over = 10 ** 9  # before: every document built here, then upserted
    admin = library.users.actor(BENCH_USERS[0][0])
    value = next(v for v in library.taxonomy.get().facets["persona"] if not v.retired)
    gaps: list[float] = []
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    library.taxonomy.rename_facet_value(admin, value.id, value.label + " Renamed")
    checking = threading.Thread(target=index.ensure_fresh)
    checking.start()
    worst = _heartbeat_while(lambda: checking.is_alive() or index.switching(), gaps)
    seconds = time.perf_counter() - t0
    result = {"error": index.switch_error, "docs": index.backend.doc_count(), "rename_s": round(seconds, 1),
              **_cpu_since(cpu0), "longest": worst,
              "stale_after": index.check().get("stale")}
    library.close()
    return {**result, **_stalls(gaps)}


def _summary(results: dict[str, Any], argv: list[str] | None, as_json: bool,
             tail: Callable[[dict[str, Any]], str]) -> tuple[str, str, str] | None:
    """Print the JSON (None), or return the load, the command line and the table's rows, each
    row the stall columns then ``tail(result)``."""
    if as_json:
        print(json.dumps({"results": results, "machine": machine()}, indent=2))
        return None
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    command = "python -m bench.index_stall " + " ".join(argv if argv is not None else sys.argv[1:])
    rows = "\n".join(f"| {label} | {r['beats']:,} | {r['max_stall_ms']} | {r['p99_stall_ms']} | {r['over_16ms']} | "
                     f"{r['over_50ms']} | {tail(r)}" for label, r in results.items())
    return load, command, rows


def _runs_on_copies(pristine: Path, origin: str, task: str, modes: dict[str, dict[str, Any]],
                    extra: dict[str, Any]) -> dict[str, Any]:
    """Each mode of ``task`` in a fresh process, on a fresh copy of the library with an
    ``origin`` index (built once, not measured)."""
    import subprocess

    scratch = Path(tempfile.mkdtemp(prefix="bench-switch-"))
    results: dict[str, Any] = {}
    try:
        base = scratch / "base"
        shutil.copytree(pristine, base, ignore=shutil.ignore_patterns("index"))
        say(f"index stall: building the {origin} index of {pristine.name} (not measured)")
        subprocess.run([str(Path(sys.executable).with_name("enablement")), "--library", str(base), "reindex",
                        "--engine", origin], check=True, stdout=subprocess.DEVNULL)
        for label, mode in modes.items():
            work = scratch / "work"
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(base, work)
            say(f"index stall: {label} (load {os.getloadavg()[0]:.1f})")
            results[label] = run_child(task, {**mode, **extra, "root": str(work), "from": origin})
            results[label]["load_after"] = round(os.getloadavg()[0], 1)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


_REBUILD_COLUMNS = ("| mode | beats | max stall ms | p99 ms | > 16.7 ms | > 50 ms | {what} s | app CPU s | "
                    "children CPU s | longest: waiting for a CPU ms | longest: blocked ms | load after |\n"
                    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def _rebuild_tail(seconds: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: (f"{r[seconds]} | {r['app_cpu_s']} | {r['children_cpu_s']} | "
                      f"{r['longest']['waited_for_cpu_ms']} | {r['longest']['blocked_ms']} | {r['load_after']} |")


def switch_main(args: argparse.Namespace, argv: list[str] | None) -> int:
    """``--switch LIBRARY``: the heartbeat during a full rebuild (see the module notes)."""
    pristine = Path(args.switch).resolve()
    results = _runs_on_copies(pristine, args.origin, "switch_stall", SWITCH_MODES, {"to": args.to, "idle_s": 20})
    summary = _summary(results, argv, args.json, _rebuild_tail("switch_s"))
    if summary is None:
        return 0
    load, command, rows = summary
    print(f"""## A full rebuild (engine switch) and the GUI thread

`{command.strip()}` ({time.strftime('%Y-%m-%d %H:%M')}, load average {load} on {os.cpu_count()} CPUs): the
library {pristine.name} on {args.origin} rebuilt with {args.to} in the background, a 5 ms heartbeat on the main thread.

{_REBUILD_COLUMNS.format(what="switch")}
{rows}
""")
    return 0


def rename_main(args: argparse.Namespace, argv: list[str] | None) -> int:
    """``--rename LIBRARY``: the heartbeat while a renamed persona reaches every document."""
    pristine = Path(args.rename).resolve()
    results = _runs_on_copies(pristine, args.origin, "rename_stall", RENAME_MODES, {})
    summary = _summary(results, argv, args.json, _rebuild_tail("rename_s"))
    if summary is None:
        return 0
    load, command, rows = summary
    print(f"""## A renamed persona re-indexed and the GUI thread

`{command.strip()}` ({time.strftime('%Y-%m-%d %H:%M')}, load average {load} on {os.cpu_count()} CPUs): the
library {pristine.name} on {args.origin}, a persona renamed, then a search's check on another thread until
the index has the new name; a 5 ms heartbeat on the main thread.

{_REBUILD_COLUMNS.format(what="rename")}
{rows}
""")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.index_stall", description=__doc__.splitlines()[0])
    p.add_argument("--pieces", type=int, default=1500, help="documents already in the index (Whoosh serves "
                   "libraries below 2,000 pieces)")
    p.add_argument("--batches", type=int, default=10, help="upserts (one per import commit)")
    p.add_argument("--batch", type=int, default=50, help="documents per upsert")
    p.add_argument("--seed", type=int, default=20261101)
    p.add_argument("--json", action="store_true")
    p.add_argument("--record", action="store_true", help="also write the table into bench/RESULTS.md "
                   "(its own section, kept by later bench runs)")
    p.add_argument("--switch", metavar="LIBRARY", help="measure an engine switch of (a copy of) this library "
                   "folder instead of upserts")
    p.add_argument("--rename", metavar="LIBRARY", help="measure a persona's rename reaching every document of "
                   "(a copy of) this library folder instead of upserts")
    p.add_argument("--from", dest="origin", choices=("tantivy", "whoosh"), default="whoosh",
                   help="the engine the --switch (or --rename) library starts on")
    p.add_argument("--to", choices=("tantivy", "whoosh"), default="tantivy", help="the engine --switch goes to")
    args = p.parse_args(argv)
    if args.switch:
        return switch_main(args, argv)
    if args.rename:
        return rename_main(args, argv)
    results: dict[str, Any] = {}
    for label, mode in MODES.items():
        say(f"index stall: {label}")
        results[label] = run_child("index_stall", {**mode, "pieces": args.pieces, "batches": args.batches,
                                                   "batch": args.batch, "seed": args.seed})
    summary = _summary(results, argv, args.json, lambda r: f"{r['write_ms_median']} |")
    if summary is None:
        return 0
    load, command, rows = summary
    text = f"""{BEGIN}
## Index writes and the GUI thread

`{command.strip()}` ({time.strftime('%Y-%m-%d %H:%M')}, load average {load} on {os.cpu_count()} CPUs):
{args.pieces:,} documents in the index, {args.batches} upserts of {args.batch} documents on another thread, a
5 ms heartbeat on the main thread (a Python loop, as every slot of the GUI thread is). Stall = how late a
beat came, minus 5 ms. Each mode in a fresh process; *idle* is the heartbeat alone (the machine's own noise).

| mode | beats | max stall ms | p99 ms | > 16.7 ms | > 50 ms | upsert median ms |
|---|---:|---:|---:|---:|---:|---:|
{rows}
{END}
"""
    print(text)
    if args.record:
        from bench.common import REPO
        from bench.frozen import write_section

        write_section(REPO / "bench" / "RESULTS.md", text, BEGIN, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
