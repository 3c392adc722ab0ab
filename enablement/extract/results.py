"""Plain, frozen results of extraction, and the capped collector parsers write into.

Everything here is stdlib-only and cheap to import: the parent process imports it
without pulling in any parser library.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from enablement.models.vocab import PAGE_BREAK, Outcome

BlockKind = Literal["page", "slide", "heading", "paragraph", "table", "sheet"]
BLOCK_KINDS: frozenset[str] = frozenset({"page", "slide", "heading", "paragraph", "table", "sheet"})
OUTCOMES: frozenset[str] = frozenset({Outcome.OK, Outcome.OK_NO_TEXT, Outcome.REJECTED,
                                      Outcome.FAILED})

# Previews need the shape of a document, not a second copy of all of it.
MAX_BLOCKS = 2_000
MAX_BLOCK_CHARS = 4_000
MAX_META_CHARS = 500
MAX_DETAIL_CHARS = 300
PAGED_KINDS = frozenset({"page", "slide"})

TYPE_LABELS: dict[str, str] = {
    "pdf": "PDF",
    "docx": "Word document",
    "pptx": "PowerPoint presentation",
    "xlsx": "Excel workbook",
    "txt": "text file",
    "md": "Markdown file",
    "html": "web page (HTML)",
}


@dataclass(frozen=True)
class Block:
    """One unit of a document's structure, for previews.

    ``level`` is the heading level for ``heading`` blocks (0 for a document title) and
    0 for every other kind; blocks are in document order.
    """

    kind: BlockKind
    level: int
    text: str


@dataclass(frozen=True)
class Extracted:
    """What extraction learned about one file. Only plain, bounded data."""

    outcome: str  # "ok" | "ok_no_text" | "rejected" | "failed"
    detail: str
    file_type: str | None
    text: str
    title: str
    author: str
    page_count: int | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class SniffResult:
    """The type a file's bytes say it is.

    ``file_type`` is None when the file is refused; ``reason`` then says why. When the
    type is known, ``reason`` is empty or notes a corrected extension
    (``extension_mismatch``), e.g. "named .pdf but is a Word document".
    """

    file_type: str | None
    reason: str
    extension_mismatch: bool = False


def rejected(reason: str, file_type: str | None = None) -> Extracted:
    """A refusal: the file must leave no trace."""
    return Extracted(Outcome.REJECTED.value, reason, file_type, "", "", "", None, ())


def failed(reason: str, file_type: str | None = None) -> Extracted:
    """A supported file that could not be read; the caller still keeps it as a piece."""
    return Extracted(Outcome.FAILED.value, reason, file_type, "", "", "", None, ())


class ExtractProblem(Exception):
    """Raised by parsers to end with a specific, human outcome instead of a crash."""

    def __init__(self, outcome: Outcome, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


def clip(text: object, limit: int = MAX_META_CHARS) -> str:
    """``text`` as a single-line, NFC-normalised string of at most ``limit`` characters."""
    value = " ".join(unicodedata.normalize("NFC", str(text or "")).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


class Collector:
    """Accumulates text and blocks under the caps of one extraction.

    Parsers add content in document order and stop early once ``full`` is true, so a
    huge file costs no more than its first ``max_chars`` characters.
    """

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.truncated = False
        self.notes: list[str] = []  # extra words for the detail, e.g. "3 page(s) could not be read"
        self._parts: list[str] = []
        self._chars = 0
        self._blocks: list[Block] = []
        self._block_chars = 0
        self._pages = 0  # pages or slides seen, empty ones included
        self._breaks = 0  # page breaks not yet written (pages with no text in between)

    @property
    def full(self) -> bool:
        """True once the text cap is reached."""
        return self._chars >= self.max_chars

    def add(self, kind: BlockKind, text: str, level: int = 0, *, block: bool = True) -> None:
        """Append ``text`` to the searchable text and, if wanted, as a block.

        Text is stored NFC-normalised: "café" typed as e + combining accent (as macOS
        file systems and some PDFs write it) is then the same string as the composed one."""
        text = unicodedata.normalize("NFC", text).strip().replace(PAGE_BREAK, " ")
        if kind in PAGED_KINDS:
            self._pages += 1
            self._breaks += self._pages > 1
        if not text:
            if block and kind in ("page", "slide", "sheet"):
                self._add_block(kind, level, "")  # an empty slide still counts for previews
            return
        room = self.max_chars - self._chars
        if room <= 0:
            self.truncated = True
            return
        if len(text) > room:
            text = text[:room]
            self.truncated = True
        self._parts.append(PAGE_BREAK * self._breaks + text if kind in PAGED_KINDS else text)
        self._chars += len(text) + 1 + (self._breaks if kind in PAGED_KINDS else 0)
        if kind in PAGED_KINDS:
            self._breaks = 0
        if block:
            self._add_block(kind, level, text)

    def _add_block(self, kind: BlockKind, level: int, text: str) -> None:
        if len(self._blocks) >= MAX_BLOCKS or self._block_chars >= self.max_chars:
            return
        text = text[:MAX_BLOCK_CHARS]
        self._blocks.append(Block(kind, level, text))
        self._block_chars += len(text)

    def text(self) -> str:
        """All text collected so far, one part per line."""
        return "\n".join(self._parts)[: self.max_chars]

    def blocks(self) -> tuple[Block, ...]:
        """The structure collected so far."""
        return tuple(self._blocks)
