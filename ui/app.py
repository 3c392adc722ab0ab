"""Starting the desktop app: logging, QApplication, the library, who is acting, the window.

Start-up is a chain of callbacks on one event loop: the first run offers the demo, a new
library or a team's library; a library of this computer opens (or the demo is built) on the
write lane while a progress dialog shows, then "who are you" if needed; a team library is
signed in to on a worker as the login (the person shown is that login: nobody picks a name),
silently on later runs with the password from the keyring, asking when that is not enough.
Then the main window. Nothing blocks the GUI thread, and there is no nested event loop.
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
from enablement.team.connection import LoginFailed, parse_server_url
from enablement.team.signin import TeamLogin, login_context, sign_in
from . import startup_probe
from .context import AppContext
from .tasks import TaskRunner, traceback_text
from .window_state import APPLICATION, ORGANIZATION, WindowState

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

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
    # Index writes after an import run in a child process: Whoosh holds the interpreter lock
    # for hundreds of ms per commit, which would stall the GUI thread (bench/index_stall.py).
    library.search.index.write_in_child()
    return OpenedLibrary(library, library.is_demo, library.taxonomy.get(), library.users.list())


@dataclass(frozen=True)
class TeamOpened:
    """A team library opened as a login, with what the first window shows."""

    opened: OpenedLibrary
    user: UserContext
    login: TeamLogin


def connect_for_the_app(url: str, password: Optional[str], remember: bool) -> TeamOpened:
    """Worker: sign in to the team library at ``url`` and read what the first window shows."""
    library, actor, login = sign_in(url, password, remember=remember)
    try:
        taxonomy = library.taxonomy.get()
    except BaseException:
        library.close()
        raise
    # the identity seam's context: the person is whoever the server said the login is
    user = login_context(library, actor, login)
    return TeamOpened(OpenedLibrary(library, False, taxonomy, []), user, login)


@dataclass(frozen=True)
class StartChoice:
    """How this run starts: a library of this computer, a team library, or the welcome screen."""

    kind: str  # "local", "team" or "welcome"
    root: Optional[Path] = None
    demo: bool = False
    url: str = ""


def choose_start(args: argparse.Namespace, state: WindowState) -> StartChoice:
    """The command line first, then what the last run used; nothing known: the welcome screen."""
    if getattr(args, "server", None):
        return StartChoice("team", url=args.server)
    if args.library:
        return StartChoice("local", Path(args.library).expanduser(), bool(args.demo))
    if args.demo:
        return StartChoice("local", demo_library_dir(), True)
    last_server = state.text(WindowState.LAST_SERVER)
    if last_server:
        return StartChoice("team", url=last_server)
    last = state.text(WindowState.LAST_LIBRARY)
    if last and (Path(last) / "library.db").exists():
        return StartChoice("local", Path(last))
    if (default_library_dir() / "library.db").exists():
        return StartChoice("local", default_library_dir())
    return StartChoice("welcome")


def demo_library_dir() -> Path:
    return default_library_dir().parent / "demo-library"


class Startup:
    """The start-up chain: welcome or open (or connect) → who are you → main window."""

    def __init__(self, qapp: QApplication, args: argparse.Namespace, log_file: Optional[Path],
                 state: Optional[WindowState] = None) -> None:
        self.qapp = qapp
        self.args = args
        self.log_file = log_file
        self.state = state or WindowState()
        self.runner = TaskRunner()
        self.library: Optional[Library] = None
        self.opened: Optional[OpenedLibrary] = None
        self.team: Optional[TeamLogin] = None
        self.window: Optional[MainWindow] = None
        self.dialog: Optional[QDialog] = None
        self.progress: Optional[QProgressDialog] = None

    def start(self) -> None:
        choice = choose_start(self.args, self.state)
        if choice.kind == "team":
            self.reconnect(choice.url)
        elif choice.kind == "local":
            assert choice.root is not None
            self.open_local(choice.root, choice.demo)
        else:
            self.welcome()

    # --- the welcome screen -------------------------------------------------------------------
    def welcome(self) -> None:
        from .dialogs.first_run import WelcomeDialog

        self.dialog = dialog = WelcomeDialog()
        dialog.accepted.connect(lambda: self._welcomed(dialog.choice))
        dialog.rejected.connect(lambda: self.qapp.exit(0))
        dialog.show()

    def _welcomed(self, choice: str) -> None:
        from .dialogs.first_run import WelcomeDialog

        if choice == WelcomeDialog.DEMO:
            self.open_local(demo_library_dir(), True)
        elif choice == WelcomeDialog.OWN:
            self.open_local(default_library_dir(), False)
        else:
            self.ask_to_connect(self.state.text(WindowState.LAST_SERVER))

    # --- a library of this computer -----------------------------------------------------------
    def _progress_dialog(self, text: str) -> QProgressDialog:
        progress = QProgressDialog(text, "", 0, 0)
        progress.setWindowTitle("Enablement")
        progress.setCancelButton(None)
        progress.setMinimumDuration(300)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        return progress

    def open_local(self, root: Path, demo: bool) -> None:
        self.progress = self._progress_dialog("Opening the library…")
        if demo and not (root / "library.db").exists():
            self.progress.setLabelText("Setting up the demo library with sample collateral…")
            self.progress.setMinimumDuration(0)
            self.progress.show()
        self.root = root
        self.runner.write(open_for_the_app, self._opened, self._fatal, root, demo, progress=self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        progress = self.progress  # setValue of a modal dialog runs events: the library may open meanwhile
        if progress is None:
            return
        if text:
            progress.setLabelText(f"Setting up the demo library: {text}")
        progress.setRange(0, max(total, 1))
        progress.setValue(done)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None

    def _fatal(self, exc: BaseException) -> None:
        self._close_progress()
        if isinstance(exc, UserFacingError):
            QMessageBox.critical(None, "Enablement", f"The library could not be opened.\n\n{exc}")
        else:
            log.error("start-up failed:\n%s", traceback_text(exc))
            QMessageBox.critical(None, "Enablement", f"Enablement could not start: {exc}\n\n"
                                 f"Details are in {self.log_file}.")
        self.qapp.exit(1)

    def _opened(self, opened: OpenedLibrary) -> None:
        self._close_progress()
        self.opened = opened
        self.library = library = opened.library
        self.state.set(WindowState.LAST_LIBRARY, str(self.root))
        self.state.set(WindowState.LAST_SERVER, "")  # the next run opens this library again
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

        self.dialog = dialog = WhoAreYouDialog(users, self.opened.is_demo if self.opened else False)
        dialog.accepted.connect(lambda: self._user_chosen(dialog))
        dialog.rejected.connect(lambda: self.qapp.exit(0))
        dialog.show()

    def _act_as(self, name: str) -> None:
        """The identity seam names the user, on a worker (it reads the user directory)."""
        if self.library is not None:
            self.runner.read(self.library.as_user, self._show, self._fatal, LocalUser(name))

    def _user_chosen(self, dialog: "WhoAreYouDialog") -> None:
        if self.library is None:
            return
        user, name, role = dialog.choice()
        if user is not None:
            self._act_as(user.name)
            return
        library = self.library

        def ensure_and_identify() -> UserContext:
            library.users.ensure(name, role)  # no window is open yet to hear of the new user
            return library.as_user(LocalUser(name))

        self.runner.write(ensure_and_identify, self._show, self._fatal)

    # --- a team library -----------------------------------------------------------------------
    def reconnect(self, url: str) -> None:
        """Sign in again as the last login, with the password from the keyring (or libpq's own
        sources); when that is not enough, ask."""
        try:
            where = parse_server_url(url)
        except UserFacingError as exc:
            self.ask_to_connect("", str(exc))
            return
        self.progress = self._progress_dialog(f"Connecting to the team library at {where.where}/{where.dbname} "
                                              f"as {where.user}…")
        self.runner.read(connect_for_the_app, self._team_opened, lambda exc: self._reconnect_failed(url, exc),
                         url, None, False)

    def _reconnect_failed(self, url: str, exc: BaseException) -> None:
        self._close_progress()
        if not isinstance(exc, UserFacingError):
            log.error("connecting failed:\n%s", traceback_text(exc))
        needs_password = isinstance(exc, LoginFailed) and "needs a password" in str(exc)
        self.ask_to_connect(url, "" if needs_password else str(exc))

    def ask_to_connect(self, url: str, message: str = "") -> None:
        """The connect dialog at start-up; closing it goes back to the welcome screen."""
        from .dialogs.connect_dialog import ConnectDialog

        self.dialog = dialog = ConnectDialog(self.runner, connect_for_the_app, url, message)
        dialog.signed_in.connect(self._team_opened)
        dialog.abandoned.connect(self._close_quietly)
        dialog.rejected.connect(self.welcome)
        dialog.show()

    def _close_quietly(self, opened: TeamOpened) -> None:
        self.runner.op(opened.opened.library.close).quiet("a connection nobody waits for any more").read()

    def _team_opened(self, result: TeamOpened) -> None:
        self._close_progress()
        self.state.set(WindowState.LAST_SERVER, result.login.url)
        self.opened = result.opened
        self.library = result.opened.library
        self._show(result.user, result.login)

    def sign_in_as_another(self) -> None:
        """"Switch user" in team mode: sign in as another login; the window is rebuilt for it."""
        from .dialogs.connect_dialog import ConnectDialog

        assert self.team is not None
        self.dialog = dialog = ConnectDialog(self.runner, connect_for_the_app, self.team.url, parent=self.window,
                                             title="Sign in as another login", keep_login=False)
        dialog.signed_in.connect(self._switched)
        dialog.abandoned.connect(self._close_quietly)
        dialog.open()

    def _switched(self, result: TeamOpened) -> None:
        old_window, old_library = self.window, self.library
        if old_window is not None:
            old_window.close()
            old_window.deleteLater()
        if old_library is not None:
            self.runner.op(old_library.close).quiet("the library of the login signed out").write()
        self._team_opened(result)

    # --- the window ---------------------------------------------------------------------------
    def _show(self, user: UserContext, team: Optional[TeamLogin] = None) -> None:
        from .main_window import MainWindow

        opened = self.opened
        if opened is None:
            return
        self.team = team
        if team is None:
            self.state.set(WindowState.LAST_USER, user.actor.name)
        context = AppContext(user, self.runner, opened.taxonomy, is_demo=opened.is_demo, team=team)
        self.window = MainWindow(context, self.log_file, self.state)
        self.window.sign_in_requested.connect(self.sign_in_as_another)
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
