"""Titles and file names are display data: show them with control and bidi characters escaped.

A title is written by whoever made the file. Printed raw, a newline splits a listing row,
an escape sequence drives the terminal, and U+202E (right-to-left override) makes
``unicode-\u202egnp.pdf`` look like "…fdp.png". ``escape_display`` makes each of those
characters visible as an escape (``\\n``, ``\\x1b``, ``\\u202e``) and leaves everything else,
accents and non-Latin scripts included, as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# C0 and C1 controls, DEL; bidi embeddings, overrides, isolates and marks; line and
# paragraph separators; zero-width characters that hide text; the BOM.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    # \xNN only below DEL: everything else as \uNNNN, which is also valid inside JSON.
    return f"\\x{code:02x}" if code < 0x7F else f"\\u{code:04x}"


def escape_display(text: object) -> str:
    """``text`` with every control, bidi and invisible formatting character escaped."""
    return _UNSAFE.sub(_escape, str(text if text is not None else ""))


# For whole lines of output: the layout's own line breaks, tabs and carriage returns (a
# progress bar) stay; everything else unsafe is escaped, and so are lone surrogates (bytes
# that were not valid UTF-8 in a file name or an argument).
_UNSAFE_IN_OUTPUT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e"
                               "\u2060-\u2069\ufeff\ud800-\udfff]")


def escape_output(text: str) -> str:
    """``text`` (whole lines of terminal output) with unsafe characters escaped, line
    breaks kept."""
    return _UNSAFE_IN_OUTPUT.sub(_escape, text)


def has_unsafe_characters(text: str) -> bool:
    """Whether ``escape_display`` would change ``text``."""
    return _UNSAFE.search(text) is not None


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` with its noun in the right number: "1 piece", "0 pieces", "1,204 pieces"
    ("1 library", "2 libraries" with ``plural`` given where adding "s" is wrong)."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def listed(items: Sequence[str], last: str = "and") -> str:
    """Words joined as a sentence lists them: "stage", "stage and gate", "stage, gate and owner"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def pages_phrase(pages: "tuple[int, ...] | list[int]", file_type: str, shown: int = 6) -> str:
    """Where a search hit is in a paged file: "slide 5", "slides 5, 12", "pages 2, 3, 7 and 4 more"
    ("" when there are no pages)."""
    if not pages:
        return ""
    noun = "slide" if file_type in ("pptx", "ppt", "key", "odp") else "page"
    numbers = ", ".join(str(p) for p in pages[:shown])
    more = f" and {len(pages) - shown} more" if len(pages) > shown else ""
    return f"{noun}{'s' if len(pages) > 1 else ''} {numbers}{more}"
