"""The import dialog's progress: the bar knows how many files there are from the first report
on (it does not wait for the first file to land) and the label says what happens now."""

from __future__ import annotations

import pytest

from tests.filemaker_docs import make_pdf
from ui import flows
from ui.dialogs.import_dialog import ImportDialog

pytestmark = pytest.mark.ui


def test_the_bar_counts_files_from_the_first_report_while_the_label_says_the_stage(  # type: ignore[no-untyped-def]
        qtbot, make_app_ctx, make_window, tmp_path, monkeypatch) -> None:
    app = make_app_ctx("marketing")
    share = tmp_path / "share"
    share.mkdir()
    for n in range(5):
        make_pdf(share / f"brief{n}.pdf", [f"Onboarding brief number {n} for regional banks"])
    drawn: list[tuple[int, int, str]] = []  # (bar maximum, bar value, label) after each redraw
    redraw = ImportDialog._set_progress

    def recorded(self: ImportDialog, done: int, total: int, text: str) -> None:
        redraw(self, done, total, text)
        drawn.append((self.progress.maximum(), self.progress.value(), self.progress_label.text()))

    monkeypatch.setattr(ImportDialog, "_set_progress", recorded)
    window = make_window(app)
    dialog = flows.import_paths(window, app, [share])
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=60_000)

    assert drawn[0] == (5, 0, "Checking 1 of 5: brief0.pdf")  # the first report is drawn at once
    assert {maximum for maximum, _value, _label in drawn} == {5}
    values = [value for _maximum, value, _label in drawn]
    assert values == sorted(values)
    assert drawn[-1][:2] == (5, 5) and drawn[-1][2].startswith("Stored 5 of 5: brief")
    assert dialog.summary.count("ok") == 5
    dialog.close()
