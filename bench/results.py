"""Turn a run's numbers into ``results.json`` and ``RESULTS.md``, with every target met or missed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Optional

from bench.search_bench import KIND_LABELS, KINDS


# --- targets -------------------------------------------------------------------------------------

def _check(target: str, measured: Optional[float], limit: float, unit: str, higher_is_better: bool = False,
           where: str = "", note: str = "") -> dict[str, Any]:
    if measured is None:
        return {"target": target, "limit": limit, "unit": unit, "measured": None, "met": None,
                "margin": "not measured", "where": where, "note": note}
    met = measured >= limit if higher_is_better else measured <= limit
    if met:
        margin = f"met with {abs(limit - measured):.4g} {unit} to spare"
    else:
        factor = (limit / measured if measured else float("inf")) if higher_is_better else measured / limit
        margin = f"missed by {abs(measured - limit):.4g} {unit} ({factor:.1f}× {'short' if higher_is_better else 'over'})"
    return {"target": target, "limit": limit, "unit": unit, "measured": round(measured, 3), "met": met,
            "margin": margin, "where": where, "note": note}


def _measured(size: dict) -> dict:
    """The service measurements of one size (recorded as "whoosh" before tantivy existed)."""
    return size.get("service") or size.get("whoosh") or {}


def _engine_of(size: dict) -> str:
    return size.get("engine") or ("whoosh" if "whoosh" in size else "?")


def _size_label(size: str) -> str:
    return f"{int(size) // 1000}k pieces" if int(size) >= 1000 else f"{size} pieces"


def _pick_size(search: dict, wanted: int = 10_000) -> Optional[str]:
    sizes = search.get("sizes", {})
    if str(wanted) in sizes:
        return str(wanted)
    return max(sizes, key=int) if sizes else None


def checks(results: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    search = results.get("search") or {}
    size = _pick_size(search)
    if size and _measured(search["sizes"][size]):
        s = search["sizes"][size]
        sayt = _measured(s)["kinds"]["sayt"]["service"]
        label = _size_label(size)  # the targets are set at 10k; a run without 10k says what it measured
        where = f"{size} pieces ({_engine_of(s)}), SearchService.search(as_you_type=True), warm, per keystroke"
        out.append(_check(f"search as you type p95 ({label})", sayt["p95"], 50, "ms", where=where))
        out.append(_check(f"search as you type p50 ({label})", sayt["p50"], 10, "ms", where=where))
        if "reindex" in s:
            ri = s["reindex"]
            single = ri.get("single_process_seconds")
            where = (f"{size} pieces, `enablement reindex` (parallel processes)"
                     + (f"; the app's one-process repair: {single} s" if single is not None else ""))
            out.append(_check(f"full reindex time ({label})", ri["seconds"], 60, "s",
                              where=f"{where} ({_engine_of(s)})"))
            out.append(_check(f"full reindex peak memory ({label})", ri.get("single_process_peak_mb", ri["peak_mb"]),
                              1024, "MB", where=f"{size} pieces, one-process reindex (the app's)"))
        commit = s.get("commit", {})
        if commit:
            out.append(_check("a new piece searchable after import (p95)", commit["file_import_to_found"].get("p95"),
                              1000, "ms", where=f"{size} pieces: import_paths(one PDF) → found by search",
                              note=f"index commit alone p95 {commit['file_index_commit'].get('p95')} ms; "
                                   f"add_link → found p95 {commit['link_add_to_found'].get('p95')} ms"))
    big = max(search.get("sizes", {}), key=int) if search.get("sizes") else None
    if big and _measured(search["sizes"][big]):
        s = search["sizes"][big]
        worst = max(_measured(s)["kinds"][k]["service"]["p95"] for k in ("single", "and", "phrase"))
        tantivy = s.get("baselines", {}).get("tantivy", {}).get("kinds", {})
        t95 = max((tantivy.get(k, {}).get("p95", 0) for k in ("single", "and", "phrase")), default=None) if tantivy else None
        out.append(_check("ranked search p95, 100k pieces, large-library backend", worst, 20, "ms",
                          where=f"{_engine_of(s)} at {big} pieces, SearchService.search, worst of single/AND/phrase",
                          note=(f"the bare tantivy baseline on the same text has p95 {t95} ms" if t95 is not None
                                else "")))
        if big != size and "reindex" in s:
            ri = s["reindex"]
            seconds = ri.get("single_process_seconds", ri["seconds"])
            out.append(_check(f"full reindex time ({_size_label(big)}), from stored text", seconds, 120, "s",
                              where=f"{big} pieces, the app's one-process reindex ({_engine_of(s)})"))
            out.append(_check(f"full reindex peak memory ({_size_label(big)})",
                              ri.get("single_process_peak_mb", ri["peak_mb"]), 1024, "MB",
                              where=f"{big} pieces, one-process reindex (the app's)"))
        cold = [c["first_search_ms"] for c in s.get("cold", []) if "first_search_ms" in c]
        if cold:
            out.append(_check(f"first search after a cold open ({_size_label(big)})", max(cold), 300, "ms",
                              where=f"{_engine_of(s)}, fresh process, library files evicted from the page cache; "
                                    f"worst of {len(cold)}"))
        w = _measured(s)
        if w.get("rss_idle_mb") is not None:
            out.append(_check(f"idle memory with a {int(big) // 1000}k library open, after the queries",
                              w["rss_idle_mb"], 300, "MB",
                              where=f"{_engine_of(s)}: resident after every warm query, then "
                                    f"{w.get('idle_seconds')} s idle (the app waits 60 s)",
                              note=f"right after the queries {w.get('rss_after_queries_mb')} MB; "
                                   f"of the idle figure {w.get('rss_idle_anon_mb')} MB is the process's own "
                                   f"(not mapped index files)"))
    imp = results.get("import") or {}
    if "pdf_only" in imp:
        p = imp["pdf_only"]
        out.append(_check("bulk import of text PDFs, end to end", p["pages_per_s"], 200, "pages/s", True,
                          where=f"{p['files']} PDFs, {p['pages']} pages, {p['workers']} workers",
                          note=f"mixed folder: {imp.get('mixed', {}).get('pages_per_s')} pages/s, "
                               f"{imp.get('mixed', {}).get('files_per_s')} files/s"))
    reports = results.get("reports") or {}
    for db in ("sqlite", "postgresql"):
        r = reports.get(db, {})
        if "reports" not in r:
            if r.get("skipped"):
                out.append(_check(f"every manager report over 1M events ({db})", None, 1000, "ms", note=r["skipped"]))
            continue
        rows = {k: v for k, v in r["reports"].items() if not k.startswith("piece stats")}
        name, worst = max(rows.items(), key=lambda kv: kv[1]["median_ms"])
        events = r.get("data", {}).get("events")
        out.append(_check(f"every manager report over 1M events ({db})", worst["median_ms"], 1000, "ms",
                          where=f"{events:,} events; worst: {name} (median of 3)" if events else name))
        stats = {k: v for k, v in r["reports"].items() if k.startswith("piece stats")}
        if stats:
            name, worst = max(stats.items(), key=lambda kv: kv[1]["median_ms"])
            out.append(_check(f"a single piece's stats ({db})", worst["median_ms"], 50, "ms", where=name))
    team = reports.get("team") or {}
    if team.get("manager_login", {}).get("reports"):
        rows = {k: v for k, v in team["manager_login"]["reports"].items() if not k.startswith("piece stats")}
        name, worst = max(rows.items(), key=lambda kv: kv[1]["median_ms"])
        events = team.get("data", {}).get("events")
        out.append(_check("every manager report over 1M events (team server, manager login, RLS on)",
                          worst["median_ms"], 1000, "ms",
                          where=f"{events:,} events; worst: {name} (median of 3)" if events else name))
    relevance = results.get("relevance") or {}
    for name, data in (relevance.get("sets") or {}).items():
        engines = data.get("engines", {})
        baseline = engines.get("fts5", {}).get("ndcg10")
        for engine in ("whoosh", "tantivy"):
            if engine in engines and baseline is not None:
                out.append(_check(f"relevance nDCG@10 ({name} set), {engine} (≥ FTS5 BM25)", engines[engine]["ndcg10"],
                                  baseline, "nDCG", True,
                                  where=f"{data.get('queries')} graded queries over {data.get('corpus')}"
                                        + (f"; Python {data['python'].split()[0]}" if data.get("python") else ""),
                                  note=f"FTS5 BM25 baseline {baseline}; MRR {engines[engine]['mrr']} vs "
                                       f"{engines.get('fts5', {}).get('mrr')}"))
    app = results.get("app") or {}
    if app.get("warm"):
        cold = [c["to_paint_s"] for c in app.get("cold", []) if "to_paint_s" in c]
        warm = [c["to_paint_s"] for c in app.get("warm", []) if "to_paint_s" in c]
        idle = [c["idle_rss_mb"] for c in app.get("warm", []) if c.get("idle_rss_mb")]
        where = f"{app.get('pieces')} pieces, offscreen"
        out.append(_check("cold start to painted main window", max(cold) if cold else None, 2, "s", where=where,
                          note="library, virtualenv and sources evicted from the page cache first"))
        out.append(_check("warm start to painted main window", sorted(warm)[len(warm) // 2] if warm else None, 1, "s",
                          where=where + ", median"))
        out.append(_check("idle memory, library open", max(idle) if idle else None, 300, "MB",
                          where=where + f", {3} s after the first paint"))
    drive = app.get("drive") or {}
    for phase, label in (("typing", "while typing a search"), ("import", "while an import runs")):
        if phase in drive and "max_stall_ms" in drive[phase]:
            out.append(_check(f"longest GUI event-loop stall {label}", drive[phase]["max_stall_ms"], 50, "ms",
                              where=f"{app.get('pieces')} pieces, 5 ms heartbeat; "
                                    f"{drive[phase]['stalls_over_50ms']} stalls over 50 ms"))
    if isinstance(results.get("team"), dict) and "error" not in results["team"]:
        from bench.team_bench import checks as team_checks

        out += team_checks(results["team"])
    return out


# --- files ---------------------------------------------------------------------------------------

def holds_full_results(out_dir: Path) -> bool:
    """Whether ``out_dir`` holds a full (not quick) run's results.json."""
    try:
        meta = json.loads((out_dir / "results.json").read_text()).get("meta", {})
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(meta, dict) and meta.get("quick") is False


def merge(out_dir: Path, new: dict[str, Any]) -> dict[str, Any]:
    """Merge a run's sections into an existing results.json of the same mode (quick or full)."""
    path = out_dir / "results.json"
    old: dict[str, Any] = {}
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except ValueError:
            old = {}
    if old.get("meta", {}).get("quick") != new["meta"]["quick"]:
        old = {}
    merged = dict(old)
    for key, value in new.items():
        if key == "meta":
            continue
        if key == "search" and isinstance(old.get("search"), dict) and "sizes" in old["search"] and "sizes" in value:
            value = {**value, "sizes": {**old["search"]["sizes"], **value["sizes"]}}   # other sizes kept
        merged[key] = value
    sections = dict(old.get("meta", {}).get("sections", {}))
    for key in new:
        if key != "meta":
            sections[key] = {"date": new["meta"]["date"], "command": new["meta"]["command"],
                             "code": new["meta"].get("machine", {}).get("code", "unknown"),
                             "seconds": (new.get(key) or {}).get("seconds")}
    merged["meta"] = {**new["meta"], "sections": sections}
    merged["targets"] = checks(merged)
    return merged


def write(out_dir: Path, results: dict[str, Any]) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    jpath = out_dir / "results.json"
    jpath.write_text(json.dumps(results, indent=1, default=str) + "\n")
    mpath = out_dir / "RESULTS.md"
    from bench import index_stall
    from bench.frozen import kept_section  # measured apart: a frozen build, index stalls

    mpath.write_text(markdown(results) + kept_section(mpath, index_stall.BEGIN, index_stall.END)
                     + kept_section(mpath))
    return jpath, mpath


def _f(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _ratio(a: Any, b: Any) -> str:
    try:
        if a is None or b is None or b == 0:
            return "—"
        return f"{a / b:,.0f}×" if a / b >= 10 else f"{a / b:,.1f}×"
    except TypeError:
        return "—"


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in row) + " |")
    return lines


def markdown(r: dict[str, Any]) -> str:
    meta = r.get("meta", {})
    m = meta.get("machine", {})
    lines: list[str] = [
        "# Benchmark results", "",
        "Generated by `python -m bench` (bench/results.py) — do not edit by hand; the reading of the numbers",
        "is in [ANALYSIS.md](ANALYSIS.md). Targets: ../shared/PERFORMANCE.md. Absolute times on a shared",
        "2-core machine are noisy (±5–40%): compare engines within one run, as ratios.", "",
        f"- **Machine:** {m.get('cpu')}, {m.get('cores')} cores, {m.get('ram_gb')} GB RAM, {m.get('os')}  ",
        f"- **Software:** Python {m.get('python')}, SQLite {m.get('sqlite')}, PostgreSQL {m.get('postgresql')}, "
        f"whoosh-reloaded {m.get('whoosh')}, tantivy {m.get('tantivy')}, PySide6 {m.get('PySide6')}, "
        f"SQLAlchemy {m.get('sqlalchemy')}, pypdf {m.get('pypdf')}  ",
        f"- **Mode:** {'quick' if meta.get('quick') else 'full'} (search sizes {meta.get('sizes')})"
        + (" — a quick run keeps the code working; its sizes are too small to judge the targets"
           if meta.get("quick") else ""), "",
        "| sections | date | exact command | code measured | seconds |", "|---|---|---|---|---:|",
    ]
    runs: dict[tuple, list[str]] = {}
    for name, v in (meta.get("sections") or {}).items():
        runs.setdefault((v.get("date"), str(v.get("command")).strip(), v.get("code", "unknown")), []).append(name)
    for (date, command, code), names in runs.items():
        secs = sum(((meta.get("sections") or {}).get(n, {}).get("seconds") or 0) for n in names)
        lines.append(f"| {', '.join(names)} | {date} | `{command}` | {code} | {_f(float(secs), 0)} |")
    lines.append("")
    errors = {k: v["error"] for k, v in r.items() if isinstance(v, dict) and "error" in v}
    if errors:
        lines += ["**Crashed sections:**", ""] + [f"- {k}: {v}" for k, v in errors.items()] + [""]

    lines += ["## Targets", ""]
    rows = []
    for c in r.get("targets", []):
        status = "—" if c["met"] is None else ("**met**" if c["met"] else "**MISSED**")
        cmp = "≥" if c["unit"] in ("pages/s", "nDCG") else "≤"
        digits = 3 if c["unit"] == "nDCG" else None
        rows.append([c["target"], f"{cmp} {_f(c['limit'], digits or 0)} {c['unit']}",
                     f"{_f(c['measured'], digits or 1)} {c['unit']}" if c["measured"] is not None else "—",
                     status, c["margin"], (c.get("where") or "") + (f"; {c['note']}" if c.get("note") else "")])
    lines += _table(["target", "limit", "measured", "", "margin", "how / note"], rows) + [""]

    for name, render in (("corpus", _corpus_md), ("search", _search_md), ("relevance", _relevance_md),
                         ("import", _import_md), ("reports", _reports_md), ("app", _app_md), ("team", _team_md)):
        if isinstance(r.get(name), dict) and "error" not in r[name]:
            lines += render(r[name])
    return "\n".join(lines) + "\n"


def _corpus_md(c: dict) -> list[str]:
    lines = ["## Corpus", "", "Deterministic (bench/corpus.py, bench/usage.py): Zipf-like words over a 20,000-word "
             "vocabulary, business phrases, ~1,000-word bodies (log-normal), stages, gates, facets, statuses.", ""]
    rows = [[f"{n} pieces", v.get("words"), _f(v.get("text_bytes", 0) / 2**20, 1) + " MB",
             _f(v.get("build_seconds"), 1) + " s"] for n, v in c.get("libraries", {}).items()]
    lines += _table(["library", "words", "text", "build (rows, no index)"], rows) + [""]
    if "files" in c:
        f = c["files"]
        lines += [f"Real files: {f.get('counts')} with {f.get('pages')} pages, {_f(f.get('bytes', 0) / 2**20)} MB "
                  f"(generated in {f.get('seconds')} s).", ""]
    if "usage" in c:
        u = c["usage"]
        lines += [f"Usage generator: {u['events']:,} events in {u['seconds']} s ({_f(u['events_per_s'], 0)} events/s, "
                  f"without the database).", ""]
    return lines


def _search_md(s: dict) -> list[str]:
    lines = ["## Search", "",
             "Warm latency per query kind, in ms. *service* = `SearchService.search` as the library page calls it "
             "(rep, published only, a page of 20 with piece summaries and facet counts); *engine* = the library's "
             "backend alone (`LibraryIndex.search`: the pipeline over Whoosh or tantivy, as named per size), top 20; "
             "FTS5 (bm25, porter) and bare tantivy (en_stem) = top 20 + total count over the same documents, published "
             "only. Ratios = our engine p50 ÷ baseline p50. Sizes recorded before the tantivy backend existed ran "
             "Whoosh.", ""]
    for n, size in sorted(s.get("sizes", {}).items(), key=lambda kv: int(kv[0])):
        w = _measured(size)
        b = size.get("baselines", {})
        fts, tan = b.get("fts5", {}).get("kinds", {}), b.get("tantivy", {}).get("kinds", {})
        lines += [f"### {int(n):,} pieces, {_engine_of(size)} ({_f((size.get('text_bytes') or 0) / 2**20)} MB of text)",
                  ""]
        rows = []
        for k in KINDS:
            sv, en = w.get("kinds", {}).get(k, {}).get("service", {}), w.get("kinds", {}).get(k, {}).get("engine", {})
            f, t = fts.get(k, {}), tan.get(k, {})
            rows.append([KIND_LABELS[k], sv.get("n"), sv.get("p50"), sv.get("p95"), sv.get("max"), en.get("p50"),
                         en.get("p95"), f.get("p50"), f.get("p95"), t.get("p50"), t.get("p95"),
                         _ratio(en.get("p50"), f.get("p50")), _ratio(en.get("p50"), t.get("p50")),
                         w.get("kinds", {}).get(k, {}).get("median_hits")])
        lines += _table(["kind", "n", "service p50", "p95", "max", "engine p50", "p95", "FTS5 p50", "p95",
                         "tantivy p50", "p95", "÷FTS5", "÷tantivy", "median hits"], rows) + [""]
        ri = size.get("reindex", {})
        fb, tb = b.get("fts5", {}).get("build", {}), b.get("tantivy", {}).get("build", {})
        text = size.get("text_bytes") or 1
        rows = [
            [f"{_engine_of(size)} (SearchService.reindex)", ri.get("seconds"), ri.get("docs_per_s"), ri.get("peak_mb"),
             _f(ri.get("index_bytes", 0) / 2**20), _f(ri.get("index_bytes", 0) / text, 2) + "×",
             w.get("rss_after_queries_mb")],
            ["SQLite FTS5", fb.get("seconds"), fb.get("docs_per_s"), fb.get("peak_mb"),
             _f(fb.get("index_bytes", 0) / 2**20), _f(fb.get("index_bytes", 0) / text, 2) + "×",
             b.get("fts5", {}).get("rss_after_queries_mb")],
            ["tantivy", tb.get("seconds"), tb.get("docs_per_s"), tb.get("peak_mb"),
             _f(tb.get("index_bytes", 0) / 2**20), _f(tb.get("index_bytes", 0) / text, 2) + "×",
             b.get("tantivy", {}).get("rss_after_queries_mb")],
        ]
        lines += _table(["full index build", "seconds", "docs/s", "peak MB", "index MB", "index ÷ text",
                         "RSS after queries MB"], rows)
        lines += ["", f"Our build reads documents from the database inside the timing; the baselines' build "
                      f"excludes it (loading the documents took {fb.get('load_docs_seconds')} s). Baseline peak "
                      f"memory includes the loaded documents.", ""]
        cold = size.get("cold", [])
        if cold:
            lines += [f"Cold (fresh process, library files evicted from the page cache): import+open "
                      f"{', '.join(_f(c.get('import_and_open_ms'), 0) for c in cold)} ms; first search "
                      f"{', '.join(_f(c.get('first_search_ms'), 0) for c in cold)} ms; second search "
                      f"{', '.join(_f(c.get('second_search_ms'), 0) for c in cold)} ms. Warm process: first "
                      f"search after open {w.get('first_search_ms')} ms (ensure_fresh {w.get('ensure_fresh_seconds')} s).", ""]
        c = size.get("commit", {})
        if c:
            lines += _table(["commit latency (ms)", "n", "p50", "p95", "max"], [
                ["add_link → found by search", c["link_add_to_found"].get("n"), c["link_add_to_found"].get("p50"),
                 c["link_add_to_found"].get("p95"), c["link_add_to_found"].get("max")],
                ["  of which index commit", c["link_index_commit"].get("n"), c["link_index_commit"].get("p50"),
                 c["link_index_commit"].get("p95"), c["link_index_commit"].get("max")],
                ["import one PDF → found by search", c["file_import_to_found"].get("n"),
                 c["file_import_to_found"].get("p50"), c["file_import_to_found"].get("p95"),
                 c["file_import_to_found"].get("max")],
                ["  of which index commit", c["file_index_commit"].get("n"), c["file_index_commit"].get("p50"),
                 c["file_index_commit"].get("p95"), c["file_index_commit"].get("max")],
            ]) + [""]
        errs = {e: v.get("errors") for e, v in b.items() if v.get("errors")}
        skipped = {e: v.get("skipped") for e, v in b.items() if v.get("skipped")}
        if errs or skipped:
            lines += [f"Baseline notes: {errs or ''} {skipped or ''}", ""]
    return lines


def _relevance_md(r: dict) -> list[str]:
    lines = ["## Relevance", "", "Graded judgements in bench/relevance/ (grades 0–3); every engine indexes the same "
             "documents and answers each query's top 10 (ours through the search pipeline, ranked by text alone; "
             "FTS5: the words ANDed, porter stemming, bm25 with the title weighted 2). nDCG@10 with gain 2^grade − 1; "
             "MRR of the first piece graded ≥ 2. Definitions: bench/relevance_bench.py.", ""]
    for name, data in (r.get("sets") or {}).items():
        engines = data.get("engines", {})
        lines += [f"**{name}** — {data.get('queries')} queries over {data.get('corpus')} "
                  f"({data.get('pieces')} documents), searched as {data.get('searched_as')}; "
                  f"judged by {data.get('judged_by')}."
                  + (f" Read from Python {data['python']}." if data.get("python") else ""), ""]
        rows = [[engine, _f(v.get("ndcg10"), 3), _f(v.get("mrr"), 3)] for engine, v in engines.items()]
        lines += _table(["engine", "nDCG@10", "MRR"], rows) + [""]
        fts = {q["query"]: q["ndcg10"] for q in engines.get("fts5", {}).get("queries", [])}
        for engine in ("whoosh", "tantivy"):
            worse = [f"{q['query']!r} ({q['ndcg10']:.2f} vs {fts[q['query']]:.2f})"
                     for q in engines.get(engine, {}).get("queries", [])
                     if q["query"] in fts and q["ndcg10"] < fts[q["query"]] - 1e-9]
            if worse:
                lines += [f"Queries where {engine} ranks below FTS5: " + ", ".join(worse) + ".", ""]
    return lines


def _import_md(i: dict) -> list[str]:
    lines = ["## Import", "", "`ImportService.import_paths` into a fresh library (sniff, hash, sandboxed extraction "
             "workers, blobs, rows, index), app default settings (workers = cores).", ""]
    rows = []
    for key, label in (("mixed", "mixed folder (40% PDF, 30% DOCX, 30% PPTX)"), ("pdf_only", "the PDFs alone")):
        v = i.get(key)
        if v:
            rows.append([label, v["files"], v["pages"], v["seconds"], v["files_per_s"], v["pages_per_s"], v["peak_mb"],
                         v["worker_peak_mb"], v["longest_progress_gap_s"], ", ".join(f"{k} {n}" for k, n in v["outcomes"].items())])
    lines += _table(["run", "files", "pages", "s", "files/s", "pages/s", "peak MB", "worker peak MB",
                     "longest progress gap s", "outcomes"], rows) + [""]
    return lines


def _reports_md(r: dict) -> list[str]:
    lines = ["## Reports", "", "`ReportService.run(name)` as a manager; 3 runs each (first, median, max in ms).", ""]
    sq, pg = r.get("sqlite", {}), r.get("postgresql", {})
    for db, v in (("SQLite", sq), ("PostgreSQL", pg)):
        d = v.get("data", {})
        if d:
            lines.append(f"- {db}: {d.get('pieces'):,} pieces, {d.get('events'):,} events, {d.get('searches'):,} "
                         f"searches, {d.get('reps')} reps; load {d.get('load_seconds')} s")
        if v.get("skipped"):
            lines.append(f"- {db}: skipped — {v['skipped']}")
    lines.append("")
    names = list(dict.fromkeys(list(sq.get("reports", {})) + list(pg.get("reports", {}))))
    rows = []
    for name in names:
        a, b = sq.get("reports", {}).get(name, {}), pg.get("reports", {}).get(name, {})
        rows.append([name, a.get("first_ms"), a.get("median_ms"), a.get("max_ms"), b.get("first_ms"),
                     b.get("median_ms"), b.get("max_ms")])
    lines += _table(["report", "SQLite first", "median", "max", "PostgreSQL first", "median", "max"], rows) + [""]
    team = r.get("team", {})
    if team.get("skipped"):
        lines += [f"Team server: skipped — {team['skipped']}", ""]
    elif team.get("manager_login"):
        d = team.get("data", {})
        lines += ["### Team server: row-level security's cost", "",
                  f"The SQLite library published with `team publish` ({d.get('pieces'):,} pieces, "
                  f"{d.get('events'):,} events, {d.get('publish_seconds')} s, verified: {d.get('verified')}); the "
                  "same reports as the manager's own login (RLS on every table) and as the superuser (RLS "
                  "bypassed). Medians of 3, ms"
                  + (f"; {d['rounds']} rounds with the logins taking turns, the lower median of each"
                     if d.get("rounds") else "") + ".", ""]
        man, sup = team["manager_login"].get("reports", {}), team["superuser"].get("reports", {})
        rows = []
        for name in dict.fromkeys(list(man) + list(sup)):
            a, b = man.get(name, {}).get("median_ms"), sup.get(name, {}).get("median_ms")
            cost = f"{(a - b) / b * 100:+.0f} %" if a is not None and b else ""
            rows.append([name, a, b, cost])
        total_a = sum(v["median_ms"] for v in man.values())
        total_b = sum(v["median_ms"] for v in sup.values())
        rows.append(["all (sum)", round(total_a, 1), round(total_b, 1),
                     f"{(total_a - total_b) / total_b * 100:+.0f} %" if total_b else ""])
        lines += _table(["report", "manager login (RLS)", "superuser", "RLS cost"], rows) + [""]
    return lines


def _team_md(t: dict) -> list[str]:
    from bench.team_bench import markdown as team_markdown

    return team_markdown(t)


def _app_md(a: dict) -> list[str]:
    lines = ["## App", "", f"Library of {a.get('pieces')} pieces, QT_QPA_PLATFORM=offscreen, as the rep "
             "'Rita Rep'; time from launching the process to the main window's first paint.", ""]
    rows = [[f"cold {i + 1}", c.get("to_paint_s"), c.get("idle_rss_mb"), c.get("via") or c.get("error")]
            for i, c in enumerate(a.get("cold", []))]
    rows += [[f"warm {i + 1}", c.get("to_paint_s"), c.get("idle_rss_mb"), c.get("via") or c.get("error")]
             for i, c in enumerate(a.get("warm", []))]
    lines += _table(["start", "to paint s", "idle RSS MB", "launched by"], rows) + [""]
    d = a.get("drive", {})
    if d:
        rows = []
        for phase in ("typing", "import"):
            v = d.get(phase, {})
            rows.append([phase, v.get("beats"), v.get("max_stall_ms"), v.get("p99_stall_ms"), v.get("stalls_over_16ms"),
                         v.get("stalls_over_50ms")])
        lines += _table(["GUI heartbeat (5 ms)", "beats", "max stall ms", "p99 ms", "> 16.7 ms", "> 50 ms"], rows)
        lines += ["", f"Typing: results shown {d.get('typing', {}).get('results_after_last_key_ms')} ms after the last "
                      f"key of each query ({d.get('typing', {}).get('note')}). Import of "
                      f"{d.get('import', {}).get('files')} files through the import dialog took "
                      f"{d.get('import', {}).get('seconds')} s. RSS with the window open {d.get('rss_window_open_mb')} MB, "
                      f"at the end {d.get('rss_end_mb')} MB.", ""]
        if d.get("stalls_over_50ms"):
            lines += ["Stalls over 50 ms:", ""] + [f"- {s['stall_ms']} ms during {s['during']}" + (
            f" (the GUI thread ran {s['ran_ms']} ms, waited {s['waited_for_cpu_ms']} ms for a CPU, was blocked "
            f"{s['blocked_ms']} ms)" if "blocked_ms" in s else "") for s in d["stalls_over_50ms"][:15]] + [""]
    costs = a.get("import_costs", [])
    if costs:
        lines += ["Start-up imports (`python -X importtime`, cumulative ms, depth ≤ 3):", ""]
        lines += _table(["module", "depth", "cumulative ms"], [[c["module"], c["depth"], c["cumulative_ms"]] for c in costs[:20]]) + [""]
    return lines


Render = Callable[[dict], list[str]]


def rerender(out_dir: Path) -> Path:
    """Re-write RESULTS.md (and the target checks) from an existing results.json."""
    path = out_dir / "results.json"
    data = json.loads(path.read_text())
    data["targets"] = checks(data)
    return write(out_dir, data)[1]


if __name__ == "__main__":   # python -m bench.results [DIR]: re-render after changing this file
    import sys

    print(rerender(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent))
