"""Bombs and caps are caught before the parser pays, each with its own outcome and words.

Every hostile file is generated here: a Flate bomb, a ``[/FlateDecode /FlateDecode]``
chain, a bomb spread over many streams, a 100,000-page PDF (truthful and lying about its
size), an oversized slide and zips whose size fields lie. None may pass as "no text".
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from enablement.config import ImportLimits
from enablement.extract import extract_in_process
from enablement.services.library import Library
from tests.filemaker_docs import make_docx, make_pdf, make_pptx
from tests.filemaker_hostile import (add_member, make_aggregate_bomb_pdf, make_flate_bomb_pdf,
                                     make_many_pages_pdf, patch_declared_size, replace_part)

MB = 1024 * 1024
# Small caps so the bombs stay cheap to build; the checks are the same at any size.
SMALL = ImportLimits(pdf_max_stream_bytes=4 * MB, pdf_max_decoded_bytes=12 * MB, zip_max_xml_part_bytes=1 * MB)


def test_flate_bomb_is_rejected_not_taken_for_a_scan(tmp_path: Path) -> None:
    result = extract_in_process(make_flate_bomb_pdf(tmp_path / "bomb.pdf", 16 * MB), SMALL)
    assert (result.outcome, result.detail) == ("rejected", "decompression bomb: a PDF stream expands to more than 4 MB")


def test_a_chain_of_flate_filters_is_rejected(tmp_path: Path) -> None:
    result = extract_in_process(make_flate_bomb_pdf(tmp_path / "chain.pdf", 16 * MB, chain=True), SMALL)
    assert result.outcome == "rejected" and result.detail.startswith("decompression bomb: a PDF stream")


def test_a_bomb_spread_over_many_streams_is_rejected(tmp_path: Path) -> None:
    path = make_aggregate_bomb_pdf(tmp_path / "aggregate.pdf", streams=5, each_bytes=3 * MB)
    assert extract_in_process(path, ImportLimits(pdf_max_decoded_bytes=64 * MB)).outcome == "ok_no_text"
    result = extract_in_process(path, SMALL)
    assert (result.outcome, result.detail) == ("rejected", "decompression bomb: the PDF's streams expand to "
                                                           "more than 12 MB")


def test_an_ordinary_pdf_stays_well_inside_the_caps(tmp_path: Path) -> None:
    result = extract_in_process(make_pdf(tmp_path / "fine.pdf", ["Pricing and packaging"] * 20), SMALL)
    assert result.outcome == "ok" and result.page_count == 20


@pytest.mark.parametrize("declared", [None, 1], ids=["truthful", "lying-count"])
def test_a_100k_page_pdf_hits_the_page_cap_before_pypdf_opens_it(tmp_path: Path, declared, monkeypatch) -> None:
    path = make_many_pages_pdf(tmp_path / "pages.pdf", 100_000, declared=declared)

    def never(*args, **kwargs):  # proves the cap fired before the parser paid anything
        raise AssertionError("pypdf was asked to open a file the page cap should have refused")

    monkeypatch.setattr("enablement.extract.pdf.PdfReader", never)
    result = extract_in_process(path, ImportLimits())
    assert result.outcome == "failed" and result.detail.startswith("too many pages (")
    assert result.detail.endswith("the limit is 2,000)") and "100,000" in result.detail


def test_a_page_tree_larger_than_its_count_is_still_counted(tmp_path: Path) -> None:
    # 30 pages under a root /Count of 1: the raw scan (4× margin) lets it through, and the
    # bounded walk of the tree counts them.
    path = make_many_pages_pdf(tmp_path / "liar.pdf", 30, declared=1)
    result = extract_in_process(path, ImportLimits(max_pages=10))
    assert result.outcome == "failed" and result.detail == "too many pages (30; the limit is 10)"


def _random_words(size: int) -> str:
    return base64.b64encode(os.urandom(size * 3 // 4)).decode()


def test_an_oversized_slide_is_rejected_before_parsing(tmp_path: Path) -> None:
    deck = make_pptx(tmp_path / "deck-src.pptx", [("Pricing", "Tiers")])
    slide = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
             'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree>'
             f'<p:sp><p:txBody><a:p><a:r><a:t>{_random_words(2 * MB)}</a:t></a:r></a:p></p:txBody></p:sp>'
             '</p:spTree></p:cSld></p:sld>')
    big = replace_part(deck, tmp_path / "deck.pptx", "ppt/slides/slide1.xml", slide)
    result = extract_in_process(big, SMALL)
    assert result.outcome == "rejected"
    assert result.detail == "a part is too large to read safely (ppt/slides/slide1.xml: 2 MB of XML; the limit is 1 MB)"


def test_an_unreferenced_part_whose_size_lies_is_rejected(tmp_path: Path) -> None:
    doc = add_member(make_docx(tmp_path / "doc.docx", ["Case study"]), "word/media/blob.bin", os.urandom(64 * 1024))
    assert extract_in_process(doc, SMALL).outcome == "ok"
    patch_declared_size(doc, "word/media/blob.bin", 100)
    result = extract_in_process(doc, SMALL)
    assert (result.outcome, result.detail) == ("rejected", "zip with lying size fields (word/media/blob.bin)")


def test_a_local_header_that_disagrees_with_the_directory_is_rejected(tmp_path: Path) -> None:
    doc = add_member(make_docx(tmp_path / "doc.docx", ["Case study"]), "word/media/note.bin", b"x" * 5000)
    patch_declared_size(doc, "word/media/note.bin", 4000, central=False)
    result = extract_in_process(doc, SMALL)
    assert (result.outcome, result.detail) == ("rejected", "zip with lying size fields (word/media/note.bin)")


def test_an_import_refuses_a_bomb_and_keeps_no_trace(library: Library, actors, tmp_path: Path) -> None:
    from dataclasses import replace

    library.ctx.settings = replace(library.ctx.settings, limits=replace(library.ctx.settings.limits,
                                                                         pdf_max_stream_bytes=4 * MB))
    bomb = make_flate_bomb_pdf(tmp_path / "bomb.pdf", 16 * MB)
    summary = library.importer.import_paths(actors["marketing"], [bomb]).value
    assert [(o.outcome, o.detail) for o in summary.outcomes] == [
        ("rejected", "decompression bomb: a PDF stream expands to more than 4 MB")]
    assert library.pieces.list(statuses=None) == [] and list(library.ctx.blobs.all_hashes()) == []


def test_decomposed_accents_are_stored_composed(tmp_path: Path) -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Résumé of the café pilot")
    assert nfd != "Résumé of the café pilot"
    (tmp_path / "notes.md").write_text(f"# {nfd}\n\n{nfd} in Zürich\n", encoding="utf-8")
    result = extract_in_process(tmp_path / "notes.md", ImportLimits())
    assert result.outcome == "ok" and result.title == "Résumé of the café pilot"
    assert "Résumé of the café pilot in Zürich" in result.text
    assert all(unicodedata.is_normalized("NFC", b.text) for b in result.blocks)
