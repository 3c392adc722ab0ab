"""The Users page of a team library, as its admin on the real PostgreSQL: add a person with a
role and a password, change the role, disable and enable, reset the password; each checked by
signing in as that login. Only an admin of a team library sees the page."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from enablement.team.connection import LoginFailed
from enablement.team.signin import login_context, sign_in
from tests.team.server import TeamServer, team_server
from tests.ui.pages_support import click
from ui.context import AppContext
from ui.dialogs.person_dialog import AddPersonDialog, RoleDialog
from ui.pages.users_page import UsersPage
from ui.tasks import SyncTaskRunner

pytestmark = [pytest.mark.postgres, pytest.mark.ui]


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        yield srv


@pytest.fixture
def signed_in(qapp, server: TeamServer, tmp_path: Path):
    """An AppContext signed in as a login of the server (closed afterwards)."""
    opened = []

    def make(login: str) -> AppContext:
        library, actor, team = sign_in(server.url(login), root=tmp_path / login, with_index=False)
        opened.append(library)
        return AppContext(login_context(library, actor, team), SyncTaskRunner(), library.taxonomy.get(), team=team)

    yield make
    for library in opened:
        library.close()


def person_as(server: TeamServer, login: str, tmp_path: Path) -> tuple[str, str]:
    """(name, role) of whoever the login is, by signing in as it."""
    library, actor, _ = sign_in(server.url(login), root=tmp_path / f"check-{login}", with_index=False)
    library.close()
    return actor.name, actor.role


def verifier_of(server: TeamServer, login: str) -> str:
    """What the server keeps of the login's password."""
    with psycopg.connect(server.dba_url) as dba:
        row = dba.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (login,)).fetchone()
    assert row is not None
    return str(row[0])


def row_of(page: UsersPage, login: str) -> tuple[str, str, str, str]:
    row = page.model.row_of(login)
    assert row >= 0, login
    name, login_, role, status = (str(page.model.index(row, c).data()) for c in range(4))
    return name, login_, role, status


def test_an_admin_adds_changes_disables_and_resets_people(qtbot, open_page, signed_in, server: TeamServer,
                                                          tmp_path: Path, qtmodeltester) -> None:
    app = signed_in(server.admin_login)
    page = open_page(UsersPage, app)
    qtmodeltester.check(page.model)
    assert row_of(page, server.admin_login) == ("Ada Admin", server.admin_login, "Admin", "Enabled")

    # add a person with a role and a password of the admin's choosing
    click(qtbot, page.add_button)
    dialog = page.dialog
    assert isinstance(dialog, AddPersonDialog)
    login = server.login_name("nina")
    dialog.name.setText("Nina New")
    dialog.login.setText(login)
    dialog.role.setCurrentIndex(dialog.role.findData("marketing"))
    dialog.password.setText("Nina-Chosen-1")
    click(qtbot, dialog.ok_button)
    assert row_of(page, login) == ("Nina New", login, "Marketing", "Enabled")
    assert page.selected() is not None and page.selected().login == login
    assert person_as(server, login, tmp_path) == ("Nina New", "marketing")

    # the same login again: the server's refusal, in the dialog, which stays open
    click(qtbot, page.add_button)
    again = page.dialog
    again.name.setText("Nina Again")
    again.login.setText(login)
    click(qtbot, again.ok_button)
    assert again.isVisible() and again.problem.isVisible()
    assert login in again.problem.text()
    again.login.setText("Not A Login")
    click(qtbot, again.ok_button)
    assert "is not a usable login" in again.problem.text()
    again.reject()

    # change the role
    page.select(login)
    click(qtbot, page.role_button)
    role_dialog = page.dialog
    assert isinstance(role_dialog, RoleDialog)
    role_dialog.role.setCurrentIndex(role_dialog.role.findData("manager"))
    click(qtbot, role_dialog.ok_button)
    assert row_of(page, login)[2] == "Manager"
    assert person_as(server, login, tmp_path) == ("Nina New", "manager")

    # disable (asked first), then enable
    page.select(login)
    assert page.active_button.text() == "Disable"
    click(qtbot, page.active_button)
    page.dialog.ok_button.click()
    assert row_of(page, login)[3] == "Disabled"
    with pytest.raises(LoginFailed, match="disabled"):
        person_as(server, login, tmp_path)
    page.select(login)
    assert page.active_button.text() == "Enable"
    click(qtbot, page.active_button)
    assert row_of(page, login)[3] == "Enabled"
    assert person_as(server, login, tmp_path) == ("Nina New", "manager")

    # reset the password: a one-time password, shown once; the server keeps only a SCRAM verifier
    before = verifier_of(server, login)
    page.select(login)
    click(qtbot, page.reset_button)
    page.dialog.ok_button.click()
    shown = page.dialog
    assert shown.objectName() == "oneTimePassword"
    password = shown.text().split("large'>")[1].split("<")[0]
    assert len(password) == 20 and password not in ("Nina-Chosen-1",)
    after = verifier_of(server, login)
    assert after != before and after.startswith("SCRAM-SHA-256$")
    assert password not in after
    shown.close()


def test_only_an_admin_of_a_team_library_sees_the_page(qtbot, make_window, signed_in, server: TeamServer) -> None:
    admin = make_window(signed_in(server.admin_login))
    assert not admin.nav.isRowHidden(next(r for r, (p, _x) in enumerate(admin.pages) if p.title == "Users"))
    rep_login = server.add("Remy Rep", "remy", "rep")
    rep = make_window(signed_in(rep_login))
    users_row = next(r for r, (p, _x) in enumerate(rep.pages) if p.title == "Users")
    assert rep.nav.isRowHidden(users_row)
    assert not rep.pages[users_row][0].can_load()


def test_a_library_of_this_computer_has_no_users_page(make_window, make_app_ctx) -> None:
    window = make_window(make_app_ctx("admin"))
    assert "Users" not in [p.title for p, _x in window.pages]
