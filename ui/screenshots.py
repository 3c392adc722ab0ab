"""Render every page on a fresh demo library, offscreen, to PNG files.

    python -m ui.screenshots OUTDIR           # every page, light
    python -m ui.screenshots OUTDIR --dark    # dark-01-library.png, dark-03-journey-map.png
    python -m ui.screenshots OUTDIR --team    # team-*.png against a throw-away database (ui/team_screenshots.py)

The README shows these from docs/screenshots/. Runs without a display.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

if TYPE_CHECKING:
    from enablement.models.dto import Actor
    from enablement.services.library import Library
    from .context import AppContext
    from .main_window import MainWindow

SIZE = (1280, 820)  # the main window's default size; dialogs keep their own


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


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ui.screenshots", description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--dark", action="store_true",
                        help="render with a dark palette into dark-*.png (the library and journey map "
                             "unless --all)")
    parser.add_argument("--all", action="store_true", help="with --dark: every page, not just the main two")
    parser.add_argument("--team", action="store_true",
                        help="the team screens (team-*.png) against a throw-away database on a local PostgreSQL")
    parser.add_argument("--pg", metavar="URL", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="with --team: a DBA's connection to the PostgreSQL that gets the throw-away database")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    out: Path = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    if args.team:
        from .app import create_qapplication
        from .team_screenshots import render_team

        qapp = create_qapplication([sys.argv[0]])
        code = render_team(out, args.pg)
        del qapp
        return code
    wanted = None if not args.dark or args.all else {"01-library", "03-journey-map"}

    def shot(key: str, light_name: str = "") -> Optional[Path]:
        """Where shot ``key`` goes (None when this run skips it)."""
        if wanted is not None and key not in wanted:
            return None
        return out / (f"dark-{key}.png" if args.dark else f"{light_name or key}.png")

    from enablement.services.demo import create_demo_library
    from enablement.services.identity import LocalUser
    from .app import create_qapplication
    from .context import AppContext
    from .main_window import MainWindow
    from .tasks import SyncTaskRunner
    from .widgets.tones import dark_palette
    from .window_state import WindowState

    from PySide6.QtCore import QSettings

    qapp = create_qapplication([sys.argv[0]])
    if args.dark:
        qapp.setPalette(dark_palette())
    work = Path(tempfile.mkdtemp(prefix="enablement-shots-"))
    library = create_demo_library(work / "library")
    state = WindowState(QSettings(str(work / "window.ini"), QSettings.Format.IniFormat))
    rep = library.users.list()
    actor_of = {u.role: library.users.actor_for(u) for u in reversed(rep)}
    app = AppContext(library.as_user(LocalUser("Sam Rivera")), SyncTaskRunner(), library.taxonomy.get())
    first_rep = app.actor  # the rep whose kits the demo made
    seed_shelves(library, first_rep, actor_of["marketing"])  # before the window reads them
    window = MainWindow(app, None, state)
    window.resize(*SIZE)
    window.show()

    from . import flows

    window.search_box.setText("security")
    window.library_page.run_query()
    settle(300)
    window.library_page.view.viewport().update()
    if path := shot("01-library", "01-library-search"):
        grab(window, path)
    if wanted is None and window.index_status is not None:
        # The status bar while the index rebuilds in the background, then after a rebuild failed
        # (the states the rebuild's thread reports, drawn by the window's own label).
        from enablement.models.dto import IndexWork

        window.index_status.show_work(IndexWork("updating", done=15_540, total=37_000))
        settle()
        grab(window, out / "25-index-rebuilding.png")
        window.index_status.show_work(IndexWork(
            "failed", error="the search index rebuild stopped unexpectedly (exit status -9); it is tried again later",
            retry_in=30))
        settle()
        grab(window, out / "26-index-rebuild-failed.png")
        window.index_status.show_work(window.index_status.index.work())
    if wanted is None:  # the same results as a grid of cards, then as a table sorted by use
        window.search_box.setText("")
        window.library_page.run_query()
        window.library_page.set_view("grid")
        settle(300)
        if path := shot("20-library-grid"):
            grab(window, path)
        window.library_page.set_view("table")
        window.library_page.set_sort("most_used")
        settle(300)
        if path := shot("21-library-table"):
            grab(window, path)
        window.library_page.set_sort("relevance")
        window.library_page.set_view("list")
        window.search_box.setText("security")
        window.library_page.run_query()
        settle(300)

    if wanted is None:
        window.search_box.setText("governance")
        window.library_page.run_query()
        settle(300)
        if path := shot("14-slide-hit"):
            grab(window, path)
        firsts = window.library_page.first_pages
        deck = max((p for p in window.library_page.model.rows if p.file_type == "pptx"),
                   key=lambda p: firsts.get(p.id, 0))  # a deck whose hit is past its first slide
        first = firsts.get(deck.id, 0)
        slide = flows.open_piece(window, app, deck.id, first, window.library_page.hit_words.get(deck.id, ()))
        settle(300)
        if path := shot("15-slide-preview"):
            grab(slide, path)
        slide.close()
        window.search_box.setText("security")
        window.library_page.run_query()
        settle(300)

    if wanted is None:
        office_shots(window, app, shot)
        shelves_shots(window, shot)

    piece = next(p for p in window.library_page.model.rows if "Security" in p.title)
    window.library_page.view.setCurrentIndex(window.library_page.model.index(window.library_page.model.row_of(piece.id), 0))
    if path := shot("02-piece-detail"):
        detail = flows.open_piece(window, app, piece.id)
        grab(detail, path)
        detail.close()

    window.search_box.setText("")
    for key, title in (("03-journey-map", "Journey map"), ("04-kits", "Kits"), ("05-requests", "Requests")):
        page = window.show_page(title)
        if key == "03-journey-map":
            show_a_gate(page)
        if path := shot(key):
            grab(window, path)

    window.switch_user(library.users.get(actor_of["manager"].user_id))
    window.show_page("Reports")
    if path := shot("06-reports"):
        grab(window, path)

    window.switch_user(library.users.get(actor_of["marketing"].user_id))
    window.show_page("Taxonomy")
    if path := shot("07-taxonomy"):
        grab(window, path)

    window.show_page("Library")
    if wanted is None:
        dialog = flows.import_paths(window, app, [make_import_folder(work / "share-drive")])
        if path := shot("08-import-summary"):
            grab(dialog, path)
        dialog.show_tagging()
        if dialog.tag_pieces.rowCount():
            dialog.tag_view.selectRow(0)
        if path := shot("09-import-tagging"):
            grab(dialog, path)
        # Two pieces tagged and owned, the rest not: "Publish selected" on all says which are skipped.
        ids = [p.id for p in dialog.tag_pieces.rows]
        gate = library.taxonomy.get().stages[2].gates[0]
        from datetime import timedelta

        from enablement.models.dto import TagSelection

        library.pieces.bulk_set_tags(actor_of["marketing"], ids[:2], TagSelection(gates=[gate.id]))
        library.pieces.bulk_update(actor_of["marketing"], ids[:2], owner="Priya Raman",
                                   review_by=library.ctx.today() + timedelta(days=365))
        dialog.show_tagging()
        dialog.tag_view.selectAll()
        dialog.publish_selected()
        if path := shot("11-publish-selected"):
            grab(dialog.publish_box, path)
        dialog.publish_box.close()
        dialog.close()

        if path := shot("12-kit-cover"):
            render_kit_cover(library, first_rep, work / "kit", path)

        from .dialogs.first_run import WhoAreYouDialog

        who = WhoAreYouDialog(library.users.list(), demo=True)
        who.show()
        if path := shot("13-who-are-you"):
            grab(who, path)
        who.close()

        detail = flows.open_piece(window, app, piece.id)
        if detail.editor is not None:
            detail.tabs.setCurrentWidget(detail.editor)
        if path := shot("10-piece-edit-marketing"):
            grab(detail, path)
        detail.close()

        # A rep's own battlecard in marketing's review queue, half tagged: what it still needs shows.
        own = work / "beating-the-incumbent.txt"
        own.write_text("Beating the incumbent: three questions that expose switching costs, and our answers.")
        mine = library.importer.import_paths(first_rep, [own], source="rep").value.piece_ids[0]
        queue = flows.review_queue(window, app)
        settle(300)
        queue.view.selectRow(queue.proxy.mapFromSource(queue.model.index(queue.model.row_of(mine), 0)).row())
        queue.panel.tags.check("gate", gate.id)
        settle(150)
        if path := shot("24-review-tag-and-publish"):
            grab(queue, path)
        queue.close()
    window.close()
    library.close()
    del qapp
    return 0


def office_shots(window: "MainWindow", app: "AppContext", shot: Callable[[str], Optional[Path]]) -> None:
    """Word and PowerPoint files as themselves: their cards' first pages and their previews'
    real pages (drawn by LibreOffice when the window opened, where it is installed), and a
    deck's text layout as it shows where no renderer ever drew it."""
    from . import flows
    from .widgets.preview import PreviewWidget, TextPreview, blocks_html

    window.search_box.setText("onboarding plan")
    window.library_page.run_query()
    settle(300)
    window.library_page.view.viewport().update()
    settle(300)
    if path := shot("16-office-thumbnails"):
        grab(window, path)
    library = app.library
    everything = library.pieces.list()
    doc = next((p for p in everything if p.file_type == "docx" and "onboarding" in p.title.lower()), None)
    deck = next((p for p in everything if p.file_type == "pptx" and "executive" in p.title.lower()), None)
    for key, piece in (("17-docx-preview", doc), ("18-pptx-preview", deck)):
        if piece is None or not (path := shot(key)):
            continue
        detail = flows.open_piece(window, app, piece.id)
        settle(300)
        grab(detail, path)
        detail.close()
    if deck is not None and (path := shot("19-deck-text-layout")):
        file_type, extracted = library.files.structure(deck.id)
        fallback = PreviewWidget(app)
        fallback.resize(700, 760)
        fallback.show_preview(TextPreview(blocks_html(extracted.blocks, file_type, extracted.detail)))
        fallback.show()
        settle(300)
        grab(fallback, path)
        fallback.close()
    window.search_box.setText("security")
    window.library_page.run_query()
    settle(300)


def render_kit_cover(library: Library, actor: Actor, folder: Path, path: Path) -> Path:
    """The first page of the rep's first kit's merged PDF, as a reader shows it."""
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfDocument

    kit = library.kits.list(actor)[0]
    merged = library.kits.export(actor, kit.id, folder).value.merged_pdf
    document = QPdfDocument()
    document.load(str(merged))
    document.render(0, QSize(850, 1200)).save(str(path))  # PNG, from the name
    document.close()
    print(path)
    return path


def seed_shelves(library: "Library", rep: "Actor", marketing: "Actor") -> None:
    """Searches marketing recommends (one for the best-covered gate, which the journey map shot
    shows), the rep's own saved searches, and three favourites (one of them archived since)."""
    from enablement.services.journey import journey_map

    taxonomy = library.ctx.taxonomy()
    key = {(f, v.label): v.key for f, values in taxonomy.facets.items() for v in values}
    best = max(journey_map(library).gate_cells, key=lambda c: (c.published, c.used_pieces))
    decision = next(st for st in taxonomy.stages if st.key == "decision")
    shelves = library.shelves
    shelves.save(marketing, "Proof for this gate", "", {"content_type": [key[("content_type", "Case Study")]]},
                 "most_used", recommended=True, gate_id=best.gate_id)
    shelves.save(marketing, "Security review pack", "security OR soc OR questionnaire", {}, "most_used",
                 recommended=True, gate_id=next(g.id for st in taxonomy.stages for g in st.gates if g.key == "security-ok"))
    shelves.save(marketing, "ROI and the business case", "roi OR tco OR \"business case\"", {}, "helpful",
                 recommended=True, stage_id=decision.id)
    shelves.save(marketing, "New this quarter", "", {}, "newest", recommended=True)
    shelves.save(rep, "Healthcare stories", "", {"industry": [key[("industry", "Healthcare")]]}, "most_used")
    shelves.save(rep, "Battlecards", "", {"content_type": [key[("content_type", "Battlecard")]]}, "title")
    shelves.save(rep, "Security at evaluation", "security", {"stage": ["evaluation"]}, "newest")
    picks = [p for p in library.pieces.list() if p.status == "published"]
    chosen = [p for p in picks if "Security" in p.title or "ROI" in p.title or "Fernway" in p.title][:3]
    for piece in chosen:
        shelves.set_favourite(rep, piece.id)
    if chosen:
        library.pieces.archive(marketing, chosen[-1].id)


def shelves_shots(window: "MainWindow", shot: Callable[[str], Optional[Path]]) -> None:
    """The shelves: a saved search run from the sidebar (its query, filters and sort back), and
    the Favourites shelf with an archived favourite saying so."""
    page = window.library_page
    page.shelves.reload()
    mine = next(s for s in page.shelves.searches if s.name == "Security at evaluation")
    page.shelves.run_search(mine)
    settle(300)
    if path := shot("22-shelves"):
        grab(window, path)
    page.shelves.show_shelf("favourites")
    settle(300)
    if path := shot("23-favourites"):
        grab(window, path)
    page.facets.clear()
    window.search_box.setText("security")
    page.run_query()
    settle(300)


def show_a_gate(page: QWidget) -> None:
    """Choose the best-covered gate, as a rep would before a call."""
    from .pages.journey_map_page import JourneyMapPage

    if not isinstance(page, JourneyMapPage) or page.journey is None:
        return
    journey = page.journey
    cell = max(journey.gate_cells, key=lambda c: (c.published, c.used_pieces))
    page.grid.select_cell(cell.stage_id, cell.gate_id)


if __name__ == "__main__":
    sys.exit(main())
