"""Search: latency per query kind through ``SearchService.search`` (what the library page runs),
warm and cold, at each size; reindex time and memory; commit latency; index size; and the
SQLite FTS5 and tantivy baselines indexed from the same documents in the same run.

Per size the parent builds (or reuses) a library of generated pieces, copies it to a work
folder, and runs each step in its own child process so memory readings are per step:
``reindex`` → ``search`` (warm, per kind, plus commit latency) → ``cold`` ×3 →
``baseline_build``/``baseline_query`` for fts5 and tantivy.
"""

from __future__ import annotations

import gc
import json
import random
import shutil
import os
import time
from pathlib import Path
from typing import Any

from bench import corpus
from bench.common import (Config, dir_bytes, evict_from_page_cache, peak_mb, proc_status, rss_mb, run_child,
                          say, summarize_ms)

IDLE_SECONDS = 3.0  # the quiet spell after which the measured library lets go of its index reader
KINDS = ("single", "and", "phrase", "prefix", "field", "facet", "sayt")
KIND_LABELS = {
    "single": "single term", "and": "two terms (AND)", "phrase": "phrase", "prefix": "prefix (word*)",
    "field": "term + field filter", "facet": "facet panel filter + counts", "sayt": "search as you type (per keystroke)",
}
TYPED = ["security review", "pricing", "case study healthcare", "total cost of ownership", "integrations",
         "data residency", "roi calculator", "onboarding guide", "battlecard", "migration risk",
         "procurement", "executive overview", "renewal", "mobile app", "compliance", "analytics dashboard",
         "reference customer", "implementation plan", "supply chain", "discount"]


# --- queries ------------------------------------------------------------------------------------

def make_queries(taxo: corpus.Taxo, n: int, seed: int) -> dict[str, list[dict[str, Any]]]:
    """``n`` queries per kind (search as you type: every keystroke of n/4 typed queries)."""
    rng = random.Random(seed + 99)
    words, _ = corpus.vocabulary()
    business = [w for w in corpus.BUSINESS_WORDS if len(w) >= 4 and w in words]
    tail = [w for w in words[len(corpus.FUNCTION_WORDS) + len(corpus.BUSINESS_WORDS):5000]]

    def word() -> str:
        return rng.choice(business) if rng.random() < 0.75 else rng.choice(tail)

    stage_keys = [key for _id, key, _g in taxo.stages]
    facet_keys = {f: [k for _id, k, _l in vs] for f, vs in taxo.facets.items()}
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    for _ in range(n):
        w = word()
        out["single"].append({"text": w, "words": [w]})
        a, b = word(), word()
        out["and"].append({"text": f"{a} {b}", "words": [a, b]})
        if rng.random() < 0.5:
            phrase = rng.choice(corpus.PHRASES).replace("-", " ").split()
        else:   # two neighbouring words of a real piece
            body = corpus.piece_spec(rng.randrange(1000), taxo, seed).body.split()
            i = rng.randrange(len(body) - 2)
            phrase = [x.strip(".,").lower() for x in body[i:i + 2]]
        out["phrase"].append({"text": '"' + " ".join(phrase) + '"', "phrase": phrase})
        p = rng.choice([x for x in business if len(x) >= 6])[:rng.choice((3, 4, 5))]
        out["prefix"].append({"text": f"{p}*", "prefix": p})
        dim = rng.choice(["stage", "industry", "persona", "content_type"])
        keys = stage_keys if dim == "stage" else facet_keys.get(dim, [])
        key = rng.choice(keys)
        field_name = {"content_type": "type"}.get(dim, dim)
        w = word()
        out["field"].append({"text": f"{w} {field_name}:{key}", "words": [w], "filter": [dim, key]})
        dim = rng.choice(["industry", "persona", "content_type", "product"])
        key = rng.choice(facet_keys.get(dim, ["none"]))
        if rng.random() < 0.5:
            out["facet"].append({"text": "", "filters": {dim: [key]}, "panel": [dim, key]})
        else:
            w = word()
            out["facet"].append({"text": w, "words": [w], "filters": {dim: [key]}, "panel": [dim, key]})
    for typed in rng.sample(TYPED, k=min(len(TYPED), max(2, n // 4))):
        for end in range(1, len(typed) + 1):
            text = typed[:end]
            if text.endswith(" "):
                continue   # a space changes nothing the service sees
            parts = text.split()
            out["sayt"].append({"text": text, "words": parts[:-1], "last": parts[-1], "typing": True,
                                "typed": typed})
    return out


# --- children -------------------------------------------------------------------------------------

def _open(root: str, engine: str = "auto"):  # type: ignore[no-untyped-def]
    from enablement.config import Settings
    from enablement.services.library import Library

    return Library.open(Path(root), settings=Settings(workers=2, search_engine=engine))


def child_reindex(args: dict) -> dict:
    """Full reindex of a library from stored text: seconds, docs/s, peak memory, index size."""
    started = time.perf_counter()
    library = _open(args["root"], args.get("engine", "auto"))
    opened = time.perf_counter() - started
    base_rss = rss_mb()
    t0 = time.perf_counter()
    # The app's background repair: one process (its peak memory is what the target bounds).
    count = library.search.reindex()
    single = time.perf_counter() - t0
    peak_single = peak_mb()
    engine = library.search.index.current_engine()
    if engine == "tantivy":  # it indexes in native threads either way: the same run
        seconds = single
    else:
        # `enablement reindex`: parallel processes (the children's memory is not in this peak).
        t0 = time.perf_counter()
        library.search.reindex(processes=os.cpu_count() or 1)
        seconds = time.perf_counter() - t0
    library.close()
    index_bytes = dir_bytes(Path(args["root"]) / "index")
    return {"engine": engine, "docs": count, "seconds": round(seconds, 2), "docs_per_s": round(count / seconds, 1),
            "single_process_seconds": round(single, 2), "single_process_peak_mb": peak_single,
            "open_seconds": round(opened, 3), "rss_before_mb": base_rss, "peak_mb": peak_mb(),
            "index_bytes": index_bytes}


def _service_call(library, actor, q: dict):  # type: ignore[no-untyped-def]
    filters = {k: set(v) for k, v in (q.get("filters") or {}).items()}
    # A page of 20, as the library page asks for (ui/pages/library_page.py PAGE_SIZE).
    return library.search.search(actor, q["text"], sort="relevance", filters=filters, limit=20,
                                 as_you_type=bool(q.get("typing")))


def _engine_call(library, q: dict, popularity, statuses):  # type: ignore[no-untyped-def]
    from enablement.search.documents import SearchRequest

    index = library.search.index
    request = SearchRequest(text=q["text"], statuses=statuses, limit=20, popularity=popularity,
                            filters={k: frozenset(v) for k, v in (q.get("filters") or {}).items()},
                            as_you_type=bool(q.get("typing")))
    return index.backend.search(request, index.vocabulary())


def child_search(args: dict) -> dict:
    """Warm latency per kind (service path and engine only), memory, then commit latency."""
    t0 = time.perf_counter()
    library = _open(args["root"], args.get("engine", "auto"))
    rep = library.users.actor("Rita Rep")
    open_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    library.search.index.ensure_fresh()
    fresh_s = time.perf_counter() - t0
    queries: dict[str, list[dict]] = json.loads(Path(args["queries"]).read_text())
    t0 = time.perf_counter()
    first = _service_call(library, rep, queries["single"][0])
    first_s = time.perf_counter() - t0
    # Warm-up: one query of each kind (not measured), so the searcher and caches are open.
    for kind in KINDS:
        _service_call(library, rep, {"text": "warm up", "typing": kind == "sayt"})
    popularity = library.search.index.popularity()
    statuses = frozenset({"published"})
    result: dict[str, Any] = {"open_seconds": round(open_s, 3), "ensure_fresh_seconds": round(fresh_s, 3),
                              "first_search_ms": round(first_s * 1000, 2), "first_total": first.results.total,
                              "kinds": {}}
    for kind in KINDS:
        service, engine, totals = [], [], []
        for q in queries[kind]:
            t = time.perf_counter()
            out = _service_call(library, rep, q)
            service.append(time.perf_counter() - t)
            totals.append(out.results.total)
            t = time.perf_counter()
            _engine_call(library, q, popularity, statuses)
            engine.append(time.perf_counter() - t)
        result["kinds"][kind] = {"service": summarize_ms(service), "engine": summarize_ms(engine),
                                 "median_hits": sorted(totals)[len(totals) // 2] if totals else 0,
                                 "zero_hit_share": round(sum(1 for t in totals if t == 0) / max(1, len(totals)), 2)}
    gc.collect()
    result["rss_after_queries_mb"] = rss_mb()
    result["peak_mb"] = peak_mb()
    result.update(_idle_memory(library))
    library.close()
    return result


def _idle_memory(library) -> dict:  # type: ignore[no-untyped-def]
    """Resident memory once the library sits idle after the queries: the index lets go of its
    reader after a quiet spell (``enablement.search.idle``, 60 s in the app; shortened here to
    IDLE_SECONDS so the run does not wait a minute per size)."""
    backend = library.search.index.backend
    idle = getattr(backend, "idle", None)
    if idle is None:
        return {}
    idle.touch()
    idle.set_seconds(IDLE_SECONDS)
    deadline = time.monotonic() + IDLE_SECONDS + 30
    while getattr(backend, "_handle", None) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    gc.collect()
    status = proc_status()
    return {"rss_idle_mb": rss_mb(), "idle_seconds": IDLE_SECONDS,
            "rss_idle_anon_mb": round(status.get("RssAnon", 0) / 2**20, 1),
            "rss_after_queries_released": getattr(backend, "_handle", None) is None}


def child_commit(args: dict) -> dict:
    """Commit latency on a warm library: add a piece, search until it is found."""
    library = _open(args["root"], args.get("engine", "auto"))
    marketing = library.users.actor("Maya Marketing")
    _service_call(library, marketing, {"text": "warm up"})
    result = _commit_latency(library, marketing, args)
    library.close()
    return result


def _commit_latency(library, actor, args: dict) -> dict:  # type: ignore[no-untyped-def]
    """Add a piece, then search for it: how long until it is found."""
    index = library.search.index
    refresh_times: list[float] = []
    original = index.refresh

    def timed_refresh(ids):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return original(ids)
        finally:
            refresh_times.append(time.perf_counter() - t)

    index.refresh = timed_refresh  # type: ignore[method-assign]
    link_total, link_add = [], []
    for i in range(args.get("links", 10)):
        word = f"zqlink{i}x{random.Random(i).randrange(10**6)}"
        t0 = time.perf_counter()
        library.importer.add_link(actor, f"https://example.com/{word}", f"Benchmark link {word}")
        t1 = time.perf_counter()
        found = _service_call(library, actor, {"text": word}).results.total
        t2 = time.perf_counter()
        if found:
            link_add.append(t1 - t0)
            link_total.append(t2 - t0)
    link_refresh = list(refresh_times)
    refresh_times.clear()
    file_total, file_import = [], []
    folder = Path(args["scratch"])
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(args.get("files", 3)):
        word = f"zqfile{i}y{random.Random(i + 50).randrange(10**6)}"
        path = folder / f"commit-{word}.pdf"
        _tiny_pdf(path, f"Commit latency {word}", f"This one-page brief about {word} tests commit latency.")
        t0 = time.perf_counter()
        library.importer.import_paths(actor, [path])
        t1 = time.perf_counter()
        found = _service_call(library, actor, {"text": word}).results.total
        t2 = time.perf_counter()
        if found:
            file_import.append(t1 - t0)
            file_total.append(t2 - t0)
    index.refresh = original  # type: ignore[method-assign]
    return {"link_add_to_found": summarize_ms(link_total), "link_add": summarize_ms(link_add),
            "link_index_commit": summarize_ms(link_refresh), "file_import_to_found": summarize_ms(file_total),
            "file_import": summarize_ms(file_import), "file_index_commit": summarize_ms(refresh_times),
            "links_found": len(link_total), "files_found": len(file_total)}


def _tiny_pdf(path: Path, title: str, text: str) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.setTitle(title)
    pdf.drawString(50, 800, title)
    pdf.drawString(50, 780, text)
    pdf.showPage()
    pdf.save()


def child_cold(args: dict) -> dict:
    """A fresh process (library files evicted from the page cache by the parent): open, first
    search, a second search of another kind."""
    t0 = time.perf_counter()
    library = _open(args["root"], args.get("engine", "auto"))
    rep = library.users.actor("Rita Rep")
    t1 = time.perf_counter()
    _service_call(library, rep, args["first"])
    t2 = time.perf_counter()
    _service_call(library, rep, args["second"])
    t3 = time.perf_counter()
    out = {"import_and_open_ms": round((t1 - t0) * 1000, 1), "first_search_ms": round((t2 - t1) * 1000, 1),
           "second_search_ms": round((t3 - t2) * 1000, 1), "rss_mb": rss_mb()}
    library.close()
    return out


# --- parent -------------------------------------------------------------------------------------

def prepare(cfg: Config, n: int) -> tuple[Path, dict]:
    """The pristine library of ``n`` pieces (cached), and its marker."""
    root = cfg.cache / f"library-{n}"
    t0 = time.perf_counter()
    marker = corpus.build_library(root, n, cfg.seed)
    say(f"search: library of {n} pieces ready ({time.perf_counter() - t0:.1f}s)")
    return root, marker


def run(cfg: Config) -> dict:
    from bench import baselines

    out: dict[str, Any] = {"sizes": {}}
    for n in cfg.sizes:
        pristine, marker = prepare(cfg, n)
        work = cfg.cache / "work" / f"search-{n}"
        if work.exists():
            shutil.rmtree(work)
        work.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(pristine, work)
        taxo = _taxo_of(work)
        queries = make_queries(taxo, cfg.queries_per_kind, cfg.seed)
        qfile = work.parent / f"queries-{n}.json"
        qfile.write_text(json.dumps(queries))
        size: dict[str, Any] = {"pieces": n, "words": marker.get("words"), "text_bytes": marker.get("text_bytes"),
                                "build_seconds": marker.get("build_seconds"),
                                "queries": {k: len(v) for k, v in queries.items()}}
        say(f"search {n}: full reindex (engine setting: {cfg.engine})")
        size["reindex"] = run_child("reindex", {"root": str(work), "engine": cfg.engine})
        size["engine"] = size["reindex"].get("engine")
        size["reindex"]["index_to_text"] = round(size["reindex"]["index_bytes"] / max(1, marker.get("text_bytes", 1)), 2)
        say(f"search {n}: reindex {size['reindex']['seconds']}s, peak {size['reindex']['peak_mb']} MB; warm queries")
        size["service"] = run_child("search", {"root": str(work), "queries": str(qfile), "engine": cfg.engine})
        say(f"search {n}: cold starts")
        colds = []
        rng = random.Random(n)
        for i in range(2 if cfg.quick else 3):
            evict_from_page_cache(work)
            colds.append(run_child("cold", {"root": str(work), "first": rng.choice(queries["single"]),
                                            "second": rng.choice(queries["sayt"]), "engine": cfg.engine}))
        size["cold"] = colds
        say(f"search {n}: baselines")
        size["baselines"] = baselines.run_all(cfg, work, qfile, n)
        say(f"search {n}: commit latency")
        size["commit"] = run_child("commit", {"root": str(work), "links": 5 if cfg.quick else 20,
                                              "engine": cfg.engine,
                                              "files": 2 if cfg.quick else 5,
                                              "scratch": str(work.parent / f"scratch-{n}")})
        out["sizes"][str(n)] = size
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(work.parent / f"scratch-{n}", ignore_errors=True)
    return out


def _taxo_of(root: Path) -> corpus.Taxo:
    from enablement.config import Settings
    from enablement.services.library import Library

    library = Library.open(root, settings=Settings(workers=2), with_index=False)
    try:
        return corpus.Taxo.from_info(library.ctx.taxonomy())
    finally:
        library.close()
