"""The Whoosh schema and how an ``IndexDoc`` becomes Whoosh fields.

Bump ``SCHEMA_VERSION`` whenever the schema or the analysis changes: an index written with
another version reports ``outdated_schema`` and the service layer rebuilds it.

Storage choices (why):
- One ``content`` field holds title, tags, description and body for matching: one posting
  list per word instead of four. ``title`` and ``tags`` are indexed again, small, to boost.
- The body is indexed in full (up to ``MAX_BODY_CHARS``) but only its first
  ``SNIPPET_CHARS`` characters are stored, for snippets. Storing whole bodies would double the
  index for little gain: a match deep in a 300-page PDF still finds the piece, and the snippet
  then falls back to the description.
- Title and description are stored (snippets, ``more_like_this``). Facet keys are not stored:
  they are read from the postings into an in-memory cache (see ``whoosh_cache``).
- ``updated``, ``pidn`` and ``stamp`` are columns: sorting newest-first, mapping document
  numbers to piece ids and listing stamps read one compact array instead of stored fields.
- Spelling suggestions and the completion of partly typed words come from a plain ``words``
  field (title, tags, description and the first ``SPELLING_CHARS`` of the body); ``suggest``
  reads ``title_words`` (unstemmed title words). Both engines index the same fields.
- Accents are folded (NFC first, then "é" → "e") so "cafe", "café" and a decomposed "café"
  are one word.
- No stoplist: stopwords stay in the index so phrases ("return on investment") match
  exactly; the query side drops bare stopwords instead. ``minsize=1`` keeps "soc 2".
- Text fields index through ``whoosh_fields.FastText``: the same postings as the analyzers
  below, without a token object per word (queries still run the analyzers).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any

from whoosh import columns, fields
from whoosh.analysis import Analyzer, CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

from enablement.search.documents import FACET_DIMENSIONS, NONE_KEY, IndexDoc, normalized
from enablement.search.whoosh_fields import FastText, WordTerms

SCHEMA_VERSION = 3
# A word is a run of letters and digits; anything else separates words ("v1.2" is "v1" "2",
# "api_key" is "api" "key"; a query for "v1.2" is the phrase "v1 2"). tantivy's simple
# tokenizer splits the same way, natively and ~7x faster than a regex tokenizer.
WORD_PATTERN = r"[^\W_]+"
SNIPPET_CHARS = 30_000
MAX_BODY_CHARS = 2_000_000
SPELLING_CHARS = 1_000
MIN_WORD, MAX_WORD = 1, 40  # word lengths indexed, in characters after folding

# Fields a free-text word is scored in, with query-time boosts (tunable without a rebuild).
# ``content`` holds all the text, so a title word scores there *and* in ``title``.
BOOST_FIELDS: tuple[tuple[str, float], ...] = (("content", 1.0), ("title", 2.0), ("tags", 1.0))
KEY_FIELDS: tuple[str, ...] = ("stage", "gate", *FACET_DIMENSIONS)
SINGLE_FIELDS: tuple[str, ...] = ("status", "source", "file_type", "kind")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem the index uses for a lower-case word (C-level LRU: faster than Whoosh's)."""
    return porter_stem(word)


def text_analyzer() -> Analyzer:
    """English analysis for free text: words, lower case, Porter stems, no stoplist."""
    return name_analyzer() | StemFilter(stemfn=stem, cachesize=None)


def name_analyzer() -> Analyzer:
    """Names and unstemmed words: words in lower case, accents folded, no stemming."""
    return (RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=(), minsize=MIN_WORD, maxsize=MAX_WORD))


# Word → term memos of the two analyzers, shared by their fields.
_STEMMED_TERMS = WordTerms(accent_map, MIN_WORD, MAX_WORD, stem)
_NAME_TERMS = WordTerms(accent_map, MIN_WORD, MAX_WORD, None)


@lru_cache(maxsize=1)
def build_schema() -> fields.Schema:
    """The schema of ``SCHEMA_VERSION`` (one shared, read-only instance)."""
    keyword = dict(commas=True, scorable=False)
    # The stemmed fields share one analyzer object, the others have one each: pickled in the
    # index's table of contents, the schema stays byte-for-byte what it always was.
    stemming = text_analyzer()

    def text(**kwargs: Any) -> FastText:
        return FastText(WORD_PATTERN, _STEMMED_TERMS, analyzer=stemming, **kwargs)

    def plain(**kwargs: Any) -> FastText:
        return FastText(WORD_PATTERN, _NAME_TERMS, analyzer=name_analyzer(), **kwargs)

    spec: dict[str, Any] = {
        "pid": fields.ID(unique=True, stored=True),
        "pidn": fields.COLUMN(columns.NumericColumn("q", default=0)),
        "updated": fields.COLUMN(columns.NumericColumn("q", default=0)),
        "stamp": fields.COLUMN(columns.VarBytesColumn()),
        "content": text(),
        # Unstemmed words for "did you mean" (Whoosh's corrector suggests indexed words).
        "words": plain(phrase=False),
        "title": text(stored=True),
        "title_words": plain(phrase=False),
        "tags": text(),
        "description": fields.STORED(),
        "snippet_text": fields.STORED(),
        "review_by": fields.STORED(),
        "owner": plain(),
    }
    for name in KEY_FIELDS + SINGLE_FIELDS:
        spec[name] = fields.KEYWORD(**keyword)
    return fields.Schema(**spec)


def _keys(values: tuple[str, ...] | str) -> str:
    if isinstance(values, str):
        values = (values,) if values else ()
    # A comma would split a key in two; keys never need one, so it becomes a space.
    cleaned = [v.replace(",", " ").strip() for v in values if v and v.strip()]
    return ",".join(cleaned) if cleaned else NONE_KEY


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1_000_000)


def doc_fields(doc: IndexDoc) -> dict[str, Any]:
    """The Whoosh field values of one document."""
    doc = normalized(doc)
    body = doc.body[:MAX_BODY_CHARS]
    values: dict[str, Any] = {
        "pid": str(doc.piece_id),
        "pidn": doc.piece_id,
        "updated": _micros(doc.updated_at),
        "stamp": doc.stamp.encode("utf-8"),
        "content": "\n".join((doc.title, doc.tags_text, doc.description, body)),
        "words": "\n".join((doc.title, doc.tags_text, doc.description, body[:SPELLING_CHARS])),
        "title": doc.title,
        "title_words": doc.title,
        "description": doc.description,
        "tags": doc.tags_text,
        "snippet_text": body[:SNIPPET_CHARS],
        "review_by": doc.review_by.isoformat() if isinstance(doc.review_by, date) else None,
        "owner": doc.owner if doc.owner.strip() else NONE_KEY,
    }
    for name in KEY_FIELDS:
        values[name] = _keys(doc.keys_of(name))
    for name in SINGLE_FIELDS:
        values[name] = _keys(getattr(doc, name))
    return values
