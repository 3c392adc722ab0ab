"""The syntax tree of a parsed query. Plain frozen dataclasses: no search engine types.

Leaves are free text (``Term``, ``Phrase``) or a resolved ``FieldFilter`` whose ``keys`` are
canonical keys (never the names the user typed). Backends translate this tree to their own
query objects; ``to_text`` turns it back into the normalised query shown to the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Union

# Query-language field name for each dimension, used when echoing a query back.
ECHO_NAMES: dict[str, str] = {
    "content_type": "type", "language": "lang", "file_type": "file",
}


# While typing, a last word with fewer word characters than this is not searched yet: one or
# two letters match too much as a prefix and almost nothing as a word ("security r").
MIN_TYPING_CHARS = 3


@dataclass(frozen=True)
class Term:
    """A free-text word. ``prefix``: ``word*``. ``typing``: the word under the cursor, so it
    also matches as a prefix (search-as-you-type) without showing a ``*`` in the echo."""

    text: str
    prefix: bool = False
    typing: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words that must appear together, in order."""

    text: str


@dataclass(frozen=True)
class FieldFilter:
    """A piece whose ``field`` has any of ``keys`` or, with ``none``, no value at all.

    For ``owner`` the key is the lower-cased name text, matched word by word.
    """

    field: str
    keys: tuple[str, ...] = ()
    none: bool = False


@dataclass(frozen=True)
class Not:
    child: "Node"


@dataclass(frozen=True)
class And:
    children: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    children: tuple["Node", ...]


Node = Union[Term, Phrase, FieldFilter, Not, And, Or]


def typing_chars(text: str) -> int:
    """How many word characters a typed word has (what ``MIN_TYPING_CHARS`` counts)."""
    return sum(1 for ch in text if ch.isalnum())


_BARE_VALUE = re.compile(r"^[\w.\-@+/']+$")


def _quote(value: str) -> str:
    if _BARE_VALUE.match(value):
        return value
    return '"' + value.replace('"', "") + '"'


def to_text(node: Node | None, top: bool = True) -> str:
    """The normalised query text of a tree (what ``SearchResults.query_echo`` shows)."""
    if node is None:
        return ""
    if isinstance(node, Term):
        return node.text + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + node.text + '"'
    if isinstance(node, FieldFilter):
        name = ECHO_NAMES.get(node.field, node.field)
        values = [_quote(k) for k in node.keys] + (["none"] if node.none else [])
        return f"{name}:{','.join(values)}"
    if isinstance(node, Not):
        inner = to_text(node.child, top=False)
        return "-" + inner if isinstance(node.child, (Term, Phrase, FieldFilter)) else "NOT " + inner
    if isinstance(node, And):
        return " ".join(to_text(c, top=False) for c in node.children)
    text = " OR ".join(to_text(c, top=False) for c in node.children)
    return text if top else f"({text})"


def walk_positive(node: Node | None, negated: bool = False) -> Iterator[tuple[Node, bool]]:
    """Yield ``(leaf, negated)`` for every leaf; ``negated`` is True under an odd number of NOTs."""
    if node is None:
        return
    if isinstance(node, Not):
        yield from walk_positive(node.child, not negated)
    elif isinstance(node, (And, Or)):
        for child in node.children:
            yield from walk_positive(child, negated)
    else:
        yield node, negated


def highlight_words(node: Node | None) -> tuple[frozenset[str], frozenset[str]]:
    """Words and prefixes worth highlighting: positive free text only (lower-cased)."""
    words: set[str] = set()
    prefixes: set[str] = set()
    for leaf, negated in walk_positive(node):
        if negated:
            continue
        if isinstance(leaf, Term):
            (prefixes if leaf.prefix else words).add(leaf.text.lower())
            if leaf.typing:
                prefixes.add(leaf.text.lower())
        elif isinstance(leaf, Phrase):
            words.update(re.findall(r"\w+", leaf.text.lower()))
    return frozenset(words), frozenset(prefixes)
