"""Query text → tokens. Never raises: odd input becomes fewer tokens plus hints.

Input is cleaned and capped *before* tokenizing (control characters, Unicode forms, length),
then the number of terms is capped, so the parser only ever sees a small, sane token list.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

MAX_CHARS = 500
MAX_TERMS = 32

# Field names accepted before a colon → the dimension they filter.
FIELD_NAMES: dict[str, str] = {
    "stage": "stage", "gate": "gate", "persona": "persona", "industry": "industry",
    "product": "product", "type": "content_type", "content_type": "content_type",
    "owner": "owner", "status": "status", "source": "source", "lang": "language",
    "language": "language", "file": "file_type", "filetype": "file_type", "kind": "kind",
}

TokenKind = Literal["WORD", "PHRASE", "FIELD", "LPAREN", "RPAREN", "AND", "OR", "NOT"]
_KEYWORDS: dict[str, TokenKind] = {"AND": "AND", "OR": "OR", "NOT": "NOT", "&&": "AND", "||": "OR"}
_STOP_CHARS = set('()"')
# The field names a hint lists (aliases left out).
_LISTED_FIELDS = ("stage", "gate", "persona", "industry", "product", "type", "owner", "status",
                  "source", "lang", "file", "kind")
_FIELD_LIKE = re.compile(r"[^\W\d]\w*")  # letters first: ``nosuchfield:x``, not ``10:30``


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    text: str = ""
    field: str = ""          # FIELD: the dimension (``content_type``...)
    name: str = ""           # FIELD: the field name as typed (for hints)
    quoted: bool = False     # FIELD: the value was quoted (never split on commas)
    spaced: bool = False     # FIELD: typed with a space after the colon (``stage: evaluation``)


def clean(text: str) -> tuple[str, list[str]]:
    """Normalise Unicode, turn control characters into spaces and cap the length."""
    hints: list[str] = []
    if len(text) > 20 * MAX_CHARS:
        text = text[: 20 * MAX_CHARS]  # bound the work done by the normalisation below
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = text.strip()
    if len(text) > MAX_CHARS:
        cut = text.rfind(" ", MAX_CHARS - 60, MAX_CHARS)
        text = text[: cut if cut > 0 else MAX_CHARS].rstrip()
        hints.append(f"query shortened to {MAX_CHARS} characters")
    return text, hints


def _read_quoted(text: str, start: int, hints: list[str]) -> tuple[str, int]:
    """Read from just after an opening quote; an unclosed quote runs to the end."""
    end = text.find('"', start)
    if end < 0:
        hints.append("a quote was not closed; it was closed at the end of the query")
        return text[start:], len(text)
    return text[start:end], end + 1


def tokenize(raw: str) -> tuple[list[Token], list[str], bool]:
    """Split query text into tokens. Returns ``(tokens, hints, ends_in_open_word)``.

    ``ends_in_open_word`` is True when the text ends in a bare word with no space after it:
    the word the user is still typing.
    """
    text, hints = clean(raw)
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(Token("LPAREN"))
            i += 1
        elif ch == ")":
            tokens.append(Token("RPAREN"))
            i += 1
        elif ch == '"':
            value, i = _read_quoted(text, i + 1, hints)
            tokens.append(Token("PHRASE", value.strip()))
        elif ch == "-" and (i + 1 >= n or text[i + 1].isspace() or text[i + 1] in "-)"):
            i += 1  # a dash on its own (or "--") means nothing; skip it quietly
        elif ch == "-":
            tokens.append(Token("NOT", "-"))
            i += 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in _STOP_CHARS:
                i += 1
            word = text[start:i]
            i = _word_token(word, text, i, tokens, hints)
    open_word = bool(tokens) and tokens[-1].kind == "WORD" and not raw[-1:].isspace()
    tokens, capped = _cap_terms(tokens)
    if capped:
        hints.append(f"query shortened to {MAX_TERMS} terms")
        open_word = False
    return tokens, hints, open_word


def _word_token(word: str, text: str, i: int, tokens: list[Token], hints: list[str]) -> int:
    """Classify one bare word (keyword, field filter or plain word); return the new index."""
    if word in _KEYWORDS:
        tokens.append(Token(_KEYWORDS[word]))
        return i
    name, colon, value = word.partition(":")
    field = FIELD_NAMES.get(name.lower()) if colon else None
    if field is None:
        if colon and value and not value.startswith("/") and _FIELD_LIKE.fullmatch(name):
            hints.append(_not_a_field(name, word))
        tokens.append(Token("WORD", word))
        return i
    quoted = spaced = False
    if not value and i < len(text) and text[i] == '"':
        value, i = _read_quoted(text, i + 1, hints)
        quoted = True
    elif not value:
        value, quoted, i = _value_after_space(text, i, hints)
        spaced = bool(value)
    value = value.strip()
    if not value:
        hints.append(f"{name.lower()}: needs a value")
        return i
    tokens.append(Token("FIELD", value, field=field, name=name.lower(), quoted=quoted, spaced=spaced))
    return i


def _not_a_field(name: str, word: str) -> str:
    """The hint for ``nosuchfield:x``: searched as text, with the fields that exist."""
    close = difflib.get_close_matches(name.lower(), list(FIELD_NAMES), n=1, cutoff=0.75)
    guess = f" (did you mean {close[0]}:?)" if close else ""
    return (f"'{name}' is not a field{guess}, so '{word}' was searched as text; "
            f"fields are: {', '.join(_LISTED_FIELDS)}")


def _value_after_space(text: str, i: int, hints: list[str]) -> tuple[str, bool, int]:
    """``stage: evaluation``: the word (or quoted phrase) after the space, as the field's value.

    Returns ``(value, quoted, new index)``; no value when the field ends the query or an
    operator, a parenthesis or another field follows (then the index is left where it was).
    """
    j = i
    while j < len(text) and text[j].isspace():
        j += 1
    if j == i or j >= len(text) or text[j] in "()-":
        return "", False, i
    if text[j] == '"':
        value, end = _read_quoted(text, j + 1, hints)
        return value, True, end
    end = j
    while end < len(text) and not text[end].isspace() and text[end] not in _STOP_CHARS:
        end += 1
    word = text[j:end]
    if word in _KEYWORDS or ":" in word:
        return "", False, i
    return word, False, end


def _cap_terms(tokens: list[Token]) -> tuple[list[Token], bool]:
    """Keep the first ``MAX_TERMS`` term tokens (words, phrases, fields) and the operators between."""
    kept: list[Token] = []
    terms = 0
    for token in tokens:
        if token.kind in ("WORD", "PHRASE", "FIELD"):
            terms += 1
            if terms > MAX_TERMS:
                return kept, True
        kept.append(token)
    return kept, False
