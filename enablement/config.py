"""Where a library lives and the settings it runs with.

Settings are declared once here, typed, with defaults. Paths come from platformdirs,
overridable by ``--library`` / ``ENABLEMENT_LIBRARY`` (and by tests).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

APP_NAME = "Enablement"
LIBRARY_ENV = "ENABLEMENT_LIBRARY"


def shipped_folder(package: str) -> Path:
    """The folder of data shipped as ``package``, found with ``importlib.resources``.

    The repository keeps ``assets/`` and ``db/`` at the top; installed (editable, wheel or
    frozen) they are ``enablement.assets`` and ``enablement.db``. Alembic and the demo copy
    read real files, so the data must sit on disk (it does in every one of those installs).
    """
    from importlib.resources import files

    try:
        folder = files(package)
    except ModuleNotFoundError as exc:
        raise RuntimeError(f"{package} is not installed; install Enablement (pip install .) "
                           "rather than running it from a bare copy") from exc
    path = Path(str(folder))
    if not path.is_dir():
        raise RuntimeError(f"{package} is not a folder on disk ({folder}); install Enablement unzipped")
    return path


ASSETS_DIR = shipped_folder("enablement.assets")


def default_library_dir() -> Path:
    """The library used when none is named: ``<user data dir>/library``."""
    env = os.environ.get(LIBRARY_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "library"


def default_state_dir() -> Path:
    """Per-user state that is not part of a library (last library, last user, logs)."""
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class LibraryPaths:
    """The files of one library. Only ``root`` is chosen; the rest derive from it."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "library.db"

    @property
    def blobs(self) -> Path:
        return self.root / "blobs"

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def thumbnails(self) -> Path:
        return self.root / "thumbnails"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.json"

    @property
    def report_copies(self) -> Path:
        """Team libraries: the last reports computed on the server, shown while offline."""
        return self.root / "reports"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def ensure(self) -> None:
        """Create the folders of the library (idempotent)."""
        for folder in (self.root, self.blobs, self.index, self.thumbnails, self.backups, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)


@dataclass(frozen=True)
class ImportLimits:
    """Caps applied to every untrusted file (see RELIABILITY.md)."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2_000
    max_text_chars: int = 2_000_000
    timeout_seconds: float = 30.0
    # An office renderer drawing a Word/PowerPoint/Excel file as PDF pages (a cold start of
    # LibreOffice alone takes seconds on a busy machine).
    render_timeout_seconds: float = 120.0
    memory_bytes: int = 1024 * 1024 * 1024
    zip_max_members: int = 10_000
    zip_max_member_bytes: int = 256 * 1024 * 1024
    zip_max_total_bytes: int = 1024 * 1024 * 1024
    zip_max_ratio: float = 100.0
    zip_ratio_exempt_bytes: int = 1024 * 1024
    # One XML part (a slide, a document body) larger than this is refused before parsing:
    # python-pptx and python-docx read a part whole, at many times its size in memory.
    zip_max_xml_part_bytes: int = 32 * 1024 * 1024
    # PDF streams: each may decode to at most this many bytes, and all of a file's
    # streams together to at most the aggregate (a bomb spread over many streams).
    pdf_max_stream_bytes: int = 64 * 1024 * 1024
    pdf_max_decoded_bytes: int = 256 * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """Typed library settings, persisted as JSON beside the database."""

    database_url: str = ""  # empty: the embedded SQLite file of the library
    review_period_days: int = 180
    hours_to_build_piece: float = 4.0
    stale_warning_days: int = 30
    workers: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    # "auto" (Whoosh for small libraries, tantivy for large ones), "whoosh" or "tantivy".
    search_engine: str = "auto"
    # What a piece must carry before it can be published (admins change it): any of stage,
    # gate, owner, review_by and the facet names. Checked by services.permissions.publish_check.
    publish_requires: tuple[str, ...] = ("stage", "gate", "owner", "review_by")
    # Team libraries: the laptop's file cache. Files of pieces in the person's kits are always
    # kept; the most-used published pieces are downloaded ahead up to prefetch_mb; beyond
    # file_cache_mb the least recently used other files are removed (they come back on demand).
    file_cache_mb: int = 2048
    prefetch_mb: int = 512
    # What happens to a piece on its expiry date: "archive" (reps no longer see it) or "flag".
    expiry_action: str = "archive"
    # Word, PowerPoint and Excel files drawn as PDF pages at import ("renditions") where an
    # office renderer is installed: ``office_command`` names it, empty finds soffice/libreoffice.
    renditions: bool = True
    office_command: str = ""
    limits: ImportLimits = field(default_factory=ImportLimits)

    @classmethod
    def load(cls, path: Path) -> "Settings":
        """Read settings from ``path``; missing file or keys fall back to defaults."""
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known and k != "limits"}
        if "publish_requires" in values:
            listed = values["publish_requires"]
            values["publish_requires"] = (tuple(str(f) for f in listed if isinstance(f, str))
                                          if isinstance(listed, list) else cls().publish_requires)
        limits = ImportLimits(**{k: v for k, v in raw.get("limits", {}).items()
                                 if k in {f.name for f in fields(ImportLimits)}})
        return replace(cls(), **values, limits=limits)

    def save(self, path: Path) -> None:
        """Write settings atomically."""
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        os.replace(tmp, path)
