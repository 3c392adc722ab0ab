"""A page of phrase matches ranked through a looser plan is exactly the page of the phrase.

tantivy ranks a plan with a positional phrase by its scoring terms alone (``loosened``), checks
only the best of those against the phrase and scores those again (``pipeline._checked_top``).
Here the phrase's matches are a small share of the documents holding its words, and many of
those outscore every phrase match, so the check has to look past them; identical texts tie at
the cuts. Every page must be the one ranking the phrase itself gives, scores included.
"""

from __future__ import annotations

import random
from datetime import datetime

import pytest

from enablement.search import IndexDoc, SearchRequest, Vocabulary, open_backend, pipeline
from enablement.search.engine import MAnd, MNot, MOr, MPhrase, MTerms
from enablement.search import tantivy_engine
from enablement.search.tantivy_engine import TantivyReader

FILLER = "plan team value report update note".split()


def _docs() -> list[IndexDoc]:
    rng = random.Random(5)
    docs = []
    pid = 1
    # Phrase matches in tied groups: the same text (so the same score) under many piece ids.
    for group, size in enumerate((9, 14, 7, 12)):
        body = " ".join(["alpha beta gamma"] * (group + 1) + FILLER[:group + 2])
        for _ in range(size):
            docs.append(IndexDoc(piece_id=pid, title=f"Sheet {group}", body=body,
                                 updated_at=datetime(2024, 1, 1), stamp=f"p{pid}"))
            pid += 1
    # Both pairs of the phrase, never the three words in a row, more often: they outscore
    # the phrase matches.
    for n in range(400):
        body = " ".join(["alpha beta note beta gamma"] * rng.randint(2, 6) + rng.sample(FILLER, 3))
        docs.append(IndexDoc(piece_id=pid, title="Alpha notes", body=body,
                             updated_at=datetime(2024, 1, 2), stamp=f"w{pid}"))
        pid += 1
    # The other phrase of the OR below (words too rare to pair), and a few in both.
    for n in range(30):
        body = "delta epsilon " * (1 + n % 3) + ("alpha beta gamma" if n % 5 == 0 else "beta")
        docs.append(IndexDoc(piece_id=pid, title="Delta", body=body,
                             updated_at=datetime(2024, 1, 3), stamp=f"d{pid}"))
        pid += 1
    rng.shuffle(docs)  # the index order is not the piece-id order
    return docs


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    built = open_backend(tmp_path_factory.mktemp("phrase-rank") / "index", engine="tantivy")
    built.rebuild(_docs())
    yield built
    built.close()


@pytest.fixture()
def reader(backend):
    return backend._reader()


PHRASE = MPhrase("content", ("alpha", "beta", "gamma"))
PLANS = {
    "phrase": PHRASE,
    "phrase and filter": MAnd((PHRASE, MTerms("status", ("published",)))),
    "phrase or phrase": MOr((PHRASE, MPhrase("content", ("delta", "epsilon")))),
    "phrase, not a word": MAnd((PHRASE, MNot(MTerms("content", ("report",))))),
}
SCORING = [(f, w, b) for w in ("alpha", "beta", "gamma", "delta", "epsilon")
           for f, b in pipeline.BOOST_FIELDS]


def _reference(reader, plan, limit):  # type: ignore[no-untyped-def]
    """Every match of ``plan`` ranked from the phrase itself: score, then piece id."""
    found = reader.top(plan, SCORING, 100_000)
    found.sort(key=lambda item: (-item[1], item[0]))
    return found[:limit]


@pytest.mark.parametrize("name", sorted(PLANS))
def test_the_looser_plan_is_a_superset_the_engine_ranks_without_positions(reader, name):
    plan = PLANS[name]
    loose, most = reader.loosened(plan)
    exact = {p for p, _ in reader.top(plan, SCORING, 100_000)}
    superset = dict(reader.top(loose, SCORING, 100_000))
    assert exact < set(superset) and len(exact) * 5 < len(superset)  # a small share of it
    assert len(superset) <= most
    assert loose is tantivy_engine.REACHED
    for piece_id, score in reader.top(plan, SCORING, 100_000):
        assert score == pytest.approx(superset[piece_id], rel=pipeline.SCORE_SLACK / 10)


def test_a_phrase_under_a_not_is_not_loosened(reader):
    assert reader.loosened(MNot(PHRASE)) is None
    assert reader.loosened(MAnd((MTerms("content", ("alpha",)), MNot(PHRASE)))) is None


@pytest.mark.parametrize("name", sorted(PLANS))
@pytest.mark.parametrize("limit", [1, 5, 9, 10, 23, 30, 42, 60])
def test_checking_the_best_of_the_looser_plan_ranks_as_the_phrase_does(reader, name, limit):
    plan = PLANS[name]
    loose = reader.loosened(plan)
    matches = reader.count(plan)
    expected = _reference(reader, plan, limit)
    found = pipeline._checked_top(reader, plan, loose, SCORING, limit, matches)
    assert found == expected or found is None  # None: it would check too many
    assert pipeline.ranked_top(reader, plan, SCORING, limit, matches) == expected


@pytest.mark.parametrize("name", sorted(PLANS))
@pytest.mark.parametrize("limit", [1, 5, 9, 10, 23, 30, 42, 60])
def test_candidates_grow_past_the_superset_best_until_the_cut_is_sure(reader, monkeypatch, name, limit):
    """A bound that understates the superset: the first candidates are too few, and the
    check asks for more, round after round."""
    monkeypatch.setattr(pipeline, "MAX_CHECKED", 100_000)
    plan = PLANS[name]
    loose, _ = reader.loosened(plan)
    matches = reader.count(plan)
    asked = []
    top = reader.top
    monkeypatch.setattr(reader, "top", lambda p, s, n: asked.append(n) or top(p, s, n))
    found = pipeline._checked_top(reader, plan, (loose, matches), SCORING, limit, matches)
    assert found == _reference(reader, plan, limit)
    if limit >= 10:
        assert len(asked) > 1


def test_too_few_passing_falls_back_to_ranking_the_plan(reader, monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_CHECKED", 50)
    plan = PLANS["phrase"]
    loose = reader.loosened(plan)
    matches = reader.count(plan)
    assert pipeline._checked_top(reader, plan, loose, SCORING, 40, matches) is None
    assert pipeline.ranked_top(reader, plan, SCORING, 40, matches) == _reference(reader, plan, 40)


@pytest.mark.parametrize("name", sorted(PLANS))
@pytest.mark.parametrize("few", [tantivy_engine.FEW_PIECES, 10])
def test_restrict_is_exact(reader, monkeypatch, name, few):
    """Pieces asked for by their terms (each alternative of an OR on its own), or past
    ``FEW_PIECES`` as a term set."""
    monkeypatch.setattr(tantivy_engine, "FEW_PIECES", few)
    plan = PLANS[name]
    everything = {p for p, _ in reader.top(MTerms("content", ("alpha", "beta", "delta")), SCORING, 100_000)}
    matching = {p for p, _ in reader.top(plan, SCORING, 100_000)}
    ids = sorted(everything)
    random.Random(2).shuffle(ids)
    for size in (1, 7, 60, len(ids)):
        for start in range(0, len(ids), size):
            chunk = ids[start:start + size]
            assert reader.restrict(plan, chunk) == matching & set(chunk)


@pytest.mark.parametrize(("text", "offset", "limit", "popularity"), [
    ('"alpha beta gamma"', 0, 20, None), ('"alpha beta gamma"', 20, 20, None), ('"alpha beta gamma"', 7, 13, None),
    ('"alpha beta gamma"', 35, 20, None), ('"alpha beta gamma"', 0, 20, {5: 40, 17: 3, 30: 1}),
    ('"alpha beta gamma" OR "delta epsilon"', 0, 20, None), ('"alpha beta gamma" OR "delta epsilon"', 10, 25, None),
    ('"alpha beta gamma" -report', 0, 20, None), ('"alpha beta gamma" sheet', 3, 20, None),
])
@pytest.mark.parametrize("listed", [True, False], ids=["listed", "checked"])
def test_search_pages_are_those_of_ranking_the_phrase_itself(backend, monkeypatch, text, offset,
                                                             limit, popularity, listed):
    # Listed: the facet count lists the phrase's documents (few here), ranked as they are.
    # Checked: not listed, ranked through the looser plan.
    request = SearchRequest(text=text, offset=offset, limit=limit, popularity=popularity)
    backend._reader()._members.clear()
    if not listed:
        monkeypatch.setattr(TantivyReader, "_listed", lambda self, plan: False)
    checked = backend.search(request, Vocabulary())
    backend._reader()._members.clear()
    monkeypatch.setattr(TantivyReader, "_listed", lambda self, plan: False)
    monkeypatch.setattr(TantivyReader, "loosened", lambda self, plan: None)
    plain = backend.search(request, Vocabulary())
    assert checked.total == plain.total and checked.total > 0
    assert [(h.piece_id, h.score) for h in checked.hits] == [(h.piece_id, h.score) for h in plain.hits]
    assert len(checked.hits) == min(limit, max(0, plain.total - offset))


def _fresh(backend):  # type: ignore[no-untyped-def]
    reader = backend._reader()
    reader._members.clear()
    reader._counts.clear()
    return reader


@pytest.mark.parametrize("name", ["phrase", "phrase and filter", "phrase, not a word"])
def test_a_phrase_matching_few_documents_is_listed_by_its_facet_count(backend, name):
    reader = _fresh(backend)
    plan = PLANS[name]
    matching = {p for p, _ in reader.top(plan, SCORING, 100_000)}
    assert reader.loosened(plan) is not None
    counts = reader.facet_counts(plan, ("status",))
    assert sum(counts["status"].values()) == len(matching) == reader.count(plan)
    # Listed: ranked as they are, checked against the phrase without reading positions.
    assert reader.loosened(plan) is None
    assert {p for p, _ in reader.top(plan, SCORING, 100_000)} == matching
    everything = sorted(p for p, _ in reader.top(tantivy_engine.REACHED, SCORING, 100_000))
    assert reader.restrict(plan, everything) == matching
    assert reader.restrict(plan, everything[:50]) == matching & set(everything[:50])


def test_a_phrase_matching_more_than_it_lists_or_inside_an_or_is_not_listed(backend, monkeypatch):
    reader = _fresh(backend)
    monkeypatch.setattr(tantivy_engine, "MEMBERS", 10)  # the phrase matches 48: not listed
    reader.facet_counts(PHRASE, ("status",))
    assert reader.loosened(PHRASE) == (tantivy_engine.REACHED, reader.doc_count())
    monkeypatch.setattr(tantivy_engine, "MEMBERS", 2048)
    reader.facet_counts(PLANS["phrase or phrase"], ("status",))  # the sample would not lead it
    assert reader.loosened(PLANS["phrase or phrase"]) is not None


def test_the_sample_guesses_from_the_lowest_ids(backend, monkeypatch):
    reader = _fresh(backend)
    # 42 of the lowest 100 ids are phrase matches (the tied groups): ~200 in the 472 pieces,
    # more than 100, so the phrase is not listed...
    monkeypatch.setattr(tantivy_engine, "SAMPLE_IDS", 101)
    monkeypatch.setattr(tantivy_engine, "MEMBERS", 100)
    reader._sampled = None
    reader._listing.clear()  # each plan's answer is kept for the reader's life
    assert not reader._listed(PHRASE)
    # ...while with every id sampled it matches 48 of them, under 100.
    monkeypatch.setattr(tantivy_engine, "SAMPLE_IDS", 10_000)
    reader._sampled = None
    reader._listing.clear()
    assert reader._listed(PHRASE)
