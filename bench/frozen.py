"""The frozen one-folder build: its size, and its start to a painted window beside the source's.

    python -m bench.frozen dist/enablement [--runs 3]

Size: every file of the folder (both executables and ``_internal/``). Start: the frozen
``enablement-app`` and ``python main.py`` each open the same demo library (made by the
frozen ``enablement demo``) as 'Sam Rivera', QT_QPA_PLATFORM=offscreen, with the start-up
probe (``ENABLEMENT_REPORT_STARTUP=1``): seconds from launching the process to the first
paint, and the resident memory 3 s later. Runs alternate (source, frozen) and are warm
(the first run of each is dropped). The section it writes at the end of ``bench/RESULTS.md``
is kept when ``bench/results.py`` re-renders that file.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO

BEGIN = "<!-- frozen-build: written by python -m bench.frozen -->"
END = "<!-- /frozen-build -->"


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def start_once(command: list[str], library: Path, state: Path) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(QT_QPA_PLATFORM="offscreen", ENABLEMENT_REPORT_STARTUP="1", ENABLEMENT_STARTUP_EXIT_MS="3000",
               XDG_STATE_HOME=str(state))
    started = time.time()
    proc = subprocess.run([*command, "--library", str(library), "--user", "Sam Rivera"], capture_output=True,
                          text=True, env=env, timeout=300, cwd=REPO)
    painted = re.search(r"ENABLEMENT_STARTUP painted ([\d.]+)", proc.stderr)
    rss = re.search(r"ENABLEMENT_STARTUP idle_rss (\d+)", proc.stderr)
    if proc.returncode != 0 or not painted or not rss:
        raise SystemExit(f"{command[0]} did not start:\n{proc.stderr[-2000:]}")
    return float(painted.group(1)) - started, int(rss.group(1)) / 1e6


def section(bundle: Path, runs: int) -> str:
    size, count = folder_size(bundle)
    internal, _ = folder_size(bundle / "_internal")
    with tempfile.TemporaryDirectory() as tmp:
        library, state = Path(tmp) / "library", Path(tmp) / "state"
        subprocess.run([str(bundle / "enablement"), "--library", str(library), "demo"], check=True,
                       capture_output=True, timeout=600)
        commands = {"source (python main.py)": [sys.executable, str(REPO / "main.py")],
                    "frozen (enablement-app)": [str(bundle / "enablement-app")]}
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for index in range(runs + 1):
            for name, command in commands.items():
                sample = start_once(command, library, state)
                if index:  # the first start of each warms the page cache
                    samples[name].append(sample)
    rows = "\n".join(f"| {name} | {statistics.median(s[0] for s in got):.2f} | {min(s[0] for s in got):.2f} | "
                     f"{statistics.median(s[1] for s in got):.0f} |" for name, got in samples.items())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"""{BEGIN}
## Frozen build

`python packaging/build.py` then `python -m bench.frozen dist/enablement --runs {runs}` ({time.strftime('%Y-%m-%d')},
{os.cpu_count()} cores, load average {load:.1f} while measuring).

One folder holding both commands: **{size / 1e6:.0f} MB** in {count:,} files ({internal / 1e6:.0f} MB of it in
`_internal/`). Start on the demo library to the first paint, warm, median of {runs}:

| app | to paint s (median) | best s | idle RSS MB |
|---|---:|---:|---:|
{rows}
{END}
"""


def write_section(results_md: Path, text: str, begin: str = BEGIN, end: str = END) -> None:
    """Put ``text`` (which starts with ``begin`` and ends with ``end``) at the end of
    ``results_md``, replacing the block it had between those markers."""
    current = results_md.read_text(encoding="utf-8") if results_md.exists() else ""
    if begin in current and end in current:
        current = current[:current.index(begin)] + current[current.index(end) + len(end):].lstrip("\n")
    results_md.write_text(current.rstrip("\n") + "\n\n" + text, encoding="utf-8")


def kept_section(results_md: Path, begin: str = BEGIN, end: str = END) -> str:
    """The block of ``results_md`` between the markers (default: the frozen build's; empty
    when there is none): sections measured apart, which re-renders keep."""
    if not results_md.exists():
        return ""
    text = results_md.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        return ""
    return "\n" + text[text.index(begin):text.index(end) + len(end)] + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the one-folder build (dist/enablement)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    text = section(args.bundle.absolute(), max(1, args.runs))
    write_section(args.out, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
