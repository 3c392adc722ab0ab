"""The tantivy engine: the primitives of ``engine.EngineReader`` over one tantivy index folder.

A plan becomes one tantivy query; counting, facet counting (a terms aggregation over the key
fields' columns), BM25 scoring and newest-first sorting run natively. Indexing runs in
tantivy's own writer threads, outside Python's interpreter lock, so a write never holds up
the GUI thread for long.

The fields mirror the Whoosh schema (``whoosh_schema``): ``content``/``title``/``tags`` hold
stems (English Snowball stemmer), ``words``/``title_words``/``owner`` unstemmed words; accents
are folded in both. Key dimensions are raw, multi-valued, indexed text fields; their facet
counts read one single-valued column per dimension, each document's set of keys (``_SETS``).

Phrases: a phrase of common words is slow on positions alone (at 100k pieces "security
review" reads the positions of both words in 75k documents, for the counts and again for the
ranking). So ``pairs`` holds each two neighbouring terms of ``content`` that are both *common*
as one term ("secur_review"), once per document and without positions, much as
Elasticsearch's ``index_phrases`` does: a two-word phrase of common words is one term; a longer
one is the AND of its pairs of common words and the positional phrase on ``content``, so
positions are read only in documents that hold every such pair. A two-word phrase with a less
common word stays a phrase on ``content``. Every term in a tenth of the documents is common
(``COMMON_SHARE``), up to ``MAX_COMMON`` of them. Measured on the 100k bench library (774
terms that common), rebuild time, peak resident memory and phrase p95 (min of 3): pairing 60
terms 68 s, 408 MB, 20.7 ms; 300 terms 86 s, 408 MB, 14.6 ms; 1000 terms 88 s, 1.2 GB (of it
0.4 GB the process's own, the rest index files mapped while segments merge), 10.9 ms. At 10k
pieces the rebuild time did not change. 500 keeps the memory of 60.

The facet counts of a phrase still read its positions in every match; ranking the page does
not read them again there: it takes the best documents by the scoring terms alone
(``loosened``, ``REACHED``) and checks only those by position (``pipeline.ranked_top``), on
the caller's thread while the count runs on another (``counts_beside_ranking``).
Which words are common is chosen once per index, from the first documents a rebuild writes,
and kept in ``pairs.json`` beside the index: writes and searches of that index use the same
set. Pairs come from the same analyzer as ``content`` (text with no letter outside ASCII is
split the same way at C speed, each distinct word stemmed by that analyzer), so stemming and
folding agree exactly, and a word the index leaves out (over 40 bytes) leaves a gap no pair
crosses, as in positions.
"""

from __future__ import annotations

import codecs
import json
import math
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timezone
from contextlib import nullcontext
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Occur, Order, Query

from enablement.search import mapped
from enablement.search.documents import COUNTED_DIMENSIONS, NONE_KEY, IndexDoc, normalized
from enablement.search.engine import MAll, MAnd, MNot, MOr, MPhrase, MTerms, Plan, ScoreTerm, StoredDoc

NAME = "tantivy"
SCHEMA_VERSION = 4  # 3: the ``pairs`` field; 4: a key-set column per dimension (``_SETS``)
SNIPPET_CHARS = 30_000
MAX_BODY_CHARS = 2_000_000
SPELLING_CHARS = 1_000
_KEYS = tuple(COUNTED_DIMENSIONS)
# Facet counts: tantivy's terms aggregation walks a multi-valued column ~10× slower than a
# single-valued one (at 100k pieces 2-4 ms for each of stage, gate and persona, 0.2-0.4 ms for
# each other dimension). So each document also holds, per dimension, its whole set of keys as
# one value ("discovery\x1fevaluation"); the counts of the sets are summed per key. A library
# has few distinct sets (the 100k bench library: 169 of gates, 63 of personas); more than
# ``MAX_SETS`` in one dimension and that dimension is counted key by key instead.
_SETS = {name: f"{name}_keys" for name in _KEYS}
SET_JOIN = "\x1f"  # never inside a key (keys are trimmed printable text)
MAX_SETS = 50_000   # below tantivy's limit of 65,000 buckets per aggregation
_COUNT = "__matches"
_MEMBERS = "__members"
_STEMMED = "enablement_text"
_WORDS = "enablement_words"
_PAIRS = "enablement_pairs"
PAIR_JOIN = "_"  # never inside a term: terms are runs of letters and digits
_NO_PAIR = "_"   # a position without a pair: the pairs analyzer drops it and keeps the position
PAIRS_FILE = "pairs.json"
COMMON_SAMPLE = 500    # documents a rebuild reads to choose the common terms
COMMON_SHARE = 0.10    # a term in at least this share of them is common...
MAX_COMMON = 500       # ...up to this many, the most frequent (bounds what pairing costs a rebuild)
FEW_PIECES = 1024  # at most this many pieces are asked for each by its term (see ``restrict``)
# A phrase read by position that looks like matching at most MEMBERS documents, tried on the
# pieces with ids below SAMPLE_IDS, has them listed by its facet count (``_listed``).
MEMBERS = 2048
SAMPLE_IDS = 2048
# The looser plan of one with a phrase read by position (``loosened``): every document, ranked
# by the scoring terms alone. Their sum may differ in its last bits from the same document's
# score under another plan (block-max WAND adds the terms in another order).
REACHED = MAll()
WRITER_HEAP = 32_000_000
BUILD_HEAP = 256_000_000
PROGRESS_EVERY = 200


def _analyzer(stemmed: bool) -> Any:
    # Words are runs of letters and digits, as in Whoosh (whoosh_schema.WORD_PATTERN). The
    # simple tokenizer splits so natively; a regex tokenizer took most of a rebuild's time.
    builder = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
               .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
               .filter(tantivy.Filter.remove_long(41)))
    if stemmed:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


_TEXT = _analyzer(True)
_NAMES = _analyzer(False)
# ``_TEXT`` without its long-word filter: every word of a text, each at its own position.
_ALL_TERMS = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
              .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
              .filter(tantivy.Filter.stemmer("english")).build())
# The English stemmer takes at most ~22 letters off a word, so an ASCII term shorter than this
# came from a word of at most 40 bytes, which ``_TEXT`` keeps.
_SURELY_KEPT = 18


def common_terms(texts: Sequence[str]) -> frozenset[str]:
    """The terms in at least ``COMMON_SHARE`` of ``texts`` (and in two), the most frequent
    ``MAX_COMMON`` of them."""
    frequency: Counter[str] = Counter()
    for text in texts:
        found = _ascii_terms(text)
        terms = set(found) if found is not None else set(_TEXT.analyze(text))
        terms.discard("")
        frequency.update(terms)
    least = max(2, math.ceil(COMMON_SHARE * len(texts)))
    return frozenset(t for t, n in frequency.most_common(MAX_COMMON) if n >= least)


def _positional_terms(text: str) -> list[str]:
    """The terms of ``text`` at their positions in ``content`` ("" where a word was left out)."""
    terms = _ALL_TERMS.analyze(text)
    if terms and (max(map(len, terms)) >= _SURELY_KEPT or not "".join(terms).isascii()):
        # Some word may be one ``content`` leaves out: place each term by its position.
        at = {t.position: t.text for t in _TEXT.pre_tokenize(text).tokens}
        terms = [at.get(p, "") for p in range(max(at, default=-1) + 1)]
    return terms


# The words of a text, the usual case, are split here at C speed with the same result as
# ``_TEXT``, when every character outside ASCII in it only separates words (tag labels are
# joined by "·", titles hold "—"): such a character is, for the words and their positions, a
# space (which ones are is asked of the tokenizer itself, once each). The words are then the
# runs of ASCII letters and digits, lowercasing is exact, folding changes nothing, and a word
# over ``_LONGEST`` bytes is left out (keeping its position). Each distinct word is stemmed once
# by ``_TEXT`` itself; ``_sides`` keeps, per common set, what each word is on either side of a
# pair. Text with a letter outside ASCII goes through ``_TEXT`` itself (``_positional_terms``).
_BYTE_WORDS = bytes(c | 0x20 if 65 <= c <= 90 else c if 48 <= c <= 57 or 97 <= c <= 122 else 32
                    for c in range(256))
_LONGEST = 40
_MAX_WORDS = 500_000  # distinct words remembered (then it starts afresh)
_terms: dict[str, str] = {}  # ASCII word -> its term ("" if left out)
_SPLITTER = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).build()
_splits: dict[str, bool] = {}
_SEPARATORS = "enablement-word-separators"


class _InsideWord(ValueError):
    """A character outside ASCII that belongs to a word."""


def _splits_words(char: str) -> bool:
    found = _splits.get(char)
    if found is None:
        found = _splits[char] = len(_SPLITTER.analyze(f"a{char}a")) == 2
    return found


def _separators_as_spaces(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    run = error.object[error.start:error.end]
    if all(map(_splits_words, run)):
        return " " * len(run), error.end
    raise _InsideWord(run)


codecs.register_error(_SEPARATORS, _separators_as_spaces)


def _ascii_words(text: str) -> list[str] | None:
    """The words of ``text`` as ``content`` splits them, lowercased; None if a character
    outside ASCII belongs to a word (then only ``_TEXT`` itself splits it right)."""
    try:
        raw = text.encode("ascii", _SEPARATORS)
    except _InsideWord:
        return None
    return raw.translate(_BYTE_WORDS).decode("ascii").split()


def _term(word: str) -> str:
    if len(_terms) > _MAX_WORDS:
        _terms.clear()
    term = _terms[word] = _TEXT.analyze(word)[0] if len(word) <= _LONGEST else ""
    return term


def _ascii_terms(text: str) -> list[str] | None:
    """The terms of ``text`` at their positions in ``content`` ("" where left out); None as
    ``_ascii_words``."""
    words = _ascii_words(text)
    if words is None:
        return None
    try:
        return list(map(_terms.__getitem__, words))
    except KeyError:
        return [_terms.get(word) or _term(word) for word in words]


# Per common set: what each ASCII word is on the right side of a pair (its term, or "" if that
# is not common), and what each such right side is on the left ("secur_", or "_"). A pair is
# left + right; one with a side that is not common is one of the pairs analyzer's ``gaps``.
_sides: dict[frozenset[str], tuple[dict[str, str], dict[str, str]]] = {}


def _pair_sides(text: str, common: frozenset[str]) -> tuple[list[str], dict[str, str]]:
    """The right side of a pair at each position of ``content``, and the left side of each."""
    known = _sides.get(common)
    if known is None or len(known[0]) > _MAX_WORDS:
        if len(_sides) > 4:
            _sides.clear()
        left = {t: t + PAIR_JOIN for t in common}
        left[""] = _NO_PAIR
        known = _sides[common] = ({}, left)
    rights, lefts = known
    words = _ascii_words(text)
    if words is None:
        return [t if t in common else "" for t in _positional_terms(text)], lefts
    try:
        return list(map(rights.__getitem__, words)), lefts
    except KeyError:
        for word in set(words).difference(rights):
            term = _terms.get(word) or _term(word)
            rights[word] = term if term in common else ""
        return list(map(rights.__getitem__, words)), lefts


def word_pairs(text: str, common: frozenset[str]) -> str:
    """The ``pairs`` field of a ``content`` text: each pair of neighbouring terms once. A pair
    with a side that is not ``common`` is one of the ``gaps`` the pairs analyzer drops; this
    way every step here runs at C speed."""
    rights, lefts = _pair_sides(text, common)
    return " ".join(set(map(operator.add, map(lefts.__getitem__, rights), islice(rights, 1, None))))


def gaps(common: frozenset[str]) -> list[str]:
    """The words of a ``pairs`` text that are not pairs: a side is not a common term."""
    return [_NO_PAIR, *(t + PAIR_JOIN for t in common), *(PAIR_JOIN + t for t in common)]


def read_common(folder: Path) -> frozenset[str]:
    """The common terms an index pairs (none if its file is missing or unreadable: phrases
    then all run on positions, which is slower but still right)."""
    try:
        return frozenset(json.loads((folder / PAIRS_FILE).read_text(encoding="utf-8"))["common"])
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


def _write_common(folder: Path, common: frozenset[str]) -> None:
    (folder / PAIRS_FILE).write_text(json.dumps({"common": sorted(common)}), encoding="utf-8")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    found = _TEXT.analyze(word)
    return found[0] if len(found) == 1 else word


@lru_cache(maxsize=1)
def build_schema() -> Any:
    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("pid", stored=True, indexed=True, fast=True)
    b.add_integer_field("updated", indexed=False, fast=True)
    b.add_text_field("stamp", stored=True, tokenizer_name="raw", index_option="basic")
    b.add_text_field("content", tokenizer_name=_STEMMED, index_option="position")
    b.add_text_field("title", stored=True, tokenizer_name=_STEMMED, index_option="freq")
    b.add_text_field("tags", tokenizer_name=_STEMMED, index_option="freq")
    b.add_text_field("words", tokenizer_name=_WORDS, index_option="basic")
    b.add_text_field("title_words", tokenizer_name=_WORDS, index_option="basic")
    b.add_text_field("owner", tokenizer_name=_WORDS, index_option="position")
    b.add_text_field("pairs", tokenizer_name=_PAIRS, index_option="basic")
    b.add_bytes_field("extra", stored=True)
    for name in _KEYS:
        b.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
        b.add_text_field(_SETS[name], fast=True, tokenizer_name="raw", index_option="basic")
    return b.build()


def _register(index: Any, common: frozenset[str]) -> Any:
    index.register_tokenizer(_STEMMED, _analyzer(True))
    index.register_tokenizer(_WORDS, _analyzer(False))
    index.register_tokenizer(_PAIRS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
                             .filter(tantivy.Filter.custom_stopword(gaps(common))).build())
    return index


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1_000_000)


def _content(doc: IndexDoc) -> str:
    """The ``content`` text of a normalized doc."""
    return "\n".join((doc.title, doc.tags_text, doc.description, doc.body[:MAX_BODY_CHARS]))


def _document(doc: IndexDoc, common: frozenset[str]) -> Any:
    doc = normalized(doc)
    body = doc.body[:MAX_BODY_CHARS]
    out = tantivy.Document()
    out.add_unsigned("pid", doc.piece_id)
    out.add_integer("updated", _micros(doc.updated_at))
    out.add_text("stamp", doc.stamp)
    content = _content(doc)
    out.add_text("content", content)
    out.add_text("pairs", word_pairs(content, common))
    out.add_text("title", doc.title)
    out.add_text("tags", doc.tags_text)
    out.add_text("words", "\n".join((doc.title, doc.tags_text, doc.description, body[:SPELLING_CHARS])))
    out.add_text("title_words", doc.title)
    out.add_text("owner", doc.owner if doc.owner.strip() else NONE_KEY)
    extra = {"description": doc.description, "snippet_text": body[:SNIPPET_CHARS],
             "review_by": doc.review_by.isoformat() if isinstance(doc.review_by, date) else None}
    out.add_bytes("extra", json.dumps(extra).encode("utf-8"))
    for name in _KEYS:
        keys = doc.keys_of(name)
        cleaned = sorted({k.strip().replace(SET_JOIN, " ") for k in keys if k and k.strip()}) or [NONE_KEY]
        for key in cleaned:
            out.add_text(name, key)
        out.add_text(_SETS[name], SET_JOIN.join(cleaned))
    return out


class TantivyReader:
    """``EngineReader`` over one tantivy searcher."""

    def __init__(self, searcher: Any, schema: Any, generation: object, folder: Path | None = None,
                 common: frozenset[str] = frozenset()) -> None:
        self.searcher = searcher
        self.folder = folder
        self.schema = schema
        self.common = common  # the terms this index pairs (``pairs``)
        self.generation = generation
        self._queries: dict[Plan, Any] = {}
        self._addresses: dict[int, Any] = {}
        # Match counts that a facet count already found (same pass over the matches): the
        # pipeline counts facets first, so a search walks its matches once less.
        self._counts: dict[Plan, int] = {}
        # Every document of a plan the facet count listed (``_listed``): ranking it reads no
        # positions again.
        self._members: dict[Plan, tuple[int, ...]] = {}
        self._sampled: int | None = None  # how many pieces have ids below ``SAMPLE_IDS``
        self._listing: dict[Plan, bool] = {}  # ``_listed`` of each plan asked

    def analyze(self, text: str) -> list[str]:
        return _TEXT.analyze(text)

    def analyze_names(self, text: str) -> list[str]:
        return _NAMES.analyze(text)

    def stem(self, word: str) -> str:
        return stem(word)

    def doc_count(self) -> int:
        return self.searcher.num_docs

    # matching
    def query(self, plan: Plan) -> Any:
        found = self._queries.get(plan)
        if found is None:
            found = self._query(plan)
            if len(self._queries) > 512:
                self._queries.clear()
            self._queries[plan] = found
        return found

    def _query(self, plan: Plan) -> Any:
        schema = self.schema
        if isinstance(plan, MAll):
            return Query.all_query()
        if isinstance(plan, MTerms):
            if plan.field == "pid":
                values = [int(t) for t in plan.tokens if t.isdigit()]
                if not values:
                    return Query.empty_query()
                return self._these(values) if len(values) <= FEW_PIECES else Query.term_set_query(
                    schema, "pid", values)
            if not plan.tokens:
                return Query.empty_query()
            if len(plan.tokens) == 1:
                return Query.term_query(schema, plan.field, plan.tokens[0], index_option="basic")
            return Query.term_set_query(schema, plan.field, list(plan.tokens))
        if isinstance(plan, MPhrase):
            pairs = self._pairs(plan)
            if len(plan.tokens) == 2 and pairs:
                return Query.term_query(schema, "pairs", pairs[0], index_option="basic")
            phrase = Query.phrase_query(schema, plan.field, list(plan.tokens))
            if not pairs:
                return phrase
            # Only documents holding every pair of common terms are checked by position:
            # tantivy leads an intersection with its rarest part ("the security review" at
            # 100k pieces: 16 ms on positions alone, 5 ms led by "the_secur").
            return Query.boolean_query(
                [(Occur.Must, Query.term_query(schema, "pairs", p, index_option="basic"))
                 for p in pairs] + [(Occur.Must, phrase)])
        if isinstance(plan, MNot):
            return Query.boolean_query([(Occur.Must, Query.all_query()),
                                        (Occur.MustNot, self.query(plan.child))])
        if isinstance(plan, MAnd):
            positive = [c for c in plan.children if not isinstance(c, MNot)]
            clauses = [(Occur.Must, self.query(c)) for c in positive]
            clauses += [(Occur.MustNot, self.query(c.child)) for c in plan.children
                        if isinstance(c, MNot)]
            if not positive:
                clauses.append((Occur.Must, Query.all_query()))
            return Query.boolean_query(clauses)
        return Query.boolean_query([(Occur.Should, self.query(c)) for c in plan.children])

    def _pairs(self, phrase: MPhrase) -> list[str]:
        """The ``pairs`` terms of a phrase: its neighbouring terms that are both common."""
        if phrase.field != "content":
            return []
        return [a + PAIR_JOIN + b for a, b in zip(phrase.tokens, phrase.tokens[1:])
                if a in self.common and b in self.common]

    def loosened(self, plan: Plan) -> tuple[Plan, int] | None:
        """Every document a scoring term reaches (``REACHED``), if ``plan`` depends on a phrase
        read by position (one under a NOT does not count: loosened there, it would match less);
        None too when the facet count listed its documents (``_listed``): they are ranked
        as they are."""
        if plan in self._members:
            return None
        return (REACHED, self.doc_count()) if self._positional(plan) else None

    def counts_beside_ranking(self, plan: Plan) -> bool:
        # tantivy searches and aggregates outside the interpreter lock, one searcher serving
        # many threads. A plan whose count lists its documents is counted first: ranking it
        # reads them (``loosened``, ``_listed``).
        return not self._listed(plan)

    def _positional(self, plan: Plan) -> bool:
        if isinstance(plan, MPhrase):
            return not (len(plan.tokens) == 2 and self._pairs(plan))  # else one ``pairs`` term
        if isinstance(plan, (MAnd, MOr)):
            return any(self._positional(c) for c in plan.children if not isinstance(c, MNot))
        return False

    def count(self, plan: Plan) -> int:
        known = self._counts.get(plan)
        if known is not None:
            return known
        return self.searcher.search(self.query(plan), limit=1, count=True).count

    def facet_counts(self, plan: Plan, dimensions: Sequence[str]) -> dict[str, dict[str, int]]:
        spec: dict[str, Any] = {d: {"terms": {"field": _SETS[d], "size": MAX_SETS}} for d in dimensions}
        spec[_COUNT] = {"value_count": {"field": "pid"}}  # one pid per document: the match count
        listed = self._listed(plan)
        if listed:  # sorted by pid, the sort values are the pids: nothing else is fetched
            spec[_MEMBERS] = {"top_hits": {"size": MEMBERS, "sort": [{"pid": "asc"}]}}
        found = self.searcher.aggregate(self.query(plan), spec)
        if len(self._counts) > 512:
            self._counts.clear()
            self._members.clear()
        count = self._counts[plan] = int((found.get(_COUNT) or {}).get("value") or 0)
        if listed and count <= MEMBERS:
            hits = (found.get(_MEMBERS) or {}).get("hits", [])
            self._members[plan] = tuple(int(h["sort"][0]) for h in hits)
        out: dict[str, dict[str, int]] = {}
        for dimension in dimensions:
            counted = found.get(dimension) or {}
            if counted.get("sum_other_doc_count"):  # more sets than one aggregation lists
                out[dimension] = self._counts_by_key(plan, dimension)
                continue
            counts: Counter[str] = Counter()
            for bucket in counted.get("buckets", []):
                for key in str(bucket["key"]).split(SET_JOIN):
                    counts[key] += int(bucket["doc_count"])
            out[dimension] = {key: n for key, n in counts.most_common() if n}
        return out

    def _counts_by_key(self, plan: Plan, dimension: str) -> dict[str, int]:
        """The facet counts of one dimension, one count per key the index holds."""
        keys = [key for key, _ in self.searcher.terms_with_prefix(dimension, "", limit=1_000_000)]
        counts = Counter({key: self.count(MAnd((plan, MTerms(dimension, (key,))))) for key in keys})
        return {key: n for key, n in counts.most_common() if n}

    def _listed(self, plan: Plan) -> bool:
        """Whether the facet count of ``plan`` should list its documents: it depends on a phrase
        read by position, and tried on the pieces with the lowest ids it looks like matching
        at most ``MEMBERS``. Ranking such a phrase by its scoring terms would check too many
        (``pipeline.MAX_CHECKED``) and so read its positions in every document a second time
        ("every from" at 100k pieces: 866 matches, 10 ms a pass); the sample costs ~0.4 ms.
        Not for a phrase inside an OR: the sample would not lead the union (2-7 ms)."""
        if not self._positional(plan) or _has_or(plan):
            return False
        known = self._listing.get(plan)
        if known is None:
            if len(self._listing) > 512:
                self._listing.clear()
            known = self._listing[plan] = self._few(plan)
        return known

    def _few(self, plan: Plan) -> bool:
        if self._sampled is None:
            self._sampled = self.searcher.search(self._sample(), limit=1, count=True).count
        if not self._sampled:
            return False
        q = Query.boolean_query([(Occur.Must, self.query(plan)), (Occur.Must, self._sample())])
        hits = self.searcher.search(q, limit=1, count=True).count
        return hits * self.doc_count() <= MEMBERS * self._sampled

    def _sample(self) -> Any:
        return Query.range_query(self.schema, "pid", tantivy.FieldType.Unsigned, 0, SAMPLE_IDS,
                                 include_upper=False)

    def _pids(self, hits: list[tuple[Any, Any]]) -> list[int]:
        addresses = [address for _, address in hits]
        if not addresses:
            return []
        pids = [int(p) for p in self.searcher.fast_field_values("pid", addresses)]
        if len(self._addresses) > 4096:
            self._addresses.clear()
        self._addresses.update(zip(pids, addresses))
        return pids

    def top(self, plan: Plan, scoring: Sequence[ScoreTerm], limit: int) -> list[tuple[int, float]]:
        if limit <= 0 or not scoring:
            return []
        should = Query.boolean_query([(Occur.Should, Query.boost_query(
            Query.term_query(self.schema, f, t, index_option="freq"), b)) for f, t, b in scoring])
        if plan is REACHED:
            q = should  # terms alone: block-max WAND skips what cannot reach the top
        else:
            members = self._members.get(plan)
            # Listed documents each by its term: a term set of them led no better and ranked
            # in 4.6 ms against 2.6 ms for 1582 pieces at 100k.
            match = self.query(plan) if members is None else self._these(members)
            q = Query.boolean_query([(Occur.Must, Query.const_score_query(match, 0.0)),
                                     (Occur.Must, should)])
        hits = self.searcher.search(q, limit=limit, count=False).hits
        pids = self._pids(hits)
        return [(p, float(score)) for p, (score, _) in zip(pids, hits) if score > 0]

    def newest(self, plan: Plan, limit: int, skip: frozenset[int] = frozenset()) -> list[int]:
        if limit <= 0:
            return []
        hits = self.searcher.search(self.query(plan), limit=limit + len(skip), count=False,
                                    order_by_field="updated", order=Order.Desc).hits
        pids = [p for p in self._pids(hits) if p not in skip]
        return pids[:limit]

    def restrict(self, plan: Plan, piece_ids: Sequence[int]) -> set[int]:
        if not piece_ids:
            return set()
        members = self._members.get(plan)
        if members is not None:
            return set(members).intersection(piece_ids)
        if len(piece_ids) > FEW_PIECES or not self._positional(plan):
            return self._restricted(plan, Query.term_set_query(self.schema, "pid", list(piece_ids)),
                                    len(piece_ids))
        # A few pieces against a phrase: each asked for by its term, so that they lead the
        # intersection and the phrase reads positions in these documents alone (with a term
        # set it read them in many more: 2.3 ms against 0.9 ms for 256 pieces at 100k), and
        # each alternative of an OR on its own (a union of phrases reads positions in whole
        # blocks of documents).
        found: set[int] = set()
        left = list(piece_ids)
        for branch in _branches(plan):
            found |= self._restricted(branch, self._these(left), len(left))
            left = [p for p in left if p not in found]
            if not left:
                break
        return found

    def _these(self, piece_ids: Sequence[int]) -> Any:
        """A few pieces, each by its term."""
        return Query.boolean_query([(Occur.Should, Query.term_query(self.schema, "pid", p))
                                    for p in piece_ids])

    def _restricted(self, plan: Plan, these: Any, most: int) -> set[int]:
        q = Query.boolean_query([(Occur.Must, self.query(plan)), (Occur.Must, these)])
        return set(self._pids(self.searcher.search(q, limit=most, count=False).hits))

    def _address(self, piece_id: int) -> Any:
        address = self._addresses.get(piece_id)
        if address is None:
            hits = self.searcher.search(Query.term_query(self.schema, "pid", piece_id), limit=1,
                                        count=False).hits
            if not hits:
                return None
            address = hits[0][1]
            self._addresses[piece_id] = address
        return address

    def stored(self, piece_id: int, keys: bool = True) -> StoredDoc | None:
        address = self._address(piece_id)
        if address is None:
            return None
        raw = self.searcher.doc(address).to_dict()
        extra = json.loads(bytes(raw.get("extra", [b"{}"])[0]).decode("utf-8"))
        found = ({d: tuple(sorted(k for k in raw.get(d, []) if k != NONE_KEY)) for d in _KEYS}
                 if keys else {})
        title = raw.get("title", [""])
        return StoredDoc(piece_id=piece_id, title=title[0] if title else "",
                         description=extra.get("description") or "",
                         snippet_text=extra.get("snippet_text") or "",
                         review_by=extra.get("review_by"), keys=found)

    # lexicon
    def terms_with_prefix(self, field_name: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        if limit <= 0:
            return []
        return [(t, int(n)) for t, n in self.searcher.terms_with_prefix(field_name, prefix, limit=limit)]

    def doc_frequency(self, field_name: str, term: str) -> int:
        return int(self.searcher.doc_freq(field_name, term))

    def stamps(self) -> dict[int, str]:
        n = self.searcher.num_docs
        if not n:
            return {}
        hits = self.searcher.search(Query.all_query(), limit=n, count=False).hits
        out = {}
        with mapped.reading_in_order(self.folder) if self.folder is not None else nullcontext():
            for _, address in hits:
                raw = self.searcher.doc(address).to_dict()
                out[int(raw["pid"][0])] = raw["stamp"][0]
        return out

    def verify(self) -> int:
        """Read terms, postings, columns and stored documents of every segment."""
        searcher = self.searcher
        for name in ("content", "title", "tags", "owner", "words", "pairs"):
            for term, _ in searcher.terms_with_prefix(name, "", limit=1):
                searcher.search(Query.term_query(self.schema, name, term), limit=1)
        self.facet_counts(MAll(), _KEYS)  # every key-set column, and the pid column (the count)
        n = searcher.num_docs
        if n:
            # The newest and the oldest document: the update-time column of every segment is
            # read to find them (collecting every document took seconds at 100k pieces).
            for order in (Order.Desc, Order.Asc):
                hits = searcher.search(Query.all_query(), limit=1, count=False,
                                       order_by_field="updated", order=order).hits
                self._pids(hits)
                searcher.doc(hits[0][1])
        return n


class TantivyHandle:
    """One open generation folder of a tantivy index."""

    name = NAME

    def __init__(self, folder: Path, busy_timeout: float) -> None:
        self.folder = folder
        if not tantivy.Index.exists(str(folder)):
            raise FileNotFoundError(f"no tantivy index in {folder.name}")
        self._common = read_common(folder)
        self._index = _register(tantivy.Index.open(str(folder)), self._common)
        self._reader: TantivyReader | None = None
        self._meta: tuple[int, int] | None = None

    def _meta_signature(self) -> tuple[int, int] | None:
        try:
            st = (self.folder / "meta.json").stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def reader(self) -> TantivyReader:
        meta = self._meta_signature()
        if self._reader is None or meta != self._meta:
            self._index.reload()
            self._meta = meta
            self._reader = TantivyReader(self._index.searcher(), self._index.schema, object(),
                                         self.folder, self._common)
            mapped.advise(self.folder, mapped.RANDOM)  # see ``mapped``: a search reads at random
        return self._reader

    def _write(self, work: Callable[[Any], None]) -> None:
        _committed(self._index.writer(heap_size=WRITER_HEAP, num_threads=1), work)
        self._reader = None

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        count = [0]
        schema = self._index.schema

        def work(writer: Any) -> None:
            for doc in docs:
                built = _document(doc, self._common)
                writer.delete_documents_by_query(Query.term_query(schema, "pid", doc.piece_id))
                writer.add_document(built)
                count[0] += 1
        self._write(work)
        return count[0]

    def delete(self, piece_ids: Sequence[int]) -> None:
        schema = self._index.schema

        def work(writer: Any) -> None:
            writer.delete_documents_by_query(Query.term_set_query(schema, "pid", list(piece_ids)))
        self._write(work)

    def close(self) -> None:
        self._reader = None
        self._index = None


def _has_or(plan: Plan) -> bool:
    if isinstance(plan, MOr):
        return True
    return isinstance(plan, MAnd) and any(_has_or(c) for c in plan.children)


def _branches(plan: Plan) -> list[Plan]:
    """Plans that together match what ``plan`` matches: the alternatives of an OR, or of the
    first OR inside an AND, each with the rest of that AND."""
    if isinstance(plan, MOr):
        return list(plan.children)
    if isinstance(plan, MAnd):
        first = next((c for c in plan.children if isinstance(c, MOr)), None)
        if first is not None:
            rest = tuple(c for c in plan.children if c is not first)
            return [MAnd((branch, *rest)) for branch in first.children]
    return [plan]


def _committed(writer: Any, work: Callable[[Any], None]) -> None:
    """Run ``work(writer)`` and commit; roll back (nothing written) if anything fails."""
    try:
        work(writer)
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        try:
            writer.rollback()
        except BaseException:
            pass
        raise


def create(folder: Path) -> None:
    """An empty index in ``folder`` (which exists)."""
    index = _register(tantivy.Index(build_schema(), path=str(folder), reuse=False), frozenset())
    _write_common(folder, frozenset())  # pieces added one by one pair nothing until a rebuild
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    writer.commit()
    writer.wait_merging_threads()


def build(folder: Path, docs: Iterable[IndexDoc], progress: Callable[[int], None],
          *, threads: int = 0, heap: int = BUILD_HEAP) -> int:
    """Write every doc into a new index in ``folder``; ``progress(count)`` now and then."""
    docs = iter(docs)
    sample = list(islice(docs, COMMON_SAMPLE))
    common = common_terms([_content(normalized(doc)) for doc in sample])
    index = _register(tantivy.Index(build_schema(), path=str(folder), reuse=False), common)
    _write_common(folder, common)
    count = [0]

    def work(writer: Any) -> None:
        for doc in chain(sample, docs):
            writer.add_document(_document(doc, common))
            count[0] += 1
            progress(count[0])
    _committed(index.writer(heap_size=heap, num_threads=threads), work)
    return count[0]


def is_lock_error(exc: BaseException) -> bool:
    return "LockBusy" in str(exc)


__all__ = ["NAME", "SCHEMA_VERSION", "TantivyHandle", "TantivyReader", "build", "create", "stem"]
