"""The database tables (SQLModel). Row classes live only in the core and storage layer;
the UI receives frozen DTOs from ``enablement.models.dto`` instead.

Times are stored as naive UTC datetimes; dates (review-by, due) as dates.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, Table, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Current UTC time without tzinfo (the stored form: naive UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a table model (SQLModel's metaclass sets ``__table__``; its type
    information does not declare it)."""
    table = model.__dict__.get("__table__")
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


def new_uuid() -> str:
    return str(uuid.uuid4())


def row_version_field() -> int:
    """Editable rows carry a version; a team server bumps it on every UPDATE (optimistic
    concurrency: an edit made against a stale copy changes no row)."""
    return Field(default=1, sa_column_kwargs={"server_default": "1", "nullable": False})


def version_counter() -> Column[int]:
    """The ``row_version`` column of a row the ORM versions: every UPDATE says ``WHERE id = ?
    AND row_version = <as read>`` and sets it one higher (a team server's trigger sets the same
    value), so a write that lost a race changes no row and fails instead of overwriting."""
    return Column("row_version", Integer, nullable=False, server_default="1", default=1)


# --- library ----------------------------------------------------------------------------

class LibraryMeta(SQLModel, table=True):
    """Key/value facts about the library (id, demo flag, index generation...)."""

    __tablename__ = "library_meta"
    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="", sa_column_kwargs={"nullable": False})


# --- users ------------------------------------------------------------------------------

class User(SQLModel, table=True):
    __tablename__ = "users"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True, index=True)
    role: str = Field(max_length=20)  # rep | marketing | manager | admin
    team: str = Field(default="", max_length=120)
    active: bool = Field(default=True)
    is_demo: bool = Field(default=False)
    created_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)
    # the team server's database login of this person (None in an embedded library)
    login: Optional[str] = Field(default=None, max_length=63, unique=True, index=True)
    row_version: int = row_version_field()


# --- taxonomy ---------------------------------------------------------------------------

_STAGE_ROW_VERSION = version_counter()


class Stage(SQLModel, table=True):
    __tablename__ = "stages"
    __mapper_args__ = {"version_id_col": _STAGE_ROW_VERSION}
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    position: int = Field(default=0)
    retired: bool = Field(default=False)
    # who changed it last and when (a conflict names them); a team server sets who from the login
    updated_at: Optional[datetime] = Field(sa_type=DateTime, default=None)
    updated_by_id: Optional[int] = Field(default=None)
    row_version: int = Field(default=1, sa_column=_STAGE_ROW_VERSION)


_GATE_ROW_VERSION = version_counter()


class Gate(SQLModel, table=True):
    __tablename__ = "gates"
    __mapper_args__ = {"version_id_col": _GATE_ROW_VERSION}
    id: Optional[int] = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stages.id", index=True)
    key: str = Field(max_length=80, unique=True)
    question: str = Field(sa_column=Column(Text, nullable=False))
    exit_criteria: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    position: int = Field(default=0)
    retired: bool = Field(default=False)
    # who changed it last and when (a conflict names them); a team server sets who from the login
    updated_at: Optional[datetime] = Field(sa_type=DateTime, default=None)
    updated_by_id: Optional[int] = Field(default=None)
    row_version: int = Field(default=1, sa_column=_GATE_ROW_VERSION)


_FACET_VALUE_ROW_VERSION = version_counter()


class FacetValue(SQLModel, table=True):
    """A value of one facet: persona, industry, product, content_type or language."""

    __tablename__ = "facet_values"
    __mapper_args__ = {"version_id_col": _FACET_VALUE_ROW_VERSION}
    __table_args__ = (UniqueConstraint("facet", "key", name="uq_facet_values_facet_key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    facet: str = Field(max_length=40, index=True)
    key: str = Field(max_length=120)
    label: str = Field(max_length=200)
    position: int = Field(default=0)
    retired: bool = Field(default=False)
    # who changed it last and when (a conflict names them); a team server sets who from the login
    updated_at: Optional[datetime] = Field(sa_type=DateTime, default=None)
    updated_by_id: Optional[int] = Field(default=None)
    row_version: int = Field(default=1, sa_column=_FACET_VALUE_ROW_VERSION)


_SYNONYM_ROW_VERSION = version_counter()


class Synonym(SQLModel, table=True):
    """A group of equivalent search terms, stored as a ``|``-separated list."""

    __tablename__ = "synonyms"
    __mapper_args__ = {"version_id_col": _SYNONYM_ROW_VERSION}
    id: Optional[int] = Field(default=None, primary_key=True)
    terms: str = Field(sa_column=Column(Text, nullable=False))
    # who changed it last and when (a conflict names them); a team server sets who from the login
    updated_at: Optional[datetime] = Field(sa_type=DateTime, default=None)
    updated_by_id: Optional[int] = Field(default=None)
    row_version: int = Field(default=1, sa_column=_SYNONYM_ROW_VERSION)


# --- files ------------------------------------------------------------------------------

class Blob(SQLModel, table=True):
    """A stored file, named by the SHA-256 of its bytes."""

    __tablename__ = "blobs"
    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    file_type: str = Field(max_length=10)  # pdf | docx | pptx | xlsx | txt | md | html
    created_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)


# --- pieces -----------------------------------------------------------------------------

# A piece's version is the ORM's version counter (``version_counter``). Services also compare it
# with the version the editor saw (``PieceService`` ``seen=``).
_PIECE_ROW_VERSION = version_counter()


class Piece(SQLModel, table=True):
    __tablename__ = "pieces"
    __mapper_args__ = {"version_id_col": _PIECE_ROW_VERSION}
    id: Optional[int] = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    kind: str = Field(default="file", max_length=10)  # file | link
    url: str = Field(default="", max_length=2000)
    status: str = Field(default="draft", max_length=12, index=True)  # draft|published|archived
    source: str = Field(default="marketing", max_length=12)  # marketing | rep
    # rep-made submissions: none | pending | published | merged | declined
    review_state: str = Field(default="none", max_length=12)
    review_note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    merged_into_id: Optional[int] = Field(default=None, foreign_key="pieces.id")
    owner: str = Field(default="", max_length=120)
    review_by: Optional[date] = Field(default=None)
    expires_on: Optional[date] = Field(default=None)  # archived (or flagged) on this date; None: never
    current_version_id: Optional[int] = Field(default=None)
    created_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=DateTime, default_factory=utcnow, index=True)
    published_at: Optional[datetime] = Field(sa_type=DateTime, default=None)
    is_demo: bool = Field(default=False)
    row_version: int = Field(default=1, sa_column=_PIECE_ROW_VERSION)
    # who changed it last (with updated_at: when); a team server sets it from the login
    updated_by_id: Optional[int] = Field(default=None)
    # team mode: a rep's submission made on the laptop carries the id the laptop gave it
    client_uuid: Optional[str] = Field(default=None, max_length=36, unique=True, index=True)


class PieceVersion(SQLModel, table=True):
    """One file of a piece's history; text is kept so the index rebuilds without parsing."""

    __tablename__ = "piece_versions"
    __table_args__ = (UniqueConstraint("piece_id", "number", name="uq_piece_versions_number"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    piece_id: int = Field(foreign_key="pieces.id", index=True)
    number: int = Field(default=1)
    blob_sha256: Optional[str] = Field(default=None, foreign_key="blobs.sha256", index=True)
    original_name: str = Field(default="", max_length=500)
    file_type: str = Field(default="", max_length=10)
    size: int = Field(default=0)
    page_count: Optional[int] = Field(default=None)
    doc_title: str = Field(default="", max_length=500)
    doc_author: str = Field(default="", max_length=300)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    outcome: str = Field(default="ok", max_length=16)  # ok | ok_no_text | failed
    outcome_detail: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=500)
    created_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)


class PieceStage(SQLModel, table=True):
    __tablename__ = "piece_stages"
    piece_id: int = Field(foreign_key="pieces.id", primary_key=True)
    stage_id: int = Field(foreign_key="stages.id", primary_key=True, index=True)


class PieceGate(SQLModel, table=True):
    __tablename__ = "piece_gates"
    piece_id: int = Field(foreign_key="pieces.id", primary_key=True)
    gate_id: int = Field(foreign_key="gates.id", primary_key=True, index=True)


class PieceFacet(SQLModel, table=True):
    __tablename__ = "piece_facets"
    piece_id: int = Field(foreign_key="pieces.id", primary_key=True)
    facet_value_id: int = Field(foreign_key="facet_values.id", primary_key=True, index=True)


# --- usage ------------------------------------------------------------------------------

class UsageEvent(SQLModel, table=True):
    """Append-only. The id is made by the client so that a retry never double-counts."""

    __tablename__ = "usage_events"
    __table_args__ = (
        Index("ix_usage_piece_time", "piece_id", "occurred_at"),
        Index("ix_usage_user_time", "user_id", "occurred_at"),
        Index("ix_usage_kind_time", "kind", "occurred_at"),
        # A single piece's stats read only this index (measured: 590 ms → 58 ms at 1M events).
        Index("ix_usage_piece_kind_time", "piece_id", "kind", "occurred_at", "user_id"),
    )
    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=20)
    user_id: int = Field(foreign_key="users.id")
    piece_id: Optional[int] = Field(default=None, foreign_key="pieces.id")
    version_id: Optional[int] = Field(default=None, foreign_key="piece_versions.id")
    occurred_at: datetime = Field(sa_type=DateTime, default_factory=utcnow, index=True)
    account: str = Field(default="", max_length=200)
    deal_stage_id: Optional[int] = Field(default=None, foreign_key="stages.id")
    gate_id: Optional[int] = Field(default=None, foreign_key="gates.id")
    helpful: Optional[bool] = Field(default=None)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    kit_id: Optional[int] = Field(default=None, foreign_key="kits.id")
    is_demo: bool = Field(default=False)


class SearchLog(SQLModel, table=True):
    """Every search a user ran, and which result (if any) they opened."""

    __tablename__ = "search_log"
    id: str = Field(primary_key=True, max_length=36)
    user_id: int = Field(foreign_key="users.id", index=True)
    query: str = Field(max_length=500)
    filters: str = Field(default="", max_length=1000)
    result_count: int = Field(default=0)
    opened_piece_id: Optional[int] = Field(default=None, foreign_key="pieces.id")
    shown_piece_ids: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    occurred_at: datetime = Field(sa_type=DateTime, default_factory=utcnow, index=True)
    is_demo: bool = Field(default=False)


# --- kits and requests ------------------------------------------------------------------

class Kit(SQLModel, table=True):
    __tablename__ = "kits"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    owner_id: int = Field(foreign_key="users.id", index=True)
    account: str = Field(default="", max_length=200)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)
    row_version: int = row_version_field()
    # team mode: a kit made or changed on the laptop is named by this id on both sides
    client_uuid: Optional[str] = Field(default=None, max_length=36, unique=True, index=True)


class KitItem(SQLModel, table=True):
    __tablename__ = "kit_items"
    __table_args__ = (UniqueConstraint("kit_id", "piece_id", name="uq_kit_items_piece"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    kit_id: int = Field(foreign_key="kits.id", index=True)
    piece_id: int = Field(foreign_key="pieces.id")
    position: int = Field(default=0)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version_id_at_add: Optional[int] = Field(default=None)
    added_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)


class ContentRequest(SQLModel, table=True):
    """A rep's ask for a missing piece; marketing fulfils it with a piece or declines."""

    __tablename__ = "content_requests"
    id: Optional[int] = Field(default=None, primary_key=True)
    requester_id: int = Field(foreign_key="users.id", index=True)
    title: str = Field(max_length=300)
    need: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    stage_id: Optional[int] = Field(default=None, foreign_key="stages.id")
    gate_id: Optional[int] = Field(default=None, foreign_key="gates.id")
    persona_id: Optional[int] = Field(default=None, foreign_key="facet_values.id")
    industry_id: Optional[int] = Field(default=None, foreign_key="facet_values.id")
    account: str = Field(default="", max_length=200)
    due: Optional[date] = Field(default=None)
    status: str = Field(default="open", max_length=12, index=True)  # open|in_progress|fulfilled|declined
    piece_id: Optional[int] = Field(default=None, foreign_key="pieces.id")
    decline_reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)
    resolved_at: Optional[datetime] = Field(sa_type=DateTime, default=None)
    resolved_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    is_demo: bool = Field(default=False)
    row_version: int = row_version_field()
    # made by the requester's laptop (team mode): the server stores a queued request once
    client_uuid: Optional[str] = Field(default=None, max_length=36, unique=True, index=True)


# --- shelves: saved and recommended searches, favourites ---------------------------------

class SavedSearch(SQLModel, table=True):
    """A named query with its filters and sort. Personal (its owner's alone) or, shared by
    marketing, "recommended": every user sees it, for a stage and/or gate when those are set."""

    __tablename__ = "saved_searches"
    id: Optional[int] = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=120)
    query: str = Field(default="", max_length=500)
    filters: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # JSON: dimension → keys
    sort: str = Field(default="relevance", max_length=32)
    recommended: bool = Field(default=False, index=True)
    stage_id: Optional[int] = Field(default=None, foreign_key="stages.id")
    gate_id: Optional[int] = Field(default=None, foreign_key="gates.id")
    created_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)
    row_version: int = row_version_field()
    # team mode: a personal search made on the laptop is named by this id on both sides
    client_uuid: Optional[str] = Field(default=None, max_length=36, unique=True, index=True)


class Favourite(SQLModel, table=True):
    """A piece a person starred. The title is kept as it was starred, so a favourite whose
    piece is no longer visible (archived, or gone from a laptop's copy) still says what it was."""

    __tablename__ = "favourites"
    user_id: int = Field(foreign_key="users.id", primary_key=True)
    piece_id: int = Field(foreign_key="pieces.id", primary_key=True, index=True)
    title: str = Field(default="", max_length=300)
    created_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)


class Rendition(SQLModel, table=True):
    """A version's pages as a PDF made from it (a Word, PowerPoint or Excel file drawn by an
    office renderer), so every machine previews real pages without a renderer of its own.

    Derived: made again when missing or damaged, never the only copy of anything. One row per
    version that was tried: ``outcome`` "ok" with the PDF's blob, or "failed" with why (then
    previews fall back to the file's own thumbnail and text). ``text`` is the PDF's text with
    page breaks, for page hits in documents that have no pages of their own (Word)."""

    __tablename__ = "renditions"
    version_id: int = Field(foreign_key="piece_versions.id", primary_key=True)
    piece_id: int = Field(foreign_key="pieces.id", index=True)  # the version's piece (a team's change feed names it)
    blob_sha256: Optional[str] = Field(default=None, foreign_key="blobs.sha256", index=True)
    outcome: str = Field(default="ok", max_length=16)  # ok | failed
    detail: str = Field(default="", max_length=500)
    page_count: Optional[int] = Field(default=None)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    renderer: str = Field(default="", max_length=120)  # e.g. "LibreOffice 7.4.7.2"
    created_at: datetime = Field(sa_type=DateTime, default_factory=utcnow)


class SearchChange(SQLModel, table=True):
    """One change to what a piece's search document is made of (the piece, its versions,
    renditions and tags), written by triggers in the same transaction as the change (see
    ``storage.search_repo``): the search index asks which pieces changed since the entry it
    last matched, instead of comparing every piece. ``piece_id`` None: a row that only marks a
    position. ``token`` is random, so an index never mistakes another history (a restored
    backup, a log made again) for the one it saw. ``tx``: the writing transaction (PostgreSQL
    only: there commit order is not sequence order). Bookkeeping, never sent anywhere."""

    __tablename__ = "search_changes"
    __table_args__ = (Index("ix_search_changes_tx", "tx", sqlite_where=text("tx IS NOT NULL")),
                      {"sqlite_autoincrement": True})
    seq: Optional[int] = Field(default=None, sa_column=Column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True))
    piece_id: Optional[int] = Field(default=None)
    token: str = Field(max_length=16)
    tx: Optional[int] = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    changed_at: datetime = Field(sa_column=Column(DateTime, nullable=False,
                                                  server_default=text("CURRENT_TIMESTAMP")))


ALL_TABLES = [
    LibraryMeta, User, Stage, Gate, FacetValue, Synonym, Blob, Piece, PieceVersion,
    PieceStage, PieceGate, PieceFacet, UsageEvent, SearchLog, Kit, KitItem, ContentRequest, Rendition,
    SavedSearch, Favourite, SearchChange,
]


def stored_id(row_id: Optional[int]) -> int:
    """The primary key of a row read from the database or flushed to it (never None then;
    the tables declare it Optional only because a new row has none until it is flushed)."""
    if row_id is None:
        raise ValueError("this row has no id yet: flush it first")
    return row_id
