"""The narrow primitives a search engine implements, and the match plans it evaluates.

Everything a search *means* (filters, statuses, allow-sets, ranking with popularity, did you
mean, snippets, facets, as-you-type expansion) lives once in ``pipeline``; an engine only
answers these questions about one open generation of its index:

- *match*: ``count``, ``facet_counts``, ``newest``, ``restrict`` over a ``Plan`` (exact
  boolean logic over analysed terms, phrases and keys);
- *score*: ``top`` — the best documents of a plan by BM25 over weighted terms;
- *stored fields*: ``stored`` — title, description, the snippet text, review date and keys;
- *term lexicon*: ``terms_with_prefix``, ``doc_frequency``, plus the engine's analysis
  (``analyze``, ``analyze_names``, ``stem``), so the query side analyses text as the index did.

Documents are named by piece id across this interface: no engine type (Whoosh doc numbers,
tantivy ``DocAddress``) leaves the engine module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, Union

# --- match plans ----------------------------------------------------------------------------
# Fields of a plan: "content", "title", "tags" (analysed text), "words", "title_words",
# "owner" (unstemmed words), "pid" (piece id as text) and the key dimensions
# (``COUNTED_DIMENSIONS``), whose tokens are keys (``NONE_KEY`` when a piece has none).


@dataclass(frozen=True)
class MAll:
    """Every live document."""


@dataclass(frozen=True)
class MTerms:
    """Documents with any of ``tokens`` in ``field`` (no tokens: nothing)."""

    field: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class MPhrase:
    """Documents with ``tokens`` next to each other, in order, in ``field``."""

    field: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class MAnd:
    children: tuple["Plan", ...]


@dataclass(frozen=True)
class MOr:
    children: tuple["Plan", ...]


@dataclass(frozen=True)
class MNot:
    """Every live document not matching ``child``."""

    child: "Plan"


Plan = Union[MAll, MTerms, MPhrase, MAnd, MOr, MNot]
MATCH_ALL = MAll()
MATCH_NOTHING = MTerms("pid", ())


def plan_and(*plans: Plan | None) -> Plan:
    """AND of plans; None and ``MATCH_ALL`` constrain nothing."""
    parts = tuple(p for p in plans if p is not None and p != MATCH_ALL)
    if not parts:
        return MATCH_ALL
    return parts[0] if len(parts) == 1 else MAnd(parts)


def terms(field_name: str, tokens: Iterable[str]) -> MTerms:
    return MTerms(field_name, tuple(dict.fromkeys(tokens)))


# --- what engines return -----------------------------------------------------------------------

@dataclass(frozen=True)
class StoredDoc:
    """The stored fields of one document (what a hit row and similarity need)."""

    piece_id: int
    title: str = ""
    description: str = ""
    snippet_text: str = ""
    review_by: str | None = None
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)


# (field, token, boost): one weighted term of a scoring request.
ScoreTerm = tuple[str, str, float]


class EngineReader(Protocol):
    """One open, consistent generation of an engine's index (read-only)."""

    generation: object  # changes whenever the readable documents change (for caches)

    def doc_count(self) -> int: ...

    def analyze(self, text: str) -> list[str]:
        """Free text → the terms the ``content``/``title``/``tags`` fields hold (stems)."""
        ...

    def analyze_names(self, text: str) -> list[str]:
        """Text → the unstemmed words the ``words``/``title_words``/``owner`` fields hold."""
        ...

    def stem(self, word: str) -> str:
        """The index term of one unstemmed, lower-case word."""
        ...

    def count(self, plan: Plan) -> int: ...

    def facet_counts(self, plan: Plan, dimensions: Sequence[str]) -> dict[str, dict[str, int]]:
        """Dimension → key → matching documents with that key (zeros left out)."""
        ...

    def top(self, plan: Plan, scoring: Sequence[ScoreTerm], limit: int) -> list[tuple[int, float]]:
        """Up to ``limit`` ``(piece_id, score)`` of ``plan``'s documents reached by a scoring
        term, best first (documents no scoring term reaches are left out)."""
        ...

    def loosened(self, plan: Plan) -> tuple[Plan, int] | None:
        """A plan matching every document of ``plan`` (and maybe more) that this engine
        ranks much more cheaply (no phrase read by position), and at most how many documents
        it matches; None if there is none. ``top`` of it may score a document a little
        differently (``pipeline.SCORE_SLACK``): it only picks candidates. It is only ever
        given back to this reader (``pipeline.ranked_top``)."""
        ...

    def counts_beside_ranking(self, plan: Plan) -> bool:
        """Whether the facet counts of ``plan`` may run on another thread while this reader
        ranks it: the engine's reads run outside the interpreter lock and at the same time as
        each other, and ranking ``plan`` uses nothing its count finds (``loosened``)."""
        ...

    def newest(self, plan: Plan, limit: int, skip: frozenset[int] = frozenset()) -> list[int]:
        """Piece ids of ``plan``'s newest documents (by update time), ``skip`` left out."""
        ...

    def restrict(self, plan: Plan, piece_ids: Sequence[int]) -> set[int]:
        """Which of ``piece_ids`` match ``plan``."""
        ...

    def stored(self, piece_id: int, keys: bool = True) -> StoredDoc | None:
        """The stored fields of one document; ``keys=False`` leaves ``keys`` empty (a hit row
        does not show them, and reading them is a good part of a hit's cost)."""
        ...

    def terms_with_prefix(self, field_name: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Up to ``limit`` ``(term, document frequency)`` of ``field_name`` starting with
        ``prefix``, the most frequent first."""
        ...

    def doc_frequency(self, field_name: str, term: str) -> int: ...

    def stamps(self) -> dict[int, str]: ...

    def verify(self) -> int:
        """Touch every part of the index a search reads; returns the live document count."""
        ...
