"""One search, run once for every engine over its primitives (``engine.EngineReader``).

The steps: parse the query; turn the tree into a match ``Plan`` (analysing words as the index
did, expanding prefixes and the word being typed through the term lexicon); add the allow-set
(statuses, facet-panel filters, owner); count, count facets (each panel dimension without its
own filter, as faceted search does), rank (BM25 from the engine, then a small popularity
lift) or sort; correct spelling when little or nothing is found; render one page with
snippets. Counting runs on a second thread while the page is ranked and rendered where the
engine allows (``EngineReader.counts_beside_ranking``). Nothing here knows which engine answers.

Free text matches the ``content`` field (title + tags + description + body); a word the
analyzer splits ("soc-2") becomes a phrase. The word being typed (``Term.typing``) matches as
itself and as every indexed word it can still become, through the stemmed and the unstemmed
lexicons (``typing_terms``): "integratio" finds the stem of "integration". An explicit
``integratio*`` expands the same way.
"""

from __future__ import annotations

import heapq
import math
import os
import re
import weakref
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from concurrent import futures
from datetime import date
from html import escape
from typing import Any, Callable, TypeVar

from enablement.search.documents import (COUNTED_DIMENSIONS, FACET_DIMENSIONS, NONE_KEY, Hit,
                                         SearchRequest, SearchResults, SimilarDoc, Vocabulary)
from enablement.search.engine import (MATCH_ALL, MATCH_NOTHING, EngineReader, MAnd, MNot, MOr,
                                      MPhrase, MTerms, Plan, ScoreTerm, plan_and, terms)
from enablement.search.query import And, FieldFilter, Node, Not, Or, ParsedQuery, Phrase, Term, parse_query
from enablement.search.query.ast import MIN_TYPING_CHARS, highlight_words, to_text, walk_positive
from enablement.search.query.expand import STOPWORDS, drop_stopwords, expand_synonyms
from enablement.search.snippets import Highlighter, plain_snippet

FEW_RESULTS = 3        # at or below this many hits, look for a spelling correction
POPULARITY_WEIGHT = 0.03  # 100 uses lift a score by ~14%: a tie-break, not a re-ranking
EXTRA_CANDIDATES = 20  # ranked candidates beyond the page, so the popularity boost can act
KEY_TERM_CHARS = 5_000   # enough text to find a piece's key terms; analysing more is slow
# A snippet looks for the first match this far into the stored body; a deeper first match
# shows the description.
SNIPPET_SCAN_CHARS = 5_000
MAX_PREFIX_TERMS = 1000  # a prefix expanding to more words than this keeps the most common
MAX_TYPING_TERMS = 64    # a word being typed matches at most this many indexed words
MIN_TYPING_PREFIX = MIN_TYPING_CHARS
SYNONYM_BOOST = 0.7    # a synonym ranks a little below the word actually typed
TYPING_BOOST = 0.5     # a completion of the word being typed ranks below an exact word
PREFIX_BOOST = 0.5
SCORED_TYPING_TERMS = 8  # completions scored (in titles and tags); all of them still match
# The most documents asked of an engine to see the whole group of equal scores at the cut.
MAX_TIE_GROUP = 20_000
# A plan with phrases is ranked over a looser plan checked against it for at most this many
# documents (``_checked_top``; checking costs ~4 µs a document at 100k pieces, about what
# ranking the plan as it is costs at ~1,000), aiming for this many times the wanted passing.
MAX_CHECKED = 1_000
CHECK_MARGIN = 2.0
SCORE_SLACK = 1e-4  # far above how far 32-bit sums of the same terms in another order differ
SPELLING_TERMS = 5000    # most common words per first letter that spelling looks through
# Fields a free-text word is scored in, with query-time boosts. ``content`` holds all the
# text, so a title word scores there *and* in ``title``.
BOOST_FIELDS: tuple[tuple[str, float], ...] = (("content", 1.0), ("title", 2.0), ("tags", 1.0))
_WORD = re.compile(r"\w+")


# --- per-generation caches ------------------------------------------------------------------

T = TypeVar("T")


class _Memo:
    """Small LRU caches kept per reader generation (expansions repeat on every keystroke)."""

    def __init__(self, generation: object) -> None:
        self.generation = generation
        self.tables: dict[str, OrderedDict[Any, Any]] = {}

    def get(self, table: str, key: Any, compute: Callable[[], T], size: int = 256) -> T:
        entries = self.tables.setdefault(table, OrderedDict())
        if key in entries:
            entries.move_to_end(key)
            return entries[key]
        value = compute()
        entries[key] = value
        if len(entries) > size:
            entries.popitem(last=False)
        return value


# Keyed by the reader itself, weakly: an entry goes with its reader. (Keyed by ``id(reader)``
# a new reader could inherit a dead one's id, and with it another index's expansions: the
# engine conformance tests failed that way depending on the order tests ran in.)
_memos: weakref.WeakKeyDictionary[EngineReader, _Memo] = weakref.WeakKeyDictionary()


def _memo(reader: EngineReader) -> _Memo:
    memo = _memos.get(reader)
    if memo is None or memo.generation is not reader.generation:
        memo = _memos[reader] = _Memo(reader.generation)
    return memo


# --- lexicon expansions -----------------------------------------------------------------------

def typing_prefix(term: Term) -> str | None:
    """The prefix a ``typing`` word is expanded from, or None if it only matches as a word."""
    text = term.text.lower()
    if term.typing and len(text) >= MIN_TYPING_PREFIX and text.isalnum():
        return text
    return None


def _expand(reader: EngineReader, prefix: str, limit: int) -> tuple[tuple[str, ...], bool]:
    """The ``content`` terms a prefix can become, most common first, and whether it was cut.

    ``content`` holds stems, and a word is often not a prefix of its own stem
    ("integratio" → "integr"), so the prefix is looked up in both lexicons: stems that start
    with it, and the stems of the unstemmed ``words`` that do.
    """
    def compute() -> tuple[tuple[str, ...], bool]:
        frequency = dict(reader.terms_with_prefix("content", prefix, MAX_PREFIX_TERMS + 1))
        cut = len(frequency) > MAX_PREFIX_TERMS
        for word, _ in reader.terms_with_prefix("words", prefix, MAX_PREFIX_TERMS + 1):
            term = reader.stem(word)
            if term not in frequency:
                df = reader.doc_frequency("content", term)
                if df:
                    frequency[term] = df
        best = heapq.nlargest(limit, frequency, key=lambda t: (frequency[t], t))
        return tuple(best), cut or len(frequency) > limit
    return _memo(reader).get("expand", (prefix, limit), compute)


def typing_terms(reader: EngineReader, prefix: str) -> tuple[str, ...]:
    """The ``content`` terms (stems) a partly typed word can become, most common first."""
    return _expand(reader, prefix, MAX_TYPING_TERMS)[0]


# --- the query tree → a match plan --------------------------------------------------------------

class _Compiler:
    def __init__(self, reader: EngineReader) -> None:
        self.reader = reader
        self.hints: list[str] = []

    def words(self, field_name: str, tokens: list[str]) -> Plan | None:
        if not tokens:
            return None
        if len(tokens) == 1:
            return MTerms(field_name, (tokens[0],))
        return MPhrase(field_name, tuple(tokens))

    def node(self, node: Node | None) -> Plan | None:
        """The plan of ``node``; None when it constrains nothing."""
        if node is None:
            return None
        if isinstance(node, Term):
            if node.prefix:
                prefix = node.text.lower()
                expanded, cut = _expand(self.reader, prefix, MAX_PREFIX_TERMS)
                if cut:
                    self.hints.append(f"'{prefix}*' matches more than {MAX_PREFIX_TERMS:,} words; "
                                      f"the {MAX_PREFIX_TERMS:,} most common were searched")
                return terms("content", expanded)
            found = self.words("content", self.reader.analyze(node.text))
            typed = typing_prefix(node)
            if typed is not None:
                completions = terms("content", typing_terms(self.reader, typed))
                found = completions if found is None else MOr((found, completions))
            return found
        if isinstance(node, Phrase):
            return self.words("content", self.reader.analyze(node.text))
        if isinstance(node, FieldFilter):
            return self.filter(node)
        if isinstance(node, Not):
            child = self.node(node.child)
            return None if child is None else MNot(child)
        parts = tuple(p for p in (self.node(c) for c in node.children) if p is not None)
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return MAnd(parts) if isinstance(node, And) else MOr(parts)

    def filter(self, node: FieldFilter) -> Plan:
        if node.field != "owner":
            return terms(node.field, list(node.keys) + ([NONE_KEY] if node.none else []))
        parts = [p for p in (self.words("owner", self.reader.analyze_names(k)) for k in node.keys)
                 if p is not None]
        if node.none:
            parts.append(MTerms("owner", (NONE_KEY,)))
        if not parts:
            return MATCH_NOTHING
        return parts[0] if len(parts) == 1 else MOr(tuple(parts))


def _with_owner(node: Node | None, owners: frozenset[str] | None) -> Node | None:
    """Add the facet panel's owner filter (owners are matched by name words)."""
    if not owners:
        return node
    names = tuple(o.lower() for o in owners if o != NONE_KEY)
    owner = FieldFilter("owner", names, none=NONE_KEY in owners)
    return owner if node is None else And((node, owner))


def _allow(panel: Mapping[str, frozenset[str]], statuses: frozenset[str] | None,
           leave_out: str | None = None) -> Plan:
    """The allow-set: statuses and facet-panel filters (AND across, OR within)."""
    parts: list[Plan] = []
    if statuses is not None:
        parts.append(terms("status", sorted(statuses)))
    for dimension, keys in panel.items():
        if dimension != leave_out:
            parts.append(terms(dimension, sorted(keys)))
    return plan_and(*parts)


# --- ranking -------------------------------------------------------------------------------------

def scoring_terms(node: Node | None, reader: EngineReader) -> list[ScoreTerm]:
    """Weighted terms that score documents by the positive free text of ``node``.

    A word being typed scores as itself (in every field) and as its most common completions
    in titles and tags; a prefix scores its most common completions in titles and tags.
    """
    parts: list[ScoreTerm] = []
    seen: set[str] = set()
    typed = {leaf.text.lower() for leaf, neg in walk_positive(node) if isinstance(leaf, Term)}
    for leaf, negated in walk_positive(node):
        if negated or not isinstance(leaf, (Term, Phrase)):
            continue
        boost = 1.0 if leaf.text.lower() in typed and isinstance(leaf, Term) else SYNONYM_BOOST
        if isinstance(leaf, Term) and leaf.prefix:
            expanded = _expand(reader, leaf.text.lower(), MAX_PREFIX_TERMS)[0]
            for word in [w for w in expanded if w not in STOPWORDS][:SCORED_TYPING_TERMS]:
                parts.extend((f, word, boost * PREFIX_BOOST * b) for f, b in BOOST_FIELDS
                             if f != "content")
            continue
        for word in reader.analyze(leaf.text):
            if word in STOPWORDS or word in seen:
                continue
            seen.add(word)
            parts.extend((f, word, boost * b) for f, b in BOOST_FIELDS)
        prefix = typing_prefix(leaf) if isinstance(leaf, Term) else None
        if prefix is None:
            continue
        scored = [w for w in typing_terms(reader, prefix) if w not in seen and w not in STOPWORDS]
        for word in scored[:SCORED_TYPING_TERMS]:
            parts.extend((f, word, boost * TYPING_BOOST * b) for f, b in BOOST_FIELDS
                         if f != "content")
    return parts


def ranked_top(reader: EngineReader, plan: Plan, scoring: Sequence[ScoreTerm],
               limit: int, matches: int | None = None) -> list[tuple[int, float]]:
    """The best ``limit`` documents by score, equal scores in piece-id order.

    An engine breaks ties by where a document sits in its index (tantivy by segment, which
    depends on how the writer's threads split the work; Whoosh by document number), so the
    same library could rank differently from one build to the next, and the two engines
    differently. The engine is asked for more documents than wanted; while the last of them
    still ties with the last wanted one, for more again (the whole tie group is needed to cut
    it the same way every time). Asking for 4× at once costs about what asking for one more
    does, and at 100k pieces a group of equal scores crossed the cut of a page of 20 in most
    single-word searches (``limit + 1`` then took a second pass over the matches).

    With ``matches`` (how many documents ``plan`` matches), a plan with phrases may be ranked
    through a looser plan (``_checked_top``).
    """
    if limit <= 0:
        return []
    loose = reader.loosened(plan) if matches else None
    if loose is not None and matches is not None:
        checked = _checked_top(reader, plan, loose, scoring, limit, matches)
        if checked is not None:
            return checked
    ask = 4 * limit + 1
    while True:
        found = reader.top(plan, scoring, ask)
        if len(found) < ask or found[-1][1] != found[limit - 1][1] or ask >= MAX_TIE_GROUP:
            break
        ask *= 4
    found.sort(key=lambda item: (-item[1], item[0]))
    return found[:limit]


def _checked_top(reader: EngineReader, plan: Plan, loose: tuple[Plan, int],
                 scoring: Sequence[ScoreTerm], limit: int, matches: int) -> list[tuple[int, float]] | None:
    """``ranked_top`` of ``plan`` found among the best of a superset the engine ranks more
    cheaply (``loose``: its plan and at most how many it matches), checking only those
    against ``plan``; None if that would mean checking too many (``MAX_CHECKED``).

    A document scores the same whatever it matched (the superset's scores may differ in their
    last bits, ``SCORE_SLACK``: the checked documents are scored again under ``plan``'s
    rules). So once ``limit`` of the superset's best ``ask`` pass and the last of them scores
    clearly higher than the ``ask``-th, every document of ``plan`` scoring as high as that
    last one is among them, ties at the cut included: they rank exactly as the whole of
    ``plan`` would. Counting the facets has read the phrases' positions in every match
    already; this reads them again in a few hundred documents.
    """
    superset, most = loose
    # Enough for ``CHECK_MARGIN`` × ``limit`` at the share of the superset that passes (at
    # least ``matches`` / ``most``), and the engine's first ask of ``ranked_top``.
    ask = max(4 * limit + 1, math.ceil(CHECK_MARGIN * limit * most / matches))
    while ask <= MAX_CHECKED:
        found = reader.top(superset, scoring, ask)
        passed = reader.restrict(plan, [p for p, _ in found])
        exact = reader.top(terms("pid", map(str, passed)), scoring, len(passed)) if passed else []
        exact.sort(key=lambda item: (-item[1], item[0]))
        if len(found) < ask or (len(exact) >= limit
                                and exact[limit - 1][1] > found[-1][1] * (1 + SCORE_SLACK)):
            return exact[:limit]
        ask = max(4 * ask, math.ceil(CHECK_MARGIN * limit * len(found) / (len(exact) + 1)))
    return None


def _ranked(reader: EngineReader, matched: Plan, scoring: list[ScoreTerm], total: int | None,
            request: SearchRequest) -> list[tuple[int, float]]:
    """The page by score; ``total``: how many documents ``matched`` matches, None while it is
    being counted (``EngineReader.counts_beside_ranking``: then a looser plan is tried as if
    every document matched, which only sizes its first ask)."""
    want = request.offset + request.limit
    if want <= 0 or total == 0:
        return []
    popularity = request.popularity or {}
    scored = ranked_top(reader, matched, scoring, want + (EXTRA_CANDIDATES if popularity else 0),
                        reader.doc_count() if total is None else total)
    if popularity:
        scored = [(p, s * (1.0 + POPULARITY_WEIGHT * math.log1p(popularity.get(p, 0))))
                  for p, s in scored]
        scored.sort(key=lambda item: (-item[1], item[0]))
    if len(scored) < want and (total is None or total > len(scored)):
        # Matched without a scoring word (e.g. only through a filter or a body prefix).
        seen = frozenset(p for p, _ in scored)
        scored += [(p, 0.0) for p in reader.newest(matched, want - len(scored), seen)]
    return scored[request.offset:want]


def _in_order(reader: EngineReader, matched: Plan, ranking: Sequence[int], want: int) -> list[int]:
    """The first ``want`` matching pieces in ``ranking``'s order, asking the engine about a
    growing slice at a time (a first page rarely needs more than the top of the list)."""
    page: list[int] = []
    start, step = 0, max(4 * want, 256)
    while len(page) < want and start < len(ranking):
        chunk = ranking[start:start + step]
        found = reader.restrict(matched, chunk)
        page += [p for p in chunk if p in found]
        start, step = start + step, step * 4
    return page[:want]


def _sorted(reader: EngineReader, matched: Plan, request: SearchRequest) -> list[tuple[int, float]]:
    want = request.offset + request.limit
    if want <= 0:
        return []
    page: list[int] = []
    if request.ranking is not None:
        page = _in_order(reader, matched, request.ranking, want)
    elif request.sort == "most_used" and request.popularity:
        used = [p for p, n in request.popularity.items() if n > 0]
        found = reader.restrict(matched, used) if used else set()
        pop = request.popularity
        ranked = sorted(found, key=lambda p: (-pop.get(p, 0), -p))
        # Equal use counts: the newer piece first (the engine knows update times).
        if len(ranked) > 1:
            order = {p: i for i, p in enumerate(reader.newest(plan_and(matched, terms("pid", map(str, ranked))),
                                                              len(ranked)))}
            ranked.sort(key=lambda p: (-pop.get(p, 0), order.get(p, len(order))))
        page = ranked[:want]
    if len(page) < want:
        page += reader.newest(matched, want - len(page), frozenset(page))
    return [(p, 0.0) for p in page[request.offset:want]]


# --- hits ------------------------------------------------------------------------------------

def _stale(review_by: str | None, today: date) -> bool:
    if not review_by:
        return False
    try:
        return date.fromisoformat(review_by) < today
    except ValueError:
        return False


def _typing_stems(node: Node | None, reader: EngineReader) -> frozenset[str]:
    """Stems the word being typed was expanded to that it is not itself a prefix of
    ("integratio" → "integr"), so the highlighter marks "integration" too."""
    out: set[str] = set()
    for leaf, negated in walk_positive(node):
        if negated or not isinstance(leaf, Term):
            continue
        prefix = leaf.text.lower() if leaf.prefix else typing_prefix(leaf)
        if prefix is not None:
            expanded = _expand(reader, prefix, MAX_TYPING_TERMS)[0]
            out.update(t for t in expanded if not t.startswith(prefix))
    return frozenset(out)


def _hits(reader: EngineReader, page: list[tuple[int, float]], node: Node | None,
          request: SearchRequest) -> tuple[Hit, ...]:
    words, prefixes = highlight_words(node)
    marker = None
    if request.snippets and (words or prefixes) and page:
        marker = Highlighter(words, prefixes, reader.stem, _typing_stems(node, reader))
    hits = []
    for piece_id, score in page:
        stored = reader.stored(piece_id, keys=False)
        if stored is None:
            continue
        title, body, description = stored.title, stored.snippet_text, stored.description
        pages: tuple[int, ...] = ()
        if not request.snippets:
            title_html, snippet = escape(title), ""
        elif marker is None:
            title_html, snippet = escape(title), plain_snippet(description or body)
        else:
            title_html = marker.mark(title)
            snippet = (marker.snippet(body, scan=SNIPPET_SCAN_CHARS)
                       or marker.snippet(description) or plain_snippet(description or body))
            pages = marker.pages(body)
        hits.append(Hit(piece_id=piece_id, score=float(score), snippet=snippet,
                        title_html=title_html, stale=_stale(stored.review_by, request.today), pages=pages))
    return tuple(hits)


# --- did you mean ------------------------------------------------------------------------------

def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count 1), or ``limit + 1`` if larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb):
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def correct_word(reader: EngineReader, word: str) -> tuple[str, int] | None:
    """The most likely intended indexed word for a misspelt one, and its edit distance.

    Candidates are the most common words starting with the same letter (a first letter is
    rarely mistyped), within two edits; stopwords are never proposed ("tco" is not "the").
    """
    lexicon = _memo(reader).get("spelling", word[0], lambda: reader.terms_with_prefix(
        "words", word[0], SPELLING_TERMS), size=64)
    best: tuple[int, int, str] | None = None
    for candidate, frequency in lexicon:
        if candidate in STOPWORDS or candidate == word or not candidate.isalpha():
            continue
        dist = _distance(word, candidate, 2)
        if dist <= 2 and (best is None or (dist, -frequency) < (best[0], best[1])):
            best = (dist, -frequency, candidate)
    return None if best is None else (best[2], best[0])


def _replace_terms(node: Node, changes: Mapping[str, str]) -> Node:
    if isinstance(node, Term) and node.text in changes and not node.prefix:
        return Term(changes[node.text])
    if isinstance(node, Not):
        return Not(_replace_terms(node.child, changes))
    if isinstance(node, And):
        return And(tuple(_replace_terms(c, changes) for c in node.children))
    if isinstance(node, Or):
        return Or(tuple(_replace_terms(c, changes) for c in node.children))
    return node


def _known(reader: EngineReader, word: str) -> bool:
    return bool(reader.doc_frequency("words", word) or reader.doc_frequency("title_words", word))


def _correction(reader: EngineReader, parsed: ParsedQuery,
                vocabulary: Vocabulary) -> tuple[Node | None, bool] | None:
    """The corrected query tree and whether the correction is confident (every changed word
    one edit away, or two edits in a long word), or None if nothing looks misspelt."""
    changes: dict[str, str] = {}
    confident = True
    for leaf, negated in walk_positive(parsed.node):
        if not isinstance(leaf, Term) or negated or leaf.prefix:
            continue
        prefix = typing_prefix(leaf)
        if prefix is not None and typing_terms(reader, prefix):
            continue  # a word still being typed that indexed words start with: not misspelt
        word = leaf.text.lower()
        if len(word) < 3 or not word.isalpha() or word in STOPWORDS or _known(reader, word):
            continue
        found = correct_word(reader, word)
        if found is not None:
            changes[leaf.text] = found[0]
            confident = confident and (found[1] == 1 or (found[1] == 2 and len(word) >= 7))
    if not changes:
        return None
    return (None if parsed.node is None else _replace_terms(parsed.node, changes)), confident


# --- one search ----------------------------------------------------------------------------------

def run_search(reader: EngineReader, request: SearchRequest, vocabulary: Vocabulary) -> SearchResults:
    """One search: match, count facets over all matches, rank or sort, render one page."""
    parsed = parse_query(request.text, vocabulary, as_you_type=request.as_you_type)
    results = _run(reader, request, parsed, parsed.search_node)
    if not parsed.has_text or results.total > FEW_RESULTS:
        return results
    corrected = _correction(reader, parsed, vocabulary)
    if corrected is None:
        return results
    node, confident = corrected
    search_node = drop_stopwords(expand_synonyms(node, vocabulary.synonyms))
    if results.total == 0 and confident and request.autocorrect:
        better = _run(reader, request, parsed, search_node)
        if better.total > 0:
            text = to_text(node)
            return SearchResults(hits=better.hits, total=better.total,
                                 facet_counts=better.facet_counts,
                                 hints=results.hints + (f"Showing results for {text}",),
                                 did_you_mean=text, query_echo=results.query_echo,
                                 showing_results_for=text)
        return results
    compiler = _Compiler(reader)
    found_total = reader.count(plan_and(_matched(compiler, request, parsed, search_node)))
    if found_total > results.total:
        return _replace(results, did_you_mean=to_text(node))
    return results


def _replace(results: SearchResults, **changes: Any) -> SearchResults:
    from dataclasses import replace

    return replace(results, **changes)


def _matched(compiler: _Compiler, request: SearchRequest, parsed: ParsedQuery,
             search_node: Node | None) -> Plan:
    node = _with_owner(search_node, request.filters.get("owner"))
    statuses = request.effective_statuses(parsed.sets_status)
    panel = _panel(request)
    return plan_and(compiler.node(node), _allow(panel, statuses))


def _panel(request: SearchRequest) -> dict[str, frozenset[str]]:
    return {d: keys for d, keys in request.filters.items() if d in COUNTED_DIMENSIONS}


def _run(reader: EngineReader, request: SearchRequest, parsed: ParsedQuery,
         search_node: Node | None) -> SearchResults:
    compiler = _Compiler(reader)
    node = _with_owner(search_node, request.filters.get("owner"))
    query_plan = compiler.node(node)
    statuses = request.effective_statuses(parsed.sets_status)
    panel = _panel(request)
    matched = plan_and(query_plan, _allow(panel, statuses))

    def counted() -> tuple[dict[str, dict[str, int]], int]:
        # Facets first: an engine may count the matches in the same pass (tantivy does).
        facet_counts = reader.facet_counts(matched, COUNTED_DIMENSIONS)
        total = reader.count(matched)
        for dimension in panel:
            # A panel dimension counts as if it were not filtered, so the other keys stay visible.
            others = plan_and(query_plan, _allow(panel, statuses, leave_out=dimension))
            facet_counts[dimension] = reader.facet_counts(others, (dimension,))[dimension]
        return facet_counts, total

    scoring = scoring_terms(search_node, reader) if request.sort == "relevance" else []
    ranked = bool(scoring and parsed.has_text)
    # Counting every match and ranking the page are the two long reads of a search; where the
    # engine allows, they run at once (at 100k pieces each is a third of a search's time).
    pending = _beside().submit(counted) if reader.counts_beside_ranking(matched) else None
    if pending is None:
        counts = counted()
    try:
        page = (_ranked(reader, matched, scoring, None if pending is not None else counts[1], request)
                if ranked else _sorted(reader, matched, request))
        hits = _hits(reader, page, search_node, request)
    finally:
        if pending is not None:
            futures.wait([pending])
    if pending is not None:
        counts = pending.result()
    facet_counts, total = counts
    hints = parsed.hints + tuple(dict.fromkeys(compiler.hints))
    return SearchResults(hits=hits, total=total, facet_counts=facet_counts, hints=hints,
                         query_echo=parsed.echo)


_pool: tuple[int, futures.ThreadPoolExecutor] | None = None


def _beside() -> futures.ThreadPoolExecutor:
    """The thread that counts a search's matches while the caller ranks them (one per
    process: a forked child starts without its parent's threads)."""
    global _pool
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-count"))
    return _pool[1]


# --- similarity and suggestions -----------------------------------------------------------------

_NOT_ARCHIVED = MNot(MTerms("status", ("archived",)))


def _key_terms(reader: EngineReader, text: str, count: int) -> list[tuple[str, float]]:
    """The ``count`` most telling terms of ``text`` (tf·idf against the index)."""
    tf = Counter(t for t in reader.analyze(text) if t not in STOPWORDS)
    n = max(reader.doc_count(), 1)
    weighted = []
    for term, freq in tf.items():
        df = reader.doc_frequency("content", term)
        if df:
            weighted.append((term, freq * math.log(1 + n / df)))
    weighted.sort(key=lambda tw: (-tw[1], tw[0]))
    return weighted[:count]


def _similar(reader: EngineReader, text: str, exclude: Plan | None, count: int,
             limit: int) -> tuple[list[tuple[int, float]], list[str]]:
    key_terms = _key_terms(reader, text, count)
    if not key_terms:
        return [], []
    top = max(w for _, w in key_terms)
    scoring = [("content", term, weight / top) for term, weight in key_terms]
    plan = plan_and(_NOT_ARCHIVED, MNot(exclude) if exclude is not None else None)
    return ranked_top(reader, plan, scoring, limit), [t for t, _ in key_terms]


def more_like_this(reader: EngineReader, piece_id: int, limit: int) -> list[tuple[int, float]]:
    """Pieces similar to an indexed piece (archived pieces left out)."""
    stored = reader.stored(piece_id)
    if stored is None or limit <= 0:
        return []
    text = "\n".join([stored.title] * 2 + [stored.description, stored.snippet_text[:KEY_TERM_CHARS]])
    found, _ = _similar(reader, text, MTerms("pid", (str(piece_id),)), 10, limit)
    return found


def similar_to_text(reader: EngineReader, title: str, text: str, limit: int) -> list[SimilarDoc]:
    """Indexed pieces like a new text, with the words they share and their tags."""
    if limit <= 0:
        return []
    combined = "\n".join([title, title, text[:KEY_TERM_CHARS]])
    found, key_terms = _similar(reader, combined, None, 12, limit)
    surface: dict[str, str] = {}
    for word in _WORD.findall(combined.lower()):
        surface.setdefault(reader.stem(word), word)
    out = []
    for piece_id, score in found:
        stored = reader.stored(piece_id)
        if stored is None:
            continue
        mine = set(reader.analyze("\n".join((stored.title, stored.description,
                                             stored.snippet_text[:KEY_TERM_CHARS]))))
        shared = tuple(surface.get(t, t) for t in key_terms if t in mine)
        keys = stored.keys
        facets = {name: keys.get(name, ()) for name in FACET_DIMENSIONS}
        out.append(SimilarDoc(piece_id=piece_id, score=float(score), shared_terms=shared,
                              stages=keys.get("stage", ()), gates=keys.get("gate", ()), **facets))
    return out


def suggest(reader: EngineReader, prefix: str, limit: int) -> list[str]:
    """Title words starting with ``prefix``, the ones in most titles first."""
    prefix = " ".join(prefix.lower().split())
    if not prefix or limit <= 0:
        return []
    found = reader.terms_with_prefix("title_words", prefix, 500)
    found.sort(key=lambda tf: (-tf[1], tf[0]))
    return [t for t, _ in found[:limit]]


def stored_keys(keys: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Keys as ``SimilarDoc`` wants them: sorted, ``NONE_KEY`` left out."""
    return {d: tuple(sorted(k for k in ks if k != NONE_KEY)) for d, ks in keys.items()}


__all__ = ["run_search", "more_like_this", "similar_to_text", "suggest", "typing_terms",
           "correct_word", "scoring_terms", "MATCH_ALL"]
