"""Team mode in the app, first run and connect: the welcome screen's "Connect to my team's
library" signs in as a login on a real PostgreSQL and the window shows that person; later runs
reconnect by themselves with the password from the keyring; a wrong or changed password asks
again; without a keyring the password is kept in memory only and written to no file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import psycopg
import pytest
import shiboken6
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from enablement.team.accounts import Accounts
from enablement.team.connection import KEYRING_SERVICE, parse_server_url
from enablement.team.server import init_server
from tests.team.cluster import SUPERUSER_PASSWORD, Cluster, scram_cluster
from tests.team.server import TeamServer, team_server
from tests.ui.pages_support import click
from ui.app import Startup
from ui.dialogs.connect_dialog import ConnectDialog
from ui.dialogs.first_run import WelcomeDialog
from ui.launch import parse_args
from ui.window_state import WindowState

pytestmark = [pytest.mark.postgres, pytest.mark.ui]


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps passwords in this process (the real OS keyring is never touched)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.kept.pop((service, username), None) is None:
            raise PasswordDeleteError("not kept")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's folders in the test's own place (data, state, config)."""
    for key in ("DATA", "STATE", "CONFIG", "CACHE"):
        monkeypatch.setenv(f"XDG_{key}_HOME", str(tmp_path / "home" / key.lower()))
    monkeypatch.delenv("ENABLEMENT_LIBRARY", raising=False)
    for key in ("PGPASSWORD", "PGPASSFILE", "PGUSER", "PGHOST", "PGPORT"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "home" / "no-pgpass"))
    return tmp_path / "home"


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    import keyring

    before = keyring.get_keyring()
    kept = MemoryKeyring()
    keyring.set_keyring(kept)
    yield kept
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """The keyring package is not installed (``import keyring`` fails)."""
    monkeypatch.setitem(sys.modules, "keyring", None)
    monkeypatch.setitem(sys.modules, "keyring.errors", None)


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        yield srv


class Run:
    """One run of the app: a Startup over the test's window state, shut down afterwards."""

    def __init__(self, qapp, qtbot, state: WindowState, *argv: str) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.startup = Startup(qapp, parse_args(list(argv)), None, state)
        self.startup.start()

    def dialog(self, kind: type):  # type: ignore[no-untyped-def]
        """The dialog of ``kind`` once shown; a main window opening instead fails at once, saying
        why (a team library that opened from this computer's copy says what its link met)."""
        before = self.startup.window
        self.qtbot.waitUntil(lambda: self._showing(kind) or self.startup.window is not before, timeout=30_000)
        if not self._showing(kind):
            replica = getattr(self.startup.library, "replica", None)
            link = f"{replica.status}: {replica.failed}" if replica is not None else "no team link"
            pytest.fail(f"the main window opened instead of the {kind.__name__} ({link})")
        return self.startup.dialog

    def _showing(self, kind: type) -> bool:
        return isinstance(self.startup.dialog, kind) and self.startup.dialog.isVisible()

    def window(self):  # type: ignore[no-untyped-def]
        self.qtbot.waitUntil(lambda: self.startup.window is not None, timeout=30_000)
        return self.startup.window

    def close(self) -> None:
        if self.startup.window is not None:
            self.startup.window.close()
        self.startup.shutdown()


def fill(dialog: ConnectDialog, address: str, database: str, login: str, password: str, remember: bool) -> None:
    dialog.server.setText(address)
    dialog.database.setText(database)
    dialog.login.setText(login)
    dialog.password.setText(password)
    dialog.remember.setChecked(remember)


def wait_problem(qtbot, dialog: ConnectDialog) -> str:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not dialog.busy and bool(dialog.problem()), timeout=30_000)
    return dialog.problem()


def listening() -> list[str]:
    """The live listeners' threads of this process (each team window has one listener and one debounce)."""
    import threading

    return sorted(t.name for t in threading.enumerate() if t.name in ("enablement-listener", "enablement-debounce"))


def files_containing(folder: Path, secret: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


# --- the welcome screen and the local server ---------------------------------------------------

def test_first_run_connects_as_a_login_and_shows_that_person(qapp, qtbot, home, window_state, server,
                                                             memory_keyring) -> None:
    rep = server.add("Rosa Rep", "rosa", "rep")
    run = Run(qapp, qtbot, window_state)
    try:
        welcome = run.dialog(WelcomeDialog)
        assert set(welcome.buttons) == {"demo", "own", "team"}
        assert welcome.buttons["team"].text() == "Connect to my team's library"
        click(qtbot, welcome.buttons["team"])
        dialog = run.dialog(ConnectDialog)
        host = server.url(rep).split("@", 1)[1].split("/", 1)[0]
        fill(dialog, host.split(":")[0] + ":" + host.split(":")[1], server.dbname, rep, "typed-Password-1", True)
        click(qtbot, dialog.connect_button)
        window = run.window()
        assert window.app.actor.name == "Rosa Rep" and window.app.actor.role == "rep"
        assert window.app.team is not None and window.app.team.login == rep
        assert "Rosa Rep" in window.user_button.text()
        # nobody picks another name: the menu offers signing in as another login, no people
        names = [a.text() for a in window.user_button.menu_.actions()]
        assert "Sign in as another login…" in names and not any("Ada Admin" in n for n in names)
        assert window.windowTitle().endswith(f"on {host}/{server.dbname}")
        # remembered: the address in the settings (no password), the password in the keyring
        assert window_state.text(WindowState.LAST_SERVER) == f"postgresql://{rep}@{host}/{server.dbname}"
        assert memory_keyring.kept[(KEYRING_SERVICE, f"{rep}@{host}/{server.dbname}")] == "typed-Password-1"
    finally:
        run.close()
    window_state.sync()
    assert files_containing(home, "typed-Password-1") == []
    assert files_containing(Path(window_state.settings.fileName()).parent, "typed-Password-1") == []

    again = Run(qapp, qtbot, window_state)  # the next run signs in by itself
    try:
        window = again.window()
        assert window.app.actor.name == "Rosa Rep"
        assert not isinstance(again.startup.dialog, (WelcomeDialog, ConnectDialog))
        # "switch user" is signing in as another login: same server and database, another login
        next(a for a in window.user_button.menu_.actions() if a.objectName() == "signInAsAnother").trigger()
        dialog = again.dialog(ConnectDialog)
        assert dialog.windowTitle() == "Sign in as another login"
        assert dialog.database.text() == server.dbname and dialog.login.text() == ""
        dialog.login.setText(server.admin_login)
        click(qtbot, dialog.connect_button)
        qtbot.waitUntil(lambda: again.startup.window is not window, timeout=30_000)
        admin_window = again.window()
        assert admin_window.app.actor.name == "Ada Admin" and admin_window.app.team.login == server.admin_login
        qtbot.waitUntil(lambda: not shiboken6.isValid(window))  # the old login's window is gone
        assert window_state.text(WindowState.LAST_SERVER) == server.url(server.admin_login)
        # and so is its listener: only the new login's listens for the server's changes
        qtbot.waitUntil(lambda: listening() == ["enablement-debounce", "enablement-listener"], timeout=30_000)
    finally:
        again.close()
    assert listening() == []  # closing the app leaves no listener thread


def test_connect_says_clearly_what_is_wrong(qapp, qtbot, home, window_state, server, memory_keyring) -> None:
    run = Run(qapp, qtbot, window_state)
    try:
        click(qtbot, run.dialog(WelcomeDialog).buttons["team"])
        dialog = run.dialog(ConnectDialog)
        host = server.url(server.admin_login).split("@", 1)[1].split("/", 1)[0]
        fill(dialog, host, "", "someone", "", False)
        click(qtbot, dialog.connect_button)
        assert dialog.problem() == "Give the team library's database name."
        fill(dialog, host, server.dbname, f"nobody_{server.suffix}", "x", False)
        click(qtbot, dialog.connect_button)
        assert wait_problem(qtbot, dialog) == f"The team server at {host} has no login 'nobody_{server.suffix}'."
        fill(dialog, host, "postgres", server.admin_login, "x", False)  # a database that is not a team library
        click(qtbot, dialog.connect_button)
        assert "is not set up as a team library" in wait_problem(qtbot, dialog)
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as probe:
            probe.execute("SELECT 1")
        import socket

        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            closed_port = s.getsockname()[1]
        fill(dialog, f"127.0.0.1:{closed_port}", server.dbname, server.admin_login, "x", False)
        click(qtbot, dialog.connect_button)
        assert wait_problem(qtbot, dialog) == (f"Cannot reach the team server at 127.0.0.1:{closed_port} (connection "
                                               "refused). Check the server name and your network, then try again.")
        # going back leads to the welcome screen again
        dialog.reject()
        assert isinstance(run.dialog(WelcomeDialog), WelcomeDialog)
    finally:
        run.close()


@pytest.mark.parametrize("version, told", [
    ("9999", "was upgraded by a newer version of Enablement (schema 9999; this app knows {head}). Update Enablement "
             "on this computer."),
    ("0001", "was set up by an older version of Enablement (schema 0001; this app needs {head}). Ask the database "
             "administrator to upgrade it — it keeps every row and login: enablement server upgrade --url "
             "postgresql://DBA@{where}/{db}")])
def test_a_schema_the_app_does_not_know_is_named_with_what_to_do(qapp, qtbot, home, window_state, server,  # type: ignore[no-untyped-def]
                                                                memory_keyring, version: str, told: str) -> None:
    with psycopg.connect(server.dba_url, autocommit=True) as dba:
        head = dba.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        dba.execute("UPDATE alembic_version SET version_num = %s", (version,))
    where = server.url("x").split("@")[1].split("/")[0]
    try:
        run = Run(qapp, qtbot, window_state, "--server", server.url(server.admin_login))
        try:
            dialog = run.dialog(ConnectDialog)
            assert dialog.problem() == f"The team server at {where} " + told.format(head=head, where=where,
                                                                                     db=server.dbname)
            assert dialog.login.text() == server.admin_login
        finally:
            run.close()
    finally:
        with psycopg.connect(server.dba_url, autocommit=True) as dba:
            dba.execute("UPDATE alembic_version SET version_num = %s", (head,))


# --- passwords for real: a cluster that demands SCRAM ------------------------------------------

@pytest.fixture
def patient_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that finds this computer's copy gives the server as long as any connection instead
    of ``OPEN_TIMEOUT_S``. The throw-away cluster is a child of the tests (niced with them): on a
    loaded machine its answer, a refusal included, can come later than that, and the app then
    opens from the copy, as designed for a silent server (the last test here) but not what a
    test of the password's handling looks at."""
    from enablement.team import library

    monkeypatch.setattr(library, "OPEN_TIMEOUT_S", 20)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with scram_cluster() as c:
        with psycopg.connect(c.url("postgres"), password=SUPERUSER_PASSWORD, autocommit=True) as conn:
            conn.execute("CREATE DATABASE lib")
        os.environ["PGPASSWORD"] = SUPERUSER_PASSWORD  # the DBA's, for init and the logins only
        try:
            init_server(c.url("postgres", "lib"), "ada", "Ada Admin")
            Accounts(parse_server_url(c.url("postgres", "lib"))).add("Paula Rep", "paula", "rep", "Paula-Secret-77")
        finally:
            del os.environ["PGPASSWORD"]
        yield c


def test_a_wrong_password_asks_again_and_a_changed_one_too(qapp, qtbot, home, window_state, cluster,
                                                           memory_keyring, patient_start) -> None:
    run = Run(qapp, qtbot, window_state)
    try:
        click(qtbot, run.dialog(WelcomeDialog).buttons["team"])
        dialog = run.dialog(ConnectDialog)
        fill(dialog, f"127.0.0.1:{cluster.port}", "lib", "paula", "not-her-password", True)
        click(qtbot, dialog.connect_button)
        assert wait_problem(qtbot, dialog) == (f"The team server at 127.0.0.1:{cluster.port} refused the login "
                                               "'paula': wrong password (or no such login).")
        assert dialog.password.text() == "" and dialog.login.text() == "paula"
        assert memory_keyring.kept == {}
        dialog.password.setText("Paula-Secret-77")
        click(qtbot, dialog.connect_button)
        assert run.window().app.actor.name == "Paula Rep"
    finally:
        run.close()

    # the password kept in the keyring no longer works (changed on the server): the app asks again
    key = (KEYRING_SERVICE, f"paula@127.0.0.1:{cluster.port}/lib")
    assert memory_keyring.kept[key] == "Paula-Secret-77"
    memory_keyring.kept[key] = "an-old-password"
    again = Run(qapp, qtbot, window_state)
    try:
        dialog = again.dialog(ConnectDialog)
        assert "refused the login 'paula': wrong password" in dialog.problem()
        assert dialog.login.text() == "paula" and dialog.database.text() == "lib"
        dialog.password.setText("Paula-Secret-77")
        click(qtbot, dialog.connect_button)
        assert again.window().app.actor.name == "Paula Rep"
        assert memory_keyring.kept[key] == "Paula-Secret-77"
    finally:
        again.close()


def test_without_a_keyring_the_password_is_asked_and_written_nowhere(qapp, qtbot, home, window_state, cluster,
                                                                     no_keyring, patient_start) -> None:
    run = Run(qapp, qtbot, window_state, "--server", cluster.url("paula", "lib"))
    try:
        dialog = run.dialog(ConnectDialog)  # no keyring, no PGPASSWORD: asked, without an alarm
        assert dialog.problem() == "" and dialog.login.text() == "paula"
        dialog.password.setText("Paula-Secret-77")
        dialog.remember.setChecked(True)
        click(qtbot, dialog.connect_button)
        window = run.window()
        assert window.app.actor.name == "Paula Rep"
        assert window.app.team is not None and not window.app.team.remembered
        assert window.app.library.pieces is not None
    finally:
        run.close()
    window_state.sync()
    assert window_state.text(WindowState.LAST_SERVER) == cluster.url("paula", "lib")
    assert files_containing(home, "Paula-Secret-77") == []
    assert files_containing(Path(window_state.settings.fileName()).parent, "Paula-Secret-77") == []
    again = Run(qapp, qtbot, window_state)  # the next run asks again
    try:
        dialog = again.dialog(ConnectDialog)
        assert dialog.login.text() == "paula" and dialog.problem() == ""
    finally:
        again.close()


def test_a_server_that_never_answers_at_start_opens_the_window_from_this_computers_copy(
        qapp, qtbot, home, window_state, server, memory_keyring) -> None:
    import socket

    from tests.team.proxy import Proxy
    from tests.team.server import HOST

    pg_host, pg_port = HOST.split(":")
    rep = server.add("Bea Blackhole", "bea", "rep")
    with Proxy(pg_host, int(pg_port)) as proxy:
        url = server.url(rep).replace(HOST, f"127.0.0.1:{proxy.port}")
        first = Run(qapp, qtbot, window_state, "--server", url)  # online once: this computer gets its copy
        try:
            assert first.window().app.actor.name == "Bea Blackhole"
        finally:
            first.close()
        proxy.kill()
        hole = socket.socket()  # the same address now accepts and never says a word
        hole.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        hole.bind(("127.0.0.1", proxy.port))
        hole.listen(16)
        try:
            again = Run(qapp, qtbot, window_state)
            try:
                qtbot.waitUntil(lambda: again.startup.window is not None, timeout=5_000)  # from the copy, at once
                window = again.window()
                assert window.app.actor.name == "Bea Blackhole"
                assert not isinstance(again.startup.dialog, ConnectDialog)
                link = window.team_link
                qtbot.waitUntil(lambda: link.button.text().startswith("● Offline"), timeout=15_000)
            finally:
                again.close()
        finally:
            hole.close()
