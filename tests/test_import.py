"""The import pipeline on real files: outcomes, duplicates, atomicity, cancel."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlmodel import select

from enablement.errors import InvalidInput, PermissionDenied
from enablement.models.tables import Blob, Piece, PieceVersion
from enablement.services.library import Library
from enablement.models.dto import TagSelection
from enablement.storage.engine import read_session
from tests.conftest import settings_for_tests
from tests.filemaker_docs import (make_docx, make_encrypted_pdf, make_image_pdf, make_pdf, make_pptx,
                                  make_xlsx)
from tests.filemaker_hostile import make_doctype_docx, make_elf, make_zip_bomb


def mixed_folder(root: Path) -> dict[str, Path]:
    """A share drive with good, damaged, encrypted, empty, mislabelled and hostile files."""
    (root / "sub" / "deeper").mkdir(parents=True)
    files = {
        "pdf": make_pdf(root / "roi-guide.pdf", ["Payback period and return on investment for CFOs"],
                        title="ROI Guide"),
        "docx": make_docx(root / "sub" / "battlecard.docx", ["Why we beat Brightgrid on rollout speed"]),
        "pptx": make_pptx(root / "sub" / "deeper" / "overview.pptx",
                          [("Executive overview", "Workflow automation for operations leaders"),
                           ("Security", "SOC 2 Type II and encryption at rest")]),
        "xlsx": make_xlsx(root / "calculator.xlsx", [["Input", "Value"], ["Hours saved", 120]]),
        "scan": make_image_pdf(root / "scanned.pdf"),
        "encrypted": make_encrypted_pdf(root / "locked.pdf", ["secret pricing"]),
        "mislabelled": make_pdf(root / "actually-a-pdf.docx", ["Mislabelled onboarding checklist"]),
        "bomb": make_zip_bomb(root / "bomb.docx"),
        "doctype": make_doctype_docx(root / "laughs.docx"),
        "exe": make_elf(root / "tool.pdf"),
    }
    files["damaged"] = root / "damaged.pdf"
    files["damaged"].write_bytes(files["pdf"].read_bytes()[:300])
    files["empty"] = root / "empty.pdf"
    files["empty"].write_bytes(b"")
    files["txt"] = root / "notes.txt"
    files["txt"].write_text("Discovery questions for healthcare referral workflows", encoding="utf-8")
    files["md"] = root / "email.md"
    files["md"].write_text("# Follow-up email\nThanks for the call about approvals.", encoding="utf-8")
    files["html"] = root / "page.html"
    files["html"].write_text("<html><head><title>FAQ</title><script>x()</script></head>"
                             "<body><p>Frequently asked procurement questions</p></body></html>", encoding="utf-8")
    return files


def by_name(summary) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {Path(o.path).name: o for o in summary.outcomes}


def test_every_file_gets_a_clear_outcome_and_the_library_stays_consistent(library: Library, actors, tmp_path):
    files = mixed_folder(tmp_path / "share")
    seen: list[tuple[int, int]] = []
    done = library.importer.import_paths(actors["marketing"], [tmp_path / "share"],
                                         progress=lambda d, t, name: seen.append((d, t)))
    out = by_name(done.value)
    assert {p.name for p in files.values()} <= set(out)
    assert seen[-1] == (len(out), len(out))
    for name in ("roi-guide.pdf", "battlecard.docx", "overview.pptx", "calculator.xlsx", "notes.txt",
                 "email.md", "page.html"):
        assert out[name].outcome == "ok", (name, out[name])
        assert out[name].piece_id is not None
    assert out["scanned.pdf"].outcome == "ok_no_text"
    assert out["locked.pdf"].outcome == "failed" and "password" in out["locked.pdf"].detail
    assert out["damaged.pdf"].outcome == "failed" and "damaged" in out["damaged.pdf"].detail
    assert out["actually-a-pdf.docx"].outcome == "ok" and "PDF" in out["actually-a-pdf.docx"].detail
    for name, word in (("bomb.docx", "zip bomb"), ("laughs.docx", "DOCTYPE"), ("tool.pdf", "executable"),
                       ("empty.pdf", "empty")):
        assert out[name].outcome == "rejected" and word in out[name].detail, (name, out[name])
        assert out[name].piece_id is None
    # Unreadable-but-safe files are pieces with their outcome visible; rejected ones left no trace.
    pieces = {p.title: p for p in library.pieces.list()}
    assert pieces["Locked"].outcome == "failed"
    with read_session(library.ctx.engine) as s:
        assert s.exec(select(PieceVersion).where(PieceVersion.original_name == "bomb.docx")).first() is None
        assert len(list(s.exec(select(Blob)))) == len(list(library.ctx.blobs.all_hashes()))
    assert library.pieces.get(out["actually-a-pdf.docx"].piece_id).versions[0].file_type == "pdf"
    assert library.pieces.get(out["overview.pptx"].piece_id).versions[0].page_count == 2
    report = library.maintenance.check()
    assert report.ok, report.problems


def test_the_library_folder_itself_is_never_imported(library: Library, actors, tmp_path):
    make_pdf(tmp_path / "guide.pdf", ["Payback period for CFOs"], title="The Payback Guide", author="Priya")
    make_docx(tmp_path / "untitled_battle-card.docx", ["Kitestring comparison"])
    done = library.importer.import_paths(actors["marketing"], [tmp_path])  # holds the library too
    assert len(done.value.outcomes) == 2
    titles = sorted(p.title for p in library.pieces.list())
    assert titles == ["The Payback Guide", "Untitled battle card"]
    pdf = library.pieces.get(by_name(done.value)["guide.pdf"].piece_id)
    assert "Payback period" in pdf.text_excerpt
    assert pdf.versions[0].original_name == "guide.pdf"



def test_duplicates_are_reported_never_imported_twice(library: Library, actors, tmp_path):
    make_pdf(tmp_path / "a" / "one.pdf" if (tmp_path / "a").mkdir() is None else tmp_path, ["Same bytes"])
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "copy.pdf").write_bytes((tmp_path / "a" / "one.pdf").read_bytes())
    first = by_name(library.importer.import_paths(actors["marketing"], [tmp_path / "a", tmp_path / "b"]).value)
    assert first["one.pdf"].outcome == "ok"
    assert first["copy.pdf"].outcome == "duplicate" and "one.pdf" in first["copy.pdf"].detail
    again = by_name(library.importer.import_paths(actors["marketing"], [tmp_path / "b"]).value)
    assert again["copy.pdf"].outcome == "duplicate"
    assert again["copy.pdf"].detail == "already in the library as 'One'"
    assert len(library.pieces.list()) == 1


def test_tags_and_rep_made_imports(library: Library, actors, tmp_path):
    taxonomy = library.taxonomy.get()
    gate = taxonomy.stages[3].gates[0]
    make_pdf(tmp_path / "deal-deck.pdf", ["My own deck for a deal"])
    with pytest.raises(PermissionDenied):
        library.importer.import_paths(actors["rep"], [tmp_path])
    done = library.importer.import_paths(actors["rep"], [tmp_path], source="rep",
                                         tags=TagSelection(gates=[gate.id]))
    piece = library.pieces.get(done.value.piece_ids[0])
    assert piece.summary.source == "rep" and piece.summary.status == "draft"
    assert piece.summary.review_state == "pending"
    # A gate tag brings its stage along.
    assert piece.summary.ids("gate") == (gate.id,) and piece.summary.ids("stage") == (gate.stage_id,)
    assert [p.id for p in library.pieces.review_queue()] == [piece.id]
    assert [p.id for p in library.pieces.submissions_by(actors["rep"].user_id)] == [piece.id]


def test_cancel_stops_the_import_and_names_what_was_not_imported(library: Library, actors, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(12):
        make_pdf(docs / f"doc{n:02d}.pdf", [f"Document number {n}"])
    cancel = threading.Event()

    def progress(done: int, total: int, name: str) -> None:
        if done >= 3:
            cancel.set()

    summary = library.importer.import_paths(actors["marketing"], [docs], progress=progress,
                                            cancel=cancel).value
    assert summary.cancelled
    imported = [o for o in summary.outcomes if o.outcome == "ok"]
    assert 3 <= len(imported) < 12
    assert summary.count("cancelled") == 12 - len(imported)
    assert len(library.pieces.list()) == len(imported)
    assert library.maintenance.check().ok
    # Running it again completes the rest with no duplicates.
    rest = library.importer.import_paths(actors["marketing"], [docs]).value
    assert rest.count("ok") == 12 - len(imported) and rest.count("duplicate") == len(imported)
    assert len(library.pieces.list()) == 12


def test_oversized_file_is_rejected(tmp_path: Path):
    lib = Library.open(tmp_path / "lib", settings=settings_for_tests(max_file_bytes=2000))
    try:
        lib.users.create(None, "Ada", "admin")
        (tmp_path / "big.txt").write_text("pricing tiers " * 400, encoding="utf-8")  # 5,600 bytes
        out = lib.importer.import_paths(lib.users.default_actor(), [tmp_path / "big.txt"]).value.outcomes[0]
        assert out.outcome == "rejected" and "too large" in out.detail
    finally:
        lib.close()


def test_new_version_keeps_history_tags_and_usage(library: Library, actors, tmp_path):
    from enablement.models.dto import UseRecord

    make_pdf(tmp_path / "v1.pdf", ["Pricing 2025 edition"])
    pid = library.importer.import_paths(actors["marketing"], [tmp_path / "v1.pdf"]).value.piece_ids[0]
    stage = library.taxonomy.get().stages[4]
    library.pieces.set_tags(actors["marketing"], pid, TagSelection(stages=[stage.id]))
    library.usage.record(actors["rep"], UseRecord(kind="sent", piece_id=pid))
    make_pdf(tmp_path / "v2.pdf", ["Pricing 2026 edition with new tiers"])
    with pytest.raises(PermissionDenied):
        library.importer.new_version(actors["rep"], pid, tmp_path / "v2.pdf")
    library.importer.new_version(actors["marketing"], pid, tmp_path / "v2.pdf", note="2026 prices")
    detail = library.pieces.get(pid)
    assert [v.number for v in detail.versions] == [2, 1]
    assert detail.versions[0].note == "2026 prices" and detail.current_version_id == detail.versions[0].id
    assert "2026 edition" in detail.text_excerpt
    assert detail.summary.ids("stage") == (stage.id,)
    assert detail.summary.use_count == 1
    with pytest.raises(InvalidInput, match="same file"):
        library.importer.new_version(actors["marketing"], pid, tmp_path / "v2.pdf")


def test_links_are_pieces_without_files(library: Library, actors):
    pid = library.importer.add_link(actors["marketing"], "https://example.com/tour", "Product tour").value
    piece = library.pieces.get(pid)
    assert piece.url == "https://example.com/tour" and piece.summary.kind == "link"
    with pytest.raises(InvalidInput, match="http"):
        library.importer.add_link(actors["marketing"], "javascript:alert(1)", "Bad")
    assert library.maintenance.check().ok


def test_full_disk_while_storing_a_file_loses_nothing(library: Library, actors, tmp_path, monkeypatch):
    import errno
    import os as os_module

    from enablement.errors import StorageError

    make_pdf(tmp_path / "a.pdf", ["Some text"])
    real_fsync = os_module.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("enablement.storage.blobs.os.fsync", full)
    with pytest.raises(StorageError, match="disk .* is full"):
        library.importer.import_paths(actors["marketing"], [tmp_path / "a.pdf"])
    monkeypatch.setattr("enablement.storage.blobs.os.fsync", real_fsync)
    assert library.pieces.list() == []
    assert library.ctx.blobs.leftover_temp_files() == []
    assert library.maintenance.check().ok
    assert library.importer.import_paths(actors["marketing"], [tmp_path / "a.pdf"]).value.count("ok") == 1


@pytest.mark.parametrize("app", [False, True], ids=["many-files", "index-already-in-a-child"])
def test_a_bulk_import_indexes_in_the_background_while_it_goes_on(library: Library, actors, tmp_path,
                                                                  monkeypatch, app):
    """The index takes the landed pieces on a thread of its own (writing in a child process)
    while the import goes on: from many files on, or at any size where the index already
    writes in a child (the desktop app). The import lands every file while the first batch is
    still being applied, and every piece is indexed when it returns."""
    from enablement.services import importing

    monkeypatch.setattr(importing, "_INDEX_BATCH_SECONDS", 0.0)  # flush whenever the index is idle
    assert library.ctx.index is not None
    if app:
        library.ctx.index.write_in_child()
    share = tmp_path / "share"
    share.mkdir()
    for n in range(3 if app else importing._BACKGROUND_INDEX_FILES + 4):
        make_pdf(share / f"brief{n:02d}.pdf", [f"Onboarding brief number {n} for regional banks"])
    all_landed = threading.Event()
    released: list[bool] = []

    def slow_cache(changes) -> None:  # type: ignore[no-untyped-def]
        if not released:  # the first batch: applying it lasts until every file has landed
            released.append(all_landed.wait(60))

    def progress(done: int, total: int, name: str) -> None:
        if done == total:
            all_landed.set()

    library.ctx.caches.listeners.append(slow_cache)
    try:
        summary = library.importer.import_paths(actors["marketing"], [share], progress=progress).value
    finally:
        library.ctx.caches.listeners.remove(slow_cache)
    assert [o.outcome for o in summary.outcomes] == ["ok"] * len(summary.outcomes)
    assert released == [True]  # the import went on while its first batch was being applied
    index = library.ctx.index
    assert index is not None and index.writes_in_child
    assert set(index.backend.stamps()) == set(summary.piece_ids)
    hits = library.search.search(actors["marketing"], "onboarding brief regional banks").results
    assert hits.total == len(summary.outcomes)


def test_files_are_extracted_and_stored_while_later_ones_are_still_being_copied(library: Library, actors,
                                                                               tmp_path, monkeypatch):
    """The copy, hash and checks of a file overlap the extraction of earlier ones: the first
    piece lands before the last file of a large folder is copied (and nothing is lost)."""
    from enablement.services import importing

    share = tmp_path / "share"
    share.mkdir()
    files = 6 * importing._AHEAD_PER_WORKER * library.ctx.settings.workers
    for n in range(files):
        make_pdf(share / f"sheet{n:03d}.pdf", [f"Pricing sheet number {n}"])
    copies: list[int] = []
    copied_at_first_landing: list[int] = []
    real_copy = library.importer._private_copy

    def counted_copy(path: Path):  # type: ignore[no-untyped-def]
        copies.append(1)
        return real_copy(path)

    def progress(done: int, total: int, name: str) -> None:
        if done and not copied_at_first_landing:
            copied_at_first_landing.append(len(copies))

    monkeypatch.setattr(library.importer, "_private_copy", counted_copy)
    summary = library.importer.import_paths(actors["marketing"], [share], progress=progress).value
    assert [o.outcome for o in summary.outcomes] == ["ok"] * files
    assert copied_at_first_landing[0] < files
    assert library.ctx.blobs.leftover_temp_files() == [] and library.maintenance.check().ok


def test_progress_knows_the_total_from_the_first_report_and_says_what_happens(library: Library, actors, tmp_path):
    """Every file is "Checking i of n" before its copy (a few ahead of the extraction), then
    "Stored k of n" when it lands; ``done`` counts the files that have their outcome (a
    duplicate or a refused file at its check) and ends at the total."""
    from enablement.services import importing

    share = tmp_path / "share"
    share.mkdir()
    ahead = importing._AHEAD_PER_WORKER * library.ctx.settings.workers
    pdfs = [make_pdf(share / f"sheet{n:02d}.pdf", [f"Pricing sheet number {n}"]) for n in range(ahead + 2)]
    (share / "sheet99-copy.pdf").write_bytes(pdfs[0].read_bytes())  # a duplicate, known at its check
    (share / "zz-empty.pdf").write_bytes(b"")  # refused at its check
    names = [p.name for p in pdfs] + ["sheet99-copy.pdf", "zz-empty.pdf"]
    total = len(names)
    reports: list[tuple[int, int, str]] = []
    summary = library.importer.import_paths(actors["marketing"], [share],
                                            progress=lambda *report: reports.append(report)).value

    assert reports[0] == (0, total, f"Checking 1 of {total}: sheet00.pdf")
    assert {t for _d, t, _text in reports} == {total}
    done = [d for d, _t, _text in reports]
    assert done[-1] == total and all(b - a in (0, 1) for a, b in zip(done, done[1:]))
    checked = [text for _d, _t, text in reports if text.startswith("Checking")]
    assert list(dict.fromkeys(checked)) == [f"Checking {i} of {total}: {name}" for i, name in enumerate(names, 1)]
    stored = [text for _d, _t, text in reports if text.startswith("Stored")]
    assert [text.split(":")[0] for text in stored] == [f"Stored {k} of {total}" for k in range(1, len(pdfs) + 1)]
    assert {text.split(": ", 1)[1] for text in stored} == {p.name for p in pdfs}
    first_stored = next(i for i, (_d, _t, text) in enumerate(reports) if text.startswith("Stored"))
    assert f"Checking {ahead} of {total}: {names[ahead - 1]}" in [text for _d, _t, text in reports[:first_stored]]
    assert [o.outcome for o in summary.outcomes] == ["ok"] * len(pdfs) + ["duplicate", "rejected"]
