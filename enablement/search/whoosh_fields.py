"""Whoosh text fields that index exactly what their analyzer chain would, with less work.

Whoosh indexes a text field by running its analyzer: one ``Token`` object per word pushed
through a generator per filter (lower case, accent folding, size limits, stemming), then
grouped into postings in Python: about a third of the CPU of indexing a body.

``FastText`` produces the same ``(term bytes, frequency, weight, value bytes)`` postings from
``re.findall`` (C), one memoised word → term lookup per word (``WordTerms``: a word is folded
and stemmed once, then looked up), and a grouping pass. The schema's analyzers stay the
stock chains: queries, phrases and highlighting use them, and ``tests/test_whoosh_fields``
proves, over many texts, that both paths give identical postings.

A ``FastText`` pickles (in the schema stored in an index's table of contents) as the stock
``TEXT`` it mirrors, without its word memo: loaded back, it is that stock field.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import Any, cast

from whoosh import fields, formats
from whoosh.system import pack_uint

MAX_REMEMBERED_WORDS = 200_000


class WordTerms(dict[str, str | None]):
    """Word as matched → indexed term, or None when the analyzer drops it (too short/long).

    The same steps as ``LowercaseFilter | CharsetFilter | StopFilter(stoplist=()) |
    StemFilter`` on one token, computed once per distinct word; bounded by clearing.
    """

    def __init__(self, charmap: dict[int, str], minsize: int, maxsize: int,
                 stem: Callable[[str], str] | None) -> None:
        super().__init__()
        self._charmap = charmap
        self._minsize = minsize
        self._maxsize = maxsize
        self._stem = stem

    def __missing__(self, word: str) -> str | None:
        text = word.lower().translate(self._charmap)
        term: str | None = None
        if self._minsize <= len(text) <= self._maxsize:
            term = self._stem(text) if self._stem is not None else text
        if len(self) >= MAX_REMEMBERED_WORDS:
            self.clear()
        self[word] = term
        return term


def stock_text(state: dict[str, Any]) -> Any:
    """The stock ``TEXT`` field of ``state``: what a pickled ``FastText`` loads as."""
    field = fields.TEXT.__new__(fields.TEXT)
    field.__dict__.update(state)
    return field


class FastText(fields.TEXT):
    """A ``TEXT`` field whose ``index`` skips the per-token analyzer objects.

    ``pattern`` and ``terms`` must describe the field's analyzer (a ``RegexTokenizer`` of
    ``pattern`` followed by the filters ``terms`` applies); the analyzer itself is kept for
    queries. Only plain strings indexed the ordinary way take the fast path.
    """

    def __init__(self, pattern: str, terms: WordTerms, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(self.format, (formats.Positions, formats.Frequency)) \
                or isinstance(self.format, formats.Characters):
            raise ValueError("FastText indexes positions or frequencies only")
        self._findall = re.compile(pattern, re.UNICODE).findall
        self._terms = terms

    def __reduce__(self) -> tuple[Callable[[dict[str, Any]], Any], tuple[dict[str, Any]]]:
        return stock_text, ({k: v for k, v in self.__dict__.items() if k not in ("_findall", "_terms")},)

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if kwargs or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        found = list(map(self._terms.__getitem__, self._findall(value)))
        first = 0
        if None in found:
            # StopFilter(renumber=True): the first kept word keeps its position, the
            # following kept words are numbered on from it.
            first = next((i for i, t in enumerate(found) if t is not None), 0)
            terms = [t for t in found if t is not None]
        else:
            terms = cast(list[str], found)
        boost = self.format.field_boost
        if isinstance(self.format, formats.Positions):
            encode = self.format.encode
            positions: defaultdict[str, list[int]] = defaultdict(list)
            for pos, term in enumerate(terms, first):
                positions[term].append(pos)
            for term, poslist in positions.items():
                freq = len(poslist)
                yield term.encode("utf-8"), freq, float(freq) * boost, encode(poslist)
        else:
            for term, freq in Counter(terms).items():
                yield term.encode("utf-8"), freq, float(freq) * boost, pack_uint(freq)
