"""Opening a library: the core's composition root.

``Library.open`` picks the paths, loads settings, builds the engine, migrates, seeds the
default taxonomy on a new library and wires the services together. Nothing here is global:
the app and the CLI each open their own Library and pass it down.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from enablement.config import LibraryPaths, Settings
from enablement.errors import LibraryError, StorageError
from enablement.models.changes import Changes
from enablement.models.dto import Actor, Done
from enablement.models.tables import LibraryMeta
from enablement.services.context import LibraryContext
from enablement.services.identity import IdentityProvider, UserContext
from enablement.services.importing import ImportService
from enablement.services.kits import KitService
from enablement.services.maintenance import MaintenanceService
from enablement.services.piece_files import PieceFileService
from enablement.services.pieces import PieceService
from enablement.services.renditions import RenditionService
from enablement.services.requests import RequestService
from enablement.services.settings import SettingsService
from enablement.services.shelves import ShelfService
from enablement.services.taxonomy import TaxonomyService
from enablement.services.usage import UsageService
from enablement.services.users import UserService
from enablement.storage.blobs import BlobStore
from enablement.storage.engine import make_engine, sqlite_url
from enablement.storage.errors import storage_errors
from enablement.storage.migrate import migrate
from enablement.storage import taxonomy_repo
from enablement.storage.taxonomy_repo import apply_taxonomy
from enablement.taxonomy import default_taxonomy

if TYPE_CHECKING:
    from enablement.services.reports_service import ReportService
    from enablement.services.search import SearchService

log = logging.getLogger(__name__)

_NETWORK_FS = {"nfs", "nfs4", "cifs", "smbfs", "smb3", "afpfs", "9p", "fuse.sshfs", "davfs", "fuse.davfs2"}


def network_filesystem(path: Path) -> str | None:
    """The network file-system type holding ``path`` (Linux), or None. SQLite's locking is
    unreliable there, so an embedded library refuses to live on one."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, fstype = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3 and (target == parts[1] or target.startswith(parts[1].rstrip("/") + "/")):
            if len(parts[1]) > len(best):
                best, fstype = parts[1], parts[2]
    return fstype if fstype in _NETWORK_FS else None


class Library:
    """One open library: its context and every service over it."""

    def __init__(self, ctx: LibraryContext, created: bool) -> None:
        self.ctx = ctx
        self.created = created
        self.users = UserService(ctx)
        self.taxonomy = TaxonomyService(ctx)
        self.pieces = PieceService(ctx)
        self.importer = ImportService(ctx, self.pieces)
        self.renditions = RenditionService(ctx)
        self.files = PieceFileService(ctx, self.pieces, self.renditions)
        self.usage = UsageService(ctx)
        self.kits = KitService(ctx, self.usage)
        self.requests = RequestService(ctx)
        self.maintenance = MaintenanceService(ctx)
        self.settings = SettingsService(ctx)
        self.shelves = ShelfService(ctx, self.pieces, self._count_matches)
        self._search: "SearchService | None" = None
        self._reports: "ReportService | None" = None

    @property
    def search(self) -> "SearchService":
        """The search service (imported on first use: start-up does not pay for it)."""
        if self._search is None:
            from enablement.services.search import SearchService

            self._search = SearchService(self.ctx, self.pieces, self.usage)
        return self._search

    def _count_matches(self, actor: "Actor", query: str, filters: "Mapping[str, frozenset[str]]", sort: str) -> int:
        """How many pieces a saved search finds for ``actor`` now (a shelf's live count)."""
        return self.search.search(actor, query, sort=sort, filters=filters, limit=1).results.total

    @property
    def reports(self) -> "ReportService":
        """The manager reports (imported on first use)."""
        if self._reports is None:
            from enablement.services.reports_service import ReportService

            self._reports = ReportService(self.ctx)
        return self._reports

    @classmethod
    def open(cls, root: Path, settings: Settings | None = None, database_url: str | None = None,
             with_index: bool = True) -> "Library":
        """Open (creating if needed) the library in folder ``root``."""
        paths = LibraryPaths(Path(root).expanduser())
        _move_aside_derived(paths)
        try:
            paths.ensure()
        except PermissionError as exc:
            raise StorageError(f"Cannot create the library folder {paths.root}: permission denied.") from exc
        except OSError as exc:
            raise StorageError(f"Cannot create the library folder {paths.root}: {exc.strerror}.") from exc
        settings = settings or Settings.load(paths.settings_file)
        url = database_url or settings.database_url or sqlite_url(paths.database)
        if url.startswith("sqlite"):
            fstype = network_filesystem(paths.root)
            if fstype:
                raise LibraryError(f"{paths.root} is on a network drive ({fstype}); an embedded library must be "
                                   "on a local disk. Use a team library for sharing.")
        engine = make_engine(url)
        try:
            with storage_errors():  # a refused server or a full disk is said, not dumped
                done = migrate(engine, paths.backups)
        except Exception:
            engine.dispose()
            raise
        ctx = LibraryContext(paths=paths, settings=settings, engine=engine, blobs=BlobStore(paths.blobs))
        created = done == "created"
        _seed(ctx)
        library = cls(ctx, created)
        if with_index:
            from enablement.services.search import SearchIndex

            ctx.index = SearchIndex(ctx)
        return library

    def as_user(self, identity: "IdentityProvider") -> "UserContext":
        """A new context for the user ``identity`` names (switching user calls this again;
        nothing shared is changed)."""
        from enablement.services.identity import UserContext

        return UserContext(self, identity.identify(self), identity)

    def meta(self, key: str, default: str = "") -> str:
        with self.ctx.read() as s:
            row = s.get(LibraryMeta, key)
            return row.value if row else default

    def set_meta(self, key: str, value: str) -> Done[None]:
        """Set a library-wide fact (the demo flag...): reported as a settings change."""
        with self.ctx.write() as w:
            w.record(Changes(settings=True))
            s = w.session
            row = s.get(LibraryMeta, key)
            if row is None:
                w.session.add(LibraryMeta(key=key, value=value))
            else:
                row.value = value
        return Done(None, w.changes)

    @property
    def is_demo(self) -> bool:
        return self.meta("demo") == "true"

    def close(self) -> None:
        self.files.close()
        if self.ctx.index is not None:
            self.ctx.index.close()
        self.ctx.engine.dispose()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _move_aside_derived(paths: LibraryPaths) -> None:
    """The index and thumbnails are caches rebuilt from the database: where something that
    is not a folder stands in their place, move it aside (kept, never deleted) so the cache
    is rebuilt instead of every command failing."""
    for folder in (paths.index, paths.thumbnails):
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
            aside = folder.with_name(f"{folder.name}.moved-aside-{stamp}")
            try:
                folder.rename(aside)
            except OSError as exc:
                raise StorageError(f"{folder} is not a folder and cannot be moved aside: {exc.strerror}.") from exc
            log.warning("%s was not a folder; moved aside to %s and rebuilt", folder, aside)


def _seed(ctx: LibraryContext) -> None:
    """A new library gets an id and the default taxonomy (once)."""
    with ctx.write() as w:
        s = w.session
        if s.get(LibraryMeta, "library_id") is None:
            s.add(LibraryMeta(key="library_id", value=str(uuid.uuid4())))
        if not taxonomy_repo.has_stages(s):
            apply_taxonomy(s, default_taxonomy(), retire_missing=False)
