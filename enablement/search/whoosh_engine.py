"""The Whoosh engine: the primitives of ``engine.EngineReader`` over one Whoosh index folder.

Matching is exact boolean logic over cached per-term document sets (``DocCache`` bitsets):
AND/OR/NOT, keys, phrases; ``count`` and facet counts are popcounts. Scoring runs a Whoosh
BM25F query of the weighted terms restricted to the matched set.

Thread use: a handle's reads are serialised by the caller (``LibraryIndex``); a Whoosh
searcher is not meant for concurrent use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage

from enablement.search import bitsets
from enablement.search.documents import COUNTED_DIMENSIONS, IndexDoc
from enablement.search.engine import MAll, MAnd, MNot, MOr, MPhrase, MTerms, Plan, ScoreTerm, StoredDoc
from enablement.search.whoosh_cache import DocCache, SegmentFacts
from enablement.search.whoosh_schema import (SCHEMA_VERSION, build_schema, doc_fields, name_analyzer,
                                             stem, text_analyzer)

NAME = "whoosh"
_TEXT = text_analyzer()
_NAMES = name_analyzer()
_KEYS = frozenset(COUNTED_DIMENSIONS)


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8") if isinstance(raw, bytes) else raw


class WhooshReader:
    """``EngineReader`` over one Whoosh searcher generation."""

    def __init__(self, searcher: Any, cache: DocCache) -> None:
        self.searcher = searcher
        self.cache = cache
        self.reader = searcher.reader()
        self.generation = cache

    # analysis
    def analyze(self, text: str) -> list[str]:
        return [t.text for t in _TEXT(text, mode="query")]

    def analyze_names(self, text: str) -> list[str]:
        return [t.text for t in _NAMES(text, mode="query")]

    def stem(self, word: str) -> str:
        return stem(word)

    def doc_count(self) -> int:
        return len(self.cache.live_ids)

    # matching
    def bits(self, plan: Plan) -> int:
        cache = self.cache
        return cache.cached(("plan", plan), lambda: self._bits(plan))

    def _bits(self, plan: Plan) -> int:
        cache = self.cache
        if isinstance(plan, MAll):
            return cache.live
        if isinstance(plan, MTerms):
            if plan.field == "pid":
                return bitsets.from_ids(d for d in (cache.docnum_of.get(int(t)) for t in plan.tokens
                                                    if t.isdigit()) if d is not None)
            if plan.field in _KEYS:
                return cache.docs_with(plan.field, plan.tokens)
            found = 0
            for token in plan.tokens:
                found |= cache.term_docs(plan.field, token)
            return found
        if isinstance(plan, MPhrase):
            candidates = -1
            for word in plan.tokens:  # cheap pre-check: a phrase needs every word
                candidates &= cache.term_docs(plan.field, word)
            if not candidates:
                return 0
            found = self.searcher.docs_for_query(wq.Phrase(plan.field, list(plan.tokens)))
            return bitsets.from_ids(found) & cache.live
        if isinstance(plan, MNot):
            return cache.live & ~self.bits(plan.child)
        parts = [self.bits(c) for c in plan.children]
        result = parts[0]
        for part in parts[1:]:
            result = result & part if isinstance(plan, MAnd) else result | part
        return result

    def count(self, plan: Plan) -> int:
        return self.bits(plan).bit_count()

    def facet_counts(self, plan: Plan, dimensions: Sequence[str]) -> dict[str, dict[str, int]]:
        matched = self.bits(plan)
        out: dict[str, dict[str, int]] = {}
        for dimension in dimensions:
            row = {}
            for key, docs in self.cache.postings.get(dimension, {}).items():
                n = (docs & matched).bit_count()
                if n:
                    row[key] = n
            out[dimension] = row
        return out

    def top(self, plan: Plan, scoring: Sequence[ScoreTerm], limit: int) -> list[tuple[int, float]]:
        matched = self.bits(plan)
        if limit <= 0 or not matched or not scoring:
            return []  # also: Whoosh reads an empty filter set as "no filter"
        parts = [wq.Term(f, t, boost=b) for f, t, b in scoring]
        q = parts[0] if len(parts) == 1 else wq.Or(parts)
        results = self.searcher.search(q, limit=limit, filter=set(bitsets.to_ids(matched)))
        ids = self.cache.piece_ids
        return [(ids[docnum], float(score)) for score, docnum in results.top_n if score > 0]

    def loosened(self, plan: Plan) -> tuple[Plan, int] | None:
        return None  # a plan's matches are a cached bit set: nothing cheaper to match

    def counts_beside_ranking(self, plan: Plan) -> bool:
        return False  # pure Python: a second thread would only wait for the interpreter lock

    def newest(self, plan: Plan, limit: int, skip: frozenset[int] = frozenset()) -> list[int]:
        member = bitsets.membership(self.bits(plan))
        ids = self.cache.piece_ids
        out: list[int] = []
        if limit <= 0:
            return out
        for docnum in self.cache.newest_first:
            if member(docnum) and ids[docnum] not in skip:
                out.append(ids[docnum])
                if len(out) >= limit:
                    break
        return out

    def restrict(self, plan: Plan, piece_ids: Sequence[int]) -> set[int]:
        member = bitsets.membership(self.bits(plan))
        docnum_of = self.cache.docnum_of
        return {p for p in piece_ids if p in docnum_of and member(docnum_of[p])}

    def stored(self, piece_id: int, keys: bool = True) -> StoredDoc | None:
        docnum = self.cache.docnum_of.get(piece_id)
        if docnum is None:
            return None
        stored = self.searcher.stored_fields(docnum)
        found = {d: self.cache.keys_of(docnum, d) for d in COUNTED_DIMENSIONS} if keys else {}
        return StoredDoc(piece_id=piece_id, title=stored.get("title") or "",
                         description=stored.get("description") or "",
                         snippet_text=stored.get("snippet_text") or "",
                         review_by=stored.get("review_by"), keys=found)

    # lexicon
    def terms_with_prefix(self, field_name: str, prefix: str, limit: int) -> list[tuple[str, int]]:
        if field_name not in self.reader.schema or limit <= 0:
            return []
        found = []
        for i, (raw, info) in enumerate(self.reader.iter_prefix(field_name, prefix)):
            if i >= 50_000:  # bounds a one-letter prefix over a huge lexicon
                break
            found.append((_text(raw), info.doc_frequency()))
        found.sort(key=lambda tf: (-tf[1], tf[0]))
        return found[:limit]

    def doc_frequency(self, field_name: str, term: str) -> int:
        if (field_name, term) not in self.reader:
            return 0
        return self.reader.doc_frequency(field_name, term)

    def _column(self, name: str) -> list[Any]:
        """A column's values; an index with no segment yet (a new, empty library) has none,
        and Whoosh's empty reader raises instead of returning nothing."""
        if self.reader.doc_count_all() == 0:
            return []
        return list(self.reader.column_reader(name))

    def stamps(self) -> dict[int, str]:
        column = self._column("stamp")
        return {self.cache.piece_ids[d]: column[d].decode("utf-8") for d in self.cache.live_ids}

    def verify(self) -> int:
        """Touch terms, postings, columns and stored fields, so damage shows up here."""
        reader = self.reader
        for name in ("content", "title", "tags", "owner", "words"):
            for term in list(reader.lexicon(name))[:1]:
                list(reader.postings(name, term).all_ids())
        self._column("stamp")
        live = self.cache.live_ids
        if live:
            self.searcher.stored_fields(live[0])
            self.searcher.stored_fields(live[-1])
        return len(live)


class WhooshHandle:
    """One open generation folder of a Whoosh index."""

    name = NAME

    def __init__(self, folder: Path, busy_timeout: float, use_mmap: bool = False) -> None:
        self.folder = folder
        self._busy_timeout = busy_timeout
        # No mmap by default: if index files are truncated or rewritten under an open map
        # (a sync tool, a disk error), touching the map kills the process with SIGBUS.
        storage = FileStorage(str(folder), supports_mmap=use_mmap)
        # Passing our schema skips unpickling the stored one (and its analyzer objects).
        self._ix = storage.open_index(schema=build_schema())
        self._searcher: Any = None
        self._reader: WhooshReader | None = None
        self._facts: dict[str, SegmentFacts] = {}

    def reader(self) -> WhooshReader:
        if self._searcher is None:
            self._searcher = self._ix.searcher()
            self._reader = None
        elif not self._searcher.up_to_date():
            # A fresh searcher, not ``refresh()``: refresh reuses segment readers and keeps
            # their old deletion lists, so replaced docs would come back from the dead.
            self._searcher.close()
            self._searcher, self._reader = self._ix.searcher(), None
        if self._reader is None:
            self._reader = WhooshReader(self._searcher, DocCache(self._searcher.reader(), self._facts))
        return self._reader

    def _writer(self, **kwargs: Any) -> Any:
        # Whoosh's own lock: normally free (we hold WRITELOCK), unless a foreign writer has it.
        return self._ix.writer(timeout=self._busy_timeout, delay=0.05, **kwargs)

    def upsert(self, docs: Iterable[IndexDoc]) -> int:
        count = 0
        with self._writer() as writer:
            for doc in docs:
                writer.update_document(**doc_fields(doc))
                count += 1
        return count

    def delete(self, piece_ids: Sequence[int]) -> None:
        with self._writer() as writer:
            for piece_id in piece_ids:
                writer.delete_by_term("pid", str(piece_id))

    def close(self) -> None:
        searcher, self._searcher, self._reader = self._searcher, None, None
        self._facts.clear()
        if searcher is not None:
            try:
                searcher.close()
            except Exception:  # closing a damaged reader may fail too; nothing to save
                pass


def create(folder: Path) -> None:
    """An empty index in ``folder`` (which exists)."""
    FileStorage(str(folder)).create_index(build_schema()).close()


def build(folder: Path, docs: Iterable[IndexDoc], progress: Callable[[int], None],
          *, limitmb: int = 256, procs: int = 1, busy_timeout: float = 2.0) -> int:
    """Write every doc into a new index in ``folder``; ``progress(count)`` now and then."""
    ix = FileStorage(str(folder)).create_index(build_schema())
    count = 0
    with ix.writer(timeout=busy_timeout, limitmb=limitmb, procs=procs,
                   multisegment=procs > 1) as writer:
        for doc in docs:
            writer.add_document(**doc_fields(doc))
            count += 1
            progress(count)
    ix.close()
    return count


def is_lock_error(exc: BaseException) -> bool:
    from whoosh import index as windex

    return isinstance(exc, windex.LockError)


def is_index_file(path: Path) -> bool:
    return path.suffix in (".toc", ".seg", ".trm", ".pst", ".fdt", ".fvz")


__all__ = ["NAME", "SCHEMA_VERSION", "WhooshHandle", "WhooshReader", "build", "create"]
