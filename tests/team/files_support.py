"""Pieces with real files published on a throw-away team server, for the file-cache tests."""

from __future__ import annotations

from pathlib import Path

from enablement.team.library import open_team_library
from tests.conftest import make_ready, settings_for_tests
from tests.team.server import TeamServer


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
