"""Baselines over the same documents: SQLite FTS5 (BM25) and tantivy.

Each engine is built from exactly the ``IndexDoc`` stream our Whoosh index is rebuilt from
(``SearchIndex.documents``), in a child process (``baseline_build``), then queried in a fresh
child (``baseline_query``) with the same query set, top 20, restricted to published pieces
(what a rep sees), with the total count. The Whoosh numbers to compare with are its
"engine" numbers (``WhooshBackend.search``, top 20); the service path adds the page of 50
summaries and facet labels on top.

What the baselines do not do (so they are a lower bound for an engine swap): spelling
suggestions, synonyms, snippets, popularity boost; facet counts only for the facet kind.
"""

from __future__ import annotations

import gc
import json
import sqlite3
import time
from pathlib import Path
from typing import Any, Callable

from bench.common import Config, dir_bytes, peak_mb, rss_mb, run_child, say, summarize_ms

FACET_DIMS = ("stage", "gate", "persona", "industry", "product", "content_type", "language")
ENGINES = ("fts5", "tantivy")


def available(engine: str) -> str | None:
    """None when the engine can run here, else why not."""
    if engine == "tantivy":
        try:
            import tantivy  # noqa: F401
        except ImportError:
            return "tantivy not installed (pip install -e '.[bench]')"
    if engine == "fts5":
        try:
            sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        except sqlite3.Error:
            return "this SQLite has no FTS5"
    return None


def run_all(cfg: Config, library_root: Path, queries_file: Path, n: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for engine in ENGINES:
        missing = available(engine)
        if missing:
            out[engine] = {"skipped": missing}
            continue
        folder = library_root.parent / f"{engine}-{n}"
        built = run_child("baseline_build", {"engine": engine, "root": str(library_root), "dir": str(folder)})
        queried = run_child("baseline_query", {"engine": engine, "dir": str(folder), "queries": str(queries_file)})
        out[engine] = {"build": built, **queried}
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        say(f"search {n}: {engine} built at {built['docs_per_s']} docs/s; "
            f"single p50 {queried['kinds']['single']['p50']} ms")
    return out


# --- documents ------------------------------------------------------------------------------------

def load_docs(root: str) -> tuple[list, float]:
    from enablement.config import Settings
    from enablement.services.library import Library

    t0 = time.perf_counter()
    library = Library.open(Path(root), settings=Settings(workers=2), with_index=False)
    from enablement.services.search import SearchIndex

    index = SearchIndex(library.ctx)
    ids = sorted(index.db_stamps())
    docs = list(index.documents(ids))
    library.close()
    return docs, time.perf_counter() - t0


def _content(doc) -> str:  # type: ignore[no-untyped-def]
    return "\n".join((doc.description, doc.body))


def _micros(doc) -> int:  # type: ignore[no-untyped-def]
    return int(doc.updated_at.timestamp())


def child_build(args: dict) -> dict:
    docs, load_s = load_docs(args["root"])
    folder = Path(args["dir"])
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rss_docs = rss_mb()
    t0 = time.perf_counter()
    if args["engine"] == "fts5":
        _build_fts5(folder, docs)
    else:
        _build_tantivy(folder, docs)
    seconds = time.perf_counter() - t0
    return {"docs": len(docs), "load_docs_seconds": round(load_s, 2), "seconds": round(seconds, 2),
            "docs_per_s": round(len(docs) / seconds, 1), "rss_with_docs_mb": rss_docs, "peak_mb": peak_mb(),
            "index_bytes": dir_bytes(folder)}


# --- FTS5 ---------------------------------------------------------------------------------------

def _build_fts5(folder: Path, docs: list) -> None:
    db = sqlite3.connect(folder / "fts.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, tags, content, tokenize='porter unicode61')")
    db.execute("CREATE TABLE meta(id INTEGER PRIMARY KEY, status TEXT, updated INTEGER)")
    db.execute("CREATE TABLE facets(piece_id INTEGER, dim TEXT, key TEXT)")
    with db:
        db.executemany("INSERT INTO docs(rowid, title, tags, content) VALUES (?,?,?,?)",
                       ((d.piece_id, d.title, d.tags_text, _content(d)) for d in docs))
        db.executemany("INSERT INTO meta VALUES (?,?,?)", ((d.piece_id, d.status, _micros(d)) for d in docs))
        db.executemany("INSERT INTO facets VALUES (?,?,?)",
                       ((d.piece_id, dim, key) for d in docs for dim in FACET_DIMS for key in d.keys_of(dim)))
    db.execute("CREATE INDEX facets_key ON facets(dim, key, piece_id)")
    db.execute("CREATE INDEX facets_piece ON facets(piece_id)")
    db.execute("CREATE INDEX meta_status ON meta(status, updated)")
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    db.commit()
    db.close()


def _fts_match(q: dict) -> str | None:
    def quote(w: str) -> str:
        return '"' + w.replace('"', "") + '"'
    if "phrase" in q:
        return quote(" ".join(q["phrase"]))
    if "prefix" in q:
        return quote(q["prefix"]) + "*"
    parts = [quote(w) for w in q.get("words", [])]
    last = q.get("last")
    if last:
        parts.append(quote(last) + ("*" if len(last) >= 3 else ""))
    return " ".join(parts) or None


def _fts5_runner(folder: Path) -> Callable[[dict], Any]:
    db = sqlite3.connect(folder / "fts.db", check_same_thread=False)

    def run(q: dict) -> Any:
        match = _fts_match(q)
        flt = q.get("filter") or q.get("panel")
        where, params = ["m.status = 'published'"], []
        if flt:
            where.append("m.id IN (SELECT piece_id FROM facets WHERE dim = ? AND key = ?)")
            params += flt
        if match:
            base = (f"FROM docs d CROSS JOIN meta m ON m.id = d.rowid WHERE docs MATCH ? AND {' AND '.join(where)}")
            ids = db.execute(f"SELECT d.rowid {base} ORDER BY bm25(docs, 2.0, 1.0, 1.0) LIMIT 20",
                             [match, *params]).fetchall()
            total = db.execute(f"SELECT count(*) {base}", [match, *params]).fetchone()[0]
            matched_sql, matched_params = f"SELECT d.rowid {base}", [match, *params]
        else:
            base = f"FROM meta m WHERE {' AND '.join(where)}"
            ids = db.execute(f"SELECT m.id {base} ORDER BY m.updated DESC LIMIT 20", params).fetchall()
            total = db.execute(f"SELECT count(*) {base}", params).fetchone()[0]
            matched_sql, matched_params = f"SELECT m.id {base}", params
        if "panel" in q:
            db.execute(f"SELECT dim, key, count(*) FROM facets WHERE piece_id IN ({matched_sql}) GROUP BY dim, key",
                       matched_params).fetchall()
        return total, ids
    return run


# --- tantivy ------------------------------------------------------------------------------------

def _tantivy_schema():  # type: ignore[no-untyped-def]
    import tantivy

    b = tantivy.SchemaBuilder()
    for name in ("title", "tags", "content"):
        b.add_text_field(name, stored=False, tokenizer_name="en_stem")
    b.add_integer_field("pid", stored=True, indexed=True, fast=True)
    b.add_integer_field("updated", stored=False, indexed=False, fast=True)
    b.add_text_field("status", stored=False, tokenizer_name="raw", fast=True)
    for dim in FACET_DIMS:
        b.add_text_field(dim, stored=False, tokenizer_name="raw", fast=True)
    return b.build()


def _build_tantivy(folder: Path, docs: list) -> None:
    import tantivy

    index = tantivy.Index(_tantivy_schema(), path=str(folder))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for d in docs:
        fields: dict[str, Any] = {"title": d.title, "tags": d.tags_text, "content": _content(d), "pid": d.piece_id,
                                  "updated": _micros(d), "status": d.status}
        for dim in FACET_DIMS:
            keys = list(d.keys_of(dim))
            if keys:
                fields[dim] = keys
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()


def _tantivy_runner(folder: Path) -> Callable[[dict], Any]:
    import tantivy
    from tantivy import Occur, Query

    index = tantivy.Index.open(str(folder))
    schema = index.schema
    searcher = index.searcher()
    boosts = {"title": 2.0, "tags": 1.0, "content": 1.0}
    text_fields = list(boosts)
    published = Query.term_query(schema, "status", "published")

    def words_query(words: list[str]) -> list:
        return [(Occur.Must, index.parse_query(w, text_fields, field_boosts=boosts)) for w in words]

    def prefix_query(prefix: str) -> Any:
        pattern = "".join(c for c in prefix.lower() if c.isalnum()) + ".*"
        return Query.boolean_query([(Occur.Should, Query.regex_query(schema, f, pattern)) for f in text_fields])

    def run(q: dict) -> Any:
        must: list = [(Occur.Must, published)]
        if "phrase" in q:
            must.append((Occur.Must, index.parse_query('"' + " ".join(q["phrase"]) + '"', text_fields,
                                                       field_boosts=boosts)))
        elif "prefix" in q:
            must.append((Occur.Must, prefix_query(q["prefix"])))
        else:
            must += words_query(q.get("words", []))
            last = q.get("last")
            if last:
                if len(last) >= 3:
                    must.append((Occur.Must, Query.boolean_query([
                        (Occur.Should, index.parse_query(last, text_fields, field_boosts=boosts)),
                        (Occur.Should, prefix_query(last))])))
                else:
                    must += words_query([last])
        flt = q.get("filter") or q.get("panel")
        if flt:
            must.append((Occur.Must, Query.term_query(schema, flt[0], flt[1])))
        query = Query.boolean_query(must)
        if len(must) == 1 or (len(must) == 2 and flt and "panel" in q and not q.get("words")):
            result = searcher.search(query, limit=20, order_by_field="updated")
        else:
            result = searcher.search(query, limit=20)
        ids = [searcher.doc(addr)["pid"][0] for _score, addr in result.hits]
        if "panel" in q:
            searcher.aggregate(query, {dim: {"terms": {"field": dim, "size": 100}} for dim in FACET_DIMS})
        return result.count, ids
    return run


def child_query(args: dict) -> dict:
    from bench.search_bench import KINDS

    folder = Path(args["dir"])
    queries: dict[str, list[dict]] = json.loads(Path(args["queries"]).read_text())
    t0 = time.perf_counter()
    run = _fts5_runner(folder) if args["engine"] == "fts5" else _tantivy_runner(folder)
    open_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    run(queries["single"][0])
    first_s = time.perf_counter() - t0
    for kind in KINDS:
        run(queries[kind][-1])   # warm-up, not measured
    kinds: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for kind in KINDS:
        times, totals = [], []
        for q in queries[kind]:
            t = time.perf_counter()
            try:
                total, _ids = run(q)
            except Exception as exc:  # noqa: BLE001 - an engine's query-language limit is a finding
                errors[kind] = f"{type(exc).__name__}: {exc}"[:200]
                continue
            times.append(time.perf_counter() - t)
            totals.append(total)
        kinds[kind] = summarize_ms(times)
        kinds[kind]["median_hits"] = sorted(totals)[len(totals) // 2] if totals else 0
    gc.collect()
    return {"open_ms": round(open_s * 1000, 2), "first_query_ms": round(first_s * 1000, 2), "kinds": kinds,
            "errors": errors, "rss_after_queries_mb": rss_mb(), "peak_mb": peak_mb()}
