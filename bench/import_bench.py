"""Import: a folder of real files through ``ImportService.import_paths`` (sniff, hash, sandboxed
extraction in worker processes, blob store, rows, index), end to end, into a fresh library.

Two runs, each in its own child process: the mixed folder (≈40% PDF, 30% DOCX, 30% PPTX) and its
PDFs alone (the "bulk import of text PDFs" target). Reported: files/s, pages/s, per-type counts,
outcomes, peak memory of the importing process and of the largest extraction worker, and the
longest gap between two progress callbacks (what a progress bar would show as a freeze).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from bench import corpus
from bench.common import Config, children_peak_mb, cpu_seconds, peak_mb, rss_mb, run_child, say


def child_import(args: dict) -> dict:
    from enablement.config import Settings
    from enablement.services.library import Library

    root = Path(args["root"])
    if root.exists():
        shutil.rmtree(root)
    library = Library.open(root, settings=Settings())   # the app's defaults (workers = cores)
    corpus.ensure_users(library)
    actor = library.users.actor("Maya Marketing")
    paths = [Path(p) for p in args["paths"]]
    ticks: list[float] = []

    def progress(done: int, total: int, name: str) -> None:
        if done > len(ticks):  # one more file has its outcome (not a "Checking" report)
            ticks.append(time.perf_counter())

    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    done = library.importer.import_paths(actor, paths, progress=progress)
    seconds = time.perf_counter() - t0
    summary = done.value
    outcomes: dict[str, int] = {}
    pages = 0
    for o in summary.outcomes:
        outcomes[str(o.outcome)] = outcomes.get(str(o.outcome), 0) + 1
        pages += o.pages or 0
    gaps = [b - a for a, b in zip([t0] + ticks, ticks)]
    files = len(summary.outcomes)
    result = {
        "files": files, "pages": pages, "seconds": round(seconds, 2),
        "files_per_s": round(files / seconds, 2), "pages_per_s": round(pages / seconds, 1),
        "outcomes": outcomes, "workers": library.ctx.settings.workers,
        "longest_progress_gap_s": round(max(gaps), 2) if gaps else None,
        "first_progress_s": round(ticks[0] - t0, 2) if ticks else None,
        "peak_mb": peak_mb(), "rss_after_mb": rss_mb(), "worker_peak_mb": children_peak_mb(),
    }
    library.close()  # ends the index's child writer, so its CPU is counted below
    cpu = [after - before for before, after in zip(cpu0, cpu_seconds())]
    result["cpu_ms_per_file"] = {"importer": round(cpu[0] * 1000 / max(files, 1), 1),
                                 "children": round(cpu[1] * 1000 / max(files, 1), 1)}
    shutil.rmtree(root, ignore_errors=True)
    return result


def run(cfg: Config) -> dict[str, Any]:
    folder = cfg.cache / f"files-{cfg.import_files}"
    t0 = time.perf_counter()
    made = corpus.write_files(folder, cfg.import_files, cfg.seed)
    say(f"import: {cfg.import_files} files ready ({time.perf_counter() - t0:.1f}s; {made.get('counts')})")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    pdfs = [p for p in files if p.suffix == ".pdf"]
    work = cfg.cache / "work" / "import-library"
    out: dict[str, Any] = {"corpus": made}
    say(f"import: mixed folder of {len(files)} files")
    out["mixed"] = run_child("import", {"root": str(work), "paths": [str(folder)]})
    say(f"import: mixed {out['mixed']['files_per_s']} files/s, {out['mixed']['pages_per_s']} pages/s; "
        f"now {len(pdfs)} PDFs")
    out["pdf_only"] = run_child("import", {"root": str(work), "paths": [str(p) for p in pdfs]})
    say(f"import: PDFs {out['pdf_only']['pages_per_s']} pages/s; CPU ms per file {out['pdf_only']['cpu_ms_per_file']}")
    return out
