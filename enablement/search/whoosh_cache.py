"""Per-searcher caches: facet keys, piece ids, dates and word → documents, as bitsets.

Built once per searcher generation (after each write) from postings and columns, which is
much cheaper than reading stored fields per hit. Facet counting is then one AND and one
popcount per key, and repeated words (search-as-you-type re-runs the same words on every
keystroke) are looked up instead of re-read.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from enablement.search import bitsets
from enablement.search.documents import COUNTED_DIMENSIONS, NONE_KEY

MAX_CACHED_SETS = 2048   # word/phrase → bitset entries kept per generation
MAX_PREFIX_TERMS = 1000  # a prefix expanding to more words than this is cut (keeps "co*" bounded)


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8") if isinstance(raw, bytes) else raw


class SegmentFacts:
    """Key postings, piece ids and dates of one Whoosh segment.

    Segments never change except for deletions, which ``DocCache`` applies through its
    ``live`` set, so these facts are reused across generations: after a one-document upsert
    only the new small segment is read, not the whole library.
    """

    __slots__ = ("size", "postings", "piece_ids", "updated")

    def __init__(self, leaf: Any) -> None:
        self.size: int = leaf.doc_count_all()
        self.postings: dict[str, dict[str, int]] = {}
        for dimension in COUNTED_DIMENSIONS:
            by_key: dict[str, int] = {}
            for raw in leaf.lexicon(dimension):
                key = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                by_key[key] = bitsets.from_ids(leaf.postings(dimension, raw).all_ids())
            self.postings[dimension] = by_key
        self.piece_ids: list[int] = list(leaf.column_reader("pidn"))
        self.updated: list[int] = list(leaf.column_reader("updated"))


class DocCache:
    """Document-number-keyed facts about one reader generation."""

    def __init__(self, reader: Any, segment_facts: dict[str, SegmentFacts] | None = None) -> None:
        """``segment_facts``: facts kept from the previous generation, updated in place."""
        self.reader = reader
        known = segment_facts if segment_facts is not None else {}
        current: dict[str, SegmentFacts] = {}
        live = 0
        postings: dict[str, dict[str, int]] = {d: {} for d in COUNTED_DIMENSIONS}
        self.piece_ids: list[int] = []
        self.updated: list[int] = []
        for leaf, offset in reader.leaf_readers():
            if leaf.segment() is None:  # an empty index's reader has no segment at all
                continue
            segment_id = leaf.segment().segment_id()
            facts = known.get(segment_id) or SegmentFacts(leaf)
            current[segment_id] = facts
            if len(self.piece_ids) < offset:  # keep list index == document number
                self.piece_ids.extend([0] * (offset - len(self.piece_ids)))
                self.updated.extend([0] * (offset - len(self.updated)))
            self.piece_ids.extend(facts.piece_ids)
            self.updated.extend(facts.updated)
            segment_live = (1 << facts.size) - 1
            if leaf.has_deletions():
                segment_live &= ~bitsets.from_ids(leaf.deleted_docs_set)
            live |= segment_live << offset
            for dimension, by_key in facts.postings.items():
                merged = postings[dimension]
                for key, bits in by_key.items():
                    merged[key] = merged.get(key, 0) | (bits << offset)
        known.clear()
        known.update(current)
        self.live: int = live
        self.live_ids: list[int] = bitsets.to_ids(live)
        self.postings = {d: {k: b & live for k, b in by_key.items() if b & live}
                         for d, by_key in postings.items()}
        self.docnum_of: dict[int, int] = {self.piece_ids[d]: d for d in self.live_ids}
        # Live documents, newest first: browsing and "newest" sorting walk this list.
        self.newest_first: list[int] = sorted(
            self.live_ids, key=lambda d: (-self.updated[d], -self.piece_ids[d]))
        self._sets: OrderedDict[tuple, int] = OrderedDict()

    def docs_with(self, dimension: str, keys: Iterable[str]) -> int:
        """Documents having any of ``keys`` in ``dimension``."""
        by_key = self.postings.get(dimension, {})
        found = 0
        for key in keys:
            found |= by_key.get(key, 0)
        return found

    def allowed(self, filters: Mapping[str, Iterable[str]], statuses: frozenset[str] | None) -> int | None:
        """Documents passing facet-panel filters and statuses (None = no restriction)."""
        result: int | None = None
        wanted = dict(filters)
        if statuses is not None:
            wanted["status"] = statuses
        for dimension, keys in wanted.items():
            if dimension not in self.postings:
                continue  # "owner" is matched as words by the query; unknown ones are ignored
            docs = self.docs_with(dimension, keys)
            result = docs if result is None else result & docs
        return result

    def counts(self, matched: int) -> dict[str, dict[str, int]]:
        """Dimension → key → number of ``matched`` documents with that key (zeros left out)."""
        out: dict[str, dict[str, int]] = {}
        for dimension, by_key in self.postings.items():
            row = {}
            for key, docs in by_key.items():
                n = (docs & matched).bit_count()
                if n:
                    row[key] = n
            out[dimension] = row
        return out

    def keys_of(self, docnum: int, dimension: str) -> tuple[str, ...]:
        """The keys one document has in ``dimension`` (``NONE_KEY`` left out)."""
        return tuple(sorted(k for k, docs in self.postings.get(dimension, {}).items()
                            if docs >> docnum & 1 and k != NONE_KEY))

    def cached(self, key: tuple[Any, ...], compute: Callable[[], int]) -> int:
        """A word/phrase bitset from the LRU, computing it on a miss."""
        found = self._sets.get(key)
        if found is not None:
            self._sets.move_to_end(key)
            return found
        value = compute()
        self._sets[key] = value
        if len(self._sets) > MAX_CACHED_SETS:
            self._sets.popitem(last=False)
        return value

    def term_docs(self, field: str, token: str) -> int:
        """Documents containing ``token`` (an analysed word) in ``field``."""
        def compute() -> int:
            if (field, token) not in self.reader:
                return 0
            return bitsets.from_ids(self.reader.postings(field, token).all_ids()) & self.live
        return self.cached(("t", field, token), compute)

    def prefix_docs(self, field: str, prefix: str) -> int:
        """Documents containing a word of ``field`` that starts with ``prefix``."""
        def compute() -> int:
            found = 0
            for i, raw in enumerate(self.reader.expand_prefix(field, prefix)):
                if i >= MAX_PREFIX_TERMS:
                    break
                found |= self.term_docs(field, raw.decode("utf-8"))
            return found
        return self.cached(("p", field, prefix), compute)
