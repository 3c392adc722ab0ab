"""Clean titles: a template default, a file-type word, an empty or doubled metadata title is
replaced by a title made from the file name, and marketing sees where each title came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from enablement.services.library import Library
from enablement.services.titles import BY_HAND, choose_title, doubled, why_not
from tests.filemaker_docs import make_docx, make_pdf, make_pptx


@pytest.mark.parametrize("junk, why", [
    ("Word Document", "template default"),
    ("Empty Default White PowerPoint Presentation", "template default"),
    ("PowerPoint Presentation", "template default"),
    ("Microsoft Word - pricing_v3.docx", "template default"),
    ("Presentation1", "template default"),
    ("Click to add title", "template default"),
    ("Book1", "template default"),
    ("PDF", "only names the file type"),
    ("pptx", "only names the file type"),
    ("Word document 2", "template default"),
    ("Presentation (3)", "template default"),
    ("Adobe PDF", "only names the file type"),
    ("q3_pricing_FINAL.pptx", "is a file name"),
    ("ROI Guide ROI Guide", "repeats itself"),
    ("ROI GuideROI Guide", "repeats itself"),
    ("   ", "has no title"),
    ("", "has no title"),
])
def test_junk_titles_are_named_with_the_reason(junk: str, why: str):
    assert why in why_not(junk)
    choice = choose_title(junk, "q3-pricing_one-pager.pdf")
    assert (choice.title, choice.source) == ("Q3 pricing one pager", "the file name")
    assert why in choice.explained()


@pytest.mark.parametrize("good", ["Harbor Mutual case study", "ROI calculator guide", "Kitestring battlecard",
                                  "Why now? The cost of doing nothing", "Word of mouth programme",
                                  "Presentation skills for reps", "Deck for the CFO", "Bora Bora retreat"])
def test_meaningful_titles_are_kept(good: str):
    choice = choose_title(f"  {good}\n", "file.pdf")
    assert (choice.title, choice.source, choice.reason) == (good, "the document's own title", "")


def test_doubling_needs_the_whole_title_twice():
    assert doubled("Pricing Pricing") and doubled("pricing one pager Pricing One Pager")
    assert not doubled("Pricing one pager") and not doubled("abab") and not doubled("Bora Bora retreat")


def test_imported_files_get_clean_titles_and_say_where_they_came_from(library: Library, actors, tmp_path: Path):
    folder = tmp_path / "share"
    folder.mkdir()
    make_docx(folder / "security-faq.docx", ["Questionnaire answers"], title="Word Document")
    make_pptx(folder / "cfo_deck-2026.pptx", [("Payback", "Twelve months")],
              title="Empty Default White PowerPoint Presentation")
    make_pdf(folder / "price-list.pdf", ["Prices"], title="Microsoft Word - price list.docx")
    make_pdf(folder / "roi.pdf", ["Return"], title="ROI Guide ROI Guide")
    make_pdf(folder / "onboarding_checklist.pdf", ["Steps"])
    make_pdf(folder / "harbor.pdf", ["Claims"], title="Harbor Mutual case study")
    make_docx(folder / "type-only.docx", ["x"], title="DOCX")
    mk = actors["marketing"]
    library.importer.import_paths(mk, [folder])
    got = {p.title: library.pieces.get(p.id).title_source for p in library.pieces.list()}
    assert got == {
        "Security faq": "the file name (its title “Word Document” is a template default)",
        "Cfo deck 2026": "the file name (its title “Empty Default White PowerPoint Presentation” is a "
                         "template default)",
        "Price list": "the file name (its title “Microsoft Word - price list.docx” is a template default)",
        "Roi": "the file name (its title “ROI Guide ROI Guide” repeats itself)",
        "Onboarding checklist": "the file name (its title “untitled” is a template default)",  # as reportlab writes
        "Harbor Mutual case study": "the document's own title",
        "Type only": "the file name (its title “DOCX” only names the file type)",
    }
    # Edited by marketing: the source says so; a link's title was given when it was added.
    pid = next(p.id for p in library.pieces.list() if p.title == "Roi")
    library.pieces.update(mk, pid, title="ROI guide for CFOs")
    assert library.pieces.get(pid).title_source == BY_HAND
    link = library.importer.add_link(mk, "https://example.com/t", "Product tour").value
    assert library.pieces.get(link).title_source == BY_HAND


def test_cli_show_says_where_the_title_came_from(cli, tmp_path: Path):
    make_docx(tmp_path / "value-brief.docx", ["Why the investment pays back"], title="Word Document")
    assert cli("import", str(tmp_path / "value-brief.docx"))[0] == 0
    code, out, _ = cli("show", "1")
    assert code == 0 and out.startswith("Value brief  (piece 1")
    assert "  title:     from the file name (its title “Word Document” is a template default)\n" in out
