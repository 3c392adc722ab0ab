"""UI test fixtures: offscreen Qt, a synchronous task runner, real libraries on disk.

``make_app_ctx(role="rep", library=None)`` → an AppContext over a fresh library in tmp_path
(or over ``library``) whose actor has ``role``.
``demo_ctx`` → an AppContext (actor: a rep) over a per-test copy of a demo library built
once per session; call it, ``demo_ctx(role="manager")``, for another role on the same copy.
"""

from __future__ import annotations

import os

# Before anything imports Qt: tests never need (or open) a real display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Optional  # noqa: E402

import pytest  # noqa: E402

from enablement.models.dto import Actor  # noqa: E402
from enablement.services.library import Library  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.tasks import SyncTaskRunner  # noqa: E402



def actor_with_role(library: Library, role: str) -> Actor:
    """The first active user of ``role`` in ``library``, created when there is none."""
    users = library.users.list()
    found = next((u for u in users if u.role == role), None)
    if found is None:
        if not users:
            found = library.users.create(None, f"Test {role.title()}", role).value
        else:
            found = library.users.ensure(f"Test {role.title()}", role)
    return library.users.actor_for(found)


def build_demo(root: Path) -> Library:
    from enablement.services.demo import create_demo_library

    return create_demo_library(root)


class DemoContext(AppContext):
    """An AppContext that can also be called for another role over the same library."""

    def __call__(self, role: str = "rep") -> AppContext:
        return AppContext(self.library, actor_with_role(self.library, role), SyncTaskRunner())


@pytest.fixture
def make_app_ctx(qapp, tmp_path) -> Callable[..., AppContext]:  # type: ignore[no-untyped-def]
    opened: list[Library] = []

    def make(role: str = "rep", library: Optional[Library] = None) -> AppContext:
        if library is None:
            library = Library.open(tmp_path / f"library-{len(opened)}")
            opened.append(library)
        return AppContext(library, actor_with_role(library, role), SyncTaskRunner())

    yield make
    for library in opened:
        library.close()


@pytest.fixture(scope="session")
def demo_library_template(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A demo library built once per session, closed; tests get copies."""
    root = tmp_path_factory.mktemp("demo-template") / "library"
    library = build_demo(root)
    library.close()
    return root


@pytest.fixture
def demo_library(demo_library_template, tmp_path) -> Library:  # type: ignore[no-untyped-def]
    root = tmp_path / "demo-library"
    shutil.copytree(demo_library_template, root)
    library = Library.open(root)
    yield library
    library.close()


@pytest.fixture
def demo_ctx(qapp, demo_library) -> DemoContext:  # type: ignore[no-untyped-def]
    return DemoContext(demo_library, actor_with_role(demo_library, "rep"), SyncTaskRunner())


# The offscreen platform says this when a window is shown; it is not our warning.
OFFSCREEN_NOISE = (r"This plugin does not support propagateSizeHints\(\)",)


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    for item in items:
        if "tests/ui" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture
def window_state(tmp_path):  # type: ignore[no-untyped-def]
    """Window state in a file of the test's own (never the user's real settings)."""
    from PySide6.QtCore import QSettings

    from ui.window_state import WindowState

    return WindowState(QSettings(str(tmp_path / "window-state.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def make_window(qtbot, window_state):  # type: ignore[no-untyped-def]
    """A real, shown MainWindow over an AppContext."""
    from ui.main_window import MainWindow

    def make(ctx: AppContext):  # type: ignore[no-untyped-def]
        window = MainWindow(ctx, None, window_state)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make
