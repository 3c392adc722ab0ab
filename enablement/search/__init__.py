"""Full-text search over pieces: the only package that touches a search engine.

Importing this package is cheap: an engine (Whoosh or tantivy, ~100 ms each) is imported only
when an index is first opened with it.

Two engines sit behind one ``SearchBackend`` (``LibraryIndex``): Whoosh (pure Python, the
default for small libraries) and tantivy (native, for large ones). Everything a search means
runs once in ``pipeline`` over each engine's narrow primitives (``engine.EngineReader``:
match, score, stored fields, term lexicon); see ``engine``.

How the service layer uses it
-----------------------------
1. Build a ``Vocabulary`` from the taxonomy (again whenever the taxonomy changes)::

       vocab = Vocabulary.from_lists(
           stages=[(s.key, s.name) for s in stages],
           gates=[(g.key, g.question) for g in gates],          # (key, question, *aliases)
           facets={"persona": [(v.key, v.label) for v in personas], ...},
           synonyms=[("roi", "return on investment", "payback"), ...])

2. Open the backend once per library and keep it (it caches an open searcher)::

       backend = open_backend(paths.index, engine="tantivy")   # a SearchBackend
       st = backend.status()                      # IndexStatus(state, doc_count, detail)
       if st.state != "ok":                       # missing | damaged | outdated_schema
           backend.rebuild(docs_from_db(), progress=cb)

   After a crash, compare ``backend.stamps()`` (piece_id → stamp) with the database and
   ``upsert`` / ``delete`` the difference.

3. Keep it in step with the database, from the write lane, after each commit::

       backend.upsert([IndexDoc(...)])            # add or replace by piece_id
       backend.delete([piece_id, ...])

4. Search (from a read worker; never on the GUI thread)::

       results = backend.search(SearchRequest(text="pricing stage:evaluation",
                                              filters={"persona": frozenset({"cfo"})},
                                              popularity=uses_by_piece, as_you_type=True),
                                vocab)
       results.hits          # page of Hit(piece_id, score, snippet, title_html, stale)
       results.total, results.facet_counts, results.hints, results.did_you_mean

Errors: only ``enablement.search.errors`` types escape. ``IndexDamaged`` (and its subclasses
``IndexMissing``, ``IndexOutdated``) → rebuild from the database; ``IndexBusy`` → another
writer holds the lock, retry later; ``IndexWriteFailed`` → disk full or permissions, tell
the user. A rebuild that fails the same way twice is a bug: report it.

The query language (``enablement.search.query.parse_query``) is engine-neutral; see
``enablement.search.query.parser`` for the grammar.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from enablement.search.backend import Progress, SearchBackend
from enablement.search.documents import (COUNTED_DIMENSIONS, FILTER_DIMENSIONS, NONE_KEY, Hit,
                                         IndexDoc, IndexStatus, SearchRequest, SearchResults,
                                         SimilarDoc, Vocabulary)
from enablement.search.errors import (IndexBusy, IndexDamaged, IndexMissing, IndexOutdated,
                                      IndexWriteFailed, SearchError)

if TYPE_CHECKING:
    from enablement.search.index import LibraryIndex

__all__ = [
    "COUNTED_DIMENSIONS", "FILTER_DIMENSIONS", "NONE_KEY", "Hit", "IndexDoc", "IndexStatus",
    "SearchRequest", "SearchResults", "SimilarDoc", "Vocabulary", "Progress", "SearchBackend",
    "IndexBusy", "IndexDamaged", "IndexMissing", "IndexOutdated", "IndexWriteFailed",
    "SearchError", "LibraryIndex", "ENGINES", "open_backend",
]
ENGINES = ("whoosh", "tantivy")


def open_backend(index_dir: Path, engine: str = "whoosh", **options: Any) -> "LibraryIndex":
    """The search backend for a library's index folder.

    ``engine`` ("whoosh" or "tantivy") creates a missing index and is what ``rebuild`` writes
    by default; an existing index is read with the engine that wrote it (its folder says
    which). ``options`` go to ``LibraryIndex`` (``busy_timeout``, ``bulk_limitmb``,
    ``bulk_procs``). Nothing is read until the first call on the backend.
    """
    from enablement.search.index import LibraryIndex

    return LibraryIndex(Path(index_dir), engine=engine, **options)


def __getattr__(name: str) -> Any:
    # Lazy export, so ``import enablement.search`` does not import an engine.
    if name == "LibraryIndex":
        from enablement.search.index import LibraryIndex

        return LibraryIndex
    raise AttributeError(name)
