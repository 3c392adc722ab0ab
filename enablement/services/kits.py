"""Kits: a rep's ordered pieces for one call or deal, exported as a folder (or zip) of
files plus one merged PDF that starts with a cover page."""

from __future__ import annotations

import builtins
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Callable, Sequence

from sqlmodel import Session

from enablement.errors import Conflict, FileNotHere, InvalidInput, NotFound, PermissionDenied
from enablement.models.changes import Changes
from enablement.models.dto import Actor, Done, KitExport, KitInfo, KitItemInfo, UseRecord
from enablement.models.tables import Kit, KitItem, Piece, stored_id, utcnow
from enablement.models.vocab import Role, Status, UsageKind
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, require
from enablement.services.safe_names import safe_file_name, unique_path
from enablement.services.usage import UsageService
from enablement.storage import kits_repo, pieces_repo

KIT_CHANGED = Changes(kits=True)


class KitService:
    """A person's kits are theirs alone: every change is a write that may wait (a team laptop
    keeps it with an outbox entry and sends the kit whole at the next sync)."""

    def __init__(self, ctx: LibraryContext, usage: UsageService) -> None:
        self.ctx = ctx
        self.usage = usage

    def list(self, actor: Actor) -> builtins.list[KitInfo]:
        """The actor's kits, most recently changed first."""
        with self.ctx.read() as s:
            ids = kits_repo.kit_ids_of(s, actor.user_id)
        return [self.get(actor, kid) for kid in ids]

    def get(self, actor: Actor, kit_id: int) -> KitInfo:
        with self.ctx.read() as s:
            kit = self._kit(s, actor, kit_id, write=False)
            items = kits_repo.items(s, kit_id)
            summaries = {p.id: p for p in pieces_repo.summaries(s, [i.piece_id for i in items], self.ctx.today())}
            current = kits_repo.current_versions(s, [i.piece_id for i in items])
            infos = []
            for item in items:
                summary = summaries.get(item.piece_id)
                if summary is None:
                    continue  # purged
                warnings = []
                if item.version_id_at_add and current.get(item.piece_id) != item.version_id_at_add:
                    warnings.append("has a new version since it was added")
                if summary.stale:
                    warnings.append(f"is past its review date ({summary.review_by})")
                if summary.status == Status.ARCHIVED:
                    warnings.append("was archived")
                infos.append(KitItemInfo(stored_id(item.id), summary, item.position, item.note, tuple(warnings)))
            return KitInfo(stored_id(kit.id), kit.name, kit.owner_id, kit.account, kit.notes, tuple(infos), kit.updated_at)

    def create(self, actor: Actor, name: str, account: str = "", notes: str = "",
               piece_ids: Sequence[int] = ()) -> Done[int]:
        """A new kit of ``actor``'s, holding ``piece_ids`` in that order (one transaction:
        "new kit with this piece" never leaves an empty kit behind); its id."""
        require(actor, Permission.KITS)
        if not name.strip():
            raise InvalidInput("A kit needs a name.")
        with self.ctx.queue() as w:
            s = w.session
            w.record(KIT_CHANGED)
            kit = Kit(name=name.strip()[:200], owner_id=actor.user_id, account=account.strip()[:200], notes=notes)
            s.add(kit)
            s.flush()
            kit_id = stored_id(kit.id)
            for piece_id in dict.fromkeys(piece_ids):
                self._add_in(s, kit, piece_id)
        return Done(kit_id, KIT_CHANGED)

    def update(self, actor: Actor, kit_id: int, *, name: str | None = None, account: str | None = None,
               notes: str | None = None) -> Done[None]:
        with self.ctx.queue() as w:
            s = w.session
            w.record(KIT_CHANGED)
            kit = self._kit(s, actor, kit_id)
            if name is not None:
                if not name.strip():
                    raise InvalidInput("A kit needs a name.")
                kit.name = name.strip()[:200]
            if account is not None:
                kit.account = account.strip()[:200]
            if notes is not None:
                kit.notes = notes
            kit.updated_at = utcnow()
        return Done(None, KIT_CHANGED)

    def delete(self, actor: Actor, kit_id: int) -> Done[None]:
        with self.ctx.queue() as w:
            s = w.session
            w.record(KIT_CHANGED)
            kit = self._kit(s, actor, kit_id)
            if kits_repo.has_usage_history(s, kit_id):
                raise Conflict(f"'{kit.name}' was exported and its uses are on record, so it cannot be deleted.")
            kits_repo.delete_kit(s, kit)
        return Done(None, KIT_CHANGED)

    def add(self, actor: Actor, kit_id: int, piece_id: int, note: str = "") -> Done[int]:
        with self.ctx.queue() as w:
            s = w.session
            w.record(KIT_CHANGED)
            kit = self._kit(s, actor, kit_id)
            item_id = self._add_in(s, kit, piece_id, note)
        return Done(item_id, KIT_CHANGED)

    def add_many(self, actor: Actor, kit_id: int, piece_ids: Sequence[int]) -> Done[int]:
        """Add pieces to the end of a kit in the order given, in one transaction; a piece
        already in the kit is left where it is (adding it again is not an error). Returns
        how many were added."""
        added = 0
        with self.ctx.queue() as w:
            s = w.session
            kit = self._kit(s, actor, kit_id)
            for piece_id in dict.fromkeys(piece_ids):
                if kits_repo.item(s, kit_id, piece_id) is None:
                    self._add_in(s, kit, piece_id)
                    added += 1
            if added:
                w.record(KIT_CHANGED)
        return Done(added, w.changes)

    def _add_in(self, s: Session, kit: Kit, piece_id: int, note: str = "") -> int:
        """Append ``piece_id`` to ``kit`` in the caller's transaction; the item's id."""
        kit_id = stored_id(kit.id)
        piece = s.get(Piece, piece_id)
        if piece is None or piece.status == "purged":
            raise NotFound(f"No piece with id {piece_id}.")
        if kits_repo.item(s, kit_id, piece_id) is not None:
            raise Conflict(f"'{piece.title}' is already in '{kit.name}'.")
        item = KitItem(kit_id=kit_id, piece_id=piece_id, position=kits_repo.last_position(s, kit_id) + 1,
                       note=note, version_id_at_add=piece.current_version_id)
        s.add(item)
        kit.updated_at = utcnow()
        s.flush()
        return stored_id(item.id)

    def remove(self, actor: Actor, kit_id: int, piece_id: int) -> Done[None]:
        with self.ctx.queue() as w:
            s = w.session
            w.record(KIT_CHANGED)
            kit = self._kit(s, actor, kit_id)
            item = kits_repo.item(s, kit_id, piece_id)
            if item is None:
                raise NotFound("That piece is not in the kit.")
            s.delete(item)
            kit.updated_at = utcnow()
        return Done(None, KIT_CHANGED)

    def reorder(self, actor: Actor, kit_id: int, piece_ids: builtins.list[int]) -> Done[None]:
        with self.ctx.queue() as w:
            s = w.session
            w.record(KIT_CHANGED)
            kit = self._kit(s, actor, kit_id)
            items = {i.piece_id: i for i in kits_repo.items(s, kit_id)}
            if set(piece_ids) != set(items):
                raise InvalidInput("The new order must list every piece of the kit exactly once.")
            for pos, pid in enumerate(piece_ids):
                items[pid].position = pos
            kit.updated_at = utcnow()
        return Done(None, KIT_CHANGED)

    def annotate(self, actor: Actor, kit_id: int, piece_id: int, note: str) -> Done[None]:
        with self.ctx.queue() as w:
            s = w.session
            w.record(KIT_CHANGED)
            self._kit(s, actor, kit_id)
            item = kits_repo.item(s, kit_id, piece_id)
            if item is None:
                raise NotFound("That piece is not in the kit.")
            item.note = note
        return Done(None, KIT_CHANGED)

    def refresh_item(self, actor: Actor, kit_id: int, piece_id: int) -> Done[None]:
        """Accept the piece's current version (clears the "new version" warning)."""
        with self.ctx.queue() as w:
            s = w.session
            w.record(KIT_CHANGED)
            self._kit(s, actor, kit_id)
            item = kits_repo.item(s, kit_id, piece_id)
            piece = s.get(Piece, piece_id)
            if item is None or piece is None:
                raise NotFound("That piece is not in the kit.")
            item.version_id_at_add = piece.current_version_id
        return Done(None, KIT_CHANGED)

    def export(self, actor: Actor, kit_id: int, target_dir: Path, *, as_zip: bool = False,
               progress: Callable[[int, int, str], None] | None = None,
               cancel: threading.Event | None = None) -> Done[KitExport]:
        """Write the kit's files (safe names) and one merged PDF with a cover page into a new
        folder under ``target_dir`` (or a zip of it). Logs a kit_exported use per piece."""
        kit = self.get(actor, kit_id)
        result = self._write(actor, kit, Path(target_dir), as_zip=as_zip, progress=progress, cancel=cancel)
        return Done(result, self.record_handout(actor, kit_id).changes)

    def export_copy(self, actor: Actor, kit_id: int) -> Path:
        """The kit as one zip (its files and the merged PDF) in a folder of its own under the
        library's tmp/out, for dragging into an email or a chat or copying to the clipboard.
        No use is logged here: ``record_handout`` logs them once the zip was dropped or copied."""
        from enablement.services.piece_files import COPIES_KEPT_S, remove_older_than

        kit = self.get(actor, kit_id)
        parent = Path(self.ctx.paths.tmp) / "out"
        remove_older_than(parent, COPIES_KEPT_S)
        parent.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="kit-", dir=parent))
        export = self._write(actor, kit, folder, as_zip=True)
        shutil.rmtree(export.folder, ignore_errors=True)  # the zip holds it all
        assert export.zip_path is not None
        return export.zip_path

    def record_handout(self, actor: Actor, kit_id: int) -> Done[None]:
        """A kit_exported use for each of the kit's pieces (the kit left the app as files)."""
        kit = self.get(actor, kit_id)
        for item in kit.items:
            self.usage.record(actor, UseRecord(kind=UsageKind.KIT_EXPORTED, piece_id=item.piece.id,
                                               kit_id=kit.id, account=kit.account))
        return Done(None, Changes(usage=True, kits=True))

    def _write(self, actor: Actor, kit: KitInfo, target_dir: Path, *, as_zip: bool,
               progress: Callable[[int, int, str], None] | None = None,
               cancel: threading.Event | None = None) -> KitExport:
        """The kit's files and merged PDF in a new folder under ``target_dir`` (and a zip of it)."""
        from enablement.services.kit_pdf import merged_kit_pdf

        if not kit.items:
            raise InvalidInput(f"'{kit.name}' is empty; add pieces before exporting it.")
        details = self._kit_files(kit)
        target_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".kit-", dir=target_dir))
        try:
            files: builtins.list[Path] = []
            pdfs: builtins.list[tuple[str, Path]] = []
            skipped: builtins.list[str] = []
            total = len(kit.items) + 1
            for n, item in enumerate(kit.items, 1):
                if cancel is not None and cancel.is_set():
                    raise InvalidInput("Export cancelled.")
                if progress:
                    progress(n - 1, total, item.piece.title)
                detail = details[item.piece.id]
                if detail is None:
                    skipped.append(f"{item.piece.title} (a link: listed on the cover page)")
                    continue
                blob_path, original, file_type = detail
                name = safe_file_name(f"{n:02d} {item.piece.title}.{file_type}")
                dest = unique_path(staging, name)
                shutil.copyfile(blob_path, dest)
                files.append(dest)
                if file_type == "pdf":
                    pdfs.append((item.piece.title, dest))
            if progress:
                progress(total - 1, total, "merged PDF")
            merged_path = staging / safe_file_name(f"{kit.name} - merged.pdf")
            merged_pages, merge_skipped = merged_kit_pdf(kit, self.ctx.taxonomy(), pdfs, merged_path,
                                                         about=self._summaries(kit), prepared_by=actor.name)
            skipped.extend(merge_skipped)
            folder = unique_path(target_dir, safe_file_name(kit.name, default="kit"))
            staging.rename(folder)
            files = [folder / f.name for f in files]
            merged = folder / merged_path.name
            zip_path = None
            if as_zip:
                zip_path = unique_path(target_dir, safe_file_name(f"{kit.name}.zip"))
                with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
                    for f in [*files, merged]:
                        zf.write(f, arcname=f"{folder.name}/{f.name}")
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if progress:
            progress(total, total, "done")
        return KitExport(folder, tuple(files), merged, merged_pages, zip_path, tuple(skipped))

    def _summaries(self, kit: KitInfo) -> dict[int, str]:
        """A short summary of each piece for the cover page: its description or its text's opening."""
        from enablement.services.kit_pdf import short_summary

        about = {}
        with self.ctx.read() as s:
            for item in kit.items:
                found = pieces_repo.detail(s, item.piece.id, self.ctx.today())
                if found is not None:
                    about[item.piece.id] = short_summary(found.description, found.text_excerpt)
        return about

    def _kit_files(self, kit: KitInfo) -> dict[int, tuple[str, str, str] | None]:
        """Each item's file on this machine, fetched first when a team library's laptop lacks
        it; offline, every missing file is queued and one message names them."""
        found: dict[int, tuple[str, str, str] | None] = {}
        missing: builtins.list[str] = []
        for item in kit.items:
            try:
                found[item.piece.id] = self.ctx_piece_file(item.piece.id)
            except FileNotHere:
                missing.append(f"'{item.piece.title}'")
        if missing:
            raise FileNotHere(f"{len(missing)} of the files of '{kit.name}' are not on this laptop and the team "
                              f"server cannot be reached ({', '.join(missing)}); they will be downloaded at the "
                              "next sync, then export again.")
        return found

    def ctx_piece_file(self, piece_id: int) -> tuple[str, str, str] | None:
        from enablement.models.tables import PieceVersion

        with self.ctx.read() as s:
            piece = s.get(Piece, piece_id)
            version = s.get(PieceVersion, piece.current_version_id) if piece and piece.current_version_id else None
            if version is None or not version.blob_sha256:
                return None
            sha, name, file_type = version.blob_sha256, version.original_name, version.file_type
        return str(self.ctx.blobs.local_path(sha)), name, file_type

    def _kit(self, s: Session, actor: Actor, kit_id: int, write: bool = True) -> Kit:
        kit = s.get(Kit, kit_id)
        if kit is None:
            raise NotFound(f"No kit with id {kit_id}.")
        if kit.owner_id != actor.user_id and not (not write and actor.role in (Role.ADMIN, Role.MANAGER)):
            raise PermissionDenied(f"'{kit.name}' belongs to another user.")
        return kit
