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


def write_raw_pdf(path: Path, objects: list[bytes]) -> Path:
    """A PDF from numbered object bodies (object 1 is the catalog), with a correct xref."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % at for at in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def _stream(data: bytes, filters: str = "/FlateDecode") -> bytes:
    return b"<< /Length %d /Filter %s >>\nstream\n" % (len(data), filters.encode()) + data + b"\nendstream"


def _deflated_spaces(size: int) -> bytes:
    """``size`` spaces, deflated in chunks (a bomb without holding it in memory)."""
    import zlib

    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    parts = [packer.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + packer.flush()


def _pages_pdf(path: Path, contents: list[bytes]) -> Path:
    """One page per content stream body (objects 3.. are pages, then their streams)."""
    n = len(contents)
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n)]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R >>" % (3 + n + i)
                for i in range(n)]
    return write_raw_pdf(path, objects + contents)


def make_flate_bomb_pdf(path: Path, expanded_bytes: int = 200 * 1024 * 1024, chain: bool = False) -> Path:
    """A one-page PDF whose content stream inflates to ``expanded_bytes`` of spaces;
    with ``chain``, deflated twice and declared ``[/FlateDecode /FlateDecode]``."""
    import zlib

    data = _deflated_spaces(expanded_bytes)
    if chain:
        return _pages_pdf(path, [_stream(zlib.compress(data, 9), "[/FlateDecode /FlateDecode]")])
    return _pages_pdf(path, [_stream(data)])


def make_aggregate_bomb_pdf(path: Path, streams: int, each_bytes: int) -> Path:
    """A PDF of ``streams`` pages, each stream well under any per-stream limit."""
    one = _stream(_deflated_spaces(each_bytes))
    return _pages_pdf(path, [one] * streams)


def make_many_pages_pdf(path: Path, pages: int = 100_000, declared: int | None = None) -> Path:
    """A PDF with ``pages`` blank pages in a two-level tree; the root's /Count says
    ``declared`` (default: the truth)."""
    per_node = 1000
    nodes = (pages + per_node - 1) // per_node
    first_page = 3 + nodes
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                   b" ".join(b"%d 0 R" % (3 + i) for i in range(nodes)),
                   pages if declared is None else declared)]
    for node in range(nodes):
        start = node * per_node
        count = min(per_node, pages - start)
        kids = b" ".join(b"%d 0 R" % (first_page + start + i) for i in range(count))
        objects.append(b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (kids, count))
    for page in range(pages):
        objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] >>" % (3 + page // per_node))
    return write_raw_pdf(path, objects)


def patch_declared_size(path: Path, member: str, size: int, *, central: bool = True, local: bool = True) -> Path:
    """Make the zip at ``path`` lie about ``member``'s uncompressed size, in its central
    directory entry, its local header, or both."""
    import struct

    data = bytearray(path.read_bytes())
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_len]) == name:
            if central:
                struct.pack_into("<L", data, at + 24, size)
            offset = struct.unpack_from("<L", data, at + 42)[0]
            if local:
                struct.pack_into("<L", data, offset + 22, size)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def add_member(path: Path, name: str, data: bytes) -> Path:
    """Append a deflated member (unreferenced by the document) to an OOXML file."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return path
