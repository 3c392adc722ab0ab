"""Plain data that crosses the search interface. No search engine types live here.

``IndexDoc`` goes in (built by the service layer from database rows), ``SearchRequest`` and a
``Vocabulary`` describe a search, ``SearchResults`` / ``Hit`` / ``SimilarDoc`` come out. All are
frozen so they can cross threads.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Literal, get_args

from enablement.errors import InvalidInput

# The token that stands for "no value in this dimension" (``gate:none``). Also usable as a key
# in ``SearchRequest.filters`` and it appears as a key in ``SearchResults.facet_counts``.
NONE_KEY = "__none__"

# Dimensions a piece is tagged or described by, in the order facet counts are reported.
FACET_DIMENSIONS: tuple[str, ...] = ("persona", "industry", "product", "content_type", "language")
COUNTED_DIMENSIONS: tuple[str, ...] = (
    "stage", "gate", *FACET_DIMENSIONS, "status", "source", "file_type", "kind",
)
# Dimensions accepted in ``SearchRequest.filters`` (``owner`` matches the owner's name words).
FILTER_DIMENSIONS: frozenset[str] = frozenset(COUNTED_DIMENSIONS) | {"owner"}
DEFAULT_STATUSES: frozenset[str] = frozenset({"draft", "published"})

SortOrder = Literal["relevance", "newest", "most_used", "oldest", "least_used", "title", "title_desc", "owner",
                    "owner_desc", "type", "type_desc", "stage", "stage_desc", "gate", "gate_desc", "review",
                    "review_desc", "helpful", "least_helpful"]
SORT_ORDERS: tuple[SortOrder, ...] = get_args(SortOrder)
# Orders the library's database sorts all pieces in (key, descending); the search keeps the
# matching ones in that order. "review" puts the soonest review date (the stale) first.
STORED_ORDERS: dict[str, tuple[str, bool]] = {
    "oldest": ("updated", False), "title": ("title", False), "title_desc": ("title", True),
    "owner": ("owner", False), "owner_desc": ("owner", True), "type": ("type", False), "type_desc": ("type", True),
    "stage": ("stage", False), "stage_desc": ("stage", True), "gate": ("gate", False), "gate_desc": ("gate", True),
    "review": ("review", False), "review_desc": ("review", True), "helpful": ("helpful", True),
    "least_helpful": ("helpful", False)}


def sort_order(text: str) -> SortOrder:
    """``text`` as a sort order (a clear error for anything else)."""
    for order in SORT_ORDERS:
        if order == text:
            return order
    raise InvalidInput(f"Sort by one of {', '.join(SORT_ORDERS)} (not '{text}').")


@dataclass(frozen=True)
class IndexDoc:
    """One piece as the index sees it.

    ``tags_text`` should hold every tag label (stage names, gate questions, facet labels) so
    free text like "worth the investment" finds pieces tagged with that gate. Key fields hold
    keys, never labels. ``body`` may be large; the backend indexes all of it but stores only a
    bounded prefix for snippets.
    """

    piece_id: int
    title: str
    description: str = ""
    body: str = ""
    tags_text: str = ""
    stages: tuple[str, ...] = ()
    gates: tuple[str, ...] = ()
    persona: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    product: tuple[str, ...] = ()
    content_type: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    owner: str = ""
    status: str = "published"
    source: str = "marketing"
    file_type: str = ""
    kind: str = "file"
    updated_at: datetime = datetime(1970, 1, 1)
    review_by: date | None = None
    stamp: str = ""

    def keys_of(self, dimension: str) -> tuple[str, ...]:
        """The keys this doc has in a counted dimension (``stage`` reads ``stages``...)."""
        if dimension == "stage":
            return self.stages
        if dimension == "gate":
            return self.gates
        if dimension in FACET_DIMENSIONS:
            return getattr(self, dimension)
        value = getattr(self, dimension)
        return (value,) if value else ()


def nfc(text: str) -> str:
    """Text in composed Unicode form (a decomposed "café" becomes the composed one)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def normalized(doc: "IndexDoc") -> "IndexDoc":
    """``doc`` with its text NFC-normalised, as every engine indexes it."""
    texts = (doc.title, doc.description, doc.body, doc.tags_text, doc.owner)
    if all(t.isascii() for t in texts):
        return doc
    from dataclasses import replace

    return replace(doc, title=nfc(doc.title), description=nfc(doc.description), body=nfc(doc.body),
                   tags_text=nfc(doc.tags_text), owner=nfc(doc.owner))


def normalize_name(text: str) -> str:
    """Fold a name, key or question for lookup: case, spacing and end punctuation ignored."""
    text = " ".join(text.casefold().split())
    return text.rstrip("?!.;:, ").strip()


def _freeze(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """How names typed in a query map to keys. Build it with ``Vocabulary.from_lists``.

    Every lookup table maps a ``normalize_name``-folded name (key, display name, question or
    alias) to the canonical key. ``*_labels`` keep display order and names for hints.
    """

    stages: Mapping[str, str] = field(default_factory=lambda: _freeze({}))
    gates: Mapping[str, str] = field(default_factory=lambda: _freeze({}))
    facets: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    synonyms: tuple[tuple[str, ...], ...] = ()
    stage_labels: tuple[tuple[str, str], ...] = ()
    gate_labels: tuple[tuple[str, str], ...] = ()
    facet_labels: Mapping[str, tuple[tuple[str, str], ...]] = field(
        default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_lists(
        cls,
        stages: Iterable[tuple[str, str]] = (),
        gates: Iterable[tuple[str, ...]] = (),
        facets: Mapping[str, Iterable[tuple[str, str]]] | None = None,
        synonyms: Iterable[Iterable[str]] = (),
    ) -> "Vocabulary":
        """Build from plain lists, in display order.

        ``stages``: ``(key, name)``; ``gates``: ``(key, question, *aliases)`` (an alias is e.g. a
        short label); ``facets``: facet name → ``(key, label)`` pairs (facet names as in
        ``FACET_DIMENSIONS``); ``synonyms``: groups of equivalent terms (words or phrases).
        """
        stage_labels = tuple((key, name) for key, name in stages)
        stage_map: dict[str, str] = {}
        for key, name in stage_labels:
            stage_map.setdefault(normalize_name(key), key)
            stage_map.setdefault(normalize_name(name), key)
        gate_labels: list[tuple[str, str]] = []
        gate_map: dict[str, str] = {}
        for key, question, *aliases in gates:
            gate_labels.append((key, question))
            for name in (key, question, *aliases):
                gate_map.setdefault(normalize_name(name), key)
        facet_maps: dict[str, Mapping[str, str]] = {}
        facet_labels: dict[str, tuple[tuple[str, str], ...]] = {}
        for facet, values in (facets or {}).items():
            pairs = tuple((key, label) for key, label in values)
            lookup: dict[str, str] = {}
            for key, label in pairs:
                lookup.setdefault(normalize_name(key), key)
                lookup.setdefault(normalize_name(label), key)
            facet_maps[facet] = _freeze(lookup)
            facet_labels[facet] = pairs
        groups = []
        for group in synonyms:
            terms = tuple(dict.fromkeys(t for t in (normalize_name(x) for x in group) if t))
            if len(terms) > 1:
                groups.append(terms)
        return cls(
            stages=_freeze(stage_map), gates=_freeze(gate_map),
            facets=MappingProxyType(facet_maps), synonyms=tuple(groups),
            stage_labels=stage_labels, gate_labels=tuple(gate_labels),
            facet_labels=MappingProxyType(facet_labels),
        )

    def lookup(self, dimension: str) -> Mapping[str, str]:
        """The name → key table of ``stage``, ``gate`` or a facet (empty if unknown)."""
        if dimension == "stage":
            return self.stages
        if dimension == "gate":
            return self.gates
        return self.facets.get(dimension, MappingProxyType({}))

    def labels(self, dimension: str) -> tuple[tuple[str, str], ...]:
        """``(key, display name)`` pairs of a dimension, in display order."""
        if dimension == "stage":
            return self.stage_labels
        if dimension == "gate":
            return self.gate_labels
        return self.facet_labels.get(dimension, ())


@dataclass(frozen=True)
class SearchRequest:
    """One search. An empty ``text`` browses everything (filtered), newest first.

    ``statuses=None`` means draft + published (+ archived when ``include_archived``); a
    ``status:`` filter in the query text overrides that default. ``filters`` come from the
    facet panel: dimension → keys, AND across dimensions, OR within one (``NONE_KEY`` = no value).
    ``as_you_type`` also matches the last bare word as a prefix (the word being typed).
    ``autocorrect``: when nothing matches but a confident correction does, answer with the
    corrected query's results (off: the query exactly as typed, "search instead for …").
    """

    text: str = ""
    sort: SortOrder = "relevance"
    include_archived: bool = False
    statuses: frozenset[str] | None = None
    filters: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    limit: int = 50
    offset: int = 0
    popularity: Mapping[int, int] | None = None
    # The order of every piece for a sort the database made (``STORED_ORDERS``, "least_used").
    ranking: Sequence[int] | None = None
    today: date = field(default_factory=date.today)
    snippets: bool = True
    as_you_type: bool = False
    autocorrect: bool = True

    def effective_statuses(self, query_sets_status: bool) -> frozenset[str] | None:
        """Statuses to restrict to, or None when the query text chose them itself."""
        if self.statuses is not None:
            chosen = set(self.statuses)
        elif query_sets_status:
            return None
        else:
            chosen = set(DEFAULT_STATUSES)
        if self.include_archived:
            chosen.add("archived")
        return frozenset(chosen)


@dataclass(frozen=True)
class Hit:
    """One result row. ``snippet`` and ``title_html`` are HTML: text escaped, matches in <b>."""

    piece_id: int
    score: float
    snippet: str
    title_html: str
    stale: bool
    # Pages or slides (1-based) of a PDF or deck where the query's words are, in order; ()
    # when the piece has no pages or its text was stored before pages were kept.
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class SearchResults:
    """A page of hits plus what the whole result set looks like.

    ``facet_counts``: dimension (see ``COUNTED_DIMENSIONS``) → key → number of matching pieces,
    over all pages; pieces without a value count under ``NONE_KEY``. ``hints`` explain what
    the query parser changed or ignored; ``did_you_mean`` is a whole corrected query.
    """

    hits: tuple[Hit, ...] = ()
    total: int = 0
    facet_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    hints: tuple[str, ...] = ()
    did_you_mean: str | None = None
    query_echo: str = ""
    # Set when nothing matched the query as typed but a confident spelling correction did:
    # these are the corrected query's results ("Showing results for …").
    showing_results_for: str | None = None


@dataclass(frozen=True)
class SimilarDoc:
    """A piece like the given text, with its tags (for tag suggestions on a new import)."""

    piece_id: int
    score: float
    shared_terms: tuple[str, ...]
    stages: tuple[str, ...] = ()
    gates: tuple[str, ...] = ()
    persona: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    product: tuple[str, ...] = ()
    content_type: tuple[str, ...] = ()
    language: tuple[str, ...] = ()


IndexState = Literal["ok", "missing", "damaged", "outdated_schema"]


@dataclass(frozen=True)
class IndexStatus:
    """What ``SearchBackend.status()`` found. Anything but ``ok`` means: rebuild."""

    state: IndexState
    doc_count: int = 0
    detail: str = ""


