"""``check`` and ``backup`` against a team server: check covers what the login may see, the
file bytes on the server and the copies cached on this machine; backup says where a team
library is backed up instead of failing obscurely."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.cli import main
from enablement.errors import InvalidInput
from enablement.team.library import open_team_library
from tests.conftest import make_ready, settings_for_tests
from tests.filemaker_docs import make_pdf
from tests.team.server import TeamServer, team_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        srv.add("Rita Rep", "rita", "rep")
        yield srv


def open_as(srv: TeamServer, name: str, folder: Path):  # type: ignore[no-untyped-def]
    return open_team_library(srv.url(srv.logins[name]), folder, settings=settings_for_tests(), with_index=False)


def test_check_and_backup_on_a_team_server(server: TeamServer, tmp_path: Path, capsys, monkeypatch) -> None:
    mk, maya = open_as(server, "Maya Marketing", tmp_path / "desk")
    try:
        docs = [make_pdf(tmp_path / f"sheet{n}.pdf", [f"Datasheet number {n}"]) for n in range(2)]
        ids = mk.importer.import_paths(maya, docs).value.piece_ids
        mk.pieces.publish(maya, make_ready(mk, maya, ids[0]))  # the other stays a draft: a rep does not see it
        with pytest.raises(InvalidInput, match="its DBA backs up the database there"):
            mk.maintenance.backup(tmp_path / "backup.zip")
        assert not (tmp_path / "backup.zip").exists()
    finally:
        mk.close()
    lib, rita = open_as(server, "Rita Rep", tmp_path / "laptop")
    try:
        # nothing cached on this laptop yet: that is not a problem, the server holds the files
        report = lib.maintenance.check()
        assert report.ok, report.problems
        assert report.facts["team_server"] and report.facts["pieces"] == 1 and report.facts["blobs"] == 1
        assert report.facts["cached_files"] == 0
        path, _, _ = lib.pieces.version_file(ids[0])  # fetched into the cache
        assert lib.maintenance.check().facts["cached_files"] == 1
        Path(path).write_bytes(Path(path).read_bytes()[:-10] + b"0123456789")  # the cached copy goes bad
        assert [p.detail for p in lib.maintenance.check().problems] == [
            f"the copy of file {Path(path).name[:12]}… cached in {lib.ctx.blobs.root} is damaged: "
            "delete it and it is fetched again"]
        Path(path).unlink()
        # bytes lost on the server (a DBA's mistake): said, for the files this login may see
        with psycopg.connect(server.dba_url) as dba:
            dba.execute("DELETE FROM app.blob_chunks WHERE sha256 = %s", (Path(path).name,))
        assert [p.detail for p in lib.maintenance.check().problems] == [
            f"file {Path(path).name[:12]}… has no bytes on the team server"]
    finally:
        lib.close()
    # the command line says what was checked, as whom
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code = main(["--server", server.url(server.logins["Maya Marketing"]), "check"])
    out = capsys.readouterr().out
    assert code == 1
    assert "Team server, as Maya Marketing (marketing): the 2 pieces and 2 files you may see" in out
    assert "has no bytes on the team server" in out
    code = main(["--server", server.url(server.logins["Maya Marketing"]), "backup", str(tmp_path / "b.zip")])
    assert code != 0 and "its DBA backs up the database there" in capsys.readouterr().err
