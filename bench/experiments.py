"""Experiments behind the recommended cheap fixes: each measures the current code and the code
with one change applied *in this process only* (a monkeypatch), on the same library, in the
same run. ``python -m bench.experiments [summaries|usage|switch|import|all] [--pieces N] [--out FILE]``.

The changes themselves belong in code owned by other engineers; ANALYSIS.md says where.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

from bench import corpus, usage
from bench.common import REPO, peak_mb, rss_mb, run_child, say, summarize_ms
from bench.search_bench import _service_call, make_queries


def _library(cache: Path, n: int, events: int = 0) -> Path:
    """An indexed work copy of the n-piece library (reused between experiments), with ``events``
    usage events when asked."""
    root = cache / "work" / f"exp-{n}-{events}"
    if (root / "bench-exp.json").exists():
        return root
    pristine = cache / f"library-{n}"
    corpus.build_library(pristine, n, 20261101)
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(pristine, root)
    if events:
        from enablement.storage.engine import make_engine, sqlite_url

        engine = make_engine(sqlite_url(root / "library.db"))
        usage.load_usage(engine, events, 20261101)
        engine.dispose()
    run_child("reindex", {"root": str(root)})
    (root / "bench-exp.json").write_text("{}")
    return root


def _open(root: Path):  # type: ignore[no-untyped-def]
    from enablement.config import Settings
    from enablement.services.library import Library

    return Library.open(root, settings=Settings(workers=2))


def _measure(library, queries: list[dict], repeat: int = 1) -> dict:  # type: ignore[no-untyped-def]
    rep = library.users.actor("Rita Rep")
    times = []
    for _ in range(repeat):
        for q in queries:
            t = time.perf_counter()
            _service_call(library, rep, q)
            times.append(time.perf_counter() - t)
    return summarize_ms(times)


# --- 1. piece summaries without the document text ---------------------------------------------------

def summaries_without_text(session, piece_ids, today):  # type: ignore[no-untyped-def]
    """``pieces_repo.summaries`` with the version's ``text`` column deferred (never loaded)."""
    from sqlalchemy.orm import defer
    from sqlmodel import col, select

    from enablement.models.tables import Piece, PieceVersion
    from enablement.storage import pieces_repo

    ids = list(dict.fromkeys(piece_ids))
    pieces, versions = {}, {}
    for chunk in pieces_repo._chunks(ids):
        for p in session.exec(select(Piece).where(col(Piece.id).in_(chunk))):
            pieces[p.id] = p
        vids = [p.current_version_id for p in pieces.values() if p.current_version_id]
        for v in session.exec(select(PieceVersion).options(defer(PieceVersion.text))
                              .where(col(PieceVersion.id).in_(vids))):
            versions[v.id] = v
    tags = pieces_repo.tags_for(session, ids)
    counts = pieces_repo.use_counts(session, ids)
    return [pieces_repo.to_summary(pieces[pid], versions.get(pieces[pid].current_version_id or -1),
                                   tags.get(pid, []), counts.get(pid, 0), today) for pid in ids if pid in pieces]


def exp_summaries(cache: Path, n: int) -> dict[str, Any]:
    from enablement.storage import pieces_repo

    root = _library(cache, n)
    library = _open(root)
    taxo = corpus.Taxo.from_info(library.ctx.taxonomy())
    queries = make_queries(taxo, 40, 20261101)
    sayt, single = queries["sayt"], queries["single"]
    _measure(library, single[:5])
    ids = list(range(1, 51))
    out: dict[str, Any] = {"pieces": n}

    def alone() -> dict:
        times = []
        for _ in range(30):
            t = time.perf_counter()
            library.pieces.summaries(ids)
            times.append(time.perf_counter() - t)
        return summarize_ms(times)

    out["before"] = {"summaries_50": alone(), "sayt": _measure(library, sayt), "single": _measure(library, single)}
    original = pieces_repo.summaries
    pieces_repo.summaries = summaries_without_text  # type: ignore[assignment]
    try:
        out["after"] = {"summaries_50": alone(), "sayt": _measure(library, sayt), "single": _measure(library, single)}
    finally:
        pieces_repo.summaries = original  # type: ignore[assignment]
    library.close()
    return out


# --- 2. a library with 1M usage events ---------------------------------------------------------------

def exp_usage(cache: Path, n: int, events: int) -> dict[str, Any]:
    root = _library(cache, n, events)
    library = _open(root)
    taxo = corpus.Taxo.from_info(library.ctx.taxonomy())
    queries = make_queries(taxo, 40, 20261101)
    out: dict[str, Any] = {"pieces": n, "events": events}
    index = library.search.index
    t = time.perf_counter()
    index.popularity()
    out["popularity_ms"] = round((time.perf_counter() - t) * 1000, 1)
    _measure(library, queries["single"][:5])
    out["sayt"] = _measure(library, queries["sayt"])
    out["single"] = _measure(library, queries["single"])
    # A rep logs a use (as the app does when a piece is opened); the next search pays for it.
    from enablement.models.dto import UseRecord

    rep = library.users.actor("Rita Rep")
    after_use = []
    for i in range(5):
        library.usage.record(rep, UseRecord("opened", 10 + i))
        t = time.perf_counter()
        _service_call(library, rep, queries["single"][i])
        after_use.append(time.perf_counter() - t)
    out["search_after_a_logged_use"] = summarize_ms(after_use)
    library.close()
    return out


# --- 3. GUI stalls with a shorter GIL switch interval --------------------------------------------------

def exp_switch(cache: Path, n: int) -> dict[str, Any]:
    root = _library(cache, n)
    files = sorted(p for p in (cache / "files-1000").rglob("*") if p.is_file() and not p.name.startswith("."))[:150]
    out: dict[str, Any] = {"pieces": n}
    for label, interval in (("default 5 ms", ""), ("1 ms", "0.001")):
        work = root.parent / f"exp-switch-{n}"
        if work.exists():
            shutil.rmtree(work)
        shutil.copytree(root, work)
        res = run_child("app_drive", {"root": str(work), "pieces": n, "import_paths": [str(p) for p in files],
                                      "switch_interval": interval})
        out[label] = {"typing": res["typing"], "import": res["import"]}
        shutil.rmtree(work, ignore_errors=True)
    return out


# --- 4. index flushes during a bulk import --------------------------------------------------------

def exp_import(cache: Path, n: int) -> dict[str, Any]:
    """The 400 PDFs through ``import_paths`` with the index refreshed every 0.5 s (the code's
    ``_INDEX_BATCH_SECONDS``), every 2 s and every 5 s; ``n`` is unused."""
    from bench.import_bench import child_import
    from enablement.services import importing

    files = cache / "files-1000"
    corpus.write_files(files, 1000, 20261101)
    pdfs = sorted(str(p) for p in files.rglob("*.pdf"))
    out: dict[str, Any] = {"files": len(pdfs)}
    original = importing._INDEX_BATCH_SECONDS
    try:
        for seconds in (original, 2.0, 5.0):
            importing._INDEX_BATCH_SECONDS = seconds
            res = child_import({"root": str(cache / "work" / "exp-import"), "paths": pdfs})
            out[f"flush every {seconds:g} s"] = {k: res[k] for k in ("seconds", "files_per_s", "pages_per_s")}
    finally:
        importing._INDEX_BATCH_SECONDS = original
    return out


EXPERIMENTS: dict[str, Callable[..., dict]] = {"summaries": exp_summaries, "usage": exp_usage, "switch": exp_switch,
                                               "import": exp_import}


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.experiments")
    p.add_argument("name", choices=list(EXPERIMENTS) + ["all"])
    p.add_argument("--pieces", type=int, default=10_000)
    p.add_argument("--events", type=int, default=1_000_000)
    p.add_argument("--cache", type=Path, default=REPO / "bench" / "out" / "cache")
    p.add_argument("--out", type=Path, default=REPO / "bench" / "experiments.json")
    args = p.parse_args(argv)
    names = list(EXPERIMENTS) if args.name == "all" else [args.name]
    found: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {}
    for name in names:
        say(f"experiment {name}")
        kwargs = {"cache": args.cache, "n": args.pieces}
        if name == "usage":
            kwargs["events"] = args.events
        found[name] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                       "command": "python -m bench.experiments " + " ".join(argv), **EXPERIMENTS[name](**kwargs)}
        print(json.dumps(found[name], indent=1))
    args.out.write_text(json.dumps(found, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
