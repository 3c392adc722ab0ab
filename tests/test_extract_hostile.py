"""Hostile and broken files end in an honest outcome, never an exception."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from enablement.config import ImportLimits
from enablement.extract import extract_in_process
from enablement.extract.wire import to_extracted
from tests.filemaker_docs import make_docx, make_pdf
from tests.filemaker_hostile import (make_doctype_docx, make_elf, make_exe, make_ole,
                                     make_traversal_zip, make_zip_bomb, replace_part)

LIMITS = ImportLimits()


def test_truncated_pdf_fails_as_damaged(tmp_path: Path) -> None:
    good = make_pdf(tmp_path / "good.pdf", [f"page {i}" for i in range(10)])
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    result = extract_in_process(cut, LIMITS)
    assert result.outcome == "failed" and result.file_type == "pdf"
    assert result.detail.startswith("damaged PDF: ")


def test_pdf_header_then_garbage(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(1, 256)) * 20)
    result = extract_in_process(path, LIMITS)
    assert result.outcome == "failed" and result.detail.startswith("damaged PDF")


def test_zero_page_pdf_is_rejected(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    path = tmp_path / "nopages.pdf"
    with open(path, "wb") as fh:
        PdfWriter().write(fh)
    result = extract_in_process(path, LIMITS)
    assert (result.outcome, result.detail) == ("rejected", "PDF has no pages")


def test_random_bytes_named_pdf_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "random.pdf"
    path.write_bytes(os.urandom(4096))
    result = extract_in_process(path, LIMITS)
    assert (result.outcome, result.file_type) == ("rejected", None)
    assert result.detail.startswith("not a supported file type")


def test_mislabelled_docx_is_read_as_pdf(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "src.pdf", ["Competitive landscape"])
    path = shutil.copy(pdf, tmp_path / "landscape.docx")
    result = extract_in_process(path, LIMITS)
    assert (result.outcome, result.file_type) == ("ok", "pdf")
    assert result.detail == "named .docx but is a PDF"
    assert "Competitive landscape" in result.text


def test_empty_and_oversize(tmp_path: Path) -> None:
    empty = tmp_path / "e.docx"
    empty.write_bytes(b"")
    assert (extract_in_process(empty, LIMITS).outcome,
            extract_in_process(empty, LIMITS).detail) == ("rejected", "empty file")
    big = make_pdf(tmp_path / "big.pdf", ["x" * 80] * 3)
    result = extract_in_process(big, ImportLimits(max_file_bytes=1000))
    assert result.outcome == "rejected" and result.detail.startswith("too large (")


@pytest.mark.parametrize("limits, reason", [
    (ImportLimits(zip_max_member_bytes=4 * 1024 * 1024), "zip bomb: a part expands to 8 MB"),
    (ImportLimits(zip_max_total_bytes=4 * 1024 * 1024),
     "zip bomb: parts expand to more than 4 MB"),
    (ImportLimits(), "zip bomb: a part compresses"),
    (ImportLimits(zip_max_members=1), "zip bomb: 2 parts (the limit is 1)"),
])
def test_zip_bomb(tmp_path: Path, limits: ImportLimits, reason: str) -> None:
    # 8 MB of zeros stands in for 200 MB: the caps are lowered instead.
    result = extract_in_process(make_zip_bomb(tmp_path / "bomb.docx"), limits)
    assert result.outcome == "rejected"
    assert result.detail.startswith(reason)


def test_small_parts_are_exempt_from_the_ratio(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "ok.docx", ["zeros " * 20_000])  # compresses ~1000:1
    assert extract_in_process(path, LIMITS).outcome == "ok"


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "word/../../evil", "C:/evil"])
def test_unsafe_member_names(tmp_path: Path, name: str) -> None:
    result = extract_in_process(make_traversal_zip(tmp_path / "t.docx", name), LIMITS)
    assert (result.outcome, result.detail) == (
        "rejected", "unsafe part name in zip (absolute path or '..')")


def test_doctype_in_document_xml(tmp_path: Path) -> None:
    result = extract_in_process(make_doctype_docx(tmp_path / "lol.docx"), LIMITS)
    assert (result.outcome, result.detail) == (
        "rejected", "XML with a DOCTYPE (not allowed in Office files)")


def test_doctype_after_a_long_comment_and_in_utf16(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "g.docx", ["x"])
    sneaky = ('<?xml version="1.0"?><!--' + "c" * 9000 + '--><!DOCTYPE x [<!ENTITY a "b">]>'
              '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
              '2006/main"/>')
    path = replace_part(good, tmp_path / "s.docx", "word/document.xml", sneaky)
    assert extract_in_process(path, LIMITS).outcome == "rejected"
    wide = replace_part(good, tmp_path / "w.docx", "word/document.xml",
                        sneaky.replace("1.0", "1.0\" encoding=\"utf-16").encode("utf-16"))
    assert extract_in_process(wide, LIMITS).outcome == "rejected"


def test_damaged_docx_fails(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "g.docx", ["x"])
    path = replace_part(good, tmp_path / "bad.docx", "word/document.xml", "<w:document><oops")
    result = extract_in_process(path, LIMITS)
    assert (result.outcome, result.file_type) == ("failed", "docx")
    assert result.detail.startswith("damaged Word document")


def test_executables_and_ole(tmp_path: Path) -> None:
    for maker in (make_elf, make_exe):
        result = extract_in_process(maker(tmp_path / "tool.pdf"), LIMITS)
        assert (result.outcome, result.detail) == ("rejected", "executable program")
    result = extract_in_process(make_ole(tmp_path / "old.doc"), LIMITS)
    assert result.outcome == "rejected" and result.detail.startswith("old Office format")
    result = extract_in_process(make_ole(tmp_path / "locked.docx", encrypted=True), LIMITS)
    assert (result.outcome, result.detail) == ("rejected", "password-protected Office file")


def test_worker_data_is_validated_by_the_parent() -> None:
    assert to_extracted({"outcome": "ok"}, LIMITS).detail == "the reader returned malformed data"
    raw = {"outcome": "ok", "detail": "", "file_type": "pdf", "text": "x" * 50, "title": "",
           "author": "", "page_count": 1, "blocks": [["page", 0, "x" * 50]]}
    capped = to_extracted(raw, ImportLimits(max_text_chars=10))
    assert capped.outcome == "ok" and len(capped.text) == 10
    assert to_extracted({**raw, "blocks": [["evil", 0, ""]]}, LIMITS).outcome == "failed"
    assert to_extracted({**raw, "page_count": "2"}, LIMITS).outcome == "failed"
