"""PDF text and metadata with pypdf, under the page and text caps.

pypdf's own limits (decompression caps, recovery limits) stay at their defaults; XMP
metadata is never read (it is a full XML parse of untrusted data, for a title we also
get from the document info dictionary).
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

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
    try:
        reader = PdfReader(path, strict=False)
        _unlock(reader)
        page_count = len(reader.pages)
    except ExtractProblem:
        raise
    except DependencyError:
        raise ExtractProblem(Outcome.FAILED, "encrypted PDF needs the cryptography package")
    except FileNotDecryptedError:
        raise ExtractProblem(Outcome.FAILED, "password-protected PDF")
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, OSError) as exc:
        raise ExtractProblem(Outcome.FAILED, f"damaged PDF: {_damage(exc)}") from None
    if page_count == 0:
        raise ExtractProblem(Outcome.REJECTED, "PDF has no pages")
    # Checked before touching any page: a 100,000-page file costs nothing to refuse.
    if page_count > limits.max_pages:
        raise ExtractProblem(Outcome.FAILED, f"too many pages ({page_count:,}; "
                                             f"the limit is {limits.max_pages:,})")
    title, author = _info(reader)
    unreadable = 0
    for page in reader.pages:
        if out.full:
            out.truncated = True
            break
        try:
            text = page.extract_text() or ""
        except MemoryError:
            raise  # the worker reports memory itself
        except Exception:  # one bad page should not lose the rest of the document
            unreadable += 1
            text = ""
        out.add("page", text)
    if unreadable:
        out.notes.append(f"{unreadable:,} page(s) could not be read")
    return title, author, page_count


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
