"""Both search engines (Whoosh and tantivy) on a small real index built from hand-made docs.

Every test runs once per engine: behaviour, lifecycle and index damage alike."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from enablement.search import (NONE_KEY, IndexBusy, IndexDamaged, IndexDoc, IndexMissing,
                               IndexOutdated, SearchRequest, SearchResults, Vocabulary,
                               open_backend)

TODAY = date(2024, 7, 1)

VOCAB = Vocabulary.from_lists(
    stages=[("awareness", "Awareness"), ("consideration", "Consideration"),
            ("evaluation", "Evaluation"), ("decision", "Decision"), ("purchase", "Purchase"),
            ("onboarding", "Onboarding"), ("expansion", "Expansion")],
    gates=[("worth-investment", "Is this worth the investment?"),
           ("security-ok", "Does it pass our security and compliance review?"),
           ("better-than-alternatives", "Why this over the alternatives?"),
           ("get-started", "How do we get started quickly?"),
           ("terms-acceptable", "Are the price and terms acceptable?"),
           ("vendor-credible", "Is this vendor credible for companies like ours?")],
    facets={"persona": [("cfo", "CFO"), ("it-director", "IT Director"),
                        ("security-officer", "Security Officer"),
                        ("economic-buyer", "Economic Buyer"),
                        ("operations-manager", "Operations Manager")],
            "industry": [("healthcare", "Healthcare"), ("retail", "Retail"),
                         ("financial-services", "Financial Services")],
            "product": [("platform", "Platform"), ("analytics", "Analytics")],
            "content_type": [("guide", "Guide"), ("whitepaper", "Whitepaper"),
                             ("roi-calculator", "ROI Calculator"), ("battlecard", "Battlecard"),
                             ("deck", "Deck"), ("case-study", "Case Study")],
            "language": [("english", "English"), ("german", "German")]},
    synonyms=[("roi", "return on investment", "payback"), ("security", "infosec", "compliance"),
              ("pricing", "price", "cost", "quote")],
)
PLAIN = Vocabulary()  # no synonyms: to test stemming on its own


def d(piece_id: int, title: str, body: str, updated: str, **kw) -> IndexDoc:
    kw.setdefault("language", ("english",))
    kw.setdefault("stamp", f"v1-{piece_id}")
    return IndexDoc(piece_id=piece_id, title=title, body=body,
                    updated_at=datetime.fromisoformat(updated), **kw)


DOCS = [
    d(1, "Guide for CFOs", "Our prices and the price list. Return on investment in six months.",
      "2024-03-01", stages=("decision",), gates=("worth-investment",), persona=("cfo",),
      industry=("financial-services",), product=("platform",), content_type=("guide",),
      owner="Alice Smith", file_type="pdf", review_by=date(2024, 1, 1)),
    d(2, "Security whitepaper", "SOC 2 report, infosec controls and <script>alert('x')</script> "
      "handling of data.", "2024-02-01", stages=("evaluation",), gates=("security-ok",),
      persona=("security-officer", "it-director"), industry=("healthcare",),
      product=("platform",), content_type=("whitepaper",), owner="Bob Jones", file_type="pdf",
      review_by=date(2025, 1, 1)),
    d(3, "ROI calculator", "Compute the ROI and the payback period.", "2024-01-15",
      stages=("decision",), gates=("worth-investment",), persona=("cfo", "economic-buyer"),
      product=("analytics",), content_type=("roi-calculator",), owner="Alice Smith",
      source="rep", file_type="xlsx"),
    d(4, "Competitor battlecard", "How we win against the competition. Pricing comparison.",
      "2024-04-01", stages=("evaluation",), gates=("better-than-alternatives",),
      content_type=("battlecard",), owner="Bob Jones", file_type="pptx"),
    d(5, "Onboarding checklist", "Implementation plan and rollout steps.", "2024-05-01",
      stages=("onboarding",), gates=("get-started",), persona=("operations-manager",),
      content_type=("guide",), owner="Carol White", status="draft", file_type="docx"),
    d(6, "Old pricing deck", "Legacy price list.", "2023-01-01", stages=("purchase",),
      gates=("terms-acceptable",), content_type=("deck",), owner="Bob Jones",
      status="archived", file_type="pptx"),
    d(7, "Customer story: Retail", "A success story from a retail chain.", "2024-06-01",
      stages=("consideration",), gates=("vendor-credible",), industry=("retail",),
      content_type=("case-study",), owner="Carol White", kind="link", language=("german",)),
    d(8, "Untagged note", "Miscellaneous notes about analytics dashboards.", "2023-06-01",
      file_type="txt"),
    d(9, "Zebra twin", "zebra stripes", "2023-03-01", file_type="txt"),
    d(10, "Zebra twin", "zebra stripes", "2023-02-01", file_type="txt"),
]
VISIBLE = {1, 2, 3, 4, 5, 7, 8, 9, 10}  # everything but the archived piece


ENGINES = ("whoosh", "tantivy")


def build(path: Path, docs=DOCS, engine: str = "whoosh", **options):
    backend = open_backend(path, engine=engine, busy_timeout=0.3, **options)
    backend.rebuild(docs)
    return backend


@pytest.fixture(scope="module", params=ENGINES)
def engine(request):
    return request.param


@pytest.fixture(scope="module")
def backend(tmp_path_factory, engine):
    b = build(tmp_path_factory.mktemp("search") / "index", engine=engine)
    yield b
    b.close()


def ids(results: SearchResults) -> set[int]:
    return {h.piece_id for h in results.hits}


def find(backend, text: str = "", vocab: Vocabulary = VOCAB, **kw) -> SearchResults:
    kw.setdefault("today", TODAY)
    return backend.search(SearchRequest(text=text, **kw), vocab)


# --- free text ------------------------------------------------------------------------------

def test_stemming_pricing_finds_price_and_prices(backend):
    assert ids(find(backend, "pricing", PLAIN)) == {1, 4}


def test_synonyms_work_both_ways(backend):
    assert ids(find(backend, "roi")) == {1, 3}
    assert ids(find(backend, "return on investment")) == {1, 3}
    assert ids(find(backend, '"return on investment"')) == {1, 3}
    assert ids(find(backend, "infosec")) == {2}
    assert ids(find(backend, "roi", PLAIN)) == {3}


def test_phrase_prefix_and_boolean_operators(backend):
    assert ids(find(backend, '"price list"')) == {1}
    assert ids(find(backend, '"list price"')) == set()
    assert ids(find(backend, "compet*")) == {4}
    assert ids(find(backend, "pricing NOT competition")) == {1}
    assert ids(find(backend, "pricing -competition")) == {1}
    assert ids(find(backend, "soc OR rollout")) == {2, 5}
    assert ids(find(backend, "(soc OR rollout) stage:onboarding")) == {5}
    assert ids(find(backend, "zebra -stripes")) == set()


def test_title_match_ranks_first(backend):
    hits = find(backend, "security").hits
    assert hits[0].piece_id == 2


# --- field filters ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("stage:decision", {1, 3}),
    ("stage:DECISION", {1, 3}),
    ('stage:"Decision"', {1, 3}),
    ("stage:none", {8, 9, 10}),
    ('gate:"Is this worth the investment?"', {1, 3}),
    ("gate:worth-investment", {1, 3}),
    ("gate:none", {8, 9, 10}),
    ("persona:cfo", {1, 3}),
    ("persona:none", {4, 7, 8, 9, 10}),
    ('persona:"IT Director"', {2}),
    ("industry:healthcare", {2}),
    ("type:guide", {1, 5}),
    ("product:analytics", {3}),
    ("owner:alice", {1, 3}),
    ('owner:"carol white"', {5, 7}),
    ("status:draft", {5}),
    ("source:rep", {3}),
    ("lang:german", {7}),
    ("file:pptx", {4}),
    ("kind:link", {7}),
    ("-stage:decision gate:none", {8, 9, 10}),
    ("persona:cfo,security-officer", {1, 2, 3}),
])
def test_field_filters(backend, text, expected):
    results = find(backend, text)
    assert ids(results) == expected and results.total == len(expected)
    assert results.hints == ()


def test_unknown_stage_is_a_hint_and_dropped(backend):
    results = find(backend, "zebra stage:Nowhere")
    assert ids(results) == {9, 10}
    assert results.hints and "no stage called 'Nowhere'" in results.hints[0]


def test_panel_filters_and_across_or_within(backend):
    results = find(backend, filters={"persona": frozenset({"cfo", "security-officer"}),
                                     "stage": frozenset({"decision"})})
    assert ids(results) == {1, 3}
    assert ids(find(backend, filters={"gate": frozenset({NONE_KEY})})) == {8, 9, 10}
    assert ids(find(backend, filters={"owner": frozenset({"Bob Jones"})})) == {2, 4}


# --- statuses ---------------------------------------------------------------------------------

def test_archived_hidden_unless_asked(backend):
    assert find(backend, "legacy").total == 0
    assert ids(find(backend, "legacy", include_archived=True)) == {6}
    assert ids(find(backend, "legacy status:archived")) == {6}
    assert ids(find(backend, "pricing", statuses=frozenset({"archived"}))) == {6}
    assert ids(find(backend, "", statuses=frozenset({"draft"}))) == {5}


# --- facet counts, sorting, paging ----------------------------------------------------------

def test_facet_counts_over_the_whole_result_set(backend):
    results = find(backend, limit=2)
    assert results.total == 9 and len(results.hits) == 2
    counts = results.facet_counts
    assert counts["stage"] == {"decision": 2, "evaluation": 2, "onboarding": 1,
                               "consideration": 1, NONE_KEY: 3}
    assert counts["gate"] == {"worth-investment": 2, "security-ok": 1,
                              "better-than-alternatives": 1, "get-started": 1,
                              "vendor-credible": 1, NONE_KEY: 3}
    assert counts["persona"] == {"cfo": 2, "security-officer": 1, "it-director": 1,
                                 "economic-buyer": 1, "operations-manager": 1, NONE_KEY: 5}
    assert counts["status"] == {"published": 8, "draft": 1}
    assert counts["content_type"] == {"guide": 2, "whitepaper": 1, "roi-calculator": 1,
                                      "battlecard": 1, "case-study": 1, NONE_KEY: 3}
    assert counts["file_type"] == {"pdf": 2, "xlsx": 1, "pptx": 1, "docx": 1, "txt": 3,
                                   NONE_KEY: 1}
    assert counts["industry"] == {"financial-services": 1, "healthcare": 1, "retail": 1,
                                  NONE_KEY: 6}
    assert find(backend, "stage:decision").facet_counts["persona"] == {"cfo": 2,
                                                                      "economic-buyer": 1}


def test_browse_sorts_newest_first_with_paging(backend):
    order = [h.piece_id for h in find(backend).hits]
    assert order == [7, 5, 4, 1, 2, 3, 8, 9, 10]
    page = find(backend, limit=2, offset=2)
    assert [h.piece_id for h in page.hits] == [4, 1] and page.total == 9
    assert [h.piece_id for h in find(backend, "pricing OR roi", sort="newest").hits] == [4, 1, 3]


def test_most_used_sort_and_popularity_tie_break(backend):
    popular = find(backend, sort="most_used", popularity={8: 10, 2: 5})
    assert [h.piece_id for h in popular.hits][:3] == [8, 2, 7]
    twins = find(backend, "zebra", popularity={10: 50})
    assert [h.piece_id for h in twins.hits] == [10, 9]
    assert twins.hits[0].score > twins.hits[1].score


# --- hits -------------------------------------------------------------------------------------

def test_snippets_escape_html_and_mark_matches(backend):
    hit = find(backend, "script").hits[0]
    assert hit.piece_id == 2
    assert "<script" not in hit.snippet and "&lt;<b>script</b>&gt;" in hit.snippet
    assert find(backend, "security").hits[0].title_html == "<b>Security</b> whitepaper"
    assert "<b>prices</b>" in find(backend, "pricing", PLAIN).hits[0].snippet.lower()
    assert find(backend, "security", snippets=False).hits[0].snippet == ""


def test_stale_flag_from_review_date(backend):
    hits = {h.piece_id: h for h in find(backend).hits}
    assert hits[1].stale and not hits[2].stale and not hits[3].stale


def test_did_you_mean_for_a_misspelling(backend):
    results = find(backend, "securty")
    # Nothing matches "securty" itself, and the correction is confident (one edit): the
    # results shown are the corrected query's, said so (issue 13, item 5).
    assert results.did_you_mean == "security" and results.showing_results_for == "security"
    assert ids(results) == {2} and "Showing results for security" in results.hints
    assert find(backend, "security").did_you_mean is None
    # "Search instead for securty": the query as typed, the correction only offered
    as_typed = find(backend, "securty", autocorrect=False)
    assert as_typed.total == 0 and as_typed.showing_results_for is None and as_typed.did_you_mean == "security"


def test_as_you_type_matches_the_word_being_typed(backend):
    assert ids(find(backend, "secu", as_you_type=True)) == {2}
    assert ids(find(backend, "secu")) == set()


def test_query_echo_is_normalised(backend):
    assert find(backend, 'Pricing  stage:"Decision"').query_echo == "Pricing stage:decision"


@pytest.mark.parametrize("text", [
    '"unclosed', "stage:", "x" * 10_000, "*", "\x00", "(((", "OR OR", "-", '"', "über 日本語 🙂",
    ")", "NOT", "a*", "gate:,", "((((((((((((deep))))))))))))", "-(zebra)",
])
def test_hostile_queries_never_raise(backend, text):
    results = find(backend, text)
    assert isinstance(results.total, int)
    assert all(isinstance(h, str) for h in results.hints)


def test_results_hold_only_plain_types(backend):
    results = find(backend, "pricing")
    assert type(results.facet_counts) is dict
    for hit in results.hits:
        assert type(hit.piece_id) is int and type(hit.score) is float
        assert type(hit.snippet) is str and type(hit.title_html) is str


# --- similarity and suggestions -------------------------------------------------------------

def test_more_like_this_and_similar_to_text(backend):
    similar = backend.more_like_this(9)
    assert similar and similar[0][0] == 10 and all(pid != 9 for pid, _ in similar)
    docs = backend.similar_to_text("Pricing for finance", "Our price list and the payback period")
    assert docs and docs[0].piece_id in {1, 3}
    first = next(x for x in docs if x.piece_id == 1)
    assert first.stages == ("decision",) and first.persona == ("cfo",)
    assert "list" in first.shared_terms
    assert any(term.startswith("pric") for term in first.shared_terms)
    assert backend.more_like_this(999) == []


def test_suggest_completes_title_words(backend):
    assert backend.suggest("secu") == ["security"]
    assert backend.suggest("") == []


# --- lifecycle --------------------------------------------------------------------------------

def test_missing_index(tmp_path, engine):
    backend = open_backend(tmp_path / "index", engine=engine)
    assert backend.status().state == "missing"
    assert backend.stamps() == {}
    with pytest.raises(IndexMissing):
        backend.search(SearchRequest(text="x"), VOCAB)
    backend.upsert([DOCS[0]])  # the first write creates the index
    assert backend.status().state == "ok" and backend.status().doc_count == 1
    shutil.rmtree(tmp_path / "index")
    assert backend.status().state == "missing"
    with pytest.raises(IndexDamaged):  # IndexMissing is an IndexDamaged: the cure is a rebuild
        backend.search(SearchRequest(), VOCAB)


def _generation(index_dir: Path) -> Path:
    return next(p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith("gen-"))


def _damage(file: Path, content: bytes) -> None:
    """Put damaged bytes in place of an index file. The file is replaced, not rewritten in
    place: tantivy maps its files into memory, and a mapped file truncated under a live map
    (one the engine has not let go of yet) kills the process with SIGBUS."""
    spare = file.with_name(file.name + ".damaged")
    spare.write_bytes(content)
    os.replace(spare, file)


def test_garbage_in_index_files_is_detected(tmp_path, engine):
    backend = build(tmp_path / "index", engine=engine)
    assert backend.status().state == "ok"
    backend.close()  # tantivy maps its files: rewriting them under a live map is a SIGBUS
    for file in _generation(tmp_path / "index").iterdir():
        _damage(file, b"\x80garbage" * 50)
    assert backend.status().state == "damaged"
    with pytest.raises(IndexDamaged):
        backend.search(SearchRequest(text="pricing"), VOCAB)
    backend.rebuild(DOCS)
    assert backend.status().state == "ok"


def test_truncated_segment_is_detected(tmp_path, engine):
    backend = build(tmp_path / "index", engine=engine)
    find(backend, "pricing")
    # tantivy maps index files into memory: truncating a file under a live map would kill the
    # process (SIGBUS), so the reader is closed first (damage while open: see the notes).
    backend.close()
    for file in _generation(tmp_path / "index").iterdir():
        if file.suffix not in (".toc", ".json", ".lock"):  # segment files of either engine
            _damage(file, file.read_bytes()[:100])
    fresh = open_backend(tmp_path / "index")
    assert fresh.status().state == "damaged"
    with pytest.raises(IndexDamaged):
        find(fresh, "pricing")


def test_garbage_pointer_and_outdated_schema(tmp_path, engine):
    backend = build(tmp_path / "index", engine=engine)
    pointer = tmp_path / "index" / "CURRENT.json"
    text = pointer.read_text()
    pointer.write_text("{not json")
    assert backend.status().state == "damaged"
    schema = json.loads(text)["schema"]
    pointer.write_text(text.replace(f'"schema": {schema}', '"schema": 0'))
    assert backend.status().state == "outdated_schema"
    with pytest.raises(IndexOutdated):
        backend.upsert([DOCS[0]])
    backend.rebuild(DOCS)
    assert backend.status().state == "ok"


def test_rebuild_gives_the_same_results(tmp_path, engine):
    backend = build(tmp_path / "index", engine=engine)
    queries = ["pricing", "roi", "", "stage:decision", "zebra", "persona:none"]
    before = [find(backend, q) for q in queries]
    reader = open_backend(tmp_path / "index")
    find(reader, "pricing")  # a reader holding the old generation open
    assert backend.rebuild(reversed(DOCS)) == len(DOCS)
    after = [find(backend, q) for q in queries]
    for old, new in zip(before, after):
        assert [h.piece_id for h in old.hits] == [h.piece_id for h in new.hits] or \
            ids(old) == ids(new)
        assert (old.total, old.facet_counts) == (new.total, new.facet_counts)
    assert find(reader, "pricing").total == before[0].total  # the other reader follows the swap
    assert len([p for p in (tmp_path / "index").iterdir() if p.name.startswith("gen-")]) == 1


def test_failed_rebuild_keeps_the_old_index(tmp_path, engine):
    backend = build(tmp_path / "index", engine=engine)

    def broken_docs():
        yield DOCS[0]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        backend.rebuild(broken_docs())
    progress = []

    def cancel(count: int) -> None:
        progress.append(count)
        raise KeyError("cancelled")

    with pytest.raises(KeyError):
        backend.rebuild(DOCS * 30, progress=cancel)
    assert progress
    assert backend.status().doc_count == len(DOCS)
    assert ids(find(backend, "zebra")) == {9, 10}
    assert len([p for p in (tmp_path / "index").iterdir() if p.name.startswith("gen-")]) == 1


def test_upsert_delete_and_stamps(tmp_path, engine):
    backend = build(tmp_path / "index", engine=engine)
    assert backend.stamps() == {doc.piece_id: doc.stamp for doc in DOCS}
    changed = replace(DOCS[7], title="Giraffe handbook", stamp="v2-8")
    assert backend.upsert([changed]) == 1
    assert ids(find(backend, "giraffe")) == {8}
    assert ids(find(backend, "untagged")) == set()
    assert backend.stamps()[8] == "v2-8"
    backend.delete([8, 9, 12345])
    assert ids(find(backend, "giraffe")) == set()
    stamps = backend.stamps()
    assert 8 not in stamps and 9 not in stamps and len(stamps) == len(DOCS) - 2
    assert find(backend).total == len(VISIBLE) - 2


def test_second_writer_gets_index_busy(tmp_path, engine):
    first = build(tmp_path / "index", engine=engine)
    second = open_backend(tmp_path / "index", busy_timeout=0.2)
    seen = []

    def docs_while_second_writes():
        with pytest.raises(IndexBusy):
            second.upsert([DOCS[1]])
        with pytest.raises(IndexBusy):
            second.rebuild(DOCS)
        seen.append(True)
        yield DOCS[0]

    first.upsert(docs_while_second_writes())
    assert seen == [True]
    second.upsert([DOCS[1]])  # free again once the first writer committed


def test_searches_from_threads_while_writing(tmp_path, engine):
    backend = build(tmp_path / "index", engine=engine)
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for i in range(30):
                results = find(backend, ["zebra", "pricing", "", "stage:decision"][i % 4])
                assert results.total >= 0
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for n in range(5):
        backend.upsert([replace(DOCS[8], title=f"Zebra twin {n}", stamp=f"v{n}")])
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert ids(find(backend, "zebra")) == {9, 10}


def test_close_then_reuse(tmp_path, engine):
    backend = build(tmp_path / "index", engine=engine)
    backend.close()
    assert ids(find(backend, "zebra")) == {9, 10}


def test_importing_the_package_does_not_import_whoosh():
    code = "import sys, enablement.search; print('whoosh' in sys.modules, 'tantivy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, check=True)
    assert out.stdout.strip() == "False False"


def test_only_the_search_package_imports_whoosh():
    root = Path(__file__).resolve().parent.parent / "enablement"
    offenders = [str(p) for p in root.rglob("*.py")
                 if "search" not in p.relative_to(root).parts[:1]
                 and any(f"{how} {engine}" in p.read_text(encoding="utf-8")
                         for how in ("import", "from") for engine in ("whoosh", "tantivy"))]
    assert offenders == []


def test_no_engine_type_leaves_the_search_package(backend):
    results = find(backend, "pricing stage:decision")
    plain = (int, float, str, bool, type(None), tuple, dict, list, frozenset)
    for hit in results.hits:
        assert all(isinstance(v, plain) for v in vars(hit).values())
    assert all(type(x) in (int, float) for pair in backend.more_like_this(9) for x in pair)
    assert all(type(s) is str for s in backend.suggest("pri"))


def test_an_empty_library_searches_without_error(tmp_path, engine):
    """A brand-new library has an index with no documents: every search answers, empty."""
    from enablement.search.documents import IndexDoc, SearchRequest, Vocabulary

    backend = open_backend(tmp_path / "ix", engine=engine)
    backend.rebuild([])
    assert backend.status().state == "ok" and backend.stamps() == {}  # empty, not damaged
    results = backend.search(SearchRequest(text="pricing"), Vocabulary.from_lists())
    assert results.total == 0 and results.hits == ()
    backend.upsert([IndexDoc(piece_id=1, title="Pricing one-pager")])
    backend.delete([1])
    assert backend.search(SearchRequest(text=""), Vocabulary.from_lists()).total == 0
    backend.close()


def test_writes_in_a_child_process_reach_the_readers(tmp_path, engine):
    """The desktop app's index writes run in a spawned child (write_in_child): what it writes
    is searchable here, deletes too, and a child that dies fails one write, not the next."""
    import os
    import signal

    from enablement.search.errors import IndexWriteFailed

    backend = build(tmp_path / "ix", engine=engine, write_in_child=True)
    try:
        assert ids(find(backend, "zebra")) == {9, 10}
        backend.upsert([IndexDoc(piece_id=40, title="Zebra crossing guide", body="zebra crossings",
                                 updated_at=datetime(2024, 1, 1), stamp="s40")])
        assert ids(find(backend, "zebra")) == {9, 10, 40}
        backend.delete([9])
        assert ids(find(backend, "zebra")) == {10, 40}
        child = backend._child._pool._processes  # the one writer process
        assert len(child) == 1 and next(iter(child)) != os.getpid()
        os.kill(next(iter(child)), signal.SIGKILL)
        with pytest.raises(IndexWriteFailed, match="writer stopped unexpectedly"):
            backend.delete([10])
        backend.delete([10])  # a new child
        assert ids(find(backend, "zebra")) == {40}
    finally:
        backend.close()
    assert backend._child._pool is None  # closing ends the child
