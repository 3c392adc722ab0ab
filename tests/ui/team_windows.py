"""Team windows for pytest-qt tests: real MainWindows, each signed in as a login of the
module's ``server`` (a fixture the test module defines) on its own laptop copy, all talking to
PostgreSQL through one real TCP proxy the test can kill and start again.

Import the fixtures into a test module: ``from tests.ui.team_windows import proxy, team_window``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest
from PySide6.QtWidgets import QDialog

from enablement.team.signin import login_context, sign_in
from tests.team.proxy import Proxy
from tests.team.server import HOST, TeamServer
from ui.context import AppContext
from ui.tasks import TaskRunner

PG_HOST, PG_PORT = HOST.split(":")


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    """A killable TCP proxy in front of the local PostgreSQL."""
    with Proxy(PG_HOST, int(PG_PORT)) as p:
        yield p


@pytest.fixture
def team_window(make_window, server: TeamServer, proxy: Proxy, tmp_path: Path) -> Iterator[Callable]:  # type: ignore[no-untyped-def]
    """``team_window("Rita Rep")``: that person's window through the proxy, with a real task
    runner; every window opened is closed (its dialogs first) and its library too."""
    opened = []

    def open_(name: str, with_index: bool = False):  # type: ignore[no-untyped-def]
        url = server.url(server.logins[name]).replace(HOST, f"127.0.0.1:{proxy.port}")
        library, actor, team = sign_in(url, root=tmp_path / name.split()[0].lower(), with_index=with_index)
        runner = TaskRunner()
        window = make_window(AppContext(login_context(library, actor, team), runner, library.taxonomy.get(),
                                        team=team))
        opened.append((window, runner, library))
        return window

    yield open_
    for window, runner, library in opened:
        for dialog in window.findChildren(QDialog):
            dialog.close()
        window.close()
        runner.wait_idle()
        library.close()


def wait_link(qtbot, window, connection: str, timeout: int = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Until the window's team link says ``connection`` (online / offline)."""
    link = window.team_link
    qtbot.waitUntil(lambda: link.status is not None and link.status.connection == connection, timeout=timeout)
