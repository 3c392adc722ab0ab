"""Our query tree → which documents match (bitsets) and how to rank them (a Whoosh query).

Matching and ranking are split on purpose:
- *Matching* is exact boolean logic over cached per-word document sets (``DocCache``): AND,
  OR, NOT, field filters, phrases, prefixes. It is what ``total`` and facet counts use.
- *Ranking* runs a Whoosh query made only of the positive free-text words, restricted to the
  matched set. Phrases rank as their words and prefixes rank on titles and tags only, which
  avoids Whoosh's slowest paths (positions, huge prefix expansions) while the matched set
  stays exact. A matched document the ranking query does not reach is listed after the
  ranked ones.

Free text matches the ``content`` field (title + tags + description + body); words go
through the index analyzer, so "pricing" finds "price" and "prices". A word the analyzer
splits ("soc-2") becomes a phrase.

The word being typed (``Term.typing``, search-as-you-type) matches as itself and as every
indexed word it can still become: ``DocCache.typing_terms`` expands it through the stemmed and
the unstemmed lexicons (at most ``MAX_TYPING_TERMS``), so "integratio" finds the stem
"integr" of "integration". Ranking scores the most common few of them in titles and tags.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from whoosh import query as wq

from enablement.search.documents import NONE_KEY
from enablement.search.query.ast import (MIN_TYPING_CHARS, And, FieldFilter, Node, Not, Phrase,
                                         Term, walk_positive)
from enablement.search.query.expand import STOPWORDS
from enablement.search.whoosh_cache import DocCache
from enablement.search.whoosh_schema import BOOST_FIELDS, name_analyzer, text_analyzer

_TEXT = text_analyzer()
_NAMES = name_analyzer()
MIN_TYPING_PREFIX = MIN_TYPING_CHARS  # shorter words being typed are not searched at all
SYNONYM_BOOST = 0.7    # a synonym ranks a little below the word actually typed
TYPING_BOOST = 0.5     # a completion of the word being typed ranks below an exact word
# Completions of the word being typed that BM25 scores (all of them still match): the most
# common few, in titles and tags only, like ``word*``. Scoring them in ``content`` too would
# cost what a whole-word search costs (its long posting lists) on every keystroke.
SCORED_TYPING_TERMS = 8


def typing_prefix(term: Term) -> str | None:
    """The prefix a ``typing`` word is expanded from, or None if it only matches as a word."""
    text = term.text.lower()
    if term.typing and len(text) >= MIN_TYPING_PREFIX and text.isalnum():
        return text
    return None


def tokens(text: str, names: bool = False) -> list[str]:
    """``text`` as the index sees it (analysed words)."""
    return [t.text for t in (_NAMES if names else _TEXT)(text, mode="query")]


def _phrase_docs(cache: DocCache, searcher: Any, field: str, words: list[str]) -> int:
    from enablement.search import bitsets

    def compute() -> int:
        candidates = -1
        for word in words:  # cheap pre-check: a phrase needs every word
            candidates &= cache.term_docs(field, word)
        if not candidates:
            return 0
        return bitsets.from_ids(searcher.docs_for_query(wq.Phrase(field, words))) & cache.live
    return cache.cached(("ph", field, tuple(words)), compute)


def _words_docs(cache: DocCache, searcher: Any, field: str, words: list[str]) -> int | None:
    if not words:
        return None
    if len(words) == 1:
        return cache.term_docs(field, words[0])
    return _phrase_docs(cache, searcher, field, words)


def _filter_docs(node: FieldFilter, cache: DocCache, searcher: Any) -> int:
    if node.field != "owner":
        return cache.docs_with(node.field, list(node.keys) + ([NONE_KEY] if node.none else []))
    found = 0
    for key in node.keys:
        found |= _words_docs(cache, searcher, "owner", tokens(key, names=True)) or 0
    if node.none:
        found |= cache.term_docs("owner", NONE_KEY)
    return found


def match_docs(node: Node | None, cache: DocCache, searcher: Any) -> int | None:
    """The bitset of documents matching ``node``; None when the node constrains nothing."""
    if node is None:
        return None
    if isinstance(node, Term):
        if node.prefix:
            return cache.prefix_docs("content", node.text.lower())
        found = _words_docs(cache, searcher, "content", tokens(node.text))
        prefix = typing_prefix(node)
        if prefix is not None:
            found = (found or 0) | cache.typing_docs(prefix)
        return found
    if isinstance(node, Phrase):
        return _words_docs(cache, searcher, "content", tokens(node.text))
    if isinstance(node, FieldFilter):
        return _filter_docs(node, cache, searcher)
    if isinstance(node, Not):
        child = match_docs(node.child, cache, searcher)
        return None if child is None else cache.live & ~child
    parts = [p for p in (match_docs(c, cache, searcher) for c in node.children) if p is not None]
    if not parts:
        return None
    result = parts[0]
    for part in parts[1:]:
        result = result & part if isinstance(node, And) else result | part
    return result


def _word_query(word: str, boost: float) -> list[wq.Query]:
    return [wq.Term(field, word, boost=boost * field_boost) for field, field_boost in BOOST_FIELDS]


def scoring_query(node: Node | None,
                  completions: Callable[[str], Sequence[str]] | None = None) -> wq.Query | None:
    """A Whoosh query that scores documents by the positive free text of ``node``.

    A word being typed scores as itself (in every field) and as its completions in titles
    and tags. ``completions``: prefix → indexed words (stems) it can become, most common first
    (``DocCache.typing_terms``); the first ``SCORED_TYPING_TERMS`` are scored. Without it,
    title and tag terms starting with the prefix are.
    """
    parts: list[wq.Query] = []
    seen: set[str] = set()
    typed = {leaf.text.lower() for leaf, neg in walk_positive(node) if isinstance(leaf, Term)}
    for leaf, negated in walk_positive(node):
        if negated or not isinstance(leaf, (Term, Phrase)):
            continue
        # Words the user typed rank fully; words only brought in by a synonym rank lower.
        boost = 1.0 if leaf.text.lower() in typed and isinstance(leaf, Term) else SYNONYM_BOOST
        if isinstance(leaf, Term) and leaf.prefix:
            parts.extend(wq.Prefix(f, leaf.text.lower(), boost=b * 0.5) for f, b in BOOST_FIELDS
                         if f != "content")
            continue
        for word in tokens(leaf.text):
            if word in STOPWORDS or word in seen:
                continue
            seen.add(word)
            parts.extend(_word_query(word, boost))
        prefix = typing_prefix(leaf) if isinstance(leaf, Term) else None
        if prefix is None:
            continue
        if completions is None:
            parts.extend(wq.Prefix(f, prefix, boost=b * TYPING_BOOST) for f, b in BOOST_FIELDS
                         if f != "content")
            continue
        scored = [w for w in completions(prefix) if w not in seen and w not in STOPWORDS]
        for word in scored[:SCORED_TYPING_TERMS]:
            parts.extend(wq.Term(f, word, boost=boost * TYPING_BOOST * b)
                         for f, b in BOOST_FIELDS if f != "content")
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.Or(parts)
