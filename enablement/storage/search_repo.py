"""The rows the search index is built from (the index itself lives in ``enablement.search``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, Sequence

from sqlalchemy import String, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from enablement.models.tables import Piece, PieceFacet, PieceGate, PieceStage, PieceVersion, Rendition

PURGED = "purged"


def _changed_text() -> Any:
    """A piece's last change as the database holds it (text): what an index document's stamp
    carries. Turning 100,000 stored times into datetimes and back to text took most of the
    check an open makes."""
    return cast(col(Piece.updated_at), String)


def stamp_rows(session: Session) -> list[tuple[int, str, int | None]]:
    """(piece id, last change as text, current version id) of every piece not purged."""
    rows: Any = session.connection().execute(
        sa_select(col(Piece.id), _changed_text(), col(Piece.current_version_id)).where(col(Piece.status) != PURGED))
    return [(pid, updated, vid) for pid, updated, vid in rows if pid is not None]


# Files whose own text has no pages (Word): their rendition's text, page by page, is indexed
# instead, so a hit says which page it is on.
PAGED_BY_RENDITION = ("docx",)


def _paged() -> tuple[Any, ...]:
    """Where a rendition's text is a version's indexed text (joined to its version)."""
    return (col(PieceVersion.id) == Rendition.version_id, col(PieceVersion.file_type).in_(PAGED_BY_RENDITION),
            Rendition.outcome == "ok", Rendition.text != "")


def paged_by_rendition(session: Session, version_ids: Sequence[int]) -> dict[int, str]:
    """version id → its rendition's paged text, for these versions whose own text has no
    pages (``PAGED_BY_RENDITION``) and whose rendition has text."""
    if not version_ids:
        return {}
    query = select(Rendition.version_id, Rendition.text).where(*_paged(), col(Rendition.version_id).in_(list(version_ids)))
    return {vid: text for vid, text in session.exec(query)}


def versions_paged_by_rendition(session: Session) -> set[int]:
    """Every version whose indexed text is its rendition's (the index's stamps say so)."""
    return set(session.exec(select(Rendition.version_id).where(*_paged())))


class PieceRow(NamedTuple):
    """The columns of a piece an index document is made of."""

    id: int
    title: str
    description: str
    kind: str
    url: str
    owner: str
    status: str
    source: str
    updated_at: datetime
    review_by: date | None
    current_version_id: int | None
    updated_text: str   # ``updated_at`` as the database holds it (see ``stamp_rows``)


class VersionRow(NamedTuple):
    id: int
    text: str
    file_type: str


_PIECE_COLUMNS = tuple(col(c) for c in (
    Piece.id, Piece.title, Piece.description, Piece.kind, Piece.url, Piece.owner, Piece.status,
    Piece.source, Piece.updated_at, Piece.review_by, Piece.current_version_id)) + (_changed_text(),)


@dataclass
class DocumentRows:
    """Everything the index documents of a batch of pieces are made of."""

    pieces: list[PieceRow]
    versions: dict[int, VersionRow]
    stages: dict[int, list[int]] = field(default_factory=dict)
    gates: dict[int, list[int]] = field(default_factory=dict)
    facets: dict[int, list[int]] = field(default_factory=dict)
    paged: dict[int, str] = field(default_factory=dict)  # version id → rendition text (see above)


def document_rows(session: Session, piece_ids: Sequence[int]) -> DocumentRows:
    """The pieces (not purged), their current versions and their tag ids.

    Plain columns, not ORM objects: a full rebuild reads every piece, and building ORM rows
    took a good part of its time."""
    chunk = list(piece_ids)
    connection = session.connection()
    found: Any = connection.execute(
        sa_select(*_PIECE_COLUMNS).where(col(Piece.id).in_(chunk), col(Piece.status) != PURGED))
    pieces = [PieceRow(*r) for r in found]
    vids = [p.current_version_id for p in pieces if p.current_version_id]
    found = connection.execute(
        sa_select(col(PieceVersion.id), col(PieceVersion.text), col(PieceVersion.file_type))
        .where(col(PieceVersion.id).in_(vids)))
    versions = {r[0]: VersionRow(*r) for r in found}
    rows = DocumentRows(pieces, versions, paged=paged_by_rendition(session, [v for v in vids if v]))
    for pid, sid in connection.execute(sa_select(col(PieceStage.piece_id), col(PieceStage.stage_id))
                                       .where(col(PieceStage.piece_id).in_(chunk))):
        rows.stages.setdefault(pid, []).append(sid)
    for pid, gid in connection.execute(sa_select(col(PieceGate.piece_id), col(PieceGate.gate_id))
                                       .where(col(PieceGate.piece_id).in_(chunk))):
        rows.gates.setdefault(pid, []).append(gid)
    for pid, vid in connection.execute(sa_select(col(PieceFacet.piece_id), col(PieceFacet.facet_value_id))
                                       .where(col(PieceFacet.piece_id).in_(chunk))):
        rows.facets.setdefault(pid, []).append(vid)
    return rows


def live_piece_count(session: Session) -> int:
    """How many pieces are not purged (the engine choice goes by library size)."""
    return int(session.exec(select(func.count()).select_from(Piece).where(Piece.status != PURGED)).one())


# --- the change counter ---------------------------------------------------------------------------
# Triggers count every write to the rows an index document's stamp is made of (pieces, their
# versions and renditions), so an index that recorded the count it was checked at can tell at
# open, with one small read, that nothing changed since, instead of reading every piece's
# stamp (seconds at 100,000 pieces on a cold disk). Each change also draws a random tag, so a
# library restored from a backup and changed again never repeats a count it had before.
# SQLite only (embedded libraries and team replicas); made at the first open that wants them,
# so no migration is needed. A migration that rebuilds one of these tables drops its triggers:
# the count then reads as missing, the triggers are made again, and the next open checks every
# stamp once.
CHANGE_TABLE = "search_change_count"
_COUNTED_TABLES = ("pieces", "piece_versions", "renditions")
_TRIGGERS = tuple(f"{CHANGE_TABLE}_{table}_{event.lower()}"
                  for table in _COUNTED_TABLES for event in ("INSERT", "UPDATE", "DELETE"))
_BUMP = (f"UPDATE {CHANGE_TABLE} SET changes = changes + 1, tag = lower(hex(randomblob(8))) "
         "WHERE id = 1;")


def change_count(session: Session) -> str | None:
    """The database's change count as text ("count:tag"), or None where there is none (not
    SQLite, or the table or one of its triggers is missing: see ``make_change_count``)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    names = {name for (name,) in connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE (type = 'trigger' AND name LIKE ?) OR "
        "(type = 'table' AND name = ?)", (f"{CHANGE_TABLE}_%", CHANGE_TABLE))}
    if CHANGE_TABLE not in names or not names.issuperset(_TRIGGERS):
        return None
    row = connection.exec_driver_sql(f"SELECT changes, tag FROM {CHANGE_TABLE} WHERE id = 1").first()
    return None if row is None else f"{row[0]}:{row[1]}"


def make_change_count(session: Session) -> bool:
    """Make the change count's table, row and triggers where missing (in the caller's write
    transaction), and draw a new tag: whatever was recorded against an earlier count no
    longer matches. False where the database keeps no count (not SQLite)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    connection.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {CHANGE_TABLE} (id INTEGER PRIMARY KEY, "
                               "changes INTEGER NOT NULL, tag TEXT NOT NULL)")
    connection.exec_driver_sql(f"INSERT OR IGNORE INTO {CHANGE_TABLE} (id, changes, tag) VALUES (1, 0, '')")
    for table in _COUNTED_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            connection.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS {CHANGE_TABLE}_{table}_{event.lower()} "
                                       f"AFTER {event} ON {table} BEGIN {_BUMP} END")
    connection.exec_driver_sql(_BUMP.rstrip(";"))
    return True


def keep_change_count(engine: Any) -> bool:
    """Make the change count in its own write transaction on ``engine`` (the library's own
    SQLite file: the count is local bookkeeping of the index, never sent anywhere)."""
    from enablement.storage.engine import write_session

    with write_session(engine) as session:
        return make_change_count(session)
