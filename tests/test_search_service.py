"""Search through the service, over real files: what a rep types and what comes back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from enablement.models.tables import SearchLog
from enablement.services.library import Library
from enablement.models.dto import TagSelection
from enablement.storage.engine import read_session
from tests.conftest import make_ready
from tests.filemaker_docs import make_docx, make_pdf, make_pptx

HOSTILE = ['"unbalanced', "stage:", "x" * 10_000, "*", "a\x00b", "(((", "OR OR", "-", '"', "gate:",
           "type:nonsense", "NOT", "stage:Evalu OR (", "ünïcödé ☃", "owner:\"", "*" * 50]


@pytest.fixture
def lib(library: Library, actors, tmp_path) -> Library:
    docs = tmp_path / "docs"
    docs.mkdir()
    make_pdf(docs / "security.pdf", ["Answers for the security review: SOC 2 Type II, encryption at rest"],
             title="Security Whitepaper")
    make_docx(docs / "roi.docx", ["How to compute the return on investment and payback period"],
              title="ROI Business Case")
    make_pptx(docs / "overview.pptx", [("Executive overview", "Operations leaders automate approvals"),
                                       ("Pricing tiers", "Team, Business and Enterprise prices")])
    make_pdf(docs / "old-battlecard.pdf", ["Why we beat Kitestring"], title="Kitestring Battlecard")
    library.importer.import_paths(actors["marketing"], [docs])
    ids = {p.title: p.id for p in library.pieces.list()}
    tax = library.taxonomy.get()
    gate = {g.key: g for s in tax.stages for g in s.gates}
    persona = {v.label: v.id for v in tax.facets["persona"]}
    mk = actors["marketing"]
    library.pieces.set_tags(mk, ids["Security Whitepaper"], TagSelection(
        gates=[gate["security-ok"].id], facets={"persona": [persona["Security Officer"]]}))
    library.pieces.set_tags(mk, ids["ROI Business Case"], TagSelection(
        gates=[gate["worth-investment"].id], facets={"persona": [persona["CFO"]]}))
    tagged = {ids["Security Whitepaper"], ids["ROI Business Case"]}
    for pid in ids.values():
        if pid in tagged:
            library.pieces.publish(mk, make_ready(library, mk, pid))
        else:  # untagged on purpose (gate:none finds them): an admin publishes them anyway
            library.pieces.publish(actors["admin"], pid, force=True)
    library.pieces.archive(mk, ids["Kitestring Battlecard"])
    return library


def titles(lib: Library, actor, query: str, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p.title for p in lib.search.search(actor, query, **kw).pieces)


def test_words_inside_pdf_docx_and_pptx_find_them(lib: Library, actors):
    rep = actors["rep"]
    assert titles(lib, rep, "encryption") == ["Security Whitepaper"]
    assert titles(lib, rep, "payback") == ["ROI Business Case"]
    assert titles(lib, rep, "approvals") == ["Overview"]
    assert titles(lib, rep, '"security review"') == ["Security Whitepaper"]
    assert titles(lib, rep, "enterpr*") == ["Overview"]


def test_filters_synonyms_none_and_names(lib: Library, actors):
    rep = actors["rep"]
    assert titles(lib, rep, "stage:evaluation") == ["Security Whitepaper"]
    assert titles(lib, rep, 'stage:"DECISION"') == ["ROI Business Case"]
    assert titles(lib, rep, 'gate:"Is this worth the investment?"') == ["ROI Business Case"]
    assert titles(lib, rep, "persona:cfo") == ["ROI Business Case"]
    assert titles(lib, rep, "gate:none") == ["Overview"]
    assert titles(lib, rep, "roi") == ["ROI Business Case"]  # via the title and the synonym group
    assert titles(lib, rep, "price") == ["Overview"]  # stemming: "prices"
    assert titles(lib, rep, "security -soc") == []
    assert titles(lib, rep, "encryption OR payback") == ["ROI Business Case", "Security Whitepaper"]
    assert titles(lib, rep, "NOT stage:evaluation") == ["Overview", "ROI Business Case"]


def test_archived_hidden_unless_asked_and_reps_see_only_published(lib: Library, actors, tmp_path):
    rep, mk = actors["rep"], actors["marketing"]
    assert titles(lib, rep, "kitestring") == []
    assert titles(lib, rep, "kitestring", include_archived=True) == ["Kitestring Battlecard"]
    make_pdf(tmp_path / "draft.pdf", ["Draft about kitestring"], title="Draft Note")
    lib.importer.import_paths(mk, [tmp_path / "draft.pdf"])
    assert titles(lib, rep, "draft") == []
    assert titles(lib, mk, "draft") == ["Draft Note"]


def test_hostile_queries_give_hints_never_exceptions(lib: Library, actors):
    for query in HOSTILE:
        outcome = lib.search.search(actors["rep"], query, log_search=True)
        assert outcome.results.total >= 0
    hints = lib.search.search(actors["rep"], "stage:").results.hints
    assert any("stage" in h and "value" in h for h in hints)
    long = lib.search.search(actors["rep"], "security " * 3000).results
    assert any("shortened" in h for h in long.hints)


def test_facet_counts_sorting_snippets_and_stale(lib: Library, actors):
    from datetime import date

    mk = actors["marketing"]
    sec = next(p.id for p in lib.pieces.list() if p.title == "Security Whitepaper")
    lib.pieces.update(mk, sec, review_by=date(2020, 1, 1))
    outcome = lib.search.search(actors["rep"], "")
    stages = {f.label: f.count for f in outcome.facets if f.dimension == "stage"}
    assert stages == {"Evaluation": 1, "Decision": 1, "(none)": 1}
    hit = next(h for h, p in zip(outcome.results.hits, outcome.pieces) if p.id == sec)
    assert hit.stale and next(p for p in outcome.pieces if p.id == sec).stale
    newest = lib.search.search(actors["rep"], "", sort="newest").pieces
    assert newest[0].id == sec  # just edited
    snippet = lib.search.search(actors["rep"], "encryption").results.hits[0].snippet
    assert "<b>encryption</b>" in snippet.lower()


def test_deleting_or_corrupting_the_index_rebuilds_with_the_same_results(lib: Library, actors):
    rep = actors["rep"]
    queries = ["security", "roi", "stage:decision", "approvals OR payback", ""]
    before = [titles(lib, rep, q) for q in queries]
    lib.ctx.index.close()
    shutil.rmtree(lib.ctx.paths.index)
    assert [titles(lib, rep, q) for q in queries] == before
    for path in Path(lib.ctx.paths.index).rglob("*"):
        if path.is_file() and path.suffix in (".seg", ".toc", ".json", ".trm", ".pst", ".vpst"):
            path.write_bytes(b"garbage")
    lib.ctx.index.close()
    assert [titles(lib, rep, q) for q in queries] == before


def test_searches_are_logged_with_results_and_the_opened_piece(lib: Library, actors):
    outcome = lib.search.search(actors["rep"], "encryption", log_search=True)
    lib.search.opened(outcome.search_id, outcome.pieces[0].id)
    lib.search.search(actors["rep"], "nonprofit discount", log_search=True)
    with read_session(lib.ctx.engine) as s:
        rows = {r.query: r for r in s.exec(select(SearchLog))}
    assert rows["encryption"].result_count == 1 and rows["encryption"].opened_piece_id == outcome.pieces[0].id
    assert rows["encryption"].shown_piece_ids == str(outcome.pieces[0].id)
    assert rows["nonprofit discount"].result_count == 0
    assert rows["encryption"].user_id == actors["rep"].user_id


def test_more_like_this_and_tag_suggestions_with_reasons(lib: Library, actors):
    sec = next(p.id for p in lib.pieces.list() if p.title == "Security Whitepaper")
    suggestions = lib.search.suggest_tags("Security FAQ", "Questions from the security review about SOC 2 "
                                          "Type II audits and encryption at rest")
    gates = [s for s in suggestions if s.dimension == "gate"]
    assert gates and gates[0].label == "Does it pass our security and compliance review?"
    assert "Security Whitepaper" in gates[0].reason
    assert all(p.id != sec for p in lib.search.more_like_this(sec))


def test_a_locked_index_never_blocks_an_import_and_is_caught_up_afterwards(lib: Library, actors, tmp_path):
    """Another process holds the index's writer lock: the import still lands (the database is
    the truth) and the piece becomes searchable once the lock is gone."""
    import subprocess
    import sys
    import time

    index_dir = lib.ctx.paths.index
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from enablement.search.store import write_lock\n"
         "with write_lock(Path(sys.argv[1]), 5):\n    print('locked', flush=True); time.sleep(4)", str(index_dir)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        make_pdf(tmp_path / "fresh.pdf", ["Quarterly roadmap webinar for operations teams"], title="Roadmap")
        out = lib.importer.import_paths(actors["marketing"], [tmp_path / "fresh.pdf"]).value
        assert out.count("ok") == 1
        pid = out.piece_ids[0]
        lib.pieces.publish(actors["marketing"], make_ready(lib, actors["marketing"], pid))
    finally:
        holder.wait(timeout=30)
    deadline = time.monotonic() + 10
    found: list[str] = []
    while time.monotonic() < deadline and not found:
        found = titles(lib, actors["rep"], "roadmap")
    assert found == ["Roadmap"]


def test_most_used_follows_each_logged_use(lib: Library, actors):
    from enablement.models.dto import UseRecord

    rep = actors["rep"]
    before = [p.title for p in lib.search.search(rep, "", sort="most_used").pieces]
    last = before[-1]
    pid = next(p.id for p in lib.pieces.list() if p.title == last)
    for _ in range(3):
        lib.usage.record(rep, UseRecord(kind="sent", piece_id=pid))
    lib.usage.record(rep, UseRecord(kind="feedback", piece_id=before[0] and pid, helpful=True))
    after = lib.search.search(rep, "", sort="most_used").pieces
    assert after[0].title == last and after[0].use_count == 3
    assert lib.ctx.index.popularity()[pid] == 3  # feedback is not a use


def test_parallel_reindex_gives_the_same_results(lib: Library, actors):
    rep = actors["rep"]
    queries = ["security", "roi", "stage:decision", "approvals OR payback", "gate:none", ""]
    before = [titles(lib, rep, q) for q in queries]
    assert lib.search.reindex(processes=2) == len(lib.pieces.list(statuses=None))
    assert [titles(lib, rep, q) for q in queries] == before


def test_an_unchanged_index_is_not_read_through_at_start_and_any_change_is_still_caught(lib: Library, actors):
    """Opening the library again with nothing changed skips reading every document's stamp
    (seconds at 100k pieces); a change in the database is re-indexed from its change log
    alone, and a change to the index still makes the next start compare and repair."""
    from enablement.models.tables import Piece
    from enablement.search.documents import SearchRequest
    from enablement.services.search import SearchIndex
    from enablement.storage.engine import write_session

    lib.search.index.ensure_fresh()
    reads: list[int] = []

    def fresh_index() -> SearchIndex:
        index = SearchIndex(lib.ctx)
        real = index.backend.stamps
        index.backend.stamps = lambda: reads.append(1) or real()  # type: ignore[method-assign]
        return index

    assert fresh_index().ensure_fresh() == 0 and reads == []
    # the database changed behind the index's back (another program, a crash before indexing)
    with write_session(lib.ctx.engine) as s:
        piece = s.exec(select(Piece).where(Piece.title == "Kitestring Battlecard")).one()
        piece.title = "Kitestring Zebrafish Battlecard"
        piece.updated_at = piece.updated_at.replace(year=piece.updated_at.year + 1)
    index = fresh_index()
    assert index.ensure_fresh() == 1 and reads == []
    assert [h.piece_id for h in index.search(SearchRequest(text="zebrafish", include_archived=True)).hits] == [piece.id]
    assert fresh_index().ensure_fresh() == 0 and reads == []
    # the index changed behind the database's back (a document lost)
    lib.search.index.backend.delete([piece.id])
    assert fresh_index().ensure_fresh() == 1 and reads == [1]
