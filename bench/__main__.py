"""``python -m bench [all|corpus|import|search|relevance|reports|app|team] [--quick] [--sizes 1000,10000]
[--engine auto|whoosh|tantivy] [--out DIR]``

Without ``--out`` a full run's results go to bench/RESULTS.md and bench/results.json (merged
with the sections of an earlier full run), a quick run's to bench/out/quick/ (git-ignored), so a
quick run never overwrites the recorded full results; generated data goes to bench/out/cache.
With ``--out DIR`` everything goes under DIR, except that a quick run refuses a DIR that holds a
full run's results. Exit status 0 unless the code under test crashed (or the output was refused):
missed targets are reported, never failures.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from bench.common import REPO, Config, machine, say

SECTIONS = ("corpus", "import", "search", "relevance", "reports", "app", "team")


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description="Enablement benchmarks (records numbers, "
                                "never asserts times).")
    p.add_argument("command", nargs="?", default="all", choices=("all",) + SECTIONS)
    p.add_argument("--quick", action="store_true", help="small sizes (≈3 minutes): what CI runs")
    p.add_argument("--sizes", help="search sizes, comma-separated (default 1000,10000,50000; quick 300)")
    p.add_argument("--engine", choices=("auto", "whoosh", "tantivy"), default="auto",
                   help="search: the search engine the libraries use (default auto: by size, as the app)")
    p.add_argument("--out", type=Path, help="folder for RESULTS.md, results.json and the cache "
                   "(default: bench/, or bench/out/quick/ with --quick)")
    p.add_argument("--cache", type=Path, help="folder for generated corpora (default: OUT/cache or bench/out/cache)")
    return p.parse_args(argv)


def output_folder(args: argparse.Namespace) -> Path:
    """Where results go: ``--out``, else bench/ for a full run and bench/out/quick/ for a quick one."""
    if args.out:
        return args.out.resolve()
    return REPO / "bench" / "out" / "quick" if args.quick else REPO / "bench"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    out = output_folder(args)
    from bench import results as res

    if args.quick and res.holds_full_results(out):
        say(f"refusing to write quick results over the full results in {out}; choose another --out")
        return 2
    cache = args.cache or ((out / "cache") if args.out else REPO / "bench" / "out" / "cache")
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
    cfg = Config.make(args.quick, out, cache.resolve(), sizes)
    cfg.engine = args.engine
    cfg.cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict = {"meta": {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                              "command": " ".join(["python -m bench", *(shlex.quote(a) for a in argv)]),
                              "quick": cfg.quick, "sizes": list(cfg.sizes), "machine": machine()}}
    wanted = SECTIONS if args.command == "all" else (args.command,)
    crashed = False
    for name in wanted:
        say(f"== {name} ==")
        t0 = time.perf_counter()
        try:
            module = __import__(f"bench.{'corpus' if name == 'corpus' else name + ('_bench' if name != 'corpus' else '')}",
                                fromlist=["run"])
            results[name] = module.run(cfg)
            results[name]["seconds"] = round(time.perf_counter() - t0, 1)
        except Exception as exc:  # noqa: BLE001 - recorded, then the run goes on
            crashed = True
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        say(f"== {name} done in {time.perf_counter() - t0:.0f}s ==")
    results["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    merged = res.merge(out, results)
    jpath, mpath = res.write(out, merged)
    missed = [c for c in merged["targets"] if c["met"] is False]
    say(f"wrote {mpath} and {jpath}: {len(merged['targets'])} targets, {len(missed)} missed")
    for c in merged["targets"]:
        mark = "met " if c["met"] else ("MISS" if c["met"] is False else " -- ")
        say(f"  [{mark}] {c['target']}: {c['measured']} {c['unit']} ({c['margin']})")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
