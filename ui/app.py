"""Starting the desktop app: logging, QApplication, the library, who is acting, the window.

Start-up is a chain of callbacks on one event loop: the library opens (or the demo is
built) on the write lane while a progress dialog shows, then "who are you" if needed,
then the main window. Nothing blocks the GUI thread, and there is no nested event loop.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from enablement.config import default_library_dir, default_state_dir
from enablement.errors import UserFacingError
from enablement.models.dto import TaxonomyInfo, UserInfo
from enablement.services.identity import LocalUser, UserContext
from enablement.services.library import Library
from . import startup_probe
from .context import AppContext
from .tasks import TaskRunner, traceback_text
from .window_state import APPLICATION, ORGANIZATION, WindowState

if TYPE_CHECKING:
    from .dialogs.first_run import WhoAreYouDialog
    from .main_window import MainWindow

log = logging.getLogger(__name__)


def setup_logging() -> Path:
    """Log to a rotating file in the user's state folder; return its path."""
    folder = default_state_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "enablement.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def create_qapplication(argv: list[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Enablement")
    # Fusion draws with the palette, so the system's light or dark scheme is followed everywhere.
    app.setStyle("Fusion")
    return app


def open_or_create(root: Path, demo: bool,
                   progress: Optional[Callable[[int, int, str], None]] = None) -> Library:
    """Worker: open the library at ``root``; a new one becomes the demo library when asked."""
    if demo and not (root / "library.db").exists():
        from enablement.services.demo import create_demo_library

        return create_demo_library(root, progress=progress)
    return Library.open(root)


@dataclass(frozen=True)
class OpenedLibrary:
    """What start-up needs from the database, read on the write lane with the opening."""

    library: Library
    is_demo: bool
    taxonomy: TaxonomyInfo
    users: list[UserInfo]


def open_for_the_app(root: Path, demo: bool,
                     progress: Optional[Callable[[int, int, str], None]] = None) -> OpenedLibrary:
    """Worker: open (or create) the library and read what the first windows show."""
    library = open_or_create(root, demo, progress=progress)
    return OpenedLibrary(library, library.is_demo, library.taxonomy.get(), library.users.list())


def choose_library(args: argparse.Namespace, state: WindowState) -> tuple[Path, bool]:
    """(folder, make it a demo if new). A new default folder becomes the demo library."""
    if args.library:
        return Path(args.library).expanduser(), bool(args.demo)
    if args.demo:
        return default_library_dir().parent / "demo-library", True
    last = state.text(WindowState.LAST_LIBRARY)
    if last and (Path(last) / "library.db").exists():
        return Path(last), False
    return default_library_dir(), True


class Startup:
    """The start-up chain: open → who are you → main window."""

    def __init__(self, qapp: QApplication, args: argparse.Namespace, log_file: Optional[Path],
                 state: Optional[WindowState] = None) -> None:
        self.qapp = qapp
        self.args = args
        self.log_file = log_file
        self.state = state or WindowState()
        self.runner = TaskRunner()
        self.library: Optional[Library] = None
        self.opened: Optional[OpenedLibrary] = None
        self.window: Optional[MainWindow] = None
        self.dialog: Optional[WhoAreYouDialog] = None

    def start(self) -> None:
        root, demo = choose_library(self.args, self.state)
        self.progress = QProgressDialog("Opening the library…", "", 0, 0)
        self.progress.setWindowTitle("Enablement")
        self.progress.setCancelButton(None)
        self.progress.setMinimumDuration(300)
        self.progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        if demo and not (root / "library.db").exists():
            self.progress.setLabelText("Setting up the demo library with sample collateral…")
            self.progress.setMinimumDuration(0)
            self.progress.show()
        self.root = root
        self.runner.write(open_for_the_app, self._opened, self._fatal, root, demo, progress=self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if text:
            self.progress.setLabelText(f"Setting up the demo library: {text}")

    def _fatal(self, exc: BaseException) -> None:
        self.progress.close()
        if isinstance(exc, UserFacingError):
            QMessageBox.critical(None, "Enablement", f"The library could not be opened.\n\n{exc}")
        else:
            log.error("start-up failed:\n%s", traceback_text(exc))
            QMessageBox.critical(None, "Enablement", f"Enablement could not start: {exc}\n\n"
                                 f"Details are in {self.log_file}.")
        self.qapp.exit(1)

    def _opened(self, opened: OpenedLibrary) -> None:
        self.progress.close()
        self.opened = opened
        self.library = library = opened.library
        self.state.set(WindowState.LAST_LIBRARY, str(self.root))
        if self.args.user:
            self.runner.read(library.as_user, self._show, self._no_such_user, LocalUser(self.args.user))
            return
        self._pick_user(opened.users, self.state.text(WindowState.LAST_USER))

    def _no_such_user(self, exc: BaseException) -> None:
        if not isinstance(exc, UserFacingError):
            self._fatal(exc)
            return
        QMessageBox.critical(None, "Enablement", str(exc))
        self.qapp.exit(2)

    def _pick_user(self, users: list[UserInfo], last: str) -> None:
        known = next((u for u in users if u.name == last and u.active), None)
        if known is not None:
            self._act_as(known.name)
            return
        from .dialogs.first_run import WhoAreYouDialog

        self.dialog = WhoAreYouDialog(users, self.opened.is_demo if self.opened else False)
        self.dialog.accepted.connect(self._user_chosen)
        self.dialog.rejected.connect(lambda: self.qapp.exit(0))
        self.dialog.show()

    def _act_as(self, name: str) -> None:
        """The identity seam names the user, on a worker (it reads the user directory)."""
        if self.library is not None:
            self.runner.read(self.library.as_user, self._show, self._fatal, LocalUser(name))

    def _user_chosen(self) -> None:
        if self.dialog is None or self.library is None:
            return
        user, name, role = self.dialog.choice()
        if user is not None:
            self._act_as(user.name)
            return
        library = self.library

        def ensure_and_identify() -> UserContext:
            library.users.ensure(name, role)  # no window is open yet to hear of the new user
            return library.as_user(LocalUser(name))

        self.runner.write(ensure_and_identify, self._show, self._fatal)

    def _show(self, user: UserContext) -> None:
        from .main_window import MainWindow

        opened = self.opened
        if opened is None:
            return
        self.state.set(WindowState.LAST_USER, user.actor.name)
        context = AppContext(user, self.runner, opened.taxonomy, is_demo=opened.is_demo)
        self.window = MainWindow(context, self.log_file, self.state)
        self.window.show()
        startup_probe.watch(self.window)  # benchmarks only: does nothing unless asked by the environment

    def shutdown(self) -> None:
        self.runner.wait_idle()
        if self.library is not None:
            self.library.close()


def run(args: argparse.Namespace) -> int:
    log_file = setup_logging()
    qapp = create_qapplication(sys.argv[:1])
    startup = Startup(qapp, args, log_file)
    startup.start()
    code = qapp.exec()
    startup.shutdown()
    return code
