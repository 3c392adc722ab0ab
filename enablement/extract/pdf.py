"""PDF text and metadata with pypdf, under the page, text and decompression caps.

pypdf's own limits stay on, tightened from ``ImportLimits``: each stream may decode to
``pdf_max_stream_bytes``, the page tree may hold only about twice ``max_pages`` entries
(so a tree that lies about its size is stopped early), and every decoded stream counts
against ``pdf_max_decoded_bytes`` for the whole file (a bomb spread over many streams).
A limit reached is a refusal with its own reason, never "no text (scanned?)". XMP
metadata is never read (it is a full XML parse of untrusted data, for a title we also get
from the document info dictionary).
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdf.filters
from pypdf import PasswordType, PdfReader, apply_configuration
from pypdf.generic import DictionaryObject, StreamObject
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError

from enablement.config import ImportLimits
from enablement.extract.results import Collector, ExtractProblem, clip
from enablement.models.vocab import Outcome

# pypdf's messages for the common kinds of damage, in words a user can act on.
_DAMAGE: tuple[tuple[str, str], ...] = (
    ("startxref", "no cross-reference table found"),
    ("xref", "no cross-reference table found"),
    ("eof marker", "the file is cut short"),
    ("stream has ended", "the file is cut short"),
    ("unexpected end", "the file is cut short"),
    ("trailer", "no trailer found"),
    ("root object", "no document catalog found"),
    ("/root", "no document catalog found"),
    ("header", "no PDF header"),
)


def parse_pdf(path: Path, limits: ImportLimits, out: Collector) -> tuple[str, str, int | None]:
    """Fill ``out`` with the text of each page; return (title, author, page_count)."""
    with _pdf_limits(limits) as budget:
        return _parse(path, limits, out, budget)


class _DecodingBudget:
    """Bytes decoded so far from the file's streams, against the aggregate cap, and the
    first pypdf limit reached (pypdf's text extraction swallows it and returns "")."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.spent = 0
        self.limit_reached: LimitReachedError | None = None

    @property
    def exceeded(self) -> bool:
        return self.spent > self.limit

    def spend(self, amount: int) -> None:
        self.spent += amount
        if self.exceeded:
            raise self.problem()

    def problem(self) -> ExtractProblem:
        return ExtractProblem(Outcome.REJECTED, f"decompression bomb: the PDF's streams expand to more than "
                                                f"{self.limit // (1024 * 1024):,} MB")


@contextmanager
def _pdf_limits(limits: ImportLimits) -> Iterator[_DecodingBudget]:
    """pypdf's limits set from ``limits`` and every decoded stream counted, for one file.

    pypdf decodes every stream through ``filters.decode_stream_data`` (looked up at call
    time), so wrapping it there counts content streams, forms and fonts alike.
    """
    budget = _DecodingBudget(limits.pdf_max_decoded_bytes)
    original = pypdf.filters.decode_stream_data

    def counted(stream: StreamObject) -> bytes:
        try:
            data = original(stream)
        except LimitReachedError as exc:
            budget.limit_reached = budget.limit_reached or exc
            raise
        budget.spend(len(data))
        return data

    per_stream = limits.pdf_max_stream_bytes
    with apply_configuration(
            zlib_maximum_output_length=per_stream, lzw_maximum_output_length=per_stream,
            run_length_maximum_output_length=per_stream, brotli_maximum_output_length=per_stream,
            array_based_stream_maximum_output_length=per_stream, image_maximum_buffer_size=per_stream,
            stream_decoding_work_maximum_length=per_stream * 4,
            page_tree_maximum_entries=2 * limits.max_pages + 64,
            page_tree_maximum_page_entries=4 * limits.max_pages + 64):
        pypdf.filters.decode_stream_data = counted
        try:
            yield budget
        finally:
            pypdf.filters.decode_stream_data = original


def _parse(path: Path, limits: ImportLimits, out: Collector,
           budget: _DecodingBudget) -> tuple[str, str, int | None]:
    _check_raw_page_count(path, limits)
    try:
        reader = PdfReader(path, strict=False)
        _unlock(reader)
        # Checked before touching any page: a 100,000-page file costs nothing to refuse.
        _check_declared_pages(reader, limits)
        page_count = len(reader.pages)
    except ExtractProblem:
        raise
    except LimitReachedError as exc:
        raise _limit_problem(exc, limits, budget) from None
    except DependencyError:
        raise ExtractProblem(Outcome.FAILED, "encrypted PDF needs the cryptography package")
    except FileNotDecryptedError:
        raise ExtractProblem(Outcome.FAILED, "password-protected PDF")
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, OSError) as exc:
        raise ExtractProblem(Outcome.FAILED, f"damaged PDF: {_damage(exc)}") from None
    if page_count == 0:
        raise ExtractProblem(Outcome.REJECTED, "PDF has no pages")
    if page_count > limits.max_pages:
        raise _too_many_pages(f"{page_count:,}", limits)
    title, author = _info(reader)
    unreadable = 0
    for page in reader.pages:
        if out.full:
            out.truncated = True
            break
        try:
            # Decode the content first: text extraction skips pages it finds no font
            # for, so a bomb there would otherwise pass as a page without text.
            page.get_contents()
            text = page.extract_text() or ""
        except (MemoryError, ExtractProblem):
            raise  # the worker reports memory itself; a cap reached ends the file
        except LimitReachedError as exc:
            raise _limit_problem(exc, limits, budget) from None
        except Exception:  # one bad page should not lose the rest of the document
            unreadable += 1
            text = ""
        if budget.exceeded:  # pypdf swallowed our refusal somewhere inside
            raise budget.problem()
        if budget.limit_reached is not None:
            raise _limit_problem(budget.limit_reached, limits, budget)
        out.add("page", text)
    if unreadable:
        out.notes.append(f"{unreadable:,} {'page' if unreadable == 1 else 'pages'} could not be read")
    return title, author, page_count


_PAGES_COUNT = re.compile(rb"/Count\s+(\d{4,})")
_PAGES_TYPE = re.compile(rb"/Type\s*/Pages\b")
_PAGE_TYPE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
# Page objects may be repeated by incremental updates: only far more than the cap counts.
_RAW_PAGE_MARGIN = 4


def _check_raw_page_count(path: Path, limits: ImportLimits) -> None:
    """Refuse a page tree that is too big from the raw bytes, before pypdf opens the file.

    pypdf checks every object's header when it opens a file (100,000 objects cost
    seconds), so a page-tree ``/Count`` above the cap, or far more page objects than the
    cap, is found by a plain scan first. Objects inside compressed object streams are not
    seen here; those cost pypdf nothing to open and meet the checks below.
    """
    with open(path, "rb") as fh:
        try:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (ValueError, OSError):
            return
    with data:
        for match in _PAGES_COUNT.finditer(data):
            count = int(match.group(1))
            if count <= limits.max_pages:
                continue
            start = max(data.rfind(b" obj", 0, match.start()), 0)
            if _PAGES_TYPE.search(data, start, match.end() + 64 * 1024):
                raise _too_many_pages(f"{count:,}", limits)
        pages = sum(1 for _ in _PAGE_TYPE.finditer(data))
        if pages > _RAW_PAGE_MARGIN * limits.max_pages:
            raise _too_many_pages(f"about {pages:,}", limits)


def _check_declared_pages(reader: PdfReader, limits: ImportLimits) -> None:
    """Refuse on the page tree's own ``/Count`` before pypdf walks the tree."""
    try:
        pages = reader.root_object["/Pages"].get_object()
        declared = pages.get("/Count") if isinstance(pages, DictionaryObject) else None
        count = int(declared) if declared is not None else 0
    except (KeyError, TypeError, ValueError, AttributeError):
        return  # no usable count: the bounded walk decides
    if count > limits.max_pages:
        raise _too_many_pages(f"{count:,}", limits)


def _too_many_pages(count: str, limits: ImportLimits) -> ExtractProblem:
    return ExtractProblem(Outcome.FAILED, f"too many pages ({count}; the limit is {limits.max_pages:,})")


def _limit_problem(exc: LimitReachedError, limits: ImportLimits, budget: _DecodingBudget) -> ExtractProblem:
    """A pypdf limit reached, in words: a bomb is refused, an oversized tree fails."""
    message = str(exc).lower()
    if budget.exceeded:
        return budget.problem()
    if "page tree" in message or "page dictionary" in message:
        return _too_many_pages(f"more than {limits.max_pages:,}", limits)
    if "decompress" in message or "decod" in message or "output" in message or "length" in message:
        return ExtractProblem(Outcome.REJECTED, f"decompression bomb: a PDF stream expands to more than "
                                                f"{limits.pdf_max_stream_bytes // (1024 * 1024):,} MB")
    return ExtractProblem(Outcome.FAILED, f"PDF too complex to read safely ({clip(str(exc), 80)})")


def _unlock(reader: PdfReader) -> None:
    """Open PDFs that only have an owner password (empty user password)."""
    if not reader.is_encrypted:
        return
    try:
        result = reader.decrypt("")
    except (DependencyError, NotImplementedError):
        raise ExtractProblem(Outcome.FAILED, "encrypted PDF needs the cryptography package")
    except Exception:
        result = PasswordType.NOT_DECRYPTED
    if result == PasswordType.NOT_DECRYPTED:
        raise ExtractProblem(Outcome.FAILED, "password-protected PDF")


def _info(reader: PdfReader) -> tuple[str, str]:
    """Title and author from the document info dictionary only (never XMP)."""
    try:
        info = reader.metadata
        if info is None:
            return "", ""
        return clip(info.title or ""), clip(info.author or "")
    except Exception:  # a broken info dict is not worth failing the file for
        return "", ""


def _damage(exc: BaseException) -> str:
    message = str(exc).lower()
    for needle, words in _DAMAGE:
        if needle in message:
            return words
    first = (str(exc).splitlines() or [""])[0].strip()
    return clip(first, 100) or type(exc).__name__
