"""UI test fixtures: offscreen Qt, a synchronous task runner, real libraries on disk.

``make_app_ctx(role="rep", library=None)`` → an AppContext over a fresh library in tmp_path
(or over ``library``) whose actor has ``role``.
``demo_ctx`` → an AppContext (actor: a rep) over a per-test copy of a demo library built
once per session; call it, ``demo_ctx(role="manager")``, for another role on the same copy.
``open_page(PageClass, app)`` → the page, shown at the main window's default size and
activated, with the app's change-sets routed to it as the main window would.
``make_window(app)`` → a real, shown MainWindow.

Every UI test runs under ``gui_database_guard``: a statement sent to a database from the Qt
GUI thread by code of the ``ui`` package, outside a task, fails the test. Tasks of the
synchronous runner run inline on the GUI thread but are marked (``ui.tasks.in_task``), so
they stay allowed, as they would be on a worker; a test's own setup and checks call the
library directly and are allowed too (no ``ui`` code between them and the database).
"""

from __future__ import annotations

import os

# Before anything imports Qt: tests never need (or open) a real display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import shutil  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Optional  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QThread  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from enablement.services.library import Library  # noqa: E402
from tests.ui.pages_support import actor, app_context  # noqa: E402
from ui.context import AppContext  # noqa: E402
from ui.tasks import SyncTaskRunner, in_task  # noqa: E402

WINDOW_SIZE = (1280, 820)  # the main window's default size
UI_DIR = str(Path(__file__).resolve().parents[2] / "ui") + os.sep
# Drivers, not widgets: they set a library up the way a test does.
UI_DRIVERS = frozenset({UI_DIR + "screenshots.py"})


class GuiDatabaseAccess(AssertionError):
    """The GUI thread waited on the database (STYLE: the GUI thread never waits on I/O)."""


class GuiDatabaseGuard:
    """Records (and refuses) statements that ``ui`` code runs on the GUI thread outside a task."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def check(self, _conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        app = QCoreApplication.instance()
        if in_task() or app is None or QThread.currentThread() is not app.thread():
            return
        frame = sys._getframe(1)
        while frame is not None and not frame.f_code.co_filename.startswith(UI_DIR):
            frame = frame.f_back
        if frame is None or frame.f_code.co_filename in UI_DRIVERS:
            return  # no ui code on the way: the test itself reads or sets up the library
        where = "".join(traceback.format_stack(frame, limit=6))
        self.violations.append(f"{statement.split()[0]} … from the GUI thread:\n{where}")
        raise GuiDatabaseAccess(self.violations[-1])


@pytest.fixture(autouse=True)
def gui_database_guard():  # type: ignore[no-untyped-def]
    guard = GuiDatabaseGuard()
    event.listen(Engine, "before_cursor_execute", guard.check)
    yield guard
    event.remove(Engine, "before_cursor_execute", guard.check)
    assert not guard.violations, "database access on the GUI thread:\n" + "\n".join(guard.violations)


def build_demo(root: Path) -> Library:
    from enablement.services.demo import create_demo_library

    return create_demo_library(root)


class DemoContext(AppContext):
    """An AppContext that can also be called for another role over the same library."""

    def __call__(self, role: str = "rep") -> AppContext:
        return app_context(self.library, role)


@pytest.fixture
def make_app_ctx(qapp, tmp_path) -> Callable[..., AppContext]:  # type: ignore[no-untyped-def]
    opened: list[Library] = []

    def make(role: str = "rep", library: Optional[Library] = None) -> AppContext:
        if library is None:
            library = Library.open(tmp_path / f"library-{len(opened)}")
            opened.append(library)
        return app_context(library, role)

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
    rep = app_context(demo_library, "rep")
    return DemoContext(rep.user, rep.runner, rep.taxonomy)


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
