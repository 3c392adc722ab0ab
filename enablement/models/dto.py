"""Frozen data that crosses layers and threads. Never a live ORM row."""

from __future__ import annotations

from dataclasses import dataclass, field
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Generic, Mapping, Optional, Sequence, TypeVar

from enablement.models.changes import Changes

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """Who is acting: every service call names one."""

    user_id: int
    name: str
    role: str


@dataclass(frozen=True)
class TagSelection:
    """Tags to set on a piece. ``None`` leaves that dimension unchanged."""

    stages: Sequence[int] | None = None
    gates: Sequence[int] | None = None
    facets: Mapping[str, Sequence[int]] | None = None  # facet → value ids (replaces those facets)


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str
    team: str
    active: bool
    is_demo: bool


@dataclass(frozen=True)
class GateInfo:
    id: int
    stage_id: int
    key: str
    question: str
    exit_criteria: str
    position: int
    retired: bool
    row_version: int = 0  # the version read: an edit carries it back as ``seen``


@dataclass(frozen=True)
class StageInfo:
    id: int
    key: str
    name: str
    description: str
    position: int
    retired: bool
    gates: tuple[GateInfo, ...] = ()
    row_version: int = 0


@dataclass(frozen=True)
class FacetValueInfo:
    id: int
    facet: str
    key: str
    label: str
    position: int
    retired: bool
    row_version: int = 0


@dataclass(frozen=True)
class TaxonomyInfo:
    """The whole taxonomy, in display order (retired entries included, flagged)."""

    stages: tuple[StageInfo, ...]
    facets: dict[str, tuple[FacetValueInfo, ...]]
    synonyms: tuple[tuple[str, ...], ...]
    # synonym group id → version as read: saving the synonyms carries it back as ``seen``
    synonym_versions: dict[int, int] = field(default_factory=dict)

    def stage(self, stage_id: int) -> Optional[StageInfo]:
        return next((s for s in self.stages if s.id == stage_id), None)

    def gate(self, gate_id: int) -> Optional[GateInfo]:
        return next((g for s in self.stages for g in s.gates if g.id == gate_id), None)


@dataclass(frozen=True)
class Tag:
    """One tag on a piece: a stage, a gate or a facet value, with its display label."""

    dimension: str  # stage | gate | persona | industry | product | content_type | language
    id: int
    label: str


@dataclass(frozen=True)
class VersionInfo:
    id: int
    number: int
    original_name: str
    file_type: str
    size: int
    page_count: Optional[int]
    blob_sha256: Optional[str]
    outcome: str
    outcome_detail: str
    note: str
    created_at: datetime
    created_by: str
    doc_title: str = ""  # the title in the file's own metadata


@dataclass(frozen=True)
class PieceSummary:
    """What a result row or a list shows about a piece."""

    id: int
    title: str
    kind: str
    status: str
    source: str
    review_state: str
    owner: str
    review_by: Optional[date]
    stale: bool
    file_type: str
    page_count: Optional[int]
    outcome: str
    outcome_detail: str
    updated_at: datetime
    use_count: int
    tags: tuple[Tag, ...] = ()
    is_demo: bool = False
    expires_on: Optional[date] = None
    expired: bool = False  # its expiry date has come (and it is not archived)
    row_version: int = 0  # the version read: an edit carries it back (0: not known)
    helped: int = 0  # answers "it helped" to "did it help?" …
    answered: int = 0  # … of all answers to it

    @property
    def helpful_percent(self) -> Optional[int]:
        """The share of "it helped" answers, in percent; None when nobody answered."""
        return round(100 * self.helped / self.answered) if self.answered else None

    def labels(self, dimension: str) -> tuple[str, ...]:
        return tuple(t.label for t in self.tags if t.dimension == dimension)

    def ids(self, dimension: str) -> tuple[int, ...]:
        return tuple(t.id for t in self.tags if t.dimension == dimension)


@dataclass(frozen=True)
class PieceDetail:
    summary: PieceSummary
    description: str
    url: str
    review_note: str
    merged_into_id: Optional[int]
    created_at: datetime
    created_by: str
    published_at: Optional[datetime]
    versions: tuple[VersionInfo, ...]
    current_version_id: Optional[int]
    text_excerpt: str = ""
    title_source: str = ""  # where the title came from (services.titles), for marketing
    updated_by: str = ""  # who changed it last ("" when not known)

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def title(self) -> str:
        return self.summary.title


@dataclass(frozen=True)
class PieceState:
    """Everything marketing can change about a piece without a new file: what an undo puts back."""

    piece_id: int
    title: str
    description: str
    owner: str
    review_by: Optional[date]
    expires_on: Optional[date]
    url: str
    status: str
    published_at: Optional[datetime]
    review_state: str
    review_note: str
    stage_ids: tuple[int, ...]
    gate_ids: tuple[int, ...]
    facet_value_ids: tuple[int, ...]


@dataclass(frozen=True)
class FileOutcome:
    """How one file of an import ended."""

    path: str
    outcome: str  # see vocab.Outcome
    detail: str = ""
    piece_id: Optional[int] = None
    duplicate_of: Optional[str] = None
    pages: Optional[int] = None


@dataclass(frozen=True)
class ImportSummary:
    outcomes: tuple[FileOutcome, ...]
    cancelled: bool = False

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def piece_ids(self) -> tuple[int, ...]:
        return tuple(o.piece_id for o in self.outcomes if o.piece_id is not None)


@dataclass(frozen=True)
class CheckProblem:
    kind: str
    detail: str


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[CheckProblem, ...]
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Done(Generic[T]):
    """What a changing service call returns: its value plus what changed."""

    value: T
    changes: Changes


@dataclass(frozen=True)
class KitItemInfo:
    id: int
    piece: PieceSummary
    position: int
    note: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class KitInfo:
    id: int
    name: str
    owner_id: int
    account: str
    notes: str
    items: tuple[KitItemInfo, ...]
    updated_at: object

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"{i.piece.title}: {w}" for i in self.items for w in i.warnings)


@dataclass(frozen=True)
class KitExport:
    folder: Path
    files: tuple[Path, ...]
    merged_pdf: Optional[Path]
    merged_pages: int
    zip_path: Optional[Path]
    skipped: tuple[str, ...]


@dataclass(frozen=True)
class RequestInfo:
    id: int
    title: str
    need: str
    requester_id: int
    requester: str
    stage_id: Optional[int]
    stage: str
    gate_id: Optional[int]
    gate: str
    persona: str
    industry: str
    account: str
    due: Optional[date]
    status: str
    piece_id: Optional[int]
    piece_title: str
    decline_reason: str
    created_at: datetime
    resolved_at: Optional[datetime]
    resolved_by: str


@dataclass(frozen=True)
class UseRecord:
    """One use, as the client made it (the id is the client's)."""

    kind: str
    piece_id: Optional[int]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: Optional[datetime] = None
    account: str = ""
    deal_stage_id: Optional[int] = None
    gate_id: Optional[int] = None
    helpful: Optional[bool] = None
    comment: str = ""
    kit_id: Optional[int] = None
    version_id: Optional[int] = None


PAGE_MAX_ASPECT = 20  # a drawn page at most this many times as tall as wide (a strip, not a bomb)
PAGE_UNDRAWABLE = "the PDF could not be drawn (damaged or protected)"


@dataclass(frozen=True)
class PageImage:
    """One rendered page: ``width`` × ``height`` pixels, 4 bytes each (0xffRRGGBB, rows
    packed), drawn on white. Plain pixels: the app shows them without decoding anything."""

    width: int
    height: int
    pixels: bytes = field(repr=False)


@dataclass(frozen=True)
class PageImages:
    """The first pages of a document, rendered in the sandbox; ``problem`` says why there
    are none (damaged, timed out, needed too much memory, not a PDF...)."""

    page_count: int
    pages: tuple[PageImage, ...] = ()
    problem: str = ""


@dataclass(frozen=True)
class FacetCount:
    """One value of a search facet and how many results carry it."""

    dimension: str
    key: str
    label: str
    count: int
    id: int | None  # taxonomy id (stage, gate, facet value); None for status/type/none


@dataclass(frozen=True)
class TagSuggestion:
    """A tag proposed for a piece, with how sure and why (from similar pieces)."""

    dimension: str
    id: int
    label: str
    score: float
    reason: str


@dataclass(frozen=True)
class ReviewQueue:
    """Rep-made pieces waiting for marketing, each with the official published pieces it looks
    like, and every official published piece (what a submission may be merged into)."""

    waiting: tuple[PieceSummary, ...]
    lookalikes: Mapping[int, tuple[PieceSummary, ...]]
    official: tuple[PieceSummary, ...]


@dataclass(frozen=True)
class IndexWork:
    """What the index is doing in the background, as the window shows it: ``updating`` (a
    rebuild runs: ``done`` of ``total`` documents written, total 0 until it knows), ``failed``
    (``error``; the next try in ``retry_in`` seconds, searches answer from the previous
    index) or ``idle``."""

    state: str
    done: int = 0
    total: int = 0
    error: str = ""
    retry_in: float = 0.0

    @property
    def percent(self) -> int | None:
        return None if self.total <= 0 else min(100, self.done * 100 // self.total)
