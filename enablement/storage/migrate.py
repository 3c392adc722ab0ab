"""Bring a library database to the current schema when it is opened.

A fresh database gets ``create_all`` and is stamped at head; an existing one that is
behind is backed up first (SQLite) and then upgraded through the Alembic migrations.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import SQLModel

import enablement.models.tables  # noqa: F401  (registers the tables)
from enablement.config import shipped_folder
from enablement.errors import LibraryError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = shipped_folder("enablement.db")  # the repository's db/ (Alembic scripts)
# The newest migration in db/versions (a test keeps it equal to Alembic's head). Opening a
# library that is already current then costs one SELECT, and Alembic (~75 ms of imports) is
# loaded only to create or upgrade a schema.
SCHEMA_HEAD = "0013"


def schema_gap(version: str | None) -> int:
    """Where a database's schema ``version`` stands against this app's: -1 older (an upgrade
    brings it here), 0 current, 1 newer or unknown (made by a newer app: update this one)."""
    if version == SCHEMA_HEAD:
        return 0
    if version is None:
        return -1
    if version.isdigit() and SCHEMA_HEAD.isdigit():
        return -1 if int(version) < int(SCHEMA_HEAD) else 1
    return 1


def alembic_config() -> "Config":
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the db/ folder has no migrations"
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _stored_revision(engine: Engine) -> str | None:
    """The schema version recorded in the database, by one plain query (None if absent)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).fetchall()
    except DBAPIError:
        return None
    return rows[0][0] if len(rows) == 1 else None


# Alembic's migration context is one per process (``alembic.context``), and two threads
# opening one new database would both create it: one schema change at a time per process.
_SCHEMA_CHANGE = threading.Lock()


def migrate(engine: Engine, backup_dir: Path | None = None) -> str:
    """Create or upgrade the schema; returns what was done: created, upgraded or current.
    Safe to call from several threads at once (for one database or several)."""
    if _stored_revision(engine) == SCHEMA_HEAD:
        return "current"
    with _SCHEMA_CHANGE:
        if _stored_revision(engine) == SCHEMA_HEAD:  # another thread just did it
            return "current"
        return _migrate(engine, backup_dir)


def _migrate(engine: Engine, backup_dir: Path | None) -> str:
    from alembic import command
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    head = head_revision()
    current = current_revision(engine)
    cfg = alembic_config()
    if current is None:
        tables = set(inspect(engine).get_table_names())
        if tables - {"alembic_version"}:
            raise LibraryError("This database has tables but no schema version; it is not an Enablement library.")
        SQLModel.metadata.create_all(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.stamp(cfg, "head")
        return "created"
    if current == head:
        return "current"
    scripts = ScriptDirectory.from_config(cfg)
    try:
        known = scripts.get_revision(current) is not None
    except CommandError:
        known = False
    if not known:
        raise LibraryError(
            f"This library was written by a newer version of Enablement (schema {current}); update the app to open it.")
    if backup_dir is not None and engine.dialect.name == "sqlite":
        backup_sqlite(engine, backup_dir / f"before-upgrade-{current}-{_stamp()}.db")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return "upgraded"


def backup_sqlite(engine: Engine, target: Path) -> Path:
    """A consistent copy of a live SQLite database (the backup API, WAL included)."""
    source_path = engine.url.database
    if not source_path:
        raise LibraryError("Only a file database can be backed up this way.")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source_path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
