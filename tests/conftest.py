"""Shared fixtures for the core tests: a fresh library with one user per role."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

# Qt must never need a display in tests; set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from enablement.config import ImportLimits, Settings  # noqa: E402
from enablement.models.dto import Actor  # noqa: E402
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
