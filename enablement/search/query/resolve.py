"""Field values as typed → canonical keys, using the Vocabulary.

A value is matched, in order: exactly (case, spacing and a trailing "?" ignored), by a unique
prefix of a name or key, then by a unique "every typed word starts a word of the name" match
(so ``gate:investment`` finds "Is this worth the investment?"). Anything else is dropped with
a hint that lists what exists. ``none`` means "no value in this dimension".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from enablement.search.documents import NONE_KEY, Vocabulary, normalize_name
from enablement.search.query.ast import FieldFilter

# Closed dimensions that are not part of the taxonomy.
_FIXED: dict[str, dict[str, str]] = {
    "status": {"draft": "draft", "published": "published", "archived": "archived"},
    "source": {"marketing": "marketing", "rep": "rep", "rep-made": "rep", "reps": "rep"},
    "kind": {"file": "file", "link": "link", "url": "link"},
    "file_type": {
        "pdf": "pdf", "docx": "docx", "pptx": "pptx", "xlsx": "xlsx", "txt": "txt",
        "md": "md", "html": "html", "doc": "docx", "word": "docx", "ppt": "pptx",
        "powerpoint": "pptx", "xls": "xlsx", "excel": "xlsx", "text": "txt",
        "markdown": "md", "htm": "html",
    },
}
_ALL_STATUSES = ("draft", "published", "archived")
_PLURAL = {"stage": "stages", "gate": "gates", "persona": "personas", "industry": "industries",
           "product": "products", "content_type": "types", "language": "languages",
           "status": "statuses", "source": "sources", "kind": "kinds", "file_type": "file types"}
_WORDS = re.compile(r"\w+")
_MAX_LISTED = 12


def _table(dimension: str, vocabulary: Vocabulary) -> Mapping[str, str]:
    if dimension in _FIXED:
        return _FIXED[dimension]
    return vocabulary.lookup(dimension)


def match_value(value: str, table: Mapping[str, str]) -> tuple[str | None, set[str]]:
    """Return ``(key, candidates)``: the key if one matched, else every near candidate."""
    norm = normalize_name(value)
    if norm in table:
        return table[norm], set()
    prefixed = {key for name, key in table.items() if name.startswith(norm)}
    if len(prefixed) == 1:
        return prefixed.pop(), set()
    if prefixed:
        return None, prefixed
    typed = _WORDS.findall(norm)
    if typed:
        worded = {key for name, key in table.items()
                  if all(any(w.startswith(t) for w in _WORDS.findall(name)) for t in typed)}
        if len(worded) == 1:
            return worded.pop(), set()
        return None, worded
    return None, set()


def _names(dimension: str, vocabulary: Vocabulary, keys: set[str] | None = None) -> list[str]:
    if dimension in _FIXED:
        pairs = [(k, k) for k in dict.fromkeys(_FIXED[dimension].values())]
    else:
        pairs = list(vocabulary.labels(dimension))
    if dimension == "gate":
        pairs = [(k, k) for k, _ in pairs]  # questions are too long to list: show keys
    return [label for key, label in pairs if keys is None or key in keys]


def _listing(names: list[str]) -> str:
    more = len(names) - _MAX_LISTED
    text = ", ".join(names[:_MAX_LISTED])
    return text + (f" and {more} more" if more > 0 else "")


def resolve_filter(dimension: str, typed_name: str, values: list[str],
                   vocabulary: Vocabulary, hints: list[str]) -> FieldFilter | None:
    """Turn ``stage:evaluation``-style values into a ``FieldFilter`` (None if nothing matched)."""
    if dimension == "owner":
        text = " ".join(" ".join(values).lower().split())
        if normalize_name(text) == "none":
            return FieldFilter("owner", (), none=True)
        return FieldFilter("owner", (text,)) if _WORDS.search(text) else None
    keys: list[str] = []
    none = False
    table = _table(dimension, vocabulary)
    for value in values:
        norm = normalize_name(value.rstrip("*").lstrip("."))
        if not norm:
            continue
        if norm in ("none", NONE_KEY):
            none = True
            continue
        if dimension == "status" and norm in ("all", "any"):
            keys.extend(_ALL_STATUSES)
            continue
        if not table:
            keys.append(value.strip())  # no vocabulary for this dimension: trust the key
            continue
        key, candidates = match_value(norm, table)
        if key is not None:
            keys.append(key)
        elif candidates:
            hints.append(f"{typed_name} '{value}' could be "
                         f"{_listing(_names(dimension, vocabulary, candidates))}; type more")
        else:
            plural = _PLURAL.get(dimension, dimension)
            hints.append(f"no {dimension.replace('_', ' ')} called '{value}'; {plural} are: "
                         f"{_listing(_names(dimension, vocabulary))}")
    keys = list(dict.fromkeys(keys))
    if not keys and not none:
        return None
    return FieldFilter(dimension, tuple(keys), none=none)
