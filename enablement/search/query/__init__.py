"""The query language: text → tokens → syntax tree. Engine-neutral and tested without an index.

``parse_query(text, vocabulary)`` is the entry point; see ``parser`` for the grammar and
``ast`` for the tree a backend translates.
"""

from enablement.search.query.ast import And, FieldFilter, Node, Not, Or, Phrase, Term, highlight_words, to_text
from enablement.search.query.parser import ParsedQuery, parse_query
from enablement.search.query.tokens import FIELD_NAMES, MAX_CHARS, MAX_TERMS

__all__ = [
    "And", "FieldFilter", "Node", "Not", "Or", "Phrase", "Term", "highlight_words", "to_text",
    "ParsedQuery", "parse_query", "FIELD_NAMES", "MAX_CHARS", "MAX_TERMS",
]
