"""Moving rows between the team server and a laptop's replica: push, then pull.

Push sends the outbox in batches, one server transaction each, with ``INSERT ... ON CONFLICT
DO NOTHING`` on the ids the laptop made, so a batch sent twice (the connection died after the
server's COMMIT, or the laptop did) is stored once. Entries leave the outbox only after the
server's COMMIT. An entry the server refuses for good (not allowed, dated in the future, a
piece that no longer exists) goes to the dead letters with the server's reason.

Pull reads, in one REPEATABLE READ READ ONLY transaction (one snapshot), the highest change
sequence number, what changed since the replica's, the current state of those entities as
this login may see it, the login's kits and the team's popularity; then applies it in one
local transaction. A replica that never pulled, or is older than the kept change log, takes
a full snapshot.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import select, text
from sqlalchemy.engine import Connection, Engine

from enablement.models.changes import Changes
from enablement.models.tables import SearchLog, UsageEvent
from enablement.storage import replica_repo as rr
from enablement.team import shelves_sync
from enablement.team.shelves_sync import SHELF, replace_shelves, send_shelf

BATCH = 100
PRUNED = "pruned"  # the change-log row standing for every older row a DBA removed
FAULT_ENV = "ENABLEMENT_SYNC_FAULT"  # tests: "<point>:<file>" pauses at a point while <file> exists

USAGE, SEARCHES = rr.model_table(UsageEvent), rr.model_table(SearchLog)


def fault_point(point: str) -> None:
    """A test's hook: with ``ENABLEMENT_SYNC_FAULT=<point>:<file>``, reaching ``point`` creates
    ``<file>`` and waits (at most 60 s) until the test removes it: the test then kills the
    proxy or this process at exactly that moment."""
    spec = os.environ.get(FAULT_ENV, "")
    name, _, marker = spec.partition(":")
    if name != point or not marker:
        return
    flag = Path(marker)
    flag.write_text(str(os.getpid()))
    deadline = time.monotonic() + 60
    while flag.exists() and time.monotonic() < deadline:
        time.sleep(0.02)


# --- push -------------------------------------------------------------------------------------------
def _columns(table: Any, skip: tuple[str, ...] = ()) -> list[str]:
    return [c.name for c in table.columns if c.name not in skip]


def _insert_sql(table: Any, columns: list[str], conflict: str) -> Any:
    cols = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    return text(f"INSERT INTO {table.name} ({cols}) VALUES ({values}) ON CONFLICT ({conflict}) DO NOTHING")


USAGE_COLUMNS = _columns(USAGE)
SEARCH_COLUMNS = _columns(SEARCHES)
REQUEST_COLUMNS = _columns(rr.REQUESTS, skip=("id", "row_version"))
_STATEMENTS = {
    "usage": _insert_sql(USAGE, USAGE_COLUMNS, "id"),
    "search": _insert_sql(SEARCHES, SEARCH_COLUMNS, "id"),
    "request": _insert_sql(rr.REQUESTS, REQUEST_COLUMNS, "client_uuid"),
    "opened": text("UPDATE search_log SET opened_piece_id = :opened_piece_id "
                   "WHERE id = :id AND opened_piece_id IS NULL"),
}
_TABLE_OF = {"usage": USAGE, "search": SEARCHES, "request": rr.REQUESTS}


def _typed(table: Any, payload: Mapping[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A row from an outbox payload, typed as the server's columns want it."""
    from datetime import date, datetime

    out: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in payload or column.name in skip:
            continue
        value = payload[column.name]
        kind = column.type.python_type if hasattr(column.type, "python_type") else None
        if value is not None and isinstance(value, str) and kind is not None and kind is not str:
            if kind is datetime:
                value = datetime.fromisoformat(value)
            elif kind is date:
                value = date.fromisoformat(value)
        out[column.name] = value
    return out


# columns naming a piece or a version, which may hold a provisional id made on this laptop
_REFERENCES = {"piece_id": "piece", "opened_piece_id": "piece", "version_id": "version", "kit_id": "kit",
               "version_id_at_add": "version"}


def _mapped(row: Mapping[str, Any], ids: Mapping[tuple[str, int], int]) -> dict[str, Any]:
    """``row`` with the provisional ids of what the server has stored since made the server's."""
    out = dict(row)
    for column, entity in _REFERENCES.items():
        value = out.get(column)
        if isinstance(value, int) and value < 0 and (entity, value) in ids:
            out[column] = ids[(entity, value)]
    return out


def _params(entry: Mapping[str, Any], ids: Mapping[tuple[str, int], int]) -> dict[str, Any]:
    """The entry's row, typed as the server's columns want it (provisional ids mapped)."""
    payload = _mapped(entry["payload"], ids)
    table = _TABLE_OF.get(entry["kind"])
    return payload if table is None else _typed(table, payload)


Files = Callable[[str], Path]  # a blob's hash → its file on this laptop
# (provisional piece id, server piece id, {provisional version id: server version id})
Mapped = tuple[int, int, dict[int, int]]
SUBMISSION, KIT = "submission", "kit"


@dataclass
class Sent:
    """The server's ids of what a batch stored that the laptop had given provisional ids."""

    submissions: list[Mapped] = field(default_factory=list)
    kits: list[tuple[int, int]] = field(default_factory=list)  # (provisional kit id, server kit id)

    def __iadd__(self, other: "Sent") -> "Sent":
        self.submissions += other.submissions
        self.kits += other.kits
        return self


def _send(conn: Connection, entries: Sequence[Mapping[str, Any]], ids: Mapping[tuple[str, int], int],
          files: Files) -> Sent:
    """Send entries in order, grouping neighbours of one kind into one multi-row statement;
    returns the server's ids of the submissions and new kits sent."""
    sent = Sent()
    known = dict(ids)
    start = 0
    while start < len(entries):
        kind = entries[start]["kind"]
        end = start
        while end < len(entries) and entries[end]["kind"] == kind:
            end += 1
        for entry in entries[start:end] if kind in (SUBMISSION, KIT, SHELF) else ():
            if kind == SUBMISSION:
                sent.submissions.append(send_submission(conn, entry["payload"], files))
            elif kind == SHELF:
                send_shelf(conn, entry["payload"], known)
            else:
                kit = send_kit(conn, entry["payload"], known)
                sent.kits += [kit] if kit is not None else []
            known.update(_known(sent))
        if kind not in (SUBMISSION, KIT, SHELF):
            conn.execute(_STATEMENTS[kind], [_params(e, known) for e in entries[start:end]])
        start = end
    return sent


# --- a person's own kit -------------------------------------------------------------------------------
_KIT_COLUMNS = ("name", "account", "notes", "created_at", "updated_at", "client_uuid")


def send_kit(conn: Connection, payload: Mapping[str, Any], ids: Mapping[tuple[str, int], int]) -> tuple[int, int] | None:
    """Make the server's copy of one kit what the laptop had when the entry was queued (its
    row and every item, or its absence), in the caller's server transaction. Sending the same
    entry twice gives the same kit: it is found by its client UUID (or, for a kit made before
    kits carried one, by its id). Kits are their owner's alone (row-level security), so the
    laptop's latest state is the kit. Returns (provisional id, server id) of a kit made here."""
    kit = payload["kit"]
    local_id, client_uuid = int(kit["id"]), kit.get("client_uuid")
    if client_uuid:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:u, 0))"), {"u": client_uuid})
    found = conn.execute(text("SELECT id FROM kits WHERE client_uuid = :u OR (id = :id AND :id > 0) "
                              "ORDER BY client_uuid = :u DESC LIMIT 1"), {"u": client_uuid, "id": local_id}).scalar()
    if payload.get("deleted"):
        if found is not None:
            conn.execute(text("DELETE FROM kit_items WHERE kit_id = :k"), {"k": found})
            conn.execute(text("DELETE FROM kits WHERE id = :k"), {"k": found})
        return None
    row = _typed(rr.KITS, {k: kit.get(k) for k in _KIT_COLUMNS})
    if found is None:
        server_id = _insert_returning(conn, rr.KITS, dict(row, owner_id=kit["owner_id"]))
    else:
        server_id = int(found)
        conn.execute(text("UPDATE kits SET name = :name, account = :account, notes = :notes, "
                          "updated_at = :updated_at, client_uuid = :client_uuid WHERE id = :id"),
                     dict(row, id=server_id))
        conn.execute(text("DELETE FROM kit_items WHERE kit_id = :k"), {"k": server_id})
    items = [dict(_typed(rr.KIT_ITEMS, _mapped(i, ids), ("id",)), kit_id=server_id) for i in payload["items"]]
    if items:
        cols = list(items[0])
        conn.execute(text(f"INSERT INTO kit_items ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"),
                     items)
    return (local_id, server_id) if local_id < 0 else None


# --- a rep's own submission ---------------------------------------------------------------------------
_PIECE_SKIP = ("id", "row_version", "current_version_id")


def _insert_returning(conn: Connection, table: Any, row: Mapping[str, Any]) -> int:
    cols = list(row)
    sql = text(f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)}) "
               "RETURNING id")
    return int(conn.execute(sql, dict(row)).scalar_one())


def send_submission(conn: Connection, payload: Mapping[str, Any], files: Files) -> Mapped:
    """Store one submission made on the laptop, in the caller's server transaction, once:
    a transaction-level lock on its client UUID serialises two laptops' (or processes')
    sends, and a piece that already carries the UUID is the one stored before (the link
    died after the COMMIT). File bytes go in 1 MiB chunks read from the local file (its hash
    checked first; the server checks it again at COMMIT), unless the server has them."""
    from enablement.errors import InvalidInput
    from enablement.storage.blobs import sha256_file
    from enablement.team.blobs import send_chunks

    piece = payload["piece"]
    local_id, client_uuid = int(piece["id"]), str(piece["client_uuid"])
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:u, 0))"), {"u": client_uuid})
    found = conn.execute(text("SELECT id FROM pieces WHERE client_uuid = :u"), {"u": client_uuid}).scalar()
    if found is not None:
        by_number = {int(a): int(b) for a, b in conn.execute(
            text("SELECT number, id FROM piece_versions WHERE piece_id = :p"), {"p": found})}
        return local_id, int(found), {int(v["id"]): by_number[int(v["number"])] for v in payload["versions"]
                                      if int(v["number"]) in by_number}
    for blob in payload["blobs"]:
        sha = str(blob["sha256"])
        # the same bytes from two senders: one at a time (as an import on the server does)
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(sha[:15], 16)})
        holder = conn.execute(text("SELECT p.title FROM pieces p JOIN piece_versions v ON v.piece_id = p.id "
                                   "WHERE v.blob_sha256 = :sha LIMIT 1"), {"sha": sha}).scalar()
        if holder is not None:
            raise InvalidInput(f"the same file is already in the library as '{holder}'")
        added = conn.execute(text("INSERT INTO blobs (sha256, size, file_type, created_at) "
                                  "VALUES (:sha256, :size, :file_type, :created_at) ON CONFLICT (sha256) DO NOTHING"),
                             _typed(rr.BLOBS, blob)).rowcount
        if added:
            path = files(sha)
            if not path.is_file() or sha256_file(path) != sha:
                raise InvalidInput(f"the file of '{piece['title']}' is no longer on this computer as it was added "
                                   "(its bytes changed or it was removed)")
            send_chunks(conn, sha, path)
    server_id = _insert_returning(conn, rr.PIECES, _typed(rr.PIECES, piece, _PIECE_SKIP))
    versions: dict[int, int] = {}
    for version in payload["versions"]:
        row = _typed(rr.VERSIONS, version, ("id",))
        versions[int(version["id"])] = _insert_returning(conn, rr.VERSIONS, dict(row, piece_id=server_id))
    current = piece.get("current_version_id")
    if current is not None and int(current) in versions:
        conn.execute(text("UPDATE pieces SET current_version_id = :v WHERE id = :p"),
                     {"v": versions[int(current)], "p": server_id})
    for table in rr.PIECE_TAGS:
        rows = [dict(_typed(table, r), piece_id=server_id) for r in payload["tags"].get(table.name, [])]
        if rows:
            cols = list(rows[0])
            conn.execute(text(f"INSERT INTO {table.name} ({', '.join(cols)}) "
                              f"VALUES ({', '.join(':' + c for c in cols)})"), rows)
    return local_id, server_id, versions


@dataclass
class PushResult:
    sent: int = 0
    refused: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    mapped: list[Mapped] = field(default_factory=list)  # submissions the server stored
    kits: list[tuple[int, int]] = field(default_factory=list)  # kits made here the server stored


def _next_batch(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A submission (its file may be large) travels in a server transaction of its own."""
    kinds = [e["kind"] for e in entries]
    if SUBMISSION not in kinds:
        return entries
    first = kinds.index(SUBMISSION)
    return entries[:1] if first == 0 else entries[:first]


def push(server: Engine, replica: Engine, *, batch: int = BATCH,
         refusal: Callable[[BaseException], str | None], files: Files | None = None) -> PushResult:
    """Send the whole outbox, ``batch`` entries per server transaction. ``refusal`` names a
    permanent refusal (the reason) or None (the link failed: stop, keep the entries);
    ``files`` finds the local file of a submission's bytes."""
    result = PushResult()
    find: Files = files or _no_files
    while True:
        with replica.connect() as local:
            entries = _next_batch(rr.outbox_batch(local, batch))
            ids = rr.id_map(local)
        if not entries:
            return result
        refused: list[tuple[dict[str, Any], str]] = []
        try:
            with server.begin() as conn:
                sent = _send(conn, entries, ids, find)
                fault_point("push_before_commit")
        except Exception as exc:  # noqa: BLE001 - sorted below: a refusal, or the link
            if refusal(exc) is None:
                raise
            # Something in the batch is refused: send one by one (each in a savepoint) to
            # find which, in one transaction.
            refused, sent = [], Sent()
            with server.begin() as conn:
                for entry in entries:
                    try:
                        with conn.begin_nested():
                            sent += _send(conn, [entry], {**ids, **_known(sent)}, find)
                    except Exception as one:  # noqa: BLE001
                        reason = refusal(one)
                        if reason is None:
                            raise
                        refused.append((entry, reason))
        fault_point("push_after_commit")
        refused_ids = {e["id"] for e, _ in refused}
        with replica.begin() as local:
            for local_id, server_id, versions in sent.submissions:
                rr.map_submission(local, local_id, server_id, versions)
            for local_id, server_id in sent.kits:
                rr.map_kit(local, local_id, server_id)
            rr.settle(local, [e["id"] for e in entries if e["id"] not in refused_ids], refused, _now())
        result.sent += len(entries) - len(refused)
        result.refused.extend(refused)
        result.mapped.extend(sent.submissions)
        result.kits.extend(sent.kits)


def _known(sent: Sent) -> dict[tuple[str, int], int]:
    out = {("kit", a): b for a, b in sent.kits}
    for local_id, server_id, versions in sent.submissions:
        out[("piece", local_id)] = server_id
        out.update({("version", a): b for a, b in versions.items()})
    return out


def _no_files(sha256: str) -> Path:
    raise FileNotFoundError(sha256)


# --- the kept change log ------------------------------------------------------------------------------
PRUNE_SQL = text(
    "WITH gone AS (DELETE FROM app.change_log WHERE seq <= :upto RETURNING seq) "
    "INSERT INTO app.change_log (seq, entity, op) SELECT max(seq), :e, 'P' FROM gone HAVING count(*) > 0")


def prune_change_log(conn: Connection, upto: int) -> None:
    """Forget the change log up to ``upto`` (the DBA, as the owner): one ``pruned`` row keeps the
    highest forgotten number, and a replica that has not seen it takes a full snapshot."""
    conn.execute(PRUNE_SQL, {"upto": upto, "e": PRUNED})


# --- pull -------------------------------------------------------------------------------------------
@dataclass
class Snapshot:
    """One consistent read of the server for this login."""

    hi: int
    full: bool
    piece_ids: set[int] | None  # changed pieces (None: every visible one)
    pieces: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    tags: list[list[dict[str, Any]]] = field(default_factory=list)
    blobs: list[dict[str, Any]] = field(default_factory=list)
    renditions: list[dict[str, Any]] = field(default_factory=list)  # the versions' pages drawn as PDFs
    taxonomy: list[list[dict[str, Any]]] | None = None
    users: list[dict[str, Any]] | None = None
    meta: list[dict[str, Any]] | None = None
    request_ids: set[int] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    kits: list[dict[str, Any]] = field(default_factory=list)
    kit_items: list[dict[str, Any]] = field(default_factory=list)
    saved_searches: list[dict[str, Any]] = field(default_factory=list)  # own and recommended
    favourites: list[dict[str, Any]] = field(default_factory=list)
    popularity: list[tuple[int, int]] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)


def _rows(conn: Connection, table: Any, where: Any = None) -> list[dict[str, Any]]:
    query = select(*table.columns)
    if where is not None:
        query = query.where(where)
    return [dict(r) for r in conn.execute(query).mappings()]


def _by_ids(conn: Connection, table: Any, column: Any, ids: set[int] | None) -> list[dict[str, Any]]:
    if ids is None:
        return _rows(conn, table)
    out: list[dict[str, Any]] = []
    for chunk in rr.chunks(sorted(ids), 5000):
        out.extend(_rows(conn, table, column.in_(chunk)))
    return out


def read_snapshot(server: Engine, last: int) -> Snapshot:
    """What changed on the server since ``last`` (everything when ``last`` is 0 or older than
    the kept log), in one REPEATABLE READ READ ONLY transaction."""
    snapshot = server.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with snapshot as conn, conn.begin():
        hi = int(conn.execute(text("SELECT coalesce(max(seq), 0) FROM app.change_log")).scalar_one())
        pruned = conn.execute(text("SELECT max(seq) FROM app.change_log WHERE entity = :e"),
                              {"e": PRUNED}).scalar()
        full = last <= 0 or last < int(pruned or 0)
        snap = Snapshot(hi=hi, full=full, piece_ids=None)
        if full:
            snap.taxonomy, snap.users, snap.meta, snap.request_ids = [], [], [], None
        else:
            rows = conn.execute(text("SELECT seq, entity, entity_id FROM app.change_log WHERE seq > :lo "
                                     "AND seq <= :hi ORDER BY seq"), {"lo": last, "hi": hi}).all()
            snap.seqs = [int(r[0]) for r in rows]
            entities = {str(r[1]) for r in rows}
            snap.piece_ids = {int(r[2]) for r in rows if r[1] == "piece" and r[2] is not None}
            snap.request_ids = {int(r[2]) for r in rows if r[1] == "request" and r[2] is not None}
            if "taxonomy" in entities:
                snap.taxonomy = []
            if "user" in entities:
                snap.users = []
            if "meta" in entities:
                snap.meta = []
        ids = snap.piece_ids
        snap.pieces = _by_ids(conn, rr.PIECES, rr.PIECES.c.id, ids)
        visible = {int(p["id"]) for p in snap.pieces}
        if ids is not None or visible:
            snap.versions = _by_ids(conn, rr.VERSIONS, rr.VERSIONS.c.piece_id, visible)
            snap.tags = [_by_ids(conn, t, t.c.piece_id, visible) for t in rr.PIECE_TAGS]
            snap.renditions = _by_ids(conn, rr.RENDITIONS, rr.RENDITIONS.c.piece_id, visible)
            shas = {v["blob_sha256"] for v in snap.versions if v["blob_sha256"]}
            shas |= {r["blob_sha256"] for r in snap.renditions if r["blob_sha256"]}
            snap.blobs = [b for chunk in rr.chunks(sorted(shas), 5000)
                          for b in _rows(conn, rr.BLOBS, rr.BLOBS.c.sha256.in_(chunk))]
        else:
            snap.tags = [[] for _ in rr.PIECE_TAGS]
        if snap.taxonomy is not None:
            snap.taxonomy = [_rows(conn, t) for t in rr.TAXONOMY]
        if snap.users is not None:
            snap.users = _rows(conn, rr.USERS)
        if snap.meta is not None:
            snap.meta = _rows(conn, rr.META)
        if snap.request_ids is None or snap.request_ids:
            snap.requests = _by_ids(conn, rr.REQUESTS, rr.REQUESTS.c.id, snap.request_ids)
        # kits are the login's own and small: not in the change log, read whole each time
        snap.kits = _rows(conn, rr.KITS)
        snap.kit_items = _rows(conn, rr.KIT_ITEMS)
        snap.saved_searches = _rows(conn, shelves_sync.SEARCHES)  # shelves: small, read whole (own + recommended)
        snap.favourites = _rows(conn, shelves_sync.FAVOURITES)
        snap.popularity = [(int(p), int(n)) for p, n in conn.execute(text("SELECT piece_id, uses FROM "
                                                                          "app.popularity()"))]
    return snap


@dataclass
class PullResult:
    hi: int = 0
    full: bool = False
    pieces: int = 0
    gone: int = 0
    applied: bool = True
    changes: Changes = field(default_factory=Changes)


def apply_snapshot(replica: Engine, snap: Snapshot, last: int) -> PullResult:
    """Apply ``snap`` in one local BEGIN IMMEDIATE transaction. If another process moved the
    replica on meanwhile (``last_seq`` is no longer ``last``), nothing is applied."""
    bind = replica.execution_options(sqlite_begin="IMMEDIATE")
    with bind.begin() as local:
        now_last = int(rr.state(local).get("last_seq", "0"))
        if now_last != last:
            return PullResult(hi=now_last, applied=False)
        before = rr.local_piece_ids(local) if snap.full else set()
        ids = (before | {int(p["id"]) for p in snap.pieces}) if snap.piece_ids is None else snap.piece_ids
        rr.replace_pieces(local, ids, snap.pieces, snap.versions, snap.tags, snap.blobs)
        rr.put_renditions(local, snap.renditions)
        gone_blobs = rr.drop_unreferenced_blobs(local)
        if snap.taxonomy is not None:
            for table, rows in zip(rr.TAXONOMY, snap.taxonomy):
                rr.replace_all(local, table, rows)
        if snap.users is not None:
            rr.replace_all(local, rr.USERS, snap.users)
        if snap.meta is not None:
            rr.replace_all(local, rr.META, snap.meta)
        requests = snap.request_ids is None or bool(snap.request_ids) or bool(snap.requests)
        if requests:
            rr.replace_requests(local, snap.request_ids, snap.requests)
        # kits and use counts come whole each pull: changed only when they differ (a pull that
        # brought nothing new, such as the echo of this window's own write, refreshes no view)
        kits = rr.replace_kits(local, snap.kits, snap.kit_items)
        shelves = replace_shelves(local, snap.saved_searches, snap.favourites)
        usage = rr.replace_popularity(local, snap.popularity)
        rr.set_state(local, {"last_seq": snap.hi, "last_pull_at": _now()})
    present = {int(p["id"]) for p in snap.pieces}
    changes = Changes(pieces=bool(ids), piece_ids=frozenset(ids), taxonomy=snap.taxonomy is not None,
                      users=snap.users is not None, requests=requests, kits=kits, usage=usage, shelves=shelves,
                      settings=snap.meta is not None, gone_blobs=frozenset(gone_blobs))
    return PullResult(hi=snap.hi, full=snap.full, pieces=len(present), gone=len(set(ids) - present),
                      changes=changes)


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")

