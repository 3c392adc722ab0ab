"""The rows the search index is built from (the index itself lives in ``enablement.search``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, Sequence

from sqlalchemy import String, and_, cast, delete, func, insert, literal_column, or_, text
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from enablement.models.tables import (Piece, PieceFacet, PieceGate, PieceStage, PieceVersion, Rendition, SearchChange,
                                      table_of)

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


# --- the change log -------------------------------------------------------------------------------
# Triggers append one row to ``search_changes`` for every write to what a piece's search document
# is made of (the piece, its versions, renditions and tags), in the same transaction as the write
# (a rolled-back write leaves no entry). An index that recorded the entry it last matched asks at
# open which pieces changed after it, and fixes just those, instead of comparing every piece's
# stamp (seconds at 100,000 pieces on a cold disk). Whoever writes is logged: the app, another
# program, a team replica's pulls.
#
# The log must be trusted only while it is whole. A missing trigger (a migration that rebuilt a
# table drops its triggers), a table dropped by hand, a restored backup, a sequence started
# again: each makes the recorded entry unfindable (its row is gone, or its random token differs)
# or ``log_kept`` false, and the index then compares every stamp once. The triggers are made at
# the first open that wants them (``keep_change_log``), so a team server, where no index opens,
# keeps none.
CHANGE_LOG = "search_changes"
_LOG = table_of(SearchChange)
_LOGGED = (("pieces", "id"), ("piece_versions", "piece_id"), ("renditions", "piece_id"),
           ("piece_stages", "piece_id"), ("piece_gates", "piece_id"), ("piece_facets", "piece_id"))
_EVENTS = ("insert", "update", "delete")
TRIGGERS = tuple(f"{CHANGE_LOG}_{table}_{event}" for table, _ in _LOGGED for event in _EVENTS)
# PostgreSQL: several machines may each keep an index of one database, and none knows where the
# others stand: entries go only once they are this old (an index away longer compares every stamp).
KEPT_DAYS_ON_SERVERS = 30
_OLD_ON_SERVERS = f"CURRENT_TIMESTAMP - INTERVAL '{KEPT_DAYS_ON_SERVERS} days'"


@dataclass(frozen=True)
class LogPosition:
    """An entry of the change log an index matched: its number and random token, and (on
    PostgreSQL) the snapshot taken before the log was read ("xmin:xmax:running,..."): the
    transactions running then, and those begun since, may commit entries with lower numbers
    later ("" on SQLite, where writers take turns)."""

    seq: int
    token: str
    horizon: str = ""


@dataclass(frozen=True)
class LogChanges:
    """The pieces changed after a position, the newest position, and the oldest entry kept."""

    pieces: frozenset[int]
    position: LogPosition
    oldest: int


def _sqlite_trigger(table: str, column: str, event: str) -> str:
    rows = {"insert": f"SELECT NEW.{column} AS x", "delete": f"SELECT OLD.{column} AS x",
            "update": f"SELECT NEW.{column} AS x UNION SELECT OLD.{column}"}[event]
    return (f"CREATE TRIGGER IF NOT EXISTS {CHANGE_LOG}_{table}_{event} AFTER {event.upper()} ON {table} BEGIN "
            f"INSERT INTO {CHANGE_LOG} (piece_id, token) SELECT x, lower(hex(randomblob(8))) FROM ({rows}); END")


# One row per (statement, piece). A log dropped by hand must not break the write (it is made
# again at the next open, which then compares every stamp); a sequence set back by hand is
# moved past the newest entry first, so numbers never repeat. Now and then, entries older than
# KEPT_DAYS_ON_SERVERS go (the newest stays), so a database whose index rarely opens stays small.
_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION search_log_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public AS $$
DECLARE col text := TG_ARGV[0]; seqname text; top bigint;
BEGIN
  IF to_regclass('public.{CHANGE_LOG}') IS NULL THEN RETURN NULL; END IF;
  seqname := pg_get_serial_sequence('public.{CHANGE_LOG}', 'seq');
  SELECT max(seq) INTO top FROM public.{CHANGE_LOG};
  IF top > coalesce(pg_sequence_last_value(seqname::regclass), 0) THEN PERFORM setval(seqname, top); END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO public.{CHANGE_LOG} (piece_id, token, tx)
      SELECT k, substr(md5(random()::text), 1, 16), pg_current_xact_id()::text::bigint
      FROM (SELECT DISTINCT (to_jsonb(n) ->> col)::integer AS k FROM new_rows n) s;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO public.{CHANGE_LOG} (piece_id, token, tx)
      SELECT k, substr(md5(random()::text), 1, 16), pg_current_xact_id()::text::bigint
      FROM (SELECT (to_jsonb(n) ->> col)::integer AS k FROM new_rows n
            UNION SELECT (to_jsonb(o) ->> col)::integer FROM old_rows o) s;
  ELSE
    INSERT INTO public.{CHANGE_LOG} (piece_id, token, tx)
      SELECT k, substr(md5(random()::text), 1, 16), pg_current_xact_id()::text::bigint
      FROM (SELECT DISTINCT (to_jsonb(o) ->> col)::integer AS k FROM old_rows o) s;
  END IF;
  IF random() < 0.001 THEN
    DELETE FROM public.{CHANGE_LOG} WHERE changed_at < {_OLD_ON_SERVERS}
      AND seq < (SELECT max(seq) FROM public.{CHANGE_LOG});
  END IF;
  RETURN NULL;
END $$"""


def _pg_trigger(table: str, column: str, event: str) -> list[str]:
    name = f"{CHANGE_LOG}_{event}"
    ref = {"insert": "NEW TABLE AS new_rows", "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
           "delete": "OLD TABLE AS old_rows"}[event]
    return [f"DROP TRIGGER IF EXISTS {name} ON public.{table}",
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON public.{table} REFERENCING {ref} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION search_log_change('{column}')"]


def log_kept(connection: Connection) -> bool:
    """The log's table and every one of its triggers (enabled) are there."""
    if connection.dialect.name == "sqlite":
        names = {name for (name,) in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE (type = 'trigger' AND name LIKE ?) OR "
            "(type = 'table' AND name = ?)", (f"{CHANGE_LOG}_%", CHANGE_LOG))}
        return CHANGE_LOG in names and names.issuperset(TRIGGERS)
    found = {f"{CHANGE_LOG}_{table}_{name.removeprefix(CHANGE_LOG + '_')}" for table, name in connection.execute(
        text("SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
             "WHERE t.tgname LIKE :names AND t.tgenabled <> 'D' AND c.relnamespace = 'public'::regnamespace "
             "AND to_regclass(:log) IS NOT NULL"), {"names": f"{CHANGE_LOG}_%", "log": f"public.{CHANGE_LOG}"})}
    return found.issuperset(TRIGGERS)


# More transactions than this running at once: wait for everything from the oldest on instead.
_MAX_RUNNING = 100


def _horizon(connection: Connection) -> str:
    """PostgreSQL: a snapshot taken before the log is read. Every transaction it does not
    list as running, below its xmax, has ended: its entries are seen by the reads that follow."""
    if connection.dialect.name == "sqlite":
        return ""
    return str(connection.execute(text("SELECT pg_current_snapshot()::text")).scalar_one())


def _unfinished(horizon: str) -> list[Any] | None:
    """Conditions for the entries of transactions that had not ended at ``horizon`` (running,
    or begun since): they may have committed after the log was read. None if unreadable."""
    try:
        xmin, xmax, running = horizon.split(":")
        ids = [int(x) for x in running.split(",") if x]
        if len(ids) > _MAX_RUNNING:
            return [_LOG.c.tx >= int(xmin)]
        return [_LOG.c.tx >= int(xmax)] + ([_LOG.c.tx.in_(ids)] if ids else [])
    except ValueError:
        return None


def log_head(session: Session) -> LogPosition | None:
    """The newest entry of the change log (in the caller's transaction), or None where the
    log is not kept whole or is empty."""
    connection = session.connection()
    if not log_kept(connection):
        return None
    horizon = _horizon(connection)
    row = connection.execute(sa_select(_LOG.c.seq, _LOG.c.token).order_by(_LOG.c.seq.desc()).limit(1)).first()
    return None if row is None else LogPosition(int(row[0]), str(row[1]), horizon)


def changes_since(session: Session, position: LogPosition) -> LogChanges | None:
    """The pieces changed after ``position`` (in one read transaction), or None when that
    position cannot be trusted in this database: the log is not kept whole, or its entry is
    gone or carries another token (pruned, a restored backup, a log made again)."""
    connection = session.connection()
    if not log_kept(connection):
        return None
    horizon = _horizon(connection)
    if connection.execute(sa_select(_LOG.c.token).where(_LOG.c.seq == position.seq)).scalar() != position.token:
        return None
    after: Any = _LOG.c.seq > position.seq
    if connection.dialect.name != "sqlite":  # transactions running then may have committed since
        unfinished = _unfinished(position.horizon)
        if unfinished is None:
            return None
        after = or_(after, *unfinished)
    rows = connection.execute(sa_select(_LOG.c.seq, _LOG.c.piece_id, _LOG.c.token).where(after)).all()
    newest = max(((int(seq), str(token)) for seq, _pid, token in rows), default=(position.seq, position.token))
    if newest[0] < position.seq:
        newest = (position.seq, position.token)
    oldest = connection.execute(sa_select(func.min(_LOG.c.seq))).scalar()
    return LogChanges(frozenset(int(pid) for _seq, pid, _token in rows if pid is not None),
                      LogPosition(newest[0], newest[1], horizon), int(oldest if oldest is not None else newest[0]))


def make_change_log(session: Session) -> None:
    """Make the change log's table and triggers where missing (in the caller's write
    transaction). When any was missing, writes went unlogged: the entries go, so no position
    recorded before is trusted. Leaves at least one entry, for an index to record."""
    connection = session.connection()
    _LOG.create(connection, checkfirst=True)
    if not log_kept(connection):
        if connection.dialect.name == "sqlite":
            for table, column in _LOGGED:
                for event in _EVENTS:
                    connection.exec_driver_sql(_sqlite_trigger(table, column, event))
        else:
            connection.exec_driver_sql(_PG_FUNCTION)
            for table, column in _LOGGED:
                for event in _EVENTS:
                    for statement in _pg_trigger(table, column, event):
                        connection.exec_driver_sql(statement)
        connection.execute(delete(_LOG))
    if connection.execute(sa_select(_LOG.c.seq).limit(1)).first() is None:
        connection.execute(insert(_LOG).values(piece_id=None, token=secrets.token_hex(8)))


def keep_change_log(engine: Any) -> None:
    """``make_change_log`` in its own write transaction on ``engine`` (the library's own
    database: the log is bookkeeping of the index, never sent anywhere)."""
    from enablement.storage.engine import write_session

    with write_session(engine) as session:
        make_change_log(session)


def prune_change_log(engine: Any, below: int) -> int:
    """Drop the entries before ``below`` (the position of the one index of a SQLite database;
    on PostgreSQL only those also older than KEPT_DAYS_ON_SERVERS). Returns how many went."""
    from enablement.storage.engine import write_session

    with write_session(engine) as session:
        connection = session.connection()
        old: Any = _LOG.c.seq < below
        if connection.dialect.name != "sqlite":
            old = and_(old, _LOG.c.changed_at < literal_column(_OLD_ON_SERVERS))
        return int(connection.execute(delete(_LOG).where(old)).rowcount or 0)


def mend_change_log(connection: Connection) -> None:
    """SQLite: when the log's triggers are there but its table is not (dropped by hand), every
    write to a piece would fail; make the table again (empty: the next open compares every
    stamp). Runs at the start of write transactions after the schema changed."""
    names = {name for (name,) in connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE (type = 'trigger' AND name LIKE ?) OR (type = 'table' AND name = ?)",
        (f"{CHANGE_LOG}_%", CHANGE_LOG))}
    if CHANGE_LOG not in names and names:
        _LOG.create(connection, checkfirst=True)
