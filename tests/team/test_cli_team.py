"""The ``server`` and ``team`` command groups and ``--server`` on ordinary commands: people
added from the command line, the person taken from the login, refusals as one line."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.cli import main
from tests.filemaker_docs import make_pdf
from tests.team.server import TeamServer, team_server

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        yield srv


@pytest.fixture
def cli(tmp_path: Path, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ENABLEMENT_SERVER", raising=False)

    def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_people_are_added_and_changed_from_the_command_line(server: TeamServer, cli) -> None:  # type: ignore[no-untyped-def]
    rita, maya = server.login_name("rita"), server.login_name("maya")
    code, out, err = cli("server", "add-user", "Rita Rep", "--login", rita, "--role", "rep", "--url", server.dba_url)
    assert code == 0, err
    assert f"One-time password for '{rita}': " in out
    password = out.split(f"One-time password for '{rita}': ")[1].split()[0]
    assert len(password) == 20
    code, out, err = cli("server", "add-user", "Maya Marketing", "--login", maya, "--role", "marketing",
                         "--password-stdin", "--url", server.url(server.admin_login), stdin="a-chosen-Password-1\n")
    assert code == 0, err
    assert "One-time password" not in out and "a-chosen-Password-1" not in out
    assert cli("server", "set-role", rita, "manager", "--url", server.dba_url)[0] == 0
    code, out, _ = cli("--server", server.url(rita), "team", "whoami")
    assert code == 0 and out.startswith("Rita Rep (manager) as "), _
    assert cli("server", "set-role", rita, "rep", "--url", server.dba_url)[0] == 0
    code, out, _ = cli("server", "users", "--url", server.dba_url)
    assert code == 0 and rita in out and maya in out
    # a rep cannot manage people, and the answer is one line
    code, _, err = cli("server", "add-user", "Sneaky", "--login", server.login_name("sneaky"), "--role", "admin",
                       "--url", server.url(rita))
    assert code == 1
    assert err.splitlines() == [f"enablement: '{rita}' may not manage users of this library (only an admin or the "
                                "DBA may)."]
    code, _, err = cli("server", "reset-password", "postgres", "--url", server.url(server.admin_login))
    assert code == 1 and err.splitlines() == ["enablement: No login postgres in this library."]
    assert cli("server", "disable-user", rita, "--url", server.dba_url)[0] == 0
    code, _, err = cli("--server", server.url(rita), "list")
    assert code == 1 and "disabled" in err and len(err.splitlines()) == 1
    assert cli("server", "enable-user", rita, "--url", server.dba_url)[0] == 0
    with psycopg.connect(server.dba_url) as dba:
        assert dba.execute("SELECT active FROM users WHERE login = %s", (rita,)).fetchone()[0] is True


def test_commands_on_the_server_act_as_the_login(server: TeamServer, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rep = server.add("Rene Rep", "rene", "rep")
    mk = server.add("Mia Marketing", "mia", "marketing")
    (tmp_path / "docs").mkdir()
    make_pdf(tmp_path / "docs" / "battlecard.pdf", ["Competitor battlecard for the evaluation stage"],
             title="Battlecard")
    code, out, err = cli("--server", server.url(mk), "--library", str(tmp_path / "mia"), "import",
                         str(tmp_path / "docs"), "--json")
    assert code == 0, err
    with psycopg.connect(server.dba_url) as dba:
        pid = dba.execute("SELECT id FROM pieces WHERE title = 'Battlecard'").fetchone()[0]
    assert cli("--server", server.url(mk), "--library", str(tmp_path / "mia"), "tag", str(pid), "--gate",
               "security-ok", "--owner", "Mia", "--review-by", "2030-01-01")[0] == 0
    assert cli("--server", server.url(mk), "--library", str(tmp_path / "mia"), "publish", str(pid))[0] == 0
    code, out, err = cli("--server", server.url(rep), "--library", str(tmp_path / "rene"), "search", "battlecard")
    assert code == 0 and "Battlecard" in out, err
    # the person is the login: --user is not a way to be someone else
    code, _, err = cli("--server", server.url(rep), "--user", "Ada Admin", "archive", str(pid))
    assert code == 1 and err.splitlines() == [
        "enablement: On a team server you act as your login; --user does not apply."]
    code, _, err = cli("--server", server.url(rep), "--library", str(tmp_path / "rene"), "archive", str(pid))
    assert code == 1 and err.splitlines() == ["enablement: Rene Rep (rep) may not edit pieces."]
    code, _, err = cli("--server", server.url(rep), "--library", str(tmp_path / "rene"), "report", "adoption")
    assert code == 1 and len(err.splitlines()) == 1 and "(rep) may not view reports" in err


def test_server_prune_forgets_old_changes_and_a_laptop_behind_them_takes_a_full_copy(  # type: ignore[no-untyped-def]
        server: TeamServer, cli, tmp_path: Path) -> None:
    from enablement.team.library import open_team_library
    from tests.conftest import make_ready, settings_for_tests

    maya, rosa = server.add("Maya Prune", "mayap", "marketing"), server.add("Rosa Prune", "rosap", "rep")
    desk, maya_actor = open_team_library(server.url(maya), tmp_path / "desk", settings=settings_for_tests(),
                                         with_index=False)
    try:
        first = desk.importer.add_link(maya_actor, "https://example.com/n1", "Narwhal pricing").value
        desk.pieces.publish(maya_actor, make_ready(desk, maya_actor, first))
        laptop = ("--server", server.url(rosa), "--library", str(tmp_path / "laptop"))
        code, out, err = cli(*laptop, "sync")  # the laptop has a copy, then falls behind
        assert code == 0 and "Received changes" in out, err
        second = desk.importer.add_link(maya_actor, "https://example.com/n2", "Narwhal renewal plays").value
        desk.pieces.publish(maya_actor, make_ready(desk, maya_actor, second))
    finally:
        desk.close()
    # a login that is not the DBA may not; the answer is one line
    code, _, err = cli("server", "prune", "--keep-days", "0", "--url", server.url(rosa))
    assert code == 1 and len(err.splitlines()) == 1 and "may not prune the change log" in err
    code, out, err = cli("server", "prune", "--keep-days", "0", "--url", server.dba_url)
    assert code == 0, err
    assert out.startswith("Pruned the change log: forgot ") and "take a full copy at their next sync" in out
    with psycopg.connect(server.dba_url) as dba:
        rows = dba.execute("SELECT entity FROM app.change_log").fetchall()
    assert rows == [("pruned",)]
    code, out, err = cli(*laptop, "sync")
    assert code == 0 and "Received full copy: " in out, (out, err)
    code, out, _ = cli(*laptop, "search", "narwhal")
    assert code == 0 and "Narwhal renewal plays" in out and "Narwhal pricing" in out
    code, out, err = cli(*laptop, "sync")  # caught up: changes only from now on
    assert code == 0 and "Received changes" in out, err
    code, out, err = cli("server", "prune", "--url", server.dba_url)
    assert code == 0 and out.startswith("Nothing to prune: the change log holds no change older than 90 days"), err


def test_a_server_left_at_an_older_schema_says_what_to_run_and_upgrade_brings_it_up(  # type: ignore[no-untyped-def]
        cli, tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine, text

    from enablement.errors import LibraryError
    from enablement.storage.migrate import SCHEMA_HEAD, alembic_config
    from enablement.team.library import open_team_library
    from tests.conftest import settings_for_tests

    with team_server() as srv:
        maya = srv.add("Maya Marketing", "maya_upgrade", "marketing")
        # the server as the previous version left it: one migration behind this app
        engine = create_engine(srv.dba_url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            with engine.begin() as conn:
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                command.downgrade(cfg, "0009")
                assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0009"
        finally:
            engine.dispose()
        told = (f"set up by an older version of Enablement (schema 0009; this app needs {SCHEMA_HEAD}). Ask the "
                "database administrator to upgrade it — it keeps every row and login: enablement server upgrade "
                f"--url postgresql://DBA@{srv.url(maya).split('@', 1)[1]}")
        with pytest.raises(LibraryError) as app_open:
            open_team_library(srv.url(maya), tmp_path / "laptop", settings=settings_for_tests(), with_index=False)
        assert told in str(app_open.value)
        code, out, err = cli("--server", srv.url(maya), "--library", str(tmp_path / "cli"), "status")
        assert code != 0 and told in err

        code, out, err = cli("server", "upgrade", "--url", srv.dba_url)
        assert code == 0, err
        assert out.strip() == (f"Upgraded the team library in '{srv.dbname}' from schema 0009 to {SCHEMA_HEAD}. "
                               "Laptops bring their copies up to date at their next sync.")
        lib, maya_actor = open_team_library(srv.url(maya), tmp_path / "laptop", settings=settings_for_tests(),
                                            with_index=False)
        try:  # the upgraded server takes this version's edits, its triggers naming the login
            gate = lib.taxonomy.get().stages[0].gates[0]
            lib.taxonomy.edit_gate(maya_actor, gate.id, exit_criteria="Agreed", seen=gate.row_version)
            with psycopg.connect(srv.dba_url) as dba:
                assert dba.execute("SELECT u.name FROM gates g JOIN users u ON u.id = g.updated_by_id "
                                   "WHERE g.id = %s", (gate.id,)).fetchone() == ("Maya Marketing",)
        finally:
            lib.close()
        code, out, err = cli("server", "upgrade", "--url", srv.dba_url)  # again: harmless
        assert code == 0 and "already at schema" in out
