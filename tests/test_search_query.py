"""The query language, without any index: tokenizer → parser → tree, hints, synonyms."""

from __future__ import annotations

import json
import random
import re

import pytest

from enablement.config import ASSETS_DIR
from enablement.search.documents import Vocabulary
from enablement.search.query import (MAX_CHARS, MAX_TERMS, And, FieldFilter, Not, Or, Phrase, Term,
                                     parse_query)
from enablement.search.query.ast import walk_positive


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    data = json.loads((ASSETS_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    return Vocabulary.from_lists(
        stages=[(s["key"], s["name"]) for s in data["stages"]],
        gates=[(g["key"], g["question"]) for s in data["stages"] for g in s["gates"]],
        facets={f: [(_slug(v), v) for v in values] for f, values in data["facets"].items()},
        synonyms=data["synonyms"],
    )


def leaves(node):
    return [leaf for leaf, _ in walk_positive(node)]


def only_filter(text: str, vocab: Vocabulary) -> FieldFilter:
    parsed = parse_query(text, vocab)
    assert isinstance(parsed.node, FieldFilter), (text, parsed)
    return parsed.node


def test_free_text_is_implicit_and(vocab):
    parsed = parse_query("pricing guide", vocab)
    assert parsed.node == And((Term("pricing"), Term("guide")))
    assert parsed.has_text and parsed.hints == ()
    assert parsed.echo == "pricing guide"


@pytest.mark.parametrize("text, field, keys", [
    ("stage:evaluation", "stage", ("evaluation",)),
    ("stage:Evaluation", "stage", ("evaluation",)),
    ('stage:"EVALUATION"', "stage", ("evaluation",)),
    ("gate:worth-investment", "gate", ("worth-investment",)),
    ('gate:"Is this worth the investment?"', "gate", ("worth-investment",)),
    ('gate:"is this worth the investment"', "gate", ("worth-investment",)),
    ("gate:investment", "gate", ("worth-investment",)),
    ("persona:cfo", "persona", ("cfo",)),
    ('persona:"IT Director"', "persona", ("it-director",)),
    ("persona:cfo,procurement", "persona", ("cfo", "procurement")),
    ("industry:retail", "industry", ("retail",)),
    ('industry:"public sector"', "industry", ("public-sector",)),
    ("type:battlecard", "content_type", ("battlecard",)),
    ('type:"case study"', "content_type", ("case-study",)),
    ("product:analytics", "product", ("analytics",)),
    ("status:draft", "status", ("draft",)),
    ("status:archived", "status", ("archived",)),
    ("source:rep", "source", ("rep",)),
    ("lang:german", "language", ("german",)),
    ("language:French", "language", ("french",)),
    ("file:pdf", "file_type", ("pdf",)),
    ("file:.PPTX", "file_type", ("pptx",)),
    ("file:word", "file_type", ("docx",)),
    ("kind:link", "kind", ("link",)),
])
def test_field_filters_resolve_to_keys(vocab, text, field, keys):
    node = only_filter(text, vocab)
    assert (node.field, node.keys, node.none) == (field, keys, False)
    assert parse_query(text, vocab).hints == ()


def test_owner_filter_keeps_the_name_words(vocab):
    assert only_filter('owner:"Alice Smith"', vocab) == FieldFilter("owner", ("alice smith",))
    assert only_filter("owner:alice", vocab) == FieldFilter("owner", ("alice",))


@pytest.mark.parametrize("dimension", ["gate", "stage", "persona", "industry", "product", "type"])
def test_none_means_no_value(vocab, dimension):
    node = only_filter(f"{dimension}:none", vocab)
    assert node.none and node.keys == ()


def test_unique_prefix_of_a_name_matches(vocab):
    assert only_filter("stage:Evalu", vocab).keys == ("evaluation",)
    assert only_filter("persona:econ", vocab).keys == ("economic-buyer",)


def test_unknown_stage_is_dropped_with_a_hint_listing_stages(vocab):
    parsed = parse_query("pricing stage:Nowhere", vocab)
    assert parsed.node == Term("pricing")
    assert len(parsed.hints) == 1
    hint = parsed.hints[0]
    assert "no stage called 'Nowhere'" in hint and "Awareness" in hint and "Expansion" in hint


def test_ambiguous_prefix_is_dropped_with_the_candidates(vocab):
    parsed = parse_query("stage:e", vocab)
    assert parsed.node is None
    assert "Evaluation" in parsed.hints[0] and "Expansion" in parsed.hints[0]


def test_field_without_value_is_a_hint(vocab):
    assert parse_query("stage:", vocab).hints == ("stage: needs a value",)
    assert parse_query("pricing stage: OR roi", vocab).hints[0] == "stage: needs a value"
    assert parse_query("stage: (roi)", vocab).hints[0] == "stage: needs a value"


def test_a_space_after_the_colon_is_read_as_the_value_when_it_is_one(vocab):
    parsed = parse_query("pricing stage: evaluation", vocab)
    assert parsed.node == And((Term("pricing"), FieldFilter("stage", ("evaluation",))))
    assert parsed.hints == ("read 'stage: evaluation' as stage:evaluation "
                            "(a field's value goes right after the colon)",)
    quoted = parse_query('gate: "worth the investment"', vocab)
    assert isinstance(quoted.node, FieldFilter) and quoted.node.field == "gate"


def test_a_space_after_the_colon_and_no_such_value_searches_the_word_and_says_so(vocab):
    parsed = parse_query("stage: pricing", vocab)
    assert parsed.node == Term("pricing")
    assert parsed.hints[0] == ("'stage:' needs its value right after the colon; 'pricing' is not a "
                               "stage, so it was searched as text")
    assert "stages are: " in parsed.hints[1] and "Awareness" in parsed.hints[1]
    phrase = parse_query('persona: "price list"', vocab)
    assert phrase.node == Phrase("price list") and "not a persona" in phrase.hints[0]


def test_unknown_field_name_is_plain_text_with_a_hint(vocab):
    parsed = parse_query("http://example.com nosuchfield:x", vocab)
    assert Term("http://example.com") in leaves(parsed.node)
    assert Term("nosuchfield:x") in leaves(parsed.node)
    assert parsed.hints == ("'nosuchfield' is not a field, so 'nosuchfield:x' was searched as text; "
                            "fields are: stage, gate, persona, industry, product, type, owner, status, "
                            "source, lang, file, kind",)
    assert parse_query("stge:evaluation", vocab).hints[0].startswith(
        "'stge' is not a field (did you mean stage:?)")
    assert parse_query("meet at 10:30 https://x.example/a", vocab).hints == ()


def test_phrase_prefix_and_operators(vocab):
    parsed = parse_query('"total cost" integ* (deck OR datasheet) NOT draft -legacy', vocab)
    assert parsed.node == And((
        Phrase("total cost"), Term("integ", prefix=True), Or((Term("deck"), Term("datasheet"))),
        Not(Term("draft")), Not(Term("legacy")),
    ))
    assert parsed.echo == '"total cost" integ* (deck OR datasheet) -draft -legacy'


def test_and_binds_tighter_than_or(vocab):
    parsed = parse_query("a1 b1 OR c1 AND d1", vocab)
    assert parsed.node == Or((And((Term("a1"), Term("b1"))), And((Term("c1"), Term("d1")))))


def test_negated_field_filter(vocab):
    parsed = parse_query("-stage:decision -gate:none", vocab)
    assert parsed.node == And((Not(FieldFilter("stage", ("decision",))),
                               Not(FieldFilter("gate", (), none=True))))
    assert not parsed.has_text


def test_lowercase_or_is_a_word_not_an_operator(vocab):
    parsed = parse_query("deck or datasheet", vocab)
    assert parsed.node == And((Term("deck"), Term("or"), Term("datasheet")))
    assert parsed.search_node == And((Term("deck"), Term("datasheet")))  # stopword dropped


def test_synonym_word_expands_to_multiword_phrase(vocab):
    parsed = parse_query("roi", vocab)
    assert parsed.node == Term("roi")
    assert isinstance(parsed.search_node, Or)
    assert Phrase("return on investment") in parsed.search_node.children
    assert Term("payback") in parsed.search_node.children


def test_typed_multiword_synonym_expands_to_the_word(vocab):
    parsed = parse_query("return on investment calculator", vocab)
    first = parsed.search_node.children[0]
    assert isinstance(first, Or) and Term("roi") in first.children
    assert parsed.search_node.children[1] == Term("calculator")
    quoted = parse_query('"Return on Investment"', vocab).search_node
    assert isinstance(quoted, Or) and Term("roi") in quoted.children


def test_plural_finds_its_synonym_group(vocab):
    node = parse_query("prices", vocab).search_node
    assert isinstance(node, Or) and Term("quote") in node.children


def test_status_in_query_overrides_default(vocab):
    assert parse_query("deck status:archived", vocab).sets_status
    assert not parse_query("deck -status:archived", vocab).sets_status
    assert only_filter("status:all", vocab).keys == ("draft", "published", "archived")


def test_empty_query_browses(vocab):
    for text in ("", "   ", "\x00\x01"):
        parsed = parse_query(text, vocab)
        assert parsed.node is None and parsed.search_node is None
        assert not parsed.has_text and parsed.hints == ()


def test_as_you_type_marks_the_last_word(vocab):
    assert parse_query("security revi", vocab, as_you_type=True).node == And(
        (Term("security"), Term("revi", typing=True)))
    assert parse_query("security revi ", vocab, as_you_type=True).node == And(
        (Term("security"), Term("revi")))
    assert parse_query("security revi", vocab).node == And((Term("security"), Term("revi")))


def test_a_short_word_being_typed_is_left_out_of_the_search(vocab):
    parsed = parse_query("security r", vocab, as_you_type=True)
    assert parsed.node == And((Term("security"), Term("r", typing=True)))
    assert parsed.echo == "security r"
    assert parsed.search_node == Or((Term("security"), Term("infosec"), Term("compliance")))
    assert parsed.has_text and parsed.hints == ()
    for text in ("r", "ro", "-ro", "(r"):
        parsed = parse_query(text, vocab, as_you_type=True)
        assert parsed.search_node is None and not parsed.has_text, text
    assert parse_query("deck OR ro", vocab, as_you_type=True).search_node == Term("deck")
    assert parse_query("deck -ro", vocab, as_you_type=True).search_node == Term("deck")
    # Long enough, or finished with a space, or not typing: it counts.
    assert parse_query("deck rol", vocab, as_you_type=True).search_node == And(
        (Term("deck"), Term("rol", typing=True)))
    assert parse_query("deck ro ", vocab, as_you_type=True).search_node == And(
        (Term("deck"), Term("ro")))
    assert parse_query("deck ro", vocab).search_node == And((Term("deck"), Term("ro")))


def test_control_characters_are_removed(vocab):
    parsed = parse_query("pri\x00cing\tdeck\u200b", vocab)
    assert [leaf.text for leaf in leaves(parsed.node)] == ["pri", "cing", "deck"]


def test_long_input_is_cut_before_parsing(vocab):
    parsed = parse_query("pricing " * 2000, vocab)
    assert any(h.startswith("query shortened to") for h in parsed.hints)
    assert len(parsed.echo) <= MAX_CHARS
    assert len(leaves(parsed.node)) <= MAX_TERMS
    parsed = parse_query(" ".join(f"w{i}" for i in range(100)), vocab)
    assert f"query shortened to {MAX_TERMS} terms" in parsed.hints
    assert len(leaves(parsed.node)) == MAX_TERMS
    parsed = parse_query("x" * 10_000, vocab)
    assert f"query shortened to {MAX_CHARS} characters" in parsed.hints


@pytest.mark.parametrize("text, hint", [
    ('"unclosed phrase', "a quote was not closed"),
    ("(pricing OR deck", "a '(' was not closed"),
    ("pricing)", "a ')' without a matching '('"),
    ("OR pricing", "OR needs a term on each side"),
    ("pricing OR", "OR needs a term on each side"),
    ("OR OR", "OR needs a term on each side"),
    ("AND", "AND needs a term on each side"),
    ("pricing NOT", "NOT needs a term after it"),
    ("*", "'*' needs a few letters before it"),
    ("p*", "type at least 2 letters before '*'"),
    ("(((", "a '(' was not closed"),
])
def test_malformed_queries_give_hints(vocab, text, hint):
    parsed = parse_query(text, vocab)
    assert any(h.startswith(hint) for h in parsed.hints), parsed.hints


@pytest.mark.parametrize("text", [
    "-", '"', '""', "()", ")(", "((((((((((((((((((((deep))))))))))))))))))))", "NOT NOT NOT x",
    "--x", "- -", ":", "stage:::", 'stage:"', "gate:,", "*:*", "über straße 日本語 émoji 🙂",
    "\u202eevil\u202c", "a" * 499 + " b", "(" * 600, '"' * 333, "OR " * 200, "-" * 1000,
])
def test_hostile_input_never_raises(vocab, text):
    parsed = parse_query(text, vocab)
    assert isinstance(parsed.echo, str)
    assert all(isinstance(h, str) for h in parsed.hints)


def test_fuzzed_input_never_raises(vocab):
    rng = random.Random(1234)
    alphabet = 'ab ()"-*:,OR AND NOT stage gate none \x00\t?é'
    pieces = alphabet.split(" ") + list('()"-*:,\x00 ')
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        parse_query(text, vocab)
        parse_query(text, vocab, as_you_type=True)


def test_vocabulary_from_lists_accepts_gate_aliases():
    vocab = Vocabulary.from_lists(gates=[("worth-investment", "Is this worth it?", "ROI gate")])
    assert only_filter('gate:"roi gate"', vocab).keys == ("worth-investment",)


def test_without_vocabulary_keys_are_trusted():
    parsed = parse_query("stage:whatever persona:x-y")
    assert parsed.node == And((FieldFilter("stage", ("whatever",)), FieldFilter("persona", ("x-y",))))
