"""Hits by page and slide: the index keeps where each page or slide of a PDF or deck starts, a
hit says on which pages the query's words are, on both engines alike, and ``search --json``
carries them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from enablement.display import pages_phrase
from enablement.search import IndexDoc, SearchRequest, Vocabulary
from tests.filemaker_docs import make_pdf, make_pptx
from tests.test_search_conformance import both_engines

FF = "\f"
DECK = FF.join(["Welcome and agenda", "Who we are", "", "Pricing overview: three tiers",
                "Security review: SOC 2 and encryption", "Customer stories", "Pricing for partners",
                "Roadmap"])
DOCS = [
    IndexDoc(piece_id=1, title="Partner deck", body=DECK, file_type="pptx", stamp="a"),
    IndexDoc(piece_id=2, title="Pricing notes", body="Pricing and more pricing, in one long page.",
             file_type="docx", stamp="b"),
    IndexDoc(piece_id=3, title="Old deck", body="Pricing on slide one\nand security on the same line", stamp="c"),
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    yield from both_engines(tmp_path_factory, DOCS)


@pytest.mark.parametrize("text, pages", [
    ("pricing", {1: (4, 7), 2: (), 3: ()}),
    ("security review", {1: (5,)}),
    ('"security review"', {1: (5,)}),
    ("pric*", {1: (4, 7), 2: (), 3: ()}),
    ("roadmap OR agenda", {1: (1, 8)}),
    ("tiers", {1: (4,)}),
])
def test_both_engines_give_the_pages_of_each_hit(engines, text, pages):
    for name, backend in engines.items():
        results = backend.search(SearchRequest(text=text, today=date(2026, 1, 1)), Vocabulary())
        got = {h.piece_id: h.pages for h in results.hits if h.piece_id in pages}
        assert got == pages, name


def test_the_snippet_is_from_the_first_page_with_a_hit(engines):
    for backend in engines.values():
        hit = backend.search(SearchRequest(text="tiers"), Vocabulary()).hits[0]
        assert "<b>tiers</b>" in hit.snippet and "\f" not in hit.snippet


def test_the_words_for_pages():
    assert pages_phrase((5,), "pptx") == "slide 5"
    assert pages_phrase((5, 12), "pptx") == "slides 5, 12"
    assert pages_phrase((2, 3), "pdf") == "pages 2, 3"
    assert pages_phrase(tuple(range(1, 10)), "pdf") == "pages 1, 2, 3, 4, 5, 6 and 3 more"
    assert pages_phrase((), "pdf") == ""


def test_extraction_counts_empty_pages(library, actors, tmp_path: Path):
    path = make_pdf(tmp_path / "gaps.pdf", ["alpha", "", "", "bravo charlie", "delta"])
    pid = library.importer.import_paths(actors["marketing"], [path]).value.piece_ids[0]
    outcome = library.search.search(actors["marketing"], "charlie")
    hit = next(h for h, p in zip(outcome.results.hits, outcome.pieces) if p.id == pid)
    assert hit.pages == (4,)


def twelve_slides(path: Path, word: str) -> Path:
    slides = [(f"Slide {n}: quarterly business review", f"Agenda item {n}, revenue and adoption")
              for n in range(1, 13)]
    slides[4] = ("Slide 5: what is next", f"The {word} programme starts in March")
    return make_pptx(path, slides, title="Quarterly business review")


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
def test_search_json_gives_the_slide_of_a_word_in_a_twelve_slide_deck(cli, tmp_path: Path, engine: str):
    deck = twelve_slides(tmp_path / "qbr.pptx", "zanzibarite")
    assert cli("import", str(deck))[0] == 0
    assert cli("reindex", "--engine", engine)[0] == 0
    code, out, _ = cli("search", "zanzibarite", "--json")
    found = json.loads(out)
    assert code == 0 and found["total"] == 1
    assert found["hits"][0]["piece"]["title"] == "Quarterly business review"
    assert found["hits"][0]["pages"] == [5]
    code, out, _ = cli("search", "revenue", "--json")
    assert json.loads(out)["hits"][0]["pages"] == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]
    code, out, _ = cli("search", "zanzibarite")
    assert "\n       slide 5\n" in out
