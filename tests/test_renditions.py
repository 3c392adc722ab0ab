"""Renditions: Word and PowerPoint files drawn once as PDF pages by LibreOffice (sandboxed),
kept with the version, and the source of their thumbnails, page previews and page hits.

The real renderer where installed (tests/office.py: required in CI); the sandbox's limits are
also proved against renderer commands that hang, crash or lie (shell scripts, real processes
killed for real), which need no LibreOffice."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from enablement.config import ImportLimits, Settings
from enablement.extract.convert import convert_to_pdf
from enablement.models.tables import Rendition
from enablement.services.library import Library
from tests.filemaker_docs import make_pptx
from tests.office import office  # noqa: F401  (a fixture)
from tests.test_search_pages import twelve_slides
from ui.pdf_pages import DRAWER


def paged_docx(path: Path, word: str, page: int, pages: int = 4) -> Path:
    """A Word file of ``pages`` pages (hard page breaks) with ``word`` on ``page`` only."""
    from docx import Document

    doc = Document()
    for n in range(1, pages + 1):
        doc.add_heading(f"Part {n} of the onboarding guide", 1)
        doc.add_paragraph(f"Steps for week {n}. " * 30 + (f" The {word} checklist." if n == page else ""))
        if n < pages:
            doc.add_page_break()
    doc.core_properties.title = "Onboarding guide"
    doc.save(str(path))
    return path


def with_own_picture(document: Path, colour: tuple[int, int, int] = (20, 60, 160)) -> Path:
    """``document`` (an OOXML file) with a thumbnail picture that shows something (python-docx
    and python-pptx save a blank white one, which the card does not show); ``colour`` white: blank."""
    import io
    import zipfile

    from PIL import Image

    image = Image.new("RGB", (96, 72), (255, 255, 255))
    image.paste(colour, (8, 8, 88, 24))  # a title band
    data = io.BytesIO()
    image.save(data, "JPEG")
    members = {}
    with zipfile.ZipFile(document) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members["docProps/thumbnail.jpeg"] = data.getvalue()
    with zipfile.ZipFile(document, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return document


def script(path: Path, body: str) -> str:
    """A renderer command that misbehaves (a real process, killed for real)."""
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def running(pid: int) -> bool:
    """Whether ``pid`` still runs (a killed process its parent has not reaped yet does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rfind(")") + 2:].split()[0] not in ("Z", "X")


def open_library(root: Path, **limits: object) -> Library:
    settings = Settings(workers=2, limits=ImportLimits(timeout_seconds=30, **limits))  # type: ignore[arg-type]
    lib = Library.open(root, settings=settings)
    lib.users.create(None, "Ada Admin", "admin")
    return lib


def rendition_of(lib: Library, piece_id: int) -> Rendition | None:
    with lib.ctx.read() as s:
        from enablement.models.tables import Piece

        piece = s.get(Piece, piece_id)
        assert piece is not None and piece.current_version_id
        return s.get(Rendition, piece.current_version_id)


def test_a_deck_and_a_word_file_are_drawn_and_their_hits_thumbnails_and_checks_come_from_it(
        cli, office, tmp_path: Path) -> None:  # noqa: F811
    deck = twelve_slides(tmp_path / "qbr.pptx", "zanzibarite")
    doc = paged_docx(tmp_path / "guide.docx", "quokkaword", page=3)
    code, out, _ = cli("import", str(deck), str(doc))
    assert code == 0 and "Pages drawn for 2 Word/PowerPoint/Excel files." in out

    code, out, _ = cli("search", "zanzibarite", "--json")
    hit = json.loads(out)["hits"][0]
    assert hit["piece"]["file_type"] == "pptx" and 5 in hit["pages"]
    code, out, _ = cli("search", "quokkaword", "--json")
    hit = json.loads(out)["hits"][0]
    assert hit["piece"]["file_type"] == "docx" and hit["pages"] == [3]  # the Word file's page, from its rendition

    with Library.open(tmp_path / "lib") as lib:
        ids = {p.file_type: p.id for p in lib.pieces.list()}
        deck_row, doc_row = rendition_of(lib, ids["pptx"]), rendition_of(lib, ids["docx"])
        assert deck_row is not None and deck_row.outcome == "ok" and deck_row.page_count == 12
        assert doc_row is not None and doc_row.outcome == "ok" and doc_row.page_count == 4
        assert deck_row.renderer.startswith("LibreOffice")
        assert lib.ctx.blobs.path_for(deck_row.blob_sha256 or "").read_bytes().startswith(b"%PDF-")

        # The card's picture is the first slide drawn from the rendition, not the picture
        # python-pptx's template carries inside the file.
        thumb = lib.files.thumbnail(ids["pptx"], 120, drawer=DRAWER)
        first = lib.files.page_images(ids["pptx"], 1, 120, drawer=DRAWER)
        assert thumb.pages and thumb.pages[0].pixels == first.pages[0].pixels
        assert thumb.page_count == 12
        pages = lib.files.page_images(ids["pptx"], 12, 200, drawer=DRAWER)
        assert len(pages.pages) == 12 and all(p.width == 200 for p in pages.pages)
        assert pages.pages[0].height < 200  # a slide is wider than tall
        sha = deck_row.blob_sha256 or ""

    # Derived: a rendition whose PDF is gone is not a problem; check says it will be made and
    # repair makes it again.
    pdf = Path(tmp_path / "lib" / "blobs" / sha[:2] / sha)
    pdf.unlink()
    code, out, _ = cli("check")
    assert code == 0 and "Library is consistent." in out and "1 file will be made" in out
    code, out, _ = cli("check", "--repair")
    assert code == 0 and "drew the pages of 1 file" in out
    with Library.open(tmp_path / "lib") as lib:
        row = rendition_of(lib, ids["pptx"])
        assert row is not None and row.outcome == "ok" and row.blob_sha256  # drawn again (the PDF's bytes differ
        assert lib.ctx.blobs.path_for(row.blob_sha256).read_bytes().startswith(b"%PDF-")  # by its time stamp)
    code, out, _ = cli("check")
    assert code == 0 and "2 files with drawn pages" in out and "will be made" not in out


def test_a_renderer_that_hangs_is_killed_at_the_limit_and_the_piece_keeps_its_fallback(tmp_path: Path) -> None:
    lib = open_library(tmp_path / "lib", render_timeout_seconds=2.0)
    marker = tmp_path / "child.pid"
    # Like soffice, the command starts a child that does the work; both hang.
    hang = script(tmp_path / "hang.sh", f"sleep 600 & echo $! > {marker}\nwait")
    lib.renditions._office_override = hang  # noqa: SLF001 - the renderer this test runs
    try:
        deck = with_own_picture(make_pptx(tmp_path / "deck.pptx", [("Pricing", "Three tiers")]))
        admin = lib.users.default_actor()
        pid = lib.importer.import_paths(admin, [deck]).value.piece_ids[0]
        made = lib.renditions.make_pending()  # returns: the hanging run was killed, not waited for
        assert made.value == 0 and pid in made.changes.piece_ids
        row = rendition_of(lib, pid)
        assert row is not None and row.outcome == "failed" and row.blob_sha256 is None
        assert row.detail == "the office renderer timed out after 2 s"
        assert not running(int(marker.read_text()))  # the whole process group went, not only the command
        # Not retried on every start; the piece previews with its own picture and text.
        assert lib.renditions.pending() == []
        thumb = lib.files.thumbnail(pid, 120, drawer=DRAWER)
        assert thumb.pages and thumb.page_count == 1  # the picture saved inside the file
        assert lib.files.page_images(pid, 3, 200, drawer=DRAWER).pages == ()
        assert lib.maintenance.check().ok
        # retry forgets the failed try: the next run draws it again.
        lib.renditions.retry(lib.renditions.failed())
        assert [w.piece_id for w in lib.renditions.pending()] == [pid]
    finally:
        lib.close()


@pytest.mark.parametrize("body, detail", [
    ("kill -SEGV $$", "the office renderer crashed (signal 11)"),
    ('for a in "$@"; do out="$a"; done; printf "not a pdf" > "$(dirname "$out")/out/document.pdf"',
     "the office renderer returned something that is not a PDF"),
    ("exit 0", "the office renderer could not read the file"),
])
def test_a_renderer_that_crashes_or_lies_leaves_a_reason(tmp_path: Path, body: str, detail: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    source = make_pptx(tmp_path / "deck.pptx", [("Pricing", "Three tiers")])
    out = convert_to_pdf(source, "pptx", work, ImportLimits(render_timeout_seconds=20),
                         script(tmp_path / "bad.sh", body))
    assert out.pdf is None and out.problem == detail


def test_the_renderer_runs_below_the_app_and_its_memory_is_read_from_its_own_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The renderer yields the CPU to the app's window (``nice``), and the memory watchdog, a
    thread of the app, reads only the run's processes: never a walk over all of /proc."""
    import os
    import sys

    from enablement.extract import convert

    work = tmp_path / "work"
    work.mkdir()
    niceness = tmp_path / "niceness"
    # Like soffice, the command starts a child that does the work: here it grows past the cap.
    grow = f"{sys.executable} -c 'import time; b = bytearray(300 * 2 ** 20); time.sleep(60)'"
    renderer = script(tmp_path / "grow.sh", f"nice > {niceness}\n{grow} &\nwait")
    listed: list[str] = []
    real_listdir = os.listdir
    monkeypatch.setattr(convert.os, "listdir", lambda path: listed.append(str(path)) or real_listdir(path))
    source = make_pptx(tmp_path / "deck.pptx", [("Pricing", "Three tiers")])
    out = convert_to_pdf(source, "pptx", work, ImportLimits(render_timeout_seconds=30, memory_bytes=100 * 2 ** 20),
                         renderer)
    assert out.pdf is None and out.problem == "the office renderer needed more than 100 MB of memory"
    assert int(niceness.read_text()) == min(19, os.nice(0) + convert.BACKGROUND_NICENESS)
    samples = [n for n, path in enumerate(listed) if path.endswith("/task")]  # the run's own entries
    assert samples and "/proc" not in listed[:samples[-1]]  # only the end (all gone?) looks at every process


def test_real_libreoffice_past_its_limit_is_killed_with_everything_it_started(office, tmp_path: Path) -> None:  # noqa: F811
    work = tmp_path / "work"
    work.mkdir()
    deck = twelve_slides(tmp_path / "qbr.pptx", "zanzibarite")
    out = convert_to_pdf(deck, "pptx", work, ImportLimits(render_timeout_seconds=0.5), office)
    assert out.pdf is None and out.problem == "the office renderer timed out after 0.5 s"
    profile = str(work / "profile")
    left = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if profile.encode() in (entry / "cmdline").read_bytes():
                    left.append(entry.name)
            except OSError:
                continue
    assert left == []  # no soffice.bin of this run is left running


def test_without_a_renderer_nothing_is_drawn_and_check_says_where_it_would_be(cli, tmp_path: Path) -> None:
    deck = twelve_slides(tmp_path / "qbr.pptx", "zanzibarite")
    code, out, _ = cli("import", str(deck))
    assert code == 0 and "Pages drawn" not in out
    code, out, _ = cli("check")
    assert code == 0 and "1 file will be made where LibreOffice is installed" in out
    code, out, _ = cli("renditions")
    assert code == 0 and "No office renderer here" in out


def test_the_setting_turns_renditions_off(office, tmp_path: Path) -> None:  # noqa: F811
    lib = Library.open(tmp_path / "lib", settings=replace(Settings(), renditions=False))
    try:
        assert lib.renditions.office() is None
    finally:
        lib.close()


def test_purging_a_piece_erases_its_rendition_too(tmp_path: Path) -> None:
    lib = open_library(tmp_path / "lib")
    pdf = tmp_path / "drawn.pdf"
    from tests.filemaker_docs import make_pdf

    make_pdf(pdf, ["Slide one of the drawn deck"])
    # A renderer that "draws" by handing back a prepared PDF (the real one is tested above).
    lib.renditions._office_override = script(  # noqa: SLF001 - the renderer this test runs
        tmp_path / "draw.sh", f'for a in "$@"; do last="$a"; done; cp {pdf} "$(dirname "$last")/out/document.pdf"')
    try:
        admin = lib.users.default_actor()
        pid = lib.importer.import_paths(admin, [make_pptx(tmp_path / "deck.pptx", [("Pricing", "Tiers")])]
                                        ).value.piece_ids[0]
        assert lib.renditions.make_pending().value == 1
        row = rendition_of(lib, pid)
        assert row is not None and row.outcome == "ok" and row.page_count == 1 and "drawn deck" in row.text
        drawn = lib.ctx.blobs.path_for(row.blob_sha256 or "")
        assert drawn.is_file()
        lib.pieces.purge(admin, pid)
        assert rendition_of(lib, pid) is None and not drawn.exists()
        assert lib.maintenance.check().ok
    finally:
        lib.close()


def test_a_file_whose_own_thumbnail_is_an_empty_page_keeps_its_badge(tmp_path: Path) -> None:
    """A template's blank page saved as the file's picture is no picture: the card shows the
    file-type badge instead of a white tile (a picture with something on it is still used)."""
    lib = open_library(tmp_path / "lib")
    try:
        admin = lib.users.default_actor()
        ids = {name: lib.importer.import_paths(admin, [with_own_picture(
            make_pptx(tmp_path / f"{name}.pptx", [(f"{name} deck", "One slide")]), colour)]).value.piece_ids[0]
            for name, colour in (("blank", (255, 255, 255)), ("drawn", (20, 60, 160)))}
        blank = lib.files.thumbnail(ids["blank"], 120, drawer=DRAWER)
        assert blank.pages == () and blank.problem == "the file's own thumbnail is an empty page"
        assert len(lib.files.thumbnail(ids["drawn"], 120, drawer=DRAWER).pages) == 1
    finally:
        lib.close()
