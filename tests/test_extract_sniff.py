"""Intake: types from bytes, corrected extensions, refusals; and a light package import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from enablement.config import ImportLimits
from enablement.extract import sniff_file
from tests.filemaker_docs import make_docx, make_pdf, make_pptx, make_xlsx
from tests.filemaker_hostile import make_elf, make_exe, make_macro_docx, make_ole

LIMITS = ImportLimits()


@pytest.mark.parametrize("maker, name, expected", [
    (lambda p: make_pdf(p, ["hello"]), "a.pdf", "pdf"),
    (lambda p: make_docx(p, ["hello"]), "a.docx", "docx"),
    (lambda p: make_pptx(p, [("Hi", "there")]), "a.pptx", "pptx"),
    (lambda p: make_xlsx(p, [["a", 1]]), "a.xlsx", "xlsx"),
])
def test_office_and_pdf_types_come_from_bytes(tmp_path: Path, maker, name, expected) -> None:
    path = maker(tmp_path / name)
    result = sniff_file(path, LIMITS)
    assert (result.file_type, result.reason, result.extension_mismatch) == (expected, "", False)


def test_mislabelled_file_is_corrected_and_reported(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "real.pdf", ["hello"])
    fake = shutil.copy(pdf, tmp_path / "deck.docx")
    result = sniff_file(fake, LIMITS)
    assert result.file_type == "pdf"
    assert result.extension_mismatch
    assert result.reason == "named .docx but is a PDF"

    docx = make_docx(tmp_path / "w.docx", ["x"])
    as_pdf = shutil.copy(docx, tmp_path / "w.pdf")
    assert sniff_file(as_pdf, LIMITS).reason == "named .pdf but is a Word document"


def test_pdf_marker_may_follow_junk_within_1024_bytes(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"\n" * 500 + make_pdf(tmp_path / "p.pdf", ["a"]).read_bytes())
    assert sniff_file(path, LIMITS).file_type == "pdf"


@pytest.mark.parametrize("content, name, expected", [
    (b"plain words\nmore words", "notes.txt", "txt"),
    (b"# Heading\n\nbody", "readme.md", "md"),
    (b"plain words", "readme.md", "md"),
    ("caf\u00e9 na\u00efve".encode("cp1252"), "latin.txt", "txt"),
    ("\ufeffBOM text".encode("utf-16"), "wide.txt", "txt"),
    (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "page.html", "html"),
    (b"<p>just a fragment</p>", "frag.htm", "html"),
    (b"words,with,commas\n1,2,3", "data.csv", "txt"),
])
def test_text_types(tmp_path: Path, content: bytes, name: str, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = sniff_file(path, LIMITS)
    assert result.file_type == expected
    assert not result.extension_mismatch


def test_html_named_txt_is_html(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(b"<html><head><title>t</title></head><body>hi</body></html>")
    result = sniff_file(path, LIMITS)
    assert result.file_type == "html"
    assert result.reason == "named .txt but is a web page (HTML)"


@pytest.mark.parametrize("maker, reason", [
    (make_elf, "executable program"),
    (make_exe, "executable program"),
    (lambda p: make_ole(p), "old Office format (.doc/.xls/.ppt) is not supported; "
                            "save it as .docx/.xlsx/.pptx"),
    (lambda p: make_ole(p, encrypted=True), "password-protected Office file"),
    (make_macro_docx, "macro-enabled Office file (.docm/.xlsm/.pptm)"),
])
def test_refused_binaries(tmp_path: Path, maker, reason: str) -> None:
    result = sniff_file(maker(tmp_path / "file.docx"), LIMITS)
    assert (result.file_type, result.reason) == (None, reason)


def test_script_random_bytes_plain_zip_and_empty(tmp_path: Path) -> None:
    script = tmp_path / "run.txt"
    script.write_bytes(b"#!/bin/sh\nrm -rf ~\n")
    assert sniff_file(script, LIMITS).reason == "executable script"

    noise = tmp_path / "noise.pdf"
    noise.write_bytes(bytes(range(256)) * 40)
    assert sniff_file(noise, LIMITS).reason == "not a supported file type"

    import zipfile
    archive = tmp_path / "a.docx"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "hi")
    assert sniff_file(archive, LIMITS).reason == "not a supported file type (a zip archive)"

    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert sniff_file(empty, LIMITS).reason == "empty file"


def test_over_size_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 3 * 1024 * 1024)
    result = sniff_file(path, ImportLimits(max_file_bytes=2 * 1024 * 1024))
    assert result.file_type is None
    assert result.reason == "too large (3.0 MB; the limit is 2.0 MB)"


def test_package_import_is_light() -> None:
    code = ("import sys, enablement.extract; "
            "heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('pypdf', 'docx', 'pptx', 'openpyxl', 'lxml', 'PySide6')]; print(heavy)")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
