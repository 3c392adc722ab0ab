"""Acceptance, as marketing: import a folder of 20 mixed files (one damaged) → progress →
a summary naming the damaged file → tag with suggestions → publish → the journey map grows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from tests.filemaker_docs import make_docx, make_pdf, make_pptx
from ui.dialogs import files
from ui.dialogs.import_dialog import ImportDialog

TOPICS = ["ROI of automating claims intake", "Payback period for approval workflows",
          "Cost of manual audit preparation", "Business case for store checklists",
          "Total cost of ownership for plant permits", "Savings from faster onboarding",
          "Value of SLA timers in procurement"]


def share_drive(folder: Path) -> Path:
    folder.mkdir()
    for n in range(8):
        topic = TOPICS[n % len(TOPICS)]
        make_pdf(folder / f"business-case-{n:02d}.pdf",
                 [f"{topic} (part {n})\nInvestment, payback and ROI for the economic buyer.",
                  f"Worked example {n}: costs, savings and a three-year return."], title=f"{topic} {n}")
    for n in range(6):
        make_docx(folder / f"value-brief-{n:02d}.docx", [f"Why the investment pays back: brief {n}.",
                                                         "ROI, TCO and the CFO's questions answered."],
                  headings=[f"Value brief {n}"], title=f"Value brief {n}")
    for n in range(5):
        make_pptx(folder / f"cfo-deck-{n:02d}.pptx", [(f"CFO deck {n}", "Is this worth the investment?"),
                                                      ("Payback", "Twelve months, measured in the pilot.")],
                  title=f"CFO deck {n}")
    (folder / "board-deck-FINAL.pdf").write_bytes(b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>\nendobj\n% cut")
    return folder


def test_marketing_imports_tags_and_publishes(demo_ctx, make_window, qtbot, tmp_path, monkeypatch):
    ctx = demo_ctx("marketing")
    library = ctx.library
    taxonomy = library.taxonomy.get()
    decision = next(s for s in taxonomy.stages if s.key == "decision")
    worth_it = next(g for g in decision.gates if "worth the investment" in g.question)
    window = make_window(ctx)
    journey_page = window.show_page("Journey map")
    qtbot.waitUntil(lambda: journey_page.journey is not None)
    before = journey_page.journey.cell(decision.id, worth_it.id).published

    folder = share_drive(tmp_path / "share-drive")
    monkeypatch.setattr(files, "ask_folder", lambda parent, title: folder)
    progress_seen: list[tuple[int, int]] = []
    monkeypatch.setattr(ImportDialog, "_progress", lambda self, d, t, n, orig=ImportDialog._progress: (
        progress_seen.append((d, t)), orig(self, d, t, n)))
    window.import_folder_action.trigger()
    dialog = window.last_dialog
    assert isinstance(dialog, ImportDialog)
    qtbot.waitUntil(lambda: dialog.summary is not None)

    # Progress went file by file up to 20 of 20, the total known from the first report on.
    assert progress_seen[0] == (0, 20) and progress_seen[-1] == (20, 20)
    assert [d for d, _t in progress_seen] == sorted(d for d, _t in progress_seen)
    assert {d for d, _t in progress_seen} == set(range(21)) and {t for _d, t in progress_seen} == {20}
    assert dialog.progress.maximum() == 20 and dialog.progress.value() == 20
    # The summary names the damaged file and why.
    assert dialog.pages.currentIndex() == 1
    rows = {Path(dialog.outcomes.row_at(r).path).name: dialog.outcomes.row_at(r)
            for r in range(dialog.outcomes.rowCount())}
    assert len(rows) == 20
    damaged = rows["board-deck-FINAL.pdf"]
    assert damaged.outcome == "failed" and damaged.detail
    assert "could not be read" in dialog.summary_label.text()
    imported = [o.piece_id for o in rows.values() if o.piece_id is not None]
    assert len(imported) == 20  # a damaged file is still kept as a piece, with its error shown

    # Tagging: one piece shows suggestions with reasons; tick a gate for all and publish.
    dialog.next_button.click()
    assert dialog.pages.currentIndex() == 2
    assert dialog.tag_pieces.rowCount() == 20
    # Publishing untagged pieces: nothing is ready, the dialog says why, nothing is published.
    dialog.publish_button.click()
    box = dialog.publish_box
    assert box.windowTitle() == "Nothing to publish"
    assert "0 pieces will be published" in box.text() and "20 pieces will be skipped" in box.text()
    assert "no stage, gate, owner, review date" in box.text()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert all(p.status == "draft" for p in library.pieces.summaries(imported))
    dialog.select_ids([rows["business-case-00.pdf"].piece_id])
    qtbot.waitUntil(lambda: dialog.suggestions.count() > 0)
    if dialog.suggestions.keys():
        assert "like '" in dialog.suggestions.item(0).text()  # the reason is shown
    good = [o.piece_id for name, o in rows.items() if name != "board-deck-FINAL.pdf"]
    dialog.select_ids(good)
    assert dialog.selected_ids() == sorted(good) or set(dialog.selected_ids()) == set(good)
    assert dialog.tag_editor.check("gate", worth_it.id)
    dialog.owner_edit.setText("Priya Raman")
    dialog.has_review.setChecked(True)
    dialog.apply_button.click()
    tagged = library.pieces.summaries(good)
    assert all(worth_it.id in p.ids("gate") and decision.id in p.ids("stage") for p in tagged)
    assert all(p.owner == "Priya Raman" and p.review_by is not None for p in tagged)
    # Publish all 20: the question lists the 19 ready ones and the one skipped, with why; asked once.
    dialog.select_ids(imported)
    dialog.publish_button.click()
    box = dialog.publish_box
    assert "19 pieces will be published" in box.text()
    assert "1 piece will be skipped" in box.text() and "no stage, gate, owner, review date" in box.text()
    box.ok_button.click()
    assert all(p.status == "published" for p in library.pieces.summaries(good))
    assert library.pieces.summaries([damaged.piece_id])[0].status == "draft"
    assert dialog.publish_label.text().startswith("Published 19 pieces. Skipped 1 piece")
    dialog.accept()

    # The journey map (routed a change-set) now counts them under that gate.
    window.show_page("Journey map")
    qtbot.waitUntil(lambda: journey_page.journey.cell(decision.id, worth_it.id).published == before + len(good))
