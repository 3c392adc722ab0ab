"""Relevance: nDCG@10 and MRR of Whoosh, tantivy and the SQLite FTS5 BM25 baseline on graded
judgements (``bench/relevance/*.json``).

The judged corpus is the demo library (``enablement demo``), built fresh into the cache. Every
engine indexes the same ``IndexDoc`` stream the app indexes (``SearchIndex.documents``). Ours
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


def _documents(root: Path) -> tuple[list, Any, dict[str, int]]:
    from enablement.config import Settings
    from enablement.services.library import Library
    from enablement.services.search import SearchIndex

    library = Library.open(root, settings=Settings(workers=2), with_index=False)
    try:
        index = SearchIndex(library.ctx)
        docs = list(index.documents(sorted(index.db_stamps())))
        return docs, index.vocabulary(), {d.title: d.piece_id for d in docs}
    finally:
        library.close()


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


def run(cfg: Config) -> dict[str, Any]:
    sets = load_judgements()
    say("relevance: building the demo library")
    root = _demo(cfg)
    docs, vocabulary, by_title = _documents(root)
    work = cfg.cache / "work" / "relevance-indexes"
    shutil.rmtree(work, ignore_errors=True)
    runners = {"whoosh": _ours("whoosh", work / "whoosh", docs, vocabulary),
               "tantivy": _ours("tantivy", work / "tantivy", docs, vocabulary),
               "fts5": _fts5(work / "fts5", docs)}
    out: dict[str, Any] = {"sets": {}}
    for name, data in sets.items():
        queries = data["queries"]
        unknown = sorted({t for q in queries for t in q["judgments"] if t not in by_title})
        if unknown:
            raise ValueError(f"judgements in {name}.json name pieces the corpus lacks: {unknown[:5]}")
        per_engine: dict[str, Any] = {}
        for engine, search in runners.items():
            rows = []
            for q in queries:
                grades = {by_title[t]: int(g) for t, g in q["judgments"].items()}
                ranked = search(q["query"])
                rows.append({"query": q["query"], "ndcg10": round(ndcg(ranked, grades), 4),
                             "rr": round(reciprocal_rank(ranked, grades), 4)})
            per_engine[engine] = {"ndcg10": round(sum(r["ndcg10"] for r in rows) / len(rows), 3),
                                  "mrr": round(sum(r["rr"] for r in rows) / len(rows), 3), "queries": rows}
            say(f"relevance {name}: {engine} nDCG@10 {per_engine[engine]['ndcg10']}, MRR {per_engine[engine]['mrr']}")
        out["sets"][name] = {"corpus": data.get("corpus"), "judged_by": data.get("judged_by"),
                             "searched_as": data.get("searched_as"), "queries": len(queries),
                             "pieces": len(docs), "engines": per_engine}
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(root, ignore_errors=True)
    return out
