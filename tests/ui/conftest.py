"""UI test fixtures: offscreen Qt, a synchronous task runner, real libraries on disk.

``make_app_ctx(role="rep", library=None)`` → an AppContext over a fresh library in tmp_path
(or over ``library``) whose actor has ``role``.
``demo_ctx`` → an AppContext (actor: a rep) over a per-test copy of a demo library built
once per session; call it, ``demo_ctx(role="manager")``, for another role on the same copy.
``open_page(PageClass, app)`` → the page, shown at the main window's default size and
activated, with the app's change-sets routed to it as the main window would.
``make_window(app)`` → a real, shown MainWindow.
"""

from __future__ import annotations

import os

# Before anything imports Qt: tests never need (or open) a real display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Optional  # noqa: E402

import pytest  # noqa: E402

from enablement.services.library import Library  # noqa: E402
from tests.ui.pages_support import actor  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.tasks import SyncTaskRunner  # noqa: E402

WINDOW_SIZE = (1280, 820)  # the main window's default size


def build_demo(root: Path) -> Library:
    from enablement.services.demo import create_demo_library

    return create_demo_library(root)


class DemoContext(AppContext):
    """An AppContext that can also be called for another role over the same library."""

    def __call__(self, role: str = "rep") -> AppContext:
        return AppContext(self.library, actor(self.library, role), SyncTaskRunner())


@pytest.fixture
def make_app_ctx(qapp, tmp_path) -> Callable[..., AppContext]:  # type: ignore[no-untyped-def]
    opened: list[Library] = []

    def make(role: str = "rep", library: Optional[Library] = None) -> AppContext:
        if library is None:
            library = Library.open(tmp_path / f"library-{len(opened)}")
            opened.append(library)
        return AppContext(library, actor(library, role), SyncTaskRunner())

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
    return DemoContext(demo_library, actor(demo_library, "rep"), SyncTaskRunner())


@pytest.fixture
def open_page(qtbot):  # type: ignore[no-untyped-def]
    """Build ``page_class(app)`` as a shown, activated top-level widget."""

    def open_(page_class, app: AppContext):  # type: ignore[no-untyped-def]
        page = page_class(app)
        qtbot.addWidget(page)
        page.resize(*WINDOW_SIZE)
        page.show()
        page.activate()
        app.signals.changed.connect(page.apply_changes)  # the main window's routing, in small
        return page

    return open_


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
        window.resize(*WINDOW_SIZE)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make
