"""Pieces with real files published on a throw-away team server, for the file-cache tests."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from enablement.models.dto import Actor
from enablement.services.library import Library
from enablement.team.library import open_team_library
from tests.conftest import make_ready, settings_for_tests
from tests.team.server import TeamServer, team_server

Published = dict[str, tuple[int, bytes]]  # name → (piece id, the file's bytes)


@contextmanager
def desk(srv: TeamServer, folder: Path, login: str = "Maya Marketing") -> Iterator[tuple[Library, Actor]]:
    """``login``'s team library in a folder of their own (no search index), closed afterwards."""
    lib, actor = open_team_library(srv.url(srv.logins[login]), folder, settings=settings_for_tests(),
                                   with_index=False)
    try:
        yield lib, actor
    finally:
        lib.close()


def publish_link(lib: Library, who: Actor, url: str, title: str) -> int:
    """Add a link piece, give it what publishing requires and publish it; its id."""
    pid = lib.importer.add_link(who, url, title).value
    lib.pieces.publish(who, make_ready(lib, who, pid))
    return pid


def publish_files(srv: TeamServer, folder: Path, sources: dict[str, Path],
                  marketing: str = "Maya Marketing") -> dict[str, tuple[int, bytes]]:
    """Import and publish each file as ``marketing`` (from a desk folder of their own);
    returns name → (piece id, the file's bytes)."""
    pieces: dict[str, tuple[int, bytes]] = {}
    with desk(srv, folder, marketing) as (lib, maya):
        for name, path in sources.items():
            pid = lib.importer.import_paths(maya, [path]).value.piece_ids[0]
            lib.pieces.publish(maya, make_ready(lib, maya, pid))
            pieces[name] = (pid, path.read_bytes())
    return pieces


@contextmanager
def team_with_files(folder: Path, sources: dict[str, Path],
                    reps: Sequence[tuple[str, str]] = (("Rita Rep", "rita"),)) -> Iterator[tuple[TeamServer, Published]]:
    """A throw-away team server with Maya Marketing, the given reps (name, short login) and
    ``sources`` imported and published by Maya from a desk folder under ``folder``."""
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        for name, login in reps:
            srv.add(name, login, "rep")
        yield srv, publish_files(srv, folder / "desk", sources)
