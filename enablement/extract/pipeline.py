"""The whole extraction of one file, in the current process: sniff, pre-check, parse.

The sandbox runs this inside a worker; tests call it directly.
"""

from __future__ import annotations

from pathlib import Path

from enablement.config import ImportLimits
from enablement.extract.results import (MAX_DETAIL_CHARS, Collector, Extracted, ExtractProblem,
                                        clip, failed, rejected)
from enablement.extract.sniff import sniff_path
from enablement.extract.zipcheck import zip_problem
from enablement.models.vocab import Outcome

_OOXML = ("docx", "pptx", "xlsx")
NO_TEXT_SCANNED = "no searchable text (scanned?)"
NO_TEXT = "no text found"


def run_extraction(path: Path, limits: ImportLimits) -> Extracted:
    """Extract ``path`` without a sandbox.

    ``MemoryError`` propagates (the worker turns it into the memory outcome); every
    other parser exception becomes a ``failed`` outcome with a short reason.
    """
    sniffed = sniff_path(path, limits)
    if sniffed.file_type is None:
        return rejected(sniffed.reason)
    file_type = sniffed.file_type
    notes = [sniffed.reason] if sniffed.extension_mismatch else []
    if file_type in _OOXML:
        problem = zip_problem(path, limits)
        if problem:
            return rejected(problem, file_type)

    from enablement.extract.parsers import describe_error, get_parser  # heavy: lxml & co

    out = Collector(limits.max_text_chars)
    try:
        title, author, page_count = get_parser(file_type)(path, limits, out)
    except ExtractProblem as problem:
        detail = _join(notes + [problem.reason])
        if problem.outcome == Outcome.REJECTED:
            return rejected(detail, file_type)
        return failed(detail, file_type)
    except MemoryError:
        raise
    except Exception as exc:  # a parser bug or a hostile file: the file fails, not us
        return failed(_join(notes + [describe_error(file_type, exc)]), file_type)

    text = out.text()
    notes += out.notes
    if out.truncated:
        notes.append(f"text cut at {limits.max_text_chars:,} characters")
    if text.strip():
        outcome = Outcome.OK
    else:
        outcome = Outcome.OK_NO_TEXT
        notes.insert(0, NO_TEXT_SCANNED if file_type == "pdf" else NO_TEXT)
    return Extracted(outcome=outcome.value, detail=_join(notes), file_type=file_type,
                     text=text, title=title, author=author, page_count=page_count,
                     blocks=out.blocks())


def _join(notes: list[str]) -> str:
    return clip("; ".join(n for n in notes if n), MAX_DETAIL_CHARS)
