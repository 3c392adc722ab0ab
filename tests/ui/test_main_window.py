"""The shell: navigation by role, Ctrl+K, change routing, errors, window state, user switch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

import main as app_main
from enablement.errors import InvalidInput
from enablement.models.changes import Changes

ROOT = Path(__file__).resolve().parents[2]


def visible_titles(window):  # type: ignore[no-untyped-def]
    return [window.nav.item(r).text() for r in range(window.nav.count()) if not window.nav.isRowHidden(r)]


def test_no_display_prints_one_line_and_exits_2(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-c", "import sys, main; sys.exit(main.main(['--library', 'x']))"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == app_main.NO_DISPLAY
    assert "Traceback" not in result.stderr


def test_display_detection():
    assert not app_main.display_available({}, "linux")
    assert app_main.display_available({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert app_main.display_available({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert app_main.display_available({}, "darwin")
    args = app_main.parse_args(["--library", "/tmp/x", "--user", "Sam Rivera", "--demo"])
    assert (args.library, args.user, args.demo) == ("/tmp/x", "Sam Rivera", True)


def test_navigation_follows_role(demo_ctx, make_window):
    window = make_window(demo_ctx)
    assert visible_titles(window) == ["Library", "Journey map", "Kits", "Requests"]
    assert window.demo_label.isVisible()
    window.switch_user(demo_ctx.library.users.get(demo_ctx("manager").actor.user_id))
    assert visible_titles(window) == ["Library", "Journey map", "Kits", "Requests", "Reports"]
    window.switch_user(demo_ctx.library.users.get(demo_ctx("marketing").actor.user_id))
    assert visible_titles(window)[-2:] == ["Reports", "Taxonomy"]
    assert window.import_action.isVisible() and not window.submit_action.isVisible()
    assert window.app.actor.role == "marketing"
    assert "marketing" in window.user_button.text().lower()


def test_every_page_is_built_and_follows_the_page_contract(demo_ctx, make_window):
    window = make_window(demo_ctx)
    assert [p.title for p, _r in window.pages] == ["Library", "Journey map", "Kits", "Requests", "Reports",
                                                    "Taxonomy"]
    for page, _roles in window.pages:
        assert callable(page.activate) and callable(page.apply_changes) and callable(page.on_actor_changed)


def test_ctrl_k_and_ctrl_f_focus_search_from_any_page(demo_ctx, make_window):
    from PySide6.QtGui import QKeySequence, QShortcut

    window = make_window(demo_ctx)
    shortcuts = {s.key().toString(): s for s in window.findChildren(QShortcut)}
    assert QKeySequence("Ctrl+K").toString() in shortcuts
    assert QKeySequence(QKeySequence.StandardKey.Find).toString() in shortcuts
    for key in (QKeySequence("Ctrl+K").toString(), QKeySequence(QKeySequence.StandardKey.Find).toString()):
        shortcut = shortcuts[key]  # (Ctrl+Z, also on the window, is undo)
        window.show_page("Kits")
        shortcut.activated.emit()  # offscreen windows are never "active", so keys are not routed
        assert window.stack.currentWidget() is window.library_page
        assert window.search_box.hasFocus() or window.focusWidget() is window.search_box


def test_changes_reach_every_page(demo_ctx, make_window, monkeypatch):
    window = make_window(demo_ctx)
    seen = []
    for page, _roles in window.pages:
        monkeypatch.setattr(page, "apply_changes", lambda ch, p=page: seen.append((p.title, ch)))
    demo_ctx.announce(Changes(kits=True))
    assert [t for t, _c in seen] == [p.title for p, _r in window.pages]
    demo_ctx.announce(Changes())  # empty: nobody is bothered
    assert len(seen) == len(window.pages)


def test_background_work_is_said_in_words_without_an_animated_bar(demo_ctx, make_window):
    """While a task runs the status bar says so in a label of fixed width: nothing in it repaints
    on a timer (drawing renditions keeps a task running for minutes) nor moves its neighbours."""
    from PySide6.QtWidgets import QProgressBar

    from ui.main_window import BUSY_TEXT

    window = make_window(demo_ctx)
    status = window.statusBar()
    width = window.busy_label.width()
    said: list[str] = []
    demo_ctx.runner.read(lambda: said.append(window.busy_label.text()))
    assert said == [BUSY_TEXT] and window.busy_label.text() == ""
    assert window.busy_label.width() == width
    assert status.findChildren(QProgressBar) == []


def test_task_errors_are_shown(demo_ctx, make_window):
    window = make_window(demo_ctx)
    demo_ctx.runner.read(lambda: (_ for _ in ()).throw(InvalidInput("That file is not a PDF.")))
    box = window.last_error_box
    assert box.text() == "That file is not a PDF." and box.icon() == QMessageBox.Icon.Warning
    box.close()
    window.log_file = Path("/var/log/enablement.log")
    demo_ctx.runner.read(lambda: {}["missing"])
    box = window.last_error_box
    assert box.icon() == QMessageBox.Icon.Critical
    assert "KeyError" in box.informativeText() and "/var/log/enablement.log" in box.informativeText()
    assert "Traceback" in box.detailedText()
    box.close()


def test_window_state_is_remembered(demo_ctx, make_window, window_state):
    window = make_window(demo_ctx)
    window.show_page("Requests")
    window.library_page.splitter.setSizes([300, 700])
    window.save_state()
    assert window_state.text(window_state.LAST_PAGE) == "Requests"
    again = make_window(demo_ctx)
    assert again.stack.currentWidget().title == "Requests"
    assert window_state.bytes(window_state.SPLITTER + "librarySplitter") is not None


def test_drop_files_starts_an_import(demo_ctx, make_window, monkeypatch, tmp_path):
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    from ui import flows

    window = make_window(demo_ctx("marketing"))
    calls = []
    monkeypatch.setattr(flows, "import_paths", lambda w, app, paths, source="marketing": calls.append((paths, source)))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert calls == [([tmp_path], "marketing")]
