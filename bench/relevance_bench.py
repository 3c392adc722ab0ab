"""Relevance: nDCG@10 and MRR of Whoosh, tantivy and the SQLite FTS5 BM25 baseline on graded
judgements (``bench/relevance/*.json``).

Each set names the corpus it judges (``builder``): ``demo``, the demo library (``enablement demo``)
built fresh into the cache, whose ``IndexDoc`` stream is the one the app indexes
(``SearchIndex.documents``); or ``stdlib``, the Python standard library's module documentation
(``bench/stdlib_docs.py``, a public corpus read from the interpreter's own source). Each corpus is
built and indexed once by every engine. Ours
answer through the engine-neutral pipeline exactly as a search does (stemming, synonyms,
spelling correction), as marketing (drafts and published pieces), ranked by text alone (no
popularity: the demo's usage is made up, the judgements are about the text). FTS5 gets the
query's words ANDed (its default), porter stemming, ``bm25`` with the title weighted 2.

nDCG@10 uses gain 2^grade − 1 and the ideal ordering of each query's judgements; MRR is the
reciprocal rank of the first piece graded ≥ 2 in the top 10 (0 if none). Both are means over
the queries.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable

from bench.common import Config, say

JUDGEMENTS = Path(__file__).resolve().parent / "relevance"
TOP = 10
ENGINES = ("whoosh", "tantivy", "fts5")
STATUSES = frozenset({"draft", "published"})


def load_judgements() -> dict[str, Any]:
    sets = {}
    for path in sorted(JUDGEMENTS.glob("*.json")):
        sets[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return sets


def ndcg(ranked: list[int], grades: dict[int, int], k: int = TOP) -> float:
    dcg = sum((2 ** grades.get(pid, 0) - 1) / math.log2(i + 2) for i, pid in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(ranked: list[int], grades: dict[int, int], k: int = TOP) -> float:
    for i, pid in enumerate(ranked[:k]):
        if grades.get(pid, 0) >= 2:
            return 1.0 / (i + 1)
    return 0.0


def _demo(cfg: Config) -> Path:
    """A fresh demo library (its dates follow today, so it is not cached between runs)."""
    from enablement.config import Settings
    from enablement.services.demo import create_demo_library

    root = cfg.cache / "work" / "relevance-demo"
    shutil.rmtree(root, ignore_errors=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    create_demo_library(root, settings=Settings(workers=2)).close()
    return root


def _demo_corpus(cfg: Config) -> tuple[list, Any, dict[str, Any]]:
    """The demo library's documents and vocabulary."""
    from enablement.config import Settings
    from enablement.services.library import Library
    from enablement.services.search import SearchIndex

    root = _demo(cfg)
    library = Library.open(root, settings=Settings(workers=2), with_index=False)
    try:
        index = SearchIndex(library.ctx)
        docs = list(index.documents(sorted(index.db_stamps())))
        return docs, index.vocabulary(), {}
    finally:
        library.close()
        shutil.rmtree(root, ignore_errors=True)


def _stdlib_corpus(cfg: Config) -> tuple[list, Any, dict[str, Any]]:
    """The standard library's module documentation; no vocabulary (no stages, gates or synonyms)."""
    from bench import stdlib_docs
    from enablement.search.documents import Vocabulary

    return stdlib_docs.documents(), Vocabulary(), {"python": sys.version, "stdlib": str(stdlib_docs.stdlib())}


CORPORA: dict[str, Callable[[Config], tuple[list, Any, dict[str, Any]]]] = {
    "demo": _demo_corpus, "stdlib": _stdlib_corpus}


def _ours(engine: str, folder: Path, docs: list, vocabulary: Any) -> Callable[[str], list[int]]:
    from enablement.search import open_backend
    from enablement.search.documents import SearchRequest

    backend = open_backend(folder, engine=engine)
    backend.rebuild(docs)

    def run(query: str) -> list[int]:
        results = backend.search(SearchRequest(text=query, statuses=STATUSES, limit=TOP), vocabulary)
        return [h.piece_id for h in results.hits]
    return run


def _fts5(folder: Path, docs: list) -> Callable[[str], list[int]]:
    from bench.baselines import _build_fts5

    folder.mkdir(parents=True, exist_ok=True)
    _build_fts5(folder, docs)
    db = sqlite3.connect(folder / "fts.db")

    def run(query: str) -> list[int]:
        words = re.findall(r"\w+", query.lower())
        if not words:
            return []
        match = " ".join('"' + w + '"' for w in words)
        rows = db.execute("SELECT d.rowid FROM docs d CROSS JOIN meta m ON m.id = d.rowid WHERE docs MATCH ? "
                          "AND m.status IN ('draft', 'published') ORDER BY bm25(docs, 2.0, 1.0, 1.0) LIMIT ?",
                          (match, TOP)).fetchall()
        return [int(r[0]) for r in rows]
    return run


def score(queries: list[dict], by_title: dict[str, int], search: Callable[[str], list[int]]) -> dict[str, Any]:
    """nDCG@10 and MRR of ``search`` over ``queries`` (means, and each query's)."""
    rows = []
    for q in queries:
        grades = {by_title[t]: int(g) for t, g in q["judgments"].items()}
        ranked = search(q["query"])
        rows.append({"query": q["query"], "ndcg10": round(ndcg(ranked, grades), 4),
                     "rr": round(reciprocal_rank(ranked, grades), 4)})
    return {"ndcg10": round(sum(r["ndcg10"] for r in rows) / len(rows), 3),
            "mrr": round(sum(r["rr"] for r in rows) / len(rows), 3), "queries": rows}


def runners(folder: Path, docs: list, vocabulary: Any) -> dict[str, Callable[[str], list[int]]]:
    """Every engine, each with its own index of ``docs`` under ``folder``."""
    return {"whoosh": _ours("whoosh", folder / "whoosh", docs, vocabulary),
            "tantivy": _ours("tantivy", folder / "tantivy", docs, vocabulary),
            "fts5": _fts5(folder / "fts5", docs)}


def run(cfg: Config) -> dict[str, Any]:
    sets = load_judgements()
    work = cfg.cache / "work" / "relevance-indexes"
    shutil.rmtree(work, ignore_errors=True)
    out: dict[str, Any] = {"sets": {}}
    for corpus in sorted({data.get("builder", "demo") for data in sets.values()}):
        if corpus not in CORPORA:
            raise ValueError(f"a judgement set names corpus {corpus!r}; known: {', '.join(CORPORA)}")
        say(f"relevance: building the {corpus} corpus")
        docs, vocabulary, about = CORPORA[corpus](cfg)
        by_title = {d.title: d.piece_id for d in docs}
        engines = runners(work / corpus, docs, vocabulary)
        for name, data in sets.items():
            if data.get("builder", "demo") != corpus:
                continue
            queries = data["queries"]
            unknown = sorted({t for q in queries for t in q["judgments"] if t not in by_title})
            if unknown:
                raise ValueError(f"judgements in {name}.json name documents the corpus lacks: {unknown[:5]}")
            per_engine: dict[str, Any] = {}
            for engine, search in engines.items():
                per_engine[engine] = score(queries, by_title, search)
                say(f"relevance {name}: {engine} nDCG@10 {per_engine[engine]['ndcg10']}, "
                    f"MRR {per_engine[engine]['mrr']}")
            out["sets"][name] = {"corpus": data.get("corpus"), "judged_by": data.get("judged_by"),
                                 "searched_as": data.get("searched_as"), "queries": len(queries),
                                 "pieces": len(docs), **about, "engines": per_engine}
    shutil.rmtree(work, ignore_errors=True)
    return out
