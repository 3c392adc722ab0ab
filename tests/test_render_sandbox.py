"""PDF pages are drawn in a sandboxed worker (time limit, memory cap, checked answers), never
in the app's process: a hostile PDF costs the worker, and the next page still draws.

Real files (reportlab PDFs, generated hostile PDFs) and a real worker process; misbehaving
drawers come from tests/render_hooks.py, chosen by file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from enablement.config import ImportLimits
from enablement.extract.render import DAMAGED, MALFORMED, PageRenderer
from ui.pdf_pages import DRAWER
from enablement.extract.sandbox import CRASHED
from tests.filemaker_docs import make_pdf
from tests.filemaker_hostile import make_flate_bomb_pdf, make_many_pages_pdf

HOOKS = "tests.render_hooks:by_name"


def _dark_share(pixels: bytes) -> float:
    """The share of pixels that are not white (0xffffffff)."""
    words = [pixels[i:i + 4] for i in range(0, len(pixels), 4)]
    return sum(1 for w in words if w != b"\xff\xff\xff\xff") / len(words)


@pytest.fixture
def renderer():  # type: ignore[no-untyped-def]
    r = PageRenderer(ImportLimits(timeout_seconds=20, memory_bytes=700 * 1024 * 1024), renderer_override=HOOKS)
    yield r
    r.close()


def test_a_pdf_is_drawn_page_by_page_as_plain_pixels(renderer, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "deck.pdf", ["Pricing that scales\n" * 30, "Second page", "Third page"])
    out = renderer.render(pdf, 2, 150)
    assert out.problem == "" and out.page_count == 3 and len(out.pages) == 2
    a4 = 842 / 595
    for page in out.pages:
        assert page.width == 150 and page.height == int(150 * a4)
        assert len(page.pixels) == page.width * page.height * 4
    assert _dark_share(out.pages[0].pixels) > _dark_share(out.pages[1].pixels) > 0  # text is drawn


def test_a_damaged_pdf_gets_a_reason_and_the_next_one_draws(renderer, tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", ["ok"])
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(good.read_bytes()[:200])
    out = renderer.render(damaged, 1, 100)
    assert out.pages == () and out.problem == DAMAGED
    assert renderer.render(good, 1, 100).pages


@pytest.mark.parametrize("name, problem", [
    ("slow.pdf", "timed out after 3 s"),
    ("hog.pdf", "needed more than 700 MB of memory"),
    ("crash.pdf", CRASHED),
    ("liar.pdf", MALFORMED),
    ("flood.pdf", MALFORMED),
])
def test_a_renderer_breach_kills_the_worker_and_the_next_page_still_draws(tmp_path: Path, name: str,
                                                                          problem: str) -> None:
    renderer = PageRenderer(ImportLimits(timeout_seconds=3 if name == "slow.pdf" else 20,
                                         memory_bytes=700 * 1024 * 1024), renderer_override=HOOKS)
    try:
        make_pdf(tmp_path / name, ["x"])
        out = renderer.render(tmp_path / name, 1, 100)
        assert out.pages == () and out.problem == problem
        again = renderer.render(make_pdf(tmp_path / "after.pdf", ["still drawn"]), 1, 100)
        assert again.problem == "" and len(again.pages) == 1
    finally:
        renderer.close()


@pytest.mark.parametrize("make", [
    lambda p: make_many_pages_pdf(p, 100_000),
    lambda p: make_flate_bomb_pdf(p, 512 * 1024 * 1024),
    lambda p: make_flate_bomb_pdf(p, 256 * 1024 * 1024, chain=True),
], ids=["100k-pages", "flate-bomb", "flate-chain"])
def test_generated_hostile_pdfs_end_within_the_limits(renderer, tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    """Whatever pdfium makes of them, each ends in pages or a one-line reason, inside the
    limits, and the renderer goes on drawing."""
    out = make(tmp_path / "hostile.pdf")
    drawn = renderer.render(out, 1, 100)
    assert drawn.pages or (drawn.problem and "\n" not in drawn.problem)
    assert all(len(p.pixels) == p.width * p.height * 4 for p in drawn.pages)
    assert renderer.render(make_pdf(tmp_path / "after.pdf", ["ok"]), 1, 100).pages


def test_requests_out_of_bounds_are_refused(renderer, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "a.pdf", ["x"])
    for pages, width in ((0, 100), (51, 100), (1, 0), (1, 5000)):
        with pytest.raises(ValueError):
            renderer.render(pdf, pages, width)


def test_the_library_draws_a_pieces_pages_through_its_renderer(library, actors, tmp_path: Path) -> None:
    """``library.files.page_images``: the app's only way to a PDF's pixels (ui may not import
    extract); a piece that is no PDF says so; closing the library stops the worker."""
    from tests.filemaker_docs import make_docx

    pdf = make_pdf(tmp_path / "one-pager.pdf", ["Security overview"])
    doc = make_docx(tmp_path / "notes.docx", ["Talk track"])
    ids = library.importer.import_paths(actors["marketing"], [pdf, doc]).value.piece_ids
    by_type = {s.file_type: s.id for s in library.pieces.summaries(ids)}
    drawn = library.files.page_images(by_type["pdf"], 3, 200, drawer=DRAWER)
    assert drawn.page_count == 1 and len(drawn.pages) == 1 and drawn.pages[0].width == 200
    word = library.files.page_images(by_type["docx"], 1, 200, drawer=DRAWER)
    # Without a rendition (no office renderer in this test) a Word file has no pages to draw yet.
    assert word.pages == () and word.problem == "the DOCX file's pages have not been drawn"
    worker = library.files._renderer._process  # type: ignore[union-attr]  # the live worker, to see it stop
    assert worker is not None and worker.is_alive()
    library.files.close()
    assert not worker.is_alive()
