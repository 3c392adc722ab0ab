"""Restore a backup zip, treating it as untrusted input.

Everything is validated before a byte lands where the library will live: the member
names and the sizes declared in the central directory (against caps and free space), the
database's header, integrity and schema version, and every file's size and hash. The
library is assembled in a staging folder beside the target and swapped in only when
whole; a refused restore leaves nothing behind.

Settings in a backup are data, not instructions: only library-wide values (review
period, hours per piece, stale warning) are taken, each bounds-checked. Machine-local
settings (parser limits, workers, the server URL) never come from a backup.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path

from enablement.config import ImportLimits, Settings
from enablement.errors import InvalidInput, LibraryError, StorageError
from enablement.storage import backup_repo

BACKUP_FORMAT = "enablement-backup-1"
FILE_MISSING = "file missing (not in the backup)"
_BLOB_NAME = re.compile(r"^blobs/([0-9a-f]{2})/([0-9a-f]{64})$")
_SQLITE_HEADER = b"SQLite format 3\x00"
_SETTINGS_MAX_BYTES = 64 * 1024
_DATABASE_MAX_BYTES = 64 * 1024 ** 3
_MAX_MEMBERS = 1_000_000
# A member bigger than this may not expand more than _MAX_RATIO times its stored size:
# blobs are stored uncompressed and a database compresses far less than 100:1.
_RATIO_EXEMPT_BYTES = 1024 * 1024
_MAX_RATIO = 100.0
_FREE_SPACE_MARGIN = 64 * 1024 * 1024
_CHUNK = 1024 * 1024
# Library-wide settings a backup may carry, with the bounds each must respect.
LIBRARY_WIDE_SETTINGS: dict[str, tuple[type, float, float]] = {
    "review_period_days": (int, 1, 3650),
    "stale_warning_days": (int, 0, 3650),
    "hours_to_build_piece": (float, 0.0, 1000.0),
}


@dataclass(frozen=True)
class MissingFile:
    """A piece whose file was not in the backup (its rows are kept, marked)."""

    piece_id: int
    title: str
    sha256: str


@dataclass(frozen=True)
class RestoreReport:
    """What a restore brought back: counts, settings taken, files missing."""

    root: Path
    pieces: int
    files: int
    settings_taken: tuple[str, ...]
    settings_ignored: tuple[str, ...]
    missing: tuple[MissingFile, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def library_wide_settings(raw: object) -> tuple[dict[str, object], list[str]]:
    """The whitelisted, bounds-checked library-wide values of a settings mapping, and the
    names of every other key (ignored)."""
    if not isinstance(raw, dict):
        return {}, []
    taken: dict[str, object] = {}
    ignored: list[str] = []
    for key, value in raw.items():
        rule = LIBRARY_WIDE_SETTINGS.get(key)
        if rule is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            ignored.append(str(key)[:40])
            continue
        kind, low, high = rule
        if not math.isfinite(value) or not low <= value <= high or (kind is int and value != int(value)):
            ignored.append(str(key)[:40])
            continue
        taken[key] = kind(value)
    return taken, ignored


def restore_backup(archive: Path, root: Path, force: bool = False,
                   limits: ImportLimits | None = None) -> RestoreReport:
    """Validate backup ``archive`` completely, then make it the library at ``root``.

    ``root`` must be empty or absent unless ``force`` (the old library is then kept aside
    and its machine-local settings carried over). ``limits.max_file_bytes`` caps each
    file. Raises ``InvalidInput`` / ``LibraryError`` / ``StorageError`` with nothing
    written when the backup is refused.
    """
    archive, root = Path(archive), Path(root)
    limits = limits or ImportLimits()
    if not archive.is_file():
        raise InvalidInput(f"{archive} is not a file; name a backup zip.")
    if root.exists() and not root.is_dir():
        raise InvalidInput(f"{root} is a file, not a library folder.")
    if root.exists() and any(root.iterdir()) and not force:
        raise InvalidInput(f"{root} already holds a library; restore into an empty folder or pass --force.")
    from enablement.extract.zipcheck import directory_problem

    if directory_problem(archive, ImportLimits(zip_max_members=_MAX_MEMBERS)):
        raise InvalidInput(f"{archive} is not an Enablement backup (damaged or oversized zip directory).")
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise InvalidInput(f"{archive} is not an Enablement backup ({_short(exc)}).") from exc
    with zf:
        members = _validated_members(zf, archive, limits)
        anchor = _existing_ancestor(root.parent)
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=anchor))
        try:
            report = _restore_into(zf, members, archive, staging, root)
            _swap_in(staging, root)
            return report
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if exc.errno == errno.ENOSPC:
                raise StorageError("The disk ran out of space while restoring; nothing was restored.") from exc
            raise StorageError(f"Could not restore into {root}: {exc.strerror or exc}.") from exc
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _validated_members(zf: zipfile.ZipFile, archive: Path, limits: ImportLimits) -> dict[str, zipfile.ZipInfo]:
    """Every member by name, after checking names, declared sizes and free space."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        name = info.filename
        if name in members:
            raise InvalidInput(f"{archive} names {_shown(name)} twice; it is not a trustworthy backup.")
        if name not in ("FORMAT", "library.db", "settings.json") and not _BLOB_NAME.match(name):
            raise InvalidInput(f"{archive} holds an unexpected entry {_shown(name)}; it is not an Enablement backup.")
        match = _BLOB_NAME.match(name)
        if match and match.group(1) != match.group(2)[:2]:
            raise InvalidInput(f"{archive} holds a misfiled entry {_shown(name)}.")
        if info.flag_bits & 0x1:
            raise InvalidInput(f"{archive} holds encrypted entries; it is not an Enablement backup.")
        members[name] = info
    if "FORMAT" not in members or "library.db" not in members:
        raise InvalidInput(f"{archive} is not an Enablement backup.")
    if members["FORMAT"].file_size > 64 or zf.read("FORMAT").decode("utf-8", "replace") != BACKUP_FORMAT:
        raise InvalidInput(f"{archive} is not an Enablement backup (unknown format).")
    caps = {"library.db": _DATABASE_MAX_BYTES, "settings.json": _SETTINGS_MAX_BYTES}
    total = 0
    for name, info in members.items():
        cap = caps.get(name, limits.max_file_bytes)
        if info.file_size > cap:
            raise InvalidInput(f"{archive} is refused: {_shown(name)} would expand to {_mb(info.file_size)} MB "
                               f"(the limit is {_mb(cap)} MB).")
        if info.file_size > _RATIO_EXEMPT_BYTES and info.file_size > _MAX_RATIO * max(info.compress_size, 1):
            raise InvalidInput(f"{archive} is refused: {_shown(name)} expands too much "
                               f"({info.file_size / max(info.compress_size, 1):,.0f} to 1).")
        total += info.file_size
    with zf.open(members["library.db"]) as db:
        if db.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise LibraryError("The backup's database is damaged (not an SQLite database); nothing was restored.")
    return members


def _restore_into(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], archive: Path,
                  staging: Path, root: Path) -> RestoreReport:
    total = sum(info.file_size for name, info in members.items() if name != "settings.json")
    free = shutil.disk_usage(staging).free
    if total + _FREE_SPACE_MARGIN > free:
        raise StorageError(f"Not enough free space to restore {archive.name}: it needs {_mb(total)} MB, "
                           f"{_mb(free)} MB are free; nothing was restored.")
    db_path = staging / "library.db"
    _copy_member(zf, members["library.db"], db_path)
    blobs = _check_database(db_path)
    present = {m.group(2): info for name, info in members.items() if (m := _BLOB_NAME.match(name))}
    for sha, size in blobs.items():
        info = present.get(sha)
        if info is not None and info.file_size != size:
            raise LibraryError(f"The backup's file {sha[:12]}… has {info.file_size} bytes, its record says "
                               f"{size}; nothing was restored.")
    for sha, size in blobs.items():
        info = present.get(sha)
        if info is None:
            continue
        target = staging / "blobs" / sha[:2] / sha
        target.parent.mkdir(parents=True, exist_ok=True)
        if _copy_member(zf, info, target) != sha:
            raise LibraryError(f"The backup's file {sha[:12]}… is damaged (its hash differs); nothing was restored.")
    missing = _mark_missing(db_path, [sha for sha in blobs if sha not in present])
    taken, ignored = _merge_settings(zf, members.get("settings.json"), root, staging)
    pieces = backup_repo.count_pieces(db_path)
    return RestoreReport(root, pieces, len(blobs) - len({m.sha256 for m in missing}), taken, ignored, missing)


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> str:
    """Write one member to ``target`` (at most its declared size: zipfile enforces it and
    checks the CRC), returning the SHA-256 of what was written."""
    digest = hashlib.sha256()
    try:
        with zf.open(info) as src, open(target, "wb") as out:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
        raise LibraryError(f"The backup is damaged ({_shown(info.filename)}: {_short(exc)}); "
                           f"nothing was restored.") from exc
    return digest.hexdigest()


def _check_database(db_path: Path) -> dict[str, int]:
    """Integrity and schema version of the staged database; its blob rows (hash → size)."""

    versions, rows = backup_repo.read_staged_database(db_path)
    if len(versions) != 1:
        raise LibraryError("The backup's database has no schema version; nothing was restored.")
    if not _is_known_revision(str(versions[0])):
        raise LibraryError(f"This backup was written by a newer version of Enablement (schema "
                           f"{_shown(str(versions[0]))}); update the app to restore it. Nothing was restored.")
    blobs: dict[str, int] = {}
    for sha, size in rows:
        if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{64}", sha) or not isinstance(size, int) or size < 0:
            raise LibraryError("The backup's database holds a malformed file record; nothing was restored.")
        blobs[sha] = size
    return blobs


def _is_known_revision(revision: str) -> bool:
    """Whether this build's migrations know ``revision`` (older or current schemas)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from enablement.storage.migrate import alembic_config

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except (CommandError, KeyError, ValueError):
        return False


def _mark_missing(db_path: Path, shas: list[str]) -> tuple[MissingFile, ...]:
    """Mark each version whose file is absent as "file missing"; list the pieces."""
    if not shas:
        return ()
    missing = [MissingFile(piece_id, title, sha)
               for piece_id, title, sha in backup_repo.mark_versions_missing(db_path, shas, FILE_MISSING)]
    return tuple(sorted(set(missing), key=lambda m: m.piece_id))


def _merge_settings(zf: zipfile.ZipFile, info: zipfile.ZipInfo | None, root: Path,
                    staging: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Machine-local settings from the library being replaced (if any); library-wide ones
    from the backup, whitelisted and bounds-checked."""
    current = Settings.load(root / "settings.json") if (root / "settings.json").is_file() else None
    taken: dict[str, object] = {}
    ignored: list[str] = []
    if info is not None:
        try:
            raw = json.loads(zf.read(info).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raw = None
            ignored.append("settings.json (unreadable)")
        values, rejected = library_wide_settings(raw)
        taken.update(values)
        ignored += rejected
    if current is None and not taken:
        return (), tuple(ignored)
    base = current or Settings()
    known = {f.name for f in fields(Settings)}
    Settings(**{**{f: getattr(base, f) for f in known}, **taken}).save(staging / "settings.json")
    return tuple(sorted(taken)), tuple(ignored)


def _swap_in(staging: Path, root: Path) -> None:
    """Make the staged library the one at ``root``; an existing one is kept aside."""
    if root.exists() and any(root.iterdir()):
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        root.rename(root.with_name(f"{root.name}.replaced-{stamp}"))
    elif root.exists():
        root.rmdir()
    root.parent.mkdir(parents=True, exist_ok=True)
    try:
        staging.rename(root)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.move(str(staging), str(root))


def _existing_ancestor(folder: Path) -> Path:
    folder = folder.absolute()
    while not folder.is_dir():
        folder = folder.parent
    return folder


def _shown(name: str) -> str:
    """An entry name safe to print: no control or bidi characters, bounded."""
    from enablement.display import escape_display

    return escape_display(name[:120])


def _short(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:120]


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}"
