"""A laptop's replica of the team library: reads from it, writes to the server or its outbox.

Each login has an embedded library (the same schema, SQLite) in its local folder. The app and
the command line read only the replica, so search and browsing work on a plane. A person's own
use, searches and requests are written to the replica and an outbox in one local transaction
(``queue()``) and pushed later; catalog edits (marketing, admins) go to the server, online only,
and are then pulled back. ``sync()`` pushes, then pulls.

The link to the server is online, syncing or offline. After a failure the replica waits
before asking the server again (backoff with jitter, at most ``MAX_BACKOFF_S``), so a dead or
silent server costs a command at most one connect timeout, not one per command.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, ContextManager, Iterator

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from enablement.config import LibraryPaths
from enablement.errors import InvalidInput, NotFound, PermissionDenied, UserFacingError
from enablement.models.changes import Changes
from enablement.models.dto import Actor
from enablement.models.tables import (Blob, ContentRequest, Favourite, Kit, KitItem, Piece, PieceFacet, PieceGate,
                                      PieceStage, PieceVersion, SavedSearch, SearchLog, UsageEvent)
from enablement.models.vocab import ReviewState, Source
from enablement.storage import replica_repo as rr
from enablement.storage.blobs import BlobStore
from enablement.storage.engine import make_engine, read_session, sqlite_url, write_session
from enablement.storage.errors import storage_errors
from enablement.storage.migrate import migrate
from enablement.storage.source import CommitHook, UnitOfWork
from enablement.team import shelves_sync
from enablement.team.sync import KIT, SUBMISSION, PullResult, apply_snapshot, push, read_snapshot
from enablement.services.context import LibraryContext
from enablement.services.library import Library
from enablement.team.connection import ServerAddress, ServerUnreachable

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 60.0
FIRST_BACKOFF_S = 15.0

ONLINE, SYNCING, OFFLINE = "online", "syncing", "offline"


class NeedsServer(UserFacingError):
    """A change only the server can take (a catalog edit) was tried where it cannot go."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(at: datetime | None = None) -> str:
    return (at or _now()).isoformat(timespec="seconds")


def refusal_reason(exc: BaseException) -> str | None:
    """Why the server refused an outbox entry for good, or None when the link failed (keep it)."""
    if isinstance(exc, ServerUnreachable):
        return None
    if isinstance(exc, (PermissionDenied, InvalidInput, NotFound)):
        return str(exc)
    from sqlalchemy.exc import IntegrityError, DataError

    if isinstance(exc, (IntegrityError, DataError)):
        orig = getattr(exc, "orig", None)
        message = getattr(getattr(orig, "diag", None), "message_primary", None) or str(orig or exc)
        return f"the server refused it: {' '.join(str(message).split())[:300]}"
    return None


@dataclass
class SyncReport:
    """What one sync moved."""

    pushed: int = 0
    refused: list[str] = field(default_factory=list)
    pulled: int = 0
    gone: int = 0
    full: bool = False
    seq: int = 0
    changes: Changes = field(default_factory=Changes)  # what the pull changed (for the views)

    def lines(self) -> list[str]:
        out = [f"Sent {self.pushed} queued change{'s' if self.pushed != 1 else ''} to the server."]
        out += [f"Refused by the server (kept under 'status'): {reason}" for reason in self.refused]
        kind = "full copy" if self.full else "changes"
        out.append(f"Received {kind}: {self.pulled} piece{'s' if self.pulled != 1 else ''} updated, "
                   f"{self.gone} removed (up to change {self.seq}).")
        return out


class _OutboxRecorder:
    """Watches one local write transaction: every row it adds must be one that may wait for
    the server, and each gets an outbox entry before the transaction commits.

    A rep's own piece (a pending rep-made submission) with its versions, tags and blob rows
    becomes one ``submission`` entry, built by ``finish()`` from the rows as committed; the
    piece and its versions get provisional (negative) ids and the piece a client UUID."""

    KINDS: dict[type[Any], str] = {UsageEvent: "usage", SearchLog: "search", ContentRequest: "request"}
    PIECE_ROWS: tuple[type[Any], ...] = (PieceVersion, PieceStage, PieceGate, PieceFacet)

    def __init__(self, session: Session) -> None:
        self.session = session
        self.entries: list[tuple[str, str, dict[str, Any]]] = []
        self.submissions: dict[int, None] = {}  # provisional piece ids made in this unit, in order
        self.kits: dict[int, str | None] = {}  # kits this unit touched: id → client UUID (when known)
        self.shelves: dict[int, None] = {}  # people whose own searches or favourites this unit changed
        self._next_id: dict[Any, int] = {}
        event.listen(session, "before_flush", self._before)
        event.listen(session, "after_flush", self._after)

    def _provisional_id(self, session: Session, table: Any) -> int:
        if table not in self._next_id:
            self._next_id[table] = rr.next_local_id(session.connection(), table)
        value = self._next_id[table]
        self._next_id[table] = value - 1
        return value

    def _before(self, session: Session, _ctx: object, _instances: object) -> None:
        for obj in session.new:
            if isinstance(obj, ContentRequest) and obj.id is None:
                obj.id = self._provisional_id(session, rr.REQUESTS)
                obj.client_uuid = obj.client_uuid or str(uuid.uuid4())
            elif isinstance(obj, Piece) and obj.id is None:
                obj.id = self._provisional_id(session, rr.PIECES)
                obj.client_uuid = obj.client_uuid or str(uuid.uuid4())
            elif isinstance(obj, PieceVersion) and obj.id is None:
                obj.id = self._provisional_id(session, rr.VERSIONS)
            elif isinstance(obj, Kit) and obj.id is None:
                obj.id = self._provisional_id(session, rr.KITS)
                obj.client_uuid = obj.client_uuid or str(uuid.uuid4())
            elif isinstance(obj, KitItem) and obj.id is None:
                obj.id = self._provisional_id(session, rr.KIT_ITEMS)
            elif isinstance(obj, SavedSearch) and obj.id is None:
                obj.id = self._provisional_id(session, shelves_sync.SEARCHES)
                obj.client_uuid = obj.client_uuid or str(uuid.uuid4())

    def _submission_row(self, obj: Any) -> bool:
        """Whether ``obj`` belongs to a rep's own submission made in this unit."""
        if isinstance(obj, Piece):
            if obj.source != Source.REP or obj.review_state != ReviewState.PENDING or obj.id is None or obj.id >= 0:
                return False
            self.submissions[obj.id] = None
            return True
        return isinstance(obj, self.PIECE_ROWS) and obj.piece_id in self.submissions

    def _kit_row(self, obj: Any) -> bool:
        """Whether ``obj`` is a row of one of the person's kits (noted: the kit is sent whole)."""
        if isinstance(obj, Kit) and obj.id is not None:
            self.kits[obj.id] = obj.client_uuid or self.kits.get(obj.id)
            return True
        if isinstance(obj, KitItem):
            self.kits.setdefault(obj.kit_id, None)
            return True
        return False

    def _shelf_row(self, obj: Any) -> bool:
        """Whether ``obj`` is one of a person's own saved searches or favourites (noted: their
        shelves are sent whole)."""
        if isinstance(obj, SavedSearch) and not obj.recommended:
            self.shelves[obj.owner_id] = None
            return True
        if isinstance(obj, Favourite):
            self.shelves[obj.user_id] = None
            return True
        return False

    def _after(self, session: Session, _ctx: object) -> None:
        for obj in session.new:
            kind = self.KINDS.get(type(obj))
            if kind is None:
                if isinstance(obj, Blob) or self._submission_row(obj) or self._kit_row(obj) or self._shelf_row(obj):
                    continue  # sent with its submission or kit (``finish``)
                raise NeedsServer(f"Adding {type(obj).__name__} needs the team server.")
            row = {c.name: getattr(obj, c.key) for c in obj.__table__.columns}
            key = str(row["client_uuid"] if kind == "request" else row["id"])
            self.entries.append((kind, key, row))
        for obj in session.dirty:
            changed = [a.key for a in inspect(obj).attrs if a.history.has_changes()]
            if not changed or self._submission_row(obj) or self._kit_row(obj) or self._shelf_row(obj):
                continue
            if isinstance(obj, SearchLog) and changed == ["opened_piece_id"]:
                self.entries.append(("opened", obj.id, {"id": obj.id, "opened_piece_id": obj.opened_piece_id}))
                continue
            raise NeedsServer(f"Changing {type(obj).__name__} needs the team server.")
        if any(not (self._submission_row(obj) or self._kit_row(obj) or self._shelf_row(obj)) for obj in session.deleted):
            raise NeedsServer("Deleting needs the team server.")

    def finish(self) -> list[tuple[str, str, dict[str, Any]]]:
        """Every entry of the unit, submissions built from their rows as they now stand."""
        conn = self.session.connection()
        submissions = [rr.submission_payload(conn, piece_id) for piece_id in self.submissions]
        kits: list[tuple[str, str, dict[str, Any]]] = []
        for kit_id, client_uuid in self.kits.items():
            payload = rr.kit_payload(conn, kit_id)
            if payload is None:  # deleted: its id and name are enough
                payload = {"kit": {"id": kit_id, "client_uuid": client_uuid}, "deleted": True}
            elif payload["kit"]["client_uuid"] is None:  # a kit made before kits carried one
                named = payload["kit"]["client_uuid"] = str(uuid.uuid4())
                rr.name_kit(conn, kit_id, named)
            key = payload["kit"]["client_uuid"] or f"kit {kit_id}"
            kits.append((KIT, str(key), payload))
        shelves = [(shelves_sync.SHELF, f"shelf {user}", shelves_sync.shelf_payload(conn, user)) for user in self.shelves]
        return self.entries + [(SUBMISSION, str(p["piece"]["client_uuid"]), p) for p in submissions] + kits + shelves


class Replica:
    """The local copy of one login's team library, its outbox and its link to the server."""

    def __init__(self, paths: LibraryPaths, server: Engine) -> None:
        self.paths = paths
        self.server = server
        self.engine = make_engine(sqlite_url(paths.database))

        @event.listens_for(self.engine, "connect")
        def _no_foreign_keys(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            # The replica holds what this login may see: a use may name a piece that was
            # archived since. The server keeps the references whole.
            dbapi_conn.execute("PRAGMA foreign_keys=OFF")

        try:
            with storage_errors():
                migrate(self.engine, paths.backups)
                rr.create_local_tables(self.engine)
        except Exception:
            self.engine.dispose()
            raise
        self.on_commit: CommitHook | None = None
        self._sync_lock = threading.Lock()
        self.failed: ServerUnreachable | None = None  # the server did not answer in this process
        self.status = ONLINE

    # --- state --------------------------------------------------------------------------------
    def state(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return rr.state(conn)

    def _set_state(self, **values: object) -> None:
        with self.engine.begin() as conn:
            rr.set_state(conn, values)

    @property
    def has_copy(self) -> bool:
        """Whether this replica was filled from the server at least once."""
        st = self.state()
        return "last_seq" in st and "actor_id" in st

    def actor(self) -> Actor | None:
        st = self.state()
        if "actor_id" not in st:
            return None
        return Actor(int(st["actor_id"]), st["actor_name"], st["actor_role"])

    def remember_actor(self, actor: Actor) -> None:
        self._set_state(actor_id=actor.user_id, actor_name=actor.name, actor_role=actor.role)

    def in_backoff(self) -> bool:
        retry = self.state().get("retry_at")
        return retry is not None and datetime.fromisoformat(retry) > _now()

    def refusal(self) -> ServerUnreachable | None:
        """Why not to ask the server now: it failed to answer in this process (the connector
        then fails at once; ``TeamLibrary.connect`` asks again)."""
        return self.failed

    def hold_off(self) -> None:
        """The server failed recently and the wait is not over: work offline without asking."""
        st = self.state()
        self.status = OFFLINE
        self.failed = ServerUnreachable(f"{st.get('last_error', 'cannot reach the team server')}; next try after "
                                        f"{st.get('retry_at', '')[11:19]} UTC, or run 'enablement sync' to try now")

    def mark_online(self) -> None:
        self.failed = None
        self.status = ONLINE
        self._set_state(failures=None, retry_at=None, offline_since=None, last_error=None)

    def mark_offline(self, exc: BaseException) -> None:
        """The server could not be reached: wait before asking again (doubling, with jitter)."""
        st = self.state()
        failures = int(st.get("failures", "0")) + 1
        wait = min(MAX_BACKOFF_S, FIRST_BACKOFF_S * 2 ** (failures - 1)) * random.uniform(0.8, 1.2)
        self.failed = exc if isinstance(exc, ServerUnreachable) else ServerUnreachable(str(exc))
        self._set_state(failures=failures, retry_at=_stamp(_now() + timedelta(seconds=wait)),
                        offline_since=st.get("offline_since") or _stamp(), last_error=str(exc))
        # Only now: whoever reads "offline" (the app's status bar, on another thread) also finds
        # since when, why and the next try in the state.
        self.status = OFFLINE

    def outbox_size(self) -> int:
        with self.engine.connect() as conn:
            return rr.outbox_size(conn)

    def outbox_counts(self) -> dict[str, int]:
        """What waits to be sent, by kind: {'usage': 3, 'request': 1, ...}."""
        with self.engine.connect() as conn:
            return rr.outbox_counts(conn)

    def dead_letters(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return rr.dead_letters(conn)

    def retry_dead_letters(self, ids: list[int]) -> int:
        """Put refused entries back in the outbox (one local transaction); the next sync
        sends them again. Returns how many moved."""
        with self.engine.begin() as conn:
            return rr.retry_dead_letters(conn, ids)

    def server_piece_ids(self, entity: str = "piece") -> dict[int, int]:
        """Provisional id → the server's id, of the person's submissions (``entity`` "kit":
        kits) the server stored."""
        with self.engine.connect() as conn:
            return {local: server for (kind, local), server in rr.id_map(conn).items() if kind == entity}

    def team_popularity(self) -> dict[int, int]:
        with self.engine.connect() as conn:
            return rr.team_popularity(conn)

    # --- moving rows ----------------------------------------------------------------------------
    def sync(self) -> SyncReport:
        """Push the outbox, then pull what changed. An unreachable server marks the link
        offline and raises ``ServerUnreachable`` (nothing local is lost)."""
        with self._sync_lock:
            self.status = SYNCING
            try:
                pushed = push(self.server, self.engine, refusal=refusal_reason, files=BlobStore(self.paths.blobs).path_for)
                pulled = self._pull()
            except ServerUnreachable as exc:
                self.mark_offline(exc)
                raise
            finally:
                if self.status == SYNCING:  # the server answered, something else failed
                    self.status = ONLINE
            self.mark_online()
        self._set_state(last_sync_at=_stamp())
        # submissions the server stored took its ids: the provisional ones leave the index
        mapped = frozenset(i for local_id, server_id, _ in pushed.mapped for i in (local_id, server_id))
        changes = pulled.changes | Changes(pieces=True, piece_ids=mapped) if mapped else pulled.changes
        if self.on_commit is not None and not changes.empty:
            self.on_commit(changes)
        return SyncReport(pushed=pushed.sent, refused=[reason for _, reason in pushed.refused],
                          pulled=pulled.pieces, gone=pulled.gone, full=pulled.full, seq=pulled.hi,
                          changes=changes)

    def pull(self) -> Changes:
        """Pull only (the live listener's poke): the change-set goes to the commit hook."""
        changes = self.pull_quietly()
        if self.on_commit is not None and not changes.empty:
            self.on_commit(changes)
        return changes

    def pull_quietly(self) -> Changes:
        """Pull only; the caller hands the change-set to the hook (after a server write,
        joined with the write's own)."""
        with self._sync_lock:
            try:
                pulled = self._pull()
            except ServerUnreachable as exc:
                self.mark_offline(exc)
                raise
            self.mark_online()
        return pulled.changes

    def _pull(self) -> PullResult:
        for _ in range(3):  # another process on this replica may apply a pull meanwhile
            last = int(self.state().get("last_seq", "0"))
            snapshot = read_snapshot(self.server, last)
            result = apply_snapshot(self.engine, snapshot, last)
            if result.applied:
                return result
        return result

    def close(self) -> None:
        self.engine.dispose()


class _Batch:
    """The server writes of one thread's bulk work, not pulled back yet."""

    def __init__(self) -> None:
        self.wrote = False
        self.changes = Changes()


class TeamSource:
    """The data source of a team library: reads from the replica, ``write()`` to the server
    (then pulled back: once per write, or once per ``batch()``), ``queue()`` to the replica
    and its outbox."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica
        self._local = threading.local()  # .batch: this thread's open _Batch

    @property
    def engine(self) -> Engine:
        return self.replica.engine

    def _hook(self, changes: Changes) -> None:
        if self.replica.on_commit is not None and not changes.empty:
            self.replica.on_commit(changes)

    def read(self) -> ContextManager[Session]:
        return read_session(self.replica.engine)

    @contextmanager
    def _write(self) -> Iterator[UnitOfWork]:
        with write_session(self.replica.server) as session:
            unit = UnitOfWork(session)
            yield unit
        batch: _Batch | None = getattr(self._local, "batch", None)
        if batch is not None:  # pulled once when the bulk work ends
            batch.wrote, batch.changes = True, batch.changes | unit.changes
            return
        # The server took it: bring the replica (and through the hook the index) up to date.
        self._pull_back(unit.changes)

    def _pull_back(self, written: Changes) -> None:
        try:
            pulled = self.replica.pull_quietly()
        except ServerUnreachable:
            pulled = Changes()
        self._hook(written | pulled)

    def _settle(self, batch: _Batch) -> None:
        if batch.wrote:
            written, batch.wrote, batch.changes = batch.changes, False, Changes()
            self._pull_back(written)

    @contextmanager
    def _batched(self) -> Iterator[Callable[[], None]]:
        if getattr(self._local, "batch", None) is not None:  # inside an outer batch, which settles
            yield lambda: None
            return
        batch = self._local.batch = _Batch()
        try:
            yield lambda: self._settle(batch)
        finally:
            self._local.batch = None
            self._settle(batch)

    def batch(self) -> ContextManager[Callable[[], None]]:
        return self._batched()

    def write(self) -> ContextManager[UnitOfWork]:
        return self._write()

    @contextmanager
    def _queue(self) -> Iterator[UnitOfWork]:
        with write_session(self.replica.engine) as session:
            unit = UnitOfWork(session, deferred=True)
            recorder = _OutboxRecorder(session)
            yield unit
            session.flush()
            rr.queue(session.connection(), recorder.finish(), _stamp())
        self._hook(unit.changes)

    def queue(self) -> ContextManager[UnitOfWork]:
        return self._queue()

    def catch_up(self) -> None:
        """Pull now, so the replica shows what the server holds (an unreachable server leaves
        the replica as it is; the status bar says offline)."""
        try:
            pulled = self.replica.pull_quietly()
        except ServerUnreachable:
            return
        self._hook(pulled)


class TeamLibrary(Library):
    """A Library over a replica: ``replica`` syncs, ``offline`` says whether the server answered."""

    def __init__(self, ctx: LibraryContext, replica: Replica, address: ServerAddress) -> None:
        super().__init__(ctx, created=False)
        self.replica = replica
        self.address = address
        self.renditions.may_store_on_server = self._may_store_renditions

    def _may_store_renditions(self) -> bool:
        """Marketing and admins store the renditions they draw on the server (its grants
        agree), while it answers; a rep's laptop draws none."""
        from enablement.services.permissions import Permission, can

        actor = self.replica.actor()
        return actor is not None and not self.offline and can(actor, Permission.IMPORT)

    @property
    def offline(self) -> bool:
        return self.replica.status == OFFLINE

    @property
    def is_demo(self) -> bool:
        """A team's library is its own, even when it began as the demo library that was published."""
        return False

    def connect(self, sync: bool = True, raise_offline: bool = False) -> SyncReport | None:
        """Ask the server who the login is (schema, person) and sync; an unreachable server
        marks the replica offline and is raised when the replica was never filled (or when
        ``raise_offline``)."""
        from enablement.team.library import check_schema, login_actor

        self.replica.failed = None  # ask the server again, whatever happened before
        try:
            check_schema(self.ctx.engine, self.address)
            self.replica.remember_actor(login_actor(self.ctx.engine, self.address))
            if not sync:
                self.replica.mark_online()
                return None
            return self.replica.sync()
        except ServerUnreachable as exc:
            self.replica.mark_offline(exc)
            if raise_offline or not self.replica.has_copy:
                raise
            return None

    def push_quietly(self) -> int:
        """Send what waits in the outbox now, when the server answered at opening; returns
        how many entries still wait."""
        if self.replica.status != OFFLINE and self.replica.outbox_size():
            try:
                self.replica.sync()
            except ServerUnreachable:
                pass
        return self.replica.outbox_size()

    def close(self) -> None:
        super().close()
        self.replica.close()
