"""What a worker sends back: JSON, never pickle, checked and bounded by the parent.

A worker parses hostile files; if one ever subverted it, unpickling its messages would
hand the attacker the parent. JSON of strings and numbers cannot do that, and the parent
re-applies every cap before building an ``Extracted``.
"""

from __future__ import annotations

import json
from typing import Any

from enablement.config import ImportLimits
from enablement.extract.results import (BLOCK_KINDS, MAX_BLOCK_CHARS, MAX_BLOCKS,
                                        MAX_DETAIL_CHARS, MAX_META_CHARS, OUTCOMES, Block,
                                        Extracted, failed)
from enablement.models.vocab import FILE_TYPES

MALFORMED = "the reader returned malformed data"


def max_message_bytes(limits: ImportLimits) -> int:
    """The largest message a worker may send: text plus blocks, UTF-8, JSON-escaped."""
    return 12 * limits.max_text_chars + 1024 * 1024


def encode(message: dict[str, Any]) -> bytes:
    """A message as compact UTF-8 JSON."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def result_message(job_id: int, result: Extracted) -> bytes:
    """The message that carries ``result`` for job ``job_id``."""
    return encode({"job": job_id, "result": {
        "outcome": result.outcome, "detail": result.detail, "file_type": result.file_type,
        "text": result.text, "title": result.title, "author": result.author,
        "page_count": result.page_count,
        "blocks": [[b.kind, b.level, b.text] for b in result.blocks],
    }})


def decode(data: bytes) -> dict[str, Any] | None:
    """A message from a worker, or None if it is not a JSON object."""
    try:
        message = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return message if isinstance(message, dict) else None


def to_extracted(raw: object, limits: ImportLimits) -> Extracted:
    """Rebuild an ``Extracted`` from untrusted JSON, re-applying every cap."""
    if not isinstance(raw, dict):
        return failed(MALFORMED)
    outcome, file_type, page_count = raw.get("outcome"), raw.get("file_type"), raw.get("page_count")
    blocks_raw = raw.get("blocks")
    if (outcome not in OUTCOMES or (file_type is not None and file_type not in FILE_TYPES)
            or not (page_count is None or (type(page_count) is int and page_count >= 0))
            or not isinstance(blocks_raw, list)):
        return failed(MALFORMED)
    detail, text, title, author = (raw.get(name) for name in ("detail", "text", "title", "author"))
    if not (isinstance(detail, str) and isinstance(text, str) and isinstance(title, str)
            and isinstance(author, str)):
        return failed(MALFORMED)
    blocks: list[Block] = []
    for item in blocks_raw[:MAX_BLOCKS]:
        if (not isinstance(item, list) or len(item) != 3 or item[0] not in BLOCK_KINDS
                or type(item[1]) is not int or not isinstance(item[2], str)):
            return failed(MALFORMED)
        blocks.append(Block(item[0], item[1], item[2][:MAX_BLOCK_CHARS]))
    return Extracted(outcome=outcome, detail=detail[:MAX_DETAIL_CHARS], file_type=file_type,
                     text=text[: limits.max_text_chars], title=title[:MAX_META_CHARS],
                     author=author[:MAX_META_CHARS], page_count=page_count,
                     blocks=tuple(blocks))
