"""Hostile and broken files for tests: bombs, traversal, DOCTYPE, OLE, executables."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

from tests.filemaker_docs import make_docx

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>'
)


def make_zip_bomb(path: Path, expanded_bytes: int = 8 * 1024 * 1024) -> Path:
    """An OOXML-looking zip with a member of ``expanded_bytes`` zeros (compresses ~1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        with zf.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(expanded_bytes // len(chunk)):
                member.write(chunk)
    return path


def make_traversal_zip(path: Path, name: str = "../evil") -> Path:
    """An OOXML-looking zip with a member named ``name``."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr(name, "gotcha")
    return path


def replace_part(source: Path, target: Path, part: str, content: str | bytes) -> Path:
    """Copy an OOXML file, replacing one part's content."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                data = content.encode("utf-8") if isinstance(content, str) else content
            dst.writestr(info.filename, data)
    return target


def make_doctype_docx(path: Path) -> Path:
    """A real DOCX whose document.xml carries a billion-laughs DOCTYPE."""
    good = make_docx(path.with_name(path.stem + "-src.docx"), ["harmless"])
    return replace_part(good, path, "word/document.xml", BILLION_LAUGHS)


def make_macro_docx(path: Path) -> Path:
    """A DOCX with a vbaProject.bin part, as a .docm would have."""
    good = make_docx(path.with_name(path.stem + "-src.docx"), ["macro inside"])
    shutil.copy(good, path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("word/vbaProject.bin", b"\0" * 64)
    return path


def make_ole(path: Path, encrypted: bool = False) -> Path:
    """An OLE compound-file header (legacy .doc/.xls/.ppt); optionally naming an
    ``EncryptedPackage`` stream, as a password-protected .docx is stored."""
    body = io.BytesIO()
    body.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    name = "EncryptedPackage" if encrypted else "WordDocument"
    body.write(name.encode("utf-16-le") + b"\0" * (512 - 2 * len(name)))
    path.write_bytes(body.getvalue())
    return path


def make_elf(path: Path) -> Path:
    """The start of a Linux executable."""
    path.write_bytes(b"\x7fELF\x02\x01\x01" + b"\0" * 200)
    return path


def make_exe(path: Path) -> Path:
    """The start of a Windows executable (with a PDF marker later, as polyglots do)."""
    path.write_bytes(b"MZ\x90\x00" + b"\0" * 60 + b"%PDF-1.4\n" + b"\0" * 200)
    return path
