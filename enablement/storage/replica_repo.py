"""A team laptop's replica: the local-only tables beside the library schema, and the SQL that
applies a pull and keeps the outbox.

The replica is an embedded library (same Alembic schema) holding what the login may see.
Three tables exist only there, outside the migrations (the server never has them):
``replica_state`` (key/value: last sequence seen, the login's person, the link's state),
``replica_outbox`` (rep writes waiting to be sent, oldest first) and ``replica_dead_letters``
(entries the server refused for good, with its reason). ``replica_popularity`` holds the
team's use counts from the last pull.
"""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import (Column, Integer, MetaData, String, Table, Text, delete, func, insert, select, text,
                        update)
from sqlalchemy.engine import Connection, Engine

from enablement.models.tables import (Blob, ContentRequest, FacetValue, Favourite, Gate, Kit, KitItem, LibraryMeta,
                                      Piece, PieceFacet, PieceGate, PieceStage, PieceVersion, Rendition,
                                      SearchLog, Stage, Synonym, UsageEvent, User)
from enablement.models.vocab import USE_KINDS

LOCAL = MetaData()
STATE = Table("replica_state", LOCAL, Column("key", String(64), primary_key=True),
              Column("value", Text, nullable=False))
OUTBOX = Table("replica_outbox", LOCAL, Column("id", Integer, primary_key=True, autoincrement=True),
               Column("kind", String(20), nullable=False), Column("key", String(64), nullable=False),
               Column("payload", Text, nullable=False), Column("queued_at", String(40), nullable=False))
DEAD = Table("replica_dead_letters", LOCAL, Column("id", Integer, primary_key=True, autoincrement=True),
             Column("kind", String(20), nullable=False), Column("key", String(64), nullable=False),
             Column("payload", Text, nullable=False), Column("reason", Text, nullable=False),
             Column("queued_at", String(40), nullable=False), Column("refused_at", String(40), nullable=False))
POPULARITY = Table("replica_popularity", LOCAL, Column("piece_id", Integer, primary_key=True),
                   Column("uses", Integer, nullable=False))
# Rows made on this laptop get provisional (negative) ids; once the server stored them, their
# server ids: entries still waiting in the outbox that name a provisional id are sent with it.
ID_MAP = Table("replica_id_map", LOCAL, Column("entity", String(20), primary_key=True),
               Column("local_id", Integer, primary_key=True), Column("server_id", Integer, nullable=False))

def model_table(model: Any) -> Table:
    """The Core table behind a table model."""
    table: Table = model.__table__
    return table


PIECES, VERSIONS, BLOBS = model_table(Piece), model_table(PieceVersion), model_table(Blob)
PIECE_TAGS = (model_table(PieceStage), model_table(PieceGate), model_table(PieceFacet))
TAXONOMY = (model_table(Stage), model_table(Gate), model_table(FacetValue), model_table(Synonym))
USERS, META = model_table(User), model_table(LibraryMeta)
KITS, KIT_ITEMS = model_table(Kit), model_table(KitItem)
REQUESTS = model_table(ContentRequest)
RENDITIONS = model_table(Rendition)


_CREATING = threading.Lock()  # two threads opening one new replica: one creates, the other finds


def create_local_tables(engine: Engine) -> None:
    with _CREATING:
        LOCAL.create_all(engine)


# --- state --------------------------------------------------------------------------------------
def state(conn: Connection) -> dict[str, str]:
    return {k: v for k, v in conn.execute(select(STATE.c.key, STATE.c.value))}


def set_state(conn: Connection, values: Mapping[str, object]) -> None:
    for key, value in values.items():
        if value is None:
            conn.execute(delete(STATE).where(STATE.c.key == key))
            continue
        done = conn.execute(update(STATE).where(STATE.c.key == key).values(value=str(value)))
        if done.rowcount == 0:
            conn.execute(insert(STATE).values(key=key, value=str(value)))


# --- outbox ---------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot queue a {type(value).__name__}")


def row_payload(row: Mapping[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, default=_plain)


def queue(conn: Connection, entries: Sequence[tuple[str, str, Mapping[str, Any]]], at: str) -> None:
    """Add (kind, key, row) entries to the outbox, in this order."""
    if entries:
        conn.execute(insert(OUTBOX), [{"kind": k, "key": key, "payload": row_payload(row), "queued_at": at}
                                      for k, key, row in entries])


def outbox_batch(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """The oldest ``limit`` outbox entries, payloads decoded."""
    rows = conn.execute(select(OUTBOX).order_by(OUTBOX.c.id).limit(limit)).mappings()
    return [dict(r, payload=json.loads(r["payload"])) for r in rows]


def outbox_size(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(OUTBOX)).scalar_one())


def outbox_counts(conn: Connection) -> dict[str, int]:
    """Entries waiting in the outbox by kind (usage, search, opened, request)."""
    rows = conn.execute(select(OUTBOX.c.kind, func.count()).group_by(OUTBOX.c.kind)).all()
    return {str(kind): int(n) for kind, n in rows}


def settle(conn: Connection, sent: Iterable[int], refused: Sequence[tuple[dict[str, Any], str]], at: str) -> None:
    """After the server committed: sent entries leave the outbox, refused ones move to the
    dead letters with the server's reason (one local transaction)."""
    ids = list(sent) + [entry["id"] for entry, _ in refused]
    if refused:
        conn.execute(insert(DEAD), [{"kind": e["kind"], "key": e["key"], "payload": row_payload(e["payload"]),
                                     "reason": reason, "queued_at": e["queued_at"], "refused_at": at}
                                    for e, reason in refused])
    for start in range(0, len(ids), 500):
        conn.execute(delete(OUTBOX).where(OUTBOX.c.id.in_(ids[start:start + 500])))


def dead_letters(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(DEAD).order_by(DEAD.c.id)).mappings()]


def retry_dead_letters(conn: Connection, ids: Sequence[int]) -> int:
    """Move these dead letters back to the outbox (kind, key, payload and queue time kept), to
    be sent at the next sync; returns how many moved."""
    rows = [dict(r) for chunk in chunks(list(ids))
            for r in conn.execute(select(DEAD).where(DEAD.c.id.in_(chunk)).order_by(DEAD.c.id)).mappings()]
    if rows:
        conn.execute(insert(OUTBOX), [{"kind": r["kind"], "key": r["key"], "payload": r["payload"],
                                       "queued_at": r["queued_at"]} for r in rows])
        conn.execute(delete(DEAD).where(DEAD.c.id.in_([r["id"] for r in rows])))
    return len(rows)


def next_local_id(conn: Connection, table: Table) -> int:
    """Rows made on this laptop and not yet stored by the server (requests, a rep's own
    pieces and their versions) get negative ids, so they never collide with the server's ids
    that a pull brings."""
    low = conn.execute(select(func.min(table.c.id))).scalar()
    return min(0, int(low or 0)) - 1


# --- a rep's own submissions made on this laptop ----------------------------------------------------
def submission_payload(conn: Connection, piece_id: int) -> dict[str, Any]:
    """Everything the server needs to store one provisional piece: its row, versions, tags
    and the blob rows of its files (the bytes stay in the file cache, named by their hash)."""
    piece = dict(conn.execute(select(PIECES).where(PIECES.c.id == piece_id)).mappings().one())
    versions = [dict(r) for r in conn.execute(select(VERSIONS).where(VERSIONS.c.piece_id == piece_id)
                                              .order_by(VERSIONS.c.number)).mappings()]
    shas = sorted({v["blob_sha256"] for v in versions if v["blob_sha256"]})
    blobs = [dict(r) for r in conn.execute(select(BLOBS).where(BLOBS.c.sha256.in_(shas))).mappings()]
    tags = {t.name: [dict(r) for r in conn.execute(select(t).where(t.c.piece_id == piece_id)).mappings()]
            for t in PIECE_TAGS}
    return {"piece": piece, "versions": versions, "blobs": blobs, "tags": tags}


def provisional_blobs(conn: Connection) -> set[str]:
    """The files of submissions not yet on the server (kept in the file cache until sent)."""
    return {str(s) for s in conn.execute(select(VERSIONS.c.blob_sha256).where(
        VERSIONS.c.piece_id < 0, VERSIONS.c.blob_sha256.is_not(None))).scalars()}


def id_map(conn: Connection) -> dict[tuple[str, int], int]:
    """(entity, provisional id) → the server's id, for what the server already stored."""
    return {(str(e), int(a)): int(b) for e, a, b in conn.execute(select(ID_MAP.c.entity, ID_MAP.c.local_id,
                                                                         ID_MAP.c.server_id))}


def _drop_pieces(conn: Connection, ids: Sequence[int]) -> None:
    for chunk in chunks(list(ids)):
        for table in PIECE_TAGS:
            conn.execute(delete(table).where(table.c.piece_id.in_(chunk)))
        conn.execute(delete(RENDITIONS).where(RENDITIONS.c.piece_id.in_(chunk)))
        conn.execute(delete(VERSIONS).where(VERSIONS.c.piece_id.in_(chunk)))
        conn.execute(delete(PIECES).where(PIECES.c.id.in_(chunk)))


# --- a person's own kits, made or changed on this laptop ----------------------------------------------
def kit_payload(conn: Connection, kit_id: int) -> dict[str, Any] | None:
    """A kit as this laptop has it now (row and items in order), or None when it is gone."""
    kit = conn.execute(select(KITS).where(KITS.c.id == kit_id)).mappings().first()
    if kit is None:
        return None
    items = [dict(r) for r in conn.execute(select(KIT_ITEMS).where(KIT_ITEMS.c.kit_id == kit_id)
                                           .order_by(KIT_ITEMS.c.position, KIT_ITEMS.c.id)).mappings()]
    return {"kit": dict(kit), "items": items}


def name_kit(conn: Connection, kit_id: int, client_uuid: str) -> None:
    """Give a kit made before kits carried one its laptop-side name."""
    conn.execute(update(KITS).where(KITS.c.id == kit_id, KITS.c.client_uuid.is_(None)).values(client_uuid=client_uuid))


def pending_kits(conn: Connection) -> set[str]:
    """The client UUIDs of kits whose changes wait in the outbox."""
    return {str(k) for k in conn.execute(select(OUTBOX.c.key).where(OUTBOX.c.kind == "kit")).scalars()}


def _contents(conn: Connection, *tables: Table) -> list[frozenset[tuple[Any, ...]]]:
    """Every row of each table (small local tables: to tell whether a replacement changed them)."""
    return [frozenset(tuple(row) for row in conn.execute(select(table))) for table in tables]


def replace_kits(conn: Connection, kits: Sequence[Mapping[str, Any]], items: Sequence[Mapping[str, Any]]) -> bool:
    """The person's kits as the server has them, except those whose changes still wait in the
    outbox (this laptop's state wins until it is sent) and kits made here that the server has
    not stored (a refused one stays, beside its dead letter). True when anything changed."""
    before = _contents(conn, KITS, KIT_ITEMS)
    pending = pending_kits(conn)
    on_server = {str(k["client_uuid"]) for k in kits if k.get("client_uuid")}
    local = conn.execute(select(KITS.c.id, KITS.c.client_uuid)).all()
    keep = {int(i) for i, u in local if u in pending or (i < 0 and u not in on_server)}
    kept_uuids = {str(u) for i, u in local if int(i) in keep and u}
    conn.execute(delete(KIT_ITEMS).where(KIT_ITEMS.c.kit_id.not_in(keep)))
    conn.execute(delete(KITS).where(KITS.c.id.not_in(keep)))
    taken = [k for k in kits if int(k["id"]) not in keep and k.get("client_uuid") not in kept_uuids]
    ids = {int(k["id"]) for k in taken}
    _put(conn, KITS, taken)
    _put(conn, KIT_ITEMS, [i for i in items if int(i["kit_id"]) in ids])
    return _contents(conn, KITS, KIT_ITEMS) != before


def map_kit(conn: Connection, local_id: int, server_id: int) -> None:
    """The server stored the kit made here as ``server_id``: what waits and names it (an
    export's uses) is sent with the server's id; the next pull brings the kit itself."""
    conn.execute(delete(ID_MAP).where(ID_MAP.c.entity == "kit", ID_MAP.c.local_id == local_id))
    conn.execute(insert(ID_MAP).values(entity="kit", local_id=local_id, server_id=server_id))
    events = model_table(UsageEvent)
    conn.execute(update(events).where(events.c.kit_id == local_id).values(kit_id=server_id))


def map_submission(conn: Connection, local_id: int, server_id: int, versions: Mapping[int, int]) -> None:
    """The server stored the provisional piece ``local_id`` as ``server_id`` (its versions as
    ``versions``): the local rows take the server's ids, and so does everything naming them
    (own uses, searches, kit items, requests, favourites). When a pull already brought the server's row,
    the provisional copy goes."""
    rows = [{"entity": "piece", "local_id": local_id, "server_id": server_id}]
    rows += [{"entity": "version", "local_id": a, "server_id": b} for a, b in versions.items()]
    conn.execute(delete(ID_MAP).where(ID_MAP.c.entity == "piece", ID_MAP.c.local_id == local_id))
    conn.execute(delete(ID_MAP).where(ID_MAP.c.entity == "version", ID_MAP.c.local_id.in_(list(versions))))
    conn.execute(insert(ID_MAP), rows)
    if conn.execute(select(PIECES.c.id).where(PIECES.c.id == server_id)).first() is not None:
        _drop_pieces(conn, [local_id])
    else:
        for table in PIECE_TAGS:
            conn.execute(update(table).where(table.c.piece_id == local_id).values(piece_id=server_id))
        for old, new in versions.items():
            conn.execute(update(VERSIONS).where(VERSIONS.c.id == old).values(id=new, piece_id=server_id))
        conn.execute(update(VERSIONS).where(VERSIONS.c.piece_id == local_id).values(piece_id=server_id))
        current = conn.execute(select(PIECES.c.current_version_id).where(PIECES.c.id == local_id)).scalar()
        conn.execute(update(PIECES).where(PIECES.c.id == local_id)
                     .values(id=server_id, current_version_id=versions.get(current, current) if current else None))
    events, searches = model_table(UsageEvent), model_table(SearchLog)
    conn.execute(update(events).where(events.c.piece_id == local_id).values(piece_id=server_id))
    for old, new in versions.items():
        conn.execute(update(events).where(events.c.version_id == old).values(version_id=new))
    conn.execute(update(searches).where(searches.c.opened_piece_id == local_id).values(opened_piece_id=server_id))
    conn.execute(update(KIT_ITEMS).where(KIT_ITEMS.c.piece_id == local_id).values(piece_id=server_id))
    conn.execute(update(REQUESTS).where(REQUESTS.c.piece_id == local_id).values(piece_id=server_id))
    favourites = model_table(Favourite)  # a star on one's own piece before it was sent
    conn.execute(update(favourites).where(favourites.c.piece_id == local_id).values(piece_id=server_id))


# --- applying a pull ------------------------------------------------------------------------------
def chunks(ids: Sequence[Any], size: int = 500) -> Iterable[list[Any]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _put(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(insert(table), [dict(r) for r in rows])


def replace_all(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    conn.execute(delete(table))
    _put(conn, table, rows)


def local_piece_ids(conn: Connection) -> set[int]:
    """The pieces this replica holds from the server (not its own submissions still waiting)."""
    return {int(i) for i in conn.execute(select(PIECES.c.id).where(PIECES.c.id > 0)).scalars()}


def referenced_blobs(conn: Connection) -> set[str]:
    """The files versions and their renditions point at."""
    files = {str(s) for s in conn.execute(select(VERSIONS.c.blob_sha256)
                                          .where(VERSIONS.c.blob_sha256.is_not(None))).scalars()}
    return files | {str(s) for s in conn.execute(select(RENDITIONS.c.blob_sha256)
                                                 .where(RENDITIONS.c.blob_sha256.is_not(None))).scalars()}


def replace_pieces(conn: Connection, piece_ids: Iterable[int], pieces: Sequence[Mapping[str, Any]],
                   versions: Sequence[Mapping[str, Any]], tags: Sequence[Sequence[Mapping[str, Any]]],
                   blobs: Sequence[Mapping[str, Any]]) -> None:
    """The given pieces take exactly the server's state: those not in ``pieces`` are gone
    (archived, purged or no longer visible), with their versions and tags."""
    _drop_pieces(conn, list(piece_ids))
    # a submission of this laptop that the server now holds: its provisional copy goes
    uuids = [p["client_uuid"] for p in pieces if p.get("client_uuid")]
    for chunk in chunks(uuids):
        _drop_pieces(conn, [int(i) for i in conn.execute(select(PIECES.c.id).where(
            PIECES.c.id < 0, PIECES.c.client_uuid.in_(chunk))).scalars()])
    _put(conn, PIECES, pieces)
    _put(conn, VERSIONS, versions)
    for table, rows in zip(PIECE_TAGS, tags):
        _put(conn, table, rows)
    known = {str(s) for s in conn.execute(select(BLOBS.c.sha256)).scalars()}
    _put(conn, BLOBS, [b for b in blobs if b["sha256"] not in known])


def put_renditions(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """The renditions of the pieces a pull replaced (their old rows went with the pieces)."""
    _put(conn, RENDITIONS, rows)


def drop_unreferenced_blobs(conn: Connection) -> set[str]:
    """Blob rows no version points at any more; returns their SHA-256s (their cached files go)."""
    gone = {str(s) for s in conn.execute(select(BLOBS.c.sha256)).scalars()} - referenced_blobs(conn)
    for chunk in chunks(sorted(gone)):
        conn.execute(delete(BLOBS).where(BLOBS.c.sha256.in_(chunk)))
    return gone


def replace_requests(conn: Connection, request_ids: Iterable[int] | None, rows: Sequence[Mapping[str, Any]]) -> None:
    """Requests as the server has them (``None``: all of them). A request this laptop made and
    the server now holds replaces the local copy (matched by its client UUID); requests still
    waiting in the outbox (negative ids) stay."""
    if request_ids is None:
        conn.execute(delete(REQUESTS).where(REQUESTS.c.id > 0))
    else:
        for chunk in chunks(list(request_ids)):
            conn.execute(delete(REQUESTS).where(REQUESTS.c.id.in_(chunk)))
    uuids = [r["client_uuid"] for r in rows if r.get("client_uuid")]
    for chunk in chunks(uuids):
        conn.execute(delete(REQUESTS).where(REQUESTS.c.client_uuid.in_(chunk)))
    _put(conn, REQUESTS, rows)


def replace_popularity(conn: Connection, counts: Sequence[tuple[int, int]]) -> bool:
    """The team's use counts of the last pull; True when they differ from the ones before."""
    if team_popularity(conn) == {int(p): int(n) for p, n in counts}:
        return False
    replace_all(conn, POPULARITY, [{"piece_id": p, "uses": n} for p, n in counts])
    return True


def team_popularity(conn: Connection) -> dict[int, int]:
    return {int(p): int(n) for p, n in conn.execute(select(POPULARITY.c.piece_id, POPULARITY.c.uses))}


def is_replica(conn: Connection) -> bool:
    """Whether this SQLite database is a team replica (it has the replica's own tables)."""
    return conn.dialect.name == "sqlite" and conn.execute(text(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": POPULARITY.name}).first() is not None


def replica_use_counts(conn: Connection) -> dict[int, int]:
    """How often each piece was used by the whole team: the counts of the last pull plus this
    laptop's uses still waiting in the outbox."""
    counts = team_popularity(conn)
    events = model_table(UsageEvent)
    waiting = (select(events.c.piece_id, func.count())
               .select_from(events.join(OUTBOX, (OUTBOX.c.kind == "usage") & (OUTBOX.c.key == events.c.id)))
               .where(events.c.kind.in_(list(USE_KINDS)), events.c.piece_id.is_not(None))
               .group_by(events.c.piece_id))
    for piece_id, n in conn.execute(waiting):
        counts[int(piece_id)] = counts.get(int(piece_id), 0) + int(n)
    return counts
