"""Phrases on tantivy through the ``pairs`` field give exactly the hits of a positional phrase.

tantivy answers a phrase of common words from ``pairs`` (two neighbouring common terms of
``content`` as one term): a two-word phrase is one term, a longer one the AND of its pairs and the
positional phrase.
Here every phrase is asked both ways on the same real index (through the engine, and as the
positional phrase on ``content`` straight from tantivy), and the same phrases go through both
engines' full search, which must agree.
"""

from __future__ import annotations

import random
from datetime import datetime

import pytest
from tantivy import Query

from enablement.search import IndexDoc, SearchRequest, Vocabulary
from enablement.search import tantivy_engine
from enablement.search.engine import MPhrase
from tests.test_search_conformance import both_engines

LONG = "x" * 41  # one byte over what the index keeps of a word
NEAR_LONG = "internationalizations" + "ational" * 2  # 35 letters: kept, and long
NEAR_STEM = tantivy_engine.stem(NEAR_LONG)

TEXTS = [
    ("Security review guide", "Security reviews, done right: the security-review checklist. "
     "Return on investment (ROI) in the first quarter; returns on investments later."),
    ("Total cost of ownership", "The total cost of ownership of a platform. Cost of ownership: "
     "total. Ownership cost of the total."),
    ("Café résumé", "Le café, the résumé and the cafe resume: accents fold. Naïve users."),
    ("Gap words", f"alpha {LONG} beta gamma. delta {NEAR_LONG} epsilon."),
    ("Boundary title", "body starts here with words that follow the title."),
    ("Stopwords", "To be or not to be, that is the question of the day."),
    ("Repeats", "data data data residency data residency residency data"),
    ("Numbers v1.2", "Version v1.2 of the SOC 2 report; soc-2 type II and api_key usage."),
    ("Other script", "日本語 テキスト and 日本語 words; Ελληνικά κείμενο here."),
]


def _docs() -> list[IndexDoc]:
    out = [IndexDoc(piece_id=n + 1, title=title, body=body, tags_text="Decision",
                    description="A short description.", updated_at=datetime(2024, 1, 1),
                    stamp=f"p{n}")
           for n, (title, body) in enumerate(TEXTS)]
    rng = random.Random(7)
    words = ("security review return on investment cost of ownership data residency the a to "
             "reviews reviewing secure total case study studies").split()
    for n in range(60):
        body = " ".join(rng.choice(words) for _ in range(80))
        out.append(IndexDoc(piece_id=100 + n, title=" ".join(rng.sample(words, 3)), body=body,
                            updated_at=datetime(2024, 1, 2), stamp=f"g{n}"))
    return out


DOCS = _docs()


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pairs")
    tantivy_engine.build(folder, DOCS, lambda count: None)
    handle = tantivy_engine.TantivyHandle(folder, busy_timeout=1.0)
    yield handle.reader()
    handle.close()


def _positional(reader, tokens: tuple[str, ...]) -> int:
    query = Query.phrase_query(reader.schema, "content", list(tokens))
    return reader.searcher.search(query, limit=1, count=True).count


def _phrases() -> list[tuple[str, ...]]:
    """Every run of 2 to 4 terms of every document, some reversed and some skipping a word."""
    rng = random.Random(11)
    out: set[tuple[str, ...]] = set()
    for doc in DOCS:
        terms = tantivy_engine._TEXT.analyze("\n".join((doc.title, doc.tags_text, doc.description,
                                                        doc.body)))
        for length in (2, 3, 4):
            for i in range(len(terms) - length + 1):
                window = tuple(terms[i:i + length])
                out.add(window)
                if rng.random() < 0.2:
                    out.add(window[::-1])
                if length < 4 and i + length < len(terms) and rng.random() < 0.2:
                    out.add(window[:-1] + (terms[i + length],))
    return sorted(out)


def test_a_pair_plan_matches_exactly_what_the_positional_phrase_matches(reader):
    phrases = _phrases()
    paired = [p for p in phrases if set(p) <= reader.common]
    assert len(paired) > 1000 and len(phrases) - len(paired) > 300  # both ways are tried
    wrong = [(p, reader.count(MPhrase("content", p)), _positional(reader, p)) for p in phrases
             if reader.count(MPhrase("content", p)) != _positional(reader, p)]
    assert wrong == []


COMMON = frozenset(("secur", "review", "done", "cafe", "au", "lait", "alpha", "beta", "gamma",
                    LONG, "delta", NEAR_STEM, "epsilon", "日本語", "and", "text"))


@pytest.mark.parametrize(("text", "expected"), [
    ("Security reviews, done", {"secur_review", "review_done"}),
    ("security-review", {"secur_review"}),
    ("Café au lait", {"cafe_au", "au_lait"}),
    ("one", set()),
    ("", set()),
    # A pair with an uncommon word is none; each pair counts once.
    ("security uncommon review review review", {"review_review"}),
    # A word the index leaves out (over 40 bytes) is a gap no pair crosses.
    (f"alpha {LONG} beta gamma", {"beta_gamma"}),
    (f"alpha {LONG.upper()}-beta gamma", {"beta_gamma"}),
    # A long word the index keeps pairs as any other.
    (f"delta {NEAR_LONG} epsilon", {f"delta_{NEAR_STEM}", f"{NEAR_STEM}_epsilon"}),
    ("日本語 and text", {"日本語_and", "and_text"}),
    ("Alpha\tBETA\x00gamma", {"alpha_beta", "beta_gamma"}),
])
def test_word_pairs(text, expected):
    """What the ``pairs`` field indexes of a text: its words through the pairs analyzer."""
    pairs = tantivy_engine.word_pairs(text, COMMON).split()
    assert set(pairs) - set(tantivy_engine.gaps(COMMON)) == expected


def test_ascii_text_splits_as_the_index_does():
    """The fast split of ASCII text gives the terms and gaps of ``content``'s own analyzer."""
    rng = random.Random(3)
    alphabet = "abcXYZ09 _-.,;:'\"\n\t\x00\x1f\x7f!#()[]{}|\\/~`" + "e" * 5
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120))) for _ in range(2000)]
    words = ["reviews", "Running", "RUNS", "ies", "1st", "v1", "x" * 40, LONG, "a" * 38 + "ing",
             "b" * 41 + "ing", "sses", "the"]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    texts += [doc.body for doc in DOCS if doc.body.isascii()]
    assert _split_unlike_the_index(texts) == []


def _split_unlike_the_index(texts: list[str]) -> list[str]:
    """The texts whose fast split is refused or differs from ``content``'s own analyzer (a gap
    at the end pairs nothing either way, so it is left out of the comparison)."""
    wrong = []
    for text in texts:
        terms = tantivy_engine._ascii_terms(text)
        while terms and not terms[-1]:
            terms = terms[:-1]
        if terms is None or terms != tantivy_engine._positional_terms(text):
            wrong.append(text)
    return wrong


def test_text_whose_only_non_ascii_characters_separate_words_splits_as_the_index_does():
    """Characters outside ASCII that only separate words ("·" between tag labels, dashes,
    curly quotes, no-break spaces) leave the fast split exact; one inside a word sends the
    text to the index's own analyzer."""
    rng = random.Random(5)
    separators = "·—–’“”\u00a0\u2009•…\u0301"
    alphabet = "abcXYZ09 -.,'\n" + separators + "e" * 5
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120))) for _ in range(2000)]
    texts += [doc.tags_text + "\n" + doc.title for doc in DOCS
              if all(c.isascii() or not c.isalnum() for c in doc.tags_text + doc.title)]
    assert _split_unlike_the_index(texts) == []
    common = frozenset(("a", "b", "c", "xyz", "e", "ee", "09", "c09"))
    gap = set(tantivy_engine.gaps(common))
    for text in texts:
        terms = tantivy_engine._positional_terms(text)
        expected = {f"{a}_{b}" for a, b in zip(terms, terms[1:]) if a in common and b in common}
        assert set(tantivy_engine.word_pairs(text, common).split()) - gap == expected, text
    for word in ("café", "naïve", "日本語", "Straße", "x²", "Ⓐ"):
        assert tantivy_engine._ascii_terms(f"review · {word}") is None
    assert tantivy_engine.word_pairs("Security · review — done", COMMON).split().count("secur_review") == 1


def test_common_terms_are_in_a_tenth_of_the_documents_and_in_two():
    texts = ["the review"] * 3 + ["the price"] + ["the"] * 26
    assert tantivy_engine.common_terms(texts) == {"the", "review"}
    assert tantivy_engine.common_terms(["one text alone"]) == set()


def test_an_index_keeps_the_common_terms_it_pairs(reader, tmp_path):
    assert {"secur", "review", "the", "of"} <= reader.common
    assert tantivy_engine.read_common(reader.folder) == reader.common
    assert tantivy_engine.read_common(tmp_path) == set()  # no file: nothing is paired


@pytest.mark.parametrize(("tokens", "hits"), [
    (("alpha", "beta"), 0),      # the long word between them keeps its place
    (("beta", "gamma"), 1),
    (("delta", NEAR_STEM), 1),
])
def test_phrases_around_long_words(reader, tokens, hits):
    assert reader.count(MPhrase("content", tokens)) == _positional(reader, tokens) == hits


PHRASES = [
    '"security review"', '"security reviews"', '"reviewing security"', '"return on investment"',
    '"returns on investments"', '"total cost of ownership"', '"cost of ownership total"',
    '"of the"', '"to be or not to be"', '"the question of the day"', '"café résumé"',
    '"cafe resume"', '"data residency data"', '"residency residency"', '"v1.2"', '"soc 2"',
    "soc-2", '"api key"', '"security"', '"title decision"', '"title. Decision"',
    '"right: the security-review"', '"日本語 words"', '"case study" -"security review"',
    '"security review" OR "data residency"', '"review security" "cost of"',
]


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    yield from both_engines(tmp_path_factory, [d for d in DOCS if d.piece_id != 4])


@pytest.mark.parametrize("text", PHRASES)
def test_both_engines_find_the_same_phrases(engines, text):
    request = SearchRequest(text=text, limit=1000)
    whoosh, tantivy = (engines[name].search(request, Vocabulary()) for name in ("whoosh", "tantivy"))
    assert {h.piece_id for h in whoosh.hits} == {h.piece_id for h in tantivy.hits}
    assert whoosh.total == tantivy.total


def test_pieces_written_later_pair_the_same_common_terms(tmp_path):
    folder = tmp_path / "built"
    folder.mkdir()
    tantivy_engine.build(folder, DOCS, lambda count: None)
    handle = tantivy_engine.TantivyHandle(folder, busy_timeout=1.0)
    later = IndexDoc(piece_id=999, title="Later piece", body="the security review of the total cost",
                     updated_at=datetime(2024, 2, 1), stamp="later")
    handle.upsert([later])
    reader = handle.reader()
    for tokens in [("secur", "review"), ("the", "secur", "review", "of"), ("review", "of", "the")]:
        assert set(tokens) <= reader.common
        assert reader.count(MPhrase("content", tokens)) == _positional(reader, tokens)
    assert reader.restrict(MPhrase("content", ("the", "secur", "review")), [999]) == {999}
    handle.close()


def test_an_index_started_empty_pairs_nothing_and_still_finds_phrases(tmp_path):
    tantivy_engine.create(tmp_path)
    handle = tantivy_engine.TantivyHandle(tmp_path, busy_timeout=1.0)
    handle.upsert(DOCS[:3])
    reader = handle.reader()
    assert reader.common == set()
    assert reader.count(MPhrase("content", ("secur", "review"))) == _positional(reader, ("secur", "review")) == 1
    handle.close()


def test_a_longer_phrase_is_led_by_its_pairs_of_common_words(reader):
    tokens = ("secur", "review", "done")  # "Security reviews, done right"; "done" is rare
    assert {"secur", "review"} <= reader.common and "done" not in reader.common
    assert "secur_review" in repr(reader.query(MPhrase("content", tokens)))
    assert reader.count(MPhrase("content", tokens)) == _positional(reader, tokens) == 1
