"""The product's fixed vocabulary: roles, statuses, facets, usage kinds, outcomes."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    REP = "rep"
    MARKETING = "marketing"
    MANAGER = "manager"
    ADMIN = "admin"


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Source(StrEnum):
    MARKETING = "marketing"
    REP = "rep"


class ReviewState(StrEnum):
    """Where a rep-made submission stands in marketing's review queue."""

    NONE = "none"
    PENDING = "pending"
    PUBLISHED = "published"
    MERGED = "merged"
    DECLINED = "declined"


class Facet(StrEnum):
    PERSONA = "persona"
    INDUSTRY = "industry"
    PRODUCT = "product"
    CONTENT_TYPE = "content_type"
    LANGUAGE = "language"


FACETS: tuple[str, ...] = tuple(f.value for f in Facet)


class UsageKind(StrEnum):
    VIEWED = "viewed"
    PREVIEWED = "previewed"
    OPENED = "opened"
    EXPORTED = "exported"
    SENT = "sent"
    USED_IN_CALL = "used_in_call"
    FEEDBACK = "feedback"
    KIT_EXPORTED = "kit_exported"


# Uses that count as "the piece was used with a buyer" in reports.
BUYER_FACING_KINDS: frozenset[str] = frozenset({UsageKind.SENT, UsageKind.USED_IN_CALL,
                                                UsageKind.KIT_EXPORTED, UsageKind.EXPORTED})


class Outcome(StrEnum):
    """How a file's import ended. Rejected files never become pieces."""

    OK = "ok"
    OK_NO_TEXT = "ok_no_text"
    REJECTED = "rejected"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    CANCELLED = "cancelled"


class RequestStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    DECLINED = "declined"


FILE_TYPES: tuple[str, ...] = ("pdf", "docx", "pptx", "xlsx", "txt", "md", "html")

# Events that count as "the piece was used" for use counts and most-used sorting.
USE_KINDS: frozenset[str] = frozenset({UsageKind.OPENED, UsageKind.EXPORTED, UsageKind.SENT,
                                       UsageKind.USED_IN_CALL, UsageKind.KIT_EXPORTED})


# In the searchable text of a paged document (PDF pages, PowerPoint slides) a form feed starts
# every page after the first, so the page of any passage is 1 + the form feeds before it. Other
# documents (and texts stored before pages were kept) have none.
PAGE_BREAK = "\f"

# Files an office renderer draws as PDF pages (a "rendition"): Word, PowerPoint and Excel
# (sheets print as pages; sensible for price lists and small tables).
RENDERED_TYPES = frozenset({"docx", "pptx", "xlsx"})
