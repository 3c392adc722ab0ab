"""The benchmark code stays importable and working: a toy corpus, one reindex, one small search
measurement, the FTS5 baseline and the results writer. No timing is asserted (see bench/)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import baselines, corpus, relevance_bench, results, search_bench, stdlib_docs
from bench.common import summarize_ms


def test_corpus_is_deterministic_and_realistic():
    taxo = corpus.default_taxo()
    a, b = corpus.piece_spec(7, taxo, 1), corpus.piece_spec(7, taxo, 1)
    assert a == b
    assert corpus.piece_spec(8, taxo, 1).body != a.body
    assert a.title and a.description and a.words >= 150 and a.stage_ids and a.facet_ids
    assert a.status in ("published", "draft", "archived")
    words, cum = corpus.vocabulary()
    assert len(words) == corpus.VOCAB_SIZE and list(cum) == sorted(cum)


def test_toy_library_search_measurement_and_results(tmp_path: Path):
    root = tmp_path / "library"
    built = corpus.build_library(root, 25, seed=3)
    assert built["pieces"] == 25 and built["words"] > 0
    assert corpus.build_library(root, 25, seed=3) == built   # reused, not rebuilt

    reindexed = search_bench.child_reindex({"root": str(root)})
    assert reindexed["docs"] == 25 and reindexed["index_bytes"] > 0

    taxo = search_bench._taxo_of(root)
    queries = search_bench.make_queries(taxo, 2, seed=3)
    assert set(queries) == set(search_bench.KINDS) and all(queries.values())
    qfile = tmp_path / "queries.json"
    qfile.write_text(json.dumps(queries))
    measured = search_bench.child_search({"root": str(root), "queries": str(qfile)})
    for kind in search_bench.KINDS:
        assert measured["kinds"][kind]["service"]["n"] == len(queries[kind])

    build = baselines.child_build({"engine": "fts5", "root": str(root), "dir": str(tmp_path / "fts5")})
    assert build["docs"] == 25
    queried = baselines.child_query({"engine": "fts5", "dir": str(tmp_path / "fts5"), "queries": str(qfile)})
    assert queried["kinds"]["single"]["n"] == len(queries["single"])

    run = {"meta": {"date": "today", "command": "python -m bench --quick", "quick": True, "machine": {}},
           "search": {"sizes": {"25": {"pieces": 25, "text_bytes": built["text_bytes"], "whoosh": measured,
                                       "reindex": reindexed, "baselines": {"fts5": {"build": build, **queried}}}}}}
    merged = results.merge(tmp_path, run)
    assert any(c["target"].startswith("search as you type") for c in merged["targets"])
    jpath, mpath = results.write(tmp_path, merged)
    assert "## Targets" in mpath.read_text() and json.loads(jpath.read_text())["meta"]["quick"] is True


def test_summaries_are_plain_numbers():
    s = summarize_ms([0.001, 0.002, 0.010])
    assert s["n"] == 3 and s["p50"] == 2.0 and s["max"] == 10.0


def test_a_quick_run_never_writes_over_the_recorded_full_results(tmp_path: Path):
    from bench.__main__ import main, output_folder, parse
    from bench.common import REPO

    assert output_folder(parse(["--quick"])) == REPO / "bench" / "out" / "quick"
    assert output_folder(parse([])) == REPO / "bench"
    assert results.holds_full_results(REPO / "bench")  # the recorded full run
    full = {"meta": {"quick": False}, "search": {"recorded": True}}
    (tmp_path / "results.json").write_text(json.dumps(full))
    assert main(["corpus", "--quick", "--out", str(tmp_path)]) == 2
    assert json.loads((tmp_path / "results.json").read_text()) == full


def test_relevance_measures_and_judgements():
    grades = {1: 3, 2: 1, 3: 2}
    assert relevance_bench.ndcg([1, 3, 2], grades) == 1.0           # the ideal order
    assert 0 < relevance_bench.ndcg([2, 3, 1], grades) < 1
    assert relevance_bench.ndcg([9, 8], grades) == 0.0
    assert relevance_bench.reciprocal_rank([2, 9, 3, 1], grades) == 1 / 3   # first graded >= 2
    from enablement.services.demo import load_manifest

    titles = {"demo": {e.raw["title"] for e in load_manifest()}, "stdlib": set(stdlib_docs.MODULES)}
    sets = relevance_bench.load_judgements()
    assert {data.get("builder", "demo") for data in sets.values()} == {"demo", "stdlib"}
    for data in sets.values():
        assert len(data["queries"]) >= 40
        for q in data["queries"]:  # every judged document is in its corpus; every query has something highly relevant
            assert set(q["judgments"]) <= titles[data.get("builder", "demo")], q["query"]
            assert max(q["judgments"].values()) >= 2 and all(0 < g <= 3 for g in q["judgments"].values())


def test_stdlib_corpus_is_read_from_source_and_every_engine_ranks_it(tmp_path: Path):
    docs = stdlib_docs.documents(("csv", "decimal", "gzip", "hashlib", "json"))
    assert [(d.piece_id, d.title) for d in docs] == [(1, "csv"), (2, "decimal"), (3, "gzip"), (4, "hashlib"),
                                                      (5, "json")]
    by_title = {d.title: d for d in docs}
    assert by_title["gzip"].description == "Functions that read and write gzipped files."
    assert "hash" in by_title["hashlib"].description            # set as ``__doc__ = ...``
    assert "Decimal" in by_title["decimal"].body                  # re-exported from _pydecimal
    assert "JSONDecoder" in by_title["json"].body                 # a package brings its submodules
    ids = {d.title: d.piece_id for d in docs}
    queries = [{"query": "gzip", "judgments": {"gzip": 3}}, {"query": "csv", "judgments": {"csv": 3}}]
    from enablement.search.documents import Vocabulary

    for engine, search in relevance_bench.runners(tmp_path, docs, Vocabulary()).items():
        assert relevance_bench.score(queries, ids, search)["ndcg10"] == 1.0, engine


def test_relevance_results_are_rendered_with_the_baseline_as_the_target(tmp_path: Path):
    per = {"ndcg10": 0.9, "mrr": 0.95, "queries": [{"query": "roi", "ndcg10": 0.5, "rr": 1.0}]}
    fts = {"ndcg10": 0.8, "mrr": 0.9, "queries": [{"query": "roi", "ndcg10": 0.7, "rr": 1.0}]}
    run = {"meta": {"date": "today", "command": "python -m bench relevance", "quick": True, "machine": {}},
           "relevance": {"sets": {"demo": {"corpus": "the demo", "queries": 1, "pieces": 35,
                                           "engines": {"whoosh": per, "tantivy": per, "fts5": fts}}}}}
    merged = results.merge(tmp_path, run)
    targets = {c["target"]: c for c in merged["targets"]}
    assert targets["relevance nDCG@10 (demo set), whoosh (≥ FTS5 BM25)"]["met"] is True
    text = results.markdown(merged)
    assert "## Relevance" in text and "Queries where whoosh ranks below FTS5: 'roi' (0.50 vs 0.70)" in text
