"""Make a library at the first schema revision, for the smoke test's upgrade step.

    python packaging/old_library.py DIR

Runs with the project installed (a checkout's venv or a build machine's): it creates a
library with one admin, one link and one imported note, then takes its database down to
the first Alembic revision. The installed app under test must upgrade it on open.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from enablement.services.library import Library
from enablement.storage.engine import make_engine
from enablement.storage.migrate import alembic_config, current_revision


def make_old_library(root: Path) -> str:
    """Create the library at ``root``; returns the revision it was left at."""
    root.parent.mkdir(parents=True, exist_ok=True)
    note = root.parent / "old-library-note.txt"
    note.write_text("Security review notes kept from the first release.", encoding="utf-8")
    with Library.open(root) as lib:
        lib.users.create(None, "Avery Admin", "admin")
        actor = lib.users.default_actor()
        lib.importer.add_link(actor, "https://example.com/tour", "Product tour")
        lib.importer.import_paths(actor, [note])
    cfg = alembic_config()
    first = ScriptDirectory.from_config(cfg).get_base()
    engine = make_engine(f"sqlite:///{root / 'library.db'}")
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, first)
        return str(current_revision(engine))
    finally:
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 2 or Path(sys.argv[1]).exists():
        sys.exit("usage: python packaging/old_library.py NEW-FOLDER")
    print(f"{sys.argv[1]}: schema {make_old_library(Path(sys.argv[1]))}")
