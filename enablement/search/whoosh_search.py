"""Running searches against an open Whoosh searcher (no index lifecycle here).

Every function takes a searcher plus its ``DocCache`` and returns our plain types. The
expensive parts are bounded: matching runs once over the index, ranking keeps only the top
``offset + limit`` documents, stored fields and snippets are read for the page only.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Mapping
from datetime import date
from html import escape

from whoosh import query as wq

from enablement.search import bitsets
from enablement.search.documents import (FACET_DIMENSIONS, NONE_KEY, Hit, SearchRequest,
                                         SearchResults, SimilarDoc, Vocabulary)
from enablement.search.query import And, FieldFilter, Node, Not, Or, ParsedQuery, Term, parse_query
from enablement.search.query.ast import highlight_words, to_text, walk_positive
from enablement.search.query.expand import STOPWORDS, drop_stopwords, expand_synonyms
from enablement.search.snippets import Highlighter, plain_snippet
from enablement.search.whoosh_cache import DocCache
from enablement.search.whoosh_query import match_docs, scoring_query, typing_prefix
from enablement.search.whoosh_schema import stem

FEW_RESULTS = 3        # at or below this many hits, look for a spelling correction
POPULARITY_WEIGHT = 0.03  # 100 uses lift a score by ~14%: a tie-break, not a re-ranking
_EXTRA_CANDIDATES = 20  # ranked candidates beyond the page, so the popularity boost can act
KEY_TERM_CHARS = 5_000   # enough text to find a piece's key terms; analysing more is slow
# A snippet looks for the first match this far into the stored body (the scan, and stemming its
# candidate words, is the cost of a snippet); a deeper first match shows the description.
SNIPPET_SCAN_CHARS = 5_000
_WORD = re.compile(r"\w+")
_STOP_STEMS = frozenset(STOPWORDS) | frozenset(stem(w) for w in STOPWORDS)


def _with_owner(node: Node | None, owners: frozenset[str] | None) -> Node | None:
    """Add the facet panel's owner filter (owners are matched by name words)."""
    if not owners:
        return node
    names = tuple(o.lower() for o in owners if o != NONE_KEY)
    owner = FieldFilter("owner", names, none=NONE_KEY in owners)
    return owner if node is None else And((node, owner))


def _newest(matched: int, cache: DocCache, want: int, skip: set[int] | None = None) -> list[int]:
    """The ``want`` newest matched documents (walks the cached newest-first order)."""
    member = bitsets.membership(matched)
    out: list[int] = []
    for docnum in cache.newest_first:
        if member(docnum) and (skip is None or docnum not in skip):
            out.append(docnum)
            if len(out) >= want:
                break
    return out


def _ranked(searcher, q, matched: int, total: int, request: SearchRequest,
            cache: DocCache) -> list[tuple[int, float]]:
    want = request.offset + request.limit
    if want <= 0 or total == 0:
        return []  # also: Whoosh reads an empty filter set as "no filter"
    popularity = request.popularity or {}
    results = searcher.search(q, limit=want + (_EXTRA_CANDIDATES if popularity else 0),
                              filter=set(bitsets.to_ids(matched)))
    scored = [(docnum, score) for score, docnum in results.top_n]
    if popularity:
        ids = cache.piece_ids
        scored = [(d, s * (1.0 + POPULARITY_WEIGHT * math.log1p(popularity.get(ids[d], 0))))
                  for d, s in scored]
        scored.sort(key=lambda item: (-item[1], -cache.updated[item[0]]))
    if len(scored) < want and total > len(scored):
        # Matched without a scoring word (e.g. only through a filter or a body prefix).
        seen = {d for d, _ in scored}
        scored += [(d, 0.0) for d in _newest(matched, cache, want - len(scored), seen)]
    return scored[request.offset:want]


def _sorted(matched: int, request: SearchRequest, cache: DocCache) -> list[tuple[int, float]]:
    want = request.offset + request.limit
    if want <= 0:
        return []
    if request.sort == "most_used" and request.popularity:
        pop, ids, updated = request.popularity, cache.piece_ids, cache.updated
        key = lambda d: (-pop.get(ids[d], 0), -updated[d], -ids[d])  # noqa: E731
        page = heapq.nsmallest(want, bitsets.to_ids(matched), key=key)
    else:
        page = _newest(matched, cache, want)
    return [(d, 0.0) for d in page[request.offset:]]


def _stale(review_by: str | None, today: date) -> bool:
    if not review_by:
        return False
    try:
        return date.fromisoformat(review_by) < today
    except ValueError:
        return False


def _typing_stems(node: Node | None, cache: DocCache) -> frozenset[str]:
    """Stems the word being typed was expanded to that it is not itself a prefix of
    ("integratio" → "integr"), so the highlighter marks "integration" and "integrate" too."""
    out: set[str] = set()
    for leaf, negated in walk_positive(node):
        if negated or not isinstance(leaf, Term):
            continue
        prefix = typing_prefix(leaf)
        if prefix is not None:
            out.update(t for t in cache.typing_terms(prefix) if not t.startswith(prefix))
    return frozenset(out)


def _hits(searcher, page, node: Node | None, request: SearchRequest, cache: DocCache) -> tuple[Hit, ...]:
    words, prefixes = highlight_words(node)
    marker = None
    if request.snippets and (words or prefixes) and page:
        marker = Highlighter(words, prefixes, stem, _typing_stems(node, cache))
    hits = []
    for docnum, score in page:
        stored = searcher.stored_fields(docnum)
        title = stored.get("title") or ""
        body = stored.get("snippet_text") or ""
        description = stored.get("description") or ""
        if not request.snippets:
            title_html, snippet = escape(title), ""
        elif marker is None:
            title_html, snippet = escape(title), plain_snippet(description or body)
        else:
            title_html = marker.mark(title)
            snippet = (marker.snippet(body, scan=SNIPPET_SCAN_CHARS)
                       or marker.snippet(description) or plain_snippet(description or body))
        hits.append(Hit(piece_id=cache.piece_ids[docnum], score=float(score), snippet=snippet,
                        title_html=title_html, stale=_stale(stored.get("review_by"), request.today)))
    return tuple(hits)


def _replace_terms(node: Node | None, changes: Mapping[str, str]) -> Node | None:
    if isinstance(node, Term) and node.text in changes and not node.prefix:
        return Term(changes[node.text])
    if isinstance(node, Not):
        return Not(_replace_terms(node.child, changes))  # type: ignore[arg-type]
    if isinstance(node, (And, Or)):
        return type(node)(tuple(_replace_terms(c, changes) for c in node.children))  # type: ignore[misc]
    return node


def _did_you_mean(searcher, cache: DocCache, parsed: ParsedQuery, vocabulary: Vocabulary,
                  allowed: int, total: int) -> str | None:
    reader = searcher.reader()
    changes: dict[str, str] = {}
    for leaf, negated in walk_positive(parsed.node):
        if not isinstance(leaf, Term) or negated or leaf.prefix:
            continue
        prefix = typing_prefix(leaf)
        if prefix is not None and cache.typing_terms(prefix):
            continue  # a word still being typed that indexed words start with: not misspelt
        word = leaf.text.lower()
        if (len(word) < 3 or not word.isalpha()
                or any((f, word) in reader for f in ("words", "spell_title"))):
            continue
        found = searcher.corrector("words").suggest(word, limit=1, maxdist=2, prefix=1)
        if found and found[0] != word:
            changes[leaf.text] = found[0]
    if not changes:
        return None
    corrected = _replace_terms(parsed.node, changes)
    node = drop_stopwords(expand_synonyms(corrected, vocabulary.synonyms))
    docs = match_docs(node, cache, searcher)
    found_total = ((docs if docs is not None else cache.live) & allowed).bit_count()
    return to_text(corrected) if found_total > total else None


def run_search(searcher, cache: DocCache, request: SearchRequest,
               vocabulary: Vocabulary) -> SearchResults:
    """One search: match, count facets over all matches, rank or sort, render one page."""
    parsed = parse_query(request.text, vocabulary, as_you_type=request.as_you_type)
    node = _with_owner(parsed.search_node, request.filters.get("owner"))
    statuses = request.effective_statuses(parsed.sets_status)
    panel = {d: keys for d, keys in request.filters.items() if d != "owner"}
    allowed = cache.allowed(panel, statuses)
    allowed = cache.live if allowed is None else allowed & cache.live
    docs = match_docs(node, cache, searcher)
    matched = allowed if docs is None else docs & allowed
    total = matched.bit_count()
    q = (scoring_query(parsed.search_node, cache.typing_terms) if request.sort == "relevance"
         else None)
    if q is not None and parsed.has_text:
        page = _ranked(searcher, q, matched, total, request, cache)
    else:
        page = _sorted(matched, request, cache)
    did_you_mean = None
    if parsed.has_text and total <= FEW_RESULTS:
        did_you_mean = _did_you_mean(searcher, cache, parsed, vocabulary, allowed, total)
    return SearchResults(
        hits=_hits(searcher, page, parsed.search_node, request, cache), total=total,
        facet_counts=cache.counts(matched), hints=parsed.hints, did_you_mean=did_you_mean,
        query_echo=parsed.echo,
    )


def _key_terms_query(searcher, text: str, numterms: int) -> tuple[wq.Query | None, list[str]]:
    terms = searcher.key_terms_from_text("content", text, numterms=numterms + 10)
    # The index keeps stopwords (for exact phrases); they make poor "key terms".
    terms = [(w, weight) for w, weight in terms if w not in _STOP_STEMS][:numterms]
    if not terms:
        return None, []
    parts = [wq.Term("content", word, boost=weight) for word, weight in terms]
    return wq.Or(parts), [word for word, _ in terms]


def more_like_this(searcher, cache: DocCache, piece_id: int, limit: int) -> list[tuple[int, float]]:
    """Pieces similar to an indexed piece (archived pieces left out)."""
    docnum = cache.docnum_of.get(piece_id)
    if docnum is None or limit <= 0:
        return []
    stored = searcher.stored_fields(docnum)
    body = (stored.get("snippet_text") or "")[:KEY_TERM_CHARS]
    text = "\n".join([stored.get("title") or ""] * 2 + [stored.get("description") or "", body])
    q, _ = _key_terms_query(searcher, text, numterms=10)
    if q is None:
        return []
    mask = set(bitsets.to_ids(cache.docs_with("status", ["archived"]))) | {docnum}
    results = searcher.search(q, limit=limit, mask=mask)
    return [(cache.piece_ids[d], float(s)) for s, d in results.top_n]


def similar_to_text(searcher, cache: DocCache, title: str, text: str, limit: int) -> list[SimilarDoc]:
    """Indexed pieces like a new text, with the words they share and their tags."""
    if limit <= 0:
        return []
    combined = "\n".join([title, title, text[:KEY_TERM_CHARS]])
    q, key_terms = _key_terms_query(searcher, combined, numterms=12)
    if q is None:
        return []
    surface: dict[str, str] = {}
    for word in _WORD.findall(combined.lower()):
        surface.setdefault(stem(word), word)
    results = searcher.search(q, limit=limit, mask=set(bitsets.to_ids(cache.docs_with("status", ["archived"]))),
                              terms=True)
    out = []
    for hit in results:
        matched = {t.decode("utf-8") if isinstance(t, bytes) else t for _, t in hit.matched_terms()}
        shared = tuple(surface.get(t, t) for t in key_terms if t in matched)
        d = hit.docnum
        facets = {name: cache.keys_of(d, name) for name in FACET_DIMENSIONS}
        out.append(SimilarDoc(piece_id=cache.piece_ids[d], score=float(hit.score),
                              shared_terms=shared, stages=cache.keys_of(d, "stage"),
                              gates=cache.keys_of(d, "gate"), **facets))
    return out


def suggest(searcher, prefix: str, limit: int) -> list[str]:
    """Title words starting with ``prefix``, the ones in most titles first."""
    prefix = " ".join(prefix.lower().split())
    if not prefix or limit <= 0:
        return []
    reader = searcher.reader()
    field = "spell_title" if "spell_title" in reader.schema else "title"
    words = []
    for i, raw in enumerate(reader.expand_prefix(field, prefix)):
        if i >= 500:
            break
        words.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    ranked = sorted(words, key=lambda w: (-reader.doc_frequency("title", stem(w)), w))
    return ranked[:limit]
