"""Render every page on a fresh demo library, offscreen, to PNG files.

    python -m ui.screenshots OUTDIR

The README shows these from docs/screenshots/. Runs without a display.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

SIZE = (1360, 860)


def settle(ms: int = 150) -> None:
    """Let queued events (layouts, deferred deletes, timers) run: a harness, not app code."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def grab(widget: QWidget, path: Path) -> Path:
    settle()
    widget.grab().save(str(path), "PNG")
    print(path)
    return path


def make_import_folder(folder: Path) -> Path:
    """A small share-drive folder: a few demo files again (duplicates), new notes, one damaged PDF."""
    import shutil

    from enablement.config import ASSETS_DIR

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("security-whitepaper.pdf", "pricing-one-pager.pdf"):
        shutil.copy(ASSETS_DIR / "demo" / name, folder / name)
    (folder / "objection-handling-notes.md").write_text(
        "# Objection handling\n\n## Too expensive\nShow the ROI business case and the three-year TCO.\n\n"
        "## Security\nShare the security whitepaper and the SOC 2 summary.\n")
    (folder / "call-script-discovery.txt").write_text(
        "Discovery call script\n\nAsk about the cost of manual operations, approval delays and audit findings.\n")
    (folder / "q3-board-deck-final-FINAL.pdf").write_bytes(b"%PDF-1.7\n1 0 obj<</Type/Catalog>>\n%%garbage, cut off")
    (folder / "setup.exe").write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    return folder


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m ui.screenshots OUTDIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)

    from enablement.services.demo import create_demo_library
    from ui.app import create_qapplication
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.tasks import SyncTaskRunner
    from ui.window_state import WindowState

    from PySide6.QtCore import QSettings

    qapp = create_qapplication([sys.argv[0]])
    work = Path(tempfile.mkdtemp(prefix="enablement-shots-"))
    library = create_demo_library(work / "library")
    state = WindowState(QSettings(str(work / "window.ini"), QSettings.Format.IniFormat))
    rep = library.users.list()
    actor_of = {u.role: library.users.actor_for(u) for u in reversed(rep)}
    sam = library.users.actor("Sam Rivera")
    app = AppContext(library, sam, SyncTaskRunner())
    window = MainWindow(app, None, state)
    window.resize(*SIZE)
    window.show()

    window.search_box.setText("security")
    window.library_page.run_query()
    settle(300)
    window.library_page.view.viewport().update()
    grab(window, out / "01-library-search.png")

    piece = next(p for p in window.library_page.model.pieces() if "Security" in p.title)
    window.library_page.view.setCurrentIndex(window.library_page.model.index(window.library_page.model.row_of(piece.id), 0))
    from ui import flows

    detail = flows.open_piece(window, app, piece.id)
    detail.resize(1240, 820)
    grab(detail, out / "02-piece-detail.png")
    detail.close()

    for n, title in ((3, "Journey map"), (4, "Kits"), (5, "Requests")):
        window.show_page(title)
        grab(window, out / f"{n:02d}-{title.lower().replace(' ', '-')}.png")

    window.switch_user(library.users.get(actor_of["manager"].user_id))
    window.show_page("Reports")
    grab(window, out / "06-reports.png")

    window.switch_user(library.users.get(actor_of["marketing"].user_id))
    window.show_page("Taxonomy")
    grab(window, out / "07-taxonomy.png")

    window.show_page("Library")
    window.search_box.setText("")
    dialog = flows.import_paths(window, app, [make_import_folder(work / "share-drive")])
    dialog.resize(1040, 620)
    grab(dialog, out / "08-import-summary.png")
    dialog.show_tagging()
    if dialog.tag_pieces.rowCount():
        dialog.tag_view.selectRow(0)
    grab(dialog, out / "09-import-tagging.png")
    dialog.close()

    detail = flows.open_piece(window, app, piece.id)
    detail.resize(1240, 820)
    if detail.editor is not None:
        detail.tabs.setCurrentWidget(detail.editor)
    grab(detail, out / "10-piece-edit-marketing.png")
    detail.close()
    window.close()
    library.close()
    del qapp
    return 0


if __name__ == "__main__":
    sys.exit(main())
