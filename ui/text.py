"""Wording shared by views: one place decides how a type, a review date or an outcome reads."""

from __future__ import annotations

import html
import re
from datetime import date

from enablement.display import escape_display, escape_output
from enablement.models.dto import PieceSummary

_TYPE_LABELS = {"pdf": "PDF", "docx": "Word", "pptx": "PowerPoint", "xlsx": "Excel", "txt": "Text",
                "md": "Markdown", "html": "Web page", "link": "Link"}
_OUTCOME_LABELS = {"ok": "Imported", "ok_no_text": "Imported — not searchable", "duplicate": "Duplicate",
                   "failed": "Imported — failed to read", "rejected": "Rejected", "cancelled": "Cancelled"}
USE_KIND_LABELS = {"viewed": "viewed", "previewed": "previewed", "opened": "opened", "exported": "exported",
                   "sent": "sent to buyer", "used_in_call": "used in call", "feedback": "feedback",
                   "kit_exported": "exported in a kit"}
_TAG = re.compile(r"<[^>]+>")


def shown(text: str) -> str:
    """A title or file name as drawn: control and bidi characters escaped (names are data
    from files and people: U+202E must not turn "gnp.pdf" into "fdp.png")."""
    return escape_display(text)


def shown_lines(text: str) -> str:
    """Text people wrote over several lines (a need, a comment, a description) as drawn:
    its line breaks kept, every other control and bidi character escaped."""
    return escape_output(text)


def shown_html(text: str, multiline: bool = False) -> str:
    """Data for a rich-text label: escaped for display, then as HTML (a title that reads
    ``<img src=…>`` shows as those characters, never as markup)."""
    if multiline:
        return html.escape(shown_lines(text)).replace("\n", "<br>")
    return html.escape(shown(text))


def tooltip(text: str) -> str:
    """A tooltip showing data: Qt draws a tooltip that looks like markup as rich text, so the
    data is escaped inside a paragraph of its own (always rich, always inert)."""
    return f"<p>{shown_html(text, multiline=True)}</p>" if text else ""


def file_type_label(file_type: str, kind: str = "file") -> str:
    if kind == "link":
        return "Link"
    return _TYPE_LABELS.get(file_type, file_type.upper() or "File")


def outcome_label(outcome: str) -> str:
    return _OUTCOME_LABELS.get(outcome, outcome)


def nice_date(d: date | None) -> str:
    return d.strftime("%d %b %Y").lstrip("0") if d else ""


def review_text(p: PieceSummary) -> str:
    """The trust line: who owns it and whether it is still fresh."""
    owner = f"Owner: {p.owner}" if p.owner else "No owner"
    if p.expired:
        expiry = f" · EXPIRED {nice_date(p.expires_on)}"
    else:
        expiry = f" · expires {nice_date(p.expires_on)}" if p.expires_on else ""
    if p.stale:
        return f"{owner} · STALE: review was due {nice_date(p.review_by)}{expiry}"
    if p.review_by:
        return f"{owner} · reviewed, next review {nice_date(p.review_by)}{expiry}"
    return f"{owner} · no review date{expiry}"


def plain(html_text: str) -> str:
    """A search snippet (HTML with <b> marks) as plain text."""
    return html.unescape(_TAG.sub("", html_text or "")).strip()


def count_phrase(n: int, singular: str, plural: str) -> str:
    """'1 piece was', '3 pieces were': a count with the word that agrees with it."""
    return f"{n} {singular if n == 1 else plural}"
