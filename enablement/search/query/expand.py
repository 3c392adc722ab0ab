"""Rewrites applied after parsing: short typed words, synonym expansion and stopword dropping.

Both are engine-neutral tree rewrites, so every backend gets the same behaviour. Synonyms work
both ways and across word counts: ``roi`` becomes ``roi OR "return on investment" OR payback``
and the three typed words ``return on investment`` become the same group. Stopwords are kept
in the index (so phrases stay exact) but a bare ``the`` or ``is`` next to real words would make
an AND query needlessly strict, so it is dropped there. While typing, the word under the cursor
is left out until it has ``MIN_TYPING_CHARS`` characters, so "security r" shows the results for
"security" instead of nothing.
"""

from __future__ import annotations

from enablement.search.query.ast import (MIN_TYPING_CHARS, And, FieldFilter, Node, Not, Or, Phrase,
                                         Term, typing_chars)

STOPWORDS = frozenset(
    "a an and are as at be but by do does for from has have how i if in into is it its "
    "of on or our so than that the their them then there these they this to us was we "
    "were what when where which who why will with would you your".split()
)


def _lookup(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for group in groups:
        for term in group:
            table.setdefault(term, group)
    return table


def _variants(text: str) -> list[str]:
    """The text and a crude singular, so "prices" hits the group of "price"."""
    text = " ".join(text.lower().split())
    out = [text]
    if len(text) > 3 and text.endswith("s") and not text.endswith("ss"):
        out.append(text[:-1])
    return out


def _alternatives(matched: str, group: tuple[str, ...]) -> tuple[Node, ...]:
    return tuple(Phrase(t) if " " in t else Term(t) for t in group if t != matched)


def _expand_leaf(node: Node, table: dict[str, tuple[str, ...]]) -> Node:
    if isinstance(node, Term) and not node.prefix:
        text = node.text
    elif isinstance(node, Phrase):
        text = node.text
    else:
        return node
    for variant in _variants(text):
        if variant in table:
            return Or((node,) + _alternatives(variant, table[variant]))
    return node


def _expand_and(children: tuple[Node, ...], table: dict[str, tuple[str, ...]],
                longest: int) -> tuple[Node, ...]:
    """Expand children of an AND, joining runs of adjacent words that form a synonym."""
    out: list[Node] = []
    i = 0
    while i < len(children):
        matched = False
        for size in range(min(longest, len(children) - i), 1, -1):
            run = children[i:i + size]
            words = [c.text.lower() for c in run if isinstance(c, Term) and not c.prefix]
            if len(words) != len(run):
                continue
            text = " ".join(words)
            hit = next((v for v in _variants(text) if v in table), None)
            if hit is not None:
                out.append(Or((Phrase(text),) + _alternatives(hit, table[hit])))
                i += size
                matched = True
                break
        if not matched:
            out.append(_walk(children[i], table, longest))
            i += 1
    return tuple(out)


def _walk(node: Node, table: dict[str, tuple[str, ...]], longest: int) -> Node:
    if isinstance(node, And):
        children = _expand_and(node.children, table, longest)
        return children[0] if len(children) == 1 else And(children)
    if isinstance(node, Or):
        return Or(tuple(_walk(c, table, longest) for c in node.children))
    if isinstance(node, Not):
        return Not(_walk(node.child, table, longest))
    return _expand_leaf(node, table)


def expand_synonyms(node: Node | None, groups: tuple[tuple[str, ...], ...]) -> Node | None:
    """Replace words and phrases that belong to a synonym group by an OR of the group."""
    if node is None or not groups:
        return node
    table = _lookup(groups)
    longest = max(len(term.split()) for group in groups for term in group)
    return _walk(node, table, longest)


def _is_stopword(node: Node) -> bool:
    return (isinstance(node, Term) and not node.prefix and not node.typing
            and node.text.lower() in STOPWORDS)


def drop_stopwords(node: Node | None) -> Node | None:
    """Remove bare stopwords from ANDs that still have another free-text word."""
    if isinstance(node, And):
        children = tuple(drop_stopwords(c) for c in node.children)
        kept = tuple(c for c in children if c is not None and not _is_stopword(c))
        has_text = any(not isinstance(c, FieldFilter) for c in kept)
        if not has_text:
            kept = tuple(c for c in children if c is not None)
        return kept[0] if len(kept) == 1 else And(kept)
    if isinstance(node, Or):
        return Or(tuple(c for c in (drop_stopwords(c) for c in node.children) if c is not None))
    if isinstance(node, Not):
        child = drop_stopwords(node.child)
        return Not(child) if child is not None else None
    return node


def drop_short_typing(node: Node | None) -> Node | None:
    """Remove the word being typed while it is shorter than ``MIN_TYPING_CHARS``.

    Whatever it was joined to stays: ``security r`` searches ``security``, ``-r`` or a lone
    ``r`` searches nothing (None: browse). Only the one ``typing`` leaf is ever removed.
    """
    if isinstance(node, Term):
        return None if node.typing and typing_chars(node.text) < MIN_TYPING_CHARS else node
    if isinstance(node, Not):
        child = drop_short_typing(node.child)
        return Not(child) if child is not None else None
    if isinstance(node, (And, Or)):
        kept = tuple(c for c in (drop_short_typing(c) for c in node.children) if c is not None)
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else type(node)(kept)
    return node
