"""What every report shares: the filter, the result shapes, the definitions and the
building blocks of the queries (period bounds, event/piece/search scopes, date buckets).

Every report is computed by GROUP BY queries in the database; only aggregates (at most a
row per piece, rep, query or bucket) come back into Python.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar, Iterable, Optional, Sequence

from sqlalchemy import and_, func, literal, select, true
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement, Select

from enablement.models.tables import (FacetValue, Piece, PieceFacet, PieceStage, SearchLog, table_of,
                                      UsageEvent, User)
from enablement.models.vocab import Status, UsageKind, USE_KINDS
from enablement.reports.dialect import bucket_expr, bucket_labels, days_between, unindexed  # noqa: F401
from enablement.storage.engine import is_sqlite, read_session

EVENTS = table_of(UsageEvent)
PIECES = table_of(Piece)
USERS = table_of(User)
SEARCHES = table_of(SearchLog)
PIECE_STAGES = table_of(PieceStage)
PIECE_FACETS = table_of(PieceFacet)
FACET_VALUES = table_of(FacetValue)

USE = tuple(sorted(USE_KINDS))
OPEN_KINDS = (UsageKind.VIEWED.value, UsageKind.PREVIEWED.value, UsageKind.OPENED.value)
VIEW_KINDS = (UsageKind.VIEWED.value, UsageKind.PREVIEWED.value)
CALL_OR_SENT_KINDS = (UsageKind.USED_IN_CALL.value, UsageKind.SENT.value, UsageKind.KIT_EXPORTED.value)

# The definitions shown in every export and docstring (one place, so they never drift apart).
DEFINITIONS: dict[str, str] = {
    "used": "Used = at least one event of opened, exported, sent, used_in_call or kit_exported "
            "in the period.",
    "surfaced": "Surfaced = the piece was shown in the results of a search in the period, or was "
                "viewed/previewed in the period.",
    "opened": "Opened = a viewed, previewed or opened event in the period.",
    "call_or_sent": "Used in a call or sent = a used_in_call, sent or kit_exported event.",
    "published": "Published pieces = pieces whose status is 'published' now and that were "
                 "published before the end of the period (drafts, archived and purged excluded).",
    "active_rep": "Active rep = a user with role rep who has any usage event or search in the period.",
    "age": "Age = whole days from the day a piece was published (or created) to today.",
    "stale": "Stale = review-by date before today.",
}


@dataclass(frozen=True)
class ReportFilter:
    """The period and scope of a report. Dates are inclusive; None means unbounded.

    ``team``/``user_id`` restrict whose activity counts; ``stage_id`` and
    ``content_type_value_id`` restrict which pieces count; ``exclude_demo`` drops rows
    flagged as demo data (pieces, users, events, searches, requests)."""

    since: Optional[date] = None
    until: Optional[date] = None
    team: Optional[str] = None
    user_id: Optional[int] = None
    stage_id: Optional[int] = None
    content_type_value_id: Optional[int] = None
    exclude_demo: bool = False

    @property
    def start(self) -> Optional[datetime]:
        """First instant of the period (naive UTC)."""
        return datetime.combine(self.since, time()) if self.since else None

    @property
    def end(self) -> Optional[datetime]:
        """First instant after the period (naive UTC)."""
        return datetime.combine(self.until + timedelta(days=1), time()) if self.until else None

    def describe(self) -> str:
        """The filter in words, for report headers."""
        period = f"{self.since or 'the beginning'} to {self.until or 'today'}"
        parts = [f"Period: {period}"]
        for label, value in (("team", self.team), ("rep id", self.user_id), ("stage id", self.stage_id),
                             ("content type id", self.content_type_value_id)):
            if value is not None:
                parts.append(f"{label}: {value}")
        if self.exclude_demo:
            parts.append("demo data excluded")
        return "; ".join(parts)


@dataclass(frozen=True)
class ReportTable:
    """One table of a report: column names and rows of plain values."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    notes: tuple[str, ...] = ()

    def as_dicts(self) -> list[dict[str, Any]]:
        """The rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def column(self, name: str) -> list[Any]:
        """All values of one column."""
        i = self.columns.index(name)
        return [row[i] for row in self.rows]


@dataclass(frozen=True, kw_only=True)
class Report:
    """A computed report: headline numbers (typed fields of each subclass), tables and notes.

    Subclasses list their headline fields in ``HEADLINE`` as (attribute, label) pairs."""

    name: str
    title: str
    filter: ReportFilter
    today: date
    tables: tuple[ReportTable, ...] = ()
    notes: tuple[str, ...] = ()
    # None: computed now; else when this copy was computed (a team library offline shows the
    # last copy it kept, naive UTC), and the title and notes say so
    as_of: Optional[datetime] = None
    HEADLINE: ClassVar[tuple[tuple[str, str], ...]] = ()

    def headline(self) -> list[tuple[str, Any]]:
        """The headline numbers as (label, value) pairs, in display order."""
        return [(label, getattr(self, attr)) for attr, label in self.HEADLINE]

    def table(self, name: str) -> ReportTable:
        """The table called ``name``."""
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates as ISO text)."""
        extra = {f.name: getattr(self, f.name) for f in fields(self)
                 if f.name not in {"name", "title", "filter", "today", "tables", "notes", "as_of"}}
        return {"name": self.name, "title": self.title, "filter": self.filter.describe(),
                "today": self.today, "headline": extra, "notes": list(self.notes),
                "tables": [{"name": t.name, "title": t.title, "columns": list(t.columns),
                            "rows": [list(r) for r in t.rows], "notes": list(t.notes)} for t in self.tables]}


def ratio(part: float, whole: float) -> Optional[float]:
    """part / whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def all_of(conditions: Iterable[ColumnElement[bool]]) -> ColumnElement[bool]:
    """Every condition at once; no conditions at all is simply true (a bare ``and_()`` is deprecated)."""
    return and_(true(), *conditions)


def fetch(engine: Engine, stmt: Any) -> list[Any]:
    """Run one read-only statement and return its rows."""
    with read_session(engine) as s:
        return list(s.connection().execute(stmt).all())


def age_days(published_at: Optional[datetime], created_at: Optional[datetime], today: date) -> Optional[int]:
    """Whole days since a piece was published (or created)."""
    when = published_at or created_at
    return (today - when.date()).days if when else None


# --- scopes --------------------------------------------------------------------------------

def in_period(column: Any, f: ReportFilter) -> list[ColumnElement[bool]]:
    """Conditions keeping ``column`` (a datetime) inside the period."""
    conds: list[ColumnElement[bool]] = []
    if f.start is not None:
        conds.append(column >= f.start)
    if f.end is not None:
        conds.append(column < f.end)
    return conds


def user_conditions(user_column: Any, f: ReportFilter) -> list[ColumnElement[bool]]:
    """Conditions keeping the activity of the chosen rep/team (and non-demo users)."""
    conds: list[ColumnElement[bool]] = []
    if f.user_id is not None:
        conds.append(user_column == f.user_id)
    if f.team is not None:
        conds.append(user_column.in_(select(USERS.c.id).where(USERS.c.team == f.team)))
    return conds


def piece_conditions(piece_column: Any, f: ReportFilter) -> list[ColumnElement[bool]]:
    """Conditions keeping pieces tagged with the chosen stage / content type."""
    conds: list[ColumnElement[bool]] = []
    if f.stage_id is not None:
        conds.append(piece_column.in_(select(PIECE_STAGES.c.piece_id)
                                      .where(PIECE_STAGES.c.stage_id == f.stage_id)))
    if f.content_type_value_id is not None:
        conds.append(piece_column.in_(select(PIECE_FACETS.c.piece_id)
                                      .where(PIECE_FACETS.c.facet_value_id == f.content_type_value_id)))
    return conds


def event_conditions(f: ReportFilter, kinds: Sequence[str] | None = None, period: bool = True,
                     scan: Engine | None = None) -> list[ColumnElement[bool]]:
    """Conditions on usage_events for the filter (period, people, pieces, demo, kinds).

    Pass ``scan=engine`` for queries that aggregate a large part of the log: on SQLite every
    term is then kept off the indexes, because walking an index and looking each row up in
    the table is several times slower than one sequential scan (measured at 1M events:
    0.85 s through the kind index versus 0.2 s for a scan)."""
    e = EVENTS.c

    def col(c: Any) -> Any:
        return unindexed(scan, c) if scan is not None else c

    conds = in_period(col(e.occurred_at), f) if period else []
    conds += user_conditions(col(e.user_id), f)
    conds += piece_conditions(col(e.piece_id), f)
    if f.exclude_demo:
        conds.append(e.is_demo == False)  # noqa: E712
    if kinds is not None:
        conds.append(col(e.kind).in_(list(kinds)))
    return conds


def narrowed(f: ReportFilter) -> bool:
    """True when the filter names people or pieces (index lookups then cost more than a scan)."""
    return any(v is not None for v in (f.team, f.user_id, f.stage_id, f.content_type_value_id))


def search_conditions(f: ReportFilter) -> list[ColumnElement[bool]]:
    """Conditions on search_log for the filter (period, people, demo)."""
    conds = in_period(SEARCHES.c.occurred_at, f) + user_conditions(SEARCHES.c.user_id, f)
    if f.exclude_demo:
        conds.append(SEARCHES.c.is_demo == False)  # noqa: E712
    return conds


def published_conditions(f: ReportFilter) -> list[ColumnElement[bool]]:
    """Conditions on pieces: published now, published before the period ends, in scope."""
    conds: list[ColumnElement[bool]] = [PIECES.c.status == Status.PUBLISHED.value]
    if f.end is not None:
        conds.append(func.coalesce(PIECES.c.published_at, PIECES.c.created_at) < f.end)
    conds += piece_conditions(PIECES.c.id, f)
    if f.exclude_demo:
        conds.append(PIECES.c.is_demo == False)  # noqa: E712
    return conds


def count_if(condition: ColumnElement[bool]) -> Any:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), portable."""
    from sqlalchemy import case

    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def exploded_shown_ids(engine: Engine, f: ReportFilter) -> Select:
    """SELECT DISTINCT piece_id shown in the results of the period's searches.

    ``search_log.shown_piece_ids`` is comma-separated text; it is split in the database
    (SQLite: json_each over '[' || ids || ']'; PostgreSQL: unnest(string_to_array))."""
    conds = search_conditions(f) + [SEARCHES.c.shown_piece_ids != ""]
    if is_sqlite(engine):
        each = func.json_each(literal("[") + SEARCHES.c.shown_piece_ids + literal("]")).table_valued("value")
        return (select(each.c.value.label("piece_id")).select_from(SEARCHES).join(each, literal(True))
                .where(all_of(conds)).distinct())
    from sqlalchemy import Integer, cast

    ids = (func.unnest(func.string_to_array(SEARCHES.c.shown_piece_ids, ",")).table_valued("value")
           .render_derived("ids"))
    return (select(cast(ids.c.value, Integer).label("piece_id")).select_from(SEARCHES)
            .join(ids, literal(True)).where(all_of(conds)).distinct())


def content_types(engine: Engine, piece_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    """Content-type labels of pieces, in taxonomy order."""
    stmt = (select(PIECE_FACETS.c.piece_id, FACET_VALUES.c.label)
            .join(FACET_VALUES, FACET_VALUES.c.id == PIECE_FACETS.c.facet_value_id)
            .where(FACET_VALUES.c.facet == "content_type").order_by(FACET_VALUES.c.position))
    if piece_ids is not None:
        stmt = stmt.where(PIECE_FACETS.c.piece_id.in_(list(piece_ids)))
    out: dict[int, list[str]] = {}
    for row in fetch(engine, stmt):
        out.setdefault(row.piece_id, []).append(row.label)
    return out
