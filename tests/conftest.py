"""Shared fixtures for the core tests: a fresh library with one user per role."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

import pytest

# Qt must never need a display in tests; set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No office renderer unless a test asks for one (tests/office.py): drawing a Word or
# PowerPoint file takes LibreOffice seconds, and most tests are about something else.
os.environ["ENABLEMENT_OFFICE"] = "none"

from enablement.config import ImportLimits, Settings  # noqa: E402
from enablement.models.dto import Actor, TagSelection  # noqa: E402
from enablement.services.library import Library  # noqa: E402


def settings_for_tests(**limits: object) -> Settings:
    """Settings for tests: two extraction workers and short time limits."""
    return Settings(workers=2, limits=ImportLimits(timeout_seconds=20, **limits))  # type: ignore[arg-type]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = Library.open(tmp_path / "library", settings=settings_for_tests())
    lib.users.create(None, "Ada Admin", "admin")
    admin = lib.users.default_actor()
    lib.users.create(admin, "Maya Marketing", "marketing")
    lib.users.create(admin, "Morgan Manager", "manager")
    lib.users.create(admin, "Rita Rep", "rep")
    lib.users.create(admin, "Ravi Rep", "rep")
    yield lib
    lib.close()


@pytest.fixture
def actors(library: Library) -> dict[str, Actor]:
    return {"admin": library.users.actor("Ada Admin"), "marketing": library.users.actor("Maya Marketing"),
            "manager": library.users.actor("Morgan Manager"), "rep": library.users.actor("Rita Rep"),
            "rep2": library.users.actor("Ravi Rep")}


def make_ready(lib: Library, who: Actor, piece_id: int, *, owner: str = "Maya Marketing",
               review_by: date | None = None) -> int:
    """Give a piece what a library requires by default before it is published and it lacks: a
    gate (the first one, and with it its stage), an owner and a review date a period ahead.
    Returns ``piece_id``."""
    piece = lib.pieces.get(piece_id).summary
    if not piece.ids("gate"):
        first = next(g for s in lib.ctx.taxonomy().stages if not s.retired for g in s.gates if not g.retired)
        lib.pieces.set_tags(who, piece_id, TagSelection(gates=[*piece.ids("gate"), first.id]))
    lib.pieces.update(who, piece_id, owner=piece.owner or owner,
                      review_by=piece.review_by or review_by
                      or lib.ctx.today() + timedelta(days=lib.ctx.settings.review_period_days))
    return piece_id


@pytest.fixture
def cli(tmp_path: Path, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    """Run the command line in-process on a fresh library whose admin is Ada: (exit, stdout, stderr)."""
    from enablement.cli import main

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    root = tmp_path / "lib"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--library", str(root), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    assert run("init", "--admin", "Ada")[0] == 0
    return run
