"""Start-up: a new library folder becomes the demo (built on the write lane), then the window."""

from __future__ import annotations

from main import parse_args
from ui.app import Startup
from ui.dialogs.first_run import WhoAreYouDialog
from ui.window_state import WindowState


def test_first_run_builds_the_demo_and_asks_who_you_are(qapp, qtbot, tmp_path, window_state):
    args = parse_args(["--library", str(tmp_path / "lib"), "--demo"])
    startup = Startup(qapp, args, None, window_state)
    try:
        startup.start()
        qtbot.waitUntil(lambda: isinstance(startup.dialog, WhoAreYouDialog), timeout=180_000)
        assert startup.library.is_demo
        startup.dialog.users.setCurrentRow(0)
        startup.dialog.accept()
        qtbot.waitUntil(lambda: startup.window is not None)
        window = startup.window
        qtbot.addWidget(window)
        assert window.demo_label.isVisibleTo(window)
        assert window_state.text(WindowState.LAST_LIBRARY) == str(tmp_path / "lib")
        assert window_state.text(WindowState.LAST_USER) == window.app.actor.name
    finally:
        startup.shutdown()


def test_later_runs_reopen_the_last_user(qapp, qtbot, demo_library, window_state):
    window_state.set(WindowState.LAST_USER, "Morgan Lee")
    args = parse_args(["--library", str(demo_library.ctx.paths.root)])
    startup = Startup(qapp, args, None, window_state)
    try:
        startup.start()
        qtbot.waitUntil(lambda: startup.window is not None, timeout=30_000)
        qtbot.addWidget(startup.window)
        assert startup.window.app.actor.name == "Morgan Lee"
        assert startup.dialog is None
        assert startup.library.search.index.writes_in_child  # the GUI process never writes the index
    finally:
        startup.shutdown()


def test_the_welcome_screen_starts_my_own_library(qapp, qtbot, tmp_path, window_state, monkeypatch):
    from ui.dialogs.first_run import WelcomeDialog

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ENABLEMENT_LIBRARY", raising=False)
    startup = Startup(qapp, parse_args([]), None, window_state)
    try:
        startup.start()
        qtbot.waitUntil(lambda: isinstance(startup.dialog, WelcomeDialog))
        startup.dialog.buttons["own"].click()
        qtbot.waitUntil(lambda: isinstance(startup.dialog, WhoAreYouDialog), timeout=30_000)
        assert not startup.library.is_demo and startup.dialog.new.isChecked()
        startup.dialog.name.setText("Nora New")
        startup.dialog.accept()
        qtbot.waitUntil(lambda: startup.window is not None)
        qtbot.addWidget(startup.window)
        assert startup.window.app.actor.name == "Nora New"
        from enablement.config import default_library_dir

        assert window_state.text(WindowState.LAST_LIBRARY) == str(default_library_dir())
        assert default_library_dir().is_relative_to(tmp_path / "data")
    finally:
        startup.shutdown()
