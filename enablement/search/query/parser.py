"""Tokens → syntax tree, by recursive descent. Never raises on any input.

Grammar (AND binds tighter than OR; juxtaposition is AND)::

    expr   := and (OR and)*
    and    := unary (AND? unary)*
    unary  := (NOT | '-') unary | '(' expr ')' | WORD | PHRASE | FIELD

Malformed input is repaired and explained in hints: a missing ``)`` is added at the end, a
stray ``)`` or a dangling ``OR``/``NOT`` is dropped, nesting deeper than ``MAX_DEPTH`` is
flattened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from enablement.search.documents import Vocabulary
from enablement.search.query.ast import And, FieldFilter, Node, Not, Or, Phrase, Term, to_text, walk_positive
from enablement.search.query.expand import drop_short_typing, drop_stopwords, expand_synonyms
from enablement.search.query.resolve import resolve_filter
from enablement.search.query.tokens import Token, tokenize

MAX_DEPTH = 8
_HAS_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class ParsedQuery:
    """The result of parsing.

    ``node`` is the query as understood (echoed back as ``echo``); ``search_node`` is what a
    backend should run: ``node`` with synonyms expanded and stopwords dropped. ``sets_status``:
    the query itself picks statuses (so the default "hide archived" does not apply);
    ``has_text``: there is free text to rank by (otherwise browse newest first); a word still
    being typed counts only once it is long enough to be searched (``MIN_TYPING_CHARS``).
    """

    node: Node | None
    search_node: Node | None
    hints: tuple[str, ...]
    echo: str
    sets_status: bool
    has_text: bool


class _Parser:
    def __init__(self, tokens: list[Token], vocabulary: Vocabulary, open_word: bool) -> None:
        self.tokens = tokens
        self.pos = 0
        self.vocabulary = vocabulary
        self.hints: list[str] = []
        self.open_word = open_word
        self._hinted: set[str] = set()

    def hint(self, text: str) -> None:
        if text not in self._hinted:  # one hint per kind of problem is enough
            self._hinted.add(text)
            self.hints.append(text)

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def expr(self, depth: int) -> Node | None:
        groups: list[list[Node]] = [[]]
        while (token := self.peek()) is not None:
            if token.kind == "RPAREN":
                if depth > 0:
                    break
                self.hint("a ')' without a matching '(' was ignored")
                self.pos += 1
            elif token.kind == "OR":
                self.pos += 1
                if groups[-1]:
                    groups.append([])
                else:
                    self.hint("OR needs a term on each side")
            elif token.kind == "AND":
                self.pos += 1
                if not groups[-1]:
                    self.hint("AND needs a term on each side")
            else:
                node = self.unary(depth)
                if node is not None:
                    groups[-1].append(node)
        if len(groups) > 1 and not groups[-1]:
            self.hint("OR needs a term on each side")
        parts = [g[0] if len(g) == 1 else And(tuple(g)) for g in groups if g]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def unary(self, depth: int) -> Node | None:
        token = self.tokens[self.pos]
        self.pos += 1
        if token.kind == "NOT":
            following = self.peek()
            if following is None or following.kind in ("RPAREN", "OR", "AND"):
                self.hint("NOT needs a term after it")
                return None
            child = self.unary(depth)
            if child is None:
                return None
            return child.child if isinstance(child, Not) else Not(child)
        if token.kind == "LPAREN":
            if depth >= MAX_DEPTH:
                self.hint("too many nested parentheses; the inner ones were ignored")
                return None
            inner = self.expr(depth + 1)
            closing = self.peek()
            if closing is not None and closing.kind == "RPAREN":
                self.pos += 1
            else:
                self.hint("a '(' was not closed; it was closed at the end of the query")
            return inner
        if token.kind == "WORD":
            return self.word(token.text, last=self.pos == len(self.tokens))
        if token.kind == "PHRASE":
            return self.unary_phrase(token.text)
        if token.kind == "FIELD":
            if token.spaced:
                return self.spaced_field(token)
            values = [token.text] if token.quoted else token.text.split(",")
            return resolve_filter(token.field, token.name, values, self.vocabulary, self.hints)
        return None  # unreachable: operators are consumed by expr()

    def spaced_field(self, token: Token) -> Node | None:
        """``stage: evaluation`` (a space after the colon): the value is used when it is one
        of the field's values; otherwise it is searched as text. Either way a hint says so."""
        values = [token.text] if token.quoted else token.text.split(",")
        problems: list[str] = []
        node = resolve_filter(token.field, token.name, values, self.vocabulary, problems)
        shown = f'"{token.text}"' if token.quoted else token.text
        if node is not None and not problems:
            self.hint(f"read '{token.name}: {shown}' as {token.name}:{shown} "
                      "(a field's value goes right after the colon)")
            return node
        self.hint(f"'{token.name}:' needs its value right after the colon; '{token.text}' is not a "
                  f"{token.field.replace('_', ' ')}, so it was searched as text")
        self.hints.extend(problems)
        if token.quoted:
            return self.unary_phrase(token.text)
        return self.word(token.text, last=self.pos == len(self.tokens))

    def unary_phrase(self, text: str) -> Node | None:
        text = " ".join(text.split())
        return Phrase(text) if _HAS_WORD.search(text) else None

    def word(self, text: str, last: bool) -> Node | None:
        prefix = text.endswith("*")
        core = text.replace("*", "")
        if not _HAS_WORD.search(core):
            if prefix:
                self.hint("'*' needs a few letters before it, like price*")
            return None
        if prefix and len(core) < 2:
            self.hint("type at least 2 letters before '*'")
            return None
        # Any length: a short word being typed is left out of the search (drop_short_typing),
        # not required as a whole word.
        typing = last and self.open_word and not prefix
        return Term(core, prefix=prefix, typing=typing)


def parse_query(text: str, vocabulary: Vocabulary | None = None, *,
                as_you_type: bool = False) -> ParsedQuery:
    """Parse query text. Never raises; problems come back as ``hints``.

    ``as_you_type``: the last word, if the text does not end in a space, also matches as a
    prefix (the user has not finished typing it); while it is shorter than ``MIN_TYPING_CHARS``
    it is left out of ``search_node`` (still in ``node`` and the echo).
    """
    vocabulary = vocabulary or Vocabulary()
    tokens, hints, open_word = tokenize(text or "")
    parser = _Parser(tokens, vocabulary, open_word and as_you_type)
    parser.hints[:0] = hints
    node = parser.expr(0)
    searched = drop_short_typing(node)
    search_node = drop_stopwords(expand_synonyms(searched, vocabulary.synonyms))
    leaves = list(walk_positive(node))
    sets_status = any(isinstance(leaf, FieldFilter) and leaf.field == "status" and not neg
                      for leaf, neg in leaves)
    has_text = any(isinstance(leaf, (Term, Phrase)) and not neg
                   for leaf, neg in walk_positive(searched))
    return ParsedQuery(node=node, search_node=search_node, hints=tuple(parser.hints),
                       echo=to_text(node), sets_status=sets_status, has_text=has_text)
