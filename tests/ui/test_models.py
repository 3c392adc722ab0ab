"""Every Qt model of the app passes qtmodeltester, filled with real library data."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt

from enablement.models.dto import FileOutcome
from ui.models.import_outcome_model import ImportOutcomeTableModel
from ui.models.piece_table_model import COL_USES, PieceIdRole, PieceRole, PieceTableModel
from ui.models.row_table_model import SortRole
from ui.models.submission_table_model import SubmissionTableModel
from ui.models.version_table_model import VersionTableModel


def test_piece_table_model(qtmodeltester, demo_ctx):
    pieces = demo_ctx.library.pieces.list()
    model = PieceTableModel()
    model.set_rows(pieces[:20], {pieces[0].id: "a <b>snippet</b>"})
    qtmodeltester.check(model)
    model.append_rows(pieces[15:])
    qtmodeltester.check(model)
    assert model.rowCount() == len(pieces)
    assert model.index(0, 0).data(PieceRole) == pieces[0]
    assert model.index(1, 0).data(PieceIdRole) == pieces[1].id
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    proxy.sort(COL_USES, Qt.SortOrder.DescendingOrder)
    uses = [proxy.index(r, COL_USES).data(SortRole) for r in range(proxy.rowCount())]
    assert uses == sorted(uses, reverse=True) and isinstance(uses[0], int)


def test_version_table_model(qtmodeltester, demo_ctx):
    piece = next(p for p in demo_ctx.library.pieces.list() if p.kind != "link")
    detail = demo_ctx.library.pieces.get(piece.id)
    model = VersionTableModel()
    model.set_versions(detail.versions, detail.current_version_id)
    qtmodeltester.check(model)
    assert "(current)" in model.index(0, 0).data()


def test_import_outcome_model(qtmodeltester):
    model = ImportOutcomeTableModel()
    model.set_rows([FileOutcome("/x/a.pdf", "ok", piece_id=1, pages=2),
                        FileOutcome("/x/b.pdf", "failed", "damaged PDF"),
                        FileOutcome("/x/c.pdf", "duplicate", "already there", duplicate_of="Security whitepaper"),
                        FileOutcome("/x/d.exe", "rejected", "executable program")])
    qtmodeltester.check(model)
    assert model.index(2, 1).data() == "duplicate of Security whitepaper"
    assert Path(model.index(0, 0).data()).name == "a.pdf"


def test_import_outcomes_arrive_in_batches_sorted_and_are_drawn_without_python(qtmodeltester, qtbot) -> None:
    """150 outcomes: the first batch at once, the rest in later passes of the event loop, kept
    in the view's sort order; the cells are Qt items, so painting calls no Python ``data``."""
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from ui.models.import_outcome_model import COL_FILE, COL_OUTCOME, FILL_BATCH

    model = ImportOutcomeTableModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(COL_OUTCOME, Qt.SortOrder.AscendingOrder)
    outcomes = [FileOutcome(f"/x/file-{n:03}.pdf", "failed" if n % 10 == 0 else "ok", piece_id=n) for n in range(150)]
    model.set_rows(outcomes)
    assert model.rowCount() == FILL_BATCH and model.filling
    qtbot.waitUntil(lambda: not model.filling)
    assert model.rowCount() == 150
    shown = [model.index(r, COL_OUTCOME).data() for r in range(150)]
    assert shown == ["failed"] * 15 + ["imported"] * 135  # sorted as the view asked, across batches
    assert model.row_at(0).outcome == "failed" and Path(model.index(0, COL_FILE).data()).name.endswith(".pdf")
    assert type(model).data is QStandardItemModel.data  # cells come from Qt items, not from a Python method
    qtmodeltester.check(model)
    model.set_rows(outcomes[:3])  # new rows replace the old at once
    assert model.rowCount() == 3 and not model.filling and model.index(0, 0, QModelIndex()).isValid()


def test_submission_model(qtmodeltester, demo_ctx):
    details = [demo_ctx.library.pieces.get(p.id) for p in demo_ctx.library.pieces.list()[:3]]
    model = SubmissionTableModel()
    model.set_rows(details)
    qtmodeltester.check(model)


def test_row_table_model_contract(qtmodeltester, qtbot, demo_ctx):
    """The shared base: rows in, headers, the row and its id under shared roles, native sort values."""
    from ui.models.piece_rows_model import USES, PieceRowsTableModel
    from ui.models.row_table_model import ItemIdRole, RowRole

    pieces = demo_ctx.library.pieces.list()[:5]
    model = PieceRowsTableModel(uses_label="Uses")
    model.set_rows(pieces, {pieces[0].id: 9})
    qtmodeltester.check(model)
    assert model.rows == pieces and model.row_at(1) == pieces[1] and model.row_at(99) is None
    assert model.row_of(pieces[2].id) == 2 and model.row_of(-1) == -1
    assert model.index(0, 0).data(RowRole) == pieces[0] and model.index(0, 3).data(ItemIdRole) == pieces[0].id
    assert model.index(0, USES).data(SortRole) == 9 and model.index(1, USES).data(SortRole) == 0
    with qtbot.waitSignal(model.headerDataChanged):
        model.uses_label = "Uses (30 d)"
    assert model.headerData(USES, Qt.Orientation.Horizontal) == "Uses (30 d)"
    assert model.headerData(USES, Qt.Orientation.Vertical) is None
    assert model.headerData(99, Qt.Orientation.Horizontal) is None


def test_titles_are_drawn_with_bidi_and_control_characters_escaped(qtmodeltester, demo_ctx):
    from dataclasses import replace

    from ui.models.piece_table_model import COL_TITLE

    piece = replace(demo_ctx.library.pieces.list()[0], title="unicode-\u202egnp.pdf\nsecond line")
    model = PieceTableModel()
    model.set_rows([piece], {})
    qtmodeltester.check(model)
    assert model.index(0, COL_TITLE).data() == "unicode-\\u202egnp.pdf\\nsecond line"
    assert model.index(0, 0).data(PieceRole).title == piece.title  # the data itself is untouched
