"""Where a piece's title comes from, and why.

A file's own title is used when it means something. Office leaves its template's title in
the metadata ("Word Document", "Empty Default White PowerPoint Presentation"), some tools write
the file type or the file name, and a copy-paste doubles it; a rep searching for "pricing"
must not meet five pieces called "PowerPoint Presentation". Such a title is replaced by one
made from the file name, and marketing sees which was used and why (``title_source``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath

# Titles Office, Google Docs, Keynote and PDF makers leave behind (whole title, any case).
_TEMPLATE_DEFAULTS = re.compile(
    r"^(untitled( (document|presentation|spreadsheet|deck))?|(new )?(microsoft )?word document|"
    r"(new )?(microsoft )?powerpoint presentation|(new )?(microsoft )?excel worksheet|"
    r"empty default white powerpoint presentation|default design|office theme|default theme|"
    r"blank( document| presentation)?|document ?\d*|presentation ?\d*|book ?\d*|sheet ?\d*|workbook ?\d*|"
    r"slide ?\d+|title( slide)?|click to (add|edit) (master )?title( style)?|(presentation|document) title|"
    r"(insert |your )?title here|template|adobe acrobat document|"
    r"microsoft (word|powerpoint|excel) - .*|.* - microsoft (word|powerpoint|excel))( ?\(?\d+\)?)?$",
    re.IGNORECASE)
# Words that only say what kind of file it is ("PDF", "Word document", "pptx").
_TYPE_WORDS = frozenset({"pdf", "doc", "docx", "ppt", "pptx", "xls", "xlsx", "txt", "md", "html", "htm", "rtf",
                         "word", "powerpoint", "excel", "document", "presentation", "spreadsheet", "slides",
                         "slide", "deck", "text", "markdown", "file", "microsoft", "adobe", "acrobat", "office"})
_FILE_NAME = re.compile(r"^[^\s/\\]+\.(pdf|docx?|pptx?|xlsx?|txt|md|html?|rtf|odt|odp)$", re.IGNORECASE)

FROM_DOCUMENT = "the document's own title"
FROM_FILE_NAME = "the file name"
BY_HAND = "set in the library"


@dataclass(frozen=True)
class TitleChoice:
    title: str
    source: str  # FROM_DOCUMENT or FROM_FILE_NAME
    reason: str = ""  # why the document's title was not used ("" when it was)

    def explained(self) -> str:
        return self.source + (f" ({self.reason})" if self.reason else "")


def _tidy(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def doubled(title: str) -> bool:
    """True for a title that is one string twice ("ROI guide ROI guide", "ROI guideROI guide")."""
    words = title.casefold().split()
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        return True
    flat = title.casefold()
    middle = len(flat) // 2
    return len(flat) >= 6 and len(flat) % 2 == 0 and flat[:middle] == flat[middle:]


def why_not(doc_title: str) -> str:
    """Why a document's title is not worth showing ("" when it is)."""
    title = _tidy(doc_title)
    if not title:
        return "the document has no title"
    if _TEMPLATE_DEFAULTS.match(title):
        return f"its title “{title[:80]}” is a template default"
    words = re.findall(r"\w+", title.casefold())
    if not words or all(w in _TYPE_WORDS or w.isdigit() for w in words):
        return f"its title “{title[:80]}” only names the file type"
    if _FILE_NAME.match(title):
        return f"its title “{title[:80]}” is a file name"
    if len(title) < 3:
        return f"its title “{title}” is too short"
    if doubled(title):
        return f"its title “{title[:80]}” repeats itself"
    return ""


def name_title(file_name: str) -> str:
    """A tidy title from a file name: "q3_pricing-one-pager.pdf" → "Q3 pricing one pager"."""
    path = PurePath(file_name)
    stem = _tidy(re.sub(r"[_\-]+", " ", unicodedata.normalize("NFC", path.stem)))
    return (stem[:1].upper() + stem[1:])[:300] if stem else path.name[:300]


def choose_title(doc_title: str, file_name: str) -> TitleChoice:
    """The title a newly imported file gets, with where it came from."""
    reason = why_not(doc_title)
    if not reason:
        return TitleChoice(_tidy(doc_title)[:300], FROM_DOCUMENT)
    return TitleChoice(name_title(file_name), FROM_FILE_NAME, reason)


def title_source(title: str, doc_title: str, file_name: str) -> str:
    """Where ``title`` (a piece's title now) came from, given its first file's metadata title
    and name: chosen at import (and why), or set in the library since."""
    choice = choose_title(doc_title, file_name)
    if title == choice.title:
        return choice.explained()
    if title == _tidy(doc_title)[:300]:  # chosen by an earlier, less careful import
        return f"{FROM_DOCUMENT} ({why_not(doc_title) or 'kept as it was'})"
    return BY_HAND
