"""Opening a team library as a login: the same services, with the database as the authority.

The engine connects as the person's own login (timeouts, keepalives, the password found
once and kept in memory only), the acting user is whoever ``app.me()`` says the login is,
the server's refusals become clear messages, and file bytes come from the server into a
local cache on demand. The local folder (``--library``, or one per server and login under
the user data dir) holds only derived things: the search index and the file cache.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine

from enablement.config import LibraryPaths, Settings
from enablement.errors import LibraryError, StorageError
from enablement.models.dto import Actor
from enablement.team import errors as team_errors
from enablement.team.blobs import MB, ServerBlobCache
from enablement.team.connection import (CONNECT_TIMEOUT_S, OPEN_TIMEOUT_S, LoginFailed, PasswordSource,
                                        ServerAddress, connect, default_password_sources, parse_server_url)

if TYPE_CHECKING:
    import psycopg

    from enablement.services.context import LibraryContext
    from enablement.services.library import Library
    from enablement.team.replica import TeamLibrary


class _Connector:
    """Opens connections as the login; the password, once found, is kept in memory only."""

    def __init__(self, address: ServerAddress, password: str | None,
                 sources: list[PasswordSource] | None) -> None:
        self.address = address
        self.password = password
        self.sources = default_password_sources() if sources is None else sources
        # When set, says why not to try now (the server just failed to answer in this
        # process): a command then fails at once instead of waiting a connect timeout again.
        self.gate: Callable[[], BaseException | None] | None = None
        self.timeout = CONNECT_TIMEOUT_S  # OPEN_TIMEOUT_S while a laptop with a copy opens

    def _remember(self, source: PasswordSource) -> PasswordSource:
        def found(address: ServerAddress) -> str | None:
            value = source(address)
            if value:
                self.password = value
            return value
        return found

    def __call__(self, autocommit: bool = False, gated: bool = True) -> psycopg.Connection[Any]:
        refused = self.gate() if gated and self.gate is not None else None
        if refused is not None:
            raise refused
        return connect(self.address, password=self.password, autocommit=autocommit,
                       password_sources=[self._remember(s) for s in self.sources], timeout=self.timeout)


_CONNECTORS: "weakref.WeakKeyDictionary[Engine, _Connector]" = weakref.WeakKeyDictionary()


def listen_connect(engine: Engine) -> Callable[[], Any]:
    """Opens a connection of its own (outside the pool) as the team engine's login, with the
    password it already found: for the change listener, which holds one for a long time."""
    connector = _CONNECTORS[engine]
    return lambda: connector(autocommit=True, gated=False)  # the listener is what finds the server back


def cache_dir_for(address: ServerAddress) -> Path:
    """The local folder of one server + login (index and file cache)."""
    from enablement.config import APP_NAME
    from platformdirs import user_data_dir

    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{address.host}_{address.port}_{address.dbname}_{address.user}")
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "team" / name


def team_engine(address: ServerAddress, password: str | None = None,
                password_sources: list[PasswordSource] | None = None,
                gate: Callable[[], BaseException | None] | None = None) -> Engine:
    """An engine whose every connection is ``address.user`` with the team connection rules;
    ``gate`` (see ``_Connector``) may refuse at once while the server is known not to answer."""
    connector = _Connector(address, password, password_sources)
    connector.gate = gate
    engine = create_engine("postgresql+psycopg://", creator=connector, pool_pre_ping=True, pool_size=4,
                           max_overflow=4, pool_recycle=1800)
    _CONNECTORS[engine] = connector
    return engine


@dataclass(frozen=True)
class DatabaseLogin:
    """Team mode's identity provider: the person is whoever the server says the connected
    login is (``app.me()`` over ``session_user``, which ``SET ROLE`` cannot change), as the
    replica remembers it from the last time the server answered."""

    address: ServerAddress

    def identify(self, library: "Library") -> Actor:
        replica = getattr(library, "replica", None)
        known = replica.actor() if replica is not None else None
        return known if known is not None else login_actor(library.ctx.engine, self.address)


def _require_team_library(conn: Connection, address: ServerAddress) -> None:
    if not conn.execute(text("SELECT to_regclass('app.meta') IS NOT NULL")).scalar():
        raise LibraryError(f"The database '{address.dbname}' at {address.where} is not set up as a team library "
                           "(a DBA runs 'enablement server init').")


def login_actor(engine: Engine, address: ServerAddress) -> Actor:
    """The person the login is (``app.me()``), with their role."""
    with engine.connect() as conn:
        _require_team_library(conn, address)
        row = conn.execute(text("SELECT id, name, role FROM users WHERE id = app.me()")).first()
    if row is None:
        raise LoginFailed(f"The login '{address.user}' is not a person of this team library, or is disabled.")
    return Actor(int(row[0]), str(row[1]), str(row[2]))


def check_schema(engine: Engine, address: ServerAddress) -> None:
    """The server must hold the schema this app knows (only a DBA upgrades it): an older one
    is refused with the command that upgrades it, a newer one asks for a newer app."""
    with engine.connect() as conn:
        _require_team_library(conn, address)  # a database of something else has no schema version either
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    message = schema_gap_message(version, address)
    if message:
        raise LibraryError(message)


def schema_gap_message(version: str | None, address: ServerAddress) -> str:
    """What to do about a server at schema ``version`` ('' when it is this app's)."""
    from enablement.storage.migrate import SCHEMA_HEAD, schema_gap

    gap = schema_gap(version)
    if gap < 0:
        return (f"The team server at {address.where} was set up by an older version of Enablement (schema {version}; "
                f"this app needs {SCHEMA_HEAD}). Ask the database administrator to upgrade it — it keeps every "
                f"row and login: enablement server upgrade --url postgresql://DBA@{address.where}/{address.dbname}")
    if gap > 0:
        return (f"The team server at {address.where} was upgraded by a newer version of Enablement (schema {version}; "
                f"this app knows {SCHEMA_HEAD}). Update Enablement on this computer.")
    return ""


def file_cache(paths: LibraryPaths, settings: Settings, server: Engine) -> ServerBlobCache:
    """The laptop's cache of the server's files, sized by the settings."""
    return ServerBlobCache(paths.blobs, server, cache_bytes=settings.file_cache_mb * MB,
                           prefetch_bytes=settings.prefetch_mb * MB)


def pin_kits(files: ServerBlobCache, ctx: "LibraryContext", user_id: int) -> None:
    """Keep the files of the person's kits, of the pieces made available offline and of
    their own submissions not yet sent (the only copy is on this laptop), with the pages drawn
    from them (renditions), read from ``ctx``."""
    from enablement.storage.kits_repo import pinned_blobs
    from enablement.storage.pieces_repo import current_files
    from enablement.storage.renditions_repo import drawn_from
    from enablement.storage.replica_repo import provisional_blobs

    def pinned() -> set[str]:
        kept = sorted(files.kept())
        with ctx.read() as s:
            shas = (pinned_blobs(s, user_id) | provisional_blobs(s.connection())
                    | {sha for _pid, _title, sha, _size in current_files(s, kept)})
            return shas | drawn_from(s, sorted(shas))

    files.pinned = pinned


def open_team_library(url: str, root: Path | None = None, *, settings: Settings | None = None,
                      password: str | None = None, password_sources: list[PasswordSource] | None = None,
                      with_index: bool = True, sync: bool = True) -> "tuple[TeamLibrary, Actor]":
    """Open the team library at ``url`` as its login; returns (library, acting user).

    The library reads from the login's replica in the local folder. With ``sync`` the server
    is asked first (push, then pull) unless the link is waiting after a failure; an
    unreachable server leaves the replica as it was and the library ``offline``. A replica
    that was never filled needs the server once: then an unreachable or refusing server is
    reported within the connect timeout."""
    from enablement.team.replica import Replica, TeamLibrary, TeamSource

    address = parse_server_url(url)
    paths = LibraryPaths(Path(root).expanduser() if root else cache_dir_for(address))
    try:
        paths.ensure()
    except OSError as exc:
        raise StorageError(f"Cannot create the local folder {paths.root}: {exc.strerror}.") from exc
    settings = settings or Settings.load(paths.settings_file)
    replicas: list[Replica] = []
    engine = team_engine(address, password, password_sources, gate=lambda: replicas[0].refusal() if replicas else None)
    actor_box: list[Actor] = []
    team_errors.install(engine, address, lambda: actor_box[0].role if actor_box else address.user)
    try:
        replica = Replica(paths, engine)
        replicas.append(replica)
    except BaseException:
        engine.dispose()
        raise
    from enablement.services.context import LibraryContext

    source = TeamSource(replica)
    files = file_cache(paths, settings, engine)
    ctx = LibraryContext(paths=paths, settings=settings, engine=engine, blobs=files, source=source)
    replica.on_commit = ctx.caches
    library = TeamLibrary(ctx, replica, address)
    try:
        if with_index:
            from enablement.services.search import SearchIndex

            ctx.index = SearchIndex(ctx)
        if not replica.has_copy or (sync and not replica.in_backoff()):
            connector = _CONNECTORS[engine]
            if replica.has_copy:  # there is a copy to work from: do not wait long for a silent server
                connector.timeout = OPEN_TIMEOUT_S
            try:
                library.connect(sync=sync or not replica.has_copy)
            finally:
                connector.timeout = CONNECT_TIMEOUT_S
        elif replica.in_backoff():
            replica.hold_off()
        actor = replica.actor()
        assert actor is not None
        actor_box.append(actor)
        pin_kits(files, ctx, actor.user_id)
    except BaseException:
        library.close()
        raise
    # the same seam the embedded mode uses (LocalUser): pages and services see one Actor
    return library, library.as_user(DatabaseLogin(address)).actor

