"""Render the team screens against a throw-away team library on a local PostgreSQL:

    python -m ui.screenshots OUTDIR --team [--pg postgresql://postgres@127.0.0.1:5432/postgres]

The demo library is published to a new database (``team publish``, the same code as the
command line), the app signs in as its people, and the screens are saved as ``team-*.png``
(connect, online, users, offline, sync problems, publish, and an edit refused because another
person changed the piece meanwhile).
The database and every role made for it are dropped afterwards. Needs a PostgreSQL role that
may create databases and roles (the DBA's).
"""

from __future__ import annotations

import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from PySide6.QtCore import QSettings

if TYPE_CHECKING:
    from .window_state import WindowState

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def throwaway_database(pg_url: str) -> Iterator[tuple[str, str]]:
    """(URL of a new empty database, the suffix every role made for it carries); dropped after."""
    import psycopg

    suffix = uuid.uuid4().hex[:8]
    name = f"enablement_shots_{suffix}"
    base = pg_url.rsplit("/", 1)[0]
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}", suffix
    finally:
        # The harness cleans up as the DBA would by hand: the database, then its roles.
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            roles = conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s ORDER BY rolname LIKE "
                                 "'%%\\_owner', rolcanlogin DESC", (f"%{suffix}%",)).fetchall()
            for (role,) in roles:
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def render_team(out: Path, pg_url: str = DEFAULT_PG) -> int:
    from enablement.services.demo import create_demo_library
    from enablement.team.publish import publish_library
    from enablement.team.signin import login_context, sign_in
    from .app import connect_for_the_app
    from .pages.users_page import UsersPage
    from .context import AppContext
    from .dialogs.connect_dialog import ConnectDialog
    from .main_window import MainWindow
    from .screenshots import SIZE, grab, settle
    from .tasks import SyncTaskRunner
    from .window_state import WindowState

    work = Path(tempfile.mkdtemp(prefix="enablement-team-shots-"))
    demo = create_demo_library(work / "demo")
    from enablement.models.vocab import Role

    marketers = [u.name for u in demo.users.list() if u.role == Role.MARKETING]  # who signs in for the shot
    managers = [u.name for u in demo.users.list() if u.role == Role.MANAGER]
    demo.close()
    with throwaway_database(pg_url) as (url, suffix):
        report = publish_library(work / "demo", url, prefix=f"shots{suffix}", login_suffix=f"_{suffix}")
        login = {name: person_login for name, person_login, _password in report.logins}
        host = url.split("@", 1)[1].rsplit("/", 1)[0]
        database = url.rsplit("/", 1)[1]

        def team_url(name: str) -> str:
            return f"postgresql://{login[name]}@{host}/{database}"

        runner = SyncTaskRunner()
        from .dialogs.publish_dialog import PublishDialog

        publishing = PublishDialog(runner, work / "demo")  # the report of the publish above, as shown
        publishing.server.setText(host)
        publishing.database.setText(database)
        publishing.login.setText("postgres")
        publishing.show()
        publishing._done(report)
        grab(publishing, out / "team-07-publish.png")
        publishing.close()

        dialog = ConnectDialog(runner, connect_for_the_app)
        dialog.server.setText(host)
        dialog.database.setText(database)
        dialog.login.setText(login["Sam Rivera"])
        dialog.password.setText("a-password")
        dialog.show()
        grab(dialog, out / "team-01-connect.png")
        dialog.login.setText("sam")  # a login the server does not have: the server's answer, as shown
        dialog.try_connect()
        grab(dialog, out / "team-02-connect-refused.png")
        dialog.close()

        state = WindowState(QSettings(str(work / "window.ini"), QSettings.Format.IniFormat))
        for name, page, shot in (("Sam Rivera", "Library", "team-03-rep-online.png"),
                                 ("Avery Admin", "Users", "team-04-users.png")):
            library, actor, team = sign_in(team_url(name), root=work / name.split()[0].lower())
            app = AppContext(login_context(library, actor, team), runner, library.taxonomy.get(), team=team)
            window = MainWindow(app, None, state)
            window.resize(*SIZE)
            window.show()
            window.show_page(page)
            settle(300)
            if page == "Users":
                users = window.page("Users")
                if isinstance(users, UsersPage):
                    users.select(login["Sam Rivera"])
            grab(window, out / shot)
            window.close()
            library.close()
        render_offline(out, work, state, team_url("Sam Rivera"), host)
        render_conflict(out, work, state, team_url(marketers[0]), team_url("Avery Admin"))
        render_reports_offline(out, work, state, team_url(managers[0]), host)
    return 0


@contextmanager
def window_through_proxy(work: Path, state: "WindowState", url: str, host: str,
                         folder: str) -> Iterator[tuple]:
    """(proxy, library, actor, window): a person's window on their own laptop copy, talking to
    the server through a real TCP proxy the scene can kill; closed afterwards."""
    from enablement.team.signin import login_context, sign_in
    from tests.team.proxy import Proxy  # a checkout's test helper: the screenshots run from one
    from .context import AppContext
    from .main_window import MainWindow
    from .screenshots import SIZE
    from .tasks import SyncTaskRunner

    pg_host, pg_port = host.split(":")
    with Proxy(pg_host, int(pg_port)) as proxy:
        library, actor, team = sign_in(url.replace(host, f"127.0.0.1:{proxy.port}"), root=work / folder)
        try:
            window = MainWindow(AppContext(login_context(library, actor, team), SyncTaskRunner(),
                                           library.taxonomy.get(), team=team), None, state)
            window.resize(*SIZE)
            window.show()
            yield proxy, library, actor, window
            window.close()
        finally:
            library.close()


def render_reports_offline(out: Path, work: Path, state: "WindowState", url: str, host: str) -> None:
    """A manager looks at the reports, then the server goes (a real TCP proxy, killed): the
    Reports page shows the copy kept, read-only, and says as of when."""
    from .screenshots import grab, settle

    with window_through_proxy(work, state, url, host, "manager-laptop") as (proxy, _library, _actor, window):
        window.show_page("Reports")  # computed on the server, and kept
        settle(300)
        window.show_page("Library")
        link = window.team_link
        assert link is not None
        proxy.kill()
        link.refresh()
        link.refresh()
        window.show_page("Reports")
        settle(300)
        grab(window, out / "team-10-reports-offline.png")


def render_offline(out: Path, work: Path, state: "WindowState", url: str, host: str) -> None:
    """Sam's laptop loses the server (a real TCP proxy between them, killed) with three uses
    logged; then a use dated a day ahead is refused by the server: a sync problem."""
    from datetime import datetime, timedelta, timezone

    from enablement.models.dto import UseRecord
    from . import flows
    from .screenshots import grab, settle

    with window_through_proxy(work, state, url, host, "sam-laptop") as (proxy, library, actor, window):
        link = window.team_link
        assert link is not None
        proxy.kill()
        piece = library.pieces.list()[0].id
        for kind in ("used_in_call", "sent", "opened"):
            library.usage.record(actor, UseRecord(kind=kind, piece_id=piece))
        link.refresh()  # the outbox waits: the link tries, finds the server gone, says so
        link.refresh()
        settle(300)
        grab(window, out / "team-05-offline.png")
        # a piece whose file is not on this laptop: the preview says so and offers to keep it;
        # what needs the server (kits) waits, logging a use and asking for an update work

        def not_here(piece_id: int) -> bool:
            d = library.pieces.get(piece_id)
            sha = next((v.blob_sha256 for v in d.versions if v.id == d.current_version_id), None)
            return bool(sha) and not library.ctx.blobs.exists(sha or "")

        pdf = next(p for p in library.pieces.list() if p.file_type == "pdf" and not_here(p.id))
        detail = flows.open_piece(window, window.app, pdf.id)
        detail.resize(1100, 700)
        settle(300)
        grab(detail, out / "team-09-offline-piece.png")
        detail.close()
        proxy.start()
        library.usage.record(actor, UseRecord(kind="used_in_call", piece_id=piece,
                                              occurred_at=datetime.now(timezone.utc) + timedelta(days=1)))
        link.sync_now()
        link.show_problems()
        settle(300)
        if link.dialog is not None:
            grab(link.dialog, out / "team-06-sync-problems.png")
            link.dialog.close()


def render_conflict(out: Path, work: Path, state: "WindowState", editor_url: str, other_url: str) -> None:
    """A marketer edits a piece in its window while another person saves a change to it on
    their own computer: the save is refused with who and when, and the piece reloads."""
    from enablement.models.vocab import Status
    from enablement.team.signin import login_context, sign_in
    from . import flows
    from .context import AppContext
    from .main_window import MainWindow
    from .screenshots import SIZE, grab, settle
    from .tasks import SyncTaskRunner

    library, actor, team = sign_in(editor_url, root=work / "marketing-desk")
    other, other_actor, _team = sign_in(other_url, root=work / "other-desk")
    try:
        app = AppContext(login_context(library, actor, team), SyncTaskRunner(), library.taxonomy.get(), team=team)
        window = MainWindow(app, None, state)
        window.resize(*SIZE)
        window.show()
        piece = next(p for p in library.pieces.list() if p.status == Status.PUBLISHED and p.kind == "file")
        detail = flows.open_piece(window, app, piece.id)
        settle(300)
        editor = detail.editor
        assert editor is not None
        detail.tabs.setCurrentWidget(editor)
        other.pieces.update(other_actor, piece.id, title=f"{piece.title} (2027 prices)")  # saved first, elsewhere
        editor.title.setText(f"{piece.title} — EMEA edition")
        editor.owner.setText(actor.name)
        editor.save_button.click()
        settle(300)
        grab(detail, out / "team-08-conflict.png")
        detail.close()
        window.close()
    finally:
        other.close()
        library.close()
