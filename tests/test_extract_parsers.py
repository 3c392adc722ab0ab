"""Real documents through ``extract_in_process``: text, metadata, structure, caps."""

from __future__ import annotations

from pathlib import Path

from enablement.config import ImportLimits
from enablement.extract import Block, extract_in_process
from tests.filemaker_docs import (make_docx, make_encrypted_pdf, make_image_pdf, make_pdf,
                                  make_pptx, make_xlsx)

LIMITS = ImportLimits()


def test_text_pdf_with_metadata(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", ["Pricing overview for buyers", "ROI calculator inside"],
                    title="Pricing Guide", author="Marketing Team")
    result = extract_in_process(path, LIMITS)
    assert (result.outcome, result.detail, result.file_type) == ("ok", "", "pdf")
    assert "Pricing overview" in result.text and "ROI calculator" in result.text
    assert (result.title, result.author, result.page_count) == ("Pricing Guide",
                                                                "Marketing Team", 2)
    assert [b.kind for b in result.blocks] == ["page", "page"]
    assert "ROI calculator" in result.blocks[1].text


def test_multi_page_pdf_and_page_cap(tmp_path: Path) -> None:
    pages = [f"Page number {i} talks about onboarding" for i in range(1, 8)]
    path = make_pdf(tmp_path / "long.pdf", pages)
    result = extract_in_process(path, LIMITS)
    assert result.page_count == 7 and "Page number 7" in result.text

    capped = extract_in_process(path, ImportLimits(max_pages=5))
    assert (capped.outcome, capped.detail) == ("failed", "too many pages (7; the limit is 5)")


def test_text_cap(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "long.pdf", ["alpha " * 50, "beta " * 50])
    result = extract_in_process(path, ImportLimits(max_text_chars=100))
    assert result.outcome == "ok"
    assert len(result.text) <= 100
    assert "text cut at 100 characters" in result.detail


def test_image_only_pdf_has_no_text(tmp_path: Path) -> None:
    result = extract_in_process(make_image_pdf(tmp_path / "scan.pdf"), LIMITS)
    assert (result.outcome, result.detail) == ("ok_no_text", "no searchable text (scanned?)")
    assert result.page_count == 1


def test_encrypted_pdfs(tmp_path: Path) -> None:
    locked = make_encrypted_pdf(tmp_path / "locked.pdf", ["top secret plan"],
                                user_password="secret", algorithm="AES-256")
    result = extract_in_process(locked, LIMITS)
    assert (result.outcome, result.detail, result.file_type) == (
        "failed", "password-protected PDF", "pdf")

    owner_only = make_encrypted_pdf(tmp_path / "owner.pdf", ["readable by anyone"],
                                    user_password="", owner_password="boss")
    result = extract_in_process(owner_only, LIMITS)
    assert result.outcome == "ok" and "readable by anyone" in result.text


def test_docx_headings_tables_headers(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "brief.docx", ["Our platform cuts onboarding time."],
                     headings=[(1, "Executive Summary"), (2, "Why Now")],
                     title="Battlecard", author="Dana",
                     table=[["Feature", "Us"], ["SSO", "Yes"]], header="Confidential draft")
    result = extract_in_process(path, LIMITS)
    assert (result.outcome, result.file_type, result.page_count) == ("ok", "docx", None)
    for words in ("Executive Summary", "cuts onboarding", "SSO", "Confidential draft"):
        assert words in result.text
    assert (result.title, result.author) == ("Battlecard", "Dana")
    assert Block("heading", 1, "Executive Summary") in result.blocks
    assert Block("heading", 2, "Why Now") in result.blocks
    assert any(b.kind == "table" and "SSO | Yes" in b.text for b in result.blocks)


def test_pptx_slides_and_notes(tmp_path: Path) -> None:
    path = make_pptx(tmp_path / "deck.pptx",
                     [("Welcome", "Agenda for today"), ("Pricing", "Three tiers"),
                      ("Next steps", "Pilot in Q3")],
                     notes=["", "Mention the discount"], title="Sales Deck")
    result = extract_in_process(path, LIMITS)
    assert (result.outcome, result.page_count, result.title) == ("ok", 3, "Sales Deck")
    for words in ("Agenda for today", "Three tiers", "Pilot in Q3", "Mention the discount"):
        assert words in result.text
    assert [b.kind for b in result.blocks] == ["slide"] * 3
    assert result.blocks[1].text.startswith("Pricing")


def test_xlsx_cells(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "roi.xlsx", [["Seats", "Savings"], [50, 12000.0],
                                             ["Total", "=B2*2"]], sheet_title="ROI")
    result = extract_in_process(path, LIMITS)
    assert (result.outcome, result.file_type) == ("ok", "xlsx")
    assert "Seats" in result.text and "12000" in result.text
    assert result.blocks[0].kind == "sheet" and result.blocks[0].text.startswith("ROI")


def test_empty_xlsx_has_no_text(tmp_path: Path) -> None:
    result = extract_in_process(make_xlsx(tmp_path / "blank.xlsx", []), LIMITS)
    assert (result.outcome, result.detail) == ("ok_no_text", "no text found")


def test_text_markdown_and_html(tmp_path: Path) -> None:
    txt = tmp_path / "notes.txt"
    txt.write_text("First paragraph here.\n\nSecond paragraph there.", encoding="utf-8")
    result = extract_in_process(txt, LIMITS)
    assert result.outcome == "ok" and "Second paragraph there." in result.text
    assert [b.kind for b in result.blocks] == ["paragraph", "paragraph"]

    cp = tmp_path / "legacy.txt"
    cp.write_bytes("Caf\u00e9 pricing \u2013 2024".encode("cp1252"))
    assert extract_in_process(cp, LIMITS).text == "Caf\u00e9 pricing \u2013 2024"

    md = tmp_path / "guide.md"
    md.write_text("# Objection Handling\n\nListen first.\n\n## Price\n\nReframe value.")
    result = extract_in_process(md, LIMITS)
    assert (result.file_type, result.title) == ("md", "Objection Handling")
    assert Block("heading", 2, "Price") in result.blocks

    html = tmp_path / "page.html"
    html.write_text("<html><head><title>Case Study</title><style>p{color:red}</style></head>"
                    "<body><h1>Acme wins</h1><p>Revenue <b>doubled</b>.</p>"
                    "<script>alert('x')</script><ul><li>Fast</li><li>Cheap</li></ul></body>"
                    "</html>")
    result = extract_in_process(html, LIMITS)
    assert (result.outcome, result.title) == ("ok", "Case Study")
    assert "Revenue doubled." in result.text and "Cheap" in result.text
    assert "alert" not in result.text and "color" not in result.text
    assert result.blocks[0] == Block("heading", 1, "Acme wins")


def test_blank_text_file_is_no_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("   \n\n  \n")
    assert extract_in_process(path, LIMITS).outcome == "ok_no_text"
