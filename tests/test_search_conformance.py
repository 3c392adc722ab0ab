"""Conformance: Whoosh and tantivy give the same answers to every query-language feature.

Both engines index the same corpus (the hand-made docs of ``test_search_engines`` plus a few
hundred generated pieces); every query of the README's query language must give the same set
of hits, the same total and the same facet counts on both, and rankings must agree in their top
10 (overlap, since the two BM25 implementations weigh fields slightly differently).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from enablement.search import IndexDoc, SearchRequest, open_backend
from tests.test_search_engines import DOCS, TODAY, VOCAB

_WORDS = ("security review pricing quote compliance integration integrations integrate onboarding "
          "renewal roadmap analytics dashboard payback investment return cost price prices "
          "rollout checklist healthcare retail hospital auditor controls encryption café résumé "
          "platform partner partners revenue discount discounts battlecard competitor").split()


def _generated() -> list[IndexDoc]:
    """300 deterministic pieces over a small vocabulary, so every word has many hits."""
    out = []
    for n in range(300):
        words = [_WORDS[(n * 7 + i * i * 3 + i) % len(_WORDS)] for i in range(40)]
        title = " ".join(words[:3]).title()
        out.append(IndexDoc(
            piece_id=1000 + n, title=title, description=" ".join(words[3:10]),
            body=" ".join(words), tags_text=["Decision", "Evaluation", ""][n % 3],
            stages=(("decision",), ("evaluation",), ())[n % 3],
            persona=(("cfo",), ("it-director",), (), ("cfo", "security-officer"))[n % 4],
            content_type=(("guide",), ("deck",), ())[n % 3],
            owner=("Alice Smith", "Bob Jones", "")[n % 3],
            status=("published", "published", "draft", "archived")[n % 4],
            updated_at=datetime(2024, 1, 1) + timedelta(hours=n), stamp=f"g{n}"))
    return out


CORPUS = DOCS + _generated()
QUERIES = [
    # words, stemming, phrases, prefixes
    "pricing", "prices", "security review", '"security review"', '"price list"', '"list price"',
    "onboard*", "integratio*", "compet*", "integ", "secu", "rev", "café", "cafe", "resume",
    # boolean logic and grouping
    "pricing OR quote", "security -soc", "security NOT soc", "(roi OR tco) stage:decision",
    "(soc OR rollout) stage:onboarding", "zebra -stripes", "NOT security", "roadmap AND (hospital OR retail)",
    # synonyms both ways
    "roi", "return on investment", '"return on investment"', "payback", "infosec", "compliance",
    # stage and gate by name, key or question; facets; owner; statuses; :none
    "stage:evaluation", 'stage:"Evaluation"', "stage:eval", "gate:security-ok",
    'gate:"Is this worth the investment?"', "gate:none", "persona:none", "persona:cfo",
    'type:"case study"', "type:guide", "product:analytics", "lang:english", "owner:alice",
    'owner:"bob jones"', "status:archived", "status:all", "status:draft", "source:rep",
    "file:pptx", "kind:link", "-stage:decision gate:none", "persona:cfo,security-officer",
    # hostile input
    '"unclosed', "stage:", "x" * 10_000, "*", "\x00", "(((", "OR OR", "-", '"', "über 日本語 🙂",
    ")", "NOT", "a*", "gate:,", "((((((((((((deep))))))))))))", "-(zebra)", "",
]


def both_engines(tmp_path_factory, docs):  # type: ignore[no-untyped-def]
    """An index of ``docs`` on each engine (closed when the generator ends): name → backend."""
    built = {}
    for name in ("whoosh", "tantivy"):
        backend = open_backend(tmp_path_factory.mktemp(name) / "index", engine=name)
        backend.rebuild(docs)
        built[name] = backend
    yield built
    for backend in built.values():
        backend.close()


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    yield from both_engines(tmp_path_factory, CORPUS)


def _both(engines, text: str, **kw):
    kw.setdefault("today", TODAY)
    kw.setdefault("limit", 1000)
    request = SearchRequest(text=text, **kw)
    return engines["whoosh"].search(request, VOCAB), engines["tantivy"].search(request, VOCAB)


@pytest.mark.parametrize("as_you_type", [False, True])
@pytest.mark.parametrize("text", QUERIES)
def test_same_hits_totals_and_facets(engines, text, as_you_type):
    whoosh, tantivy = _both(engines, text, as_you_type=as_you_type)
    assert {h.piece_id for h in whoosh.hits} == {h.piece_id for h in tantivy.hits}
    assert whoosh.total == tantivy.total
    assert whoosh.facet_counts == tantivy.facet_counts
    assert whoosh.hints == tantivy.hints
    assert whoosh.did_you_mean == tantivy.did_you_mean
    assert whoosh.showing_results_for == tantivy.showing_results_for


@pytest.mark.parametrize("filters", [
    {"persona": frozenset({"cfo"})},
    {"persona": frozenset({"cfo", "security-officer"}), "stage": frozenset({"decision"})},
    {"owner": frozenset({"Bob Jones"})},
])
def test_same_panel_filters_and_their_counts(engines, filters):
    whoosh, tantivy = _both(engines, "security", filters=filters)
    assert {h.piece_id for h in whoosh.hits} == {h.piece_id for h in tantivy.hits}
    assert whoosh.facet_counts == tantivy.facet_counts


@pytest.mark.parametrize("sort", ["newest", "most_used"])
def test_same_order_when_sorted(engines, sort):
    popularity = {1000 + n: n % 7 for n in range(0, 300, 5)}
    whoosh, tantivy = _both(engines, "security", sort=sort, popularity=popularity, limit=50)
    assert [h.piece_id for h in whoosh.hits] == [h.piece_id for h in tantivy.hits]


@pytest.mark.parametrize("text", ["security review", "pricing", "integration roadmap", "roi",
                                  "healthcare compliance", "onboarding checklist", "partner"])
def test_rankings_agree_in_the_top_10(engines, text):
    whoosh, tantivy = _both(engines, text, limit=10)
    top_w = [h.piece_id for h in whoosh.hits]
    top_t = [h.piece_id for h in tantivy.hits]
    assert len(set(top_w) & set(top_t)) >= 0.7 * max(len(top_w), 1)


def test_similarity_and_suggestions_agree(engines):
    assert engines["whoosh"].suggest("secu") == engines["tantivy"].suggest("secu") == ["security"]
    w = engines["whoosh"].more_like_this(9)
    t = engines["tantivy"].more_like_this(9)
    assert w[0][0] == t[0][0] == 10


@pytest.mark.parametrize("text", ["security", "", "persona:cfo", '"security review"'])
def test_facet_counts_agree_when_a_dimension_has_more_key_sets_than_one_count_lists(engines, text, monkeypatch):
    """tantivy counts facets over each document's set of keys; with more distinct sets than
    one aggregation lists (here: more than one), it counts that dimension key by key."""
    from enablement.search import tantivy_engine

    monkeypatch.setattr(tantivy_engine, "MAX_SETS", 1)
    whoosh, tantivy = _both(engines, text, filters={"stage": frozenset({"decision"})})
    assert tantivy.facet_counts["persona"] and len(tantivy.facet_counts["persona"]) > 1
    assert whoosh.facet_counts == tantivy.facet_counts
    assert whoosh.total == tantivy.total


@pytest.mark.parametrize(("text", "beside"), [
    ("security", True), ("pricing OR partner", True), ("", True), ('"security review"', True),
    ('"the security review"', False),   # read by position: counted first, ranking uses the count
])
def test_tantivy_counts_the_matches_on_another_thread_while_it_ranks_them(engines, text, beside, monkeypatch):
    """The same results whether the facet counts ran beside the ranking or before it."""
    import threading

    from enablement.search import tantivy_engine

    counted_on: list[str] = []
    facet_counts = tantivy_engine.TantivyReader.facet_counts

    def recording(self, plan, dimensions):  # type: ignore[no-untyped-def]
        counted_on.append(threading.current_thread().name)
        return facet_counts(self, plan, dimensions)

    monkeypatch.setattr(tantivy_engine.TantivyReader, "facet_counts", recording)
    filters = {"persona": frozenset({"cfo"})}
    whoosh, tantivy = _both(engines, text, filters=filters)
    assert counted_on and all(name.startswith("search-count") == beside for name in counted_on)
    monkeypatch.setattr(tantivy_engine.TantivyReader, "counts_beside_ranking", lambda self, plan: False)
    counted_on.clear()
    first = engines["tantivy"].search(SearchRequest(text=text, today=TODAY, limit=1000, filters=filters), VOCAB)
    assert counted_on and not any(name.startswith("search-count") for name in counted_on)
    assert [h.piece_id for h in first.hits] == [h.piece_id for h in tantivy.hits]
    assert (first.total, first.facet_counts) == (tantivy.total, tantivy.facet_counts)
    assert whoosh.total == tantivy.total and whoosh.facet_counts == tantivy.facet_counts
