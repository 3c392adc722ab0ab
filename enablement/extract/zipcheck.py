"""OOXML pre-check: refuse hostile zip containers before any parser sees them.

Only the central directory is trusted for sizes: Python's zipfile stops reading a member
at its declared size and fails the CRC, so declared sizes bound the real work.
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path, PurePosixPath

from enablement.config import ImportLimits

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_EOCD_SEARCH = 22 + 65_535  # the record plus the longest possible comment
# Bytes of the central directory per member we accept: a 46-byte header plus a generous
# name and extra field. Keeps zipfile from building millions of ZipInfo objects.
_CD_BYTES_PER_MEMBER = 1_024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_PROLOG_CHUNK = 4 * 1024
_PROLOG_MAX = 64 * 1024
_ROOT_START = re.compile(r"<[A-Za-z_:]")


def directory_problem(path: Path, limits: ImportLimits) -> str | None:
    """Why the zip's central directory is too big to even list, or None.

    Reads the end-of-central-directory record directly, before ``zipfile`` builds one
    object per member.
    """
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        start = max(0, size - _EOCD_SEARCH)
        fh.seek(start)
        tail = fh.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < 22:
            return "damaged zip container: no central directory"
        _, _, _, _, entries, cd_size, _, _ = struct.unpack("<4s4H2LH", tail[at:at + 22])
        loc = at - 20
        if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and loc >= 0 \
                and tail[loc:loc + 4] == _ZIP64_LOCATOR:
            (zip64_offset,) = struct.unpack("<Q", tail[loc + 8:loc + 16])
            fh.seek(zip64_offset)
            record = fh.read(56)
            if len(record) == 56 and record[:4] == b"PK\x06\x06":
                entries, cd_size = struct.unpack("<QQ", record[32:48])
    if entries > limits.zip_max_members:
        return f"zip bomb: {entries:,} parts (the limit is {limits.zip_max_members:,})"
    if cd_size > max(limits.zip_max_members, 1) * _CD_BYTES_PER_MEMBER:
        return "zip bomb: oversized directory"
    return None


def zip_problem(path: Path, limits: ImportLimits) -> str | None:
    """Why this OOXML container must be rejected, or None if it may be parsed."""
    problem = directory_problem(path, limits)
    if problem:
        return problem
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            problem = _members_problem(infos, limits) or _layout_problem(path, infos, zf.start_dir)
            if problem:
                return problem
            for info in infos:
                if info.filename.lower().endswith(_XML_SUFFIXES):
                    problem = _xml_prolog_problem(zf, info)
                    if problem:
                        return problem
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        return f"damaged zip container: {_short(exc)}"
    return None


def _members_problem(infos: list[zipfile.ZipInfo], limits: ImportLimits) -> str | None:
    if len(infos) > limits.zip_max_members:
        return f"zip bomb: {len(infos):,} parts (the limit is {limits.zip_max_members:,})"
    total = 0
    for info in infos:
        if _unsafe_name(info.filename):
            return "unsafe part name in zip (absolute path or '..')"
        if info.flag_bits & 0x1:
            return "zip has encrypted parts"
        if info.file_size > limits.zip_max_member_bytes:
            return f"zip bomb: a part expands to {_mb(info.file_size)} MB"
        if info.filename.lower().endswith(_XML_SUFFIXES) and info.file_size > limits.zip_max_xml_part_bytes:
            return (f"a part is too large to read safely ({_part_name(info.filename)}: {_mb(info.file_size)} MB "
                    f"of XML; the limit is {_mb(limits.zip_max_xml_part_bytes)} MB)")
        if _sizes_disagree(info):
            return f"zip with lying size fields ({_part_name(info.filename)})"
        total += info.file_size
        if total > limits.zip_max_total_bytes:
            return f"zip bomb: parts expand to more than {_mb(limits.zip_max_total_bytes)} MB"
        # Small members are exempt: a tiny XML part legitimately compresses 200:1.
        if info.file_size > limits.zip_ratio_exempt_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.zip_max_ratio:
                return f"zip bomb: a part compresses {ratio:,.0f} to 1"
    return None


def _sizes_disagree(info: zipfile.ZipInfo) -> bool:
    """Whether the declared sizes cannot both be true: a stored part's two sizes differ,
    or a deflated part is larger compressed than Deflate could ever make it."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size != info.file_size
    if info.compress_type == zipfile.ZIP_DEFLATED:
        # Deflate's worst case is stored blocks: 5 bytes per 16 KB, plus a little.
        return info.compress_size > info.file_size + info.file_size // 1000 + 1024
    return False


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_DATA_DESCRIPTOR_MAX = 24  # signature, CRC and two 64-bit sizes


def _layout_problem(path: Path, infos: list[zipfile.ZipInfo], directory_start: int) -> str | None:
    """Whether the parts' data overlap (an overlapping-file bomb) or leave hidden bytes,
    or a local header disagrees with the central directory about sizes."""
    ordered = sorted(infos, key=lambda info: info.header_offset)
    with open(path, "rb") as fh:
        for info, following in zip(ordered, ordered[1:] + [None]):
            fh.seek(info.header_offset)
            raw = fh.read(_LOCAL_HEADER.size)
            if len(raw) < _LOCAL_HEADER.size:
                return "damaged zip container: a part lies outside the file"
            signature, _, flags, _, _, _, _, compressed, size, name_len, extra_len = _LOCAL_HEADER.unpack(raw)
            if signature != b"PK\x03\x04":
                return "damaged zip container: a part's header is missing"
            if not flags & 0x8 and 0xFFFFFFFF not in (compressed, size) \
                    and (compressed, size) != (info.compress_size, info.file_size):
                return f"zip with lying size fields ({_part_name(info.filename)})"
            end = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len + info.compress_size
            limit = following.header_offset if following is not None else directory_start
            if end > limit:
                return "zip bomb: parts overlap"
            if limit - end > (_DATA_DESCRIPTOR_MAX if flags & 0x8 else 0) and following is not None:
                return f"zip with lying size fields ({_part_name(info.filename)})"
    return None


def _part_name(name: str) -> str:
    """A part's name fit for a message: printable, short."""
    shown = re.sub(r"[^\w./\[\]-]", "?", name)
    return shown if len(shown) <= 60 else shown[:59] + "…"


def _unsafe_name(name: str) -> bool:
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or re.match(r"^[A-Za-z]:", normalised):
        return True
    return ".." in PurePosixPath(normalised).parts


def _xml_prolog_problem(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """Reject a DOCTYPE (entity bombs, external entities): Office never writes one.

    Reads only the prolog, in small chunks, up to the root element's start tag.
    """
    head = b""
    with zf.open(info) as member:
        while len(head) < _PROLOG_MAX:
            chunk = member.read(_PROLOG_CHUNK)
            if not chunk:
                break
            head += chunk
            verdict = _scan_prolog(_as_text(head))
            if verdict is not None:
                return verdict or None
    if not head:
        return None
    verdict = _scan_prolog(_as_text(head))
    if verdict is None and len(head) >= _PROLOG_MAX:
        return "XML part with an oversized header"
    return verdict or None


def _scan_prolog(text: str) -> str | None:
    """"" when the root element is reached cleanly, a reason if a DOCTYPE comes first,
    None when more bytes are needed."""
    pos = 0
    text = text.lstrip("\ufeff")
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        rest = text[pos:]
        if not rest:
            return None
        if rest.startswith("<?"):
            end, closer = rest.find("?>"), 2
        elif rest.startswith("<!--"):
            end, closer = rest.find("-->"), 3
        elif rest[:9].upper() == "<!DOCTYPE":
            return "XML with a DOCTYPE (not allowed in Office files)"
        elif _ROOT_START.match(rest) or not rest.startswith("<") or len(rest) >= 9:
            return ""  # the root element, or not XML at all: the parser will say so
        else:
            return None
        if end < 0:
            return None
        pos += end + closer


def _as_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if len(head) > 1 and head[1:2] == b"\x00":
        return head.decode("utf-16-le", errors="replace")
    if head[:1] == b"\x00":
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}"


def _short(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:120]
