"""Pieces with real files published on a throw-away team server, for the file-cache tests."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from enablement.team.library import open_team_library
from tests.conftest import make_ready, settings_for_tests
from tests.team.server import TeamServer, team_server

Published = dict[str, tuple[int, bytes]]  # name → (piece id, the file's bytes)


def publish_files(srv: TeamServer, desk: Path, sources: dict[str, Path],
                  marketing: str = "Maya Marketing") -> dict[str, tuple[int, bytes]]:
    """Import and publish each file as ``marketing`` (from a desk folder of their own);
    returns name → (piece id, the file's bytes)."""
    lib, maya = open_team_library(srv.url(srv.logins[marketing]), desk, settings=settings_for_tests(),
                                  with_index=False)
    pieces: dict[str, tuple[int, bytes]] = {}
    try:
        for name, path in sources.items():
            pid = lib.importer.import_paths(maya, [path]).value.piece_ids[0]
            lib.pieces.publish(maya, make_ready(lib, maya, pid))
            pieces[name] = (pid, path.read_bytes())
    finally:
        lib.close()
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
