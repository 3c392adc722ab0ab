"""Intake: decide a file's type from its bytes, never from its name.

Cheap enough to run in the parent process: it reads the first 64 KB, and for zips only
the end-of-central-directory record, the member list and ``[Content_Types].xml``.
"""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

from enablement.config import ImportLimits
from enablement.extract.results import SniffResult
from enablement.extract.textcodec import SAMPLE_BYTES, decode, detect_encoding
from enablement.extract.zipcheck import directory_problem

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                     b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "an image"), (b"\xff\xd8\xff", "an image"), (b"GIF8", "an image"),
    (b"\x1f\x8b", "a compressed archive"), (b"7z\xbc\xaf", "a compressed archive"),
    (b"Rar!", "a compressed archive"),
)
_CONTENT_TYPES_MAX = 256 * 1024
_MACRO_REASON = "macro-enabled Office file (.docm/.xlsm/.pptm)"
_OLE_REASON = ("old Office format (.doc/.xls/.ppt) is not supported; "
               "save it as .docx/.xlsx/.pptx")
_MAIN_TYPES: tuple[tuple[str, str], ...] = (
    ("wordprocessingml.document.main+xml", "docx"),
    ("presentationml.presentation.main+xml", "pptx"),
    ("spreadsheetml.sheet.main+xml", "xlsx"),
)
_EXTENSIONS: dict[str, str] = {
    ".pdf": "pdf", ".docx": "docx", ".pptx": "pptx", ".xlsx": "xlsx",
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
    ".html": "html", ".htm": "html", ".xhtml": "html",
}
_PHRASES: dict[str, str] = {
    "pdf": "a PDF", "docx": "a Word document", "pptx": "a PowerPoint presentation",
    "xlsx": "an Excel workbook", "txt": "a text file", "md": "a Markdown file",
    "html": "a web page (HTML)",
}
_HTML_MARKERS = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]")
_ANY_TAG = re.compile(r"<[a-z][a-z0-9]*[\s>/]")
_MB = 1024 * 1024


def sniff_path(path: Path, limits: ImportLimits) -> SniffResult:
    """The type of the file at ``path`` judged from its bytes (see ``SniffResult``)."""
    try:
        info = path.stat()
    except OSError as exc:
        return SniffResult(None, f"cannot read the file ({exc.strerror or exc})")
    if not stat.S_ISREG(info.st_mode):
        return SniffResult(None, "not a regular file")
    if info.st_size == 0:
        return SniffResult(None, "empty file")
    if info.st_size > limits.max_file_bytes:
        return SniffResult(None, f"too large ({_mb(info.st_size)} MB; "
                                 f"the limit is {_mb(limits.max_file_bytes)} MB)")
    with open(path, "rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    file_type, reason = _type_from_bytes(path, head, limits)
    if file_type is None:
        return SniffResult(None, reason)
    return _with_extension(path, file_type)


def _type_from_bytes(path: Path, head: bytes, limits: ImportLimits) -> tuple[str | None, str]:
    if head.startswith(_OLE_MAGIC):
        if _ole_is_encrypted(path):
            return None, "password-protected Office file"
        return None, _OLE_REASON
    if head.startswith(_EXECUTABLE_MAGIC):
        return None, "executable program"
    if head.startswith(b"#!"):
        return None, "executable script"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _ooxml_type(path, limits)
    if b"%PDF-" in head[:1024]:
        return "pdf", ""
    for magic, what in _OTHER_MAGIC:
        if head.startswith(magic):
            return None, f"not a supported file type ({what})"
    encoding = detect_encoding(head)
    if encoding is None:
        return None, "not a supported file type"
    return _text_type(path, decode(head, encoding, final=False)), ""


def _ole_is_encrypted(path: Path) -> bool:
    """Whether an OLE container holds an ``EncryptedPackage`` stream (a protected OOXML).

    The directory can sit anywhere in the container, so scan for the UTF-16 stream name;
    the file is already known to be under the size cap.
    """
    overlap = len(_OLE_ENCRYPTED)
    tail = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(_MB):
            if _OLE_ENCRYPTED in tail + chunk:
                return True
            tail = chunk[-overlap:]
    return False


def _ooxml_type(path: Path, limits: ImportLimits) -> tuple[str | None, str]:
    problem = directory_problem(path, limits)
    if problem:
        return None, problem
    try:
        with zipfile.ZipFile(path) as zf:
            names = {name.lower(): name for name in zf.namelist()}
            if "[content_types].xml" not in names:
                return None, "not a supported file type (a zip archive)"
            if any(name.endswith("vbaproject.bin") for name in names):
                return None, _MACRO_REASON
            with zf.open(names["[content_types].xml"]) as member:
                content_types = member.read(_CONTENT_TYPES_MAX).decode("utf-8", "replace").lower()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError):
        return None, "damaged zip container"
    if "macroenabled" in content_types or "vbaproject" in content_types:
        return None, _MACRO_REASON
    for marker, file_type in _MAIN_TYPES:
        if marker in content_types:
            return file_type, ""
    if any(word in content_types for word in ("template.main", "slideshow.main")):
        return None, "not a supported file type (an Office template or slide show)"
    return None, "not a supported file type (an unknown Office-style package)"


def _text_type(path: Path, text: str) -> str:
    ext = path.suffix.lower()
    start = text.lstrip("\ufeff \t\r\n").lower()
    sample = start[:4096]
    if _EXTENSIONS.get(ext) == "md":
        # Markdown may embed HTML; only a whole HTML document is treated as one.
        return "html" if start.startswith(("<!doctype html", "<html")) else "md"
    if _HTML_MARKERS.search(sample):
        return "html"
    if _EXTENSIONS.get(ext) == "html" and _ANY_TAG.search(sample):
        return "html"
    return "txt"


def _with_extension(path: Path, file_type: str) -> SniffResult:
    # File names are display data: keep only a short, plain extension in the detail.
    ext = re.sub(r"[^\w.]", "", path.suffix.lower())[:16]
    named = _EXTENSIONS.get(ext)
    if not ext or named == file_type or {named, file_type} == {"txt", "md"}:
        return SniffResult(file_type, "")
    if named is None and file_type in ("txt", "md"):
        return SniffResult(file_type, "")  # plain text comes under many names (.csv, .log)
    return SniffResult(file_type, f"named {ext} but is {_PHRASES[file_type]}", True)


def _mb(size: int) -> str:
    value = size / _MB
    if value >= 10:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 0.1 else f"{value:.2g}"
