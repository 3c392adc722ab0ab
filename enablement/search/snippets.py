"""Snippets and highlighted titles, computed only for the page of hits being shown.

Engine-neutral: it needs the query's words and the stemmer the index uses. Rather than
re-analysing whole documents (slow in pure Python), a regex finds *candidate* words that start
like a query stem, and only those are stemmed and confirmed. Output is HTML: text escaped,
matches wrapped in ``<b>…</b>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from html import escape

from enablement.models.vocab import PAGE_BREAK
from enablement.search.query.expand import STOPWORDS

SNIPPET_WIDTH = 200
_LEAD = 60  # characters of context shown before the first match
_ELLIPSIS = "…"
_WORD_TAIL = re.compile(r"[^\W_]*")  # words as the index splits them: letters and digits


class Highlighter:
    """Marks the words of one query in any text."""

    def __init__(self, words: frozenset[str], prefixes: frozenset[str],
                 stem: Callable[[str], str], stems: frozenset[str] = frozenset()) -> None:
        """``stems``: more index stems to mark (what a word being typed was expanded to)."""
        self._stem = stem
        words = frozenset(w for w in words if w not in STOPWORDS) or words
        self._words = words
        self._stems = frozenset(stem(w) for w in words) | stems
        self._prefixes = prefixes
        starts = {s[:-1] if len(s) > 3 else s for s in self._stems} | set(words) | set(prefixes)
        self._candidates = None
        shortest = _shortest_starts(s for s in starts if s)
        if shortest:
            alternation = "|".join(re.escape(s) for s in shortest)
            self._candidates = re.compile(rf"(?<![^\W_])(?:{alternation})[^\W_]*", re.IGNORECASE)

    def _matches(self, text: str, scan: int | None = None) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of each match; with ``scan``, only matches starting before it."""
        if self._candidates is None:
            return
        end_pos = len(text) if scan is None else min(scan, len(text))
        for m in self._candidates.finditer(text, 0, end_pos):
            end = m.end()
            if end == end_pos < len(text):  # a word cut by the scan limit: take all of it
                tail = _WORD_TAIL.match(text, end)  # \w* always matches, maybe empty
                end = tail.end() if tail else end
            word = text[m.start():end].lower()
            if (word in self._words or self._stem(word) in self._stems
                    or any(word.startswith(p) for p in self._prefixes)):
                yield m.start(), end

    def pages(self, text: str, limit: int = 50) -> tuple[int, ...]:
        """The pages (1-based) of a paged text (see ``PAGE_BREAK``) that hold a match, in order,
        at most ``limit`` of them; () for a text without page breaks."""
        if PAGE_BREAK not in text:
            return ()
        found: list[int] = []
        page, counted = 1, 0
        for start, _end in self._matches(text):
            page += text.count(PAGE_BREAK, counted, start)
            counted = start
            if not found or found[-1] != page:
                found.append(page)
                if len(found) >= limit:
                    break
        return tuple(found)

    def mark(self, text: str) -> str:
        """All of ``text``, escaped, with every match in ``<b>``."""
        out: list[str] = []
        last = 0
        for start, end in self._matches(text):
            out.append(escape(text[last:start]))
            out.append("<b>" + escape(text[start:end]) + "</b>")
            last = end
        out.append(escape(text[last:]))
        return "".join(out)

    def snippet(self, text: str, width: int = SNIPPET_WIDTH, scan: int | None = None) -> str | None:
        """About ``width`` characters around the first match, or None if nothing matches.

        ``scan``: look for the first match in that many leading characters only (the cost of a
        snippet is the scan up to the first match; a long text without one is the slow case).
        """
        first = next(self._matches(text, scan), None)
        if first is None:
            return None
        start = max(0, first[0] - _LEAD)
        if start > 0:
            space = text.find(" ", start, first[0])
            start = space + 1 if space >= 0 else start
        return _window(text, start, width, self.mark)


def _shortest_starts(starts: Iterable[str]) -> list[str]:
    """The starts no other start is a prefix of: a candidate runs to the end of its word
    anyway, so "integ" finds every word "integr" would. A word being typed expands to dozens
    of stems sharing its first letters; Python's regex engine tries each alternative at
    every position, so the scan for the first match got that many times slower."""
    kept: list[str] = []
    for start in sorted(set(starts), key=lambda s: (len(s), s)):
        if not any(start.startswith(k) for k in kept):
            kept.append(start)
    return kept


def _window(text: str, start: int, width: int, render: Callable[[str], str]) -> str:
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space > 0 else end
    piece = " ".join(text[start:end].split())  # newlines and runs of spaces read badly
    prefix = _ELLIPSIS if start > 0 else ""
    suffix = _ELLIPSIS if end < len(text) else ""
    return prefix + render(piece) + suffix


def plain_snippet(text: str, width: int = SNIPPET_WIDTH) -> str:
    """The start of ``text``, escaped, for hits whose text has no visible match."""
    return _window(text, 0, width, escape)
