"""Deciding whether bytes are text, and decoding them.

Plain text has no magic number, so "is this text?" is a judgement: a byte-order mark,
valid UTF-8, or else cp1252 (what Windows editors write) with few control characters.
"""

from __future__ import annotations

import codecs

SAMPLE_BYTES = 64 * 1024
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that do occur in real text files.
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b\x08")
_MAX_CONTROL_RATIO = 0.01


def detect_encoding(sample: bytes) -> str | None:
    """The encoding of a text file whose first bytes are ``sample``, or None if binary.

    ``sample`` may end in the middle of a UTF-8 sequence; that is not held against it.
    """
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            decoded = codecs.getincrementaldecoder(encoding)("replace").decode(sample)
            return encoding if _mostly_printable(decoded) else None
    if b"\x00" in sample:
        return None  # NUL never appears in 8-bit text; UTF-16 without a BOM is not supported
    try:
        decoded = codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=False)
        encoding = "utf-8"
    except UnicodeDecodeError:
        decoded = sample.decode("cp1252", errors="replace")
        encoding = "cp1252"
    return encoding if _mostly_printable(decoded) else None


def _mostly_printable(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for ch in text if (ch < " " or ch == "\x7f") and ch not in _ALLOWED_CONTROLS)
    return controls / len(text) <= _MAX_CONTROL_RATIO


def decode(data: bytes, encoding: str, final: bool) -> str:
    """Decode ``data`` (maybe only the start of a file when ``final`` is False).

    A UTF-8 file whose first 64 KB were valid but that breaks later keeps UTF-8 with
    replacement characters rather than turning into cp1252 mojibake.
    """
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    if encoding == "utf-8":
        try:
            return codecs.getincrementaldecoder("utf-8")("strict").decode(data, final=final)
        except UnicodeDecodeError as exc:
            if exc.start < SAMPLE_BYTES:
                decoder = codecs.getincrementaldecoder("cp1252")("replace")
    return decoder.decode(data, final=final)
