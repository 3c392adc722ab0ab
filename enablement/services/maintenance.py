"""Check, repair, back up and restore a library.

``check`` verifies the invariants of DESIGN.md: the schema is current, every row points at
a blob that exists and still hashes to its name, no piece points at a missing version,
and the database itself is sound. The derived search index is compared with the database
and its state reported; it repairs itself, so lag there is a note, not an inconsistency.
Blobs that no row uses (an import killed between writing the blob and the rows) are not
an inconsistency: they are collectable and listed as such. Renditions (a Word, PowerPoint or
Excel version's pages drawn as a PDF) are derived too: a missing or damaged one, or one not
made yet, is listed as "will be made" (``repair`` makes it), never as a problem.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from enablement.errors import InvalidInput, PermissionDenied, StorageError
from enablement.models.changes import Changes
from enablement.models.dto import Actor, CheckProblem, CheckReport, Done
from enablement.extract.convert import RENDERED_TYPES, find_office
from enablement.models.tables import Blob, Piece, PieceVersion
from enablement.models.vocab import Role
from enablement.services.context import LibraryContext
from enablement.services.restore import BACKUP_FORMAT, LIBRARY_WIDE_SETTINGS
from enablement.storage.engine import is_sqlite
from enablement.storage import maintenance_repo
from enablement.storage.migrate import head_revision


class MaintenanceService:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def check(self, verify_hashes: bool = True) -> CheckReport:
        """Every invariant, as problems (inconsistencies) and facts (counts, collectables)."""
        problems: list[CheckProblem] = []
        facts: dict[str, object] = {}
        head, current = head_revision(), maintenance_repo.schema_revision(self.ctx.engine)
        facts["schema"] = current
        if current != head:
            problems.append(CheckProblem("schema", f"schema is at {current}, expected {head}"))
        problems += [CheckProblem("database", text) for text in maintenance_repo.database_problems(self.ctx.engine)]
        with self.ctx.read() as s:
            rows = maintenance_repo.catalog_rows(s)
        blobs, versions, pieces = rows.blobs, rows.versions, rows.pieces
        by_id = {v.id: v for v in versions}
        facts["renditions"] = self._renditions(rows, pieces, by_id, verify_hashes)
        drawn_only = {r.blob_sha256 for r in rows.renditions if r.blob_sha256} - {v.blob_sha256 for v in versions}
        used = set()
        for v in versions:
            if not v.blob_sha256:
                continue
            used.add(v.blob_sha256)
            if v.blob_sha256 not in blobs:
                problems.append(CheckProblem("blob", f"version {v.id} of piece {v.piece_id} names blob "
                                                     f"{v.blob_sha256[:12]}… that has no row"))
        if self.ctx.blobs.on_server:
            self._check_team_files(blobs, used, verify_hashes, problems, facts)
        else:
            self._check_local_files({sha: b for sha, b in blobs.items() if sha not in drawn_only}, verify_hashes,
                                    problems)
        for p in pieces:
            if p.status == "purged":
                continue
            if p.kind == "file":
                now_version = by_id.get(p.current_version_id or -1)
                if now_version is None:
                    problems.append(CheckProblem("piece", f"piece {p.id} '{p.title}' has no current version"))
                elif now_version.piece_id != p.id:
                    problems.append(CheckProblem("piece", f"piece {p.id} points at a version of piece "
                                                          f"{now_version.piece_id}"))
        facts["pieces"] = sum(1 for p in pieces if p.status != "purged")
        if self.ctx.blobs.on_server:
            facts["blobs"] = len(used & set(blobs))
        else:
            on_disk = set(self.ctx.blobs.all_hashes())
            facts["blobs"] = len(set(blobs) - drawn_only)  # renditions are counted under "renditions"
            facts["collectable_blob_files"] = len(on_disk - set(blobs))
            facts["collectable_blob_rows"] = len(set(blobs) - used - drawn_only)
        facts["leftover_temp_files"] = len(self.ctx.blobs.leftover_temp_files())
        if self.ctx.index is not None:
            # The index is a derived cache that repairs itself on the next search (or with
            # --repair / reindex): its state is reported, but it is not an inconsistency.
            facts["index"] = self.ctx.index.check()
        return CheckReport(tuple(problems), facts)

    def _renditions(self, rows: maintenance_repo.CatalogRows, pieces: list[Piece], by_id: dict[int | None, PieceVersion],
                    verify_hashes: bool) -> dict[str, object]:
        """Made, failed (kept with the reason) and to be made: current Word/PowerPoint/Excel
        versions without one, and ones whose PDF is missing or damaged on this machine (a team
        laptop's cache may simply not hold it: that is fetched when needed, not remade)."""
        made = failed = 0
        damaged: list[int] = []
        have = {r.version_id: r for r in rows.renditions}
        # a team library: a PDF whose bytes are not whole on the server is made again too
        not_on_server = self._renditions_not_on_server(rows) if self.ctx.blobs.on_server else set()
        for r in rows.renditions:
            if r.outcome != "ok":
                failed += 1
                continue
            sha = r.blob_sha256 or ""
            blob = rows.blobs.get(sha)
            path = self.ctx.blobs.path_for(sha) if sha else None
            whole = (blob is not None and path is not None and path.is_file() and path.stat().st_size == blob.size
                     and (not verify_hashes or self.ctx.blobs.verify(sha)))
            fetchable = (self.ctx.blobs.on_server and blob is not None and path is not None and not path.is_file()
                         and sha not in not_on_server)
            if (whole and sha not in not_on_server) or fetchable:
                made += 1
            else:
                damaged.append(r.version_id)
        missing = [v.id for p in pieces if p.status != "purged" and p.kind == "file"
                   for v in [by_id.get(p.current_version_id or -1)]
                   if v is not None and v.id is not None and v.file_type in RENDERED_TYPES and v.blob_sha256
                   and v.id not in have]
        return {"made": made, "failed": failed, "damaged": sorted(damaged), "will_be_made": len(missing) + len(damaged),
                "renderer": self.ctx.settings.renditions and find_office(self.ctx.settings.office_command) is not None}

    def _renditions_not_on_server(self, rows: maintenance_repo.CatalogRows) -> set[str]:
        """The rendition PDFs this login sees whose bytes are not whole on the team server."""
        sizes = {r.blob_sha256: rows.blobs[r.blob_sha256].size for r in rows.renditions
                 if r.outcome == "ok" and r.blob_sha256 and r.blob_sha256 in rows.blobs}
        return {sha for sha, _detail in self.ctx.blobs.server_problems(sizes)} if sizes else set()

    def _check_local_files(self, blobs: dict[str, Blob], verify_hashes: bool, problems: list[CheckProblem]) -> None:
        """Every file of the library is in this folder, whole and unchanged."""
        for sha, blob in blobs.items():
            path = self.ctx.blobs.path_for(sha)
            if not path.is_file():
                problems.append(CheckProblem("blob", f"blob {sha[:12]}… is missing from {self.ctx.blobs.root}"))
            elif path.stat().st_size != blob.size:
                problems.append(CheckProblem("blob", f"blob {sha[:12]}… has {path.stat().st_size} bytes, "
                                                     f"expected {blob.size}"))
            elif verify_hashes and not self.ctx.blobs.verify(sha):
                problems.append(CheckProblem("blob", f"blob {sha[:12]}… no longer matches its hash (damaged)"))

    def _check_team_files(self, blobs: dict[str, Blob], used: set[str], verify_hashes: bool,
                          problems: list[CheckProblem], facts: dict[str, object]) -> None:
        """A team library: the rows are the ones this login may read (row-level security), so
        only the files of the versions it sees are checked, on the server (their chunks) and
        in this machine's cache (copies here are optional: a missing one is fetched on demand)."""
        sizes = {sha: blobs[sha].size for sha in used if sha in blobs}
        for _sha, detail in self.ctx.blobs.server_problems(sizes):
            problems.append(CheckProblem("blob", detail))
        cached = 0
        for sha, size in sizes.items():
            path = self.ctx.blobs.path_for(sha)
            if not path.is_file():
                continue
            cached += 1
            if path.stat().st_size != size or (verify_hashes and not self.ctx.blobs.verify(sha)):
                problems.append(CheckProblem("blob", f"the copy of file {sha[:12]}… cached in {self.ctx.blobs.root} "
                                                     "is damaged: delete it and it is fetched again"))
        facts["team_server"] = True
        facts["cached_files"] = cached

    def collect_garbage(self, actor: Actor) -> Done[dict[str, int]]:
        """Remove blobs no version uses and temp files left by interrupted imports; the
        change-set names the files that went (``gone_blobs``)."""
        if actor.role != Role.ADMIN:
            raise PermissionDenied("Only an admin may remove unused files.")
        removed = {"blob_files": 0, "blob_rows": 0, "temp_files": 0}
        with self.ctx.write() as w:
            rows = maintenance_repo.delete_unused_blob_rows(w.session)
            removed["blob_rows"] = len(rows)
            w.record(Changes(gone_blobs=frozenset(rows)))
        with self.ctx.read() as s:
            known = maintenance_repo.blob_hashes(s)
        files = set(self.ctx.blobs.all_hashes()) - known
        for sha in files:
            self.ctx.blobs.remove(sha)
            removed["blob_files"] += 1
        for tmp in self.ctx.blobs.leftover_temp_files():
            tmp.unlink(missing_ok=True)
            removed["temp_files"] += 1
        return Done(removed, w.changes | Changes(gone_blobs=frozenset(files)))

    def backup(self, target: Path) -> Path:
        """A zip holding a consistent copy of the database and every blob (the index is
        derived and rebuilt on restore)."""
        if self.ctx.blobs.on_server:
            raise InvalidInput("'backup' copies an embedded library. A team library lives on its server: its DBA "
                               "backs up the database there (pg_dump), files included; nothing on this machine "
                               "needs a backup (it holds caches only).")
        if not is_sqlite(self.ctx.engine):
            raise InvalidInput("A library on PostgreSQL is backed up on its server (pg_dump of its database), "
                               f"with the files in {self.ctx.blobs.root}.")
        target = Path(target)
        if target.exists() and not target.is_dir():
            raise InvalidInput(f"{target} is an existing file; name a folder or a new .zip file.")
        try:
            if target.suffix.lower() != ".zip":
                target.mkdir(parents=True, exist_ok=True)
                target = target / f"enablement-backup-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.zip"
            target.parent.mkdir(parents=True, exist_ok=True)
            self.ctx.paths.tmp.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"Cannot write a backup to {target}: {exc.strerror or exc}.") from exc
        partial = target.with_name(target.name + ".partial")
        try:
            self._write_backup(partial)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                raise StorageError(f"The disk is full; the backup {target} was not written.") from exc
            raise StorageError(f"Cannot write a backup to {target}: {exc.strerror or exc}.") from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return target

    def _write_backup(self, partial: Path) -> None:
        with tempfile.TemporaryDirectory(dir=self.ctx.paths.tmp) as tmp:
            db_copy = maintenance_repo.copy_database(self.ctx.engine, Path(tmp) / "library.db")
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
                zf.writestr("FORMAT", BACKUP_FORMAT)
                zf.write(db_copy, "library.db")
                # Only library-wide settings travel; machine-local ones (limits, workers,
                # the server URL) stay on this machine.
                settings = self.ctx.settings
                zf.writestr("settings.json", json.dumps(
                    {key: getattr(settings, key) for key in LIBRARY_WIDE_SETTINGS}, indent=2))
                for sha in self.ctx.blobs.all_hashes():
                    zf.write(self.ctx.blobs.path_for(sha), f"blobs/{sha[:2]}/{sha}",
                             compress_type=zipfile.ZIP_STORED)
