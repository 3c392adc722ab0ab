"""Equal scores rank the same way on every engine and every index layout.

An engine breaks ties by where a document sits in its index: tantivy by segment (and how
its writer threads split a build differs from run to run, more so on a loaded machine),
Whoosh by document number. The pipeline ranks by score, then piece id, so a library gives
the same order however its index was written, and both engines give the same order.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from enablement.search import IndexDoc, SearchRequest, open_backend
from tests.test_search_engines import TODAY, VOCAB

ENGINES = ("whoosh", "tantivy")


def _corpus() -> list[IndexDoc]:
    """Groups of pieces with identical text (so identical scores), a few unique ones above."""
    docs = []
    for n in range(90):
        group = n % 3
        body = ["partner program discount for every partner",
                "partner roadmap and pricing review",
                "onboarding checklist with one partner"][group]
        docs.append(IndexDoc(piece_id=500 + (n * 37) % 90, title=f"Sheet {group}", body=body,
                             updated_at=datetime(2024, 1, 1) + timedelta(hours=n),
                             stamp=f"s{n}"))
    for n in range(5):
        docs.append(IndexDoc(piece_id=900 + n, title="Partner partner guide",
                             body="partner " * (n + 2), updated_at=datetime(2024, 2, 1),
                             stamp=f"u{n}"))
    return docs


def _layouts(docs: list[IndexDoc]) -> dict[str, list[list[IndexDoc]]]:
    """The same documents written in different orders and commit sizes (so segments)."""
    shuffled = list(docs)
    random.Random(13).shuffle(shuffled)
    return {
        "one build": [docs],
        "reversed, one commit per 7": [list(reversed(docs))[i:i + 7] for i in range(0, len(docs), 7)],
        "shuffled, one commit per 11": [shuffled[i:i + 11] for i in range(0, len(shuffled), 11)],
    }


def _open(tmp_path, engine: str, name: str, batches: list[list[IndexDoc]]):  # type: ignore[no-untyped-def]
    backend = open_backend(tmp_path / f"{engine}-{name.replace(' ', '_').replace(',', '')}",
                           engine=engine)
    if len(batches) == 1:
        backend.rebuild(batches[0])
    else:
        backend.rebuild([])
        for batch in batches:
            backend.upsert(batch)
    return backend


def _order(backend, text: str, **kw) -> list[int]:  # type: ignore[no-untyped-def]
    request = SearchRequest(text=text, today=TODAY, **kw)
    return [h.piece_id for h in backend.search(request, VOCAB).hits]


QUERIES = [("partner", {"limit": 10}), ("partner", {"limit": 40}), ("partner", {"limit": 7, "offset": 20}),
           ("roadmap", {"limit": 10}), ("onboarding partner", {"limit": 12}),
           ("partner", {"limit": 10, "popularity": {520: 3, 560: 3, 561: 3}})]


@pytest.fixture(scope="module")
def built(tmp_path_factory):  # type: ignore[no-untyped-def]
    docs = _corpus()
    tmp = tmp_path_factory.mktemp("ties")
    out = {(engine, name): _open(tmp, engine, name, batches)
           for engine in ENGINES for name, batches in _layouts(docs).items()}
    yield out
    for backend in out.values():
        backend.close()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("text,kw", QUERIES)
def test_equal_scores_rank_the_same_whatever_the_segment_layout(built, engine, text, kw):
    orders = {name: _order(built[(engine, name)], text, **kw) for name in _layouts(_corpus())}
    first = orders["one build"]
    assert first, "the query must find something for the comparison to mean anything"
    for name, order in orders.items():
        assert order == first, f"{engine}, {name}"


@pytest.mark.parametrize("text,kw", QUERIES)
def test_equal_scores_rank_in_piece_id_order_on_both_engines(built, text, kw):
    whoosh = _order(built[("whoosh", "reversed, one commit per 7")], text, **kw)
    tantivy = _order(built[("tantivy", "shuffled, one commit per 11")], text, **kw)
    # The unique pieces score differently per engine (two BM25s); the tied groups must not.
    tied_w = [p for p in whoosh if p < 900]
    tied_t = [p for p in tantivy if p < 900]
    assert tied_w == tied_t
