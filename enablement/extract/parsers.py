"""One parser per file type, plain-text and HTML parsers, and parser errors in words.

Imported only inside the worker (and by tests): it pulls in lxml, and through the
PDF/Office modules pypdf, python-docx, python-pptx and openpyxl.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Callable

from enablement.config import ImportLimits
from enablement.extract.results import TYPE_LABELS, Collector, clip
from enablement.extract.textcodec import SAMPLE_BYTES, decode, detect_encoding

Parser = Callable[[Path, ImportLimits, Collector], "tuple[str, str, int | None]"]

# HTML keeps most of its bytes in markup, so it may read more than plain text.
_HTML_BYTES_PER_CHAR = 8
_BYTES_PER_CHAR = 4  # the worst case of UTF-8
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HTML_BLOCKS = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "li",
    "ul", "ol", "tr", "table", "blockquote", "pre", "dt", "dd", "dl", "figure",
    "figcaption", "caption", "address", "form", "fieldset", "hr", "br",
})
_HTML_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_HEADING_MARK = "\ue000"  # private-use; removed from the page before parsing


def get_parser(file_type: str) -> Parser:
    """The parser function for a sniffed ``file_type``."""
    if file_type == "pdf":
        from enablement.extract.pdf import parse_pdf
        return parse_pdf
    if file_type in ("docx", "pptx", "xlsx"):
        from enablement.extract import office
        return {"docx": office.parse_docx, "pptx": office.parse_pptx,
                "xlsx": office.parse_xlsx}[file_type]
    if file_type == "html":
        return parse_html
    if file_type in ("txt", "md"):
        return parse_text
    raise ValueError(f"no parser for {file_type!r}")


def describe_error(file_type: str, exc: BaseException) -> str:
    """A short, human reason for an unexpected parser exception."""
    label = TYPE_LABELS.get(file_type, "file")
    name = type(exc).__name__
    if isinstance(exc, zipfile.BadZipFile):
        return f"damaged {label}: {clip(str(exc), 100) or 'bad zip container'}"
    if name in ("XMLSyntaxError", "ParseError", "ExpatError"):
        return f"damaged {label}: malformed XML"
    if isinstance(exc, KeyError):
        return f"damaged {label}: a required part is missing"
    if isinstance(exc, RecursionError):
        return f"damaged {label}: nested too deeply"
    if name in ("InvalidFileException", "PackageNotFoundError"):
        return f"damaged {label}: {clip(str(exc), 100)}"
    return f"could not read the {label} ({name})"


def _read_text(path: Path, max_bytes: int, out: Collector) -> str:
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    complete = len(data) <= max_bytes
    if not complete:
        data = data[:max_bytes]
        out.truncated = True
    encoding = detect_encoding(data[:SAMPLE_BYTES]) or "utf-8"
    return decode(data, encoding, final=complete)


def parse_text(path: Path, limits: ImportLimits, out: Collector) -> tuple[str, str, int | None]:
    """Plain text or Markdown: paragraphs split on blank lines; ``#`` lines are headings."""
    text = _read_text(path, limits.max_text_chars * _BYTES_PER_CHAR + 4, out)
    title = ""
    markdown = path.suffix.lower() in (".md", ".markdown")
    for paragraph in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        if out.full:
            out.truncated = True
            break
        heading = _MD_HEADING.match(paragraph.strip()) if markdown else None
        if heading and "\n" not in paragraph.strip():
            level, words = len(heading.group(1)), heading.group(2).strip("# ")
            title = title or (clip(words) if level == 1 else "")
            out.add("heading", words, level)
        else:
            out.add("paragraph", paragraph)
    return title, "", None


def parse_html(path: Path, limits: ImportLimits, out: Collector) -> tuple[str, str, int | None]:
    """Visible text of a web page; scripts and styles dropped; title from ``<title>``."""
    import lxml.html
    from lxml.etree import ParserError, XMLSyntaxError

    text = _read_text(path, limits.max_text_chars * _HTML_BYTES_PER_CHAR, out)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))
    # lxml refuses control characters; our heading marker must not come from the page.
    text = _CONTROLS.sub("", text).replace(_HEADING_MARK, "")
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (ParserError, XMLSyntaxError, ValueError):
        return "", "", None  # nothing parseable: no text
    for element in root.xpath("//script|//style|//noscript|//template|//svg|//object"):
        element.drop_tree()
    title = clip(root.findtext(".//title") or "")
    body = root.find("body")
    if body is None:
        return title, "", None
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag in _HTML_HEADINGS:
            element.text = f"\n{_HEADING_MARK}{_HTML_HEADINGS[tag]}" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
        elif tag in _HTML_BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
        elif tag in ("td", "th"):
            element.tail = " " + (element.tail or "")
    for line in body.text_content().split("\n"):
        if out.full:
            out.truncated = True
            break
        if line.startswith(_HEADING_MARK):
            out.add("heading", " ".join(line[2:].split()), int(line[1]))
        else:
            out.add("paragraph", " ".join(line.replace(_HEADING_MARK, "").split()))
    return title, "", None
